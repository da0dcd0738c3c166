"""Three-valued reading of the rule network: what can still fire, and which questions decide it.

What is true comes from the engine's trace; this module only asks what *could* change if
unanswered questions were answered (an unanswered or `unknown` answer is OPEN). Pure: no I/O.
"""

from __future__ import annotations

from enum import Enum

from .engine import Evaluation, predicate
from .model import UNKNOWN, Condition, KnowledgeBase, Rule, Value


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


class Possibility:
    """Truth of every rule and condition under the current answers, with memoised lookups."""

    def __init__(
        self, kb: KnowledgeBase, evaluation: Evaluation, unknown_blocks: bool = False
    ) -> None:
        """With unknown_blocks, an `unknown` answer fails its tests (it will not be asked again);
        without, it stays OPEN (the differential still names it as what would decide)."""
        self.kb = kb
        self.unknown_blocks = unknown_blocks
        self.answers = evaluation.answers
        self.evaluation = evaluation
        self._declared = {f.rule.id: f.declared for f in evaluation.firings}
        self._rules: dict[str, Truth] = {}
        self._deciders: dict[str, frozenset[str]] = {}

    def hypothetical(self, question_id: str, value: Value) -> Possibility:
        """The same analysis with one more answer; rules that cannot depend on it keep their truth.

        Derived numbers are those of the real evaluation, which never used this (unanswered)
        question, so a rule whose number is not known yet reads as OPEN: the analysis stays sound.
        """
        answers = {**self.answers, question_id: value}
        other = Possibility(
            self.kb, Evaluation(answers, self.evaluation.firings), self.unknown_blocks
        )
        dependent = self.kb.dependents[question_id]
        other._rules = {rid: t for rid, t in self._rules.items() if rid not in dependent}
        return other

    def rule(self, rule: Rule) -> Truth:
        """TRUE: fires whatever else is answered; FALSE: can no longer fire; OPEN: undecided."""
        if rule.id not in self._rules:
            self._rules[rule.id] = Truth.FALSE  # a positive cycle cannot support itself
            self._rules[rule.id] = all_of([self.condition(c) for c in rule.conditions])
        return self._rules[rule.id]

    def condition(self, condition: Condition) -> Truth:
        if condition.subject_kind == "question":
            value = self.answers.get(condition.subject)
            if value == UNKNOWN and self.unknown_blocks:
                return Truth.FALSE
            if value is None or value == UNKNOWN:
                return Truth.OPEN
            return Truth.TRUE if predicate(condition)(value) else Truth.FALSE
        if condition.op == "absent":
            derived = any_of([self.rule(r) for r in self.kb.rules_deriving(condition.subject)])
            return {Truth.TRUE: Truth.FALSE, Truth.FALSE: Truth.TRUE}.get(derived, Truth.OPEN)
        derivers = self.kb.rules_deriving(condition.subject)
        return any_of([self._derives(r, condition) for r in derivers])

    def _derives(self, deriver: Rule, condition: Condition) -> Truth:
        """Whether this deriving rule yields a value that passes the condition."""
        truth = self.rule(deriver)
        if truth is Truth.FALSE or condition.op == "present":
            return truth
        if deriver.outcome.formula:
            declared = self._declared.get(deriver.id)
            if truth is Truth.OPEN or declared is None:
                return Truth.OPEN
            value = declared[2]
        else:
            value = deriver.outcome.value or "yes"
        return truth if predicate(condition)(value) else Truth.FALSE

    def deciders(self, rule: Rule) -> frozenset[str]:
        """Questions (unanswered or answered unknown) on which an OPEN rule still waits."""
        if rule.id in self._deciders:
            return self._deciders[rule.id]
        self._deciders[rule.id] = frozenset()
        found: set[str] = set()
        for condition in rule.conditions:
            if self.condition(condition) is Truth.OPEN:
                found |= self.condition_deciders(condition)
        self._deciders[rule.id] = frozenset(found)
        return self._deciders[rule.id]

    def condition_deciders(self, condition: Condition) -> set[str]:
        """Questions an OPEN condition waits on, directly or through findings."""
        if condition.subject_kind == "question":
            return {condition.subject}
        found: set[str] = set()
        for deriver in self.kb.rules_deriving(condition.subject):
            if self.rule(deriver) is Truth.OPEN:
                found |= self.deciders(deriver)
        return found

    def is_askable(self, question_id: str) -> bool:
        return question_id not in self.answers
