"""The one error root, split into knowledge-base (author) errors and answer (user) errors."""

from __future__ import annotations

from dataclasses import dataclass


class CalcifyError(Exception):
    """Anything calcify reports to a person instead of a traceback."""


@dataclass(frozen=True)
class Defect:
    """One thing wrong in the knowledge base, located by file, item and field."""

    file: str
    item: str
    field: str
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = f"{self.file}: {self.item}" if self.item else self.file
        if self.field:
            where += f": {self.field}"
        text = f"{where}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text


class KnowledgeBaseError(CalcifyError):
    """The knowledge base could not be loaded; carries every defect found."""

    def __init__(self, defects: list[Defect]) -> None:
        self.defects = tuple(defects)
        count = len(self.defects)
        head = f"the knowledge base has {count} error{'s' if count != 1 else ''}:"
        super().__init__("\n".join([head, *(f"  {p}" for p in self.defects)]))


class AnswerError(CalcifyError):
    """A typed answer could not be read for its question."""
