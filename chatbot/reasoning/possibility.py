"""Three-valued reading of the rule network: what can still fire, and which questions decide it.

What is true comes from the engine's trace; this module asks what *could* change if
unanswered questions were answered (an unanswered or `unknown` answer is OPEN). A rule that
fired is never FALSE here: it is TRUE, or OPEN while a finding whose absence it relied on can
still be derived. A rule on a cycle of the network gets the least fixpoint of its cycle (a cycle
cannot support itself), so no truth depends on the order in which truths are read, and a rule
is read only as far as its first FALSE condition. Pure: no I/O.

With `fast` (Engine.fast), an analysis starts from the truths of a recent analysis that
differs in one answer (index.py), and every answer to a question is analysed at once
(byvalue.py); without, every analysis starts from scratch.
"""

from __future__ import annotations

from chatbot.engine.trace import Evaluation
from chatbot.knowledge.model import UNKNOWN, Condition, KnowledgeBase, Rule, Value
from chatbot.reasoning.index import Memo, index_of
from chatbot.reasoning.truth import NEGATION, Truth


class Possibility:
    """Truth of every rule and condition under the current answers, with memoised lookups."""

    def __init__(
        self,
        kb: KnowledgeBase,
        evaluation: Evaluation,
        unknown_blocks: bool = False,
        fast: bool = True,
    ) -> None:
        """With unknown_blocks, an `unknown` answer fails its tests (it will not be asked again);
        without, it stays OPEN (the differential still names it as what would decide)."""
        self.kb = kb
        self.unknown_blocks = unknown_blocks
        self.fast = fast
        self.answers = evaluation.answers
        self.evaluation = evaluation
        self._fired = evaluation.fired
        self._declared = evaluation.declared_by
        self.memo = Memo(self.answers, self._declared, unknown_blocks)
        self._rules = self.memo.rules
        self._deciders = self.memo.deciders
        self._index = index_of(kb)
        if fast:
            self._index.start_from_recent(self.memo)

    def hypothetical(self, question_id: str, value: Value) -> Possibility:
        """The same analysis with one more answer; rules that cannot depend on it keep their truth.

        Derived numbers are those of the real evaluation, which never used this (unanswered)
        question, so a rule whose number is not known yet reads as OPEN: the analysis stays sound.
        """
        answers = {**self.answers, question_id: value}
        other = Possibility(
            self.kb, Evaluation(answers, self.evaluation.firings), self.unknown_blocks, False
        )
        dependent = self.kb.dependents[question_id]
        other._fired = self._fired - dependent
        other._rules.update((rid, t) for rid, t in self._rules.items() if rid not in dependent)
        return other

    def rule(self, rule: Rule) -> Truth:
        """TRUE: fires whatever else is answered; FALSE: can no longer fire; OPEN: undecided."""
        truth = self._rules.get(rule.id)
        if truth is None:
            if rule.id in self._index.cycles:
                self._solve(self._index.cycles[rule.id])
                return self._rules[rule.id]
            truth = self._rules[rule.id] = self._conjunction(rule)
        return truth

    def _conjunction(self, rule: Rule) -> Truth:
        """Kleene conjunction of the rule's conditions, stopping at the first FALSE; a rule
        that fired is at least OPEN (the trace says it can fire)."""
        truth = Truth.TRUE
        for condition in rule.conditions:
            found = self.condition(condition)
            if found is Truth.FALSE:
                return Truth.OPEN if rule.id in self._fired else found
            if found is Truth.OPEN:
                truth = found
        return truth

    def _solve(self, cycle: tuple[Rule, ...]) -> None:
        """The truths of the rules of one cycle not read yet: its least fixpoint. Each starts
        FALSE (OPEN if it fired) and is raised until nothing changes; a rule read inside the
        cycle meanwhile reads its current value. Kleene logic is monotone, so this ends."""
        pending = [r for r in cycle if r.id not in self._rules]
        for rule in pending:
            self._rules[rule.id] = Truth.OPEN if rule.id in self._fired else Truth.FALSE
        changed = True
        while changed:
            changed = False
            for rule in pending:
                truth = self._conjunction(rule)
                if truth is not self._rules[rule.id]:
                    self._rules[rule.id], changed = truth, True

    def condition(self, condition: Condition) -> Truth:
        if condition.subject_kind == "question":
            return self.answer_truth(condition, self.answers.get(condition.subject))
        found = Truth.FALSE  # any_of, stopping at the first TRUE
        for deriver in self._index.derivers.get(condition.subject, ()):
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
        test = self._index.test(condition)
        values = value if isinstance(value, tuple) else (value,)
        return Truth.TRUE if any(test(v) for v in values) else Truth.FALSE

    def derived_truth(self, deriver: Rule, condition: Condition, truth: Truth) -> Truth:
        """Whether a deriving rule of this truth yields a value that passes the condition."""
        if truth is Truth.FALSE or condition.op == "present":
            return truth
        test = self._index.test(condition)
        if not deriver.outcome.formula:
            return truth if test(deriver.outcome.value or "yes") else Truth.FALSE
        values = self._declared.get(deriver.id, ())
        if truth is Truth.OPEN or not values:
            return Truth.OPEN
        if any(test(value) for value in values):
            return truth
        return Truth.OPEN if self._may_declare_more(deriver, set()) else Truth.FALSE

    def _may_declare_more(self, rule: Rule, seen: set[str]) -> bool:
        """Whether a formula rule that fired may still fire on other facts, and so derive
        other numbers: a finding it reads may still gain a value (a rule deriving it is OPEN,
        or is itself such a formula rule)."""
        seen.add(rule.id)
        for condition in rule.conditions:
            if condition.subject_kind != "finding" or condition.op == "absent":
                continue
            for deriver in self._index.derivers.get(condition.subject, ()):
                truth = self.rule(deriver)
                if truth is Truth.OPEN or (truth is Truth.TRUE and deriver.id not in self._fired):
                    return True
                if deriver.outcome.formula and truth is Truth.TRUE and deriver.id not in seen:
                    if self._may_declare_more(deriver, seen):
                        return True
        return False

    def deciders(self, rule: Rule) -> frozenset[str]:
        """Questions (unanswered or answered unknown) on which an OPEN rule still waits."""
        found = self._deciders.get(rule.id)
        if found is not None:
            return found
        cycle = self._index.cycles.get(rule.id, (rule,))
        for member in cycle:  # a rule of a cycle waits on what any rule of its cycle waits on
            self._deciders[member.id] = frozenset()
        waiting: set[str] = set()
        for member in cycle:
            if self.rule(member) is not Truth.OPEN and member is not rule:
                continue
            for condition in member.conditions:
                if self.condition(condition) is Truth.OPEN:
                    waiting |= self.condition_deciders(condition)
        found = frozenset(waiting)
        for member in cycle:
            self._deciders[member.id] = found
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

    @property
    def cycles(self) -> dict[str, tuple[Rule, ...]]:
        """For each rule on a cycle of the network, the rules of its cycle."""
        return self._index.cycles

    def is_askable(self, question_id: str) -> bool:
        """Unanswered, and in a setting where it is asked at all (its `asking.any`: one of its
        conditions holds on what is known; one still open waits for its answer)."""
        if question_id in self.answers:
            return False
        gate = self.kb.asking.get(question_id)
        if gate is None or not gate.conditions:
            return True
        return any(self.condition(c) is Truth.TRUE for c in gate.conditions)

    def possible_concluders(self, class_id: str) -> tuple[Rule, ...]:
        """The rules concluding the class that are not FALSE, in knowledge-base order."""
        found = self.memo.alive.get(class_id)
        if found is None:
            before = self.memo.alive_before.get(class_id, self.kb.rules_concluding(class_id))
            found = tuple(r for r in before if self.rule(r) is not Truth.FALSE)
            self.memo.alive[class_id] = found
        return found
