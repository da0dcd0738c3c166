"""What a condition means: the test it applies to one answer or finding value.

The engine matches with these tests and the analysis reads truths with them, so both agree
by construction. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chatbot.knowledge.model import UNKNOWN, Condition


def predicate(condition: Condition) -> Callable[[Any], bool]:
    """The test a condition applies to one answer or finding value."""
    op, expected = condition.op, condition.value
    if op in ("gt", "ge", "lt", "le"):
        return _numeric(op, float(expected))  # type: ignore[arg-type]
    if op == "is":
        return lambda value: bool(value == expected)
    if op == "not":
        return lambda value: value != expected and value != UNKNOWN
    if op == "in":
        return lambda value: value in expected  # type: ignore[operator]
    if op == "not_in":
        return lambda value: value not in expected and value != UNKNOWN  # type: ignore[operator]
    return lambda value: value != UNKNOWN


def _numeric(op: str, limit: float) -> Callable[[Any], bool]:
    compare: Callable[[float, float], bool] = {
        "gt": float.__gt__,
        "ge": float.__ge__,
        "lt": float.__lt__,
        "le": float.__le__,
    }[op]
    return lambda value: isinstance(value, float) and compare(value, limit)
