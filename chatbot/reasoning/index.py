"""What the possibility analysis needs from a knowledge base beyond the model, computed once
per knowledge base, and the recent analyses a new one starts from.

A truth depends only on the answers and derived numbers it reads when no rule depends on its
own finding (the network is acyclic); an analysis can then start from a recent one that is
one answer (or one mode) apart and keep what cannot have changed. Pure: no I/O.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from chatbot.engine.engine import predicate
from chatbot.knowledge.model import UNKNOWN, Condition, KnowledgeBase
from chatbot.reasoning.truth import Truth

if TYPE_CHECKING:
    from chatbot.reasoning.possibility import Possibility


class Memo:
    """What an earlier analysis found, without the knowledge base (the index must not keep it
    alive): its answers, derived numbers, and the memo dictionaries it is still filling."""

    __slots__ = ("answers", "declared", "rules", "deciders", "alive", "spreads", "unknown_blocks")

    def __init__(self, analysis: Possibility) -> None:
        self.answers, self.declared = analysis.answers, analysis._declared
        self.rules, self.deciders = analysis._rules, analysis._deciders
        self.alive, self.spreads = analysis._alive, analysis._spreads
        self.unknown_blocks = analysis.unknown_blocks


class Index:
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
        self.recent: list[Memo] = []
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
        self.recent.append(Memo(new))
        del self.recent[: -self.RECENT]

    def _affected(
        self, old: Memo, new: Possibility, changed: list[str]
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

    def _seed(self, old: Memo, new: Possibility, changed: list[str]) -> None:
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

    def _seed_spreads(self, old: Memo, new: Possibility, changed: list[str]) -> None:
        """The analyses of each answer to a question (by_value) that read nothing changed."""
        affected = self._affected(old, new, changed)[0]
        for question_id, (values, spreads) in old.spreads.items():
            kept = {rid: spread for rid, spread in spreads.items() if rid not in affected}
            new._spreads[question_id] = (values, kept)


def _changed_answers(old: Memo, new: Possibility) -> list[str] | None:
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
    return {
        rule.id: kb.rules_reading("finding", rule.outcome.finding)
        for rule in kb.rules
        if rule.outcome.formula
    }


_INDEXES: dict[int, tuple[weakref.ref[KnowledgeBase], Index]] = {}


def index_of(kb: KnowledgeBase) -> Index:
    """The index of this knowledge base, built on first use and dropped with it."""
    entry = _INDEXES.get(id(kb))
    if entry is None or entry[0]() is not kb:
        key = id(kb)
        entry = (weakref.ref(kb, lambda _: _INDEXES.pop(key, None)), Index(kb))
        _INDEXES[key] = entry
    return entry[1]
