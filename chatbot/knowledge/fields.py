"""Typed reading of one TOML table, collecting located defects instead of raising."""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Mapping
from typing import Any

from chatbot.errors import Defect
from chatbot.knowledge.text import is_specific


def did_you_mean(
    name: str, known: Iterable[str], cutoff: float = 0.6, shown: Mapping[str, str] | None = None
) -> str:
    """A "did you mean X?" hint for a misspelled id, or an empty string; `shown` maps a known
    spelling to the name to show instead (a choice's label to its id)."""
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=cutoff)
    if not close:
        return ""
    return f"did you mean {(shown or {}).get(close[0], close[0])!r}?"


class TableReader:
    """Reads the keys of one table, recording a Defect for each wrong or missing one."""

    def __init__(
        self, table: Any, file: str, item: str, defects: list[Defect], prefix: str = ""
    ) -> None:
        self.table: dict[str, Any] = table if isinstance(table, dict) else {}
        self.file = file
        self.item = item
        self.defects = defects
        self.prefix = prefix
        if not isinstance(table, dict):
            self.defect("", f"expected a table, found {_type_name(table)}")

    def defect(self, field: str, message: str, hint: str = "") -> None:
        where = ".".join(part for part in (self.prefix, field) if part)
        self.defects.append(Defect(self.file, self.item, where, message, hint))

    def check_keys(self, required: Iterable[str], optional: Iterable[str] = ()) -> None:
        """Report missing required keys and unknown keys (with a did-you-mean)."""
        required = tuple(required)
        allowed = (*required, *optional)
        for key in required:
            if key not in self.table:
                self.defect(key, "missing required key")
        for key in self.table:
            if key not in allowed:
                hint = did_you_mean(key, allowed) or f"allowed keys: {', '.join(allowed)}"
                self.defect(key, "unknown key", hint)

    def text(self, key: str, default: str = "") -> str:
        value = self.table.get(key, default)
        if not isinstance(value, str):
            self.defect(key, f"expected text, found {_type_name(value)}")
            return default
        if key in self.table and not value.strip():
            self.defect(key, "must not be empty")
        return value.strip()

    def texts(self, key: str) -> tuple[str, ...]:
        value = self.table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.defect(key, "expected a list of text")
            return ()
        return tuple(v.strip() for v in value)

    def number(self, key: str, default: float = 0.0) -> float:
        value = self.table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.defect(key, f"expected a number, found {_type_name(value)}")
            return default
        number = finite(value)
        if number is None:
            self.defect(key, f"{_shown(value)} is not a finite number (nan, inf or too large)")
            return default
        return number

    def integer(self, key: str, default: int = 0) -> int:
        value = self.table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            self.defect(key, f"expected a whole number, found {_type_name(value)}")
            return default
        return value

    def range(self, key: str) -> tuple[float, float] | None:
        value = self.table.get(key)
        if value is None:
            return None
        ok = isinstance(value, list) and len(value) == 2
        if not ok or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value):
            self.defect(key, "expected [low, high], two numbers")
            return None
        low, high = finite(value[0]), finite(value[1])
        if low is None or high is None:
            shown = ", ".join(_shown(v) for v in value)
            self.defect(key, f"[{shown}] holds a number that is not finite (nan, inf or too large)")
            return None
        if low >= high:
            self.defect(key, f"low ({low:g}) must be below high ({high:g})")
        return (low, high)

    def tables(self, key: str) -> list[Any]:
        value = self.table.get(key, [])
        if not isinstance(value, list):
            self.defect(key, f"expected a list of tables, found {_type_name(value)}")
            return []
        return value

    def sub(self, key: str | int, value: Any = None) -> TableReader:
        """A reader for a nested table (or list element), reported as a dotted field."""
        nested = self.table.get(key) if isinstance(key, str) else value
        prefix = ".".join(part for part in (self.prefix, str(key)) if part)
        if isinstance(key, int):
            prefix = f"{self.prefix}[{key}]"
        return TableReader(nested, self.file, self.item, self.defects, prefix)

    def element(self, key: str, index: int, value: Any) -> TableReader:
        """A reader for one table in the list under key, reported as key[index]."""
        prefix = ".".join(part for part in (self.prefix, f"{key}[{index}]") if part)
        return TableReader(value, self.file, self.item, self.defects, prefix)


def finite(value: int | float) -> float | None:
    """The value as a float, or None when it is nan, infinite or too large for a float."""
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _shown(value: Any) -> str:
    if isinstance(value, int) and value.bit_length() > 64:
        return f"an integer of about {int(value.bit_length() * 0.30103)} digits"
    text = repr(value)
    return text if len(text) <= 20 else f"{text[:8]}...({len(text)} characters)"


def _type_name(value: Any) -> str:
    names = {str: "text", bool: "true/false", int: "a number", float: "a number"}
    names |= {list: "a list", dict: "a table", type(None): "nothing"}
    return names.get(type(value), type(value).__name__)


def read_phrases(r: TableReader, key: str) -> tuple[str, ...]:
    """A list of phrases; each must have a word that is not generic ('no', 'other', 'none')."""
    phrases = r.texts(key)
    for text in phrases:
        if not is_specific(text):
            r.defect(key, f"{text!r} has no specific word and would match almost any text")
    return phrases
