"""Three-valued reading of the rule network: what can still fire, and which questions decide it.

What is true comes from the engine's trace; this module only asks what *could* change if
unanswered questions were answered (an unanswered or `unknown` answer is OPEN). Pure: no I/O.

When no rule depends on its own finding (the network is acyclic), a rule's truth is a function
of the answers and the derived numbers it reads; an analysis then starts from the truths of a
recent analysis that differs in one answer, and evaluates every answer to a question at once
(`by_value`). With a cycle, every analysis starts from scratch, one answer at a time.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from enum import Enum
from typing import Any

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


NEGATION = {Truth.TRUE: Truth.FALSE, Truth.FALSE: Truth.TRUE, Truth.OPEN: Truth.OPEN}


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


# -- starting from a recent analysis ------------------------------------------------------


class _Memo:
    """What an earlier analysis found, without the knowledge base (the index must not keep it
    alive): its answers, derived numbers, and the memo dictionaries it is still filling."""

    __slots__ = ("answers", "declared", "rules", "deciders", "alive", "spreads", "unknown_blocks")

    def __init__(self, analysis: Possibility) -> None:
        self.answers, self.declared = analysis.answers, analysis._declared
        self.rules, self.deciders = analysis._rules, analysis._deciders
        self.alive, self.spreads = analysis._alive, analysis._spreads
        self.unknown_blocks = analysis.unknown_blocks


class _Index:
    """What an analysis needs from a knowledge base beyond the model, computed once."""

    RECENT = 8

    def __init__(self, kb: KnowledgeBase) -> None:
        self.acyclic = _is_acyclic(kb)
        self._tests: dict[int, tuple[Condition, Callable[[Any], bool]]] = {}
        self.formulas = tuple(r.id for r in kb.rules if r.outcome.formula)
        self.formula_dependents = _formula_dependents(kb)
        self.dependents = kb.dependents
        self.derivers = {
            f: kb.rules_deriving(f) for f in {c.subject for r in kb.rules for c in r.conditions}
        }
        self.recent: list[_Memo] = []
        self._cached: dict[tuple[str, str], Any] = {}

    def cached(self, kind: str, key: str, compute: Callable[[], Any]) -> Any:
        """compute(), once per knowledge base, kind and key (for static facts of the model)."""
        if (kind, key) not in self._cached:
            self._cached[kind, key] = compute()
        return self._cached[kind, key]

    def test(self, condition: Condition) -> Callable[[Any], bool]:
        """engine.predicate(condition), built once per condition."""
        found = self._tests.get(id(condition))
        if found is None:
            found = self._tests[id(condition)] = (condition, predicate(condition))
        return found[1]

    def start_from_recent(self, new: Possibility) -> None:
        """Seed a new analysis with what recent ones found, if they are at most one answer
        apart (in either mode: the modes read alike what no `unknown` answer reaches)."""
        candidates = []
        for old in self.recent:
            changed = _changed_answers(old, new)
            if changed is not None:
                reread = changed
                if old.unknown_blocks != new.unknown_blocks:
                    unknown = [q for q, v in new.answers.items() if v == UNKNOWN]
                    reread = list(dict.fromkeys(changed + unknown))
                refines = all(_is_open(old, q) for q in reread)
                candidates.append(((len(reread), not refines, -len(old.rules)), old, reread))
        candidates.sort(key=lambda c: c[0])
        truths = next((c for c in candidates if c[1].rules), None)
        if truths is not None:
            self._seed(truths[1], new, truths[2])
        spreads = next((c for c in candidates if c[1].spreads), None)
        if spreads is not None:
            self._seed_spreads(spreads[1], new, spreads[2])
        self.recent.append(_Memo(new))
        del self.recent[: -self.RECENT]

    def _affected(
        self, old: _Memo, new: Possibility, changed: list[str]
    ) -> tuple[set[str], set[str]]:
        """The rules that may read differently now, and among them those that read a derived
        number that changed (rather than one that was missing and now appears)."""
        numbers = [f for f in self.formulas if old.declared.get(f) != new._declared.get(f)]
        redone = [f for f in numbers if old.declared.get(f) is not None]
        through_redone: set[str] = set().union(*(self.formula_dependents[f] for f in redone))
        affected = through_redone.union(
            *(self.formula_dependents[f] for f in numbers),
            *(self.dependents.get(q, ()) for q in changed),
        )
        return affected, through_redone

    def _seed(self, old: _Memo, new: Possibility, changed: list[str]) -> None:
        """A truth depends only on the answers and derived numbers it reads, so it carries over
        unless it reads one that reads differently now (`changed`). When what was read as OPEN
        gets a value, truths are only refined (Kleene logic is monotone): decided ones stay."""
        affected, through_redone = self._affected(old, new, changed)
        refines = all(_is_open(old, q) for q in changed)
        new._rules.update(old.rules)
        for rid in affected:
            truth = new._rules.get(rid)
            if truth is not None and not (
                refines and truth is not Truth.OPEN and rid not in through_redone
            ):
                del new._rules[rid]
        new._deciders.update(old.deciders)
        for rid in affected.intersection(new._deciders):
            del new._deciders[rid]
        if refines and not through_redone:
            new._alive_before = old.alive  # what was FALSE stays FALSE

    def _seed_spreads(self, old: _Memo, new: Possibility, changed: list[str]) -> None:
        """The analyses of each answer to a question (by_value) that read nothing changed."""
        affected = self._affected(old, new, changed)[0]
        for question_id, (values, spreads) in old.spreads.items():
            kept = {rid: spread for rid, spread in spreads.items() if rid not in affected}
            new._spreads[question_id] = (values, kept)


def _changed_answers(old: _Memo, new: Possibility) -> list[str] | None:
    """The question answered differently (or in one only), if there is at most one."""
    before, after = old.answers, new.answers
    if abs(len(before) - len(after)) > 1:
        return None
    changed = [q for q, v in after.items() if before.get(q) != v]
    changed += [q for q in before if q not in after]
    return changed if len(changed) <= 1 else None


def _is_open(old: _Memo, question_id: str) -> bool:
    """Whether every condition on the question was OPEN in this analysis."""
    value = old.answers.get(question_id)
    return value is None or (value == UNKNOWN and not old.unknown_blocks)


def _is_acyclic(kb: KnowledgeBase) -> bool:
    """No rule depends, through the findings it tests, on what it derives itself."""
    needs = {
        rule.id: [
            deriver
            for condition in rule.conditions
            if condition.subject_kind == "finding"
            for deriver in kb.rules_deriving(condition.subject)
        ]
        for rule in kb.rules
    }
    done: set[str] = set()
    for start in kb.rules:
        active = {start.id}
        stack = [(start.id, iter(needs[start.id]))]
        while stack:
            rule_id, pending = stack[-1]
            following = next(pending, None)
            if following is None:
                stack.pop()
                active.discard(rule_id)
                done.add(rule_id)
            elif following.id in active:
                return False
            elif following.id not in done:
                active.add(following.id)
                stack.append((following.id, iter(needs[following.id])))
    return True


def _formula_dependents(kb: KnowledgeBase) -> dict[str, frozenset[str]]:
    """For each formula rule, the rules whose truth can depend on the number it derives."""
    users: dict[str, list[Rule]] = {}
    for rule in kb.rules:
        for condition in rule.conditions:
            if condition.subject_kind == "finding":
                users.setdefault(condition.subject, []).append(rule)
    result: dict[str, frozenset[str]] = {}
    for formula in (r for r in kb.rules if r.outcome.formula):
        seen: set[str] = set()
        stack = list(users.get(formula.outcome.finding, []))
        while stack:
            rule = stack.pop()
            if rule.id not in seen:
                seen.add(rule.id)
                if rule.outcome.kind == "derive":
                    stack.extend(users.get(rule.outcome.finding, []))
        result[formula.id] = frozenset(seen)
    return result


_INDEXES: dict[int, tuple[weakref.ref[KnowledgeBase], _Index]] = {}


def index_of(kb: KnowledgeBase) -> _Index:
    """The index of this knowledge base, built on first use and dropped with it."""
    entry = _INDEXES.get(id(kb))
    if entry is None or entry[0]() is not kb:
        key = id(kb)
        entry = (weakref.ref(kb, lambda _: _INDEXES.pop(key, None)), _Index(kb))
        _INDEXES[key] = entry
    return entry[1]
