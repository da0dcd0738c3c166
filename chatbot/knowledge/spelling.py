"""Near misses in typed answers: the one choice, yes/no word or unit a mistyped word most
likely stands for, offered as "did you mean ...?" and never taken as the answer.

Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping

from chatbot.knowledge.fields import did_you_mean
from chatbot.knowledge.model import LAB_WORDS, Question
from chatbot.knowledge.text import normalise

CLOSE = 0.75
"""How alike a typed word and a name must be (difflib's ratio) to be suggested."""
CLOSE_SHORT = 0.6
"""For the few short words of a yes/no question ('yse' for 'yes')."""


def answer_hint(question: Question, text: str) -> str:
    """'did you mean X?' for a near miss of one of the question's words, or ''."""
    words = normalise(text)
    if not words or words.isdigit():
        return ""
    if question.kind == "yesno":
        return did_you_mean(words, ("yes", "no", "unknown"), CLOSE_SHORT)
    names: dict[str, str] = {}
    for choice in question.choices:
        for name in (choice.id, choice.label, *choice.synonyms):
            names.setdefault(normalise(name), choice.id)
    if question.kind == "number" and question.accepts_words:
        names |= {word: word for word in LAB_WORDS}
    names["unknown"] = "unknown"
    return near_miss(words, names)


def unit_hint(question: Question, text: str) -> str:
    """'did you mean X?' for a near miss of one of the question's units, or ''."""
    names = {
        _unit_key(name): unit.name
        for unit in question.units
        for name in (unit.name, *unit.synonyms)
    }
    return near_miss(_unit_key(text), names)


def _unit_key(text: str) -> str:
    return text.casefold().replace(" ", "")


def with_hint(message: str, hint: str) -> str:
    """The message with the hint after its first clause ("'x' is not a unit: did you mean
    'y'? Answer with ...")."""
    if not hint:
        return message
    head, dot, rest = message.partition(". ")
    return f"{head}: {hint}{' ' + rest if dot else ''}"


def near_miss(word: str, names: Mapping[str, str]) -> str:
    """'did you mean X?' for the name the word most likely stands for (names maps each
    spelling to the name to show), or ''."""
    return did_you_mean(word, names, CLOSE, names)
