"""What was read from a case description, as lines: each answer with the phrase it came from
and how that phrase was qualified, then each finding left out and why. Shared by the
dialogue's review and the one-shot report."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from chatbot.intake.reader import Extracted, Omitted
from chatbot.knowledge.model import KnowledgeBase, Value
from chatbot.ui.words import read_value

REASONS = {
    "negated": "denied",
    "historical": "in the past, and only the present counts for this question",
    "later": "came after the deposit was found",
    "hypothetical": "not a finding yet",
    "family": "about someone else",
    "uncertain": "uncertain",
    "elsewhere": "about another place than the deposit",
    "conflicting": "contradicted",
    "unit": "the value cannot be right",
}
"""Why a finding gave no answer, in words (the reasons of chatbot.intake.candidates)."""


def item_text(kb: KnowledgeBase, item: Extracted) -> str:
    """'site = lung ← 'lungs'', with how the phrase was qualified when it was."""
    question = kb.questions[item.question]
    note = f" ({item.note})" if item.note else ""
    return f"{item.question} = {read_value(question, item.answer)} ← '{item.phrase}'{note}"


def omitted_lines(kb: KnowledgeBase, omitted: Sequence[Omitted], indent: str) -> list[str]:
    """'Left out:' and one line per finding, or nothing."""
    if not omitted:
        return []
    lines = [f"{indent}Left out (not used as answers):"]
    for item in omitted:
        question = kb.questions[item.question]
        what = _value_text(kb, item.question, item.value) or question.name
        reason = REASONS.get(item.reason, item.reason)
        detail = f": {item.detail}" if item.detail else ""
        lines.append(f"{indent}  - {what} ← '{item.phrase}' ({reason}{detail})")
    return lines


def _value_text(kb: KnowledgeBase, question_id: str, value: Value) -> str:
    if value in ("", None):
        return ""
    question = kb.questions[question_id]
    values = value if isinstance(value, tuple) else (value,)
    labels = [c.label if (c := question.choice(str(v))) else str(v) for v in values]
    return f"{question.name}: {' and '.join(labels)}"


def case_lines(
    kb: KnowledgeBase, items: Sequence[Extracted], omitted: Sequence[Omitted]
) -> list[str]:
    """A one-shot report's section on what was read from a case description."""
    if not items:
        head = [
            "Read from the case description: no answer (the questions still relevant are "
            "listed below)"
        ]
    else:
        head = ["Read from the case description:", *(f"  {item_text(kb, i)}" for i in items)]
    return [*head, *omitted_lines(kb, omitted, ""), ""]


def case_data(items: Sequence[Extracted], omitted: Sequence[Omitted]) -> dict[str, Any]:
    """The JSON of what was read: `extracted` answers and `left_out` findings."""
    return {
        "extracted": [
            {"question": i.question, "value": i.value, "phrase": i.phrase, "note": i.note}
            for i in items
        ],
        "left_out": [
            {
                "question": o.question,
                "value": o.value,
                "phrase": o.phrase,
                "reason": o.reason,
                "detail": o.detail,
            }
            for o in omitted
        ],
    }
