"""Shared fixtures: every test runs with its own home, state and config, and without colour."""

from __future__ import annotations

from pathlib import Path

import pytest

from chatbot.engine import Engine
from chatbot.knowledge import load_knowledge_base
from chatbot.model import KnowledgeBase

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


@pytest.fixture(scope="session")
def fixture_kb() -> KnowledgeBase:
    """The small fictional knowledge base in tests/fixture_kb (widgets, not medicine)."""
    return load_knowledge_base(FIXTURE_KB)


@pytest.fixture(scope="session")
def fixture_engine(fixture_kb: KnowledgeBase) -> Engine:
    return Engine(fixture_kb)


@pytest.fixture(scope="session")
def real_kb() -> KnowledgeBase:
    """The shipped knowledge base in rules/."""
    return load_knowledge_base(REAL_KB)
