"""Kept sessions stay resumable: an empty one is not kept, a damaged or busy one is passed
over by --resume with a word on why, and two processes never share one session file."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from conftest import FIXTURE_KB
from test_plain import calcify, run
from test_sessions import _read_until

from chatbot.consultation.locks import SessionLock, lock_path
from chatbot.consultation.session import sessions_dir


def _kept() -> list[Path]:
    return sorted(sessions_dir().glob("*.txt")) if sessions_dir().exists() else []


def _one_unfinished_session() -> Path:
    run(b"dented\n")
    (kept,) = _kept()
    return kept


def _newer(path: Path, text: bytes) -> Path:
    """A kept file written after every other one."""
    path.write_bytes(text)
    newest = max(p.stat().st_mtime for p in _kept())
    os.utime(path, (newest + 10, newest + 10))
    return path


def test_a_session_with_no_input_is_not_kept() -> None:
    result = run(b"")
    assert result.returncode == 1 and b"Question 1:" in result.stdout
    assert _kept() == []
    assert not sessions_dir().exists() or list(sessions_dir().iterdir()) == []  # no lock left


def test_resume_after_a_session_with_no_answers_continues_the_last_one() -> None:
    _one_unfinished_session()
    run(b"")  # a start with nothing entered
    result = run(b"120\n", "--resume")
    assert b"1 answer restored" in b" ".join(result.stdout.split()), result.stderr
    assert result.returncode == 1 and len(_kept()) == 1


def test_a_damaged_session_is_skipped_with_a_word_naming_it() -> None:
    good = _one_unfinished_session()
    empty = _newer(
        sessions_dir() / "20990101-000000-1.txt",
        b"# title: recorded consultation\n# shows: x\n# status: unfinished\nQuestion 1: ...\n",
    )
    garbled = _newer(sessions_dir() / "20990101-000000-2.txt", b"# status: unfinished\n\xff\xfe\n")
    result = run(b"120\n", "--resume")
    err = result.stderr.decode()
    assert b"1 answer restored" in b" ".join(result.stdout.split()), err
    for damaged, why in ((empty, "no user lines"), (garbled, "not UTF-8")):
        (said,) = [line for line in err.splitlines() if str(damaged) in line]
        assert said.startswith("calcify: --resume skipped") and why in said
    assert "> 120" in good.read_text() and b"\xff" in garbled.read_bytes()


def test_a_locked_session_is_refused_without_touching_it() -> None:
    kept = _one_unfinished_session()
    before = kept.read_bytes(), kept.stat().st_mtime_ns
    lock = SessionLock(kept)  # a real flock, held by this process
    try:
        given = run(b"120\n", "--resume", str(kept))
        latest = run(b"120\n", "--resume")
    finally:
        lock.release()
    assert given.returncode == 2 and given.stdout == b""
    assert f"in use by another calcify (process {os.getpid()})" in given.stderr.decode()
    assert latest.returncode == 2 and b"no unfinished consultation that is free" in latest.stderr
    assert f"skipped {kept}: in use" in latest.stderr.decode()
    assert (kept.read_bytes(), kept.stat().st_mtime_ns) == before
    assert b"1 answer restored" in b" ".join(run(b"120\n", "--resume").stdout.split())


def test_a_second_process_on_a_session_is_told_which_process_has_it() -> None:
    kept = _one_unfinished_session()
    first = subprocess.Popen(
        [calcify(), "--rules", str(FIXTURE_KB), "--resume", str(kept)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert first.stdin and first.stdout
    try:
        _read_until(first, b"Question 2:")
        second = run(b"130\n", "--resume", str(kept))
        assert second.returncode == 2
        assert f"in use by another calcify (process {first.pid})" in second.stderr.decode()
        first.stdin.write(b"120\n")
        first.stdin.close()
        assert first.wait(timeout=60) == 1
    finally:
        first.kill()
        first.wait()
    text = kept.read_text()
    assert "> 120" in text and "> 130" not in text
    assert not lock_path(kept).exists()  # let go at the end


def test_resume_picks_the_newest_session_that_is_free() -> None:
    older = _one_unfinished_session()
    busy = _newer(sessions_dir() / "20990101-000000-3.txt", older.read_bytes())
    lock = SessionLock(busy)
    try:
        result = run(b"120\n", "--resume")
    finally:
        lock.release()
    assert f"calcify: --resume skipped {busy}: in use" in result.stderr.decode()
    assert "> 120" in older.read_text() and "> 120" not in busy.read_text()
