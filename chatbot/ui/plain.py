"""Plain mode (stdin not a terminal): the same text as the REPL, each input echoed as '> ', no
escapes. The text a transcript holds, so replaying one is playing its inputs here.

Writes only to the streams it is given.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from chatbot.consultation.blocks import Block
from chatbot.consultation.dialogue import Consultation
from chatbot.consultation.interrupts import held_interrupt
from chatbot.consultation.session import Recorder
from chatbot.consultation.turn import take_turn
from chatbot.engine.engine import Engine
from chatbot.knowledge.model import KnowledgeBase
from chatbot.knowledge.text import safe
from chatbot.ui.render import blocks_lines
from chatbot.ui.turns import kept_lines
from chatbot.ui.wrap import PLAIN_WIDTH, wrapped

EXIT_OK, EXIT_UNFINISHED = 0, 1


def run_plain(
    consultation: Consultation,
    lines: Iterable[str],
    out: TextIO,
    err: TextIO,
    recorder: Recorder | None = None,
    opening: list[Block] | None = None,
) -> int:
    """Read answers line by line; print what the REPL prints, with each input echoed as '> '.

    Ctrl-C raises KeyboardInterrupt between turns only, when every turn shown is kept.
    """
    recorder = recorder or Recorder()

    def emit(blocks: list[Block]) -> None:
        lines, failures = kept_lines(consultation, recorder, blocks)
        err.writelines(message + "\n" for message in failures)
        out.writelines(line.text + "\n" for line in wrapped(lines, PLAIN_WIDTH))
        out.flush()

    if opening is None:
        with held_interrupt():
            emit(consultation.start())
    else:  # a resumed session: its beginning is already in the recording
        opened = wrapped(blocks_lines(consultation.kb, opening), PLAIN_WIDTH)
        out.writelines(line.text + "\n" for line in opened)
    for text in lines:
        with held_interrupt() as held:  # a turn is never left half done: Ctrl-C waits
            out.write(f"> {safe(text)}\n")  # for its end (a long reading gives way to it)
            emit(take_turn(consultation, recorder, text, held.check))
        if consultation.quit:
            return EXIT_OK
    if consultation.is_finished:
        return EXIT_OK
    err.write("calcify: input ended before the consultation finished\n")
    return EXIT_UNFINISHED


def play(kb: KnowledgeBase, inputs: Iterable[str], engine: Engine | None = None) -> tuple[str, ...]:
    """The plain-mode output of a consultation fed these inputs (a transcripts.Player)."""
    out, err = io.StringIO(), io.StringIO()
    run_plain(Consultation(kb, engine), inputs, out, err, Recorder(dry_run=True))
    return tuple(out.getvalue().splitlines())


def stdin_lines(stream: Any, err: TextIO) -> Iterator[str]:
    """Lines of a binary stream as text; a line that is not UTF-8 is reported and skipped."""
    for number, raw in enumerate(stream, start=1):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            err.write(f"calcify: input line {number} is not UTF-8 text; it was skipped\n")
            continue
        yield text.rstrip("\r\n")
