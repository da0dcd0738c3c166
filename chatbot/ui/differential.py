"""The differential in words: every class with its state and, in a few words, what speaks for
it, against it, or would decide it. Pure: returns lines."""

from __future__ import annotations

from chatbot.knowledge.model import INDETERMINATE, UNKNOWN, Condition, KnowledgeBase
from chatbot.reasoning.assessment import Assessment, ClassAssessment
from chatbot.ui.words import STATE_WORDS, condition_text


def differential_lines(kb: KnowledgeBase, a: Assessment) -> list[str]:
    """Every class with its state; 'indeterminate' is left out once a class stands, unless
    one of its rules fired."""
    lines = ["Differential:"]
    for row in a.differential:
        hidden = row.class_id == INDETERMINATE and a.classification != INDETERMINATE
        if hidden and (row.state == "possible" or not row.fired):
            continue
        label = kb.classes[row.class_id].label
        lines.append(f"  {STATE_WORDS[row.state]:<15} {label}{_evidence(kb, a, row)}")
    return lines


def _evidence(kb: KnowledgeBase, a: Assessment, row: ClassAssessment) -> str:
    """What speaks for the class, or against it, in a few words."""
    if row.state in ("established", "probable", "supported") and row.fired:
        return " - for: " + ", ".join(row.fired)
    if row.state == "outranked" and row.fired:
        return " - flagged by: " + ", ".join(row.fired)
    if row.state == "ruled_out" and row.against:
        return " - against: " + "; ".join(against_text(kb, c) for c in row.against)
    return _deciding(kb, a, row)


def against_text(kb: KnowledgeBase, condition: Condition) -> str:
    """A condition that failed, as what is the case instead."""
    if condition.op == "absent":
        return kb.findings[condition.subject].text
    return f"not ({condition_text(kb, condition)})"


def _deciding(kb: KnowledgeBase, a: Assessment, row: ClassAssessment) -> str:
    if row.state != "possible":
        return ""
    if not row.deciding:
        return " - no question left would decide it"
    names = [
        kb.questions[q].name + (" (answered unknown)" if a.answers.get(q) == UNKNOWN else "")
        for q in row.deciding
    ]
    return " - would be decided by: " + ", ".join(names)
