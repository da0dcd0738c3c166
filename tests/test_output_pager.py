"""The REPL folds its output to the terminal's width and pages what is taller than the screen;
plain mode never pages. Driven through a pipe with a fake pager."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from prompt_toolkit.data_structures import Size
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.input.base import PipeInput
from prompt_toolkit.output import DummyOutput

from chatbot.consultation.dialogue import Consultation
from chatbot.consultation.session import Recorder
from chatbot.knowledge.model import KnowledgeBase
from chatbot.ui import pager as pager_module
from chatbot.ui.lines import Line
from chatbot.ui.pager import is_taller, system_pager
from chatbot.ui.repl import run_repl


class Screen(DummyOutput):
    """A DummyOutput with a given size."""

    def __init__(self, rows: int, columns: int) -> None:
        self.size = Size(rows=rows, columns=columns)

    def get_size(self) -> Size:
        return self.size


@pytest.fixture
def pipe() -> Iterator[PipeInput]:
    with create_pipe_input() as pipe_input:
        yield pipe_input


def run(
    kb: KnowledgeBase, pipe: PipeInput, keys: str, screen: Screen, monkeypatch: pytest.MonkeyPatch
) -> tuple[list[str], list[str]]:
    """What was printed line by line, and each text given to the pager."""
    printed: list[str] = []
    paged: list[str] = []
    monkeypatch.setattr("chatbot.ui.repl._print_line", lambda line, *_: printed.append(line.text))
    pipe.send_text(keys)
    run_repl(
        Consultation(kb),
        color=False,
        session_args={"input": pipe, "output": screen},
        pager=paged.append,
    )
    return printed, paged


def test_output_taller_than_the_screen_goes_through_the_pager(
    fixture_kb: KnowledgeBase, pipe: PipeInput, monkeypatch: pytest.MonkeyPatch
) -> None:
    printed, paged = run(fixture_kb, pipe, "help\n\x04", Screen(8, 80), monkeypatch)
    assert any("Commands (at any prompt" in text for text in paged)
    assert not any(line.startswith("Commands (at any prompt") for line in printed)


def test_a_question_taller_than_the_screen_is_printed_not_paged(
    fixture_kb: KnowledgeBase, pipe: PipeInput, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Paged, a question's last choices would be gone when the pager quits at its first
    screen; printed, they stand above the prompt that answers them."""
    printed, paged = run(fixture_kb, pipe, "\x04", Screen(8, 80), monkeypatch)
    assert len(printed) > 8  # the welcome and the first question: taller than the screen
    assert paged == []
    assert any(text.startswith("Question 1:") for text in printed)
    printed, paged = run(fixture_kb, pipe, "\x04", Screen(4, 80), monkeypatch)
    assert len(paged) == 1 and "Question 1:" not in paged[0]  # the welcome alone is taller
    assert any(text.startswith("Question 1:") for text in printed)


def test_output_that_fits_is_printed_not_paged(
    fixture_kb: KnowledgeBase, pipe: PipeInput, monkeypatch: pytest.MonkeyPatch
) -> None:
    printed, paged = run(fixture_kb, pipe, "help\n\x04", Screen(200, 80), monkeypatch)
    assert paged == []
    assert any(line.startswith("Commands (at any prompt") for line in printed)


def test_the_repl_folds_to_the_terminal_width(
    fixture_kb: KnowledgeBase, pipe: PipeInput, monkeypatch: pytest.MonkeyPatch
) -> None:
    printed, _ = run(fixture_kb, pipe, "help\n\x04", Screen(200, 40), monkeypatch)
    assert printed and max(len(line) for line in printed) <= 40
    assert any(line.startswith("  help") for line in printed)


def test_the_recording_is_folded_at_80_whatever_the_terminal(
    fixture_kb: KnowledgeBase, pipe: PipeInput, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder = Recorder(dry_run=True)
    monkeypatch.setattr("chatbot.ui.repl._print_line", lambda *_: None)
    pipe.send_text("help\n\x04")
    run_repl(
        Consultation(fixture_kb),
        color=False,
        recorder=recorder,
        session_args={"input": pipe, "output": Screen(200, 30)},
        pager=lambda text: None,
    )
    lines = recorder.text().splitlines()
    assert all(len(line) <= 80 for line in lines)
    assert any(len(line) > 30 for line in lines)


@pytest.mark.parametrize(
    ("count", "rows", "taller"), [(5, 10, False), (9, 10, False), (10, 10, True)]
)
def test_is_taller_leaves_a_row_for_the_prompt(count: int, rows: int, taller: bool) -> None:
    assert is_taller([Line("x")] * count, rows) is taller


def test_no_system_pager_off_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pager_module.sys.stdout, "isatty", lambda: False, raising=False)
    assert system_pager() is None
    assert system_pager(DummyOutput()) is None
