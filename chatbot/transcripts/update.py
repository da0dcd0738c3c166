"""Replaying a corpus and updating transcripts on purpose: the actual session written over the
recorded one, with its header and comments kept where they were. Writes only the transcripts
it is asked to update; never prints."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from chatbot.consultation.record import Transcript, TranscriptError, is_user_line, write_atomic
from chatbot.engine.engine import Engine
from chatbot.knowledge.model import KnowledgeBase
from chatbot.transcripts.guard import refusal
from chatbot.transcripts.replay import Outcome, Player, replay_all


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


@dataclass
class Replayed:
    """What replaying a corpus found: counts, a diff for each failure, the unreadable files."""

    passed: int = 0
    failed: int = 0
    updated: int = 0
    diffs: list[str] = field(default_factory=list)
    unreadable: list[TranscriptError] = field(default_factory=list)


def replay_files(
    kb: KnowledgeBase,
    files: Sequence[Path],
    play: Player,
    jobs: int,
    update: bool,
    force: bool = False,
) -> Replayed:
    """Replay the files; with update, rewrite those that differ instead of failing them,
    except those whose consultation broke (guard.refusal), unless forced."""
    found, guard = Replayed(), _Guard(kb, force)
    for path, result in zip(files, replay_all(kb, files, play, jobs), strict=True):
        if isinstance(result, TranscriptError):
            found.unreadable.append(result)
            found.failed += 1
        elif result.passed:
            found.passed += 1
        elif update and (refused := guard.refusal(result)) is None:
            write_atomic(path, updated_text(result))
            found.updated += 1
        else:
            found.diffs.append(result.diff() + (f"\n{refused}" if update and refused else ""))
            found.failed += 1
    return found


class _Guard:
    """Refuses updates of broken consultations; its engine is built only when first needed."""

    def __init__(self, kb: KnowledgeBase, force: bool) -> None:
        self.kb, self.force = kb, force
        self.engine: Engine | None = None

    def refusal(self, outcome: Outcome) -> str | None:
        if self.force:
            return None
        if self.engine is None:
            self.engine = Engine(self.kb)
        return refusal(outcome, self.engine)
