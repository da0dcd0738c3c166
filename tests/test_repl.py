"""The prompt_toolkit REPL driven through a pipe: values are asserted, never escape codes."""

from __future__ import annotations

import io
import os
import re
import signal
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.data_structures import Size
from prompt_toolkit.document import Document
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.input.base import PipeInput
from prompt_toolkit.output import ColorDepth, DummyOutput
from prompt_toolkit.output.vt100 import Vt100_Output
from prompt_toolkit.shortcuts import print_formatted_text
from test_plain import run as plain_mode

import chatbot.ui.repl as repl_module
from chatbot.consultation.blocks import Block
from chatbot.consultation.dialogue import Consultation
from chatbot.consultation.session import Recorder
from chatbot.knowledge.model import KnowledgeBase
from chatbot.ui.repl import (
    ConsultationCompleter,
    open_history,
    run_repl,
    state_dir,
    toolbar,
    wants_color,
)


@pytest.fixture
def pipe() -> Iterator[PipeInput]:
    with create_pipe_input() as pipe_input:
        yield pipe_input


def run(
    kb: KnowledgeBase, pipe: PipeInput, keys: str, **kwargs: object
) -> tuple[int, Consultation]:
    consultation = Consultation(kb)
    pipe.send_text(keys)
    code = run_repl(
        consultation,
        color=False,
        session_args={"input": pipe, "output": DummyOutput()},
        **kwargs,  # type: ignore[arg-type]
    )
    return code, consultation


def test_answers_reach_a_conclusion_and_ctrl_d_exits_zero(
    fixture_kb: KnowledgeBase, pipe: PipeInput
) -> None:
    code, consultation = run(fixture_kb, pipe, "dented\n120 zorg\nyes\n1\n\x04")
    assert code == 0
    assert consultation.is_finished
    assert consultation.assessment.subtype == "friction"


def test_ctrl_c_cancels_the_line_and_asks_again(fixture_kb: KnowledgeBase, pipe: PipeInput) -> None:
    code, consultation = run(fixture_kb, pipe, "shatt\x03dented\n\x04")
    assert code == 0
    assert consultation.answers == {"casing": "dented"}  # the cancelled text was not taken


def test_ctrl_c_while_an_answer_is_worked_out_lets_the_turn_finish(
    fixture_kb: KnowledgeBase, pipe: PipeInput, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The interrupt lands mid-turn: the answer is taken, kept and shown, and the REPL goes
    on to the next question instead of stopping with a traceback."""
    respond = Consultation.respond

    def interrupted(
        self: Consultation, text: str, check: Callable[[], None] | None = None
    ) -> list[Block]:
        os.kill(os.getpid(), signal.SIGINT)
        return respond(self, text, check)

    monkeypatch.setattr(Consultation, "respond", interrupted)
    recorder = Recorder()
    code, consultation = run(fixture_kb, pipe, "dented\n120\n\x04", recorder=recorder)
    assert code == 0
    assert consultation.answers == {"casing": "dented", "temperature": 120.0}
    assert "> 120" in recorder.lines and recorder.lines[-1].startswith("Question 3:")
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_ctrl_c_while_a_description_is_read_abandons_the_reading(
    real_kb: KnowledgeBase, pipe: PipeInput, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A long reading gives way to Ctrl-C: nothing read is used, the answers given before
    stay, the REPL says so and goes on."""
    import chatbot.consultation.state as state

    reading = state.read_description

    def interrupted(
        kb: KnowledgeBase, text: str, check: Callable[[], None] | None = None
    ) -> object:
        os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C lands while the text is being read
        return reading(kb, text, check)

    monkeypatch.setattr(state, "read_description", interrupted)
    recorder = Recorder()
    keys = "lung\ncase 72-year-old on dialysis, calcium 3.1 mmol/L, PTH raised\n\x04"
    code, consultation = run(real_kb, pipe, keys, recorder=recorder)
    assert code == 0
    assert consultation.answers == {"site": "lung"} and consultation.case is None
    assert any("Reading stopped (Ctrl-C)" in line for line in recorder.lines)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_quit_command_ends_with_zero(fixture_kb: KnowledgeBase, pipe: PipeInput) -> None:
    code, consultation = run(fixture_kb, pipe, "quit\n")
    assert code == 0 and consultation.quit


STYLED = re.compile(r"\x1b\[0;[0-9;]+m")
"""An SGR sequence that sets an attribute or a colour (a bare reset, \\x1b[0m, is not one)."""
ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def _printed(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch, keys: str, no_color: str
) -> tuple[int, str]:
    """What the REPL prints for `keys` (the prompt aside), as a VT100 terminal receives it,
    with colour as NO_COLOR decides."""
    monkeypatch.setenv("NO_COLOR", no_color)
    screen = io.StringIO()
    terminal = Vt100_Output(
        screen,
        lambda: Size(rows=24, columns=80),
        term="xterm",
        default_color_depth=ColorDepth.DEPTH_8_BIT,
    )
    monkeypatch.setattr(
        repl_module,
        "print_formatted_text",
        lambda text, style=None, output=None: print_formatted_text(
            text, style=style, output=terminal
        ),
    )
    with create_pipe_input() as pipe_input:
        pipe_input.send_text(keys)
        code = run_repl(
            Consultation(kb),
            color=wants_color(False),
            session_args={"input": pipe_input, "output": DummyOutput()},
        )
    return code, screen.getvalue()


def test_colour_is_a_style_not_a_different_text(
    fixture_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, coloured = _printed(fixture_kb, monkeypatch, "shattered\n\x04", "")
    assert code == 0 and STYLED.search(coloured)
    code, plain = _printed(fixture_kb, monkeypatch, "shattered\n\x04", "1")
    assert code == 0 and not STYLED.search(plain)  # NO_COLOR: no colour or bold at all
    assert ESCAPE.sub("", coloured) == ESCAPE.sub("", plain)
    assert "Subtype or cause: impact damage" in ESCAPE.sub("", plain)


def test_history_persists_in_the_state_directory(
    fixture_kb: KnowledgeBase, pipe: PipeInput, isolated_home: Path
) -> None:
    run(fixture_kb, pipe, "dented\n\x04", history=open_history())
    path = state_dir() / "history"
    assert path.is_relative_to(isolated_home)
    assert "dented" in path.read_text()


def test_recorded_session_matches_plain_mode_text(
    fixture_kb: KnowledgeBase, pipe: PipeInput
) -> None:
    recorder = Recorder()
    run(fixture_kb, pipe, "dented\nwhy\x03120\n\x04", recorder=recorder)
    assert "> dented" in recorder.lines and "> 120" in recorder.lines
    assert not any("Cancelled" in line for line in recorder.lines)  # Ctrl-C is not replayable
    plain = plain_mode(b"dented\n120\n")  # the same answers, the cancelled 'why' aside
    assert plain.returncode == 1  # the input ends before the consultation does
    assert recorder.lines == plain.stdout.decode().splitlines()


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("sha", ["shattered"]),
        ("he", ["help"]),
        (":su", ["summary"]),
        ("change ca", ["casing"]),
        ("whynot ru", ["rusted"]),
    ],
)
def test_completion(fixture_kb: KnowledgeBase, typed: str, expected: list[str]) -> None:
    consultation = Consultation(fixture_kb)
    consultation.respond("dented")
    consultation.respond("back")
    consultation.respond("dented")
    if typed == "sha":
        consultation.respond("back")
    completer = ConsultationCompleter(consultation)
    words = [c.text for c in completer.get_completions(Document(typed), CompleteEvent())]
    assert words == expected


def test_toolbar_shows_progress_and_leading_hypothesis(fixture_kb: KnowledgeBase) -> None:
    consultation = Consultation(fixture_kb)
    assert "0 answered, " in toolbar(consultation)
    consultation.respond("shattered")
    text = toolbar(consultation)
    assert "concluded" in text and "cracked widget: impact damage" in text


@pytest.mark.parametrize(
    ("env", "flag", "expected"), [("", False, True), ("1", False, False), ("", True, False)]
)
def test_colour_honours_no_color(
    monkeypatch: pytest.MonkeyPatch, env: str, flag: bool, expected: bool
) -> None:
    monkeypatch.setenv("NO_COLOR", env)
    assert wants_color(flag) is expected


def test_ctrl_c_after_a_pasted_case_asks_again_under_the_number_shown(
    real_kb: KnowledgeBase, pipe: PipeInput, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The dialogue numbers a re-asked question, not the REPL: after a pasted case answered
    several questions at once, Ctrl-C re-asks the question under the number it was shown
    with (counting answers would give a higher one)."""
    shown: list[str] = []
    monkeypatch.setattr("chatbot.ui.repl._print_line", lambda line, *_: shown.append(line.text))
    case = "Autopsy lung, viable tissue, patient on haemodialysis; Ca 2.9 mmol/L, PO4 2.4 mmol/L"
    code, consultation = run(real_kb, pipe, f"{case}\nok\n\x03\x04")
    asked = [line for line in shown if line.startswith("Question ")]
    assert code == 0 and len(consultation.answers) > 2
    number = f"Question {len(consultation.answers) + 1}"  # those from the case are numbered
    assert asked[-1].split(":")[0] == asked[-2].split(":")[0] == number
    last = len(shown) - 1 - shown[::-1].index(asked[-1])
    assert shown[last - 1].startswith("Cancelled.")
