"""Autosave costs what a turn says, not what the session has said (issue: a 10,000-answer
session rewrote and flushed the whole transcript on every turn, 27.5 GB in all).

The kept file grows by appending; it is written whole only at the start, when its status
line changes, and when it is not the file calcify left. It always holds exactly the
transcript of the session so far, and a write cut short costs at most its own last line."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from chatbot.consultation import files, record
from chatbot.consultation.blocks import Note
from chatbot.consultation.dialogue import Consultation
from chatbot.consultation.files import Written
from chatbot.consultation.record import read_transcript
from chatbot.consultation.session import Recorder, resume
from chatbot.engine.engine import Engine
from chatbot.knowledge.model import KnowledgeBase

TURN_BOT_LINES = ("Is the tissue necrotic, degenerated or viable?", "  necrotic", "  viable")


class Counting:
    """Bytes given to whole writes and to appends, and how many of each."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.whole = self.appended = self.wholes = 0
        real_write, real_append = record.write_file, record.append_file

        def write_file(path: Path, text: str, force: bool = False) -> Written:
            self.whole += len(text.encode("utf-8"))
            self.wholes += 1
            return real_write(path, text, force)

        def append_file(path: Path, text: str, after: Written) -> Written:
            self.appended += len(text.encode("utf-8"))
            return real_append(path, text, after)

        monkeypatch.setattr(record, "write_file", write_file)
        monkeypatch.setattr(record, "append_file", append_file)


def turn(recorder: Recorder, n: int, finished: bool = False) -> list[str]:
    recorder.user(f"answer {n}")
    for line in TURN_BOT_LINES:
        recorder.bot(line)
    return recorder.keep(finished)


def test_a_long_session_writes_each_turn_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    counting = Counting(monkeypatch)
    path = tmp_path / "session.txt"
    recorder = Recorder([path])
    for n in range(3000):
        assert turn(recorder, n) == []
    size = path.stat().st_size
    assert counting.wholes == 1  # the first turn; every other one appended
    assert counting.whole + counting.appended == size  # each byte written once (was ~n²/2)
    assert path.read_text(encoding="utf-8") == recorder.text(False)


def test_the_file_always_holds_the_session_so_far_through_status_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    counting = Counting(monkeypatch)
    path = tmp_path / "session.txt"
    recorder = Recorder([path])
    statuses = [False, False, True, True, True, False, True, True]
    for n, finished in enumerate(statuses):
        turn(recorder, n, finished)
        assert path.read_text(encoding="utf-8") == recorder.text(finished)
    assert counting.wholes == 4  # the start and each of the three changes of status
    header = path.read_text(encoding="utf-8").splitlines()[:3]
    assert header[2] == "# status: finished"


def test_a_file_replaced_or_removed_behind_calcifys_back_is_written_whole(
    tmp_path: Path,
) -> None:
    path = tmp_path / "session.txt"
    recorder = Recorder([path])
    turn(recorder, 0)
    path.write_text("someone else's text\n", encoding="utf-8")  # same file, other length
    turn(recorder, 1)
    assert path.read_text(encoding="utf-8") == recorder.text(False)
    other = tmp_path / "other.txt"
    other.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    os.replace(other, path)  # same length, another file
    turn(recorder, 2)
    assert path.read_text(encoding="utf-8") == recorder.text(False)
    path.unlink()
    turn(recorder, 3)
    assert path.read_text(encoding="utf-8") == recorder.text(False)


def test_a_symlink_planted_after_the_first_write_is_not_appended_through(
    tmp_path: Path,
) -> None:
    path, target = tmp_path / "session.txt", tmp_path / "target.txt"
    target.write_text("precious\n", encoding="utf-8")
    recorder = Recorder([path])
    turn(recorder, 0)
    path.unlink()
    path.symlink_to(target)
    problems = turn(recorder, 1)
    assert len(problems) == 1 and "symbolic link" in problems[0]
    assert target.read_text(encoding="utf-8") == "precious\n"


def test_an_append_cut_short_is_mended_by_the_next_turn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "session.txt"
    recorder = Recorder([path])
    turn(recorder, 0)
    real_write = os.write

    def half_then_full(handle: int, data: bytes | memoryview) -> int:
        real_write(handle, bytes(data[: len(data) // 2]))
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "write", half_then_full)
    problems = turn(recorder, 1)
    assert len(problems) == 1 and "No space left on device" in problems[0]
    assert not path.read_text(encoding="utf-8").endswith("\n")  # a torn last line
    monkeypatch.setattr(files.os, "write", real_write)
    assert turn(recorder, 2) == [f"the consultation is kept in {path} again"]
    assert path.read_text(encoding="utf-8") == recorder.text(False)


@pytest.mark.parametrize("torn", [b"> 1", b"> 10.4 mg/d", "> caséeux".encode()[:-3], b"Is th"])
def test_resume_leaves_out_a_last_line_cut_short_and_says_so(
    fixture_kb: KnowledgeBase, fixture_engine: Engine, tmp_path: Path, torn: bytes
) -> None:
    path = tmp_path / "session.txt"
    recorder = Recorder([path])
    recorder.user("dented")
    recorder.keep(False)
    with path.open("ab") as handle:
        handle.write(torn)
    transcript = read_transcript(path, cut_torn=True)
    assert transcript.inputs == ("dented",)
    assert transcript.cut.encode("utf-8", errors="replace")[:2] == torn[:2]
    lines, shown = resume(Consultation(fixture_kb, fixture_engine), path)
    assert lines == ["> dented"]
    notes = [block.message for block in shown if isinstance(block, Note)]
    assert any("cut short" in note and torn[:2].decode() in note for note in notes)


def test_a_transcript_read_for_replay_keeps_a_last_line_without_newline(tmp_path: Path) -> None:
    path = tmp_path / "hand-written.txt"
    path.write_text("# title: t\n# shows: s\n> dented", encoding="utf-8")
    assert read_transcript(path).inputs == ("dented",)
