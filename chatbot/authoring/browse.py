"""Views of the knowledge base for rule authors: search, one rule explained, the rule network.

Pure: returns lines; never prints.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from chatbot.knowledge.model import Condition, KnowledgeBase, Rule
from chatbot.knowledge.text import normalise
from chatbot.ui.report import citation_text, class_text, condition_text

GRAPH_FORMATS = ("mermaid", "dot")


def outcome_text(kb: KnowledgeBase, rule: Rule) -> str:
    outcome = rule.outcome
    if outcome.kind == "conclude":
        return f"concludes {class_text(kb, outcome.class_id, outcome.subtype)}"
    if outcome.kind == "caveat":
        return f"adds the caveat: {outcome.text}"
    finding = kb.findings[outcome.finding]
    if outcome.formula:
        return f"derives {finding.text} = {outcome.formula}"
    return f"derives: {finding.text}" + (f" = {outcome.value}" if outcome.value else "")


def search_rules(kb: KnowledgeBase, text: str) -> list[Rule]:
    """Rules whose id, conditions, outcome, because-text or source mention the text."""
    words = normalise(text)
    return [rule for rule in kb.rules if not words or words in normalise(_haystack(kb, rule))]


def _haystack(kb: KnowledgeBase, rule: Rule) -> str:
    parts = [rule.id, rule.because, outcome_text(kb, rule), citation_text(kb, rule.citation)]
    parts += [condition_text(kb, c) for c in rule.conditions]
    parts += [c.subject for c in rule.conditions]
    return " ".join(parts)


def rule_list_lines(kb: KnowledgeBase, rules: Sequence[Rule]) -> list[str]:
    lines = []
    for rule in rules:
        lines += [
            f"{rule.id}: {outcome_text(kb, rule)}",
            f"    because {rule.because}",
            f"    [{citation_text(kb, rule.citation)}]",
        ]
    lines.append(f"{len(rules)} rule{'s' if len(rules) != 1 else ''}")
    return lines


def explain_rule_lines(
    kb: KnowledgeBase, rule: Rule, fired_by: Mapping[str, Sequence[str]] | None
) -> list[str]:
    """A rule, what it needs, what uses its result, and which transcripts fire it."""
    source = kb.sources.get(rule.citation.source)
    lines = [
        f"rule {rule.id}  ({rule.file}, priority {rule.priority})",
        "  when:",
        *(f"    - {condition_text(kb, c)}{_needs(kb, c)}" for c in rule.conditions),
        f"  then: {outcome_text(kb, rule)}",
        f"  because: {rule.because}",
        f"  source: {citation_text(kb, rule.citation)}" + (f" <{source.url}>" if source else ""),
    ]
    if rule.outcome.kind == "derive":
        users = [
            r.id for r in kb.rules if any(_tests(c, rule.outcome.finding) for c in r.conditions)
        ]
        lines.append(f"  used by: {', '.join(users) if users else 'no rule'}")
    if fired_by is not None:
        names = fired_by.get(rule.id, [])
        lines.append(f"  fired by transcripts: {', '.join(names) if names else 'none'}")
    return lines


def _needs(kb: KnowledgeBase, condition: Condition) -> str:
    if condition.subject_kind == "question":
        return f"  (asked: {condition.subject})"
    derivers = [r.id for r in kb.rules_deriving(condition.subject)]
    return f"  (derived by: {', '.join(derivers) if derivers else 'no rule'})"


def _tests(condition: Condition, finding_id: str) -> bool:
    return condition.subject_kind == "finding" and condition.subject == finding_id


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


def _label(kb: KnowledgeBase, node: str) -> str:
    kind, _, name = node.partition("_")
    if kind == "q":
        return kb.questions[name].name
    if kind == "f":
        return name.replace("_", " ")
    return kb.classes[name].label


def graph_lines(kb: KnowledgeBase, style: str) -> list[str]:
    """The rule network as Mermaid or Graphviz dot text."""
    edges = network(kb)
    nodes = sorted({n for a, b, _ in edges for n in (a, b)}, key=lambda n: ("qfc".index(n[0]), n))
    if style == "dot":
        return _dot(kb, nodes, edges)
    return _mermaid(kb, nodes, edges)


def _mermaid(kb: KnowledgeBase, nodes: list[str], edges: list[Edge]) -> list[str]:
    shapes = {"q": ('[/"', '"/]'), "f": ('("', '")'), "c": ('[["', '"]]')}
    lines = ["flowchart LR"]
    for node in nodes:
        left, right = shapes[node[0]]
        lines.append(f"  {node}{left}{_label(kb, node)}{right}")
    for a, b, negated in edges:
        lines.append(f"  {a} {'-. not .->' if negated else '-->'} {b}")
    return lines


def _dot(kb: KnowledgeBase, nodes: list[str], edges: list[Edge]) -> list[str]:
    shapes = {"q": "parallelogram", "f": "ellipse", "c": "box"}
    lines = ["digraph calcify {", "  rankdir=LR;"]
    for node in nodes:
        label = _label(kb, node).replace('"', "'")
        lines.append(f'  {node} [label="{label}", shape={shapes[node[0]]}];')
    for a, b, negated in edges:
        lines.append(f"  {a} -> {b}{' [style=dashed, label=not]' if negated else ''};")
    lines.append("}")
    return lines
