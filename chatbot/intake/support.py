"""Findings that need more than one phrase: a vague word read only near the words that support
it ('tendon' beside 'calcification'), and a description whose words stand together in one
sentence ('cortical rim ... trabecular'). Pure: no I/O.
"""

from __future__ import annotations

from chatbot.intake.view import Match, ReadingView
from chatbot.knowledge.text import phrase_key

_LONGEST_SUPPORT = 4
"""Support phrases are looked for up to this many words long."""


def supported(reading: ReadingView, match: Match) -> bool:
    """Whether an affirmed support phrase stands within reach in the same sentence."""
    if not match.target.via:
        return False  # a vague word with no support listed: only seen, never read
    question = reading.kb.questions[match.target.question]
    support = question.supported[int(match.target.via)]
    keys = _keys(reading, support.near)
    ws, sentence = reading.ws, reading.sentence_of(match.start)
    low = max(0, match.start - support.within)
    high = min(len(ws), match.end + support.within)
    for first in range(low, high):
        if reading.sentence_of(first) != sentence or match.start <= first < match.end:
            continue
        for length in range(1, _LONGEST_SUPPORT + 1):
            end = first + length
            if end > high or end > len(ws):
                break
            key = tuple(w.key for w in ws[first:end])
            if key in keys and reading.affirmed(first, end):
                return True
    return False


def _keys(reading: ReadingView, near: tuple[str, ...]) -> frozenset[tuple[str, ...]]:
    found: set[tuple[str, ...]] = set()
    for entry in near:
        if entry.startswith("@"):
            found |= reading.index.wordsets.get(entry[1:], frozenset())
        else:
            found.add(phrase_key(entry))
    return frozenset(found)


def read_together(reading: ReadingView) -> None:
    """Each description group whose words all stand in one sentence gives its meaning."""
    groups = [
        (description, tuple(phrase_key(w)[0] for w in group if phrase_key(w)))
        for description in reading.kb.reading.descriptions.values()
        for group in description.together
    ]
    if not groups:
        return
    first_in_sentence: dict[int, dict[str, int]] = {}
    for index, word in enumerate(reading.ws):
        seen = first_in_sentence.setdefault(reading.sentence_of(index), {})
        seen.setdefault(word.key, index)
    for description, group in groups:
        for seen in first_in_sentence.values():
            if not all(key in seen for key in group):
                continue
            places = sorted(seen[key] for key in group)
            first, end = places[0], places[-1] + 1
            quoted = " ... ".join(reading.ws[i].key for i in places)
            for question_id, value in description.means:
                reading.add_fact(question_id, value, first, end, note=f"described as '{quoted}'")
