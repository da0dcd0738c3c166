"""The words for values, findings, classes and citations, and the one-shot report (text and
JSON). Shared by render.py, which turns a consultation's blocks into lines. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from chatbot.engine.trace import FactRef, Firing
from chatbot.intake.reader import Extracted
from chatbot.knowledge.answers import ParsedAnswer, reading
from chatbot.knowledge.model import (
    INDETERMINATE,
    UNKNOWN,
    Citation,
    Condition,
    KnowledgeBase,
    Question,
    Unit,
    Value,
)
from chatbot.reasoning.assessment import Assessment, ClassAssessment

DISCLAIMER = "calcify is decision support for learning and review, not a diagnosis."

STATE_WORDS = {
    "established": "established",
    "supported": "also supported",
    "possible": "still possible",
    "outranked": "outranked",
    "ruled_out": "ruled out",
}


def number(value: float) -> str:
    """A number as people write lab values: three significant figures, no exponent."""
    if abs(value) >= 100:
        return f"{value:.0f}"
    return f"{value:.3g}"


def with_units(value: float, units: tuple[Unit, ...]) -> str:
    """A canonical value with the second unit in brackets: '12.4 mg/dL (3.09 mmol/L)'."""
    if not units:
        return number(value)
    text = f"{number(value)} {units[0].name}"
    others = [u for u in units[1:] if u.infer]
    if others:
        text += f" ({number(value / others[0].factor)} {others[0].name})"
    return text


def answer_text(kb: KnowledgeBase, question_id: str, value: Value) -> str:
    """An answer as words: a choice label, yes/no, a number with units, or unknown."""
    question = kb.questions[question_id]
    if value == UNKNOWN:
        return "unknown"
    if isinstance(value, float):
        return with_units(value, question.units)
    choice = question.choice(str(value))
    return choice.label if choice else str(value)


def fact_text(kb: KnowledgeBase, ref: FactRef) -> str:
    """A matched or declared fact as a clause."""
    kind, subject, value = ref
    if kind == "answer":
        return f"{kb.questions[subject].name} = {answer_text(kb, subject, value)}"
    if kind == "conclusion":
        return class_text(kb, subject, str(value))
    if kind == "caveat":
        return "a caveat applies"
    finding = kb.findings[subject]
    if isinstance(value, float):
        return f"{finding.text} {with_units(value, finding.units)}"
    if finding.kind == "choice":
        return f"{finding.text}: {value}"
    return finding.text


def class_text(kb: KnowledgeBase, class_id: str, subtype: str = "") -> str:
    cls = kb.classes.get(class_id)
    label = cls.label if cls else class_id
    found = cls.subtype(subtype) if cls and subtype else None
    return f"{label}: {found.label}" if found else label


def citation_text(kb: KnowledgeBase, citation: Citation) -> str:
    source = kb.sources.get(citation.source)
    title = source.title if source else citation.source
    return f"{title} ({citation.locator})" if citation.locator else title


def step_lines(kb: KnowledgeBase, index: int, firing: Firing) -> list[str]:
    """One reasoning step: what followed, because why, from which rule and source."""
    rule = firing.rule
    given = "; ".join(fact_text(kb, ref) for ref in firing.matched) or "no condition"
    return [
        f"  {index}. {given} -> {fact_text(kb, firing.declared)}",
        f"     because {lower_first(rule.because)}",
        f"     [{rule.id}; {citation_text(kb, rule.citation)}]",
    ]


def lower_first(text: str) -> str:
    """'Each g/dL...' -> 'each g/dL...', but 'CKD stage...' stays."""
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


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


def read_value(question: Question, answer: ParsedAnswer) -> str:
    """'degenerated (degenerated or damaged, but not dead)', '2.35 mmol/L = 9.42 mg/dL: normal'."""
    if not isinstance(answer.value, float):
        label = answer.label if answer.label and answer.label != answer.value else ""
        return f"{answer.value}: {label}" if label else str(answer.value)
    text = f"{number(answer.given or answer.value)} {answer.unit}"
    if answer.unit != question.unit:
        text += f" = {number(answer.value)} {question.unit}"
    state = reading(question, answer.value)
    return f"{text}: {state}" if state else text


def condition_text(kb: KnowledgeBase, condition: Condition) -> str:
    """A condition as words: 'tissue state is viable', 'serum calcium > 10.5 mg/dL'."""
    op, value = condition.op, condition.value
    if condition.subject_kind == "question":
        question = kb.questions[condition.subject]
        name, unit = question.name, question.unit

        def label(v: str) -> str:
            return answer_text(kb, question.id, v)
    else:
        finding = kb.findings[condition.subject]
        name, unit = finding.text, finding.unit

        def label(v: str) -> str:
            return v

    symbols = {"gt": ">", "ge": "≥", "lt": "<", "le": "≤"}
    if op in symbols:
        return f"{name} {symbols[op]} {number(float(value))} {unit}".rstrip()  # type: ignore[arg-type]
    if op in ("is", "not"):
        return f"{name} {'is' if op == 'is' else 'is not'} {label(str(value))}"
    if op in ("in", "not_in"):
        options = " or ".join(label(v) for v in value)  # type: ignore[union-attr]
        return f"{name} {'is' if op == 'in' else 'is not'} {options}"
    if op == "absent":
        return f"it is not established that {name}"
    if op == "known":
        return f"{name} is known"
    return name


def extracted_lines(kb: KnowledgeBase, items: Sequence[Extracted]) -> list[str]:
    """A one-shot report's section on what was read from a case description."""
    lines = ["Read from the case description:"]
    for item in items:
        question = kb.questions[item.question]
        lines.append(f"  {item.question} = {read_value(question, item.answer)} ← '{item.phrase}'")
    return [*lines, ""]


def extracted_data(items: Sequence[Extracted]) -> list[dict[str, Any]]:
    return [{"question": i.question, "value": i.value, "phrase": i.phrase} for i in items]
