"""A line of output: its text and a style name the REPL may colour. Pure data."""

from __future__ import annotations

from typing import NamedTuple


class Line(NamedTuple):
    """One line of output with a style name the REPL may colour ("" is plain)."""

    text: str
    style: str = ""
