"""Which question to ask next: the unanswered questions that could still change the
classification or its subtype, in the policy of README "Which question comes next" (the
cause of the leading class first, then the question that best separates the still-possible
classes, lab refinements last). Pure: no I/O."""

from __future__ import annotations

from chatbot.knowledge.model import INDETERMINATE, KnowledgeBase, Rule, Value
from chatbot.reasoning.byvalue import ByValue
from chatbot.reasoning.index import index_of
from chatbot.reasoning.possibility import Possibility
from chatbot.reasoning.truth import Truth


def pending(
    kb: KnowledgeBase,
    possible: Possibility,
    relevant: list[Rule],
    ranked: bool = True,
    lead: str = "",
) -> tuple[tuple[str, ...], frozenset[str]]:
    """Unanswered questions that could still change the classification or its subtype.

    Ranked: once a class leads, the questions that decide its cause come first (the kind of
    necrosis, the connective-tissue disease, the trigger); then the one that best separates
    the still-possible classes (the fewest classes left, on average over its answers). In
    question order when not ranked. Also returns the questions that decide the cause: they
    bear only on rules of the leading class, and on one that names a cause."""
    touched: dict[str, set[str]] = {}
    naming: set[str] = set()
    for rule in relevant:
        for question_id in possible.deciders(rule):
            if possible.is_askable(question_id):
                touched.setdefault(question_id, set()).add(rule.outcome.class_id)
                if rule.outcome.class_id == lead and rule.outcome.subtype:
                    naming.add(question_id)
    causes = frozenset(q for q in naming if touched[q] == {lead})
    order = {qid: q.order for qid, q in kb.questions.items()}
    if not ranked:
        return tuple(sorted(touched, key=lambda q: (q not in causes, order[q]))), causes
    if possible.fast:
        open_by_class = open_concluders(kb, possible)
        remaining = {q: expected_remaining_at_once(kb, possible, q, open_by_class) for q in touched}
    else:
        remaining = {q: expected_remaining(kb, possible, q) for q in touched}
    late = {q for q in touched if (a := kb.asking.get(q)) is not None and a.late}
    key = {
        q: (q in late, q not in causes, remaining[q], -len(touched[q]), order[q]) for q in touched
    }
    return tuple(sorted(touched, key=key.__getitem__)), causes


def expected_remaining(kb: KnowledgeBase, possible: Possibility, question_id: str) -> float:
    """How many classes would stay possible, averaged over the answers the question allows."""
    values = hypotheses(kb, question_id)
    counts = [_possible_classes(kb, possible.hypothetical(question_id, v)) for v in values]
    return round(sum(counts) / len(counts), 6)


def _possible_classes(kb: KnowledgeBase, possible: Possibility) -> int:
    return sum(
        1
        for class_id in kb.classes
        if class_id != INDETERMINATE
        and any(possible.rule(r) is not Truth.FALSE for r in kb.rules_concluding(class_id))
    )


def open_concluders(kb: KnowledgeBase, possible: Possibility) -> dict[str, list[Rule]]:
    """For each class but indeterminate, the rules concluding it that can still fire."""
    return {
        class_id: list(possible.possible_concluders(class_id))
        for class_id in kb.classes
        if class_id != INDETERMINATE
    }


def expected_remaining_at_once(
    kb: KnowledgeBase, possible: Possibility, question_id: str, open_by_class: dict[str, list[Rule]]
) -> float:
    """expected_remaining with every answer analysed at once (the same number)."""
    values = hypotheses(kb, question_id)
    by_value = ByValue(possible, question_id, values)
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


def hypotheses(kb: KnowledgeBase, question_id: str) -> tuple[Value, ...]:
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
