"""Three-valued (Kleene) logic: a truth, and a truth that differs from answer to answer.

Pure: no I/O, nothing of the knowledge base.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum


class Truth(Enum):
    TRUE = "true"
    FALSE = "false"
    OPEN = "open"


def all_of(values: list[Truth]) -> Truth:
    """Kleene conjunction."""
    if Truth.FALSE in values:
        return Truth.FALSE
    return Truth.OPEN if Truth.OPEN in values else Truth.TRUE


def any_of(values: list[Truth]) -> Truth:
    """Kleene disjunction."""
    if Truth.TRUE in values:
        return Truth.TRUE
    return Truth.OPEN if Truth.OPEN in values else Truth.FALSE


NEGATION = {Truth.TRUE: Truth.FALSE, Truth.FALSE: Truth.TRUE, Truth.OPEN: Truth.OPEN}


class Spread:
    """A truth for each of several hypothetical answers: `default`, except where `exceptions`
    (keyed by the answer's position) says otherwise."""

    __slots__ = ("default", "exceptions")

    def __init__(self, default: Truth, exceptions: dict[int, Truth]) -> None:
        self.default, self.exceptions = default, exceptions

    def at(self, position: int) -> Truth:
        return self.exceptions.get(position, self.default)


Spreading = Truth | Spread
"""A truth that is the same for every answer, or a Spread."""


def combine(parts: list[Spreading], operator: Callable[[list[Truth]], Truth]) -> Spreading:
    """The operator applied answer by answer."""
    spreads = [p for p in parts if isinstance(p, Spread)]
    if not spreads:
        return operator(parts)  # type: ignore[arg-type]
    default = operator([p.default if isinstance(p, Spread) else p for p in parts])
    positions = {k for s in spreads for k in s.exceptions}
    exceptions = {}
    for k in positions:
        truth = operator([p.at(k) if isinstance(p, Spread) else p for p in parts])
        if truth is not default:
            exceptions[k] = truth
    return Spread(default, exceptions) if exceptions else default


def negate(part: Spreading) -> Spreading:
    if isinstance(part, Truth):
        return NEGATION[part]
    exceptions = {k: NEGATION[t] for k, t in part.exceptions.items()}
    return Spread(NEGATION[part.default], exceptions)
