"""Words for values: numbers with their units, answers, facts, classes, citations and
conditions, as every listing and report shows them. Pure: no I/O.
"""

from __future__ import annotations

from chatbot.engine.trace import FactRef
from chatbot.knowledge.answers import ParsedAnswer, reading
from chatbot.knowledge.model import (
    LAB_WORDS,
    UNKNOWN,
    Citation,
    Condition,
    KnowledgeBase,
    Question,
    Unit,
    Value,
)

DISCLAIMER = "calcify is decision support for learning and review, not a diagnosis."

STATE_WORDS = {
    "established": "established",
    "probable": "probable",
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
    if question.accepts_words and value in LAB_WORDS:
        return f"reported {value}, no value"
    if isinstance(value, tuple):
        return " and ".join(answer_text(kb, question_id, each) for each in value)
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
    if finding.kind == "number":  # a formula whose numbers admit no value
        return f"{finding.text}: {value}"
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


def lower_first(text: str) -> str:
    """'Each g/dL...' -> 'each g/dL...', but 'CKD stage...' stays."""
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def read_value(question: Question, answer: ParsedAnswer) -> str:
    """'degenerated (degenerated or damaged, but not dead)', '2.35 mmol/L = 9.42 mg/dL: normal'."""
    if not isinstance(answer.value, float):
        value = ", ".join(answer.value) if isinstance(answer.value, tuple) else answer.value
        label = answer.label if answer.label and answer.label != value else ""
        return f"{value}: {label}" if label else value
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
    if op == "measured":
        return f"{name} was measured (a value, not only words)"
    return name
