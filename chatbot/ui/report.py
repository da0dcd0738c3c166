"""The words for values, findings, classes and citations, and the one-shot report (text and
JSON). Shared by render.py, which turns a consultation's blocks into lines. Pure: no I/O.
"""

from __future__ import annotations

from typing import Any

from chatbot.engine.trace import Firing
from chatbot.knowledge.answers import reading
from chatbot.knowledge.model import (
    INDETERMINATE,
    UNKNOWN,
    Citation,
    Condition,
    KnowledgeBase,
    Value,
)
from chatbot.reasoning.assessment import Assessment, ClassAssessment
from chatbot.reasoning.grading import Assumed
from chatbot.ui.words import (
    DISCLAIMER,
    STATE_WORDS,
    answer_text,
    citation_text,
    class_text,
    condition_text,
    fact_text,
    lower_first,
)


def step_lines(kb: KnowledgeBase, index: int, firing: Firing) -> list[str]:
    """One reasoning step: what followed, because why, from which rule and source."""
    rule = firing.rule
    given = "; ".join(fact_text(kb, ref) for ref in dict.fromkeys(firing.matched)) or "no condition"
    return [
        f"  {index}. {given} -> {fact_text(kb, firing.declared)}",
        f"     because {lower_first(rule.because)}",
        f"     [{rule.id}; {citation_text(kb, rule.citation)}]",
    ]


GRADE_WORDS = {
    "established": "established: the answers meet its criteria",
    "probable": "probable: it rests on the assumptions below",
    "possible": "no class is at least probable yet",
}


def conclusion_lines(kb: KnowledgeBase, a: Assessment) -> list[str]:
    """The headline: classification and subtype or cause, how firm it is, what it assumes
    and what would change it."""
    cls = kb.classes[a.classification]
    lines = [f"Classification: {cls.label} ({cls.id})"]
    subtype = cls.subtype(a.subtype)
    if subtype:
        lines.append(f"Subtype or cause: {subtype.label}")
    elif a.classification != INDETERMINATE:
        lines.append("Subtype or cause: not determined")
    if a.classification != INDETERMINATE or a.grade == "possible":
        lines.append(f"Grade: {GRADE_WORDS[a.grade]}")
    lines += assumption_lines(kb, a)
    if a.provisional:
        lines.append("This is provisional: unanswered questions could still change it.")
    return lines


def _assumed_text(kb: KnowledgeBase, group: list[Assumed]) -> str:
    """'serum calcium and serum phosphate not given, taken as normal'."""
    values = {x.value for x in group}
    names = [kb.questions[x.question].name for x in group]
    joined = ", ".join(names[:-1]) + (" and " if len(names) > 1 else "") + names[-1]
    if len(values) == 1:
        return f"{joined} not given, taken as {_word(kb, group[0].question, group[0].value)}"
    taken = ", ".join(
        f"{kb.questions[x.question].name} {_word(kb, x.question, x.value)}" for x in group
    )
    return f"{joined} not given, taken as {taken}"


def _word(kb: KnowledgeBase, question_id: str, value: Value) -> str:
    return answer_text(kb, question_id, value).removeprefix("reported ").removesuffix(", no value")


def assumption_lines(kb: KnowledgeBase, a: Assessment) -> list[str]:
    """Each assumption with its reason and source, then what would change the conclusion."""
    lines = []
    by_rule: dict[str, list[Assumed]] = {}
    for assumed in a.assumptions:
        by_rule.setdefault(assumed.rule.id, []).append(assumed)
    for group in by_rule.values():
        rule = group[0].rule
        lines.append(f"Assumed: {_assumed_text(kb, group)}, because")
        lines.append(f"  {lower_first(rule.because)}")
        lines.append(f"  [{rule.id}; {citation_text(kb, rule.citation)}]")
    for alternative in a.alternatives:
        question = kb.questions[alternative.question]
        value = _word(kb, alternative.question, alternative.value)
        other = class_text(kb, alternative.classification, alternative.subtype)
        lines.append(f"If {question.name} were {value}: {other}.")
    if a.assumptions:
        names = " and ".join(kb.questions[x.question].name for x in a.assumptions)
        lines.append(f"To confirm or overturn it: measure the {names}.")
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
        lines.append(f"  {STATE_WORDS[row.state]:<15} {label}{_evidence(kb, a, row)}")
    return lines


def _evidence(kb: KnowledgeBase, a: Assessment, row: ClassAssessment) -> str:
    """What speaks for the class, or against it, in a few words."""
    if row.state in ("established", "probable", "supported") and row.fired:
        return " - for: " + ", ".join(row.fired)
    if row.state == "ruled_out" and row.against:
        return " - against: " + "; ".join(against_text(kb, c) for c in row.against)
    return _deciding(kb, a, row)


def against_text(kb: KnowledgeBase, condition: Condition) -> str:
    """A condition that failed, as what is the case instead."""
    if condition.op == "absent":
        return kb.findings[condition.subject].text
    return f"not ({condition_text(kb, condition)})"


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
        "grade": a.grade,
        "assumptions": [
            {
                "question": x.question,
                "assumed": x.value,
                "rule": x.rule.id,
                "because": x.rule.because,
                "source": source_data(kb, x.rule.citation),
            }
            for x in a.assumptions
        ],
        "would_change": [
            {
                "question": x.question,
                "if": x.value,
                "classification": x.classification,
                "subtype": x.subtype or None,
            }
            for x in a.alternatives
        ],
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
                "against": [against_text(kb, c) for c in r.against],
            }
            for r in a.differential
        ],
        "questions_pending": list(a.pending),
        "disclaimer": DISCLAIMER,
    }
