"""Three-valued reading of the rule network: what can still fire, and which questions decide it.

What is true comes from the engine's trace; this module only asks what *could* change if
unanswered questions were answered (an unanswered or `unknown` answer is OPEN). Pure: no I/O.

When no rule depends on its own finding (the network is acyclic), a rule's truth is a function
of the answers and the derived numbers it reads; an analysis then starts from the truths of a
recent analysis that differs in one answer (kbindex.py), and evaluates every answer to a
question at once (`by_value`). With a cycle, every analysis starts from scratch, one answer at
a time.
"""

from __future__ import annotations

from collections.abc import Sequence

from chatbot.engine.engine import Evaluation
from chatbot.knowledge.model import UNKNOWN, Condition, KnowledgeBase, Rule, Value
from chatbot.reasoning.index import index_of
from chatbot.reasoning.truth import (
    NEGATION,
    Spread,
    Spreading,
    Truth,
    all_of,
    any_of,
    combine,
    negate,
)

__all__ = ["ByValue", "Possibility", "Truth", "index_of"]


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
        self._alive: dict[str, tuple[Rule, ...]] = {}
        self._alive_before: dict[str, tuple[Rule, ...]] = {}
        self._spreads: dict[str, tuple[tuple[Value, ...], dict[str, Spreading]]] = {}
        self._index = index_of(kb)
        if self._index.acyclic:
            self._index.start_from_recent(self)

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
        truth = self._rules.get(rule.id)
        if truth is None:
            self._rules[rule.id] = Truth.FALSE  # a positive cycle cannot support itself
            if self._index.acyclic:  # a truth is a pure function: stop at the first FALSE
                truth = Truth.TRUE
                for condition in rule.conditions:
                    found = self.condition(condition)
                    if found is Truth.FALSE:
                        truth = found
                        break
                    if found is Truth.OPEN:
                        truth = found
            else:  # with a cycle, which truths are read first matters: read them all
                truth = all_of([self.condition(c) for c in rule.conditions])
            self._rules[rule.id] = truth
        return truth

    def condition(self, condition: Condition) -> Truth:
        if condition.subject_kind == "question":
            return self.answer_truth(condition, self.answers.get(condition.subject))
        derivers = self._index.derivers.get(condition.subject, ())
        if not self._index.acyclic:  # the order of reading matters: read every deriver
            if condition.op == "absent":
                return NEGATION[any_of([self.rule(r) for r in derivers])]
            return any_of([self.derived_truth(r, condition, self.rule(r)) for r in derivers])
        found = Truth.FALSE  # any_of, stopping at the first TRUE
        for deriver in derivers:
            truth = self.rule(deriver)
            if condition.op != "absent":
                truth = self.derived_truth(deriver, condition, truth)
            if truth is Truth.TRUE:
                found = truth
                break
            if truth is Truth.OPEN:
                found = truth
        return NEGATION[found] if condition.op == "absent" else found

    def answer_truth(self, condition: Condition, value: Value | None) -> Truth:
        """The truth of a condition on a question for this answer (None: not answered)."""
        if value is None:
            return Truth.OPEN
        if value == UNKNOWN:
            return Truth.FALSE if self.unknown_blocks else Truth.OPEN
        return Truth.TRUE if self._index.test(condition)(value) else Truth.FALSE

    def derived_truth(self, deriver: Rule, condition: Condition, truth: Truth) -> Truth:
        """Whether a deriving rule of this truth yields a value that passes the condition."""
        if truth is Truth.FALSE or condition.op == "present":
            return truth
        if deriver.outcome.formula:
            declared = self._declared.get(deriver.id)
            if truth is Truth.OPEN or declared is None:
                return Truth.OPEN
            value = declared[2]
        else:
            value = deriver.outcome.value or "yes"
        return truth if self._index.test(condition)(value) else Truth.FALSE

    def deciders(self, rule: Rule) -> frozenset[str]:
        """Questions (unanswered or answered unknown) on which an OPEN rule still waits."""
        found = self._deciders.get(rule.id)
        if found is not None:
            return found
        self._deciders[rule.id] = frozenset()
        waiting: set[str] = set()
        for condition in rule.conditions:
            if self.condition(condition) is Truth.OPEN:
                waiting |= self.condition_deciders(condition)
        found = self._deciders[rule.id] = frozenset(waiting)
        return found

    def condition_deciders(self, condition: Condition) -> set[str]:
        """Questions an OPEN condition waits on, directly or through findings."""
        if condition.subject_kind == "question":
            return {condition.subject}
        found: set[str] = set()
        for deriver in self._index.derivers.get(condition.subject, ()):
            if self.rule(deriver) is Truth.OPEN:
                found |= self.deciders(deriver)
        return found

    def is_askable(self, question_id: str) -> bool:
        return question_id not in self.answers

    def possible_concluders(self, class_id: str) -> tuple[Rule, ...]:
        """The rules concluding the class that are not FALSE, in knowledge-base order.

        With a cycle in the network, all of them: the order in which truths are first asked
        for then decides the analysis, so callers ask in knowledge-base order themselves.
        """
        if not self._index.acyclic:
            return self.kb.rules_concluding(class_id)
        found = self._alive.get(class_id)
        if found is None:
            before = self._alive_before.get(class_id, self.kb.rules_concluding(class_id))
            found = tuple(r for r in before if self.rule(r) is not Truth.FALSE)
            self._alive[class_id] = found
        return found

    @property
    def is_acyclic(self) -> bool:
        """Whether by_value() may be used: no rule depends on what it derives itself."""
        return self._index.acyclic

    def by_value(self, question_id: str, values: Sequence[Value]) -> ByValue:
        """The analysis under each of these answers to an unanswered question, all at once."""
        return ByValue(self, question_id, values)


# -- every answer to one question at once ------------------------------------------------


class ByValue:
    """Possibility.hypothetical(question, value) for every value at once, when the network is
    acyclic: answering a question only refines OPEN truths (Kleene logic is monotone), so only
    OPEN rules that depend on the question are evaluated again, each once for all the values."""

    def __init__(self, base: Possibility, question_id: str, values: Sequence[Value]) -> None:
        self.base, self.question_id, self.values = base, question_id, tuple(values)
        self.dependent = base.kb.dependents[question_id]
        kept = base._spreads.get(question_id)
        if kept is None or kept[0] != self.values:
            kept = base._spreads[question_id] = (self.values, {})
        self._rules = kept[1]

    def rule(self, rule: Rule) -> Spreading:
        truth = self.base.rule(rule)
        if truth is not Truth.OPEN or rule.id not in self.dependent:
            return truth
        if rule.id not in self._rules:
            self._rules[rule.id] = combine([self.condition(c) for c in rule.conditions], all_of)
        return self._rules[rule.id]

    def condition(self, condition: Condition) -> Spreading:
        if condition.subject_kind == "question":
            if condition.subject != self.question_id:
                return self.base.condition(condition)
            truths = [self.base.answer_truth(condition, v) for v in self.values]
            default = max(truths, key=truths.count) if truths else Truth.OPEN
            exceptions = {k: t for k, t in enumerate(truths) if t is not default}
            return Spread(default, exceptions) if exceptions else default
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
