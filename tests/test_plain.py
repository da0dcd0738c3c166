"""Plain mode through the installed `calcify` command with piped stdin."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURE_KB


def calcify() -> str:
    found = shutil.which("calcify", path=str(Path(sys.executable).parent))
    assert found, "the calcify console script is not installed in this environment"
    return found


def run(
    stdin: bytes, *args: str, hash_seed: str | None = None
) -> subprocess.CompletedProcess[bytes]:
    env = None if hash_seed is None else {**os.environ, "PYTHONHASHSEED": hash_seed}
    return subprocess.run(
        [calcify(), "--rules", str(FIXTURE_KB), *args],
        input=stdin,
        capture_output=True,
        timeout=60,
        env=env,
    )


def test_a_finished_consultation_exits_zero_with_clean_text() -> None:
    result = run(b"dented\n120 zorg\nyes\n1\n")
    out = result.stdout.decode()
    assert result.returncode == 0, result.stderr
    assert "> dented" in out and "== Conclusion ==" in out
    assert "\x1b" not in out and result.stderr == b""
    assert (
        "calcify is decision support for learning and review, not a diagnosis."
        in (out.splitlines()[:4])
    )


def test_input_running_out_mid_consultation_exits_one() -> None:
    result = run(b"dented\n")
    assert result.returncode == 1
    assert b"input ended before the consultation finished" in result.stderr
    assert b"Traceback" not in result.stderr


def test_quit_exits_zero() -> None:
    assert run(b"quit\n").returncode == 0


def test_output_is_deterministic() -> None:
    """The same text whatever the hash seed (each run a process with its own PYTHONHASHSEED)."""
    stdin = b"dented\nwhy\n120\nsummary\nyes\nhow\n1\n"
    runs = [run(stdin, hash_seed=seed) for seed in ("0", "1", "4242")]
    assert [r.returncode for r in runs] == [0, 0, 0], runs[0].stderr
    assert runs[0].stdout == runs[1].stdout == runs[2].stdout
    assert b"== Conclusion ==" in runs[0].stdout


def test_non_utf8_input_is_reported_not_a_crash() -> None:
    result = run(b"\xff\xfe junk\nshattered\n")
    assert result.returncode == 0
    assert b"not UTF-8" in result.stderr and b"Traceback" not in result.stderr


def test_escape_sequences_in_input_are_neutralised() -> None:
    result = run(b"\x1b[31mred\nshattered\n")
    assert b"\x1b" not in result.stdout
    assert b"\\x1b[31mred" in result.stdout


@pytest.mark.parametrize("existing", [True, False])
def test_record_refuses_to_overwrite(tmp_path: Path, existing: bool) -> None:
    target = tmp_path / "case.txt"
    if existing:
        target.write_text("keep me\n")
    result = run(b"shattered\n", "--record", str(target))
    if existing:
        assert result.returncode == 2 and target.read_text() == "keep me\n"
    else:
        assert result.returncode == 0
        body = [line for line in target.read_text().splitlines() if not line.startswith("#")]
        assert body == result.stdout.decode().splitlines()


def test_case_option_reads_the_description_then_asks_what_is_missing() -> None:
    result = subprocess.run(
        [calcify(), "--case", "caseous necrosis in a hilar lymph node, calcium 9.2 mg/dL"],
        input=b"quit\n",
        capture_output=True,
        timeout=60,
    )
    out = result.stdout.decode()
    assert result.returncode == 0
    assert "> case caseous necrosis" in out and "> ok" in out and "Using 4 answers" in out
    # only the questions still needed are asked, numbered after the four taken from the case
    assert "Question 5:" in out and "Question 2:" not in out
