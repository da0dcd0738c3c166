"""Read a free-text case description into answers, using only the knowledge base's vocabulary.

Precision first: a fact that is negated, hedged, ambiguous or contradicted stays unanswered.
Pure: no I/O, never prints.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from chatbot.intake.candidates import Candidate, LeftOut
from chatbot.intake.reading import Reading
from chatbot.intake.settle import settle
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
    note: str = ""
    """How the phrase was qualified, when it was ("negated by 'no history of'")."""


@dataclass(frozen=True)
class Omitted:
    """A finding the description mentions that gave no answer, and why."""

    question: str
    value: Value
    phrase: str
    reason: str
    detail: str = ""


@dataclass(frozen=True)
class CaseText:
    """What a case description gives: answers, and findings left out with the reason."""

    items: tuple[Extracted, ...]
    omitted: tuple[Omitted, ...]


def read_description(
    kb: KnowledgeBase, text: str, check: Callable[[], None] | None = None
) -> CaseText:
    """Read a case description. `check` is called now and then on a long text: it may raise
    (KeyboardInterrupt) to abandon the reading, which leaves nothing behind."""
    chosen, left = settle(Reading(kb, text, check))
    ordered = sorted(chosen.values(), key=lambda c: kb.questions[c.question].order)
    items = tuple(
        Extracted(c.question, c.value, text[c.start : c.end], c.answer, c.note) for c in ordered
    )
    return CaseText(items, _omitted(kb, text, left, chosen))


def _omitted(
    kb: KnowledgeBase, text: str, left: list[LeftOut], chosen: dict[str, Candidate]
) -> tuple[Omitted, ...]:
    """Each finding left out once, in question order then text order; not those whose
    question was answered with that very value anyway."""
    seen: set[tuple[str, str, str]] = set()
    found = []
    for item in sorted(left, key=lambda i: (kb.questions[i.question].order, i.start)):
        answered = chosen.get(item.question)
        if answered is not None and answered.value == item.value:
            continue
        phrase = text[item.start : item.end]
        key = (item.question, str(item.value), item.reason)
        if key in seen:
            continue
        seen.add(key)
        found.append(Omitted(item.question, item.value, phrase, item.reason, item.detail))
    return tuple(found)


def extract(kb: KnowledgeBase, text: str) -> list[Extracted]:
    """The answers a case description states, at most one per question, in question order."""
    return list(read_description(kb, text).items)


SHORTEST_CASE = 2
"""Fewer words than this are one answer: two facts need at least two words ("CKD, TB")."""


def looks_like_a_case(kb: KnowledgeBase, text: str) -> bool:
    """True for a description (facts in two separate phrases, or a long text), not one answer."""
    count = len(text.split())
    if count < SHORTEST_CASE:  # the usual typed answer: no need to read it as a description
        return False
    if count >= LONG_TEXT and len(words(text)) >= LONG_TEXT:
        return True
    spans = sorted((c.start, c.end) for c in settle(Reading(kb, text))[0].values())
    separate, reach = 0, -1
    for start, end in spans:
        separate += start >= reach
        reach = max(reach, end)
    return separate >= 2
