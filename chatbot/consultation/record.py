"""A consultation's record on disk: the transcript format (parse, write), shared by sessions,
recordings and the transcript tools.

A transcript is the plain-mode output of a consultation (the user's lines prefixed '> '),
preceded by a '#' header with a title and what the case shows. '#' lines are comments.
A whole write is atomic: a crash leaves the old file intact. A kept session grows by
appends (KeptFile), where a crash can cut at most the last line short; reading a kept
session leaves such a line out. Never prints.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from chatbot.consultation.files import Moved, WriteRefused, Written, append_file, write_file
from chatbot.errors import CalcifyError

USER = "> "
HEADER_KEYS = ("title", "shows")


class TranscriptError(CalcifyError):
    """A transcript that cannot be read or parsed, located by file and line."""

    def __init__(self, path: str, line: int, message: str) -> None:
        self.path, self.line, self.message = path, line, message
        super().__init__(f"{path}:{line}: {message}" if line > 0 else f"{path}: {message}")

    def __reduce__(self) -> tuple[type[TranscriptError], tuple[str, int, str]]:
        """Rebuilt from its parts: a parallel replay sends it back from a worker."""
        return (type(self), (self.path, self.line, self.message))


@dataclass(frozen=True)
class Transcript:
    path: str
    header: dict[str, str]
    lines: tuple[str, ...]
    """Every line of the file, comments included."""
    body: tuple[tuple[int, str], ...]
    """(line number, text) of each non-comment line: the session as printed."""
    cut: str = ""
    """A last line left out because a write was cut short (no newline at the end)."""

    @property
    def inputs(self) -> tuple[str, ...]:
        return tuple(user_text(text) for _, text in self.body if is_user_line(text))

    @property
    def title(self) -> str:
        return self.header.get("title", "")


def is_user_line(text: str) -> bool:
    return text == ">" or text.startswith(USER)


def user_text(text: str) -> str:
    return text[len(USER) :] if text.startswith(USER) else ""


def display_path(path: Path) -> str:
    """A path as messages show it: relative inside the working directory, else absolute."""
    absolute = Path(os.path.abspath(path))
    try:
        return str(absolute.relative_to(Path.cwd()))
    except ValueError:
        return str(absolute)


def read_transcript(path: Path, cut_torn: bool = False) -> Transcript:
    """Parse a transcript file; raise TranscriptError with file and line on any problem.

    cut_torn: the file is a kept session, which calcify always ends with a newline; a last
    line without one is what a write cut short left (perhaps half a number), so it is left
    out and named in Transcript.cut rather than replayed.
    """
    shown = display_path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TranscriptError(shown, 0, f"cannot read: {exc.strerror or exc}") from None
    torn = b""
    if cut_torn and data and not data.endswith(b"\n"):
        end = data.rfind(b"\n") + 1
        data, torn = data[:end], data[end:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TranscriptError(shown, 0, f"not UTF-8 text (byte {exc.start})") from None
    transcript = parse_transcript(shown, text)
    cut = torn.decode("utf-8", errors="replace")
    return Transcript(transcript.path, transcript.header, transcript.lines, transcript.body, cut)


def parse_transcript(shown: str, text: str) -> Transcript:
    lines = transcript_lines(text)
    header = _header(shown, lines)
    body = tuple((n, line) for n, line in enumerate(lines, start=1) if not line.startswith("#"))
    if not any(is_user_line(line) for _, line in body):
        raise TranscriptError(shown, len(lines), "no user lines (lines starting with '> ')")
    return Transcript(shown, header, lines, body)


def transcript_lines(text: str) -> tuple[str, ...]:
    """The lines of a transcript: split at "\n" only (a VT, FF, lone CR or U+2029 inside a
    comment stays in it), a CRLF ending taken as a line end, a byte-order mark dropped."""
    lines = text.removeprefix("\ufeff").split("\n")
    if lines[-1] == "":
        lines.pop()
    return tuple(line.removesuffix("\r") for line in lines)


def _header(shown: str, lines: Sequence[str]) -> dict[str, str]:
    header: dict[str, str] = {}
    for line in lines:
        if not line.startswith("#"):
            break
        key, colon, value = line.lstrip("#").strip().partition(":")
        if colon and key.strip().lower() in HEADER_KEYS:
            header[key.strip().lower()] = value.strip()
    for key in HEADER_KEYS:
        if not header.get(key):
            raise TranscriptError(
                shown, 1, f"header needs a '# {key}: ...' line before the session"
            )
    return header


def transcript_text(
    title: str, shows: str, session: Sequence[str], extra: Sequence[str] = ()
) -> str:
    """A new transcript file's text from a recorded session (extra: more header lines)."""
    header = [f"# title: {title}", f"# shows: {shows}", *extra]
    return "\n".join([*header, *session]) + "\n"


def write_new(path: Path, text: str, force: bool = False) -> Written:
    """Write a transcript safely (files.write_file); refuse to overwrite unless forced, and
    never replace anything but a regular file."""
    try:
        return write_file(path, text, force)
    except WriteRefused as exc:
        raise TranscriptError(_shown(path), 0, str(exc)) from None


def write_atomic(path: Path, text: str) -> None:
    """Replace a transcript safely: a crash leaves the old file intact."""
    write_new(path, text, force=True)


def _shown(path: Path) -> str:
    """A path for a message, even one that no system call accepts."""
    try:
        return display_path(path).replace("\0", "\\0")
    except (OSError, ValueError):
        return str(path)


class KeptFile:
    """One file a session is kept in, brought up to date after every turn.

    The file is written whole (atomically) the first time, when its status line changes
    (the consultation reaches or leaves its conclusion), and when it is no longer the file
    calcify left (see files.append_file) or the last write failed; otherwise the turn's new
    lines are appended, so a turn's cost does not grow with the session. Either way the file
    holds exactly transcript_text of the lines so far.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.written: Written | None = None
        self.lines = 0
        """How many of the session's lines the file holds."""
        self.status: str | None = None

    def keep(self, lines: Sequence[str], status: str, whole: Callable[[], str]) -> None:
        """Bring the file up to `lines`; `whole` gives the full text, for a whole write.
        Raise TranscriptError if it cannot be written (the next call writes it whole)."""
        if self.written is not None and self.status == status:
            if len(lines) == self.lines:
                return
            try:
                chunk = "\n".join(lines[self.lines :]) + "\n"
                self.written, self.lines = append_file(self.path, chunk, self.written), len(lines)
                return
            except Moved:
                pass
            except WriteRefused as exc:
                self.written = None
                raise TranscriptError(_shown(self.path), 0, str(exc)) from None
        self.written = None
        self.written = write_new(self.path, whole(), force=True)
        self.lines, self.status = len(lines), status
