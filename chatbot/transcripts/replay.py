"""Transcripts: recorded consultations as text files, parsed, replayed, diffed and rewritten.

A transcript is the plain-mode output of a consultation (the user's lines prefixed '> '),
preceded by a '#' header with a title and what the case shows. '#' lines are comments.
No terminal I/O: callers print what these functions return.
"""

from __future__ import annotations

import difflib
import io
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from chatbot.consultation.dialogue import Consultation
from chatbot.consultation.interrupts import ignore_interrupts
from chatbot.engine.engine import Engine
from chatbot.engine.trace import Evaluation
from chatbot.errors import CalcifyError
from chatbot.knowledge.model import KnowledgeBase, Value

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

    @property
    def inputs(self) -> tuple[str, ...]:
        return tuple(user_text(text) for _, text in self.body if is_user_line(text))

    @property
    def title(self) -> str:
        return self.header.get("title", "")


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


def read_transcript(path: Path) -> Transcript:
    """Parse a transcript file; raise TranscriptError with file and line on any problem."""
    shown = display_path(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise TranscriptError(shown, 0, f"cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise TranscriptError(shown, 0, f"not UTF-8 text (byte {exc.start})") from None
    return parse_transcript(shown, text)


def parse_transcript(shown: str, text: str) -> Transcript:
    lines = tuple(text.splitlines())
    header = _header(shown, lines)
    body = tuple((n, line) for n, line in enumerate(lines, start=1) if not line.startswith("#"))
    if not any(is_user_line(line) for _, line in body):
        raise TranscriptError(shown, len(lines), "no user lines (lines starting with '> ')")
    return Transcript(shown, header, lines, body)


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


def play(kb: KnowledgeBase, inputs: Iterable[str], engine: Engine | None = None) -> tuple[str, ...]:
    """The plain-mode output of a consultation fed these inputs."""
    from chatbot.consultation.session import Recorder
    from chatbot.ui.plain import run_plain  # plain (through session) imports this module

    out, err = io.StringIO(), io.StringIO()
    run_plain(Consultation(kb, engine), inputs, out, err, Recorder(dry_run=True))
    return tuple(out.getvalue().splitlines())


class RecordingEngine(Engine):
    """An Engine that remembers every rule fired across all its evaluations."""

    def __init__(self, kb: KnowledgeBase) -> None:
        super().__init__(kb)
        self.fired: set[str] = set()

    def evaluate(self, answers: Mapping[str, Value]) -> Evaluation:
        evaluation = super().evaluate(answers)
        self.fired.update(f.rule.id for f in evaluation.firings)
        return evaluation


def coverage(kb: KnowledgeBase, paths: Sequence[Path]) -> dict[str, list[str]]:
    """For every rule, the transcripts whose replay fires it (in knowledge-base order)."""
    fired_by: dict[str, list[str]] = {rule.id: [] for rule in kb.rules}
    for path in paths:
        engine = RecordingEngine(kb)
        transcript = read_transcript(path)
        play(kb, transcript.inputs, engine)
        for rule_id in engine.fired:
            fired_by[rule_id].append(path.name)
    return {rule: sorted(names) for rule, names in fired_by.items()}


def replay(kb: KnowledgeBase, transcript: Transcript, engine: Engine | None = None) -> Outcome:
    """Feed the transcript's user lines to a fresh consultation and compare every line."""
    actual = play(kb, transcript.inputs, engine)
    expected = transcript.body
    for index, (number, text) in enumerate(expected):
        if index >= len(actual) or actual[index] != text:
            return Outcome(transcript, actual, number)
    if len(actual) > len(expected):
        return Outcome(transcript, actual, (expected[-1][0] + 1) if expected else 1)
    return Outcome(transcript, actual, None)


def updated_text(outcome: Outcome) -> str:
    """The transcript rewritten with the actual session, keeping header and comments."""
    transcript = outcome.transcript
    comments = _comments_before_inputs(transcript)
    lines, seen = _leading_comments(transcript.lines), 0
    for text in outcome.actual:
        if is_user_line(text):
            lines.extend(comments.get(seen, []))
            seen += 1
        lines.append(text)
    return "\n".join(lines) + "\n"


def _leading_comments(lines: Sequence[str]) -> list[str]:
    result = []
    for line in lines:
        if not line.startswith("#"):
            break
        result.append(line)
    return result


def _comments_before_inputs(transcript: Transcript) -> dict[int, list[str]]:
    """Comments inside the body, keyed by the index of the user line they precede."""
    skip = len(_leading_comments(transcript.lines))
    found: dict[int, list[str]] = {}
    pending: list[str] = []
    seen = 0
    for line in transcript.lines[skip:]:
        if line.startswith("#"):
            pending.append(line)
        elif is_user_line(line):
            found[seen] = pending
            pending, seen = [], seen + 1
    return found


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


def transcript_text(
    title: str, shows: str, session: Sequence[str], extra: Sequence[str] = ()
) -> str:
    """A new transcript file's text from a recorded session (extra: more header lines)."""
    header = [f"# title: {title}", f"# shows: {shows}", *extra]
    return "\n".join([*header, *session]) + "\n"


def write_new(path: Path, text: str, force: bool = False) -> None:
    """Write a transcript atomically; refuse to overwrite unless forced."""
    if path.exists() and not force:
        raise TranscriptError(display_path(path), 0, "already exists (use --force to overwrite)")
    write_atomic(path, text)


def write_atomic(path: Path, text: str) -> None:
    """Write via a temporary file and rename, so a crash leaves the old file intact."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.tmp")
        with temporary.open("w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(path)
    except OSError as exc:
        raise TranscriptError(
            display_path(path), 0, f"cannot write: {exc.strerror or exc}"
        ) from None


Result = Outcome | TranscriptError


def replay_all(kb: KnowledgeBase, paths: Sequence[Path], jobs: int = 1) -> list[Result]:
    """Replay transcripts, in parallel processes when jobs > 1; results in the order given.

    Where processes can be forked, the workers inherit this knowledge base and one Engine
    built here; elsewhere each worker loads the knowledge base from its directory.
    """
    if jobs <= 1 or len(paths) < 2:
        engine = Engine(kb)
        return [_replay_path(kb, engine, path) for path in paths]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    chunks = max(1, len(paths) // (jobs * 16))
    if "fork" in multiprocessing.get_all_start_methods():
        _worker["engine"] = Engine(kb)
        pool = ProcessPoolExecutor(jobs, multiprocessing.get_context("fork"), ignore_interrupts)
    else:
        pool = ProcessPoolExecutor(jobs, initializer=_start_worker, initargs=(kb.directory,))
    try:
        return list(pool.map(_replay_in_worker, paths, chunksize=chunks))
    except KeyboardInterrupt:  # the workers ignore it; stop them without waiting for the rest
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    finally:
        pool.shutdown()
        _worker.pop("engine", None)


def _replay_path(kb: KnowledgeBase, engine: Engine, path: Path) -> Result:
    try:
        return replay(kb, read_transcript(path), engine)
    except TranscriptError as exc:
        return exc


_worker: dict[str, Engine] = {}


def _start_worker(directory: str) -> None:
    from chatbot.knowledge.loader import load_knowledge_base

    ignore_interrupts()
    _worker["engine"] = Engine(load_knowledge_base(directory))


def _replay_in_worker(path: Path) -> Result:
    engine = _worker["engine"]
    return _replay_path(engine.kb, engine, path)
