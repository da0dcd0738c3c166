"""A consultation's blocks to lines of text, each with a style the REPL may colour: the single
formatting point for the REPL, plain mode and transcripts. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Callable
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
from chatbot.knowledge.answers import ParsedAnswer, reading
from chatbot.knowledge.formula import formula_names
from chatbot.knowledge.model import LAB_WORDS, KnowledgeBase, Question
from chatbot.knowledge.text import safe
from chatbot.reasoning.assessment import Assessment
from chatbot.reasoning.explain import WhyAsked, WhyNot
from chatbot.ui.casetext import item_text, omitted_lines
from chatbot.ui.conclusion import caveats_block_lines, conclusion_block_lines
from chatbot.ui.differential import differential_lines
from chatbot.ui.explanations import changed_lines, how_lines, why_lines, why_not_lines
from chatbot.ui.lines import Line
from chatbot.ui.words import DISCLAIMER, answer_text, class_text, lower_first, number, with_units

# -- dialogue blocks -------------------------------------------------------------------------


WELCOME = (
    "calcify classifies a pathologic calcification (dystrophic, metastatic, calcinosis, "
    "heterotopic ossification, iatrogenic, mixed) and names its cause.",
    DISCLAIMER,
    "Answer each question by number, name or 'unknown'; type 'help' for commands, "
    "'why' to see why a question is asked.",
)


def block_lines(kb: KnowledgeBase, block: Block) -> list[Line]:
    """Render one block of a consultation, with every character safe for a terminal."""
    renderer = _RENDERERS[type(block)]
    return [Line(safe(line.text), line.style) for line in renderer(kb, block)]


def blocks_lines(kb: KnowledgeBase, blocks: list[Block]) -> list[Line]:
    return [line for block in blocks for line in block_lines(kb, block)]


def _welcome(kb: KnowledgeBase, block: Welcome) -> list[Line]:
    return [Line(WELCOME[0], "title"), Line(WELCOME[1], "dim"), Line(WELCOME[2], "dim")]


def _ask(kb: KnowledgeBase, block: Ask) -> list[Line]:
    question = block.question
    head = f"Question {block.number}: {question.text} {_accepts(question)}"
    if block.again:
        return [Line(head, "question")]
    lines = [Line(""), Line(head, "question")]
    headings = {members[0]: name for name, members in question.groups if members}
    indent = "    " if headings else "  "
    for index, choice in enumerate(question.choices, start=1):
        if choice.id in headings:
            lines.append(Line(f"  {headings[choice.id]}:", "question"))
        lines.append(Line(f"{indent}{index}. {choice.label}", "choice"))
    return lines


def _accepts(question: Question) -> str:
    if question.kind == "yesno":
        return "[yes / no / unknown]"
    if question.kind == "choice" and question.several:
        return "[number, name or unknown; several with 'and']"
    if question.kind == "choice":
        return "[number, name or unknown]"
    units = ", ".join(u.name for u in question.units)
    if question.reference:
        low, high = question.reference
        reference = f"{number(low)}–{number(high)} {question.unit}"
        return f"[{units} or low/normal/raised; reference {reference}]"
    return f"[{units}]"


def _ask_unit(kb: KnowledgeBase, block: AskUnit) -> list[Line]:
    units = " or ".join(u.name for u in block.units)
    return [Line(f"Is {number(block.number)} in {units}? Type the unit.", "question")]


def _understood(kb: KnowledgeBase, block: Understood) -> list[Line]:
    question, answer = block.question, block.answer
    lines = [Line(f"  -> {understood_text(question, answer)}", "ok")]
    for finding_id, value in block.computed:
        finding = kb.findings[finding_id]
        lines.append(Line(f"  -> {finding.text}: {with_units(value, finding.units)}", "ok"))
    if question.accepts_words and answer.value in LAB_WORDS:
        for derived in _computed_from(kb, question.id):
            text = f"  -> {derived}: not computed, {question.name} has no value"
            lines.append(Line(text, "dim"))
    return lines


def _computed_from(kb: KnowledgeBase, question_id: str) -> list[str]:
    """The number findings whose formulas read this question, once each."""
    found = (
        kb.findings[r.outcome.finding].text
        for r in kb.rules
        if r.outcome.formula and question_id in formula_names(r.outcome.formula)
    )
    return list(dict.fromkeys(found))


def understood_text(question: Question, answer: ParsedAnswer) -> str:
    """How an answer was read, e.g. '12.1 mg/dL is above the reference range ...: raised'."""
    if answer.is_unknown:
        return f"{question.name}: {answer.label or 'unknown'} (it will not be asked again)"
    if not isinstance(answer.value, float):
        return f"{question.name}: {answer.label}"
    given = f"{number(answer.given or 0.0)} {answer.unit}"
    if answer.inferred_unit:
        given = f"{number(answer.given or 0.0)} (taken as {answer.unit})"
    if answer.unit != question.unit:
        given += f" = {number(answer.value)} {question.unit}"
    state = reading(question, answer.value)
    if not state or question.reference is None:
        return f"{question.name}: {given}"
    low, high = question.reference
    where = {"low": "below", "normal": "within", "raised": "above"}[state]
    return (
        f"{question.name} {given} is {where} the reference range "
        f"{number(low)}–{number(high)} {question.unit}: {state}"
    )


def _case_read(kb: KnowledgeBase, block: CaseRead) -> list[Line]:
    """Each answer read from a description, with the phrase it came from."""
    left = [Line(text, "dim") for text in omitted_lines(kb, block.omitted, "")]
    if not block.items:
        return left
    lines = [Line("From the description calcify read:", "title")]
    for index, item in enumerate(block.items, start=1):
        change = " (replaces the earlier answer)" if item.question in block.replaces else ""
        lines.append(Line(f"  {index}. {item_text(kb, item)}{change}", "ok"))
    return [*lines, *left, Line(CASE_HELP, "dim")]


CASE_HELP = "Type ok to use them, drop N to leave one out, N = ANSWER to correct one, or cancel."


def _problem(kb: KnowledgeBase, block: Problem) -> list[Line]:
    return [Line(f"Sorry: {lower_first(block.message)}", "error")]


def _note(kb: KnowledgeBase, block: Note) -> list[Line]:
    return [Line(block.message, "dim")]


def _summary(kb: KnowledgeBase, block: Summary) -> list[Line]:
    a = block.assessment
    lines = [Line("Summary", "title")]
    lines += [Line(t) for t in asked_lines(kb, a, dict(block.numbers))]
    lines.append(Line(f"Leading: {class_text(kb, a.classification, a.subtype)}"))
    lines += [Line(t) for t in differential_lines(kb, a)]
    return lines


def asked_lines(kb: KnowledgeBase, a: Assessment, numbers: dict[str, int]) -> list[str]:
    """The answers in the order their questions were asked, each with its number."""
    if not a.answers:
        return ["Answers: none given"]
    last = len(numbers) + 1
    ordered = sorted(a.answers, key=lambda q: (numbers.get(q, last), kb.questions[q].order))
    lines = ["Answers:"]
    for question_id in ordered:
        question, value = kb.questions[question_id], a.answers[question_id]
        state = reading(question, value) if isinstance(value, float) else ""
        text = answer_text(kb, question_id, value) + (f", {state}" if state else "")
        asked = f"{numbers[question_id]}. " if question_id in numbers else ""
        lines.append(f"  {asked}{question.name}: {text}")
    return lines


def _help(kb: KnowledgeBase, block: Help) -> list[Line]:
    lines = [Line("Commands (at any prompt, with or without a leading colon):", "title")]
    width = max(len(c.usage) for c in block.commands)
    lines += [Line(f"  {c.usage:<{width}}  {c.summary}") for c in block.commands]
    lines.append(Line("Anything else is taken as the answer to the current question.", "dim"))
    return lines


def _farewell(kb: KnowledgeBase, block: Farewell) -> list[Line]:
    if block.finished:
        return [Line("Goodbye.", "dim")]
    return [Line("Goodbye. The consultation was left unfinished.", "dim")]


def _request(kb: KnowledgeBase, block: Save | Reload) -> list[Line]:
    """A request for the shell (save, reload): the shell shows what came of it."""
    return []


_RENDERERS: dict[type, Callable[[KnowledgeBase, Any], list[Line]]] = {
    Save: _request,
    Reload: _request,
    Welcome: _welcome,
    Ask: _ask,
    AskUnit: _ask_unit,
    Understood: _understood,
    CaseRead: _case_read,
    Problem: _problem,
    Note: _note,
    Conclusion: conclusion_block_lines,
    Caveats: caveats_block_lines,
    WhyAsked: why_lines,
    How: how_lines,
    WhyNot: why_not_lines,
    Changed: changed_lines,
    Summary: _summary,
    Help: _help,
    Farewell: _farewell,
}
