"""Frozen dataclasses: the vocabulary every layer shares. Pure: no I/O, no experta."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal, TypeVar

from chatbot.knowledge.citations import Citation, Source
from chatbot.knowledge.questions import (
    LAB_WORDS,
    Choice,
    NumberChoices,
    NumberRange,
    Pairs,
    Question,
    QuestionKind,
    Support,
    Unit,
)
from chatbot.knowledge.reading import ReadingVocabulary

UNKNOWN = "unknown"
INDETERMINATE = "indeterminate"
NOT_COMPUTABLE = "not computable"
"""The value of a formula finding whose numbers admit none (a divisor of zero)."""

FindingKind = Literal["flag", "choice", "number"]
SubjectKind = Literal["question", "finding"]
Op = Literal[
    "is", "not", "in", "not_in", "gt", "ge", "lt", "le", "known", "measured", "present", "absent"
]
Value = str | float | tuple[str, ...]
"""An answer or finding value: a choice id, "yes"/"no", a number in canonical units."""

NUMERIC_OPS: tuple[Op, ...] = ("gt", "ge", "lt", "le")

T = TypeVar("T")


@dataclass(frozen=True)
class Finding:
    """Something rules derive (never asked): a flag, a named value, or a number."""

    id: str
    text: str
    kind: FindingKind
    file: str
    values: tuple[str, ...] = ()
    units: tuple[Unit, ...] = ()
    contradicts: tuple[str, ...] = ()
    """Findings that can never hold together with this one (calcify check proves it)."""

    @property
    def unit(self) -> str:
        return self.units[0].name if self.units else ""


@dataclass(frozen=True)
class Subtype:
    id: str
    label: str
    lookalike: str = ""
    """What the deposit is when the subtype is a look-alike placed with the class only when a
    class is needed, e.g. 'calcium pyrophosphate deposition (CPPD)'."""


@dataclass(frozen=True)
class ConclusionClass:
    id: str
    label: str
    summary: str
    file: str
    order: int
    subtypes: tuple[Subtype, ...] = ()

    def subtype(self, subtype_id: str) -> Subtype | None:
        return next((s for s in self.subtypes if s.id == subtype_id), None)


@dataclass(frozen=True)
class Condition:
    """One test in a rule's `when` list, on an answer or on a derived finding."""

    subject_kind: SubjectKind
    subject: str
    op: Op
    value: str | float | tuple[str, ...] | None = None


@dataclass(frozen=True)
class Outcome:
    """What a rule produces when it fires: a finding, a conclusion, or a caveat."""

    kind: Literal["derive", "conclude", "caveat", "assume"]
    finding: str = ""
    value: str = ""
    formula: str = ""
    class_id: str = ""
    subtype: str = ""
    text: str = ""
    assumes: Pairs = ()
    """For an `assume` rule: the answers taken as usual when not given (question, value)."""


@dataclass(frozen=True)
class Rule:
    id: str
    conditions: tuple[Condition, ...]
    outcome: Outcome
    because: str
    citation: Citation
    file: str
    order: int
    priority: int = 0
    applies_to: tuple[str, ...] = ()
    """For a caveat: the classes it qualifies (empty: whatever the classification)."""


@dataclass(frozen=True)
class KnowledgeBase:
    """The whole knowledge base, in file order (files sorted by name)."""

    directory: str
    sources: Mapping[str, Source]
    questions: Mapping[str, Question]
    findings: Mapping[str, Finding]
    classes: Mapping[str, ConclusionClass]
    rules: tuple[Rule, ...]
    strata: Mapping[str, int] = field(default_factory=dict)
    asking: Mapping[str, Any] = field(default_factory=dict)
    """For a question asked only in some settings or late, its Asking (knowledge/asking.py)."""
    reading: ReadingVocabulary = field(default_factory=ReadingVocabulary)
    """How case descriptions are read: context cues, word sets, panels, descriptions."""
    _owned: dict[Callable[[KnowledgeBase], Any], Any] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )

    def owned(self, build: Callable[[KnowledgeBase], T]) -> T:
        """What `build` makes of this knowledge base, made on first use and kept with it: the
        indexes higher layers need (the analysis index, the case-description lexicon) live
        and die with the knowledge base they describe."""
        if build not in self._owned:
            self._owned[build] = build(self)
        found: T = self._owned[build]
        return found

    def rule(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    def rules_deriving(self, finding_id: str) -> tuple[Rule, ...]:
        return self._derivers.get(finding_id, ())

    def rules_concluding(self, class_id: str) -> tuple[Rule, ...]:
        return self._concluders.get(class_id, ())

    @cached_property
    def _derivers(self) -> dict[str, tuple[Rule, ...]]:
        found: dict[str, list[Rule]] = {}
        for rule in self.rules:
            if rule.outcome.kind == "derive":
                found.setdefault(rule.outcome.finding, []).append(rule)
        return {key: tuple(rules) for key, rules in found.items()}

    @cached_property
    def _concluders(self) -> dict[str, tuple[Rule, ...]]:
        found: dict[str, list[Rule]] = {}
        for rule in self.rules:
            if rule.outcome.kind == "conclude":
                found.setdefault(rule.outcome.class_id, []).append(rule)
        return {key: tuple(rules) for key, rules in found.items()}

    @cached_property
    def dependents(self) -> dict[str, frozenset[str]]:
        """For each question, the ids of the rules whose truth can depend on its answer."""
        return {q: self.rules_reading("question", q) for q in self.questions}

    def rules_reading(self, kind: SubjectKind, subject: str) -> frozenset[str]:
        """The ids of the rules whose truth can depend on this question or finding: those that
        test it, and, through what they derive, those that test their findings."""
        seen: set[str] = set()
        stack = list(self._users.get((kind, subject), ()))
        while stack:
            rule = stack.pop()
            if rule.id not in seen:
                seen.add(rule.id)
                if rule.outcome.kind == "derive":
                    stack.extend(self._users.get(("finding", rule.outcome.finding), ()))
        return frozenset(seen)

    @cached_property
    def _users(self) -> dict[tuple[str, str], list[Rule]]:
        """The rules that test each (kind, subject), in knowledge-base order."""
        users: dict[tuple[str, str], list[Rule]] = {}
        for rule in self.rules:
            for condition in rule.conditions:
                users.setdefault((condition.subject_kind, condition.subject), []).append(rule)
        return users


__all__ = [
    "LAB_WORDS", "Choice", "Citation", "NumberChoices", "NumberRange", "Pairs", "Question",
    "QuestionKind", "Source", "Support", "Unit",
]  # fmt: skip
