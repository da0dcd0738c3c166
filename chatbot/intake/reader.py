"""Read a free-text case description into answers, using only the knowledge base's vocabulary.

Precision first: a fact that is negated, hedged, ambiguous or contradicted stays unanswered.
Pure: no I/O, never prints.
"""

from __future__ import annotations

from dataclasses import dataclass

from chatbot.intake.reading import Reading
from chatbot.knowledge.answers import ParsedAnswer
from chatbot.knowledge.model import KnowledgeBase, Value
from chatbot.knowledge.text import words

LONG_TEXT = 12
"""A text of this many words is a description, not an answer to one question."""


@dataclass(frozen=True)
class Extracted:
    """One answer read from a case description, and the phrase it came from."""

    question: str
    value: Value
    phrase: str
    answer: ParsedAnswer


def extract(kb: KnowledgeBase, text: str) -> list[Extracted]:
    """The answers a case description states, at most one per question, in question order."""
    chosen = Reading(kb, text).resolve()
    ordered = sorted(chosen.values(), key=lambda c: kb.questions[c.question].order)
    return [Extracted(c.question, c.value, text[c.start : c.end], c.answer) for c in ordered]


SHORTEST_CASE = 2
"""Fewer words than this are one answer: two facts need at least two words ("CKD, TB")."""


def looks_like_a_case(kb: KnowledgeBase, text: str) -> bool:
    """True for a description (facts in two separate phrases, or a long text), not one answer."""
    count = len(text.split())
    if count < SHORTEST_CASE:  # the usual typed answer: no need to read it as a description
        return False
    if count >= LONG_TEXT and len(words(text)) >= LONG_TEXT:
        return True
    spans = sorted((c.start, c.end) for c in Reading(kb, text).resolve().values())
    separate, reach = 0, -1
    for start, end in spans:
        separate += start >= reach
        reach = max(reach, end)
    return separate >= 2
