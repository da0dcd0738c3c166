"""Plain mode (stdin not a terminal) and session recording: the same text as the REPL, no escapes.

Writes only to the streams it is given.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from .blocks import Block, Note, Problem, Reload, Save
from .dialogue import Consultation
from .errors import CalcifyError, KnowledgeBaseError
from .knowledge import load_knowledge_base
from .render import blocks_lines, safe
from .transcript import transcript_text, write_new

EXIT_OK, EXIT_UNFINISHED = 0, 1
RECORDED_TITLE = "recorded consultation"
RECORDED_SHOWS = "(say here what this consultation shows)"


class Recorder:
    """The session so far, as transcript lines; optionally kept on disk after every turn."""

    def __init__(self, path: Path | None = None, dry_run: bool = False) -> None:
        self.lines: list[str] = []
        self.path = path
        self.dry_run = dry_run
        """Replaying a transcript must not write the files its `save` lines name."""

    def bot(self, text: str) -> None:
        self.lines.append(text)

    def user(self, text: str) -> None:
        self.lines.append(f"> {safe(text)}")

    def text(self) -> str:
        return transcript_text(RECORDED_TITLE, RECORDED_SHOWS, self.lines)

    def save(self, path: Path, force: bool) -> Block:
        """Write the session so far to a new transcript; a Note or a Problem says how it went."""
        try:
            if not self.dry_run:
                write_new(path, self.text(), force)
        except CalcifyError as exc:
            return Problem(str(exc))
        return Note(f"Saved the consultation so far to {path}.")

    def keep(self) -> None:
        """Rewrite the --record file with the session so far."""
        if self.path is not None:
            write_new(self.path, self.text(), force=True)


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
) -> int:
    """Read answers line by line; print what the REPL prints, with each input echoed as '> '."""
    recorder = recorder or Recorder()

    def emit(blocks: list[Block]) -> None:
        for line in blocks_lines(consultation.kb, carry_out(blocks, consultation, recorder)):
            out.write(line.text + "\n")
            recorder.bot(line.text)
        recorder.keep()

    emit(consultation.start())
    for text in lines:
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
