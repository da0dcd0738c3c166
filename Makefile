# The two commands of the README. Each creates .venv and installs the project if needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: chat test lint clean

chat: $(STAMP)
	$(BIN)/calcify

test: $(STAMP)
	$(BIN)/ruff check chatbot tests bench
	$(BIN)/ruff format --check chatbot tests bench
	$(BIN)/mypy --strict chatbot
	$(BIN)/lint-imports --no-cache
	$(BIN)/pytest -n auto
	$(BIN)/python tests/published.py

# bench/ is a directory, so the target is phony or make would find it up to date.
.PHONY: bench
bench: $(STAMP)
	$(BIN)/python bench/run.py

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
