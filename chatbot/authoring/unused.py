"""Checks for what the knowledge base declares but no rule uses: questions, findings,
sources, and classes no rule concludes. Pure: no I/O."""

from __future__ import annotations

from collections.abc import Iterator

from chatbot.authoring.reports import Report
from chatbot.knowledge.model import INDETERMINATE, KnowledgeBase


def _tested(kb: KnowledgeBase, kind: str) -> set[str]:
    """Subjects tested by a rule, or by a question's `asking` conditions."""
    found = {c.subject for rule in kb.rules for c in rule.conditions if c.subject_kind == kind}
    asked = {c.subject for a in kb.asking.values() for c in a.conditions}
    return found | {s for s in asked if (s in kb.findings) == (kind == "finding")}


def unused_questions(kb: KnowledgeBase) -> Iterator[Report]:
    tested = _tested(kb, "question")
    for question in kb.questions.values():
        if question.id not in tested:
            yield Report(
                "warning",
                question.file,
                f"question {question.id}",
                "no rule tests this question, so its answer never changes a result",
                "test it in a rule's `when`, or delete the question",
            )


def unused_findings(kb: KnowledgeBase) -> Iterator[Report]:
    tested = _tested(kb, "finding")
    for finding in kb.findings.values():
        item = f"finding {finding.id}"
        derivers = kb.rules_deriving(finding.id)
        if not derivers:
            also = "" if finding.id in tested else " and no rule tests it"
            message = f"no rule derives this finding{also}"
            yield Report(
                "warning", finding.file, item, message, "derive it in a rule, or delete it"
            )
        elif finding.id not in tested:
            ids = ", ".join(rule.id for rule in derivers)
            message = f"no rule tests this finding, so deriving it ({ids}) changes no result"
            fix = "test it in a rule's `when`, or delete it and the rules that derive it"
            yield Report("warning", finding.file, item, message, fix)


def unconcluded_classes(kb: KnowledgeBase) -> Iterator[Report]:
    conclusions = [rule.outcome for rule in kb.rules if rule.outcome.kind == "conclude"]
    concluded = {(outcome.class_id, outcome.subtype) for outcome in conclusions}
    for cls in kb.classes.values():
        item = f"class {cls.id}"
        if cls.id == INDETERMINATE:
            continue
        if cls.id not in {class_id for class_id, _ in concluded}:
            message = "no rule concludes this class or any of its subtypes"
            yield Report("warning", cls.file, item, message, "add a rule that concludes it")
            continue
        for subtype in cls.subtypes:
            if (cls.id, subtype.id) not in concluded:
                message = f"no rule concludes its subtype '{subtype.id}'"
                fix = "add a rule that concludes it, or delete the subtype"
                yield Report("warning", cls.file, item, message, fix)


def uncited_sources(kb: KnowledgeBase) -> Iterator[Report]:
    cited = {rule.citation.source for rule in kb.rules}
    cited |= {question.citation.source for question in kb.questions.values()}
    cited |= {q.number_choices.citation.source for q in kb.questions.values() if q.number_choices}
    reading = kb.reading
    for items in (reading.cues, reading.panels, reading.descriptions):
        cited |= {item.citation.source for item in items.values()}
    for source in kb.sources.values():
        if source.id not in cited:
            yield Report(
                "warning",
                source.file,
                f"source {source.id}",
                "no rule, question or reading entry cites this source",
                "cite it from the rule or question it supports, or delete it",
            )
