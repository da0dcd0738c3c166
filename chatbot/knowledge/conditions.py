"""The rule language: read and check a rule's `when` conditions and its outcome."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chatbot.knowledge.fields import TableReader, did_you_mean
from chatbot.knowledge.formula import FormulaError, formula_names, zero_divisor_problems
from chatbot.knowledge.model import (
    NUMERIC_OPS,
    ConclusionClass,
    Condition,
    Finding,
    Op,
    Outcome,
    Question,
)

VALUE_OPS: tuple[Op, ...] = ("is", "not", "in", "not_in")
FLAG_OPS: tuple[Op, ...] = ("known", "measured", "present", "absent")
ALL_OPS: tuple[Op, ...] = (*VALUE_OPS, *NUMERIC_OPS, *FLAG_OPS)
OUTCOMES = ("derive", "conclude", "caveat", "assume")


def read_conditions(
    r: TableReader,
    questions: Mapping[str, Question],
    findings: Mapping[str, Finding],
    key: str = "when",
) -> tuple[Condition, ...]:
    """Read the `when` list (or another key's); each entry names one question or finding
    and one test."""
    tables = r.tables(key)
    if key in r.table and not tables:
        r.defect(key, "a rule needs at least one condition" if key == "when" else "list one")
    conditions = []
    for index, table in enumerate(tables):
        c = _reader(r, index, table, key)
        condition = _read_condition(c, questions, findings)
        if condition is not None:
            conditions.append(condition)
    return tuple(conditions)


def _reader(r: TableReader, index: int, table: Any, key: str) -> TableReader:
    prefix = f"{r.prefix}.{key}" if r.prefix else key
    return TableReader(table, r.file, r.item, r.defects, f"{prefix}[{index}]")


def _read_condition(
    c: TableReader, questions: Mapping[str, Question], findings: Mapping[str, Finding]
) -> Condition | None:
    subjects = [k for k in ("question", "finding") if k in c.table]
    ops = [k for k in c.table if k in ALL_OPS]
    for key in c.table:
        if key not in (*ALL_OPS, "question", "finding"):
            c.defect(
                key,
                "unknown test",
                did_you_mean(key, ALL_OPS) or f"use one of {', '.join(ALL_OPS)}",
            )
    if len(subjects) != 1:
        c.defect("", "a condition names exactly one `question` or one `finding`")
        return None
    kind = subjects[0]
    subject = c.text(kind)
    known: Mapping[str, Question | Finding] = questions if kind == "question" else findings
    if subject not in known:
        c.defect(kind, f"unknown {kind} {subject!r}", did_you_mean(subject, known))
        return None
    if not ops and kind == "finding" and findings[subject].kind == "flag":
        ops = ["present"]
        c.table["present"] = True
    if len(ops) != 1:
        c.defect("", f"a condition has exactly one test ({', '.join(ALL_OPS)})")
        return None
    op = ops[0]
    value = _read_value(c, op, known[subject])
    return Condition(kind, subject, op, value)


def _read_value(
    c: TableReader, op: Op, subject: Question | Finding
) -> str | float | tuple[str, ...] | None:
    kind = subject.kind
    if op in FLAG_OPS:
        _check_flag(c, op, subject)
        return None
    if op in NUMERIC_OPS:
        if kind != "number":
            c.defect(op, f"numeric test on {subject.id!r}, which is not a number")
        return c.number(op)
    words = isinstance(subject, Question) and subject.accepts_words
    if kind == "flag" or (kind == "number" and not words):
        c.defect(
            op,
            f"{subject.id!r} is a {kind}: use "
            + ("gt/ge/lt/le" if kind == "number" else "present/absent"),
        )
        return None
    allowed = subject.allowed_values() if isinstance(subject, Question) else subject.values
    values = c.texts(op) if op in ("in", "not_in") else (c.text(op),)
    for value in values:
        if value not in allowed:
            hint = did_you_mean(value, allowed) or f"accepted: {', '.join(allowed)}"
            c.defect(op, f"{value!r} is not a value of {subject.id!r}", hint)
    if op in ("in", "not_in"):
        if not values and isinstance(c.table.get(op), list):
            c.defect(op, "list at least one value")
        return values
    return values[0]


def _check_flag(c: TableReader, op: Op, subject: Question | Finding) -> None:
    if c.table.get(op) is not True:
        c.defect(op, f"write `{op} = true`")
    if op in ("known", "measured") and not isinstance(subject, Question):
        c.defect(op, f"`{op}` tests a question; for a finding use `present`")
    if op == "measured" and subject.kind != "number":
        c.defect(op, f"`measured` tests a number question; {subject.id!r} is a {subject.kind}")
    if op in ("present", "absent") and isinstance(subject, Question):
        c.defect(op, f"`{op}` tests a finding; for a question use `known` or a value test")


def read_outcome(
    r: TableReader,
    conditions: tuple[Condition, ...],
    questions: Mapping[str, Question],
    findings: Mapping[str, Finding],
    classes: Mapping[str, ConclusionClass],
) -> Outcome:
    """Read the one outcome a rule has: `derive`, `conclude`, `caveat` or `assume`."""
    present = [key for key in OUTCOMES if key in r.table]
    if len(present) != 1:
        r.defect(
            "derive", f"a rule has exactly one of {', '.join(OUTCOMES)} (found {len(present)})"
        )
        return Outcome("caveat", text="")
    if present[0] == "caveat":
        return Outcome("caveat", text=r.text("caveat"))
    if present[0] == "conclude":
        return _read_conclusion(r.sub("conclude"), classes)
    if present[0] == "assume":
        return Outcome("assume", assumes=_read_assumption(r.sub("assume"), conditions, questions))
    return _read_derivation(r.sub("derive"), conditions, questions, findings)


def _read_assumption(
    a: TableReader, conditions: tuple[Condition, ...], questions: Mapping[str, Question]
) -> tuple[tuple[str, str], ...]:
    """`assume = { question = "answer", ... }`: answers taken as usual in the rule's setting
    when they are not given; each must be an answer its question accepts, and must not be
    one the rule's own conditions test (a default cannot support its own setting)."""
    if not isinstance(a.table, dict) or not a.table:
        a.defect("", "name at least one question and the answer assumed for it")
        return ()
    tested = {c.subject for c in conditions if c.subject_kind == "question"}
    pairs = []
    for question_id, value in a.table.items():
        question = questions.get(question_id)
        if question is None:
            a.defect(
                question_id,
                f"unknown question {question_id!r}",
                did_you_mean(question_id, questions),
            )
            continue
        allowed = question.allowed_values()
        if not isinstance(value, str) or value not in allowed:
            hint = (
                f"accepted: {', '.join(allowed)}"
                if allowed
                else "a number question needs low, normal or raised"
            )
            a.defect(question_id, f"{value!r} is not an answer {question_id!r} accepts", hint)
            continue
        if question_id in tested:
            a.defect(
                question_id,
                "the rule's own conditions test this question: it cannot be assumed here",
            )
            continue
        pairs.append((question_id, value))
    return tuple(pairs)


def _read_conclusion(c: TableReader, classes: Mapping[str, ConclusionClass]) -> Outcome:
    c.check_keys(("class",), ("subtype",))
    class_id, subtype = c.text("class"), c.text("subtype")
    cls = classes.get(class_id)
    if class_id and cls is None:
        c.defect("class", f"unknown class {class_id!r}", did_you_mean(class_id, classes))
    elif cls is not None and subtype and cls.subtype(subtype) is None:
        names = [s.id for s in cls.subtypes]
        c.defect(
            "subtype", f"{subtype!r} is not a subtype of {class_id!r}", did_you_mean(subtype, names)
        )
    return Outcome("conclude", class_id=class_id, subtype=subtype)


def _read_derivation(
    d: TableReader,
    conditions: tuple[Condition, ...],
    questions: Mapping[str, Question],
    findings: Mapping[str, Finding],
) -> Outcome:
    d.check_keys(("finding",), ("value", "formula"))
    finding_id = d.text("finding")
    finding = findings.get(finding_id)
    if finding is None:
        if finding_id:
            d.defect(
                "finding", f"unknown finding {finding_id!r}", did_you_mean(finding_id, findings)
            )
        return Outcome("derive", finding=finding_id)
    value, formula = d.text("value"), d.text("formula")
    if finding.kind == "choice" and value not in finding.values:
        d.defect(
            "value",
            f"{value!r} is not a value of {finding_id!r}",
            f"accepted: {', '.join(finding.values)}",
        )
    if finding.kind != "choice" and value:
        d.defect("value", f"{finding_id!r} is a {finding.kind}: it takes no value")
    if finding.kind == "number":
        _check_formula(d, formula, conditions, questions, findings)
    elif formula:
        d.defect(
            "formula", f"only number findings take a formula ({finding_id!r} is a {finding.kind})"
        )
    return Outcome("derive", finding=finding_id, value=value, formula=formula)


def _check_formula(
    d: TableReader,
    formula: str,
    conditions: tuple[Condition, ...],
    questions: Mapping[str, Question],
    findings: Mapping[str, Finding],
) -> None:
    if not formula:
        d.defect("formula", "a number finding needs a formula")
        return
    try:
        names = formula_names(formula)
    except FormulaError as exc:
        d.defect("formula", str(exc))
        return
    for problem in zero_divisor_problems(formula):
        d.defect("formula", problem)
    bound = {c.subject for c in conditions if c.op not in ("absent",)}
    measured = {c.subject for c in conditions if c.op == "measured"}
    for name in names:
        subject = questions.get(name) or findings.get(name)
        if subject is None or subject.kind != "number":
            numbers = [q for q in questions if questions[q].kind == "number"]
            numbers += [f for f in findings if findings[f].kind == "number"]
            hint = did_you_mean(name, numbers)
            d.defect("formula", f"{name!r} is not a number question or finding", hint)
        elif name not in bound:
            d.defect(
                "formula",
                f"{name!r} must also appear in the rule's conditions (e.g. measured = true)",
            )
        elif isinstance(subject, Question) and subject.accepts_words and name not in measured:
            d.defect(
                "formula",
                f"{name!r} may be answered in words (low, normal, raised), which no formula can "
                "use: test it with `measured = true` in the rule's conditions",
            )


def is_rule_id(rule_id: str) -> bool:
    topic, dot, slug = rule_id.partition(".")
    allowed = set("abcdefghijklmnopqrstuvwxyz0123456789-_")
    return bool(dot and topic and slug) and set(topic + slug) <= allowed
