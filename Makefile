# The two commands of the README, each one command on a fresh clone: `make chat` creates .venv
# with what a consultation needs (the runtime dependencies); `make test` adds the test tools.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUNTIME := $(VENV)/.installed-runtime
TOOLS := $(VENV)/.installed-test
MUTATE := $(VENV)/.installed-mutate

.PHONY: chat test mutate clean

chat: $(RUNTIME)
	$(BIN)/calcify

test: $(TOOLS)
	$(BIN)/ruff check chatbot tests bench setup.py
	$(BIN)/ruff format --check chatbot tests bench setup.py
	$(BIN)/mypy --strict chatbot
	$(BIN)/lint-imports --no-cache
	$(BIN)/pytest -n auto
	$(BIN)/python tests/published.py
	$(BIN)/python tests/installed.py

# bench/ is a directory, so the target is phony or make would find it up to date.
.PHONY: bench
bench: $(TOOLS)
	$(BIN)/python bench/run.py

# Mutation testing ([tool.mutmut] in pyproject.toml; about 17 minutes on two cores). The
# score and the mutants that survive are recorded in bench/RESULTS.md.
mutate: $(MUTATE)
	rm -rf mutants
	$(BIN)/mutmut run --max-children $$(nproc 2>/dev/null || echo 2)
	$(BIN)/python bench/mutants.py

$(RUNTIME): pyproject.toml setup.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	touch $@

$(TOOLS): $(RUNTIME)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

$(MUTATE): $(TOOLS)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,mutate]'
	touch $@

clean:
	rm -rf $(VENV) build dist mutants *.egg-info .pytest_cache .mypy_cache .ruff_cache
