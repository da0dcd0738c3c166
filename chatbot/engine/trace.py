"""The trace of a run: each rule firing with the facts it matched and the fact it declared.

What is true comes from here; every explanation is read from it. Pure data: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from chatbot.knowledge.model import Rule, Value

FactRef = tuple[str, str, Value]
"""A fact as the trace shows it: (kind, subject, value), e.g. ("answer", "albumin", 2.5)."""


@dataclass(frozen=True)
class Firing:
    """One rule firing: the facts it matched and the fact it declared."""

    rule: Rule
    matched: tuple[FactRef, ...]
    declared: FactRef
    new: bool


@dataclass(frozen=True)
class Evaluation:
    """What the engine derived from one set of answers."""

    answers: Mapping[str, Value]
    firings: tuple[Firing, ...]
    readings: dict[object, Any] = field(default_factory=dict, compare=False, repr=False)
    """What higher layers read from this evaluation, kept with it (an Engine hands back the
    same Evaluation for answers it saw recently, so their readings are not made twice)."""

    def findings(self) -> Mapping[str, tuple[Value, ...]]:
        """Each derived finding with the values derived for it (read once from the trace)."""
        return self._findings

    @cached_property
    def _findings(self) -> dict[str, tuple[Value, ...]]:
        found: dict[str, tuple[Value, ...]] = {}
        for firing in self.firings:
            kind, subject, value = firing.declared
            if kind == "finding" and value not in found.get(subject, ()):
                found[subject] = (*found.get(subject, ()), value)
        return found

    def of_kind(self, kind: str) -> tuple[Firing, ...]:
        """The firings whose rule has this outcome kind (derive, conclude, caveat)."""
        return tuple(f for f in self.firings if f.rule.outcome.kind == kind)

    @cached_property
    def fired(self) -> frozenset[str]:
        """The ids of the rules that fired."""
        return frozenset(f.rule.id for f in self.firings)

    @cached_property
    def declared_by(self) -> dict[str, tuple[Value, ...]]:
        """For each rule that fired, the values it declared (a rule fires once per match, so
        a formula rule can declare several numbers)."""
        found: dict[str, tuple[Value, ...]] = {}
        for firing in self.firings:
            values = found.get(firing.rule.id, ())
            if firing.declared[2] not in values:
                found[firing.rule.id] = (*values, firing.declared[2])
        return found
