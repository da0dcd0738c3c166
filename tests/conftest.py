"""Shared fixtures: every test runs with its own home, state and config, and without colour."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path
from typing import Any

import pytest

from chatbot.engine.engine import Engine
from chatbot.knowledge.loader import load_knowledge_base
from chatbot.knowledge.model import KnowledgeBase

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
