"""The edges of keeping sessions (session.py), called in-process: where the state directory
is, what a new autosave is called and that its directories are 0700, which kept session
--resume picks (the newest by time, not by name), which it passes over and the words naming
each, a finished mark only in the first five lines, what a Recorder writes and says (save,
dry run, a failing file among several), the count resume reports, where kept_note points,
and that open_session locks the files it keeps and lets them go when it cannot go on."""

from __future__ import annotations

import os
import stat
import sys
from datetime import datetime
from pathlib import Path

import pytest

from chatbot.consultation import session
from chatbot.consultation.blocks import Note, Problem
from chatbot.consultation.dialogue import Consultation
from chatbot.consultation.locks import SessionInUse, SessionLock, holder, lock_path
from chatbot.consultation.record import TranscriptError
from chatbot.consultation.session import (
    Recorder,
    _age,
    cannot_continue,
    kept_note,
    new_session_path,
    open_session,
    pick_unfinished,
    resume,
    sessions_dir,
    state_dir,
)
from chatbot.engine.engine import Engine
from chatbot.knowledge.model import KnowledgeBase

LINUX = pytest.mark.skipif(sys.platform != "linux", reason="the XDG layout is Linux's")
HEADER = "# title: recorded consultation\n# shows: (say here what this consultation shows)\n"
UNFINISHED = HEADER + "# status: unfinished\n"
FINISHED = HEADER + "# status: finished\n"


def _kept(name: str, text: str | bytes, mtime: float) -> Path:
    """A kept session in the state directory, last written at `mtime`."""
    sessions_dir().mkdir(parents=True, exist_ok=True)
    path = sessions_dir() / name
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    os.utime(path, (mtime, mtime))
    return path


def _messages(blocks: object) -> list[str]:
    assert isinstance(blocks, list)
    return [block.message for block in blocks if isinstance(block, Note | Problem)]


# where sessions are kept


@LINUX
def test_the_state_directory_follows_xdg_state_home(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    assert state_dir() == tmp_path / "state" / "calcify"
    assert sessions_dir() == tmp_path / "state" / "calcify" / "sessions"
    for unset in ("", None):
        if unset is None:
            monkeypatch.delenv("XDG_STATE_HOME")
        else:
            monkeypatch.setenv("XDG_STATE_HOME", unset)
        assert state_dir() == isolated_home / ".local" / "state" / "calcify"


def test_a_new_session_is_named_by_time_and_process_in_private_directories(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Frozen(datetime):
        @classmethod
        def now(cls, tz: object = None) -> Frozen:
            return cls(2026, 1, 2, 3, 4, 5)

    monkeypatch.setattr(session, "datetime", Frozen)
    state_dir().mkdir(parents=True)
    state_dir().chmod(0o755)  # made before, by something else: tightened too
    path = new_session_path()
    assert path == sessions_dir() / f"20260102-030405-{os.getpid()}.txt"
    assert not path.exists()
    for directory in (state_dir(), sessions_dir()):
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700


# which kept session --resume picks


def test_nothing_to_resume() -> None:
    assert pick_unfinished() == (None, [])
    sessions_dir().mkdir(parents=True)
    _kept("done.txt", FINISHED + "> 1\n", 100)
    assert pick_unfinished() == (None, [])
    assert pick_unfinished()[0] is None
    empty = _kept("empty.txt", UNFINISHED + "no input\n", 200)
    assert pick_unfinished() == (
        None,
        [f"skipped {empty}: no user lines (lines starting with '> ')"],
    )


def test_the_newest_by_time_is_picked_not_the_last_by_name() -> None:
    newest = _kept("a.txt", UNFINISHED + "> 1\n", 300)
    _kept("b.txt", UNFINISHED + "> 2\n", 200)
    _kept("c.txt", UNFINISHED + "> 3\n", 100)
    assert pick_unfinished() == (newest, [])
    assert pick_unfinished()[0] == newest


def test_newer_sessions_that_cannot_go_on_are_passed_over_by_name() -> None:
    older = _kept("a.txt", UNFINISHED + "> 1\n", 100)
    _kept("b.txt", FINISHED + "> 2\n", 400)  # finished: not a candidate, not mentioned
    empty = _kept("c.txt", UNFINISHED + "no input\n", 300)
    latin = _kept("d.txt", (UNFINISHED + "> caf").encode() + b"\xe9\n", 200)
    assert pick_unfinished() == (
        older,
        [
            f"skipped {empty}: no user lines (lines starting with '> ')",
            f"skipped {latin}: not UTF-8 text (byte {len(UNFINISHED) + 5})",
        ],
    )


def test_a_session_in_use_is_passed_over_naming_the_process() -> None:
    older = _kept("a.txt", UNFINISHED + "> 1\n", 100)
    busy = _kept("b.txt", UNFINISHED + "> 2\n", 200)
    lock = SessionLock(busy)
    try:
        reason = f"in use by another calcify (process {os.getpid()})"
        assert cannot_continue(busy) == reason
        assert pick_unfinished() == (older, [f"skipped {busy}: {reason}"])
    finally:
        lock.release()
    assert pick_unfinished() == (busy, [])


def test_a_session_with_a_torn_last_line_can_go_on() -> None:
    torn = _kept("a.txt", (UNFINISHED + "> 1\n> cas").encode() + b"\xc3", 100)
    assert cannot_continue(torn) is None
    assert pick_unfinished() == (torn, [])


@pytest.mark.parametrize(("comments", "finished"), [(1, True), (2, True), (3, False)])
def test_only_the_first_five_lines_are_looked_at_for_the_finished_mark(
    comments: int, finished: bool
) -> None:
    path = _kept("a.txt", HEADER + "# note\n" * comments + "# status: finished\n> 1\n", 100)
    assert pick_unfinished() == ((None, []) if finished else (path, []))


def test_a_session_that_vanished_counts_as_oldest(tmp_path: Path) -> None:
    present, gone = tmp_path / "present.txt", tmp_path / "gone.txt"
    present.write_text("x")
    os.utime(present, (0.5, 0.5))
    assert _age(gone) == (0.0, "gone.txt")
    assert sorted([present, gone], key=_age) == [gone, present]


# what a Recorder writes and says


def test_the_recorded_text_has_a_status_line_only_when_asked() -> None:
    recorder = Recorder(lines=["Question?", "> 1"])
    assert recorder.text() == HEADER + "Question?\n> 1\n"
    assert recorder.text(False) == UNFINISHED + "Question?\n> 1\n"
    assert recorder.text(True) == FINISHED + "Question?\n> 1\n"


def test_save_says_where_and_a_dry_run_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "case.txt"
    assert _messages([Recorder(lines=["> 1"], dry_run=True).save(path, False)]) == [
        f"Saved the consultation so far to {path}."
    ]
    assert not path.exists()
    assert _messages([Recorder(lines=["> 1"]).save(path, False)]) == [
        f"Saved the consultation so far to {path}."
    ]
    assert path.read_text(encoding="utf-8") == HEADER + "> 1\n"


def test_a_recorder_without_locks_closes_quietly() -> None:
    recorder = Recorder()
    recorder.close()
    assert recorder.locks == []


def test_nothing_is_kept_before_the_first_input(tmp_path: Path) -> None:
    path = tmp_path / "kept.txt"
    recorder = Recorder([path], lines=["Question?"])
    assert recorder.keep(False) == []
    assert not path.exists()


def test_a_file_that_cannot_be_kept_does_not_stop_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    bad, good = tmp_path / "bad.txt", tmp_path / "good.txt"
    bad.mkdir()
    recorder = Recorder([bad, good], lines=["> 1"])
    assert recorder.keep(False) == [
        "cannot keep the consultation in bad.txt: is a directory, not a file name; carrying "
        "on, and trying again after each answer"
    ]
    assert good.read_text(encoding="utf-8") == UNFINISHED + "> 1\n"
    recorder.user("2")
    assert recorder.keep(True) == []  # said once
    assert good.read_text(encoding="utf-8") == FINISHED + "> 1\n> 2\n"
    bad.rmdir()
    assert recorder.keep(True) == [f"the consultation is kept in {bad} again"]
    assert bad.read_text(encoding="utf-8") == FINISHED + "> 1\n> 2\n"
    bad.unlink()
    bad.mkdir()
    recorder.user("3")
    assert len(recorder.keep(True)) == 1  # a new failure is said again


# kept_note: where a consultation left at the prompt is, and how to go on


def test_kept_note_names_the_first_file_there_and_how_to_go_on(tmp_path: Path) -> None:
    missing, recorded = tmp_path / "missing.txt", tmp_path / "recorded.txt"
    recorder = Recorder([missing, recorded], lines=["> 1"])
    assert kept_note(recorder, False) == []
    recorded.write_text("x")
    other = tmp_path / "other.txt"
    other.write_text("x")
    assert _messages(kept_note(Recorder([recorded, other]), True)) == [
        f"The consultation is kept in {recorded}."
    ]
    assert _messages(kept_note(recorder, True)) == [f"The consultation is kept in {recorded}."]
    assert _messages(kept_note(recorder, False)) == [
        f"The consultation is kept in {recorded}; calcify --resume {recorded} continues it."
    ]
    autosave = new_session_path()
    autosave.write_text("x")
    assert _messages(kept_note(Recorder([autosave]), False)) == [
        f"The consultation is kept in {autosave}; calcify --resume continues it."
    ]
    assert kept_note(Recorder([autosave], dry_run=True), False) == []


# resume and open_session


@pytest.mark.parametrize(
    ("inputs", "restored"),
    [
        ([""], "0 answers restored"),
        (["dented"], "1 answer restored"),
        (["dented", "120"], "2 answers restored"),
    ],
)
def test_resume_counts_the_answers_restored(
    fixture_kb: KnowledgeBase,
    fixture_engine: Engine,
    tmp_path: Path,
    inputs: list[str],
    restored: str,
) -> None:
    path = tmp_path / "kept.txt"
    body = ["Question?", *(f"> {text}".rstrip() for text in inputs)]
    path.write_text(UNFINISHED + "\n".join(body) + "\n", encoding="utf-8")
    lines, shown = resume(Consultation(fixture_kb, fixture_engine), path)
    assert lines == body
    assert _messages(shown)[0] == f"Resumed {path}: {restored} (summary shows them)."


def test_open_session_keeps_a_new_autosave_locked_until_closed(
    fixture_kb: KnowledgeBase, fixture_engine: Engine
) -> None:
    recorder, opening = open_session(Consultation(fixture_kb, fixture_engine), None, None)
    (path,) = recorder.paths
    assert opening is None and recorder.lines == []
    assert path.parent == sessions_dir() and path.suffix == ".txt"
    assert holder(path) is not None
    recorder.close()
    assert holder(path) is None and not lock_path(path).exists()
    assert recorder.locks == []


def test_open_session_goes_on_in_the_resumed_file_and_the_recording(
    fixture_kb: KnowledgeBase, fixture_engine: Engine, tmp_path: Path
) -> None:
    resumed, record = tmp_path / "kept.txt", tmp_path / "record.txt"
    resumed.write_text(UNFINISHED + "> dented\n", encoding="utf-8")
    recorder, opening = open_session(Consultation(fixture_kb, fixture_engine), resumed, record)
    try:
        assert recorder.paths == [resumed, record]
        assert recorder.lines == ["> dented"]
        assert (
            _messages(opening)[0] == f"Resumed {resumed}: 1 answer restored (summary shows them)."
        )
        assert holder(resumed) is not None and holder(record) is not None
    finally:
        recorder.close()
    recorder, opening = open_session(Consultation(fixture_kb, fixture_engine), None, record)
    assert recorder.paths == [record] and opening is None
    recorder.close()


def test_open_session_lets_the_files_go_when_it_cannot_go_on(
    fixture_kb: KnowledgeBase, fixture_engine: Engine, tmp_path: Path
) -> None:
    resumed, record = tmp_path / "kept.txt", tmp_path / "record.txt"
    resumed.write_text(UNFINISHED + "no input\n", encoding="utf-8")
    with pytest.raises(TranscriptError, match="no user lines"):
        open_session(Consultation(fixture_kb, fixture_engine), resumed, record)
    for path in (resumed, record):
        assert holder(path) is None and not lock_path(path).exists()
    resumed.write_text(UNFINISHED + "> dented\n", encoding="utf-8")
    lock = SessionLock(record)
    try:
        with pytest.raises(SessionInUse):
            open_session(Consultation(fixture_kb, fixture_engine), resumed, record)
        assert not lock_path(resumed).exists()
    finally:
        lock.release()
