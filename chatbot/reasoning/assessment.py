"""From one evaluation to a result: classification, subtype, chain, differential, pending questions.

The classification and the chain come from the engine's trace; the differential and the
pending questions from the possibility analysis. Pure: no I/O.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property

from chatbot.engine.engine import Engine
from chatbot.engine.trace import Evaluation, FactRef, Firing
from chatbot.knowledge.implications import with_implications
from chatbot.knowledge.model import INDETERMINATE, KnowledgeBase, Rule, Value
from chatbot.reasoning.differential import ClassAssessment, differential, rank
from chatbot.reasoning.grading import (
    OPPOSITES,
    Alternative,
    Assumed,
    Grade,
    defaults,
    relied_on,
    with_defaults,
)
from chatbot.reasoning.index import index_of
from chatbot.reasoning.possibility import Possibility
from chatbot.reasoning.ranking import pending
from chatbot.reasoning.truth import Truth

__all__ = ["Assessment", "ClassAssessment", "assess", "assess_evaluation", "chain_of"]


@dataclass(frozen=True)
class Assessment:
    """Everything calcify can say after a set of answers."""

    evaluation: Evaluation
    classification: str
    subtype: str
    provisional: bool
    chain: tuple[Firing, ...]
    caveats: tuple[Firing, ...]
    pending: tuple[str, ...]
    causes: frozenset[str] = field(compare=False, repr=False)
    """The pending questions that decide the cause of the leading class (asked first)."""
    possibility: Possibility = field(compare=False, repr=False)
    """The analyses the differential is read from when it is first asked for: one where an
    `unknown` answer stays open, one where it blocks (it will not be asked again)."""
    askable: Possibility = field(compare=False, repr=False)
    winner: Rule | None = field(default=None, compare=False, repr=False)
    grade: Grade = "established"
    """established: the answers meet the conclusion's criteria; probable: it rests on the
    assumptions below; possible: no class is at least probable (indeterminate)."""
    assumptions: tuple[Assumed, ...] = ()
    what_if: Callable[[], tuple[Alternative, ...]] | None = field(
        default=None, compare=False, repr=False
    )
    """Works out what the conclusion would be if an assumption were otherwise."""

    @cached_property
    def alternatives(self) -> tuple[Alternative, ...]:
        """What the conclusion would be if an assumption were otherwise (at most two); worked
        out when first shown, since it takes runs of the rules on other answers."""
        return self.what_if() if self.what_if is not None else ()

    @cached_property
    def differential(self) -> tuple[ClassAssessment, ...]:
        """Every class: established, probable, supported, still possible (with what decides
        it), outranked or ruled out. Worked out on first use: most turns need only the
        pending questions."""
        return differential(
            self.possibility, self.askable, self.classification, self.winner, self.grade
        )

    @property
    def answers(self) -> dict[str, Value]:
        return dict(self.evaluation.answers)

    @property
    def is_settled(self) -> bool:
        """True when no question is left that could change the classification or subtype."""
        return not self.pending

    def state_of(self, class_id: str) -> ClassAssessment | None:
        return next((c for c in self.differential if c.class_id == class_id), None)


def assess(engine: Engine, answers: dict[str, Value]) -> Assessment:
    """Run the engine on the answers and read the result.

    What the answers imply is answered too (a kind of degeneration means degenerated tissue).
    The engine hands back the same Evaluation for answers it saw recently, and its reading is
    kept with it (`back`, a restart or a replayed corpus ask for them again).
    """
    evaluation = engine.evaluate(with_implications(engine.kb, answers))
    found = evaluation.readings.get(Assessment)
    if found is None:
        found = assess_evaluation(engine.kb, evaluation, engine.fast)
        found = evaluation.readings[Assessment] = _graded(engine, found)
    assert isinstance(found, Assessment)
    return found


def _graded(engine: Engine, a: Assessment) -> Assessment:
    """An indeterminate reading that needs no other work-up, taken further with the answers
    the `assume` rules supply: probable if a class follows, else possible."""
    if a.classification != INDETERMINATE or a.subtype:
        return a
    assumed = defaults(engine.kb, a.evaluation, a.evaluation.answers)
    trial = _trial(engine, with_defaults(a.evaluation.answers, assumed))
    if not assumed or trial.classification == INDETERMINATE:
        return replace(a, grade="possible")
    used = relied_on(assumed, trial.chain)
    # what would confirm the assumptions first, then what the probable conclusion still
    # waits on (its cause, say), which the answers alone never reach
    # the cause of the probable class first, as for an established one
    first = [q for q in trial.pending if q in trial.causes]
    pending = tuple(dict.fromkeys((*first, *a.pending, *trial.pending)))
    return replace(
        a,
        classification=trial.classification,
        subtype=trial.subtype,
        provisional=bool(pending),
        pending=pending,
        chain=trial.chain,
        caveats=trial.caveats,
        winner=trial.winner,
        grade="probable",
        assumptions=used,
        what_if=functools.partial(
            _alternatives, engine, a.evaluation.answers, assumed, used, trial
        ),
    )


def _trial(engine: Engine, answers: dict[str, Value]) -> Assessment:
    """The reading of hypothetical answers, on the engine kept for trials; the questions
    it still waits on are listed in question order, not ranked (they follow the real ones)."""
    trials = engine.for_trials()
    evaluation = trials.evaluate(with_implications(engine.kb, answers))
    return assess_evaluation(engine.kb, evaluation, engine.fast, ranked=False)


def _alternatives(
    engine: Engine,
    answers: Mapping[str, Value],
    assumed: tuple[Assumed, ...],
    used: tuple[Assumed, ...],
    trial: Assessment,
) -> tuple[Alternative, ...]:
    """What the conclusion becomes if an assumption it rests on is otherwise (at most two)."""
    found: list[Alternative] = []
    trials = engine.for_trials()
    for assumption in used:
        for value in OPPOSITES.get(str(assumption.value), ()):
            other = [a if a is not assumption else replace(a, value=value) for a in assumed]
            evaluation = trials.evaluate(
                with_implications(engine.kb, with_defaults(answers, tuple(other)))
            )
            winner, subtype = _conclusion(evaluation)
            cls = winner.rule.outcome.class_id if winner else INDETERMINATE
            sub = subtype.rule.outcome.subtype if subtype else ""
            if (cls, sub) != (trial.classification, trial.subtype):
                found.append(Alternative(assumption.question, value, cls, sub))
                break
    return tuple(found[:2])


def _conclusion(evaluation: Evaluation) -> tuple[Firing | None, Firing | None]:
    """The winning conclusion, and the firing that gives its subtype (the best-ranked
    conclusion of the winning class that names one)."""
    conclusions = sorted(evaluation.of_kind("conclude"), key=lambda f: rank(f.rule))
    winner = conclusions[0] if conclusions else None
    classification = winner.rule.outcome.class_id if winner else INDETERMINATE
    subtype = next(
        (
            f
            for f in conclusions
            if f.rule.outcome.class_id == classification and f.rule.outcome.subtype
        ),
        None,
    )
    return winner, subtype


def assess_evaluation(
    kb: KnowledgeBase, evaluation: Evaluation, fast: bool = True, ranked: bool = True
) -> Assessment:
    """The reading of one evaluation; ranked=False lists the pending questions in question
    order instead of ranking them (a trial's, which only follow the real ones)."""
    possible = Possibility(kb, evaluation, fast=fast)
    winner, subtype_firing = _conclusion(evaluation)
    classification = winner.rule.outcome.class_id if winner else INDETERMINATE
    supporting = [f for f in (winner, subtype_firing) if f is not None]
    askable = Possibility(kb, evaluation, unknown_blocks=True, fast=fast)
    relevant = [
        r for r in _conclude_rules(kb, askable) if _matters(r, askable, winner, subtype_firing)
    ]
    provisional = winner is not None and any(
        r is winner.rule or r.outcome.class_id != classification for r in relevant
    )
    asked, causes = pending(kb, askable, relevant, ranked, classification if winner else "")
    return Assessment(
        evaluation=evaluation,
        classification=classification,
        subtype=subtype_firing.rule.outcome.subtype if subtype_firing else "",
        provisional=provisional,
        chain=chain_of(evaluation, supporting),
        caveats=_unique_caveats(evaluation, classification),
        pending=asked,
        causes=causes,
        possibility=possible,
        askable=askable,
        winner=winner.rule if winner else None,
    )


def _conclude_rules(kb: KnowledgeBase, possible: Possibility) -> list[Rule]:
    """The conclude rules that can still fire, in knowledge-base order."""
    classes: tuple[str, ...] = index_of(kb).cached(
        "concluded classes",
        "",
        lambda: tuple(
            dict.fromkeys(r.outcome.class_id for r in kb.rules if r.outcome.kind == "conclude")
        ),
    )
    alive = (r for class_id in classes for r in possible.possible_concluders(class_id))
    return sorted(alive, key=lambda r: r.order)


def chain_of(evaluation: Evaluation, targets: list[Firing]) -> tuple[Firing, ...]:
    """The firings that led to the targets, in firing order (from the recorded trace)."""
    declared_by: dict[FactRef, list[Firing]] = {}
    for firing in evaluation.firings:
        declared_by.setdefault(firing.declared, []).append(firing)
    wanted: set[int] = set()
    stack = list(targets)
    while stack:
        firing = stack.pop()
        if id(firing) in wanted:
            continue
        wanted.add(id(firing))
        for ref in firing.matched:
            stack.extend(declared_by.get(ref, []) if ref[0] == "finding" else [])
    return tuple(f for f in evaluation.firings if id(f) in wanted)


def _unique_caveats(evaluation: Evaluation, classification: str) -> tuple[Firing, ...]:
    """Each fired caveat once, if it qualifies this classification."""
    seen: set[str] = set()
    caveats = []
    for firing in evaluation.of_kind("caveat"):
        scope = firing.rule.applies_to
        if scope and classification not in scope:
            continue
        if firing.rule.id not in seen:
            seen.add(firing.rule.id)
            caveats.append(firing)
    return tuple(caveats)


def _matters(
    rule: Rule, possible: Possibility, winner: Firing | None, subtype: Firing | None
) -> bool:
    truth = possible.rule(rule)
    if truth is Truth.FALSE:
        return False
    if winner is None:
        return truth is Truth.OPEN
    if rule is winner.rule:
        return truth is Truth.OPEN  # provisional: what could overturn it still matters
    firm = possible.rule(winner.rule) is Truth.TRUE
    if truth is Truth.TRUE:
        return False
    if rule.outcome.class_id != winner.rule.outcome.class_id:
        return not firm or rank(rule) < rank(winner.rule)
    # same class: a subtype rule matters while it could still give a better-ranked cause
    if not rule.outcome.subtype:
        return False
    return subtype is None or rank(rule) < rank(subtype.rule)
