"""Reviewing the answers read from a case description before they are used. No I/O."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from chatbot.errors import AnswerError
from chatbot.intake.reader import Extracted, Omitted
from chatbot.knowledge.answers import parse_answer
from chatbot.knowledge.model import KnowledgeBase, Value
from chatbot.knowledge.text import count, normalise

ACCEPT = ("ok", "okay", "y", "yes", "accept", "use", "use them", "fine")
CANCEL = ("cancel", "no", "n", "none", "discard")


@dataclass(frozen=True)
class CaseRead:
    """What was read from a case description, waiting to be accepted, dropped or corrected."""

    items: tuple[Extracted, ...]
    replaces: tuple[str, ...] = ()
    """Questions already answered that these items would answer differently."""
    omitted: tuple[Omitted, ...] = ()
    """Findings the description mentions that give no answer, and why."""


class CaseReview:
    """The answers read from a description while the user accepts, drops or corrects them."""

    def __init__(
        self, kb: KnowledgeBase, items: list[Extracted], omitted: tuple[Omitted, ...] = ()
    ) -> None:
        self.kb = kb
        self.items = items
        self.omitted = omitted

    def block(self, answers: Mapping[str, Value]) -> CaseRead:
        """The list as shown, marking answers that would replace earlier ones."""
        replaces = tuple(
            i.question
            for i in self.items
            if i.question in answers and answers[i.question] != i.value
        )
        return CaseRead(tuple(self.items), replaces, self.omitted)

    def drop(self, text: str) -> str | None:
        """Leave out item N; what is wrong if there is no such item."""
        index = self._index(text)
        if index is None:
            return "drop needs a number from the list, e.g. drop 1"
        del self.items[index]
        return None

    def correct(self, number: str, text: str) -> str | None:
        """Answer item N differently, read as that question reads answers; what is wrong if
        that cannot be done."""
        index = self._index(number)
        if index is None:
            return "correct an answer by its number in the list, e.g. 2 = viable"
        item = self.items[index]
        try:
            parsed = parse_answer(self.kb.questions[item.question], text)
        except AnswerError as exc:
            return str(exc)
        self.items[index] = Extracted(item.question, parsed.value, item.phrase, parsed, "corrected")
        return None

    def _index(self, text: str) -> int | None:
        number = count(text)
        index = -1 if number is None else number - 1
        return index if 0 <= index < len(self.items) else None


def review_action(text: str) -> tuple[str, str, str]:
    """What a reply to the list asks for: (action, first argument, second argument)."""
    words = normalise(text)
    if words in ACCEPT:
        return ("accept", "", "")
    if words in CANCEL:
        return ("cancel", "", "")
    if words.startswith("drop "):
        return ("drop", words.removeprefix("drop ").strip(), "")
    number, equals, rest = text.partition("=")
    if equals and rest.strip() and number.strip().isdigit():
        return ("correct", number.strip(), rest)
    return ("other", "", "")
