"""The generic language around a fact in a case description: negation, hedging, filler words.

Only everyday clinical English lives here ("no", "denies", "possible", "was"); every medical word
comes from the knowledge base. Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from chatbot.knowledge.text import Word, phrase_key

Polarity = Literal["affirmed", "negated", "hedged"]


def _cues(*texts: str) -> tuple[tuple[str, ...], ...]:
    """Cue phrases keyed like a text's words, longest first."""
    return tuple(sorted({phrase_key(t) for t in texts}, key=len, reverse=True))


NEGATION_BEFORE = _cues(
    "no", "not", "without", "denies", "denied", "deny", "denying", "never", "nor", "neither",
    "non", "negative for", "absence of", "absent", "free of", "rather than", "instead of",
    "ruled out", "rules out", "excluded", "lack of", "lacks", "lacking",
)  # fmt: skip
NEGATION_AFTER = _cues(
    "absent", "negative", "excluded", "ruled out", "not seen", "not identified", "not present",
    "not found", "not detected", "not demonstrated", "not noted", "not reported", "not confirmed",
    "was not", "were not", "is not", "are not", "has not", "had not", "did not", "denied",
)  # fmt: skip
HEDGE_BEFORE = _cues(
    "possible", "possibly", "possibility", "probable", "probably", "suspected", "suspect",
    "suspicious", "suspicion", "query", "queried", "questionable", "likely", "unlikely", "may",
    "might", "could", "consider", "considered", "considering", "differential", "versus", "vs",
    "rule out", "to exclude", "exclude", "cannot exclude", "cannot rule out", "if", "whether",
    "risk of", "at risk", "family history", "fh", "mother", "father", "sister", "brother",
    "sibling", "parent", "son", "daughter", "cousin", "aunt", "uncle", "grandmother",
    "grandfather", "concern for", "concerning for", "worrisome for", "planned", "awaiting",
    "pending", "screening", "not only",
)  # fmt: skip
HEDGE_AFTER = _cues(
    "suspected", "possible", "cannot be excluded", "can not be excluded", "not excluded",
    "to be excluded", "to be ruled out", "not ruled out", "considered", "queried", "questioned",
    "unlikely", "planned", "pending", "in the family", "in his family", "in her family",
)  # fmt: skip
TERMINATORS = frozenset(
    phrase_key(
        "but however although though whereas while except apart aside besides which who whose "
        "since because"
    )
)
FRESH_ASSERTIONS = frozenset(phrase_key("normal has have had is was shows showed"))
"""After 'and', these start a new statement: 'no lupus and normal kidney function'."""
ALTERNATIVES = frozenset(phrase_key("or versus vs"))
LIST_JOINERS = frozenset(phrase_key("or nor and"))
FILLERS = frozenset(
    phrase_key(
        "of is was were are be been at level levels value values concentration measured found "
        "noted now still currently today initially admission on serum plasma blood the a an "
        "about approximately around markedly mildly moderately severely slightly very "
        "significantly appropriately persistently also rose risen rising increased fell "
        "decreased reached peaked peaking to otherwise itself entirely"
    )
)
"""Words that may stand between a measurement's name and its value or reading."""

WINDOW = 6
"""How many words a negation or hedge before a phrase reaches across (as in NegEx)."""
ATTACHED = frozenset({phrase_key("non")})
"""Cues that deny only the word they are attached to ('non-caseating granulomas, caseous...')."""


@dataclass(frozen=True)
class Context:
    """How a phrase is asserted, and the words it spans with its negation cue (for quoting)."""

    polarity: Polarity
    first: int
    end: int


def context(text: str, ws: list[Word], start: int, end: int) -> Context:
    """Whether the words ws[start:end] are affirmed, negated or hedged by the words around them."""
    if _attached_query(text, ws[start].start, ws[end - 1].end):
        return Context("hedged", start, end)
    if _after(ws, end, HEDGE_AFTER) or _before(ws, start, end, HEDGE_BEFORE) is not None:
        return Context("hedged", start, end)
    cue = _before(ws, start, end, NEGATION_BEFORE)
    if cue is not None:
        return Context("negated", cue, end)
    cue_end = _after(ws, end, NEGATION_AFTER)
    if cue_end:
        return Context("negated", start, cue_end)
    return Context("affirmed", start, end)


def _attached_query(text: str, start: int, end: int) -> bool:
    """'?TB' or 'TB?' as a pathologist writes a query."""
    return text[start - 1 : start] == "?" or text[end : end + 1] == "?"


def _before(ws: list[Word], start: int, end: int, cues: tuple[tuple[str, ...], ...]) -> int | None:
    """The first word of a cue before the phrase, within its clause (or its list), or None."""
    in_list = _in_list(ws, start, end)
    index = start
    while index > 0 and start - index <= WINDOW:
        if ws[index].hard_before and not (in_list and ws[index].before.strip() == ","):
            return None
        index -= 1
        if ws[index].key in TERMINATORS or _fresh_statement(ws, index):
            return None
        for cue in cues:
            first = index - len(cue) + 1
            if cue in ATTACHED and index != start - 1:
                continue
            if first >= 0 and tuple(w.key for w in ws[first : index + 1]) == cue:
                return first
    return None


def _fresh_statement(ws: list[Word], index: int) -> bool:
    following = ws[index + 1] if index + 1 < len(ws) else None
    return ws[index].key == "and" and following is not None and following.key in FRESH_ASSERTIONS


def _in_list(ws: list[Word], start: int, end: int) -> bool:
    """Whether the phrase is an item of an 'A, B or C' list (so a cue before A covers it)."""
    after = end < len(ws) and not ws[end].hard_before and ws[end].key in LIST_JOINERS
    before = start > 0 and not ws[start].hard_before and ws[start - 1].key in LIST_JOINERS
    return after or before


def _after(ws: list[Word], end: int, cues: tuple[tuple[str, ...], ...]) -> int:
    """Where a cue following the phrase within three words of its clause ends, or 0."""
    for offset in range(0, 3):
        first = end + offset
        if first >= len(ws) or ws[first].hard_before or ws[first].key in TERMINATORS:
            return 0
        for cue in cues:
            last = first + len(cue)
            key = tuple(w.key for w in ws[first:last])
            if key == cue and not any(w.hard_before for w in ws[first + 1 : last]):
                return last
    return 0


def skip_fillers(ws: list[Word], index: int, allowed_marks: str, limit: int = 4) -> int:
    """The index of the first word from index on that is not a filler, or -1 past a clause mark."""
    for _ in range(limit + 1):
        if index >= len(ws) or not _joined(ws[index], allowed_marks):
            return -1
        if ws[index].key not in FILLERS:
            return index
        index += 1
    return -1


def _joined(word: Word, allowed_marks: str) -> bool:
    return all(mark in allowed_marks for mark in word.before)


def is_alternative(ws: list[Word], start: int, end: int, starts: set[int], ends: set[int]) -> bool:
    """Whether the phrase is one side of 'A or B' / 'A versus B', another phrase the other."""
    after = (
        end + 1 < len(ws)
        and ws[end].key in ALTERNATIVES
        and not ws[end].hard_before
        and end + 1 in starts
    )
    before = start >= 2 and ws[start - 1].key in ALTERNATIVES and start - 1 in ends
    return after or before
