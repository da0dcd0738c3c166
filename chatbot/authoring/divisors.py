"""Formulas that may divide by zero: a warning of `calcify check`. The loader refuses a
divisor that is always 0; a divisor that is a bare name may be 0 when its plausible range
does not exclude 0 (the finding is then `not computable` for such answers)."""

from __future__ import annotations

from collections.abc import Iterator

from chatbot.authoring.reports import Report
from chatbot.knowledge.formula import bare_divisors
from chatbot.knowledge.model import KnowledgeBase


def zero_divisors(kb: KnowledgeBase) -> Iterator[Report]:
    for rule in kb.rules:
        if not rule.outcome.formula:
            continue
        for name in bare_divisors(rule.outcome.formula):
            question = kb.questions.get(name)
            bounds = question.plausible if question is not None else None
            if bounds is None or bounds[0] <= 0 <= bounds[1]:
                yield Report(
                    "warning",
                    rule.file,
                    f"rule {rule.id}",
                    f"divides by {name!r}, which may be 0: the finding is then not computable",
                    "divide by a number question whose plausible range excludes 0",
                    "derive.formula",
                )
