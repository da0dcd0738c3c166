"""The context of a finding in a case description, after ConText (Harkema et al. 2009): the
cues of the knowledge base (rules/context.toml) found once in a text, and for any span of
words the categories whose cue reaches it. Linear in the length of the text: every cue is
found in one pass, and a span looks only as far as the longest window. Pure: no I/O.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, replace

from chatbot.knowledge.model import KnowledgeBase
from chatbot.knowledge.reading import Category, Cue
from chatbot.knowledge.text import Word, phrase_key

SENTENCE_MARKS = frozenset(".;!?\n")
LIST_REACH = 12
"""A cue before a list reaches its items this far ('no fever, rash, jaundice or purpura')."""
LONGEST_REACH = 24
"""No cue reaches further than this many words, whatever its window (bounds the work)."""


@dataclass(frozen=True)
class Qualifier:
    """One cue that reaches a span: its category, and the words of the cue (for quoting)."""

    category: Category
    first: int
    end: int


@dataclass
class ContextIndex:
    """The cues of a knowledge base and the word sets the reader needs, keyed by words."""

    cues: dict[tuple[str, ...], Cue]
    longest: int
    wordsets: dict[str, frozenset[tuple[str, ...]]]
    lengths: dict[str, tuple[int, ...]]
    """For each first word, the lengths of the cues that start with it, shortest first."""

    def has(self, wordset: str, key: tuple[str, ...]) -> bool:
        return key in self.wordsets.get(wordset, frozenset())

    def word_in(self, wordset: str, word: Word) -> bool:
        return (word.key,) in self.wordsets.get(wordset, frozenset())


def context_index(kb: KnowledgeBase) -> ContextIndex:
    return kb.owned(_build_index)


def _build_index(kb: KnowledgeBase) -> ContextIndex:
    cues: dict[tuple[str, ...], Cue] = {}
    for cue in kb.reading.cues.values():
        for phrase in cue.phrases:
            key = phrase_key(phrase)
            known = cues.get(key)
            if not key:
                continue
            if known is None or cue.category == "pseudo":
                cues[key] = cue  # a pseudo cue wins over the cue it hides
            elif known.category == cue.category and known.direction != cue.direction:
                # 'absent' before or after: one cue that reaches both ways
                window = max(known.window, cue.window)
                cues[key] = replace(known, direction="both", window=window)
    longest = max((len(k) for k in cues), default=1)
    lengths: dict[str, set[int]] = {}
    for key in cues:
        lengths.setdefault(key[0], set()).add(len(key))
    wordsets = {
        name: frozenset(phrase_key(w) for w in words.words)
        for name, words in kb.reading.wordsets.items()
    }
    ordered = {first: tuple(sorted(found)) for first, found in lengths.items()}
    return ContextIndex(cues, longest, wordsets, ordered)


@dataclass(frozen=True)
class _Found:
    cue: Cue
    first: int
    end: int


class TextContext:
    """Every cue of one text, found once, and the qualifiers of any span of its words."""

    def __init__(self, index: ContextIndex, ws: list[Word], text: str) -> None:
        self.index, self.ws, self.text = index, ws, text
        self.sentence: list[int] = []
        """For each word, the number of the sentence it stands in."""
        number = 0
        for word in ws:
            number += bool(word.before) and not SENTENCE_MARKS.isdisjoint(word.before)
            self.sentence.append(number)
        self.ending: dict[int, _Found] = {}
        self.starting: dict[int, _Found] = {}
        position = 0
        while position < len(ws):
            found = self._cue_at(position)
            if found is None:
                position += 1
                continue
            if found.cue.category != "pseudo":
                self.ending[found.end] = found
                self.starting[found.first] = found
            position = found.end
        self._ends = sorted(self.ending)
        self._starts = sorted(self.starting)

    def _cue_at(self, position: int) -> _Found | None:
        """The longest cue starting at a word, within one clause."""
        ws, best = self.ws, None
        for length in self.index.lengths.get(ws[position].key, ()):
            end = position + length
            if end > len(ws) or any(w.hard_before for w in ws[position + 1 : end]):
                break
            cue = self.index.cues.get(tuple(w.key for w in ws[position:end]))
            if cue is not None:
                best = _Found(cue, position, end)
        return best

    def qualifiers(self, start: int, end: int) -> list[Qualifier]:
        """The categories whose cues reach the words ws[start:end], nearest cue first: a cue
        that holds the words itself ('after surgery' for 'surgery') first of all."""
        found = self._around(start, end) + self._before(start, end) + self._after(end)
        qualifiers = [Qualifier(f.cue.category, f.first, f.end) for f in found]
        if self._queried(start, end):
            qualifiers.insert(0, Qualifier("uncertain", start, end))
        return qualifiers

    def _queried(self, start: int, end: int) -> bool:
        """'?TB' or 'TB?', as a pathologist writes a query."""
        first, last = self.ws[start].start, self.ws[end - 1].end
        return self.text[first - 1 : first] == "?" or self.text[last : last + 1] == "?"

    def _around(self, start: int, end: int) -> list[_Found]:
        for first in range(max(0, start - self.index.longest + 1), start + 1):
            cue = self.starting.get(first)
            if cue is not None and cue.end >= end and (cue.first, cue.end) != (start, end):
                if cue.cue.category not in ("pseudo", "terminate"):
                    return [cue]
        return []

    def _before(self, start: int, end: int) -> list[_Found]:
        nearest = bisect.bisect_right(self._ends, start) - 1
        if nearest < 0 or start - self._ends[nearest] >= LONGEST_REACH:
            return []  # no cue ends within reach before the span
        ws, sentence, found = self.ws, self.sentence, []
        in_list = self.in_list(start, end)
        clause_crossed = sentence_crossed = False
        index = start
        while index > 0 and start - index < LONGEST_REACH:
            if sentence[index] != sentence[index - 1]:
                break  # a sentence mark stands before this word
            marks = ws[index].before
            if ws[index].hard_before and not (in_list and marks.strip() == ","):
                clause_crossed = True
            if self._fresh_statement(index - 1):
                break
            cue = self.ending.get(index)
            if cue is not None:
                if cue.cue.category == "terminate":
                    clause_crossed = True  # a sentence-wide cue reaches past 'which ...'
                    index = cue.first
                    continue
                if cue.cue.direction != "backward" and _reaches(
                    cue, start - cue.end, clause_crossed, sentence_crossed, in_list
                ):
                    found.append(cue)
                index = cue.first
                continue
            index -= 1
        return found

    def _after(self, end: int) -> list[_Found]:
        nearest = bisect.bisect_left(self._starts, end)
        if nearest == len(self._starts) or self._starts[nearest] - end >= LONGEST_REACH:
            return []  # no cue starts within reach after the span
        ws, sentence, found = self.ws, self.sentence, []
        clause_crossed = False
        index = end
        while index < len(ws) and index - end < LONGEST_REACH:
            if sentence[index] != sentence[index - 1]:
                break  # a sentence mark stands before this word
            if ws[index].hard_before:
                clause_crossed = True
            cue = self.starting.get(index)
            if cue is not None:
                if cue.cue.category == "terminate":
                    clause_crossed = True
                    index = cue.end
                    continue
                if cue.cue.direction != "forward" and _reaches(
                    cue, index - end, clause_crossed, False, False
                ):
                    found.append(cue)
                index = cue.end
                continue
            index += 1
        return found

    def _fresh_statement(self, index: int) -> bool:
        """'and' followed by a word that starts a new statement: 'no lupus and normal ...'."""
        ws = self.ws
        if index < 0 or index + 1 >= len(ws) or ws[index].key != "and":
            return False
        return self.index.word_in("fresh_assertions", ws[index + 1])

    def in_list(self, start: int, end: int) -> bool:
        """Whether the span is an item of an 'A, B or C' list (a cue before A covers it)."""
        ws = self.ws
        after = (
            end < len(ws)
            and not ws[end].hard_before
            and self.index.word_in("list_joiners", ws[end])
        )
        before = (
            start > 0
            and not ws[start].hard_before
            and self.index.word_in("list_joiners", ws[start - 1])
        )
        return after or before


def _reaches(cue: _Found, distance: int, clause: bool, sentence: bool, in_list: bool) -> bool:
    """Whether a cue this many words away, across these marks, reaches the span."""
    c = cue.cue
    if c.category in ("pseudo", "terminate"):
        return False
    if c.attached:
        return distance == 0
    if sentence or (clause and c.scope == "clause"):
        return False
    window = max(c.window, LIST_REACH) if in_list else c.window
    return distance < window
