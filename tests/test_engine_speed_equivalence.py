"""The fast paths give exactly what the stock paths give.

Fast: the FastReteMatcher engine (indexed alpha network, dirty conflict sets, literal
equality patterns) and the incremental, all-answers-at-once possibility analysis. Stock:
experta's own KnowledgeEngine on the patterns as first compiled, and the analysis started from
scratch with one hypothetical Possibility per answer (what a network with a cycle gets).
Every consultation below runs through both and must print the same lines and reach the same
assessments; no timing here (that is bench/).
"""

from __future__ import annotations

import random
import tomllib
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURE_KB, REAL_KB, SYNTHETIC

from chatbot.consultation.dialogue import Consultation
from chatbot.engine.engine import Engine
from chatbot.engine.trace import Evaluation
from chatbot.errors import AnswerError
from chatbot.knowledge.answers import parse_answer
from chatbot.knowledge.loader import load_knowledge_base
from chatbot.knowledge.model import KnowledgeBase, Value
from chatbot.reasoning.assessment import assess
from chatbot.reasoning.index import index_of
from chatbot.reasoning.possibility import Possibility
from chatbot.reasoning.ranking import (
    expected_remaining,
    expected_remaining_at_once,
    open_concluders,
)
from chatbot.reasoning.truth import Truth
from chatbot.ui.render import blocks_lines

CASES = Path(__file__).resolve().parent / "data" / "real_cases.toml"


def stock_engine(kb: KnowledgeBase) -> Engine:
    """The engine on its stock paths: experta's own matcher, every test a predicate, every run
    and every analysis from scratch."""
    return Engine(kb, fast=False)


def random_answers(kb: KnowledgeBase, rng: random.Random, most: int) -> dict[str, Value]:
    answers: dict[str, Value] = {}
    questions = list(kb.questions.values())
    for question in rng.sample(questions, rng.randint(0, min(most, len(questions)))):
        try:
            answers[question.id] = parse_answer(
                question, SYNTHETIC.random_answer(question, rng)
            ).value
        except AnswerError:
            continue
    return answers


def random_inputs(kb: KnowledgeBase, consultation: Consultation, rng: random.Random) -> str:
    """What a user might type next: mostly an answer, now and then a command."""
    roll = rng.random()
    if roll < 0.08:
        return "back"
    if roll < 0.14 and consultation.answers:
        return f"change {rng.choice(sorted(consultation.answers))}"
    if roll < 0.17:
        return "restart"
    question = consultation.current
    if question is None:
        return "summary"
    return str(SYNTHETIC.random_answer(question, rng))


def drive(consultation: Consultation, inputs: Iterator[str], turns: int) -> list[str]:
    kb = consultation.kb
    lines = [line.text for line in blocks_lines(kb, consultation.start())]
    for _ in range(turns):
        if consultation.quit:
            break
        text = next(inputs)
        lines.append(f"> {text}")
        lines += [line.text for line in blocks_lines(kb, consultation.respond(text))]
        lines.append(repr(consultation.assessment.pending))
    return lines


def typed(kb: KnowledgeBase, consultation: Consultation, seed: int) -> Iterator[str]:
    rng = random.Random(seed)
    while True:
        yield random_inputs(kb, consultation, rng)


@pytest.mark.parametrize("name", ["fixture", "real", "synthetic"])
def test_the_fast_engine_fires_what_experta_fires(name: str, synthetic_dir: Path) -> None:
    directory = {"fixture": FIXTURE_KB, "real": REAL_KB, "synthetic": synthetic_dir}[name]
    kb = load_knowledge_base(directory)
    fast, stock = Engine(kb), stock_engine(kb)
    rng = random.Random(11)
    for _ in range(120):
        answers = random_answers(kb, rng, most=12)
        assert fast.evaluate(answers) == stock.evaluate(answers), answers


@pytest.mark.parametrize("name", ["fixture", "real", "synthetic"])
@pytest.mark.parametrize("seed", range(6))
def test_consultations_print_the_same_on_both_paths(
    name: str, seed: int, synthetic_dir: Path
) -> None:
    directory = {"fixture": FIXTURE_KB, "real": REAL_KB, "synthetic": synthetic_dir}[name]
    kb, reference = load_knowledge_base(directory), load_knowledge_base(directory)
    fast = Consultation(kb)
    stock = Consultation(reference, stock_engine(reference))
    assert drive(fast, typed(kb, fast, seed), 30) == drive(stock, typed(kb, stock, seed), 30)


def case_inputs(consultation: Consultation, case: dict[str, Any]) -> Iterator[str]:
    while True:
        question = consultation.current
        yield "quit" if question is None else str(case["answers"].get(question.id, "unknown"))


def test_real_cases_read_the_same_on_both_paths() -> None:
    """Every fourth case (the stock path is slow); bench/run.py compares all of them."""
    kb, reference = load_knowledge_base(REAL_KB), load_knowledge_base(REAL_KB)
    fast_engine, slow_engine = Engine(kb), stock_engine(reference)
    with CASES.open("rb") as handle:
        cases = tomllib.load(handle)["case"]
    for case in cases[::4]:
        fast = Consultation(kb, fast_engine)
        stock = Consultation(reference, slow_engine)
        turns = len(kb.questions)
        fast_lines = drive(fast, case_inputs(fast, case), turns)
        assert fast_lines == drive(stock, case_inputs(stock, case), turns), case["name"]


@pytest.mark.parametrize("name", ["real", "synthetic"])
def test_all_answers_at_once_counts_what_one_at_a_time_counts(
    name: str, synthetic_dir: Path
) -> None:
    directory = {"real": REAL_KB, "synthetic": synthetic_dir}[name]
    kb = load_knowledge_base(directory)
    engine = Engine(kb)
    rng = random.Random(5)
    for _ in range(25):
        askable = Possibility(kb, engine.evaluate(random_answers(kb, rng, most=6)), True)
        open_by_class = open_concluders(kb, askable)
        for question_id in kb.questions:
            if askable.is_askable(question_id):
                at_once = expected_remaining_at_once(kb, askable, question_id, open_by_class)
                assert at_once == expected_remaining(kb, askable, question_id), question_id


def test_a_network_with_a_cycle_gives_the_same_on_both_paths(cyclic_dir: Path) -> None:
    kb = load_knowledge_base(cyclic_dir)
    assert index_of(kb).cycles
    assert not index_of(load_knowledge_base(FIXTURE_KB)).cycles
    fast, stock = Engine(kb), stock_engine(kb)
    rng = random.Random(3)
    for _ in range(60):
        answers = random_answers(kb, rng, most=5)
        assert assess(fast, answers) == assess(stock, answers)


def test_a_changed_derived_number_is_read_again() -> None:
    """Same answers, another number from the formula (as when a rule fires twice in another
    order): what read the number is worked out again, not carried over."""
    kb = load_knowledge_base(FIXTURE_KB)
    answers: dict[str, Value] = {"temperature": 120.0, "voltage": 12.0}
    evaluation = Engine(kb).evaluate(answers)
    overloaded = kb.rule("heat.overloaded")
    assert overloaded is not None
    assert Possibility(kb, evaluation).rule(overloaded) is Truth.TRUE
    reading_load = kb.rules_reading("finding", "load")
    firings = tuple(  # the trace of a run that derived another load: no overload fired
        replace(f, declared=(*f.declared[:2], 1.0)) if f.rule.id == "heat.load" else f
        for f in evaluation.firings
        if f.rule.id not in reading_load
    )
    lower = Evaluation(evaluation.answers, firings)
    assert Possibility(kb, lower).rule(overloaded) is Truth.FALSE
    assert Possibility(kb, evaluation).rule(overloaded) is Truth.TRUE
