"""The vocabulary's phrases found in a text: every match, then per question the longest that
do not overlap (a not-phrase hides its span). Linear in the length of the text. Pure."""

from __future__ import annotations

from collections.abc import Callable

from chatbot.intake.lexicon import Lexicon
from chatbot.intake.view import Match
from chatbot.knowledge.text import Word

CHECK_EVERY = 2048
"""How often a long reading calls its `check` (to give way to Ctrl-C)."""


def all_matches(lexicon: Lexicon, ws: list[Word], check: Callable[[], None] | None) -> list[Match]:
    found = []
    for count, (start, end, target) in enumerate(lexicon.matches(ws)):
        if check is not None and count % CHECK_EVERY == 0:
            check()
        found.append(Match(start, end, target))
    return found


def kept_matches(matches: list[Match]) -> list[Match]:
    """Per question, the longest matches that do not overlap; a not-phrase hides its span."""
    by_question: dict[str, list[Match]] = {}
    for match in matches:
        if match.target.role != "qualifier":
            by_question.setdefault(match.target.question, []).append(match)
    kept: list[Match] = []
    for found in by_question.values():
        taken: dict[int, int] = {}  # first word -> end of each kept span
        spans: set[tuple[int, int]] = set()
        for m in sorted(found, key=lambda m: (m.start - m.end, m.start)):
            if (m.start, m.end) in spans or not _overlaps(taken, m.start, m.end):
                spans.add((m.start, m.end))
                taken[m.start] = max(taken.get(m.start, 0), m.end)
        spans -= {(m.start, m.end) for m in found if m.target.role == "block"}
        kept.extend(m for m in found if (m.start, m.end) in spans)
    return sorted(kept, key=lambda m: (m.start, m.end))


_LONGEST_PHRASE = 12


def _overlaps(taken: dict[int, int], start: int, end: int) -> bool:
    """Whether a kept span overlaps ws[start:end] (spans are short: look only nearby)."""
    for first in range(max(0, start - _LONGEST_PHRASE), end):
        stop = taken.get(first)
        if stop is not None and first < end and start < stop:
            return True
    return False
