"""What a test lets through: intervals of numbers, words for lab values, sets of choices,
and how two tests on one subject meet. Part of the static analysis behind `calcify check`.
Pure: no I/O.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from chatbot.knowledge.model import LAB_WORDS, NUMERIC_OPS, Condition, KnowledgeBase, Question
from chatbot.knowledge.semantics import band_passes


@dataclass(frozen=True)
class Interval:
    """The numbers a numeric test lets through; an open end excludes its limit."""

    low: float = -math.inf
    high: float = math.inf
    low_open: bool = True
    high_open: bool = True

    def meet(self, other: Interval) -> Interval:
        # The larger low and the smaller high win; at a tie the open (stricter) end wins.
        low, low_open = max((self.low, self.low_open), (other.low, other.low_open))
        high, high_closed = min((self.high, not self.high_open), (other.high, not other.high_open))
        return Interval(low, high, low_open, not high_closed)

    def is_empty(self) -> bool:
        return self.low > self.high or (self.low == self.high and (self.low_open or self.high_open))

    def within(self, other: Interval) -> bool:
        return self.is_empty() or (self.meet(other) == self)


@dataclass(frozen=True)
class Measure:
    """What a test on a lab question lets through: numbers, and words (low, normal, raised)
    for values reported without a number."""

    numbers: Interval
    words: frozenset[str]

    def meet(self, other: Measure) -> Measure:
        return Measure(self.numbers.meet(other.numbers), self.words & other.words)

    def is_empty(self) -> bool:
        return self.numbers.is_empty() and not self.words

    def within(self, other: Measure) -> bool:
        return self.numbers.within(other.numbers) and self.words <= other.words


NOTHING = Interval(low=0.0, high=0.0)
"""No number at all."""

Allowed = frozenset[str] | Interval | Measure | None
"""The values a test lets through; None for tests that only need an answer or a finding."""


def _interval(op: str, limit: float) -> Interval:
    return {
        "gt": Interval(low=limit),
        "ge": Interval(low=limit, low_open=False),
        "lt": Interval(high=limit),
        "le": Interval(high=limit, high_open=False),
    }[op]


def allowed(kb: KnowledgeBase, condition: Condition) -> Allowed:
    op, value = condition.op, condition.value
    question = kb.questions.get(condition.subject) if condition.subject_kind == "question" else None
    if question is not None and question.accepts_words:
        return _measure(question, condition)
    if op in NUMERIC_OPS and isinstance(value, float):
        return _interval(op, value)
    values = value if isinstance(value, tuple) else (str(value),)
    if op in ("is", "in"):
        return frozenset(values)
    if op in ("not", "not_in"):
        return frozenset(_domain(kb, condition)) - frozenset(values)
    return None


def _measure(question: Question, condition: Condition) -> Measure | None:
    """A test on a question that takes numbers or words: numeric tests pass the words whose
    whole band passes (semantics.predicate), value tests pass only words."""
    op, value = condition.op, condition.value
    if op in NUMERIC_OPS and isinstance(value, float):
        words = {w for w in LAB_WORDS if band_passes(op, value, question.band(w))}  # type: ignore[arg-type]
        return Measure(_interval(op, value), frozenset(words))
    if op == "measured":
        return Measure(Interval(), frozenset())
    values = frozenset(value if isinstance(value, tuple) else (str(value),))
    if op in ("is", "in"):
        return Measure(NOTHING, values)
    if op in ("not", "not_in"):
        return Measure(Interval(), frozenset(LAB_WORDS) - values)
    return None


def _domain(kb: KnowledgeBase, condition: Condition) -> tuple[str, ...]:
    if condition.subject_kind == "question":
        return kb.questions[condition.subject].allowed_values()
    return kb.findings[condition.subject].values


def meet(first: Allowed, second: Allowed) -> Allowed:
    if first is None or second is None:
        return second if first is None else first
    if isinstance(first, Interval) and isinstance(second, Interval):
        return first.meet(second)
    if isinstance(first, Measure) and isinstance(second, Measure):
        return first.meet(second)
    if isinstance(first, frozenset) and isinstance(second, frozenset):
        return first & second
    return frozenset()  # a value test against a numeric one: the loader reports the kind


def is_empty(allowed: Allowed) -> bool:
    if isinstance(allowed, Interval | Measure):
        return allowed.is_empty()
    return allowed == frozenset()


def within(inner: Allowed, outer: Allowed) -> bool:
    if outer is None or inner is None:
        return outer is None
    if isinstance(inner, Interval) and isinstance(outer, Interval):
        return inner.within(outer)
    if isinstance(inner, Measure) and isinstance(outer, Measure):
        return inner.within(outer)
    return isinstance(inner, frozenset) and isinstance(outer, frozenset) and inner <= outer
