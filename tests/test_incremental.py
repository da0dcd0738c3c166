"""An Engine that goes on from its last run gives exactly what a run from scratch gives: the
same firings, in the same order, with the same firing marked as the first to declare a fact."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURE_KB, REAL_KB
from test_engine_speed_equivalence import random_answers

from chatbot.engine import incremental
from chatbot.engine.compiler import salience
from chatbot.engine.engine import Engine
from chatbot.engine.trace import Firing
from chatbot.knowledge.loader import load_knowledge_base
from chatbot.knowledge.model import KnowledgeBase, Value


def consultation_answers(kb: KnowledgeBase, rng: random.Random) -> Iterator[dict[str, Value]]:
    """The answer sets a consultation goes through: mostly one more answer, now and then
    two at once (a pasted case), a changed answer or a step back."""
    answers: dict[str, Value] = {}
    for _ in range(len(kb.questions) + 4):
        roll = rng.random()
        if roll < 0.1 and answers:
            answers.pop(next(reversed(answers)))
        elif roll < 0.2 and answers:
            question = rng.choice(sorted(answers))
            changed = random_answers(kb, rng, most=len(kb.questions)).get(question)
            answers[question] = answers[question] if changed is None else changed
        else:
            more = random_answers(kb, rng, most=2 if roll < 0.3 else 1)
            answers.update({q: v for q, v in more.items() if q not in answers})
        yield dict(answers)


class Counting:
    """Counts how often a function of the incremental module is called and what it returns."""

    def __init__(self, function: Any) -> None:
        self.function, self.results = function, []  # type: ignore[var-annotated]

    def __call__(self, *args: Any) -> Any:
        result = self.function(*args)
        self.results.append(result)
        return result


@pytest.mark.parametrize("name", ["fixture", "real", "synthetic", "cyclic"])
def test_going_on_gives_what_a_run_from_scratch_gives(
    name: str, synthetic_dir: Path, cyclic_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = {
        "fixture": FIXTURE_KB,
        "real": REAL_KB,
        "synthetic": synthetic_dir,
        "cyclic": cyclic_dir,
    }[name]
    kb = load_knowledge_base(directory)
    ordering, undoing = Counting(incremental.scratch_order), Counting(incremental.undoes)
    monkeypatch.setattr(incremental, "scratch_order", ordering)
    monkeypatch.setattr(incremental, "undoes", undoing)
    going_on, scratch = Engine(kb), Engine(kb, fast=False)
    runs = Counting(going_on._run)
    monkeypatch.setattr(going_on, "_run", runs)
    for seed in range(30):
        for answers in consultation_answers(kb, random.Random(seed)):
            assert going_on.evaluate(answers) == scratch.evaluate(answers), answers
    # the comparison meant something: most runs went on, and some had to start again
    assert len(ordering.results) > len(runs.results) / 3
    assert None not in ordering.results
    assert any(undoing.results) or name in ("fixture", "cyclic")  # their own case is below


def test_scratch_order_is_the_order_of_a_run_from_scratch() -> None:
    kb = load_knowledge_base(REAL_KB)
    engine = Engine(kb, fast=False)
    saliences = {rule.id: salience(kb, rule) for rule in kb.rules}
    rng = random.Random(2)
    for _ in range(150):
        evaluation = engine.evaluate(random_answers(kb, rng, most=12))
        answers = sorted(evaluation.answers, key=lambda q: kb.questions[q].order)
        refs = [("answer", q, evaluation.answers[q]) for q in answers]
        shuffled = list(evaluation.firings)
        rng.shuffle(shuffled)
        marked = [Firing(f.rule, f.matched, f.declared, not f.new) for f in shuffled]
        assert incremental.scratch_order(refs, marked, saliences) == evaluation.firings


@pytest.mark.parametrize(
    ("directory", "first", "then", "undone", "derived"),
    [
        # a normal total calcium is read as not raised only while no corrected calcium exists
        (
            REAL_KB,
            {"serum_calcium": 9.0},
            {"albumin": 2.0},
            "labs.calcium-not-raised-total",
            "labs.corrected-calcium",
        ),
        # fatigue is blamed only while the widget is not known to be stressed
        (
            FIXTURE_KB,
            {"casing": "dented", "humming": "yes"},
            {"temperature": 120.0},
            "cracks.fatigue",
            "heat.stressed",
        ),
    ],
)
def test_an_answer_that_derives_what_a_fired_rule_needed_absent_starts_again(
    directory: Path, first: dict[str, Value], then: dict[str, Value], undone: str, derived: str
) -> None:
    kb = load_knowledge_base(directory)
    engine = Engine(kb)
    assert undone in {f.rule.id for f in engine.evaluate(first).firings}
    both = first | then
    again = engine.evaluate(both)
    fired = {f.rule.id for f in again.firings}
    assert undone not in fired
    assert derived in fired
    assert again == Engine(kb, fast=False).evaluate(both)


def test_a_firing_on_a_fact_nothing_declares_cannot_be_ordered() -> None:
    kb = load_knowledge_base(REAL_KB)
    engine = Engine(kb, fast=False)
    evaluation = engine.evaluate({"serum_calcium": 9.0, "albumin": 2.0})
    saliences = {rule.id: salience(kb, rule) for rule in kb.rules}
    refs = [("answer", "serum_calcium", 9.0)]  # albumin left out
    assert incremental.scratch_order(refs, evaluation.firings, saliences) is None
