"""Listings for rule authors and maintainers, put into words: rules, one rule explained, the
rule network as Mermaid or Graphviz text. Pure: returns lines; never prints.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from chatbot.authoring.browse import Edge, network
from chatbot.authoring.reports import Report
from chatbot.knowledge.model import LAB_WORDS, Condition, KnowledgeBase, Rule
from chatbot.ui.words import citation_text, class_text, condition_text

GRAPH_FORMATS = ("mermaid", "dot")


def outcome_text(kb: KnowledgeBase, rule: Rule) -> str:
    outcome = rule.outcome
    if outcome.kind == "conclude":
        return f"concludes {class_text(kb, outcome.class_id, outcome.subtype)}"
    if outcome.kind == "caveat":
        return f"adds the caveat: {outcome.text}"
    if outcome.kind == "assume":
        return "assumes " + ", ".join(f"{q} = {v}" for q, v in outcome.assumes)
    finding = kb.findings[outcome.finding]
    if outcome.formula:
        return f"derives {finding.text} = {outcome.formula}"
    return f"derives: {finding.text}" + (f" = {outcome.value}" if outcome.value else "")


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


def report_line(report: Report) -> str:
    """'warning: rules/x.toml: some.rule: field: what is wrong (fix: how to mend it)'."""
    parts = (report.file, report.item, report.field)
    where = ": ".join(part for part in parts if part)
    fix = f" (fix: {report.fix})" if report.fix else ""
    return f"{report.severity}: {where}: {report.message}{fix}"


def check_lines(reports: Sequence[Report]) -> list[str]:
    """What `calcify check` prints: each report, then how many errors and warnings."""
    errors = sum(report.severity == "error" for report in reports)
    summary = f"{_count(errors, 'error')}, {_count(len(reports) - errors, 'warning')}"
    return [*(report_line(r) for r in reports), summary]


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def questions_data(kb: KnowledgeBase) -> list[dict[str, Any]]:
    """Every question with its kind, text, choices or units, and reference range."""
    return [
        {
            "id": q.id,
            "kind": q.kind,
            "text": q.text,
            "choices": [c.id for c in q.choices] or (["yes", "no"] if q.kind == "yesno" else []),
            "units": [u.name for u in q.units],
            "words": list(LAB_WORDS) if q.accepts_words else [],
            "reference": list(q.reference) if q.reference else None,
        }
        for q in kb.questions.values()
    ]


def questions_lines(kb: KnowledgeBase) -> list[str]:
    """One line a question: its id, kind, and what it accepts."""
    lines = []
    for row in questions_data(kb):
        accepts = ", ".join(row["choices"] or [*row["units"], *row["words"]])
        lines.append(f"{row['id']:<24} {row['kind']:<7} {accepts}")
    return lines


def coverage_lines(table: Mapping[str, Sequence[str]]) -> list[str]:
    """Each rule with the transcripts that fire it, and how many rules are fired at all."""
    width = max((len(rule) for rule in table), default=0)
    lines = [
        f"{rule:<{width}}  {', '.join(names) if names else '(no transcript)'}"
        for rule, names in table.items()
    ]
    fired = sum(1 for names in table.values() if names)
    return [*lines, f"{fired} of {len(table)} rules fired by at least one transcript"]


def replay_summary_lines(passed: int, failed: int, updated: int) -> list[str]:
    """The end of a replay: how many transcripts were updated, passed and failed."""
    done = [f"updated {updated} transcript{'s' if updated != 1 else ''}"] if updated else []
    return [*done, f"{passed} passed, {failed} failed"]
