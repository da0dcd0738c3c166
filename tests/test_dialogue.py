"""The consultation state machine on the fixture knowledge base: what it asks, when it stops."""

from __future__ import annotations

from dataclasses import replace

import pytest

from chatbot.consultation.blocks import (
    Ask,
    AskUnit,
    Block,
    Changed,
    Conclusion,
    Farewell,
    Help,
    How,
    Note,
    Problem,
    Save,
    Summary,
    Understood,
)
from chatbot.consultation.commands import COMMANDS, Command, find_command
from chatbot.consultation.dialogue import Consultation
from chatbot.consultation.state import ConsultationState
from chatbot.knowledge.model import KnowledgeBase
from chatbot.reasoning.explain import WhyAsked, WhyNot
from chatbot.ui.render import blocks_lines


def drive(kb: KnowledgeBase, inputs: list[str]) -> tuple[Consultation, list[Block]]:
    consultation = Consultation(kb)
    blocks = consultation.start()
    for text in inputs:
        blocks += consultation.respond(text)
    return consultation, blocks


def asked(blocks: list[Block]) -> list[str]:
    """Question ids asked for the first time (re-asks after a command or error excluded)."""
    return [b.question.id for b in blocks if isinstance(b, Ask) and not b.again]


@pytest.mark.parametrize(
    ("inputs", "questions", "classification", "subtype", "finished"),
    [
        # a decisive first answer settles it at once: impact outranks every other class
        (["shattered"], ["casing"], "cracked", "impact", True),
        (["3"], ["casing"], "cracked", "impact", True),
        # temperature separates the classes best, so it comes before humming despite KB order;
        # a three-step chain: hot + humming -> stressed -> severe grade -> friction; voltage
        # is still asked because an overload would be the better-ranked cause
        (
            ["dented", "120 zorg", "yes", "1"],
            ["casing", "temperature", "humming", "voltage"],
            "overheated",
            "friction",
            True,
        ),
        (
            ["dented", "120 zorg", "yes", "12"],
            ["casing", "temperature", "humming", "voltage"],
            "overheated",
            "overload",
            True,
        ),
        # intact, cool, chrome, quiet and low voltage: sound
        (
            ["intact", "25", "chrome", "no", "12"],
            ["casing", "temperature", "coating", "humming", "voltage"],
            "sound",
            "",
            True,
        ),
        # everything unknown: stops when nothing is left to ask, without a conclusion
        (["unknown"] * 6, ["casing", "coating", "temperature"], "indeterminate", "", True),
        # input ends before the consultation does
        (["intact", "25"], ["casing", "temperature", "coating"], "indeterminate", "", False),
    ],
)
def test_consultation_asks_only_what_matters(
    fixture_kb: KnowledgeBase,
    inputs: list[str],
    questions: list[str],
    classification: str,
    subtype: str,
    finished: bool,
) -> None:
    consultation, blocks = drive(fixture_kb, inputs)
    assert asked(blocks) == questions
    assert consultation.assessment.classification == classification
    assert consultation.assessment.subtype == subtype
    assert consultation.is_finished is finished
    assert any(isinstance(b, Conclusion) for b in blocks) is finished


def test_never_asks_an_answered_question_again(fixture_kb: KnowledgeBase) -> None:
    consultation, blocks = drive(fixture_kb, ["dented", "unknown", "yes", "unknown", "paint"])
    first_asks = asked(blocks)
    assert len(first_asks) == len(set(first_asks))


def test_invalid_answer_is_reasked_and_nothing_is_lost(fixture_kb: KnowledgeBase) -> None:
    consultation, _ = drive(fixture_kb, ["dented"])
    blocks = consultation.respond("purple")
    assert isinstance(blocks[0], Problem)
    assert isinstance(blocks[1], Ask) and blocks[1].question.id == "temperature"
    assert consultation.answers == {"casing": "dented"}


def test_ambiguous_unit_is_asked_then_read(fixture_kb: KnowledgeBase) -> None:
    consultation, _ = drive(fixture_kb, ["dented"])
    blocks = consultation.respond("15")  # 15 zorg or 15 blip (= 150 zorg): both plausible
    assert isinstance(blocks[0], AskUnit)
    assert consultation.current is not None and consultation.current.id == "temperature"
    blocks = consultation.respond("blip")
    assert isinstance(blocks[0], Understood)
    assert consultation.answers["temperature"] == 150.0


@pytest.mark.parametrize("word", ["why", ":why", "WHY"])
def test_why_explains_the_current_question(fixture_kb: KnowledgeBase, word: str) -> None:
    consultation, _ = drive(fixture_kb, ["dented"])
    blocks = consultation.respond(word)
    why = blocks[0]
    assert isinstance(why, WhyAsked) and why.question.id == "temperature"
    assert {"cracked", "overheated"} <= set(why.classes)
    assert any(rule.id == "heat.hot" for rule in why.rules)
    assert consultation.answers == {"casing": "dented"}  # a command is never an answer


def test_how_follows_the_trace(fixture_kb: KnowledgeBase) -> None:
    consultation, _ = drive(fixture_kb, ["dented", "120", "yes", "1"])
    how = consultation.respond("how")[0]
    assert isinstance(how, How)
    rules = [f.rule.id for f in how.assessment.chain]
    assert rules == [
        "heat.hot",
        "heat.stressed",
        "heat.grade-severe",
        "heat.stressed-widget",
        "heat.friction",
    ]


def test_whynot_names_failed_and_unknown_conditions(fixture_kb: KnowledgeBase) -> None:
    consultation, _ = drive(fixture_kb, ["dented", "120", "yes", "1"])
    block = consultation.respond("whynot sound")[0]
    assert isinstance(block, WhyNot) and block.cls.id == "sound"
    (check,) = block.rules
    failed = [c.condition.subject for c in check.conditions if c.truth.value == "false"]
    assert failed == ["casing", "humming", "hot"]
    assert isinstance(consultation.respond("whynot nonsense")[0], Problem)


def test_back_withdraws_the_last_answer(fixture_kb: KnowledgeBase) -> None:
    consultation, _ = drive(fixture_kb, ["dented", "120"])
    blocks = consultation.respond("back")
    assert isinstance(blocks[0], Note) and "widget temperature" in blocks[0].message
    assert consultation.answers == {"casing": "dented"}
    consultation.respond("undo")
    assert consultation.answers == {}
    assert isinstance(consultation.respond("back")[0], Problem)  # past the start


def test_change_reports_what_changed(fixture_kb: KnowledgeBase) -> None:
    consultation, _ = drive(fixture_kb, ["dented", "120", "yes", "1"])
    assert consultation.assessment.classification == "overheated"
    blocks = consultation.respond("change casing")
    assert isinstance(blocks[0], Ask) and blocks[0].question.id == "casing"
    blocks = consultation.respond("shattered")
    changed = next(b for b in blocks if isinstance(b, Changed))
    assert changed.before.classification == "overheated"
    assert changed.after.classification == "cracked"
    text = "\n".join(line.text for line in blocks_lines(fixture_kb, [changed]))
    assert (
        "changed from overheated widget" in text
        and "because widget casing is now shattered" in text
    )
    assert isinstance(consultation.respond("change colour")[0], Problem)  # no such question


def test_change_can_volunteer_an_unasked_answer(fixture_kb: KnowledgeBase) -> None:
    consultation, _ = drive(fixture_kb, ["dented"])
    blocks = consultation.respond("change coating")
    assert isinstance(blocks[0], Ask) and blocks[0].question.id == "coating"
    consultation.respond("bare")
    assert consultation.answers["coating"] == "bare"


@pytest.mark.parametrize(
    ("named", "question_id"),
    [
        ("2", "temperature"),  # the number it was asked under
        ("casing", "casing"),  # its id
        ("widget temperature", "temperature"),  # its name
        ("temp", "temperature"),  # a prefix of its id
        ("hot", "temperature"),  # a word of its text ("How hot does the widget run?")
        ("hum", "humming"),  # a prefix of an unasked question
        ("voltage supplied", "voltage"),  # words of an unasked question
    ],
)
def test_change_finds_a_question_by_number_id_name_or_words(
    fixture_kb: KnowledgeBase, named: str, question_id: str
) -> None:
    consultation, _ = drive(fixture_kb, ["dented", "120"])
    blocks = consultation.respond(f"change {named}")
    assert isinstance(blocks[0], Ask) and blocks[0].question.id == question_id


@pytest.mark.parametrize("named", ["7", "the colour"])
def test_change_of_no_single_question_lists_the_answered_ones(
    fixture_kb: KnowledgeBase, named: str
) -> None:
    """No such number, or no question has the word (several: tests/test_navigation.py)."""
    consultation, _ = drive(fixture_kb, ["dented", "120"])
    (problem, _) = consultation.respond(f"change {named}")
    assert isinstance(problem, Problem)
    assert "answered so far: 1 casing, 2 temperature" in problem.message


def test_back_after_change_restores_the_old_answer(fixture_kb: KnowledgeBase) -> None:
    consultation, _ = drive(fixture_kb, ["dented", "120", "change casing", "shattered"])
    consultation.respond("back")
    assert consultation.answers == {"casing": "dented", "temperature": 120.0}


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.name)
def test_every_command_is_carried_out_by_its_handler(
    fixture_kb: KnowledgeBase, command: Command
) -> None:
    """Typing a command runs the handler the registry names for it, with the rest of the line."""
    seen: list[str] = []

    def handler(c: ConsultationState, argument: str) -> list[Block]:
        seen.append(argument)
        return [Note("handled")]

    consultation = Consultation(fixture_kb)
    consultation.start()
    registry = tuple(replace(c, handler=handler) if c is command else c for c in COMMANDS)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("chatbot.consultation.commands.COMMANDS", registry)
        blocks = consultation.respond(f"{command.name} some words")
    assert blocks == [Note("handled")] and seen == ["some words"]


@pytest.mark.parametrize(
    ("text", "name", "argument"),
    [
        ("why", "why", ""),
        (":WHY", "why", ""),
        ("undo", "back", ""),
        ("why-not  metastatic ", "whynot", "metastatic"),
        ("change serum calcium", "change", "serum calcium"),
        ("whyever", None, ""),
        ("", None, ""),
    ],
)
def test_a_command_is_found_by_name_or_alias_with_its_argument(
    text: str, name: str | None, argument: str
) -> None:
    command, rest = find_command(text.strip())
    assert (command.name if command else None, rest) == (name, argument)


def test_summary_restart_help_quit(fixture_kb: KnowledgeBase) -> None:
    consultation, _ = drive(fixture_kb, ["dented"])
    assert isinstance(consultation.respond("summary")[0], Summary)
    help_block = consultation.respond("help")[0]
    assert isinstance(help_block, Help)
    assert [c.name for c in help_block.commands] == [c.name for c in COMMANDS]
    consultation.respond("restart")
    assert consultation.answers == {}
    assert consultation.current is not None and consultation.current.id == "casing"
    blocks = consultation.respond("quit")
    assert isinstance(blocks[0], Farewell) and consultation.quit


def test_save_is_left_to_the_shell(fixture_kb: KnowledgeBase) -> None:
    consultation, _ = drive(fixture_kb, [])
    block = consultation.respond("save case.txt --force")[0]
    assert block == Save("case.txt", True)
    assert isinstance(consultation.respond("save")[0], Problem)


def test_unknown_command_and_answers_after_the_end(fixture_kb: KnowledgeBase) -> None:
    consultation, _ = drive(fixture_kb, ["shattered"])
    assert isinstance(consultation.respond(":frobnicate")[0], Problem)
    assert isinstance(consultation.respond("dented")[0], Note)
    assert consultation.answers == {"casing": "shattered"}


def test_same_inputs_same_words(fixture_kb: KnowledgeBase) -> None:
    inputs = ["dented", "why", "15", "zorg", "yes", "how", "whynot rusted", "summary"]
    first = blocks_lines(fixture_kb, drive(fixture_kb, inputs)[1])
    second = blocks_lines(fixture_kb, drive(fixture_kb, inputs)[1])
    assert first == second
