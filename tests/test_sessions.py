"""Nothing entered is lost: every consultation is kept after each turn and can be resumed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from conftest import FIXTURE_KB
from test_plain import calcify, run

from chatbot.consultation.session import pick_unfinished, sessions_dir


def test_every_consultation_is_kept_in_the_state_directory(isolated_home: Path) -> None:
    result = run(b"dented\n120\n")
    assert result.returncode == 1  # input ran out mid-consultation
    (kept,) = sessions_dir().glob("*.txt")
    assert kept.is_relative_to(isolated_home)
    text = kept.read_text()
    assert "# status: unfinished" in text and "> dented" in text and "> 120" in text
    assert pick_unfinished()[0] == kept


def test_a_finished_consultation_is_marked_finished() -> None:
    run(b"shattered\n")
    (kept,) = sessions_dir().glob("*.txt")
    assert "# status: finished" in kept.read_text()
    assert pick_unfinished()[0] is None


def test_resume_without_anything_to_resume_says_so() -> None:
    result = run(b"", "--resume")
    assert result.returncode == 2 and b"no unfinished consultation to resume" in result.stderr


def test_sigkill_mid_consultation_then_resume_keeps_every_answer() -> None:
    process = subprocess.Popen(
        [calcify(), "--rules", str(FIXTURE_KB)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=os.environ.copy(),
    )
    assert process.stdin and process.stdout
    _read_until(process, b"Question 1:")
    for answer, next_question in ((b"dented", b"Question 2:"), (b"120", b"Question 3:")):
        process.stdin.write(answer + b"\n")
        process.stdin.flush()
        _read_until(process, next_question)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)

    result = run(b"summary\nyes\n1\n", "--resume")
    out = result.stdout.decode()
    assert result.returncode == 0, result.stderr
    assert "2 answers restored" in out
    assert "widget casing: dented" in out and "widget temperature: 120 zorg" in out
    assert "== Conclusion ==" in out and "friction" in out
    (kept,) = sessions_dir().glob("*.txt")
    text = kept.read_text()
    assert text.count("> dented") == 1 and "> summary" in text and "# status: finished" in text


def test_resume_a_given_file(tmp_path: Path) -> None:
    run(b"dented\n")
    (kept,) = sessions_dir().glob("*.txt")
    moved = tmp_path / "case.txt"
    kept.rename(moved)
    result = run(b"120\nyes\n1\n", "--resume", str(moved))
    assert result.returncode == 0 and b"1 answer restored" in b" ".join(result.stdout.split())
    assert "> 120" in moved.read_text()


def test_an_unwritable_state_directory_does_not_stop_the_consultation(tmp_path: Path) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the state directory should be")
    env = {**os.environ, "XDG_STATE_HOME": str(blocked)}
    result = subprocess.run(
        [calcify(), "--rules", str(FIXTURE_KB)],
        input=b"shattered\n",
        capture_output=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0 and b"== Conclusion ==" in result.stdout
    assert b"cannot keep the consultation" in result.stderr and b"Traceback" not in result.stderr


def _read_until(process: subprocess.Popen[bytes], marker: bytes) -> bytes:
    assert process.stdout is not None
    seen = b""
    while marker not in seen:
        line = process.stdout.readline()
        if not line:
            raise AssertionError(f"output ended before {marker!r}: {seen.decode()}")
        seen += line
    return seen


assert sys.platform != "win32"  # SIGKILL is POSIX
