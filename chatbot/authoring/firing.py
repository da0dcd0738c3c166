"""Which rules can fire: what each test lets through, contradictions, the ways to derive a finding.

A sound over-approximation used by the static checks. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable

from chatbot.authoring.allowed import Allowed, allowed, is_empty, meet, within
from chatbot.knowledge.formula import formula_names
from chatbot.knowledge.model import Condition, KnowledgeBase, Rule

Term = frozenset[Condition]
"""Question conditions that must all hold together: one way a rule can come to fire."""

CONTEXT_LIMIT = 64
"""Most ways to fire tracked per rule; past it a rule keeps fewer, weaker terms (still sound)."""


def meet_all(kb: KnowledgeBase, conditions: Iterable[Condition]) -> Allowed:
    found: Allowed = None
    for condition in conditions:
        found = meet(found, allowed(kb, condition))
    return found


def describe(condition: Condition) -> str:
    """A condition as it is written in a rule file."""
    head = f'{condition.subject_kind} = "{condition.subject}"'
    if condition.op == "present":
        return f"`{{ {head} }}`"
    value = condition.value
    if isinstance(value, tuple):
        shown = "[" + ", ".join(f'"{v}"' for v in value) + "]"
    elif isinstance(value, float):
        shown = f"{value:g}"
    else:
        shown = "true" if value is None else f'"{value}"'
    return f"`{{ {head}, {condition.op} = {shown} }}`"


# --- conditions that cannot hold together ----------------------------------------------------


def _same_subject(first: Condition, second: Condition) -> bool:
    return (first.subject_kind, first.subject) == (second.subject_kind, second.subject)


def _clash(kb: KnowledgeBase, first: Condition, second: Condition) -> bool:
    """Whether two tests of one subject can never hold at once."""
    if not _same_subject(first, second):
        return False
    if (first.op == "absent") != (second.op == "absent"):
        return True
    if not _is_single_valued(kb, first):
        return False
    return is_empty(meet(allowed(kb, first), allowed(kb, second)))


def _is_single_valued(
    kb: KnowledgeBase, condition: Condition, seen: frozenset[str] = frozenset()
) -> bool:
    """An answer has one value; a finding only if every derivation gives the same one."""
    if condition.subject_kind == "question":
        return not kb.questions[condition.subject].several
    finding = kb.findings[condition.subject]
    derivers = kb.rules_deriving(finding.id)
    if finding.kind == "choice":
        return len({rule.outcome.value for rule in derivers}) <= 1
    if finding.kind == "flag" or not derivers:
        return True
    if len(derivers) > 1 or finding.id in seen:
        return False
    names = formula_names(derivers[0].outcome.formula)
    subjects = [c for c in derivers[0].conditions if c.subject in names]
    return all(_is_single_valued(kb, c, seen | {finding.id}) for c in subjects)


def first_clash(
    kb: KnowledgeBase, conditions: tuple[Condition, ...], others: Iterable[Condition] = ()
) -> tuple[Condition, Condition] | None:
    """The first pair (within conditions, or against others) that cannot hold together."""
    others = tuple(others)
    for index, first in enumerate(conditions):
        for second in (*conditions[index + 1 :], *others):
            if _clash(kb, first, second):
                return first, second
    return None


def is_consistent(kb: KnowledgeBase, term: Term) -> bool:
    subjects: dict[str, list[Condition]] = {}
    for condition in term:
        subjects.setdefault(condition.subject, []).append(condition)
    return not any(is_empty(meet_all(kb, group)) for group in subjects.values())


def _implies(kb: KnowledgeBase, conditions: tuple[Condition, ...], wanted: Condition) -> bool:
    """Whether a rule whose conditions hold necessarily passes the wanted test too."""
    same = [c for c in conditions if _same_subject(c, wanted)]
    if wanted.op == "absent":
        return any(c.op == "absent" for c in same)
    positive = [c for c in same if c.op != "absent"]
    if not positive:
        return False
    target = allowed(kb, wanted)
    if wanted.subject_kind == "question":  # one answer passes every test on it at once
        return within(meet_all(kb, positive), target)
    return any(within(allowed(kb, c), target) for c in positive)


def implies_all(kb: KnowledgeBase, rule: Rule, other: Rule) -> bool:
    """Whether `other` fires whenever `rule` does (its conditions follow from rule's)."""
    return all(_implies(kb, rule.conditions, wanted) for wanted in other.conditions)


# --- rules that can never fire ---------------------------------------------------------------


def ways_to_fire(kb: KnowledgeBase) -> dict[str, frozenset[Term]]:
    """For each rule, the sets of answers under which it can fire; empty: it never can."""
    contexts: dict[str, frozenset[Term]] = {rule.id: frozenset() for rule in kb.rules}
    for _ in range(len(kb.rules) + 1):  # a least fixpoint: a positive cycle supports nothing
        updated = {rule.id: _rule_contexts(kb, rule, contexts) for rule in kb.rules}
        if updated == contexts:
            break
        contexts = updated
    return contexts


def _rule_contexts(
    kb: KnowledgeBase, rule: Rule, contexts: dict[str, frozenset[Term]]
) -> frozenset[Term]:
    own = own_term(rule)
    if first_clash(kb, rule.conditions) or not is_consistent(kb, own):
        return frozenset()
    if absence_defeater(kb, rule):
        return frozenset()
    terms: frozenset[Term] = frozenset({own})
    for condition in needed_findings(rule):
        terms = _combine(kb, terms, ways_to_derive(kb, condition, contexts))
    return terms


def own_term(rule: Rule) -> Term:
    return frozenset(c for c in rule.conditions if c.subject_kind == "question")


def needed_findings(rule: Rule) -> list[Condition]:
    return [c for c in rule.conditions if c.subject_kind == "finding" and c.op != "absent"]


def rules_satisfying(kb: KnowledgeBase, condition: Condition) -> tuple[Rule, ...]:
    """The rules deriving the tested finding with a value that can pass the test."""
    derivers = kb.rules_deriving(condition.subject)
    passes = allowed(kb, condition)
    if kb.findings[condition.subject].kind != "choice" or not isinstance(passes, frozenset):
        return derivers
    return tuple(rule for rule in derivers if rule.outcome.value in passes)


def ways_to_derive(
    kb: KnowledgeBase, condition: Condition, contexts: dict[str, frozenset[Term]]
) -> frozenset[Term]:
    ways: set[Term] = set()
    for rule in rules_satisfying(kb, condition):
        ways |= contexts[rule.id]
    return frozenset(ways)


def _combine(kb: KnowledgeBase, terms: frozenset[Term], ways: frozenset[Term]) -> frozenset[Term]:
    combined = {term | way for term in terms for way in ways if is_consistent(kb, term | way)}
    if len(combined) > CONTEXT_LIMIT:
        return terms  # dropping a requirement only widens the ways to fire: still sound
    return frozenset(term for term in combined if not any(other < term for other in combined))


def absence_defeater(kb: KnowledgeBase, rule: Rule) -> tuple[Condition, Rule] | None:
    """An `absent` test that fails whenever the rule's other conditions hold."""
    for condition in rule.conditions:
        if condition.op != "absent":
            continue
        for deriver in kb.rules_deriving(condition.subject):
            if deriver is not rule and implies_all(kb, rule, deriver):
                return condition, deriver
    return None
