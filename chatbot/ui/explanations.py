"""Explanations put into words: why a question is asked, how a conclusion follows (rule by
rule, with sources), why not a class, and what changed after an answer. Pure: returns lines.
"""

from __future__ import annotations

from chatbot.consultation.blocks import (
    Changed,
    How,
)
from chatbot.knowledge.answers import reading
from chatbot.knowledge.model import KnowledgeBase
from chatbot.reasoning.assessment import Assessment
from chatbot.reasoning.explain import ConditionCheck, RuleCheck, WhyAsked, WhyNot
from chatbot.reasoning.truth import Truth
from chatbot.ui.lines import Line
from chatbot.ui.report import distinct_steps, step_lines
from chatbot.ui.words import STATE_WORDS, answer_text, citation_text, class_text, condition_text

# -- dialogue blocks -------------------------------------------------------------------------


def why_lines(kb: KnowledgeBase, block: WhyAsked) -> list[Line]:
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


def how_lines(kb: KnowledgeBase, block: How) -> list[Line]:
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
    for index, (firing, also) in enumerate(distinct_steps(steps), start=1):
        lines += [Line(t) for t in step_lines(kb, index, firing, also)]
    return lines


def why_not_lines(kb: KnowledgeBase, block: WhyNot) -> list[Line]:
    """What stops each rule of the class: each failed condition once, with the rules it
    stops, then what is not yet known."""
    label = block.cls.label
    if block.cls.id == block.current:
        return [Line(f"{label} is the current classification; type how to see why.")]
    state = STATE_WORDS.get(block.state, block.state)
    lines = [Line(f"Why not {label}? It is {state}.", "title")]
    failed: dict[str, list[str]] = {}
    waiting: dict[str, tuple[str, ...]] = {}
    for check in block.rules:
        if check.fired:
            lines.append(Line(f"  {check.rule.id} fired, but {block.current} outranks it."))
        elif blocked := _states(kb, check, Truth.FALSE, block.unknown):
            for reason in blocked:
                failed.setdefault(reason, []).append(check.rule.id)
        else:
            waiting[check.rule.id] = _states(kb, check, Truth.OPEN, block.unknown)
    for reason, rules in failed.items():
        lines.append(Line(f"  {reason}"))
        lines.append(Line(f"    (so {_count(rules)} cannot fire: {_some(rules)})", "dim"))
    return lines + _undecided_lines(waiting)


def _some(rules: list[str]) -> str:
    """The first few rule ids, and how many more."""
    shown = ", ".join(rules[:WHY_RULES])
    return shown + (f" and {len(rules) - WHY_RULES} more" if len(rules) > WHY_RULES else "")


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


def changed_lines(kb: KnowledgeBase, block: Changed) -> list[Line]:
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
