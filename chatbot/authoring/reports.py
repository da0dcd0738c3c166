"""What `calcify check` reports: one problem, located by file, item and field, with a fix."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Report:
    """One thing `calcify check` reports, located by file, item (and field), with its fix."""

    severity: Severity
    file: str
    item: str
    message: str
    fix: str
    field: str = ""
