"""Plain mode (stdin not a terminal) and session recording: the same text as the REPL, no escapes.

Writes only to the streams it is given.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from chatbot.consultation.blocks import Block, Problem, Reload, Save
from chatbot.consultation.dialogue import Consultation
from chatbot.consultation.interrupts import held_interrupt
from chatbot.consultation.session import Recorder
from chatbot.errors import KnowledgeBaseError
from chatbot.knowledge.loader import load_knowledge_base
from chatbot.ui.render import blocks_lines
from chatbot.ui.report import safe

EXIT_OK, EXIT_UNFINISHED = 0, 1


def carry_out(blocks: list[Block], consultation: Consultation, recorder: Recorder) -> list[Block]:
    """The shell's side of `save` and `reload`: the dialogue itself never touches files."""
    result: list[Block] = []
    for block in blocks:
        if isinstance(block, Save):
            result.append(recorder.save(Path(block.path), block.force))
        elif isinstance(block, Reload):
            result.extend(reload_knowledge(consultation))
        else:
            result.append(block)
    return result


def reload_knowledge(consultation: Consultation) -> list[Block]:
    """Load the rules again; on errors keep the old ones and say why."""
    try:
        kb = load_knowledge_base(consultation.kb.directory)
    except KnowledgeBaseError as exc:
        return [Problem(f"not reloaded, the previous rules stay in use: {exc}")]
    return consultation.replace_knowledge(kb)


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
        lines = blocks_lines(consultation.kb, carry_out(blocks, consultation, recorder))
        for line in lines:
            recorder.bot(line.text)
        # kept on disk before the next question is shown: an answer seen is an answer saved
        for message in recorder.keep(consultation.is_finished):
            err.write(f"calcify: {message}\n")
        out.writelines(line.text + "\n" for line in lines)
        out.flush()

    if opening is None:
        with held_interrupt():
            emit(consultation.start())
    else:  # a resumed session: its beginning is already in the recording
        out.writelines(line.text + "\n" for line in blocks_lines(consultation.kb, opening))
    for text in lines:
        with held_interrupt():  # a turn is never left half done: Ctrl-C waits for its end
            out.write(f"> {safe(text)}\n")
            recorder.user(text)
            emit(consultation.respond(text))
        if consultation.quit:
            return EXIT_OK
    if consultation.is_finished:
        return EXIT_OK
    err.write("calcify: input ended before the consultation finished\n")
    return EXIT_UNFINISHED


def stdin_lines(stream: Any, err: TextIO) -> Iterator[str]:
    """Lines of a binary stream as text; a line that is not UTF-8 is reported and skipped."""
    for number, raw in enumerate(stream, start=1):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            err.write(f"calcify: input line {number} is not UTF-8 text; it was skipped\n")
            continue
        yield text.rstrip("\r\n")
