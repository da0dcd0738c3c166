"""Static checks behind `calcify check`: rules that can never fire, redundant rules, unused items.

Pure: no I/O (check() reads files only through the loader) and never prints.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from chatbot.authoring.allowed import is_empty
from chatbot.authoring.contradictions import contradictions
from chatbot.authoring.divisors import zero_divisors
from chatbot.authoring.firing import (
    Term,
    absence_defeater,
    describe,
    first_clash,
    implies_all,
    is_consistent,
    meet_all,
    needed_findings,
    own_term,
    rules_satisfying,
    ways_to_derive,
    ways_to_fire,
)
from chatbot.authoring.reports import Report, Severity
from chatbot.authoring.unused import (
    uncited_sources,
    unconcluded_classes,
    unused_findings,
    unused_questions,
)
from chatbot.errors import KnowledgeBaseError
from chatbot.knowledge.loader import load_knowledge_base
from chatbot.knowledge.model import Condition, KnowledgeBase, Rule


def lint(kb: KnowledgeBase) -> list[Report]:
    """Every static problem in the knowledge base, ordered by file, then item."""
    contexts = ways_to_fire(kb)
    dead = {rule.id for rule in kb.rules if not contexts[rule.id]}
    reports = [
        *_never_firing(kb, contexts),
        *_redundant(kb, dead),
        *unused_questions(kb),
        *unused_findings(kb),
        *unconcluded_classes(kb),
        *uncited_sources(kb),
        *contradictions(kb),
        *zero_divisors(kb),
    ]
    return sorted(reports, key=lambda report: (report.file, report.item))


def check(directory: Path) -> list[Report]:
    """What `calcify check` reports: the loader's errors if it cannot load, else the
    static analysis of the knowledge base."""
    try:
        kb = load_knowledge_base(directory)
    except KnowledgeBaseError as exc:
        return [Report("error", d.file, d.item, d.message, d.hint, d.field) for d in exc.defects]
    return lint(kb)


def exit_code(reports: list[Report], strict: bool) -> int:
    """2 with errors; 1 with warnings when strict; else 0."""
    if any(report.severity == "error" for report in reports):
        return 2
    return 1 if reports and strict else 0


def _never_firing(kb: KnowledgeBase, contexts: dict[str, frozenset[Term]]) -> Iterator[Report]:
    for rule in kb.rules:
        if not contexts[rule.id]:
            message, fix = _why_never(kb, rule, contexts)
            yield _rule_report("error", rule, f"can never fire: {message}", fix)


def _why_never(
    kb: KnowledgeBase, rule: Rule, contexts: dict[str, frozenset[Term]]
) -> tuple[str, str]:
    reason = _clash_reason(kb, rule) or _defeat_reason(kb, rule)
    for condition in needed_findings(rule):
        reason = reason or _underived_reason(kb, condition, own_term(rule), contexts)
    tests = ", ".join(describe(c) for c in needed_findings(rule))
    return reason or (
        f"no one set of answers derives all the findings it needs ({tests})",
        "compare the conditions of the rules deriving them, or drop one of these conditions",
    )


def _clash_reason(kb: KnowledgeBase, rule: Rule) -> tuple[str, str] | None:
    clash = first_clash(kb, rule.conditions)
    if clash:
        first, second = clash
        message = f"{describe(first)} and {describe(second)} cannot both hold"
        return message, "remove one of the two conditions or correct its value"
    for subject in sorted({c.subject for c in own_term(rule)}):
        group = [c for c in rule.conditions if c in own_term(rule) and c.subject == subject]
        if is_empty(meet_all(kb, group)):
            tests = ", ".join(describe(c) for c in group)
            message = f"no answer to question '{subject}' passes all of {tests}"
            return message, "remove one of these conditions or correct its values"
    return None


def _defeat_reason(kb: KnowledgeBase, rule: Rule) -> tuple[str, str] | None:
    defeat = absence_defeater(kb, rule)
    if defeat is None:
        return None
    condition, deriver = defeat
    message = (
        f"whenever its other conditions hold, rule {deriver.id} derives "
        f"'{condition.subject}', so {describe(condition)} fails"
    )
    return message, f"remove the `absent` test, or a condition that implies rule {deriver.id}'s"


def _underived_reason(
    kb: KnowledgeBase, condition: Condition, own: Term, contexts: dict[str, frozenset[Term]]
) -> tuple[str, str] | None:
    finding, derivers = condition.subject, kb.rules_deriving(condition.subject)
    if not derivers:
        return f"no rule derives finding '{finding}'", (
            f"add a rule that derives '{finding}', or remove {describe(condition)}"
        )
    satisfying = rules_satisfying(kb, condition)
    if not satisfying:
        values = ", ".join(sorted({f'"{rule.outcome.value}"' for rule in derivers}))
        message = f"no rule gives finding '{finding}' a value that passes {describe(condition)}"
        return f"{message} (rules derive {values})", "test a value that some rule derives"
    if not any(contexts[rule.id] for rule in satisfying):
        ids = ", ".join(rule.id for rule in satisfying)
        message = f"every rule that derives finding '{finding}' can never fire ({ids})"
        return message, "fix those rules first: see their own errors"
    ways = ways_to_derive(kb, condition, contexts)
    if any(is_consistent(kb, own | way) for way in ways):
        return None
    message = f"finding '{finding}' is only derived from answers that contradict this rule's"
    fix = f"make the conditions agree with the rules deriving '{finding}', or drop one"
    return message + _contradiction_example(kb, own, ways), fix


def _contradiction_example(kb: KnowledgeBase, own: Term, ways: frozenset[Term]) -> str:
    for way in sorted(ways, key=_term_key):
        clash = first_clash(kb, tuple(sorted(own, key=describe)), sorted(way, key=describe))
        if clash:
            return f" (this rule needs {describe(clash[0])}, they need {describe(clash[1])})"
    return ""


def _term_key(term: Term) -> list[str]:
    return sorted(describe(condition) for condition in term)


def _rule_report(severity: Severity, rule: Rule, message: str, fix: str) -> Report:
    return Report(severity, rule.file, f"rule {rule.id}", message, fix)


# --- rules that add nothing ------------------------------------------------------------------


def _redundant(kb: KnowledgeBase, dead: set[str]) -> Iterator[Report]:
    alive = [rule for rule in kb.rules if rule.id not in dead]
    for rule in alive:
        followers = [o for o in alive if o is not rule and implies_all(kb, rule, o)]
        twins = [o for o in followers if implies_all(kb, o, rule)]
        for other in twins:
            if other.order < rule.order:
                yield from _twin_reports(rule, other)
        shadows = [o for o in followers if o not in twins and _shadows(o, rule)]
        if shadows:
            yield _shadow_report(rule, shadows)


def _same_outcome(rule: Rule, other: Rule) -> bool:
    return rule.outcome == other.outcome and rule.applies_to == other.applies_to


def _shadows(other: Rule, rule: Rule) -> bool:
    """Whether other, firing whenever rule does, makes rule useless (a priority can matter)."""
    outranks = rule.outcome.kind != "conclude" or other.priority >= rule.priority
    return _same_outcome(rule, other) and outranks


def _shadow_report(rule: Rule, shadows: list[Rule]) -> Report:
    names = ", ".join(f"rule {other.id}" for other in shadows)
    message = (
        f"shadowed by {names}: the same outcome under a subset of these conditions, "
        "so it fires whenever this rule does and this rule adds nothing"
    )
    return _rule_report("warning", rule, message, "delete this rule, or give it its own outcome")


def _twin_reports(rule: Rule, other: Rule) -> Iterator[Report]:
    """Rule has exactly the conditions of the earlier rule other."""
    mine, theirs = rule.outcome, other.outcome
    if _same_outcome(rule, other):
        message = f"duplicates rule {other.id}: the same conditions and the same outcome"
        yield _rule_report("warning", rule, message, "delete one of the two rules")
    elif mine.kind == theirs.kind == "conclude" and mine.class_id != theirs.class_id:
        yield _class_conflict(rule, other)
    elif mine.kind == theirs.kind == "conclude" and mine.subtype and theirs.subtype:
        winner = min(rule, other, key=_rank)
        message = (
            f"concludes subtype '{mine.subtype}' under the same conditions as rule {other.id}, "
            f"which concludes '{theirs.subtype}': '{winner.outcome.subtype}' always wins"
        )
        yield _rule_report("warning", rule, message, "add a condition that tells them apart")


def _rank(rule: Rule) -> tuple[int, int]:
    """How conclusions compete: the highest priority, then the earliest rule, wins."""
    return (-rule.priority, rule.order)


def _class_conflict(rule: Rule, other: Rule) -> Report:
    message = (
        f"concludes '{rule.outcome.class_id}' under the same conditions as rule {other.id}, "
        f"which concludes '{other.outcome.class_id}'"
    )
    fix = "add a condition that tells the two classes apart"
    winner = min(rule, other, key=_rank).outcome.class_id
    if rule.priority == other.priority:
        message += f", at the same priority: only file order makes '{winner}' win"
        return _rule_report("error", rule, message, fix)
    message += f"; '{winner}' always wins on priority"
    return _rule_report("warning", rule, message, fix)


# --- items nothing uses ----------------------------------------------------------------------
