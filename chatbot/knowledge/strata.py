"""Stratified negation: a rule that tests a finding's absence runs after every rule deriving it."""

from __future__ import annotations

from collections.abc import Sequence

from chatbot.errors import Defect
from chatbot.knowledge.model import Rule


def stratify(rules: Sequence[Rule], defects: list[Defect]) -> dict[str, int]:
    """Each rule's stratum (0 runs first); a cycle through `absent` is reported as a defect."""
    derivers: dict[str, list[Rule]] = {}
    for rule in rules:
        if rule.outcome.kind == "derive":
            derivers.setdefault(rule.outcome.finding, []).append(rule)
    strata = {rule.id: 0 for rule in rules}
    limit = len(rules) + 1
    changed = True
    while changed:
        changed = False
        for rule in rules:
            needed = _needed_stratum(rule, derivers, strata)
            if needed > strata[rule.id]:
                if needed > limit:
                    defects.append(_cycle_problem(_negative_cycle_rule(rules, derivers) or rule))
                    return {}
                strata[rule.id] = needed
                changed = True
    return strata


def _needed_stratum(rule: Rule, derivers: dict[str, list[Rule]], strata: dict[str, int]) -> int:
    needed = 0
    for condition in rule.conditions:
        if condition.subject_kind != "finding":
            continue
        step = 1 if condition.op == "absent" else 0
        for deriver in derivers.get(condition.subject, ()):
            needed = max(needed, strata[deriver.id] + step)
    return needed


def _negative_cycle_rule(rules: Sequence[Rule], derivers: dict[str, list[Rule]]) -> Rule | None:
    """The first rule that tests the absence of a finding which depends on its own result."""
    for rule in rules:
        if rule.outcome.kind != "derive":
            continue
        for condition in rule.conditions:
            if condition.op == "absent" and rule.outcome.finding in _depends_on(
                condition.subject, derivers
            ):
                return rule
    return None


def _depends_on(finding: str, derivers: dict[str, list[Rule]]) -> set[str]:
    """The findings whose derivation a finding reads, itself included."""
    seen: set[str] = set()
    stack = [finding]
    while stack:
        current = stack.pop()
        if current not in seen:
            seen.add(current)
            for deriver in derivers.get(current, ()):
                stack.extend(c.subject for c in deriver.conditions if c.subject_kind == "finding")
    return seen


def _cycle_problem(rule: Rule) -> Defect:
    return Defect(
        rule.file,
        f"rule {rule.id}",
        "when",
        "this rule depends on its own result through an `absent` test",
        "a finding cannot be derived from its own absence; break the cycle",
    )
