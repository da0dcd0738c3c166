"""The words for values, findings, classes and citations, and the one-shot report (text and
JSON). Shared by render.py, which turns a consultation's blocks into lines. Pure: no I/O.
"""

from __future__ import annotations

from typing import Any

from chatbot.engine.trace import Firing
from chatbot.knowledge.answers import reading
from chatbot.knowledge.model import (
    INDETERMINATE,
    Citation,
    KnowledgeBase,
    Value,
)
from chatbot.reasoning.assessment import Assessment
from chatbot.reasoning.grading import Assumed
from chatbot.ui.differential import against_text, differential_lines
from chatbot.ui.words import (
    DISCLAIMER,
    answer_text,
    citation_text,
    class_text,
    fact_text,
    lower_first,
)


def step_lines(
    kb: KnowledgeBase, index: int, firing: Firing, also: tuple[str, ...] = ()
) -> list[str]:
    """One reasoning step: what followed, because why, from which rule and source, and the
    other rules that concluded the same."""
    rule = firing.rule
    given = "; ".join(fact_text(kb, ref) for ref in dict.fromkeys(firing.matched)) or "no condition"
    lines = [
        f"  {index}. {given} -> {fact_text(kb, firing.declared)}",
        f"     because {lower_first(rule.because)}",
        f"     [{rule.id}; {citation_text(kb, rule.citation)}]",
    ]
    if also:
        lines.append(f"     (also concluded by {', '.join(also)})")
    return lines


def distinct_steps(steps: tuple[Firing, ...]) -> list[tuple[Firing, tuple[str, ...]]]:
    """Each conclusion once, from the first step reaching it, with the other rules that did."""
    first: dict[object, Firing] = {}
    others: dict[object, list[str]] = {}
    for firing in steps:
        if firing.declared in first:
            others[firing.declared].append(firing.rule.id)
        else:
            first[firing.declared], others[firing.declared] = firing, []
    return [(firing, tuple(others[key])) for key, firing in first.items()]


GRADE_WORDS = {
    "established": "established: the answers meet its criteria",
    "probable": "probable: it rests on the assumptions below",
    "possible": "no class is at least probable yet",
}


def conclusion_lines(kb: KnowledgeBase, a: Assessment) -> list[str]:
    """The headline: classification and subtype or cause, how firm it is, what it assumes
    and what would change it."""
    lines = headline(kb, a) + assumption_lines(kb, a)
    if a.provisional:
        lines.append("This is provisional: unanswered questions could still change it.")
    return lines


def headline(kb: KnowledgeBase, a: Assessment) -> list[str]:
    """The class (or, for a look-alike, what the deposit is), its cause and its grade."""
    cls = kb.classes[a.classification]
    subtype = cls.subtype(a.subtype)
    if subtype and subtype.lookalike:
        lines = [
            f"Not a pathologic calcification of these classes: a look-alike, {subtype.lookalike}.",
            f"Placed with {cls.label} ({cls.id}) when a class is needed.",
        ]
    else:
        lines = [f"Classification: {cls.label} ({cls.id})"]
        if subtype:
            lines.append(f"Subtype or cause: {subtype.label}")
        elif a.classification != INDETERMINATE:
            lines.append("Subtype or cause: not determined")
    if a.classification != INDETERMINATE or a.grade == "possible":
        lines.append(f"Grade: {GRADE_WORDS[a.grade]}")
    return lines


def assumed_text(kb: KnowledgeBase, group: list[Assumed]) -> str:
    """'serum calcium and serum phosphate not given, taken as normal'."""
    values = {x.value for x in group}
    names = [kb.questions[x.question].name for x in group]
    joined = ", ".join(names[:-1]) + (" and " if len(names) > 1 else "") + names[-1]
    if len(values) == 1:
        return f"{joined} not given, taken as {word(kb, group[0].question, group[0].value)}"
    taken = ", ".join(
        f"{kb.questions[x.question].name} {word(kb, x.question, x.value)}" for x in group
    )
    return f"{joined} not given, taken as {taken}"


def word(kb: KnowledgeBase, question_id: str, value: Value) -> str:
    return answer_text(kb, question_id, value).removeprefix("reported ").removesuffix(", no value")


def assumption_lines(kb: KnowledgeBase, a: Assessment) -> list[str]:
    """Each assumption with its reason and source, then what would change the conclusion."""
    lines = []
    by_rule: dict[str, list[Assumed]] = {}
    for assumed in a.assumptions:
        by_rule.setdefault(assumed.rule.id, []).append(assumed)
    for group in by_rule.values():
        rule = group[0].rule
        lines.append(f"Assumed: {assumed_text(kb, group)}, because")
        lines.append(f"  {lower_first(rule.because)}")
        lines.append(f"  [{rule.id}; {citation_text(kb, rule.citation)}]")
    return [*lines, *what_if_lines(kb, a)]


def what_if_lines(kb: KnowledgeBase, a: Assessment) -> list[str]:
    """What the conclusion becomes if an assumption is otherwise, and what to measure."""
    lines = []
    for alternative in a.alternatives:
        question = kb.questions[alternative.question]
        value = word(kb, alternative.question, alternative.value)
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
    for index, (firing, also) in enumerate(distinct_steps(a.chain), start=1):
        lines.extend(step_lines(kb, index, firing, also))
    return lines


def caveat_lines(kb: KnowledgeBase, a: Assessment) -> list[str]:
    if not a.caveats:
        return []
    lines = ["Caveats:"]
    for firing in a.caveats:
        lines.append(f"  - {firing.rule.outcome.text}")
        lines.append(f"    [{firing.rule.id}; {citation_text(kb, firing.rule.citation)}]")
    return lines


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
