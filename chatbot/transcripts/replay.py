"""Replaying transcripts: feed a transcript's user lines to a fresh consultation and compare
every line it prints; in parallel processes for a whole corpus.

The text a consultation prints comes from the ui layer, which this layer may not import: the
caller passes a Player (ui.plain.play). No terminal I/O: callers print what this returns.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from chatbot.consultation.interrupts import ignore_interrupts
from chatbot.consultation.record import (
    Transcript,
    TranscriptError,
    display_path,
    read_transcript,
)
from chatbot.engine.engine import Engine
from chatbot.errors import CalcifyError
from chatbot.knowledge.model import KnowledgeBase

Player = Callable[[KnowledgeBase, Iterable[str], Engine | None], tuple[str, ...]]
"""The plain-mode output of a consultation fed these inputs (on this engine, if given)."""


@dataclass(frozen=True)
class Outcome:
    """The result of replaying one transcript."""

    transcript: Transcript
    actual: tuple[str, ...]
    first_mismatch: int | None
    """The file line of the first differing line, or None when it passed."""

    @property
    def passed(self) -> bool:
        return self.first_mismatch is None

    def diff(self) -> str:
        """A unified diff headed by file:line, expected (the file) against actual."""
        expected = [text for _, text in self.transcript.body]
        where = f"{self.transcript.path}:{self.first_mismatch}"
        lines = difflib.unified_diff(
            expected,
            list(self.actual),
            fromfile=f"{where} (expected)",
            tofile="actual",
            lineterm="",
        )
        return "\n".join(lines)


def replay(
    kb: KnowledgeBase, transcript: Transcript, play: Player, engine: Engine | None = None
) -> Outcome:
    """Feed the transcript's user lines to a fresh consultation and compare every line."""
    actual = play(kb, transcript.inputs, engine)
    expected = transcript.body
    for index, (number, text) in enumerate(expected):
        if index >= len(actual) or actual[index] != text:
            return Outcome(transcript, actual, number)
    if len(actual) > len(expected):
        return Outcome(transcript, actual, (expected[-1][0] + 1) if expected else 1)
    return Outcome(transcript, actual, None)


Result = Outcome | TranscriptError


def replay_all(
    kb: KnowledgeBase, paths: Sequence[Path], play: Player, jobs: int = 1
) -> list[Result]:
    """Replay transcripts, in parallel processes when jobs > 1; results in the order given.

    Where processes can be forked, the workers inherit this knowledge base and one Engine
    built here; elsewhere each worker loads the knowledge base from its directory.
    """
    if jobs <= 1 or len(paths) < 2:
        engine = Engine(kb)
        return [_replay_path(engine, play, path) for path in paths]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    chunks = max(1, len(paths) // (jobs * 16))
    if "fork" in multiprocessing.get_all_start_methods():
        _worker["engine"], _worker["play"] = Engine(kb), play
        pool = ProcessPoolExecutor(jobs, multiprocessing.get_context("fork"), ignore_interrupts)
    else:
        start = (kb.directory, play)
        pool = ProcessPoolExecutor(jobs, initializer=_start_worker, initargs=start)
    try:
        return list(pool.map(_replay_in_worker, paths, chunksize=chunks))
    except KeyboardInterrupt:  # the workers ignore it; stop them without waiting for the rest
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    finally:
        pool.shutdown()
        _worker.clear()


def _replay_path(engine: Engine, play: Player, path: Path) -> Result:
    try:
        return replay(engine.kb, read_transcript(path), play, engine)
    except TranscriptError as exc:
        return exc


_worker: dict[str, object] = {}
"""A worker process's engine and player (inherited from the parent, or made at start)."""


def _start_worker(directory: str, play: Player) -> None:
    from chatbot.knowledge.loader import load_knowledge_base

    ignore_interrupts()
    _worker["engine"], _worker["play"] = Engine(load_knowledge_base(directory)), play


def _replay_in_worker(path: Path) -> Result:
    engine, play = _worker["engine"], _worker["play"]
    assert isinstance(engine, Engine) and callable(play)
    return _replay_path(engine, play, path)


def transcript_paths(paths: Sequence[Path]) -> list[Path]:
    """Files as given, and every *.txt in directories, sorted; missing paths raise."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(path.glob("*.txt")))
        elif path.exists():
            found.append(path)
        else:
            raise TranscriptError(display_path(path), 0, "no such file or directory")
    return found


class NoTranscripts(CalcifyError):
    """Paths that name no transcript at all: a wrong directory would otherwise pass as
    '0 passed, 0 failed'."""


def transcript_files(paths: Sequence[Path]) -> list[Path]:
    """The transcript files the paths name; NoTranscripts if there are none."""
    files = transcript_paths(paths)
    if not files:
        named = ", ".join(display_path(path) for path in paths)
        raise NoTranscripts(f"no transcripts (*.txt) in {named}")
    return files
