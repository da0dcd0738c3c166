"""When and how early a question is worth asking: a question's `asking` (rules/README.md).

Some questions refine another answer (an ionized calcium refines a total calcium, a reported
calcium-phosphate product stands in for two measured values). Logic alone keeps them open
whenever the rule they feed could still fire; a consultant asks them only in the settings
where they add something. `asking.any` lists those settings as conditions in the rule language,
any one of which makes the question askable; `asking.late` puts a refinement after every
question that is not one (the published order: bone, intervention, tissue, calcium,
phosphate, kidney before PTH and vitamin D). The choice and its source are written beside it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from chatbot.knowledge.citations import Citation
from chatbot.knowledge.conditions import read_conditions
from chatbot.knowledge.fields import TableReader
from chatbot.knowledge.model import Condition, Finding
from chatbot.knowledge.questions import Question


@dataclass(frozen=True)
class Asking:
    """The settings in which a question is asked (any one condition holding; always when
    there is none), and whether it is a refinement asked late."""

    question: str
    conditions: tuple[Condition, ...]
    late: bool
    because: str
    citation: Citation


def read_asking(
    r: TableReader,
    question: str,
    questions: Mapping[str, Question],
    findings: Mapping[str, Finding],
    citation: Callable[[TableReader], Citation],
) -> Asking:
    """Read `asking = { any = [...], late = true, because = "...", source = {...} }`."""
    a = r.sub("asking")
    a.check_keys(("because", "source"), ("any", "late"))
    conditions = read_conditions(a, questions, findings, "any")
    late = a.table.get("late", False)
    if late not in (True, False):
        a.defect("late", "write `late = true` or leave it out")
    if not conditions and late is not True:
        a.defect("", "say when it is asked: `any = [...]`, `late = true` or both")
    for condition in conditions:
        if condition.subject_kind == "question" and condition.subject == question:
            a.defect("any", f"a condition on {question!r} itself would never let it be asked")
    return Asking(question, conditions, late is True, a.text("because"), citation(a))
