"""why / why-not data from the recorded trace and the possibility analysis. Pure: no I/O."""

from __future__ import annotations

from dataclasses import dataclass

from chatbot.knowledge.model import (
    UNKNOWN,
    ConclusionClass,
    Condition,
    KnowledgeBase,
    Question,
    Rule,
)
from chatbot.reasoning.assessment import Assessment
from chatbot.reasoning.possibility import Possibility
from chatbot.reasoning.truth import Truth


@dataclass(frozen=True)
class WhyAsked:
    question: Question
    classes: tuple[str, ...]
    rules: tuple[Rule, ...]


@dataclass(frozen=True)
class ConditionCheck:
    condition: Condition
    truth: Truth
    deciding: tuple[str, ...]


@dataclass(frozen=True)
class RuleCheck:
    rule: Rule
    truth: Truth
    fired: bool
    conditions: tuple[ConditionCheck, ...]


@dataclass(frozen=True)
class WhyNot:
    cls: ConclusionClass
    state: str
    current: str
    rules: tuple[RuleCheck, ...]
    unknown: frozenset[str] = frozenset()
    """Questions answered 'unknown', so the reader knows they will not be asked."""


def why_asked(kb: KnowledgeBase, assessment: Assessment, question: Question) -> WhyAsked:
    """Which classes a question separates and which rules wait on it."""
    possible = assessment.possibility
    waiting = tuple(
        rule
        for rule in kb.rules
        if possible.rule(rule) is Truth.OPEN
        and any(c.subject_kind == "question" and c.subject == question.id for c in rule.conditions)
    )
    classes = tuple(
        class_id
        for class_id in kb.classes
        if any(
            question.id in possible.deciders(rule)
            for rule in kb.rules_concluding(class_id)
            if possible.rule(rule) is Truth.OPEN
        )
    )
    return WhyAsked(question, classes, waiting)


def why_not(kb: KnowledgeBase, assessment: Assessment, class_id: str) -> WhyNot:
    """For each rule concluding the class: which conditions failed and which are undecided."""
    possible = assessment.possibility
    fired = {f.rule.id for f in assessment.evaluation.firings}
    checks = tuple(
        _rule_check(possible, rule, rule.id in fired) for rule in kb.rules_concluding(class_id)
    )
    row = assessment.state_of(class_id)
    state = row.state if row else "ruled_out"
    unknown = frozenset(q for q, v in assessment.answers.items() if v == UNKNOWN)
    return WhyNot(kb.classes[class_id], state, assessment.classification, checks, unknown)


def _rule_check(possible: Possibility, rule: Rule, fired: bool) -> RuleCheck:
    conditions = []
    for condition in rule.conditions:
        truth = possible.condition(condition)
        deciding: tuple[str, ...] = ()
        if truth is Truth.OPEN:
            deciding = tuple(sorted(possible.condition_deciders(condition)))
        conditions.append(ConditionCheck(condition, truth, deciding))
    return RuleCheck(rule, possible.rule(rule), fired, tuple(conditions))
