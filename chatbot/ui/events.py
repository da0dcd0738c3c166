"""A consultation's blocks as events for programs: one JSON-ready object per block, with a
`type`, the block's data, and (for what people read) its `text` as the plain shell prints it.
The counterpart of render.py for `calcify --jsonl`. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from chatbot.consultation.blocks import (
    Ask,
    AskUnit,
    Block,
    Caveats,
    Changed,
    Conclusion,
    Farewell,
    Help,
    How,
    Note,
    Problem,
    Reload,
    Save,
    Summary,
    Understood,
    Welcome,
)
from chatbot.intake.review import CaseRead
from chatbot.knowledge.answers import ParsedAnswer
from chatbot.knowledge.model import KnowledgeBase, Question
from chatbot.reasoning.assessment import Assessment
from chatbot.reasoning.explain import WhyAsked, WhyNot
from chatbot.ui.answers import answer_data, answers_data, exact
from chatbot.ui.casetext import REASONS
from chatbot.ui.render import block_lines
from chatbot.ui.report import assessment_data
from chatbot.ui.words import DISCLAIMER

PROTOCOL = 1
"""The version of the event format; it changes only when an event loses or changes a field."""

Event = dict[str, Any]
Parsed = Mapping[str, ParsedAnswer]


def block_events(kb: KnowledgeBase, blocks: list[Block], parsed: Parsed) -> list[Event]:
    """The events of a turn's blocks; `parsed` is how each answer so far was given."""
    events = (_EVENTS[type(block)](kb, block, parsed) for block in blocks)
    return [event for event in events if event]


def text(kb: KnowledgeBase, block: Block) -> str:
    """The block as the plain shell prints it, without the blank lines around it."""
    return "\n".join(line.text for line in block_lines(kb, block)).strip("\n")


def _welcome(kb: KnowledgeBase, block: Welcome, parsed: Parsed) -> Event:
    return {
        "type": "welcome",
        "protocol": PROTOCOL,
        "disclaimer": DISCLAIMER,
        "text": text(kb, block),
    }


def _question(kb: KnowledgeBase, block: Ask, parsed: Parsed) -> Event:
    question = block.question
    return {
        "type": "question",
        "id": question.id,
        "number": block.number,
        "text": question.text,
        "kind": question.kind,
        "choices": [{"id": c.id, "label": c.label} for c in question.choices],
        "several": question.several,
        **_units(question),
        "again": block.again,
        "prompt": text(kb, block),
    }


def _units(question: Question) -> Event:
    """For a number question: its units, the reference unit and the reference range."""
    if question.kind != "number":
        return {}
    return {
        "units": [unit.name for unit in question.units],
        "reference_unit": question.unit,
        "reference_range": list(question.reference) if question.reference else None,
        "accepts_words": question.accepts_words,
    }


def _unit_question(kb: KnowledgeBase, block: AskUnit, parsed: Parsed) -> Event:
    return {
        "type": "unit_question",
        "id": block.question.id,
        "value": block.number,
        "units": [unit.name for unit in block.units],
        "text": text(kb, block),
    }


def _reading(kb: KnowledgeBase, block: Understood, parsed: Parsed) -> Event:
    question, answer = block.question, block.answer
    computed = [
        {"finding": f, "value": exact(value), "unit": kb.findings[f].unit or None}
        for f, value in block.computed
    ]
    return {
        "type": "reading",
        "source": "answer",
        "question": question.id,
        **_flat(question, answer),
        "computed": computed,
        "text": text(kb, block),
    }


def _flat(question: Question, answer: ParsedAnswer) -> Event:
    """An answer's fields: those of a number or a word, else its value and label."""
    data = answer_data(question, answer.value, answer)
    if isinstance(data, dict):
        return data
    return {"value": data, "label": answer.label}


def _case_reading(kb: KnowledgeBase, block: CaseRead, parsed: Parsed) -> Event:
    items = [
        {
            "number": index,
            "question": item.question,
            **_flat(kb.questions[item.question], item.answer),
            "phrase": item.phrase,
            "note": item.note,
            "replaces": item.question in block.replaces,
        }
        for index, item in enumerate(block.items, start=1)
    ]
    left_out = [
        {
            "question": o.question,
            "value": list(o.value) if isinstance(o.value, tuple) else o.value,
            "phrase": o.phrase,
            "reason": o.reason,
            "reason_text": REASONS.get(o.reason, o.reason),
            "detail": o.detail,
        }
        for o in block.omitted
    ]
    return {
        "type": "reading",
        "source": "case",
        "items": items,
        "left_out": left_out,
        "text": text(kb, block),
    }


def _problem(kb: KnowledgeBase, block: Problem, parsed: Parsed) -> Event:
    return {"type": "problem", "message": block.message, "text": text(kb, block)}


def _note(kb: KnowledgeBase, block: Note, parsed: Parsed) -> Event:
    return {"type": "note", "message": block.message}


def _conclusion(kb: KnowledgeBase, block: Conclusion, parsed: Parsed) -> Event:
    return {
        "type": "conclusion",
        **_assessment(kb, block.assessment, parsed),
        "text": text(kb, block),
    }


def _assessment(kb: KnowledgeBase, a: Assessment, parsed: Parsed) -> Event:
    """The assessment as `calcify classify --json` gives it, pending questions as `pending`."""
    data = assessment_data(kb, a)
    data["answers"] = answers_data(kb, a.answers, parsed)
    data["pending"] = data.pop("questions_pending")
    del data["disclaimer"]
    return data


def _why(kb: KnowledgeBase, block: WhyAsked, parsed: Parsed) -> Event:
    return {
        "type": "why",
        "question": block.question.id,
        "classes": list(block.classes),
        "rules": [rule.id for rule in block.rules],
        "text": text(kb, block),
    }


def _how(kb: KnowledgeBase, block: How, parsed: Parsed) -> Event:
    a = block.assessment
    return {
        "type": "how",
        **_headline(a),
        "rules": [firing.rule.id for firing in a.chain],
        "text": text(kb, block),
    }


def _headline(a: Assessment) -> Event:
    return {"classification": a.classification, "subtype": a.subtype or None, "grade": a.grade}


def _why_not(kb: KnowledgeBase, block: WhyNot, parsed: Parsed) -> Event:
    return {
        "type": "whynot",
        "class": block.cls.id,
        "state": block.state,
        "text": text(kb, block),
    }


def _changed(kb: KnowledgeBase, block: Changed, parsed: Parsed) -> Event:
    return {
        "type": "changed",
        "question": block.question.id if block.question else None,
        "before": _headline(block.before),
        "after": _headline(block.after),
        "text": text(kb, block),
    }


def _caveats(kb: KnowledgeBase, block: Caveats, parsed: Parsed) -> Event:
    rules = [firing.rule.id for firing in block.assessment.caveats]
    return {"type": "caveats", "rules": rules, "text": text(kb, block)}


def _summary(kb: KnowledgeBase, block: Summary, parsed: Parsed) -> Event:
    a = block.assessment
    return {
        "type": "summary",
        **_headline(a),
        "answers": answers_data(kb, a.answers, parsed),
        "pending": list(a.pending),
        "text": text(kb, block),
    }


def _help(kb: KnowledgeBase, block: Help, parsed: Parsed) -> Event:
    commands = [{"name": c.name, "usage": c.usage, "summary": c.summary} for c in block.commands]
    return {"type": "help", "commands": commands, "text": text(kb, block)}


def _farewell(kb: KnowledgeBase, block: Farewell, parsed: Parsed) -> Event:
    return {"type": "farewell", "finished": block.finished, "text": text(kb, block)}


def _request(kb: KnowledgeBase, block: Save | Reload, parsed: Parsed) -> Event:
    """Carried out by the shell (consultation.turn), which reports how it went: no event."""
    return {}


_EVENTS: dict[type, Callable[[KnowledgeBase, Any, Parsed], Event]] = {
    Save: _request,
    Reload: _request,
    Welcome: _welcome,
    Ask: _question,
    AskUnit: _unit_question,
    Understood: _reading,
    CaseRead: _case_reading,
    Problem: _problem,
    Note: _note,
    Conclusion: _conclusion,
    WhyAsked: _why,
    How: _how,
    Caveats: _caveats,
    WhyNot: _why_not,
    Changed: _changed,
    Summary: _summary,
    Help: _help,
    Farewell: _farewell,
}
