"""The words for values, findings, classes and citations, and the one-shot report (text and
JSON). Shared by render.py, which turns a consultation's blocks into lines. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from chatbot.engine.trace import Firing
from chatbot.intake.reader import Extracted
from chatbot.knowledge.answers import reading
from chatbot.knowledge.model import (
    INDETERMINATE,
    UNKNOWN,
    Citation,
    KnowledgeBase,
)
from chatbot.reasoning.assessment import Assessment, ClassAssessment
from chatbot.ui.words import (
    DISCLAIMER,
    STATE_WORDS,
    answer_text,
    citation_text,
    fact_text,
    lower_first,
    read_value,
)


def step_lines(kb: KnowledgeBase, index: int, firing: Firing) -> list[str]:
    """One reasoning step: what followed, because why, from which rule and source."""
    rule = firing.rule
    given = "; ".join(fact_text(kb, ref) for ref in firing.matched) or "no condition"
    return [
        f"  {index}. {given} -> {fact_text(kb, firing.declared)}",
        f"     because {lower_first(rule.because)}",
        f"     [{rule.id}; {citation_text(kb, rule.citation)}]",
    ]


def conclusion_lines(kb: KnowledgeBase, a: Assessment) -> list[str]:
    """The headline: classification and subtype or cause, with how firm it is."""
    cls = kb.classes[a.classification]
    lines = [f"Classification: {cls.label} ({cls.id})"]
    subtype = cls.subtype(a.subtype)
    if subtype:
        lines.append(f"Subtype or cause: {subtype.label}")
    elif a.classification != INDETERMINATE:
        lines.append("Subtype or cause: not determined")
    if a.provisional:
        lines.append("This is provisional: unanswered questions could still change it.")
    return lines


def reasoning_lines(kb: KnowledgeBase, a: Assessment) -> list[str]:
    if not a.chain:
        return ["Reasoning: no rule reached a conclusion from these answers."]
    lines = ["Reasoning:"]
    for index, firing in enumerate(a.chain, start=1):
        lines.extend(step_lines(kb, index, firing))
    return lines


def caveat_lines(kb: KnowledgeBase, a: Assessment) -> list[str]:
    if not a.caveats:
        return []
    lines = ["Caveats:"]
    for firing in a.caveats:
        lines.append(f"  - {firing.rule.outcome.text}")
        lines.append(f"    [{firing.rule.id}; {citation_text(kb, firing.rule.citation)}]")
    return lines


def differential_lines(kb: KnowledgeBase, a: Assessment) -> list[str]:
    """Every class with its state; 'indeterminate' is left out once a class stands, unless
    one of its rules fired."""
    lines = ["Differential:"]
    for row in a.differential:
        hidden = row.class_id == INDETERMINATE and a.classification != INDETERMINATE
        if hidden and row.state in ("possible", "outranked"):
            continue
        label = kb.classes[row.class_id].label
        lines.append(f"  {STATE_WORDS[row.state]:<15} {label}{_deciding(kb, a, row)}")
    return lines


def _deciding(kb: KnowledgeBase, a: Assessment, row: ClassAssessment) -> str:
    if row.state != "possible" or not row.deciding:
        return ""
    names = [
        kb.questions[q].name + (" (answered unknown)" if a.answers.get(q) == UNKNOWN else "")
        for q in row.deciding
    ]
    return " - would be decided by: " + ", ".join(names)


def pending_lines(kb: KnowledgeBase, a: Assessment) -> list[str]:
    if not a.pending:
        return ["Questions still relevant: none"]
    names = ", ".join(a.pending)
    return [f"Questions still relevant: {names}"]


def answers_lines(kb: KnowledgeBase, a: Assessment) -> list[str]:
    if not a.answers:
        return ["Answers: none given"]
    lines = ["Answers:"]
    for question_id in sorted(a.answers, key=lambda q: kb.questions[q].order):
        question, value = kb.questions[question_id], a.answers[question_id]
        state = reading(question, value) if isinstance(value, float) else ""
        text = answer_text(kb, question_id, value) + (f", {state}" if state else "")
        lines.append(f"  {question.name}: {text}")
    return lines


def assessment_lines(kb: KnowledgeBase, a: Assessment) -> list[str]:
    """The full one-shot report."""
    sections = [
        conclusion_lines(kb, a),
        answers_lines(kb, a),
        reasoning_lines(kb, a),
        caveat_lines(kb, a),
        differential_lines(kb, a),
        pending_lines(kb, a),
        [DISCLAIMER],
    ]
    lines: list[str] = []
    for section in sections:
        if section:
            lines.extend([*section, ""])
    return lines[:-1]


def source_data(kb: KnowledgeBase, citation: Citation) -> dict[str, str]:
    source = kb.sources.get(citation.source)
    data = {"id": citation.source, "locator": citation.locator}
    if source:
        data |= {"title": source.title, "author": source.author, "url": source.url}
    return data


def step_data(kb: KnowledgeBase, firing: Firing) -> dict[str, Any]:
    return {
        "rule": firing.rule.id,
        "because": firing.rule.because,
        "source": source_data(kb, firing.rule.citation),
        "matched": [fact_text(kb, ref) for ref in firing.matched],
        "concluded": fact_text(kb, firing.declared),
    }


def assessment_data(kb: KnowledgeBase, a: Assessment) -> dict[str, Any]:
    """The one-shot report as one JSON-ready object."""
    cls = kb.classes[a.classification]
    subtype = cls.subtype(a.subtype)
    return {
        "classification": a.classification,
        "classification_label": cls.label,
        "subtype": a.subtype or None,
        "subtype_label": subtype.label if subtype else None,
        "provisional": a.provisional,
        "answers": dict(a.answers),
        "findings": {f: list(v) for f, v in a.evaluation.findings().items()},
        "reasoning": [step_data(kb, f) for f in a.chain],
        "caveats": [
            {
                "rule": f.rule.id,
                "text": f.rule.outcome.text,
                "source": source_data(kb, f.rule.citation),
            }
            for f in a.caveats
        ],
        "differential": [
            {
                "class": r.class_id,
                "state": r.state,
                "rules": list(r.fired),
                "deciding": list(r.deciding),
            }
            for r in a.differential
        ],
        "questions_pending": list(a.pending),
        "disclaimer": DISCLAIMER,
    }


def extracted_lines(kb: KnowledgeBase, items: Sequence[Extracted]) -> list[str]:
    """A one-shot report's section on what was read from a case description."""
    lines = ["Read from the case description:"]
    for item in items:
        question = kb.questions[item.question]
        lines.append(f"  {item.question} = {read_value(question, item.answer)} ← '{item.phrase}'")
    return [*lines, ""]


def extracted_data(items: Sequence[Extracted]) -> list[dict[str, Any]]:
    return [{"question": i.question, "value": i.value, "phrase": i.phrase} for i in items]
