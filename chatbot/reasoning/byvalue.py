"""The analysis under every answer to one question at once (the fast path of the ranking).

Answering a question only refines OPEN truths (Kleene logic is monotone), so only the OPEN
rules that depend on the question are read again, each once for all the answers. Gives what
Possibility.hypothetical(question, value) gives for each value. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence

from chatbot.knowledge.model import Condition, Rule, Value
from chatbot.reasoning.possibility import Possibility
from chatbot.reasoning.truth import Spread, Spreading, Truth, all_of, any_of, combine, negate


class ByValue:
    """Possibility.hypothetical(question, value) for every value at once."""

    def __init__(self, base: Possibility, question_id: str, values: Sequence[Value]) -> None:
        self.base, self.question_id, self.values = base, question_id, tuple(values)
        self.dependent = base.kb.dependents[question_id]
        kept = base.memo.spreads.get(question_id)
        if kept is None or kept[0] != self.values:
            kept = base.memo.spreads[question_id] = (self.values, {})
        self._rules = kept[1]
        self._each: list[Possibility] | None = None

    def rule(self, rule: Rule) -> Spreading:
        truth = self.base.rule(rule)
        if truth is not Truth.OPEN or rule.id not in self.dependent:
            return truth
        if rule.id not in self._rules:
            if rule.id in self.base.cycles:
                self._rules[rule.id] = self._one_by_one(rule)
            else:
                parts = [self.condition(c) for c in rule.conditions]
                self._rules[rule.id] = combine(parts, all_of)
        return self._rules[rule.id]

    def _one_by_one(self, rule: Rule) -> Spreading:
        """A rule on a cycle: its truth under each answer, from one analysis per answer (a
        cycle's fixpoint is not read condition by condition)."""
        if self._each is None:
            self._each = [self.base.hypothetical(self.question_id, v) for v in self.values]
        truths = [each.rule(rule) for each in self._each]
        return _spread(truths)

    def condition(self, condition: Condition) -> Spreading:
        if condition.subject_kind == "question":
            if condition.subject != self.question_id:
                return self.base.condition(condition)
            return _spread([self.base.answer_truth(condition, v) for v in self.values])
        derivers = self.base.kb.rules_deriving(condition.subject)
        if condition.op == "absent":
            return negate(combine([self.rule(r) for r in derivers], any_of))
        return combine([self._derives(r, condition) for r in derivers], any_of)

    def _derives(self, deriver: Rule, condition: Condition) -> Spreading:
        truth = self.rule(deriver)
        if isinstance(truth, Truth):
            return self.base.derived_truth(deriver, condition, truth)
        exceptions = {
            k: self.base.derived_truth(deriver, condition, t) for k, t in truth.exceptions.items()
        }
        default = self.base.derived_truth(deriver, condition, truth.default)
        exceptions = {k: t for k, t in exceptions.items() if t is not default}
        return Spread(default, exceptions) if exceptions else default

    def possible_positions(self, rule: Rule) -> set[int] | None:
        """The positions of the values under which the rule can still fire (None: all)."""
        truth = self.rule(rule)
        if isinstance(truth, Truth):
            return None if truth is not Truth.FALSE else set()
        if truth.default is not Truth.FALSE:
            fails = {k for k, t in truth.exceptions.items() if t is Truth.FALSE}
            return None if not fails else set(range(len(self.values))) - fails
        return {k for k, t in truth.exceptions.items() if t is not Truth.FALSE}


def _spread(truths: list[Truth]) -> Spreading:
    """One truth per answer, as the most common one and the exceptions to it."""
    default = max(truths, key=truths.count) if truths else Truth.OPEN
    exceptions = {k: t for k, t in enumerate(truths) if t is not default}
    return Spread(default, exceptions) if exceptions else default
