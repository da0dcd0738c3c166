"""calcify outside its checkout: where it finds its knowledge base and keeps its state, its
version, and what each of the two make commands installs. (tests/installed.py, run by
`make test`, builds the wheel and uses it from a fresh environment.)"""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

import chatbot
from chatbot.consultation.session import sessions_dir, state_dir
from chatbot.knowledge import files
from chatbot.knowledge.files import checkout_dir, default_rules_dir

ROOT = Path(__file__).resolve().parents[1]
FRESH = "/nonexistent/calcify-venv"


def test_a_checkout_uses_its_own_rules_so_an_edit_takes_effect_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CALCIFY_RULES", raising=False)
    assert checkout_dir() == ROOT
    assert default_rules_dir() == ROOT / "rules"


def test_calcify_rules_wins_over_the_checkout(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CALCIFY_RULES", str(tmp_path))
    assert default_rules_dir() == tmp_path


def test_an_installed_package_uses_the_rules_it_carries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CALCIFY_RULES", raising=False)
    monkeypatch.setattr(files, "checkout_dir", lambda: None)
    assert default_rules_dir() == Path(chatbot.__file__).resolve().parent / "rules"


def test_a_directory_without_pyproject_is_not_taken_for_a_checkout(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    package = tmp_path / "lib" / "chatbot" / "knowledge"
    package.mkdir(parents=True)
    (tmp_path / "lib" / "rules").mkdir()  # a stray rules/ beside site-packages
    monkeypatch.setattr(files, "__file__", str(package / "files.py"))
    assert checkout_dir() is None
    (tmp_path / "lib" / "pyproject.toml").write_text("", encoding="utf-8")
    assert checkout_dir() == tmp_path / "lib"


@pytest.mark.skipif(sys.platform != "linux", reason="XDG applies on Linux")
def test_state_follows_xdg_state_home_and_its_default(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    assert state_dir() == tmp_path / "state" / "calcify"
    assert sessions_dir() == tmp_path / "state" / "calcify" / "sessions"
    monkeypatch.delenv("XDG_STATE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert state_dir() == tmp_path / "home" / ".local" / "state" / "calcify"


def test_version_is_the_installed_distributions() -> None:
    shown = subprocess.run(
        [sys.executable, "-m", "chatbot", "--version"], capture_output=True, text=True, check=True
    ).stdout
    assert shown.strip() == f"calcify {metadata.version('calcify')}"
    assert metadata.version("calcify") == chatbot.__version__


def make_commands(target: str) -> str:
    """What `make TARGET` would run on a fresh clone (its .venv not there yet)."""
    return subprocess.run(
        ["make", "-n", "--no-print-directory", "-C", str(ROOT), target, f"VENV={FRESH}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_make_chat_installs_only_what_a_consultation_needs() -> None:
    chat = make_commands("chat")
    assert "pip install" in chat and "-e ." in chat
    assert "[test]" not in chat and "pytest" not in chat
    assert chat.rstrip().endswith("calcify")


def test_make_test_adds_the_test_tools_and_checks_the_wheel() -> None:
    test = make_commands("test")
    assert "-e '.[test]'" in test
    assert "pytest" in test and "tests/installed.py" in test
