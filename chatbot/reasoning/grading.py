"""Grading a conclusion on missing facts, with defaults stated as data (`assume` rules).

A conclusion is *established* when the answers meet its criteria. When they do not, the
`assume` rules whose setting holds supply the answers that are usually so in that setting,
each with its source ("serum calcium not given: assumed normal, as in most patients with
congenital CMV infection"); a conclusion reached with them is *probable*, and the grading
names each assumption it rests on and what the conclusion would be if an assumption were
wrong. Otherwise classes that can still be reached are only *possible* and the
classification stays indeterminate. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from chatbot.engine.trace import Evaluation, Firing
from chatbot.knowledge.model import UNKNOWN, KnowledgeBase, Rule, Value

Grade = Literal["established", "probable", "possible"]

OPPOSITES: Mapping[str, tuple[str, ...]] = {
    "normal": ("raised", "low"),
    "raised": ("normal",),
    "low": ("normal",),
    "yes": ("no",),
    "no": ("yes",),
}
"""What would overturn an assumed answer, tried in this order."""


@dataclass(frozen=True)
class Assumed:
    """An answer taken as usual, and the `assume` rule (reason, source) that supplies it."""

    question: str
    value: Value
    rule: Rule


@dataclass(frozen=True)
class Alternative:
    """What the conclusion would be if an assumed answer were otherwise."""

    question: str
    value: Value
    classification: str
    subtype: str


def defaults(
    kb: KnowledgeBase, evaluation: Evaluation, answers: Mapping[str, Value]
) -> tuple[Assumed, ...]:
    """The answers the `assume` rules that fired supply for questions not answered (or
    answered unknown); the first rule in knowledge-base order wins a question."""
    found: dict[str, Assumed] = {}
    for firing in evaluation.of_kind("assume"):
        for question_id, value in firing.rule.outcome.assumes:
            if answers.get(question_id, UNKNOWN) == UNKNOWN and question_id not in found:
                found[question_id] = Assumed(question_id, value, firing.rule)
    return tuple(sorted(found.values(), key=lambda a: kb.questions[a.question].order))


def with_defaults(answers: Mapping[str, Value], assumed: tuple[Assumed, ...]) -> dict[str, Value]:
    return {**answers, **{a.question: a.value for a in assumed}}


def relied_on(assumed: tuple[Assumed, ...], chain: tuple[Firing, ...]) -> tuple[Assumed, ...]:
    """The assumptions a conclusion rests on: those of every `assume` rule one of whose
    answers its chain matched (an assumption such as "calcium and phosphate normal" stands
    or falls as a whole, though only the calcium shows in the chain)."""
    matched = {ref[1] for firing in chain for ref in firing.matched if ref[0] == "answer"}
    rules = {a.rule.id for a in assumed if a.question in matched}
    return tuple(a for a in assumed if a.rule.id in rules)
