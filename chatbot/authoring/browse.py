"""Browsing the knowledge base for rule authors: searching rules, and the rule network as
edges from questions and findings to what rules derive or conclude.

Returns data; ui/listings.py puts it into words. Pure: no I/O.
"""

from __future__ import annotations

from chatbot.knowledge.model import Condition, KnowledgeBase, Rule
from chatbot.knowledge.text import normalise


def search_rules(kb: KnowledgeBase, text: str) -> list[Rule]:
    """Rules whose id, conditions, outcome, because-text or source mention the text."""
    words = normalise(text)
    return [rule for rule in kb.rules if not words or words in normalise(_haystack(kb, rule))]


def _haystack(kb: KnowledgeBase, rule: Rule) -> str:
    """Every name and word a rule is known by: its id, because-text, source, what it tests
    (questions, findings, values and their labels) and what it produces."""
    source = kb.sources.get(rule.citation.source)
    parts = [rule.id, rule.because, rule.citation.source, rule.citation.locator]
    parts += [source.title] if source else []
    for condition in rule.conditions:
        parts += _condition_words(kb, condition)
    outcome = rule.outcome
    if outcome.kind == "conclude":
        cls = kb.classes.get(outcome.class_id)
        subtype = cls.subtype(outcome.subtype) if cls and outcome.subtype else None
        parts += ["concludes", outcome.class_id, cls.label if cls else ""]
        parts += [outcome.subtype, subtype.label if subtype else ""]
    elif outcome.kind == "caveat":
        parts += ["caveat", outcome.text]
    else:
        finding = kb.findings.get(outcome.finding)
        parts += ["derives", outcome.finding, finding.text if finding else ""]
        parts += [outcome.value, outcome.formula]
    return " ".join(parts)


def _condition_words(kb: KnowledgeBase, condition: Condition) -> list[str]:
    values = condition.value if isinstance(condition.value, tuple) else (condition.value,)
    words = [condition.subject, *(str(v) for v in values if v is not None)]
    question = kb.questions.get(condition.subject) if condition.subject_kind == "question" else None
    if question is not None:
        words.append(question.name)
        words += [c.label for c in question.choices if c.id in values]
    finding = kb.findings.get(condition.subject) if condition.subject_kind == "finding" else None
    if finding is not None:
        words.append(finding.text)
    return words


# -- the network ----------------------------------------------------------------------------

Edge = tuple[str, str, bool]
"""(from node, to node, negated): questions and findings feed findings and classes."""


def network(kb: KnowledgeBase) -> list[Edge]:
    """Edges from each tested question or finding to what the rule derives or concludes."""
    edges: list[Edge] = []
    for rule in kb.rules:
        target = _target(rule)
        if target is None:
            continue
        for condition in rule.conditions:
            edge = (_node(condition), target, condition.op == "absent")
            if edge not in edges:
                edges.append(edge)
    return edges


def _node(condition: Condition) -> str:
    prefix = "q" if condition.subject_kind == "question" else "f"
    return f"{prefix}_{condition.subject}"


def _target(rule: Rule) -> str | None:
    if rule.outcome.kind == "derive":
        return f"f_{rule.outcome.finding}"
    if rule.outcome.kind == "conclude":
        return f"c_{rule.outcome.class_id}"
    return None
