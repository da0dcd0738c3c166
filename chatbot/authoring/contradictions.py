"""Findings declared to contradict each other (`contradicts` in findings.toml) that some
answers derive together: a band edge counted on both sides, say, makes a calcium of exactly
10.5 mg/dL both raised and not raised.

Checked by running the engine on representative answers to every question the two findings
depend on (each choice and word, and each threshold with values on both sides of it), all
combinations when there are few, a fixed sample when there are many. Pure: no I/O.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Iterator

from chatbot.authoring.reports import Report
from chatbot.engine.engine import Engine
from chatbot.knowledge.formula import formula_names
from chatbot.knowledge.model import LAB_WORDS, KnowledgeBase, Value
from chatbot.reasoning.ranking import hypotheses

LIMIT = 4000
"""Most answer sets tried for one pair of findings."""
UNANSWERED = object()


def contradictions(kb: KnowledgeBase) -> Iterator[Report]:
    """An error for each declared contradiction that some answers derive together."""
    engine = Engine(kb)
    for finding in kb.findings.values():
        for other in finding.contradicts:
            example = _together(kb, engine, finding.id, other)
            if example is not None:
                shown = ", ".join(f"{q} = {_text(v)}" for q, v in example.items()) or "no answers"
                yield Report(
                    "error",
                    finding.file,
                    f"finding {finding.id}",
                    f"contradicts {other!r}, yet both are derived from {shown}",
                    "make the limits of the rules deriving them agree (one side strict, "
                    "the other not), or drop the contradiction",
                    "contradicts",
                )


def _together(
    kb: KnowledgeBase, engine: Engine, first: str, second: str
) -> dict[str, Value] | None:
    """Answers under which both findings are derived, if the trial finds any."""
    questions = sorted(
        {q for q in kb.questions if _reads(kb, q, first) or _reads(kb, q, second)},
        key=lambda q: kb.questions[q].order,
    )
    options = [[UNANSWERED, *_values(kb, q)] for q in questions]
    for combination in _combinations(options):
        answers: dict[str, Value] = {
            q: v  # type: ignore[misc]
            for q, v in zip(questions, combination, strict=True)
            if v is not UNANSWERED
        }
        found = engine.evaluate(answers).findings()
        if first in found and second in found:
            return answers
    return None


def _reads(kb: KnowledgeBase, question_id: str, finding_id: str) -> bool:
    dependent = kb.dependents[question_id]
    return any(rule.id in dependent for rule in kb.rules_deriving(finding_id))


def _values(kb: KnowledgeBase, question_id: str) -> list[Value]:
    """Each choice, word and threshold (with values either side); for a number only a
    formula reads, whole numbers across its plausible range, so that derived numbers land
    on their own thresholds (a calcium of 10.5 with an albumin of 4 corrects to 10.5)."""
    question = kb.questions[question_id]
    words: list[Value] = list(LAB_WORDS) if question.accepts_words else []
    found: list[Value] = [*hypotheses(kb, question_id), *words]
    if question.kind == "number" and question.plausible and _only_in_formulas(kb, question_id):
        low, high = question.plausible
        found += [float(n) for n in range(math.ceil(low), math.floor(high) + 1)][:12]
    return list(dict.fromkeys(found))


def _only_in_formulas(kb: KnowledgeBase, question_id: str) -> bool:
    tests = [c for r in kb.rules for c in r.conditions if c.subject == question_id]
    in_formula = any(
        question_id in formula_names(r.outcome.formula) for r in kb.rules if r.outcome.formula
    )
    return in_formula and not any(c.op in ("gt", "ge", "lt", "le") for c in tests)


def _combinations(options: list[list[object]]) -> Iterator[tuple[object, ...]]:
    total = 1
    for values in options:
        total *= len(values)
    if total <= LIMIT:
        yield from itertools.product(*options)
        return
    rng = random.Random(0)  # the same sample on every run
    for _ in range(LIMIT):
        yield tuple(rng.choice(values) for values in options)


def _text(value: Value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)
