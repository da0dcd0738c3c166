"""Updating a transcript on purpose: the actual session written over the recorded one, with
its header and comments kept where they were. Pure: returns the new text."""

from __future__ import annotations

from collections.abc import Sequence

from chatbot.consultation.record import Transcript, is_user_line
from chatbot.transcripts.replay import Outcome


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
