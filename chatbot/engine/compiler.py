"""The knowledge base compiled into an experta KnowledgeEngine class: one experta Rule per rule,
each with a generic handler that declares one fact and records the firing in the trace.

No I/O. experta is reached only through the adapter (`_experta`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from chatbot.engine import _experta as ex
from chatbot.engine.trace import FactRef, Firing
from chatbot.knowledge.formula import evaluate
from chatbot.knowledge.model import NOT_COMPUTABLE, Condition, KnowledgeBase, Rule, Value
from chatbot.knowledge.semantics import test_of


def salience(kb: KnowledgeBase, rule: Rule) -> int:
    """A rule's salience on the agenda: its stratum first, then knowledge-base order. Every
    rule gets its own, so the agenda never holds equal keys for different rules."""
    return -(kb.strata.get(rule.id, 0) * 100_000 + rule.order)


def engine_class(kb: KnowledgeBase, base: type, literals: bool = True) -> type:
    """A KnowledgeEngine subclass holding the knowledge base's rules.

    literals: equality tests become literals the matcher indexes (the fast path); without,
    every test is a predicate, as experta's stock matcher is usually given them.
    """
    attributes: dict[str, Any] = {"__strategy__": ex.SoundDepthStrategy}
    for rule in kb.rules:
        patterns = [_pattern(kb, c, i, literals) for i, c in enumerate(rule.conditions)]
        handler = _handler(rule)
        attributes[f"rule_{rule.order}"] = ex.handled_rule(patterns, salience(kb, rule), handler)
    return type("CalcifyEngine", (base,), attributes)


def _pattern(kb: KnowledgeBase, condition: Condition, index: int, literals: bool) -> Any:
    if condition.op == "absent":
        return ex.NOT(ex.Finding(id=condition.subject))
    is_literal = literals and condition.op == "is"
    test = condition.value if is_literal else ex.P(test_of(kb, condition))
    if condition.subject_kind == "question":
        fact = ex.Answer(question=condition.subject, value=test)
    elif condition.op == "present":
        fact = ex.Finding(id=condition.subject)
    else:
        fact = ex.Finding(id=condition.subject, value=test)
    return getattr(ex.AS, f"f{index}") << fact


def _handler(rule: Rule) -> Callable[..., None]:
    def fire(*args: Any, **facts: Any) -> None:
        engine = args[-1]
        matched = tuple(_ref(facts[key]) for key in sorted(facts, key=ex.binding_index))
        declared = _declaration(rule, matched)
        is_new = engine.declare(_fact(declared)) is not None
        engine.calcify_trace.append(Firing(rule, matched, declared, is_new))

    fire.__name__ = rule.id
    return fire


def _ref(fact: Any) -> FactRef:
    if isinstance(fact, ex.Answer):
        return ("answer", fact["question"], fact["value"])
    return ("finding", fact["id"], fact["value"])


def _declaration(rule: Rule, matched: tuple[FactRef, ...]) -> FactRef:
    outcome = rule.outcome
    if outcome.kind == "conclude":
        return ("conclusion", outcome.class_id, outcome.subtype)
    if outcome.kind == "caveat":
        return ("caveat", rule.id, outcome.text)
    if outcome.kind == "assume":
        return ("assumption", rule.id, "")
    if outcome.formula:
        numbers = {subject: value for _, subject, value in matched if isinstance(value, float)}
        return ("finding", outcome.finding, _computed(outcome.formula, numbers))
    value: Value = outcome.value or "yes"
    return ("finding", outcome.finding, value)


def _computed(formula: str, numbers: dict[str, float]) -> Value:
    """The formula's value, or NOT_COMPUTABLE when the numbers admit none (a zero divisor):
    the finding then says so, and no numeric test passes on it."""
    try:
        value = evaluate(formula, numbers)
    except (ZeroDivisionError, OverflowError):
        return NOT_COMPUTABLE
    return round(value, 4) if math.isfinite(value) else NOT_COMPUTABLE


def _fact(declared: FactRef) -> Any:
    kind, subject, value = declared
    if kind == "conclusion":
        return ex.Conclusion(class_id=subject, subtype=value)
    if kind == "caveat":
        return ex.Caveat(rule=subject)
    if kind == "assumption":
        return ex.Assumption(rule=subject)
    return ex.Finding(id=subject, value=value)
