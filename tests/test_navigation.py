"""Typing and navigation: did-you-mean for answers, units, classes and commands; change and why
by number, id or word; Tab completion of their arguments; question numbers after a pasted
case; the choices again after an error; where a consultation left with Ctrl-D is kept."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.input.base import PipeInput
from prompt_toolkit.output import DummyOutput

from chatbot.cli import main
from chatbot.consultation.blocks import Ask, Block, Problem, Summary
from chatbot.consultation.dialogue import Consultation
from chatbot.consultation.session import Recorder, sessions_dir
from chatbot.knowledge.model import KnowledgeBase
from chatbot.reasoning.explain import WhyAsked, WhyNot
from chatbot.ui import repl
from chatbot.ui.render import blocks_lines
from chatbot.ui.repl import ConsultationCompleter, run_repl

CASE = "Autopsy lung, viable tissue, patient on haemodialysis; Ca 2.9 mmol/L, PO4 2.4 mmol/L"


def drive(kb: KnowledgeBase, inputs: list[str]) -> tuple[Consultation, list[Block]]:
    """The consultation after these inputs, and the blocks of the last one."""
    consultation = Consultation(kb)
    blocks = consultation.start()
    for text in inputs:
        blocks = consultation.respond(text)
    return consultation, blocks


def problem(blocks: list[Block]) -> str:
    assert isinstance(blocks[0], Problem), blocks[0]
    return blocks[0].message


# -- 1. did you mean ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("inputs", "typed", "meant"),
    [
        ([], "dneted", "dented"),  # a choice's id
        ([], "shatterd casing", "shattered"),  # a choice's label, shown as its id
        (["dented", "120"], "yse", "yes"),  # a yes/no word
        (["dented"], "120 zorgg", "zorg"),  # a unit
        (["dented"], "120 blps", "blip"),  # a unit's synonym, shown as the unit
        (["dented"], "nromal", "normal"),  # a word a lab question takes
        (["dented"], "10", ""),  # ambiguous: a unit is asked for
        ([], "whynot overheatd", "overheated"),  # a class
        ([], "whynot cracked widgt", "cracked"),  # a class by its label
        ([], "change temprature", "temperature"),  # a question's id
        ([], "sumary", "summary"),  # a command that is no answer here
        ([], "whynto overheated", "whynot"),
        ([], ":hepl", "help"),
    ],
)
def test_a_near_miss_is_suggested_and_never_taken(
    fixture_kb: KnowledgeBase, inputs: list[str], typed: str, meant: str
) -> None:
    consultation, _ = drive(fixture_kb, inputs)
    answers = dict(consultation.answers)
    blocks = consultation.respond(typed)
    assert consultation.answers == answers
    if typed == "10":  # 10 zorg or 10 blip: the unit is asked for, nothing is mistyped
        assert "did you mean" not in " ".join(getattr(b, "message", "") for b in blocks)
        return
    assert f"did you mean {meant!r}?" in problem(blocks)


def test_a_unit_asked_for_is_suggested_too(fixture_kb: KnowledgeBase) -> None:
    consultation, _ = drive(fixture_kb, ["dented", "10"])
    assert "did you mean 'blip'?" in problem(consultation.respond("blipp"))
    consultation.respond("blip")
    assert consultation.answers["temperature"] == 100.0


def test_a_word_close_to_a_command_that_is_an_answer_is_taken(fixture_kb: KnowledgeBase) -> None:
    """'bent' is a synonym of dented (and close to nothing else): an answer is never
    refused for looking like a command."""
    consultation, _ = drive(fixture_kb, ["bent"])
    assert consultation.answers == {"casing": "dented"}


@pytest.mark.parametrize(
    ("inputs", "typed", "meant"),
    [
        (["lung"], "necrtoic", "necrotic"),
        (["lung", "viable", "focal", "no", "no", "no"], "change serum_calcium", ""),
        ([], "whynot metastic", "metastatic"),
    ],
)
def test_the_examples_of_the_issue(
    real_kb: KnowledgeBase, inputs: list[str], typed: str, meant: str
) -> None:
    consultation, _ = drive(real_kb, inputs)
    blocks = consultation.respond(typed)
    if meant:
        assert f"did you mean {meant!r}?" in problem(blocks)
        return
    assert "did you mean 'mg/dL'?" in problem(consultation.respond("9.3 mg/dll"))
    assert "serum_calcium" not in consultation.answers


# -- 2. navigation --------------------------------------------------------------------------


def test_change_of_a_word_several_questions_share_lists_them_with_numbers(
    fixture_kb: KnowledgeBase,
) -> None:
    consultation, _ = drive(fixture_kb, ["dented", "120"])
    message = problem(consultation.respond("change widget"))
    assert "'widget' fits several questions: 1 casing, 2 temperature, 3 humming" in message
    assert "coating" in message and "voltage" in message
    assert consultation.current is not None and consultation.current.id == "humming"


@pytest.mark.parametrize(
    ("typed", "question_id"), [("why", "humming"), ("why 1", "casing"), ("why temp", "temperature")]
)
def test_why_explains_the_current_question_or_the_one_named(
    fixture_kb: KnowledgeBase, typed: str, question_id: str
) -> None:
    consultation, _ = drive(fixture_kb, ["dented", "120"])
    blocks = consultation.respond(typed)
    assert isinstance(blocks[0], WhyAsked) and blocks[0].question.id == question_id


def test_why_not_is_whynot(fixture_kb: KnowledgeBase) -> None:
    consultation, _ = drive(fixture_kb, [])
    assert isinstance(consultation.respond("why not overheated")[0], WhyNot)


@pytest.mark.parametrize("typed", ["shiny", "why"])
def test_the_choices_are_shown_again_after_an_error_or_why(
    fixture_kb: KnowledgeBase, typed: str
) -> None:
    consultation, _ = drive(fixture_kb, [])
    blocks = consultation.respond(typed)
    text = [line.text for line in blocks_lines(fixture_kb, blocks)]
    assert "Question 1: What state is the widget's casing in? [number, name or unknown]" in text
    assert "  1. intact" in text and "  3. shattered casing" in text


def test_summary_lists_the_answers_in_the_order_asked_with_their_numbers(
    fixture_kb: KnowledgeBase,
) -> None:
    consultation, _ = drive(fixture_kb, ["dented", "120", "yes"])
    blocks = consultation.respond("summary")
    assert isinstance(blocks[0], Summary)
    text = [line.text for line in blocks_lines(fixture_kb, blocks[:1])]
    start = text.index("Answers:")
    assert [t.split(":")[0] for t in text[start + 1 : start + 4]] == [
        "  1. widget casing",  # the file order would put humming before temperature
        "  2. widget temperature",
        "  3. humming",
    ]


def test_questions_answered_from_a_case_are_numbered_in_order_when_accepted(
    real_kb: KnowledgeBase,
) -> None:
    consultation, _ = drive(real_kb, [CASE])
    before = dict(consultation.numbers)  # the question asked when the case was pasted
    consultation.respond("ok")
    numbers = consultation.numbers
    from_case = sorted(
        set(consultation.answers) - set(before), key=lambda q: real_kb.questions[q].order
    )
    assert len(from_case) >= 3
    assert [numbers[q] for q in from_case] == list(
        range(len(before) + 1, len(before) + len(from_case) + 1)
    )
    assert sorted(numbers.values()) == list(range(1, len(numbers) + 1))
    asked = consultation.reask()[0]
    assert isinstance(asked, Ask) and asked.number == max(numbers.values())
    assert asked.number == len(consultation.answers) + 1  # the next number, none skipped
    consultation.respond("unknown")
    following = consultation.reask()[0]
    assert isinstance(following, Ask) and following.number == asked.number + 1


# -- Tab completion -------------------------------------------------------------------------


def completions(consultation: Consultation, text: str) -> list[tuple[str, str]]:
    completer = ConsultationCompleter(consultation)
    found = completer.get_completions(Document(text), CompleteEvent(completion_requested=True))
    return [(c.text, c.display_meta_text) for c in found]


def test_tab_completes_the_questions_of_change_and_why(fixture_kb: KnowledgeBase) -> None:
    consultation, _ = drive(fixture_kb, ["dented", "120"])
    for command in ("change", "why"):
        found = completions(consultation, f"{command} ")
        assert found[:3] == [
            ("casing", "1. widget casing"),
            ("temperature", "2. widget temperature"),
            ("humming", "3. humming"),
        ]
        assert {"coating", "voltage"} <= {text for text, _ in found}
    assert completions(consultation, "change 2") == [("2", "2. widget temperature")]
    assert completions(consultation, "change widget t") == [
        ("temperature", "2. widget temperature")
    ]
    assert [text for text, _ in completions(consultation, "change co")] == ["coating"]


def test_tab_completes_the_classes_of_whynot(fixture_kb: KnowledgeBase) -> None:
    consultation, _ = drive(fixture_kb, [])
    assert [text for text, _ in completions(consultation, "whynot o")] == ["overheated"]


# -- the REPL: Ctrl-D, --case ---------------------------------------------------------------


@pytest.fixture
def pipe() -> Iterator[PipeInput]:
    with create_pipe_input() as pipe_input:
        yield pipe_input


def shown_by_repl(
    kb: KnowledgeBase, pipe: PipeInput, keys: str, monkeypatch: pytest.MonkeyPatch, **kw: Any
) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr(repl, "_print_line", lambda line, *_: shown.append(line.text))
    monkeypatch.setattr(repl, "wrapped", lambda lines, width: lines)  # paths are long
    pipe.send_text(keys)
    run_repl(
        Consultation(kb), color=False, session_args={"input": pipe, "output": DummyOutput()}, **kw
    )
    return shown


def test_ctrl_d_says_where_the_consultation_is_kept_and_how_to_go_on(
    fixture_kb: KnowledgeBase, pipe: PipeInput, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = sessions_dir() / "kept.txt"
    path.parent.mkdir(parents=True)
    shown = shown_by_repl(fixture_kb, pipe, "dented\n\x04", monkeypatch, recorder=Recorder([path]))
    assert path.exists()
    assert f"The consultation is kept in {path}; calcify --resume continues it." in shown


def test_ctrl_d_names_a_recorded_file_to_resume(
    fixture_kb: KnowledgeBase, pipe: PipeInput, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "case.txt"
    shown = shown_by_repl(fixture_kb, pipe, "dented\n\x04", monkeypatch, recorder=Recorder([path]))
    assert f"The consultation is kept in {path}; calcify --resume {path} continues it." in shown


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_case_on_a_terminal_shows_the_review_and_waits_for_ok(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scripted: list[list[str]] = []

    def fake_repl(consultation: Consultation, **kwargs: Any) -> int:
        scripted.append(list(kwargs["scripted"]))
        return 0

    monkeypatch.setattr(sys, "stdin", Terminal())
    monkeypatch.setattr(sys, "stdout", Terminal())
    monkeypatch.setattr(repl, "run_repl", fake_repl)
    assert main(["--case", CASE]) == 0
    assert scripted == [[f"case {CASE}"]]  # no "ok": the user reads the review first


def test_case_in_the_repl_waits_for_ok(
    real_kb: KnowledgeBase, pipe: PipeInput, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown = shown_by_repl(real_kb, pipe, "\x04", monkeypatch, scripted=[f"case {CASE}"])
    assert any(line.startswith("Type ok to use them") for line in shown)
    assert not any(line.startswith("Using ") for line in shown)
