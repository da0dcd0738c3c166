"""Output taller than the screen goes through a pager in the REPL, as pgcli does: `$PAGER`,
else `less -R`, and only when stdout is a terminal (never in plain mode or transcripts).
less is given pgcli's `LESS=-RXF` unless the user set LESS: it leaves the text on the screen
and quits at once if the text fits. The text paged is plain, so NO_COLOR holds there too."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from contextlib import suppress
from typing import Any

from chatbot.ui.lines import Line

Pager = Callable[[str], None]
"""Shows a text that is taller than the screen, e.g. through less."""

DEFAULT_PAGER = "less -R"


def system_pager(output: Any = None) -> Pager | None:
    """The user's pager when the REPL writes to the terminal itself, else None."""
    if output is not None or not sys.stdout.isatty():
        return None
    command = os.environ.get("PAGER", "").strip() or DEFAULT_PAGER

    def page(text: str) -> None:
        environment = {"LESS": "-RXF", **os.environ}
        try:
            with subprocess.Popen(
                command, shell=True, stdin=subprocess.PIPE, env=environment, text=True
            ) as process:
                with suppress(BrokenPipeError, KeyboardInterrupt):
                    process.communicate(text)
        except OSError:  # no such pager: show the text as it is
            sys.stdout.write(text)

    return page


def is_taller(lines: Sequence[Line], rows: int) -> bool:
    """Whether the lines, with the prompt below them, overflow a screen of these rows."""
    return len(lines) > rows - 1


def paged_text(lines: Sequence[Line]) -> str:
    return "".join(line.text + "\n" for line in lines)
