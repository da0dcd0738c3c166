"""What the analysis needs from a knowledge base beyond the model, made once and kept with it
(KnowledgeBase.owned), and the recent analyses a new one starts from.

A rule's truth depends only on the answers and derived numbers it reads (through the rules it
depends on, cycles included: a cycle's truths are its least fixpoint, whatever order they are
read in). An analysis can therefore start from a recent one that is one answer (or one mode)
apart and keep what cannot have changed. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chatbot.knowledge.model import UNKNOWN, Condition, KnowledgeBase, Rule, Value
from chatbot.knowledge.semantics import test_of
from chatbot.reasoning.truth import Spreading, Truth

Spreads = dict[str, tuple[tuple[Value, ...], dict[str, Spreading]]]


class Memo:
    """What one analysis has found so far: its answers and derived numbers, and the memo
    dictionaries it is still filling (shared with the analysis, not copied). Holds no
    knowledge base, so the index that keeps it does not keep one alive."""

    __slots__ = (
        "answers", "declared", "unknown_blocks", "rules", "deciders", "alive", "alive_before",
        "spreads",
    )  # fmt: skip

    def __init__(
        self, answers: Any, declared: dict[str, tuple[Value, ...]], unknown_blocks: bool
    ) -> None:
        self.answers, self.declared, self.unknown_blocks = answers, declared, unknown_blocks
        self.rules: dict[str, Truth] = {}
        self.deciders: dict[str, frozenset[str]] = {}
        self.alive: dict[str, tuple[Rule, ...]] = {}
        self.alive_before: dict[str, tuple[Rule, ...]] = {}
        """What FALSE rules a refined analysis may skip: those of the analysis it refines."""
        self.spreads: Spreads = {}


class Index:
    """What an analysis needs from a knowledge base beyond the model, computed once."""

    RECENT = 8

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.cycles = _cycles(kb)
        """For each rule on a cycle of the network, the rules of its cycle (its strongly
        connected component), in knowledge-base order."""
        self._tests: dict[int, tuple[Condition, Callable[[Any], bool]]] = {}
        self.formulas = tuple(r.id for r in kb.rules if r.outcome.formula)
        self.formula_dependents = {
            rule.id: kb.rules_reading("finding", rule.outcome.finding)
            for rule in kb.rules
            if rule.outcome.formula
        }
        self.dependents = kb.dependents
        asked = {c.subject for a in kb.asking.values() for c in a.conditions}
        tested = {c.subject for r in kb.rules for c in r.conditions} | asked
        self.derivers = {f: kb.rules_deriving(f) for f in tested}
        self.recent: list[Memo] = []
        self._cached: dict[tuple[str, str], Any] = {}

    def cached(self, kind: str, key: str, compute: Callable[[], Any]) -> Any:
        """compute(), once per knowledge base, kind and key (for static facts of the model)."""
        if (kind, key) not in self._cached:
            self._cached[kind, key] = compute()
        return self._cached[kind, key]

    def test(self, condition: Condition) -> Callable[[Any], bool]:
        """semantics.test_of(condition), built once per condition."""
        found = self._tests.get(id(condition))
        if found is None:
            found = self._tests[id(condition)] = (condition, test_of(self.kb, condition))
        return found[1]

    def start_from_recent(self, new: Memo) -> None:
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
        self.recent.append(new)
        del self.recent[: -self.RECENT]

    def _affected(self, old: Memo, new: Memo, changed: list[str]) -> tuple[set[str], set[str]]:
        """The rules that may read differently now, and among them those that read a derived
        number that changed (rather than one that was missing and now appears)."""
        numbers = [f for f in self.formulas if old.declared.get(f) != new.declared.get(f)]
        redone = [f for f in numbers if old.declared.get(f) is not None]
        through_redone: set[str] = set().union(*(self.formula_dependents[f] for f in redone))
        affected = through_redone.union(
            *(self.formula_dependents[f] for f in numbers),
            *(self.dependents.get(q, ()) for q in changed),
        )
        return affected, through_redone

    def _seed(self, old: Memo, new: Memo, changed: list[str]) -> None:
        """A truth depends only on the answers and derived numbers it reads, so it carries over
        unless it reads one that reads differently now (`changed`). When what was read as OPEN
        gets a value, truths are only refined (Kleene logic is monotone, and so is a cycle's
        least fixpoint): decided ones stay."""
        affected, through_redone = self._affected(old, new, changed)
        refines = all(_is_open(old, q) for q in changed)
        new.rules.update(old.rules)
        for rid in affected:
            truth = new.rules.get(rid)
            if truth is not None and not (
                refines and truth is not Truth.OPEN and rid not in through_redone
            ):
                del new.rules[rid]
        new.deciders.update(old.deciders)
        for rid in affected.intersection(new.deciders):
            del new.deciders[rid]
        if refines and not through_redone:
            new.alive_before = old.alive  # what was FALSE stays FALSE

    def _seed_spreads(self, old: Memo, new: Memo, changed: list[str]) -> None:
        """The analyses of each answer to a question (by_value) that read nothing changed."""
        affected = self._affected(old, new, changed)[0]
        for question_id, (values, spreads) in old.spreads.items():
            kept = {rid: spread for rid, spread in spreads.items() if rid not in affected}
            new.spreads[question_id] = (values, kept)


def index_of(kb: KnowledgeBase) -> Index:
    """The index of this knowledge base, built on first use and kept with it."""
    return kb.owned(Index)


def _changed_answers(old: Memo, new: Memo) -> list[str] | None:
    """The question answered differently (or in one only), if there is at most one."""
    before, after = old.answers, new.answers
    if abs(len(before) - len(after)) > 1:
        return None
    changed = [q for q, v in after.items() if before.get(q) != v]
    changed += [q for q in before if q not in after]
    return changed if len(changed) <= 1 else None


def _is_open(old: Memo, question_id: str) -> bool:
    """Whether every condition on the question was OPEN in this analysis."""
    value = old.answers.get(question_id)
    return value is None or (value == UNKNOWN and not old.unknown_blocks)


def _cycles(kb: KnowledgeBase) -> dict[str, tuple[Rule, ...]]:
    """The strongly connected components of the rule network (a rule depends on the rules
    deriving the findings it tests) that hold a cycle, for each of their rules. Tarjan's
    algorithm, iterative: a long chain of rules must not exhaust Python's stack."""
    needs = {
        rule.id: [d for c in rule.conditions if c.subject_kind == "finding"
                  for d in kb.rules_deriving(c.subject)]
        for rule in kb.rules
    }  # fmt: skip
    number: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[Rule] = []
    on_stack: set[str] = set()
    found: dict[str, tuple[Rule, ...]] = {}
    for start in kb.rules:
        if start.id in number:
            continue
        work = [(start, iter(needs[start.id]))]
        number[start.id] = low[start.id] = len(number)
        stack.append(start)
        on_stack.add(start.id)
        while work:
            rule, pending = work[-1]
            following = next(pending, None)
            if following is not None:
                if following.id not in number:
                    number[following.id] = low[following.id] = len(number)
                    stack.append(following)
                    on_stack.add(following.id)
                    work.append((following, iter(needs[following.id])))
                elif following.id in on_stack:
                    low[rule.id] = min(low[rule.id], number[following.id])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent.id] = min(low[parent.id], low[rule.id])
            if low[rule.id] == number[rule.id]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member.id)
                    component.append(member)
                    if member is rule:
                        break
                if len(component) > 1 or rule in needs[rule.id]:
                    ordered = tuple(sorted(component, key=lambda r: r.order))
                    found.update((member.id, ordered) for member in component)
    return found
