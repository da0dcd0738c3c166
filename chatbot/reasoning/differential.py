"""The differential: every class with its state (established, supported, still possible with
what would decide it, outranked, ruled out). Pure: no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from chatbot.engine.trace import Evaluation
from chatbot.knowledge.model import INDETERMINATE, UNKNOWN, Condition, KnowledgeBase, Rule
from chatbot.reasoning.possibility import Possibility
from chatbot.reasoning.truth import Truth

ClassState = Literal["established", "probable", "supported", "possible", "outranked", "ruled_out"]


@dataclass(frozen=True)
class ClassAssessment:
    """One class in the differential."""

    class_id: str
    state: ClassState
    fired: tuple[str, ...]
    """Evidence for: the rules concluding it that fired (or, if probable, would fire)."""
    deciding: tuple[str, ...]
    against: tuple[Condition, ...] = ()
    """Evidence against a ruled-out class: what failed in its rule that came closest."""


def rank(rule: Rule) -> tuple[int, int]:
    """How a concluding rule ranks: higher priority first, then knowledge-base order."""
    return (-rule.priority, rule.order)


def differential(
    possible: Possibility,
    askable: Possibility,
    classification: str,
    winner: Rule | None,
    grade: str = "established",
) -> tuple[ClassAssessment, ...]:
    """Every class but an indeterminate that was ruled out while another class concluded.

    possible reads an `unknown` answer as OPEN, askable as FALSE (it will not be asked)."""
    kb, evaluation = possible.kb, possible.evaluation
    fired = {f.rule.id for f in evaluation.of_kind("conclude")}
    firm = winner is not None and askable.rule(winner) is Truth.TRUE
    rows = []
    for class_id in kb.classes:
        fired_here = tuple(r.id for r in kb.rules_concluding(class_id) if r.id in fired)
        open_rules = [
            r
            for r in possible.possible_concluders(class_id)
            if possible.rule(r) is Truth.OPEN and r.id not in fired
        ]
        state = _state(class_id, classification, winner, fired_here, open_rules, firm)
        if state == "established" and grade == "probable":
            state = "probable"
        if (
            class_id == INDETERMINATE
            and classification != INDETERMINATE
            and not _work_up(possible, fired_here)
        ):
            continue  # a class stands: "not enough to decide" no longer applies
        deciding: tuple[str, ...] = ()
        if state in ("possible", "probable"):
            deciding = _deciding(possible, askable, evaluation, open_rules)
        if state == "probable" and winner is not None:
            fired_here = (winner.id,)
        against = _against(possible, class_id) if state == "ruled_out" else ()
        rows.append(ClassAssessment(class_id, state, fired_here, deciding, against))
    return tuple(sorted(rows, key=lambda row: STATE_ORDER.index(row.state)))


STATE_ORDER: tuple[ClassState, ...] = (
    "established", "probable", "supported", "possible", "outranked", "ruled_out",
)  # fmt: skip


def _against(possible: Possibility, class_id: str) -> tuple[Condition, ...]:
    """What failed in the class's general rule (the one naming no subtype), or else in the
    rule that fails on fewest conditions."""
    rules = possible.kb.rules_concluding(class_id)
    general = [r for r in rules if not r.outcome.subtype]
    failed = [
        tuple(c for c in rule.conditions if possible.condition(c) is Truth.FALSE)
        for rule in (general or rules)
    ]
    found = [conditions for conditions in failed if conditions]
    return min(found, key=len) if found else ()


def _work_up(possible: Possibility, fired: tuple[str, ...]) -> bool:
    """Whether an indeterminate rule that fired flags a deposit needing other work-up (it
    names a subtype, e.g. a suspected sarcoma), rather than missing facts."""
    return any(possible.kb.rule(rule_id).outcome.subtype for rule_id in fired)  # type: ignore[union-attr]


def _state(
    class_id: str,
    classification: str,
    winner: Rule | None,
    fired: tuple[str, ...],
    open_rules: list[Rule],
    firm: bool,
) -> ClassState:
    if class_id == classification:
        return "established"
    if fired and class_id == INDETERMINATE:
        return "outranked"  # "not enough to decide" never supports a class that stands
    if fired:
        return "supported"
    if not open_rules:
        return "ruled_out"
    if firm and winner is not None and all(rank(r) > rank(winner) for r in open_rules):
        return "outranked"  # it could still fire, but never above the settled conclusion
    return "possible"


def _deciding(
    possible: Possibility, askable: Possibility, evaluation: Evaluation, open_rules: list[Rule]
) -> tuple[str, ...]:
    """Questions that can still decide the class: unanswered ones it waits on (with unknown
    answers blocking), and those answered unknown that would decide it if known."""
    found: set[str] = set()
    for rule in open_rules:
        if askable.rule(rule) is Truth.OPEN:  # only what would be asked: see is_askable
            found |= {q for q in askable.deciders(rule) if askable.is_askable(q)}
        found |= {q for q in possible.deciders(rule) if evaluation.answers.get(q) == UNKNOWN}
    return in_question_order(possible.kb, found)


def in_question_order(kb: KnowledgeBase, question_ids: set[str]) -> tuple[str, ...]:
    return tuple(sorted(question_ids, key=lambda q: kb.questions[q].order))
