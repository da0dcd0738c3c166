"""Shared fixtures: every test runs with its own home, state and config, and without colour."""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path
from typing import Any, Literal

import pytest

from chatbot.engine.engine import Engine
from chatbot.intake.reader import read_description
from chatbot.knowledge.loader import load_knowledge_base
from chatbot.knowledge.model import KnowledgeBase, Question, Value

TESTS = Path(__file__).resolve().parent
FIXTURE_KB = TESTS / "fixture_kb"
REAL_KB = TESTS.parent / "rules"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point home, state and config at tmp_path so nothing touches the developer's files."""
    home = tmp_path / "home"
    for name, path in (
        ("HOME", home),
        ("XDG_STATE_HOME", home / ".local" / "state"),
        ("XDG_CONFIG_HOME", home / ".config"),
        ("XDG_DATA_HOME", home / ".local" / "share"),
        ("XDG_CACHE_HOME", home / ".cache"),
    ):
        path.mkdir(parents=True, exist_ok=True)
        monkeypatch.setenv(name, str(path))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("CALCIFY_RULES", raising=False)
    return home


def shared_unless_mutating(
    fixture_name: str, config: pytest.Config
) -> Literal["session", "function"]:
    """Session-wide, except under `make mutate`: mutmut runs for each mutant only the tests that
    called the mutated function, and a knowledge base loaded once would credit every loader
    function to the first test that asked for it (the fixture's is small: 12 ms a load)."""
    return "function" if "MUTANT_UNDER_TEST" in os.environ else "session"


@pytest.fixture(scope=shared_unless_mutating)
def fixture_kb() -> KnowledgeBase:
    """The small fictional knowledge base in tests/fixture_kb (widgets, not medicine)."""
    return load_knowledge_base(FIXTURE_KB)


@pytest.fixture(scope=shared_unless_mutating)
def fixture_engine(fixture_kb: KnowledgeBase) -> Engine:
    return Engine(fixture_kb)


@pytest.fixture(scope="session")
def real_kb() -> KnowledgeBase:
    """The shipped knowledge base in rules/."""
    return load_knowledge_base(REAL_KB)


@pytest.fixture(scope="module")
def questions(real_kb: KnowledgeBase) -> dict[str, Question]:
    """The shipped knowledge base's questions by id."""
    return dict(real_kb.questions)


Reading = dict[str, Value]
"""What a case description answers: question id -> value."""
LeftOut = set[tuple[str, Value, str]]
"""What it left out: (question id, value, why)."""


def reading_of(kb: KnowledgeBase, text: str) -> tuple[Reading, LeftOut]:
    """What read_description takes from `text`, and what it leaves out and why."""
    found = read_description(kb, text)
    read = {e.question: e.value for e in found.items}
    return read, {(o.question, o.value, o.reason) for o in found.omitted}


def synthetic_module() -> Any:
    """bench/synthetic.py, the generator of synthetic knowledge bases."""
    spec = importlib.util.spec_from_file_location(
        "synthetic", TESTS.parent / "bench" / "synthetic.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SYNTHETIC = synthetic_module()


@pytest.fixture(scope="session")
def synthetic_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic knowledge base of 240 rules (bench/synthetic.py), shaped like rules/."""
    path: Path = SYNTHETIC.write_knowledge_base(tmp_path_factory.mktemp("synthetic"), 240)
    return path


@pytest.fixture(scope="session")
def cyclic_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture knowledge base plus a rule that closes a positive cycle (hot <-> stressed)."""
    directory = tmp_path_factory.mktemp("cyclic") / "kb"
    shutil.copytree(FIXTURE_KB, directory)
    (directory / "zloop.toml").write_text(
        "[[rule]]\n"
        'id = "loop.back"\n'
        'when = [{ finding = "stressed" }, { question = "casing", is = "dented" }]\n'
        'derive = { finding = "hot" }\n'
        'because = "A stressed, dented widget runs hot."\n'
        'source = { id = "shop-notes", locator = "page 9" }\n',
        encoding="utf-8",
    )
    return directory
