"""Stratified negation: a rule that tests a finding's absence runs after every rule deriving it."""

from __future__ import annotations

from collections.abc import Sequence

from .errors import Problem
from .model import Rule


def stratify(rules: Sequence[Rule], problems: list[Problem]) -> dict[str, int]:
    """Each rule's stratum (0 runs first); a cycle through `absent` is reported as a problem."""
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
                    problems.append(_cycle_problem(rule))
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


def _cycle_problem(rule: Rule) -> Problem:
    return Problem(
        rule.file,
        f"rule {rule.id}",
        "when",
        "this rule depends on its own result through an `absent` test",
        "a finding cannot be derived from its own absence; break the cycle",
    )
