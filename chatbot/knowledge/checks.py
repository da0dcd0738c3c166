"""Checks of the knowledge base as a whole, once every item is read: unique rule ids, the
indeterminate class, findings a finding contradicts. Defects are recorded, never raised."""

from __future__ import annotations

from pathlib import Path

from chatbot.errors import Defect
from chatbot.knowledge.fields import did_you_mean
from chatbot.knowledge.files import display
from chatbot.knowledge.model import INDETERMINATE, ConclusionClass, Finding, Rule


def check_contradicts(findings: dict[str, Finding], defects: list[Defect]) -> None:
    """Every finding a finding contradicts exists, and is not itself."""
    for finding in findings.values():
        for other in finding.contradicts:
            if other not in findings or other == finding.id:
                hint = did_you_mean(other, findings)
                message = f"{other!r} is not another finding"
                defects.append(
                    Defect(finding.file, f"finding {finding.id}", "contradicts", message, hint)
                )


def check_indeterminate(
    directory: Path, classes: dict[str, ConclusionClass], defects: list[Defect]
) -> None:
    """The class reported when nothing is concluded must exist (the README requires it)."""
    if INDETERMINATE not in classes:
        file = next((c.file for c in classes.values()), display(directory))
        defects.append(
            Defect(
                file,
                "",
                "class",
                f"the class {INDETERMINATE!r} is missing",
                "it is reported when no rule concludes",
            )
        )


def check_unique_rules(rules: list[Rule], defects: list[Defect]) -> None:
    seen: dict[str, Rule] = {}
    for rule in rules:
        if rule.id in seen:
            first = seen[rule.id]
            defects.append(
                Defect(
                    rule.file,
                    f"rule {rule.id}",
                    "id",
                    "duplicate rule id",
                    f"first in {first.file}",
                )
            )
        seen.setdefault(rule.id, rule)
