"""A kept file or the history file that cannot be written: the consultation goes on, says so
once, and tries the kept file again on every turn (a disk that fills up and frees again)."""

from __future__ import annotations

from pathlib import Path

import pytest
from prompt_toolkit.history import FileHistory

from chatbot.consultation import record
from chatbot.consultation.files import Written
from chatbot.consultation.record import TranscriptError
from chatbot.consultation.session import Recorder
from chatbot.ui.repl import CaseFreeHistory


def test_autosave_retries_after_a_failed_write_and_says_so_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "session.txt"
    recorder = Recorder([path])
    recorder.user("lung")
    real_write = record.write_new
    full = {"disk": True}

    def write(target: Path, text: str, force: bool = False) -> Written:
        if full["disk"]:
            raise TranscriptError(str(target), 0, "No space left on device")
        return real_write(target, text, force=force)

    monkeypatch.setattr(record, "write_new", write)
    first = recorder.keep(False)
    assert len(first) == 1 and "No space left on device" in first[0]
    assert "trying again" in first[0]
    assert recorder.keep(False) == []  # said once, not on every turn
    assert not path.exists()
    full["disk"] = False
    recorder.user("viable")
    assert recorder.keep(False) == [f"the consultation is kept in {path} again"]
    assert "> viable" in path.read_text(encoding="utf-8")
    assert recorder.keep(False) == []
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_an_unwritable_history_file_is_said_once_and_never_raises(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def full(self: FileHistory, string: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(FileHistory, "store_string", full)
    history = CaseFreeHistory(str(tmp_path / "history"))
    history.store_string("necrotic")
    history.store_string("caseous")
    err = capsys.readouterr().err
    assert err.count("cannot write the history file") == 1
    assert "No space left on device" in err
