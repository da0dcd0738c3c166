"""Lines folded to a width without ever splitting a word: plain mode and transcripts at a
fixed 80 columns, the REPL at the terminal's width. Pure: no I/O."""

from __future__ import annotations

import re
import textwrap

from chatbot.ui.lines import Line

PLAIN_WIDTH = 80
"""Plain mode and transcripts: the same text on every terminal."""

_MARKER = re.compile(r"\s*(?:-> |- |\d+\. |\[|\S(?:\S| (?! ))*\s{2,}(?=\S))?")
"""A line's indent and its list marker ('- ', '-> ', '12. ') or first column (a word or
two, then two spaces or more): a wrapped line's continuation goes under the text after
them. '[' keeps a citation's continuation inside its bracket."""


def wrapped(lines: list[Line], width: int = PLAIN_WIDTH) -> list[Line]:
    """Each line folded to the width at spaces; a word longer than the width stays whole."""
    return [part for line in lines for part in wrap_line(line, width)]


def wrapped_text(lines: list[str], width: int = PLAIN_WIDTH) -> list[str]:
    """Plain text lines folded as `wrapped` folds styled ones (one-shot command output)."""
    return [part.text for line in lines for part in wrap_line(Line(line), width)]


def wrap_line(line: Line, width: int) -> list[Line]:
    if len(line.text) <= width:
        return [line]
    found = _MARKER.match(line.text)
    hang = len(found.group(0)) if found else 0
    if hang > width // 2:
        hang = 0
    parts = textwrap.wrap(
        line.text,
        width=max(width, 2),
        subsequent_indent=" " * hang,
        break_long_words=False,
        break_on_hyphens=False,
        drop_whitespace=True,
    )
    return [Line(part, line.style) for part in parts] or [line]
