"""Ctrl-C at any moment: a turn is never left half done, nothing entered is lost, and no
command ends in a traceback."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import FIXTURE_KB, REAL_KB
from test_plain import calcify, run
from test_sessions import _read_until

from chatbot.consultation.interrupts import EXIT_INTERRUPTED, held_interrupt
from chatbot.consultation.session import sessions_dir

STARTED = """
import sys
from chatbot import cli
loaded = cli.knowledge_base
def announced(args):
    kb = loaded(args)
    print("started", flush=True)
    return kb
cli.knowledge_base = announced
sys.argv[0] = "calcify"
cli.run()
"""
"""calcify as its console script runs it, saying on stdout when the knowledge base is loaded."""


def test_an_interrupt_waits_for_the_end_of_the_block() -> None:
    finished = False
    with pytest.raises(KeyboardInterrupt), held_interrupt():
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.01)  # the signal is delivered here, and held
        finished = True
    assert finished
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_block_without_an_interrupt_runs_as_it_is() -> None:
    before = signal.getsignal(signal.SIGINT)
    with held_interrupt() as held:
        during = signal.getsignal(signal.SIGINT)
        held.check()  # nothing came: no KeyboardInterrupt
    assert during is not before and callable(during)  # Ctrl-C would be held, not raised
    assert held.received == []  # and none was, so leaving the block raises nothing
    assert signal.getsignal(signal.SIGINT) is before is signal.default_int_handler


def test_ctrl_c_in_plain_mode_says_where_the_consultation_is_kept() -> None:
    process = subprocess.Popen(
        [calcify(), "--rules", str(FIXTURE_KB)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdin and process.stdout and process.stderr
    _read_until(process, b"Question 1:")
    process.stdin.write(b"dented\n")
    process.stdin.flush()
    _read_until(process, b"Question 2:")
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=30) == EXIT_INTERRUPTED
    err = process.stderr.read().decode()
    (kept,) = sessions_dir().glob("*.txt")
    assert f"calcify: interrupted; the consultation so far is in {kept}" in err
    assert "Traceback" not in err
    resumed = run(b"summary\n", "--resume")
    assert b"1 answer restored" in resumed.stdout and b"widget casing: dented" in resumed.stdout


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_during_a_replay_stops_it_cleanly(tmp_path: Path, jobs: str) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for copy in range(6):  # several seconds of replay: the interrupt comes well before the end
        for path in (REAL_KB.parent / "transcripts").glob("*.txt"):
            shutil.copy(path, corpus / f"{copy}-{path.name}")
    process = subprocess.Popen(
        [sys.executable, "-c", STARTED, "replay", "--jobs", jobs, str(corpus)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    _read_until(process, b"started")  # calcify is imported and running: no sleep to guess
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == EXIT_INTERRUPTED, (out, err)
    assert err.decode() == "calcify: interrupted\n" and b"passed" not in out
