"""Answers as JSON-ready data, the same in `calcify classify --json` and `calcify --jsonl`: a
measured number with the unit it was given in and its value in the reference unit, a word for
a value reported without a number, a choice id. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from chatbot.intake.reader import CaseText
from chatbot.knowledge.answers import ParsedAnswer, reading
from chatbot.knowledge.model import KnowledgeBase, Question, Value
from chatbot.reasoning.assessment import Assessment
from chatbot.ui.casetext import case_data
from chatbot.ui.report import assessment_data


def answer_data(question: Question, value: Value, parsed: ParsedAnswer | None = None) -> Any:
    """One answer: `{"value", "unit", "reference_value", "reference_unit", "interpretation",
    "unit_inferred"}` for a number, `{"word": "normal"}` for a number question answered in
    words (or "unknown"), a choice id, yes/no or "unknown" as it is, several choices as a list.
    """
    if question.kind == "number":
        if isinstance(value, float):
            return number_data(question, value, parsed)
        return {"word": value}
    return list(value) if isinstance(value, tuple) else value


def number_data(question: Question, value: float, parsed: ParsedAnswer | None) -> dict[str, Any]:
    """A measured number as given, and in the unit the rules compare it in. Without a record of
    how it was given (an assumed value), the reference unit is taken as the unit given."""
    given = parsed is not None and parsed.given is not None and parsed.unit
    return {
        "value": parsed.given if given and parsed else exact(value),
        "unit": parsed.unit if given and parsed else question.unit,
        "reference_value": exact(value),
        "reference_unit": question.unit,
        "interpretation": reading(question, value) or None,
        "unit_inferred": bool(given and parsed and parsed.inferred_unit),
    }


def exact(value: float) -> float:
    """A converted value without the noise of binary arithmetic (12.024, not 12.024000000000001)."""
    return float(f"{value:.12g}")


def answers_data(
    kb: KnowledgeBase, answers: Mapping[str, Value], parsed: Mapping[str, ParsedAnswer]
) -> dict[str, Any]:
    """Every answer by question id, in the order given."""
    return {q: answer_data(kb.questions[q], v, parsed.get(q)) for q, v in answers.items()}


def given_answers(found: CaseText, typed: Sequence[ParsedAnswer]) -> dict[str, ParsedAnswer]:
    """How each answer of a one-shot classification was given: read from the description,
    then typed as QUESTION=ANSWER (which wins)."""
    given = {item.question: item.answer for item in found.items}
    return given | {answer.question: answer for answer in typed}


def classify_data(
    kb: KnowledgeBase,
    assessment: Assessment,
    parsed: Mapping[str, ParsedAnswer],
    found: CaseText | None,
) -> dict[str, Any]:
    """The JSON of `calcify classify --json`: the report, each answer as it was given, and
    what was read from the case description when there was one."""
    data = assessment_data(kb, assessment)
    data["answers"] = answers_data(kb, assessment.answers, parsed)
    if found is not None:
        data |= case_data(found.items, found.omitted)
        for row, item in zip(data["extracted"], found.items, strict=True):
            row["value"] = answer_data(kb.questions[item.question], item.value, item.answer)
    return data
