"""A consultation's blocks to lines of text, each with a style the REPL may colour: the single
formatting point for the REPL, plain mode and transcripts. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from chatbot.consultation.blocks import (
    Ask,
    AskUnit,
    Block,
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
from chatbot.knowledge.model import KnowledgeBase, Question
from chatbot.knowledge.text import safe
from chatbot.reasoning.assessment import Assessment
from chatbot.reasoning.explain import ConditionCheck, RuleCheck, WhyAsked, WhyNot
from chatbot.reasoning.truth import Truth
from chatbot.ui.report import (
    DISCLAIMER,
    STATE_WORDS,
    answer_text,
    answers_lines,
    caveat_lines,
    citation_text,
    class_text,
    conclusion_lines,
    condition_text,
    differential_lines,
    lower_first,
    number,
    read_value,
    reasoning_lines,
    step_lines,
    with_units,
)

# -- dialogue blocks -------------------------------------------------------------------------


class Line(NamedTuple):
    """One line of output with a style name the REPL may colour ("" is plain)."""

    text: str
    style: str = ""


WELCOME = (
    "calcify classifies a pathologic calcification (dystrophic, metastatic, calcinosis, "
    "heterotopic ossification, iatrogenic, mixed) and names its cause.",
    DISCLAIMER,
    "Answer each question by number, name or 'unknown'; type 'help' for commands, "
    "'why' to see why a question is asked.",
)

AFTER_CONCLUSION = "Type how, whynot CLASS, change QUESTION, summary, restart or quit."


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
    for index, choice in enumerate(question.choices, start=1):
        lines.append(Line(f"  {index}. {choice.label}", "choice"))
    return lines


def _accepts(question: Question) -> str:
    if question.kind == "yesno":
        return "[yes / no / unknown]"
    if question.kind == "choice":
        return "[number, name or unknown]"
    units = ", ".join(u.name for u in question.units)
    if question.reference:
        low, high = question.reference
        return f"[{units}; reference {number(low)}–{number(high)} {question.unit}]"
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
    return lines


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
    lines = [Line("From the description calcify read:", "title")]
    for index, item in enumerate(block.items, start=1):
        question = kb.questions[item.question]
        change = " (replaces the earlier answer)" if item.question in block.replaces else ""
        read = f"{item.question} = {read_value(question, item.answer)}"
        lines.append(Line(f"  {index}. {read} ← '{item.phrase}'{change}", "ok"))
    lines.append(Line(CASE_HELP, "dim"))
    return lines


CASE_HELP = "Type ok to use them, drop N to leave one out, N = ANSWER to correct one, or cancel."


def _problem(kb: KnowledgeBase, block: Problem) -> list[Line]:
    return [Line(f"Sorry: {lower_first(block.message)}", "error")]


def _note(kb: KnowledgeBase, block: Note) -> list[Line]:
    return [Line(block.message, "dim")]


def _conclusion(kb: KnowledgeBase, block: Conclusion) -> list[Line]:
    a = block.assessment
    lines = [Line(""), Line("== Conclusion ==", "title")]
    lines += [Line(t, "title") for t in conclusion_lines(kb, a)]
    for section in (reasoning_lines(kb, a), caveat_lines(kb, a), differential_lines(kb, a)):
        if section:
            lines += [Line(""), *(Line(t) for t in section)]
    lines += [Line(""), Line(DISCLAIMER, "dim"), Line(AFTER_CONCLUSION, "dim")]
    return lines


def _why(kb: KnowledgeBase, block: WhyAsked) -> list[Line]:
    question = block.question
    lines = [
        Line(f"Why this question: {question.why}"),
        Line(f"  [{citation_text(kb, question.citation)}]", "dim"),
    ]
    if block.classes:
        names = ", ".join(kb.classes[c].label for c in block.classes)
        lines.append(Line(f"It helps decide between: {names}."))
    deciding = [rule for rule in block.rules if rule.outcome.kind != "caveat"]
    if deciding:
        lines.append(Line("Rules waiting on the answer:"))
        for rule in deciding[:WHY_RULES]:
            lines.append(Line(f"  - {rule.id}: {rule.because}"))
            lines.append(Line(f"    [{citation_text(kb, rule.citation)}]", "dim"))
        if len(deciding) > WHY_RULES:
            more = len(deciding) - WHY_RULES
            lines.append(
                Line(
                    f"  ... and {more} more: {', '.join(r.id for r in deciding[WHY_RULES:])}", "dim"
                )
            )
    return lines


WHY_RULES = 6


def _how(kb: KnowledgeBase, block: How) -> list[Line]:
    a = block.assessment
    if a.chain:
        head = f"How calcify reaches {class_text(kb, a.classification, a.subtype)}:"
        steps = a.chain
    else:
        head = "No class is established yet. What follows from the answers so far:"
        steps = a.evaluation.of_kind("derive")
    if not steps:
        return [Line("No class is established yet, and nothing follows from the answers so far.")]
    lines = [Line(head, "title")]
    for index, firing in enumerate(steps, start=1):
        lines += [Line(t) for t in step_lines(kb, index, firing)]
    return lines


def _why_not(kb: KnowledgeBase, block: WhyNot) -> list[Line]:
    """What stops each rule of the class: failed conditions grouped, then what is not yet known."""
    label = block.cls.label
    if block.cls.id == block.current:
        return [Line(f"{label} is the current classification; type how to see why.")]
    state = STATE_WORDS.get(block.state, block.state)
    lines = [Line(f"Why not {label}? It is {state}.", "title")]
    failed: dict[tuple[str, ...], list[str]] = {}
    waiting: dict[str, tuple[str, ...]] = {}
    for check in block.rules:
        if check.fired:
            lines.append(Line(f"  {check.rule.id} fired, but {block.current} outranks it."))
        elif blocked := _states(kb, check, Truth.FALSE, block.unknown):
            failed.setdefault(blocked, []).append(check.rule.id)
        else:
            waiting[check.rule.id] = _states(kb, check, Truth.OPEN, block.unknown)
    for reasons, rules in failed.items():
        lines += [Line(f"  {reason}") for reason in reasons]
        lines.append(Line(f"    (so {_count(rules)} cannot fire: {', '.join(rules)})", "dim"))
    return lines + _undecided_lines(waiting)


def _undecided_lines(waiting: dict[str, tuple[str, ...]]) -> list[Line]:
    """Undecided rules: conditions several wait on, once; then what each needs besides."""
    if not waiting:
        return []
    counts: dict[str, int] = {}
    for reasons in waiting.values():
        for reason in reasons:
            counts[reason] = counts.get(reason, 0) + 1
    lines = [Line(f"  Undecided ({_count(list(waiting))}):")]
    lines += [Line(f"    {r} [{n} rules]") for r, n in counts.items() if n > 1]
    for rule_id, reasons in waiting.items():
        own = [r.removeprefix("Not yet known: ") for r in reasons if counts[r] == 1]
        if own:
            lines.append(Line(f"    {rule_id} also needs: {'; '.join(own)}", "dim"))
    return lines


def _states(
    kb: KnowledgeBase, check: RuleCheck, truth: Truth, unknown: frozenset[str]
) -> tuple[str, ...]:
    return tuple(_condition_state(kb, c, unknown) for c in check.conditions if c.truth is truth)


def _count(rules: list[str]) -> str:
    return "1 rule" if len(rules) == 1 else f"{len(rules)} rules"


def _condition_state(kb: KnowledgeBase, item: ConditionCheck, unknown: frozenset[str]) -> str:
    text = condition_text(kb, item.condition)
    if item.truth is Truth.FALSE:
        return f"Failed: {text}"
    names = ", ".join(
        kb.questions[q].name + (" (answered unknown)" if q in unknown else "")
        for q in item.deciding
    )
    return f"Not yet known: {text}" + (f" (depends on: {names})" if names else "")


def _changed(kb: KnowledgeBase, block: Changed) -> list[Line]:
    before, after = block.before, block.after
    reason = ""
    if block.question is not None and block.question.id in after.answers:
        value = after.answers[block.question.id]
        state = reading(block.question, value) if isinstance(value, float) else ""
        now = answer_text(kb, block.question.id, value) + (f", {state}" if state else "")
        reason = f" because {block.question.name} is now {now}"
    old = class_text(kb, before.classification, before.subtype)
    new = class_text(kb, after.classification, after.subtype)
    if before.classification != after.classification:
        text = f"Classification changed from {old} to {new}{reason}."
    elif before.subtype != after.subtype:
        text = f"Subtype changed from {old} to {new}{reason}."
    else:
        text = f"The conclusion is unchanged ({new})."
    lines = [Line(text, "warn")]
    gained, lost = _finding_changes(kb, before, after)
    if gained:
        lines.append(Line(f"  now: {'; '.join(gained)}", "dim"))
    if lost:
        lines.append(Line(f"  no longer: {'; '.join(lost)}", "dim"))
    return lines


def _finding_changes(
    kb: KnowledgeBase, before: Assessment, after: Assessment
) -> tuple[list[str], list[str]]:
    old, new = before.evaluation.findings(), after.evaluation.findings()
    gained = [kb.findings[f].text for f in new if f not in old and kb.findings[f].kind != "number"]
    lost = [kb.findings[f].text for f in old if f not in new and kb.findings[f].kind != "number"]
    return gained, lost


def _summary(kb: KnowledgeBase, block: Summary) -> list[Line]:
    a = block.assessment
    lines = [Line("Summary", "title")]
    lines += [Line(t) for t in answers_lines(kb, a)]
    lines.append(Line(f"Leading: {class_text(kb, a.classification, a.subtype)}"))
    lines += [Line(t) for t in differential_lines(kb, a)]
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
    Conclusion: _conclusion,
    WhyAsked: _why,
    How: _how,
    WhyNot: _why_not,
    Changed: _changed,
    Summary: _summary,
    Help: _help,
    Farewell: _farewell,
}
