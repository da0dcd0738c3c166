"""Assessments and values to plain text lines or JSON-ready data: the single formatting point."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from .answers import ParsedAnswer, reading
from .assessment import Assessment, ClassAssessment
from .blocks import (
    Ask,
    AskUnit,
    Block,
    CaseRead,
    Changed,
    Conclusion,
    ConditionCheck,
    Farewell,
    Help,
    How,
    Note,
    Problem,
    Reload,
    RuleCheck,
    Save,
    Summary,
    Understood,
    Welcome,
    WhyAsked,
    WhyNot,
)
from .engine import FactRef, Firing
from .intake import Extracted
from .model import INDETERMINATE, UNKNOWN, Citation, Condition, KnowledgeBase, Question, Unit, Value
from .possibility import Truth

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
        f"     because {_lower_first(rule.because)}",
        f"     [{rule.id}; {citation_text(kb, rule.citation)}]",
    ]


def _lower_first(text: str) -> str:
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


def safe(text: str) -> str:
    """Neutralise control and format characters (terminal escapes, bidi overrides)."""
    if text.isprintable():
        return text
    return "".join(" " if ch == "\t" else ch if ch.isprintable() else _escape(ch) for ch in text)


def _escape(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


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
        read = f"{item.question} = {_read_value(question, item.answer)}"
        lines.append(Line(f"  {index}. {read} ← '{item.phrase}'{change}", "ok"))
    lines.append(Line(CASE_HELP, "dim"))
    return lines


CASE_HELP = "Type ok to use them, drop N to leave one out, N = ANSWER to correct one, or cancel."


def _read_value(question: Question, answer: ParsedAnswer) -> str:
    """'degenerated (degenerated or damaged, but not dead)', '2.35 mmol/L = 9.42 mg/dL: normal'."""
    if not isinstance(answer.value, float):
        label = answer.label if answer.label and answer.label != answer.value else ""
        return f"{answer.value}: {label}" if label else str(answer.value)
    text = f"{number(answer.given or answer.value)} {answer.unit}"
    if answer.unit != question.unit:
        text += f" = {number(answer.value)} {question.unit}"
    state = reading(question, answer.value)
    return f"{text}: {state}" if state else text


def _problem(kb: KnowledgeBase, block: Problem) -> list[Line]:
    return [Line(f"Sorry: {_lower_first(block.message)}", "error")]


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


def extracted_lines(kb: KnowledgeBase, items: Sequence[Extracted]) -> list[str]:
    """A one-shot report's section on what was read from a case description."""
    lines = ["Read from the case description:"]
    for item in items:
        question = kb.questions[item.question]
        lines.append(f"  {item.question} = {_read_value(question, item.answer)} ← '{item.phrase}'")
    return [*lines, ""]


def extracted_data(items: Sequence[Extracted]) -> list[dict[str, Any]]:
    return [{"question": i.question, "value": i.value, "phrase": i.phrase} for i in items]
