"""Keeping consultations: recording as transcripts, autosave in the state directory, resume.

Every consultation is kept on disk after every turn, so nothing entered is lost if the
process dies: written whole (atomically) at first, then each turn's lines appended and
flushed (record.KeptFile), so a turn's cost does not grow with the session. Never prints.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import platformdirs

from chatbot.consultation.blocks import Block, Note, Problem
from chatbot.consultation.dialogue import Consultation
from chatbot.consultation.files import private_directory
from chatbot.consultation.locks import SessionLock, holder, in_use_by
from chatbot.consultation.record import (
    KeptFile,
    TranscriptError,
    is_user_line,
    read_transcript,
    transcript_text,
    write_new,
)
from chatbot.errors import CalcifyError
from chatbot.knowledge.text import safe

RECORDED_TITLE = "recorded consultation"
RECORDED_SHOWS = "(say here what this consultation shows)"
UNFINISHED = "# status: unfinished"
FINISHED = "# status: finished"


def state_dir() -> Path:
    """The platform's user state directory for calcify (platformdirs): on Linux
    $XDG_STATE_HOME/calcify, else ~/.local/state/calcify; on macOS ~/Library/Application
    Support/calcify; on Windows %LOCALAPPDATA%\\calcify."""
    return platformdirs.user_state_path("calcify", appauthor=False)


def sessions_dir() -> Path:
    return state_dir() / "sessions"


def new_session_path() -> Path:
    """A fresh autosave file, named by start time and process id, in a directory only its
    owner can read (patient data): the state directory and its sessions are 0700."""
    private_directory(state_dir())
    private_directory(sessions_dir())
    return sessions_dir() / f"{datetime.now():%Y%m%d-%H%M%S}-{os.getpid()}.txt"


def pick_unfinished() -> tuple[Path | None, list[str]]:
    """The newest autosave that did not reach an end, can be read and is not in use by
    another process; and, for each newer one passed over, which file and why."""
    skipped: list[str] = []
    for path in sorted(_candidates(), key=_age, reverse=True):
        reason = cannot_continue(path)
        if reason is None:
            return path, skipped
        skipped.append(f"skipped {path}: {reason}")
    return None, skipped


def cannot_continue(path: Path) -> str | None:
    """Why this kept session cannot be continued now, or None if it can."""
    in_use = holder(path)
    if in_use is not None:
        return f"in use by {in_use_by(in_use.pid)}"
    try:
        read_transcript(path, cut_torn=True)
    except TranscriptError as exc:
        return exc.message
    return None


def _candidates() -> list[Path]:
    """Autosaves not marked finished: an unfinished one, or one too damaged to say."""
    return [path for path in sessions_dir().glob("*.txt") if not _is_finished(path)]


def _age(path: Path) -> tuple[float, str]:
    try:
        return path.stat().st_mtime, path.name
    except OSError:
        return 0.0, path.name


def _is_finished(path: Path) -> bool:
    try:
        with path.open(encoding="utf-8") as handle:
            head = [line.rstrip("\n") for line, _ in zip(handle, range(5), strict=False)]
    except (OSError, UnicodeDecodeError):
        return False
    return FINISHED in head


class Recorder:
    """The session so far, as transcript lines, kept in every given file after each turn."""

    def __init__(
        self, paths: Sequence[Path] = (), dry_run: bool = False, lines: Sequence[str] = ()
    ) -> None:
        self.lines: list[str] = list(lines)
        self.paths = list(paths)
        self.kept = {path: KeptFile(path) for path in self.paths}
        self.failing: set[Path] = set()
        """Kept files whose last write failed (tried again on every turn)."""
        self.dry_run = dry_run
        """Replaying a transcript must not write the files its `save` lines name."""
        self.locks: list[SessionLock] = []
        """Held on the kept files while this process keeps them (see open_session)."""

    def close(self) -> None:
        """Let the kept files go: another process may continue them now."""
        for lock in self.locks:
            lock.release()
        self.locks.clear()

    def bot(self, text: str) -> None:
        self.lines.append(text)

    def user(self, text: str) -> None:
        self.lines.append(f"> {safe(text)}")

    def text(self, finished: bool | None = None) -> str:
        status = (
            [] if finished is None else [f"# status: {'finished' if finished else 'unfinished'}"]
        )
        return transcript_text(RECORDED_TITLE, RECORDED_SHOWS, self.lines, status)

    def save(self, path: Path, force: bool) -> Block:
        """Write the session so far to a new transcript; a Note or a Problem says how it went."""
        try:
            if not self.dry_run:
                write_new(path, self.text(), force)
        except CalcifyError as exc:
            return Problem(str(exc))
        return Note(f"Saved the consultation so far to {path}.")

    def keep(self, finished: bool) -> list[str]:
        """Bring every kept file up to date (record.KeptFile: the turn's lines are appended);
        return a message for each that could not be written.

        finished: the consultation reached its conclusion (one left by quit can be resumed).
        Nothing is kept before the first input: a session with none is not worth resuming.
        A file that cannot be written is tried again on the next turn; the failure is said
        once, and so is its recovery.
        """
        failed: list[str] = []
        if not any(is_user_line(line) for line in self.lines):
            return failed
        status = "finished" if finished else "unfinished"
        for path in self.paths:
            try:
                self.kept[path].keep(self.lines, status, lambda: self.text(finished))
            except TranscriptError as exc:
                if path not in self.failing:
                    self.failing.add(path)
                    failed.append(
                        f"cannot keep the consultation in {exc}; carrying on, and trying "
                        "again after each answer"
                    )
                continue
            if path in self.failing:
                self.failing.discard(path)
                failed.append(f"the consultation is kept in {path} again")
        return failed


def kept_note(recorder: Recorder, finished: bool) -> list[Block]:
    """Where a consultation left at the prompt (Ctrl-D) is kept, and how to go on with it."""
    kept = [path for path in recorder.paths if path.exists()] if not recorder.dry_run else []
    if not kept:
        return []
    path = kept[0]
    if finished:
        return [Note(f"The consultation is kept in {path}.")]
    again = "calcify --resume" if path.parent == sessions_dir() else f"calcify --resume {path}"
    return [Note(f"The consultation is kept in {path}; {again} continues it.")]


def resume(consultation: Consultation, path: Path) -> tuple[list[str], list[Block]]:
    """Replay a saved session's inputs; return its lines and what to show on resuming.

    save and reload lines are not carried out again: their files were written at the time,
    and the rules in use are the ones just loaded.
    """
    transcript = read_transcript(path, cut_torn=True)
    consultation.resume(transcript.inputs)
    count = len(consultation.answers)
    restored = f"{count} answer{'s' if count != 1 else ''} restored (summary shows them)"
    notes = [Note(f"Resumed {path}: {restored}.")]
    if transcript.cut:
        cut = safe(transcript.cut)
        notes.append(Note(f"Its last line, {cut!r}, was cut short by a failed write: left out."))
    return [text for _, text in transcript.body], [*notes, *consultation.next_blocks()]


def open_session(
    consultation: Consultation, resumed: Path | None, record: Path | None
) -> tuple[Recorder, list[Block] | None]:
    """Where a consultation is kept, and what to show first if it continues a kept one.

    A resumed session goes on in its own file (and in `record` too, if given); otherwise
    `record` is the one copy kept, or a new file in the state directory (written from the
    first input on). Each file is locked, before it is read, until Recorder.close
    (SessionInUse if another process has it).
    """
    paths = [*([resumed] if resumed else []), *([record] if record else [])]
    paths = paths or [new_session_path()]
    locks: list[SessionLock] = []
    try:
        for path in paths:
            locks.append(SessionLock(path))
        lines, opening = resume(consultation, resumed) if resumed else ([], None)
    except BaseException:
        for lock in locks:
            lock.release()
        raise
    recorder = Recorder(paths, lines=lines)
    recorder.locks = locks
    return recorder, opening
