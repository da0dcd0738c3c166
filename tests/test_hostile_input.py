"""Input that looks ordinary but once crashed calcify or reached the terminal raw: numbers of
thousands of digits, digits that are no ASCII digits, byte-order marks and odd line breaks in
transcripts, control characters from the knowledge base or the command line, and Ctrl-C while
calcify is still importing (issue 15)."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURE_KB, REAL_KB
from test_plain import calcify, run

from chatbot.cli import main
from chatbot.consultation.blocks import Problem
from chatbot.consultation.dialogue import Consultation
from chatbot.consultation.interrupts import EXIT_INTERRUPTED
from chatbot.consultation.record import parse_transcript
from chatbot.intake.review import CaseRead
from chatbot.knowledge.model import KnowledgeBase
from chatbot.knowledge.text import safe_json

HUGE = "9" * 4301  # one digit past what int() reads from a string
HUGER = "9" * 5000
RAW = ("\x1b", "\x07", "\x7f", "\x85", "\u202e", "\u2028", "\u2029", "\u2066")
"""What must never reach a terminal raw."""


def started(kb: KnowledgeBase) -> Consultation:
    consultation = Consultation(kb)
    consultation.start()
    return consultation


# -- numbers of thousands of digits, and digits that int() refuses -------------------------


@pytest.mark.parametrize("text", [HUGE, f"change {HUGER}", f"change 1 {HUGE}", "change ³"])
def test_huge_or_odd_numbers_are_a_problem_not_a_crash(
    fixture_kb: KnowledgeBase, text: str
) -> None:
    blocks = started(fixture_kb).respond(text)
    assert isinstance(blocks[0], Problem)


@pytest.mark.parametrize("reply", ["² = viable", f"{HUGE} = viable", f"drop {HUGER}"])
def test_the_case_review_refuses_odd_item_numbers(real_kb: KnowledgeBase, reply: str) -> None:
    consultation = started(real_kb)
    assert isinstance(consultation.respond("case viable lung, on dialysis")[0], CaseRead)
    (problem,) = [b for b in consultation.respond(reply) if isinstance(b, Problem)]
    assert "number" in problem.message
    assert consultation.respond("ok")  # the review goes on


@pytest.mark.parametrize(
    "stdin, message",
    [
        (f"{HUGE}\n", b"is not one of the choices"),
        (f"change {HUGER}\n", b"change needs a question"),
        (f"dented\nchange 1 {HUGE}\n", b"Sorry"),
    ],
)
def test_huge_numbers_in_plain_mode(stdin: str, message: bytes) -> None:
    result = run(stdin.encode())
    assert result.returncode == 1 and b"Traceback" not in result.stderr
    assert message in result.stdout


def test_odd_item_numbers_in_plain_mode_during_a_case_review() -> None:
    stdin = f"case viable lung, on dialysis\n² = viable\n{HUGER} = viable\nok\n"
    result = subprocess.run(
        [calcify(), "--rules", str(REAL_KB)],
        input=stdin.encode(),
        capture_output=True,
        timeout=60,
    )
    assert b"Traceback" not in result.stderr
    assert result.stdout.count(b"correct an answer by its number in the list") == 2


# -- transcripts ----------------------------------------------------------------------------


def test_a_byte_order_mark_is_no_missing_title() -> None:
    transcript = parse_transcript("t.txt", "\ufeff# title: T\n# shows: S\n> dented\n")
    assert transcript.title == "T" and transcript.body == ((3, "> dented"),)


@pytest.mark.parametrize("odd", ["\x0b", "\x0c", "\r", "\u2029", "\x1c", "\x85", "\u2028"])
def test_odd_line_breaks_in_a_comment_stay_in_it(odd: str) -> None:
    text = f"# title: T\n# shows: S\n# a{odd}b{odd}c\n> dented\r\nQuestion\n"
    transcript = parse_transcript("t.txt", text)
    assert transcript.body == ((4, "> dented"), (5, "Question"))
    assert transcript.lines[2] == f"# a{odd}b{odd}c"


# -- control characters on the terminal -----------------------------------------------------


@pytest.fixture
def hostile_kb(tmp_path: Path) -> Path:
    """The fixture knowledge base with a choice id full of terminal escapes and bidi controls."""
    kb = tmp_path / "kb"
    shutil.copytree(FIXTURE_KB, kb)
    evil = "in\\u001b]0;x\\u0007\\u001b[31mtact\\u202e\\u2028\\u007f\\u2066"
    for name, old in (("questions.toml", 'id = "intact"'), ("sound.toml", 'is = "intact"')):
        path = kb / name
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, old.replace("intact", evil)), encoding="utf-8")
    return kb


@pytest.mark.parametrize(
    "args",
    [["questions"], ["questions", "--json"], ["classify", "--json", "casing=1"]],
)
def test_knowledge_base_text_reaches_stdout_neutralised(
    hostile_kb: Path, args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*args, "--rules", str(hostile_kb)]) == 0
    out = capsys.readouterr().out
    assert not any(ch in out for ch in RAW), out
    if "--json" in args:
        assert "tact\u202e" in json.dumps(json.loads(out), ensure_ascii=False)  # same data


def test_case_text_reaches_json_escaped(capsys: pytest.CaptureFixture[str]) -> None:
    case = "viable\u202e lung\u2028, on dialysis\x7f\x85"
    assert main(["classify", "--json", "--case", case]) == 0
    out = capsys.readouterr().out
    assert not any(ch in out for ch in RAW)
    json.loads(out)


def test_safe_json_escapes_what_json_leaves_raw() -> None:
    data = {"k": "a\x7f\x85\x9f\u061c\u200e\u200f\u202a\u202e\u2028\u2029\u2066\u2069 é –"}
    text = safe_json(data, indent=2)
    assert text.isascii() is False and "é –" in text  # readable text stays readable
    assert not any(ch in text for ch in data["k"][1:-4]) and json.loads(text) == data


def test_a_knowledge_base_error_is_neutralised(
    hostile_kb: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sound = hostile_kb / "sound.toml"
    sound.write_text(sound.read_text(encoding="utf-8").replace("\\u001b]0;x", ""), "utf-8")
    assert main(["questions", "--rules", str(hostile_kb)]) == 2
    err = capsys.readouterr().err
    assert "not a value of 'casing'" in err and not any(ch in err for ch in RAW)


@pytest.mark.parametrize(
    "argv", [["classify", "--bogus\x1b]0;x\x07"], ["\x1b[31m\u202e"], ["--rules"]]
)
def test_argparse_errors_are_neutralised(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "calcify: error:" in err and not any(ch in err for ch in RAW)


# -- Ctrl-C while calcify is still importing -------------------------------------------------

INTERRUPTED_IMPORT = """
import os, signal, sys

class Interrupt:
    def find_spec(self, name, path=None, target=None):
        if name == "chatbot.knowledge.loader":
            os.kill(os.getpid(), signal.SIGINT)
        return None

sys.meta_path.insert(0, Interrupt())
sys.argv = ["calcify", "questions"]
from chatbot.cli import run
run()
"""
"""The console script, with Ctrl-C arriving halfway through the imports of chatbot.cli."""


def test_ctrl_c_during_the_imports_ends_quietly() -> None:
    result = subprocess.run(
        [sys.executable, "-c", INTERRUPTED_IMPORT], capture_output=True, timeout=60
    )
    assert result.returncode == EXIT_INTERRUPTED, result.stderr
    assert result.stderr == b"calcify: interrupted\n" and result.stdout == b""


def test_importing_the_cli_leaves_sigint_alone() -> None:
    import chatbot.cli  # noqa: F401  (a library import: KeyboardInterrupt as usual)

    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
