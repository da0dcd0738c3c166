"""Words of a case description, and the knowledge base's vocabulary indexed by them.

Both sides are cut into words the same way (answers.normalise, then a light plural fold), so
"Haematomas" in a text meets "hematoma" in rules/. Pure: no I/O. Holds no medical words:
they all come from the knowledge base.
"""

from __future__ import annotations

import functools
import re
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from chatbot.knowledge.answers import normalise
from chatbot.knowledge.model import KnowledgeBase, Question, Value

Role = Literal["choice", "topic", "name", "qualifier", "block"]
"""What a phrase is to its question: a choice's words, the question's own subject, the name of
a measurement, a choice's word next to such a name, or a phrase that means something else."""

_TOKEN = re.compile(
    r"(?P<number>\d+(?:[.,]\d+)?)|(?P<word>[^\W_]+(?:['’][^\W_]+)*\+*)|(?P<mark>[^\w\s])"
)
HARD_MARKS = frozenset(".,;:!?()[]{}")
GENERIC = frozenset(
    "a an and any at of or the to no none nothing neither nor not yes known other others unknown"
    " this these that those it all some".split()
)
"""Words that carry no fact on their own: a phrase made only of these is never indexed."""


@dataclass(frozen=True)
class Word:
    """One word or number of a text: its key for matching and where it stands in the text."""

    key: str
    start: int
    end: int
    is_number: bool = False
    before: str = ""
    """The marks between the last word and this one ("\n" for a line break)."""

    @property
    def hard_before(self) -> bool:
        """A clause mark (. , ; : ( ) and the like) or a line break comes before it."""
        return any(mark in HARD_MARKS or mark == "\n" for mark in self.before)


def fold(word: str) -> str:
    """Fold a regular English plural to its singular; short words are left alone."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("sses"):
        return word[:-2]
    if word.endswith(("ss", "us", "is")) or not word.endswith("s"):
        return word
    return word[:-1]


def words(text: str) -> list[Word]:
    """The words and numbers of a text, each with its span and whether a clause mark precedes."""
    found: list[Word] = []
    marks = ""
    last_end = 0
    for match in _TOKEN.finditer(text):
        if "\n" in text[last_end : match.start()]:
            marks += "\n"
        last_end = match.end()
        if match.group("mark") is not None:
            marks += match.group("mark")
            continue
        for key in _keys(match.group(), is_number=match.group("number") is not None):
            found.append(Word(key, match.start(), match.end(), key[0].isdigit(), marks))
            marks = ""
    return found


def _keys(raw: str, is_number: bool) -> list[str]:
    if is_number:
        return [raw.replace(",", ".")]
    base = raw.rstrip("+")
    plus = raw[len(base) :]
    parts = [fold(part) for part in normalise(base).split()]
    if parts and plus:
        parts[-1] += plus
    return parts


@functools.lru_cache(maxsize=4096)
def phrase_key(text: str) -> tuple[str, ...]:
    """The key of a vocabulary phrase: its words, as a text's words are keyed (kept: a
    vocabulary's phrases come back as synonyms, choices and names)."""
    return tuple(w.key for w in words(text))


def is_specific(text: str) -> bool:
    """Whether a phrase says something beyond generic words ("no", "none", "other")."""
    return _is_specific(phrase_key(text))


def _is_specific(key: tuple[str, ...]) -> bool:
    return any(word not in GENERIC for word in key)


@dataclass(frozen=True)
class Target:
    """What one indexed phrase means: for which question, in which role, with which value."""

    question: str
    role: Role
    value: Value = ""


@dataclass
class Lexicon:
    """Every phrase of a knowledge base's vocabulary, keyed by its words."""

    entries: dict[tuple[str, ...], list[Target]] = field(default_factory=dict)
    longest: int = 1

    def add(self, text: str, target: Target) -> None:
        key = phrase_key(text)
        if not key or not _is_specific(key):
            return
        targets = self.entries.setdefault(key, [])
        if target not in targets:
            targets.append(target)
        self.longest = max(self.longest, len(key))

    def matches(self, text_words: list[Word]) -> Iterator[tuple[int, int, Target]]:
        """Every (first word, end word, target) whose phrase occurs within one clause."""
        for start in range(len(text_words)):
            for end in range(start + 1, min(start + self.longest, len(text_words)) + 1):
                if end - 1 > start and text_words[end - 1].hard_before:
                    break
                key = tuple(w.key for w in text_words[start:end])
                for target in self.entries.get(key, ()):
                    yield start, end, target


def lexicon_of(kb: KnowledgeBase) -> Lexicon:
    """The knowledge base's case-description vocabulary, built once per knowledge base."""
    cached = _CACHE.get(id(kb))
    if cached is not None and cached[0]() is kb:
        return cached[1]
    lexicon = Lexicon()
    for question in kb.questions.values():
        _index(lexicon, question)
    if len(_CACHE) > 16:  # knowledge bases are few (reloads, tests): drop the oldest
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[id(kb)] = (weakref.ref(kb), lexicon)
    return lexicon


_CACHE: dict[int, tuple[weakref.ref[KnowledgeBase], Lexicon]] = {}


def choice_words(question: Question, choice_id: str) -> tuple[str, ...]:
    """A choice's id in words, its synonyms and its phrases."""
    choice = question.choice(choice_id)
    if choice is None:
        return ()
    return (choice.id.replace("_", " "), *choice.synonyms, *choice.phrases)


def _index(lexicon: Lexicon, question: Question) -> None:
    q = question.id
    vague = {phrase_key(text) for text in question.answer_only}
    for choice in question.choices:
        for text in choice_words(question, choice.id):
            if question.names:
                lexicon.add(text, Target(q, "qualifier", choice.id))
            if phrase_key(text) not in vague:
                lexicon.add(text, Target(q, "choice", choice.id))
    for text in question.phrases:
        lexicon.add(text, Target(q, "topic"))
    names = question.names + (question.number_choices.names if question.number_choices else ())
    for text in names:
        lexicon.add(text, Target(q, "name"))
    for text in question.not_phrases:
        lexicon.add(text, Target(q, "block"))
