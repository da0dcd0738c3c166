"""From one evaluation to a result: classification, subtype, chain, differential, pending questions.

The classification and the chain come from the engine's trace; the differential and the
pending questions from the possibility analysis. Pure: no I/O.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal
from weakref import WeakKeyDictionary

from chatbot.engine.engine import Engine, Evaluation, FactRef, Firing
from chatbot.knowledge.model import INDETERMINATE, UNKNOWN, KnowledgeBase, Rule, Value
from chatbot.reasoning.possibility import Possibility, Truth, index_of

ClassState = Literal["established", "supported", "possible", "outranked", "ruled_out"]


@dataclass(frozen=True)
class ClassAssessment:
    """One class in the differential."""

    class_id: str
    state: ClassState
    fired: tuple[str, ...]
    deciding: tuple[str, ...]


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
    possibility: Possibility = field(compare=False, repr=False)
    """The analyses the differential is read from when it is first asked for: one where an
    `unknown` answer stays open, one where it blocks (it will not be asked again)."""
    askable: Possibility = field(compare=False, repr=False)
    winner: Rule | None = field(default=None, compare=False, repr=False)

    @cached_property
    def differential(self) -> tuple[ClassAssessment, ...]:
        """Every class: established, supported, still possible (with what decides it),
        outranked or ruled out. Worked out on first use: most turns need only the pending
        questions."""
        return _differential(self)

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

    The engine hands back the same Evaluation for answers it saw recently, and the reading of
    a recent one is kept too (`back`, a restart or a replayed corpus ask for them again).
    """
    evaluation = engine.evaluate(answers)
    kept = _ASSESSED.setdefault(engine, OrderedDict())
    found = kept.get(id(evaluation))
    if found is not None and found[0] is evaluation:
        kept.move_to_end(id(evaluation))
        return found[1]
    assessment = assess_evaluation(engine.kb, evaluation)
    kept[id(evaluation)] = (evaluation, assessment)
    if len(kept) > KEPT:
        kept.popitem(last=False)
    return assessment


KEPT = 256
"""How many readings are kept per engine."""
_ASSESSED: WeakKeyDictionary[Engine, OrderedDict[int, tuple[Evaluation, Assessment]]] = (
    WeakKeyDictionary()
)


def assess_evaluation(kb: KnowledgeBase, evaluation: Evaluation) -> Assessment:
    possible = Possibility(kb, evaluation)
    conclusions = sorted(evaluation.of_kind("conclude"), key=lambda f: _rank(f.rule))
    winner = conclusions[0] if conclusions else None
    classification = winner.rule.outcome.class_id if winner else INDETERMINATE
    subtype_firing = next(
        (
            f
            for f in conclusions
            if f.rule.outcome.class_id == classification and f.rule.outcome.subtype
        ),
        None,
    )
    supporting = [f for f in (winner, subtype_firing) if f is not None]
    askable = Possibility(kb, evaluation, unknown_blocks=True)
    relevant = [
        r
        for r in _conclude_rules(kb, askable)
        if r.outcome.kind == "conclude" and _matters(r, askable, winner, subtype_firing)
    ]
    provisional = winner is not None and any(
        r is winner.rule or r.outcome.class_id != classification for r in relevant
    )
    return Assessment(
        evaluation=evaluation,
        classification=classification,
        subtype=subtype_firing.rule.outcome.subtype if subtype_firing else "",
        provisional=provisional,
        chain=chain_of(evaluation, supporting),
        caveats=_unique_caveats(evaluation, classification),
        pending=_pending(kb, askable, relevant),
        possibility=possible,
        askable=askable,
        winner=winner.rule if winner else None,
    )


def _conclude_rules(kb: KnowledgeBase, possible: Possibility) -> Sequence[Rule]:
    """The conclude rules that can still fire, in knowledge-base order; with a cycle in the
    network every rule, as before (there the order in which truths are first read matters)."""
    if not possible.is_acyclic:
        return kb.rules
    classes: tuple[str, ...] = index_of(kb).cached(
        "concluded classes",
        "",
        lambda: tuple(
            dict.fromkeys(r.outcome.class_id for r in kb.rules if r.outcome.kind == "conclude")
        ),
    )
    alive = (r for class_id in classes for r in possible.possible_concluders(class_id))
    return sorted(alive, key=lambda r: r.order)


def _rank(rule: Rule) -> tuple[int, int]:
    return (-rule.priority, rule.order)


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


def _differential(a: Assessment) -> tuple[ClassAssessment, ...]:
    possible, kb = a.possibility, a.possibility.kb
    fired = {f.rule.id for f in a.evaluation.of_kind("conclude")}
    firm = a.winner is not None and a.askable.rule(a.winner) is Truth.TRUE
    rows = []
    for class_id in kb.classes:
        fired_here = tuple(r.id for r in kb.rules_concluding(class_id) if r.id in fired)
        open_rules = [
            r
            for r in possible.possible_concluders(class_id)
            if possible.rule(r) is Truth.OPEN and r.id not in fired
        ]
        state = _state(a, class_id, fired_here, open_rules, firm)
        if class_id == INDETERMINATE and state == "ruled_out" and a.classification != INDETERMINATE:
            continue
        deciding = _deciding(a, open_rules) if state == "possible" else ()
        rows.append(ClassAssessment(class_id, state, fired_here, deciding))
    return tuple(rows)


def _state(
    a: Assessment, class_id: str, fired: tuple[str, ...], open_rules: list[Rule], firm: bool
) -> ClassState:
    if class_id == a.classification:
        return "established"
    if fired:
        return "supported"
    if not open_rules:
        return "ruled_out"
    if firm and a.winner is not None and all(_rank(r) > _rank(a.winner) for r in open_rules):
        return "outranked"  # it could still fire, but never above the settled conclusion
    return "possible"


def _deciding(a: Assessment, open_rules: list[Rule]) -> tuple[str, ...]:
    """Questions that can still decide the class: unanswered ones it waits on (with unknown
    answers blocking), and those answered unknown that would decide it if known."""
    askable, possible = a.askable, a.possibility
    found: set[str] = set()
    for rule in open_rules:
        if askable.rule(rule) is Truth.OPEN:
            found |= askable.deciders(rule)
        found |= {q for q in possible.deciders(rule) if a.evaluation.answers.get(q) == UNKNOWN}
    return _ordered(possible.kb, found)


def _pending(kb: KnowledgeBase, possible: Possibility, relevant: list[Rule]) -> tuple[str, ...]:
    """Unanswered questions that could still change the classification or its subtype,
    the one that best separates the still-possible classes first."""
    touched: dict[str, set[str]] = {}
    for rule in relevant:
        for question_id in possible.deciders(rule):
            if possible.is_askable(question_id):
                touched.setdefault(question_id, set()).add(rule.outcome.class_id)
    if possible.is_acyclic:
        open_by_class = _open_concluders(kb, possible)
        remaining = {
            q: _expected_remaining_at_once(kb, possible, q, open_by_class) for q in touched
        }
    else:
        remaining = {q: _expected_remaining(kb, possible, q) for q in touched}
    order = {qid: q.order for qid, q in kb.questions.items()}
    return tuple(sorted(touched, key=lambda q: (remaining[q], -len(touched[q]), order[q])))


def _expected_remaining(kb: KnowledgeBase, possible: Possibility, question_id: str) -> float:
    """How many classes would stay possible, averaged over the answers the question allows."""
    values = _hypotheses(kb, question_id)
    counts = [_possible_classes(kb, possible.hypothetical(question_id, v)) for v in values]
    return round(sum(counts) / len(counts), 6)


def _possible_classes(kb: KnowledgeBase, possible: Possibility) -> int:
    return sum(
        1
        for class_id in kb.classes
        if class_id != INDETERMINATE
        and any(possible.rule(r) is not Truth.FALSE for r in kb.rules_concluding(class_id))
    )


def _open_concluders(kb: KnowledgeBase, possible: Possibility) -> dict[str, list[Rule]]:
    """For each class but indeterminate, the rules concluding it that can still fire."""
    return {
        class_id: list(possible.possible_concluders(class_id))
        for class_id in kb.classes
        if class_id != INDETERMINATE
    }


def _expected_remaining_at_once(
    kb: KnowledgeBase, possible: Possibility, question_id: str, open_by_class: dict[str, list[Rule]]
) -> float:
    """_expected_remaining with every answer analysed at once (the same number)."""
    values = _hypotheses(kb, question_id)
    by_value = possible.by_value(question_id, values)
    counts = [0] * len(values)
    dependent = kb.dependents[question_id]
    for rules in open_by_class.values():
        if any(r.id not in dependent for r in rules):
            counts = [count + 1 for count in counts]  # OPEN or TRUE whatever the answer
            continue
        found: set[int] = set()
        for rule in rules:
            positions = by_value.possible_positions(rule)
            if positions is None:
                found = set(range(len(values)))
                break
            found |= positions
        for position in found:
            counts[position] += 1
    return round(sum(counts) / len(counts), 6)


def _hypotheses(kb: KnowledgeBase, question_id: str) -> tuple[Value, ...]:
    """Representative answers: every choice, or a number on each side of each threshold."""
    found: tuple[Value, ...] = index_of(kb).cached(
        "hypotheses", question_id, lambda: _representatives(kb, question_id)
    )
    return found


def _representatives(kb: KnowledgeBase, question_id: str) -> tuple[Value, ...]:
    question = kb.questions[question_id]
    if question.kind != "number":
        return question.allowed_values()
    limits = sorted(
        {
            float(c.value)  # type: ignore[arg-type]
            for r in kb.rules
            for c in r.conditions
            if c.subject == question_id and c.op in ("gt", "ge", "lt", "le")
        }
    )
    if not limits:
        low, high = question.reference or (1.0, 1.0)
        return ((low + high) / 2,)
    points = {limits[0] - 1.0, limits[-1] + 1.0}
    points |= {(a + b) / 2 for a, b in zip(limits, limits[1:], strict=False)}
    points |= set(limits)
    return tuple(sorted(points))


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
        return not firm or _rank(rule) < _rank(winner.rule)
    # same class: a subtype rule matters while it could still give a better-ranked cause
    if not rule.outcome.subtype:
        return False
    return subtype is None or _rank(rule) < _rank(subtype.rule)


def _ordered(kb: KnowledgeBase, question_ids: set[str]) -> tuple[str, ...]:
    return tuple(sorted(question_ids, key=lambda q: kb.questions[q].order))
