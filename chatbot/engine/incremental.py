"""Continue an evaluation with more answers instead of starting again, with the same result.

A consultation mostly adds one answer at a time. Declaring only the new answers on the engine
that holds the previous evaluation finds the new firings at a fraction of the cost of a run
from scratch. Two things keep the result identical to that run:

- Which rules fire. With no retraction, positive matches only grow, and the rules of each
  stratum still finish before the next stratum's start; the one thing that can go wrong is a
  rule that tested a finding's absence, fired earlier, and now sees that finding derived.
  `undoes` looks for that after the continued run; if it happened, the Engine runs again from
  scratch.
- In which order. A run from scratch declares the answers in knowledge-base order and then
  always fires the activation with the highest key on the agenda: the rule's salience, then
  the ids of its facts, newest first (experta's depth strategy), then the ids of its facts in
  the order its conditions bind them (two activations of one rule on the same facts, bound in
  another order, are otherwise equal: `_experta.SoundDepthStrategy` gives the agenda this
  total order). `scratch_order` replays that choice over the firings, so the trace, and which
  firing declared a fact first, is the one a run from scratch records.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from chatbot.engine.trace import FactRef, Firing
from chatbot.knowledge.model import KnowledgeBase


def negated(kb: KnowledgeBase) -> dict[str, frozenset[str]]:
    """The findings each rule tests the absence of (rules with no `absent` are left out)."""
    tested = {
        rule.id: frozenset(c.subject for c in rule.conditions if c.op == "absent")
        for rule in kb.rules
    }
    return {rule_id: subjects for rule_id, subjects in tested.items() if subjects}


AgendaKey = tuple[int, list[int], list[int]]
"""(salience, fact ids newest first, fact ids in binding order): `_experta.agenda_key`."""


def undoes(
    held: Sequence[Firing], more: Sequence[Firing], negated: Mapping[str, frozenset[str]]
) -> bool:
    """Whether the firings found after more answers derive a finding whose absence one of
    the held firings relied on; then the engine's facts are no longer those of a run from
    scratch (such a firing would not happen there) and the run must start again."""
    derived = {f.declared[1] for f in more if f.declared[0] == "finding"}
    return any(negated.get(f.rule.id, frozenset()) & derived for f in held)


def scratch_order(
    answers: Iterable[FactRef], firings: Sequence[Firing], saliences: Mapping[str, int]
) -> tuple[Firing, ...] | None:
    """The firings in the order a run from scratch fires them, each marked new if it declared
    its fact first; None if some firing matched a fact that nothing declares (it cannot
    happen when the firings come from one engine)."""
    ids: dict[FactRef, int] = {ref: index for index, ref in enumerate(answers, start=1)}
    keys: list[AgendaKey | None] = [None] * len(firings)
    """A firing's agenda key, once all its facts are declared (their ids never change)."""
    pending = list(range(len(firings)))
    ordered: list[Firing] = []
    while pending:
        best: AgendaKey | None = None
        chosen = 0
        for position, index in enumerate(pending):
            key = keys[index]
            if key is None:
                try:
                    bound = [ids[ref] for ref in firings[index].matched]
                except KeyError:
                    continue  # not on the agenda yet: a fact it matched is not declared
                facts = sorted(set(bound), reverse=True)
                key = keys[index] = (saliences[firings[index].rule.id], facts, bound)
            if best is None or key > best:
                best, chosen = key, position
        if best is None:
            return None
        firing = firings[pending.pop(chosen)]
        new = firing.declared not in ids
        if new:
            ids[firing.declared] = len(ids) + 1
        ordered.append(firing if firing.new == new else replace(firing, new=new))
    return tuple(ordered)
