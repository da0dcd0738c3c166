"""What a condition means: the test it applies to one answer or finding value.

The engine matches with these tests and the analysis reads truths with them, so both agree
by construction. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chatbot.knowledge.model import UNKNOWN, Condition, KnowledgeBase, Question


def predicate(condition: Condition, question: Question | None = None) -> Callable[[Any], bool]:
    """The test a condition applies to one answer or finding value.

    question: the question a condition on an answer tests. A lab value reported in words
    (low, normal, raised) passes a numeric test when every value of its band would: "raised"
    calcium is above 10.5 mg/dL, "normal" is at most 10.5 but not above 12.
    """
    op, expected = condition.op, condition.value
    if op in ("gt", "ge", "lt", "le"):
        numeric = _numeric(op, float(expected))  # type: ignore[arg-type]
        if question is None or not question.accepts_words:
            return numeric
        return _banded(numeric, op, float(expected), question)  # type: ignore[arg-type]
    if op == "measured":
        return lambda value: isinstance(value, float)
    if op == "is":
        return lambda value: bool(value == expected)
    if op == "not":
        return lambda value: value != expected and value != UNKNOWN
    if op == "in":
        return lambda value: value in expected  # type: ignore[operator]
    if op == "not_in":
        return lambda value: value not in expected and value != UNKNOWN  # type: ignore[operator]
    return lambda value: value != UNKNOWN


def test_of(kb: KnowledgeBase, condition: Condition) -> Callable[[Any], bool]:
    """predicate(condition) with the question it tests, if it tests one."""
    question = kb.questions.get(condition.subject) if condition.subject_kind == "question" else None
    return predicate(condition, question)


def _banded(
    numeric: Callable[[Any], bool], op: str, limit: float, question: Question
) -> Callable[[Any], bool]:
    """A numeric test that also reads words: by the whole band a word stands for."""
    verdicts = {}
    for word in ("low", "normal", "raised"):
        band = question.band(word)
        verdicts[word] = band is not None and band_passes(op, limit, band)
    return lambda value: numeric(value) or (isinstance(value, str) and verdicts.get(value, False))


def band_passes(op: str, limit: float, band: tuple[float, float, bool, bool]) -> bool:
    """Whether every value of the band (low, high, low open, high open) passes `op limit`."""
    low, high, low_open, high_open = band
    if op == "gt":
        return low > limit or (low == limit and low_open)
    if op == "ge":
        return low >= limit
    if op == "lt":
        return high < limit or (high == limit and high_open)
    return high <= limit


def _numeric(op: str, limit: float) -> Callable[[Any], bool]:
    compare: Callable[[float, float], bool] = {
        "gt": float.__gt__,
        "ge": float.__ge__,
        "lt": float.__lt__,
        "le": float.__le__,
    }[op]
    return lambda value: isinstance(value, float) and compare(value, limit)
