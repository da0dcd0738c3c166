"""Words of a case description, and the knowledge base's vocabulary indexed by them.

Both sides are cut into words the same way (knowledge.text), so "Haematomas" in a text meets
"hematoma" in rules/. Pure: no I/O. Holds no medical words:
they all come from the knowledge base.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from chatbot.knowledge.model import LAB_WORDS, KnowledgeBase, Question, Value
from chatbot.knowledge.text import Word, is_specific_key, phrase_key

Role = Literal["choice", "topic", "name", "qualifier", "block", "vague", "labword"]
"""What a phrase is to its question: a choice's words (or a description of it), the question's
own subject, the name of a measurement, a choice's or a lab band's word next to such a name, a
phrase that means something else, a vague choice word read only near its support, or a word
that reports a lab in a band ('hypercalcaemia')."""


@dataclass(frozen=True)
class Target:
    """What one indexed phrase means: for which question, in which role, with which value."""

    question: str
    role: Role
    value: Value = ""
    via: str = ""
    """The description it comes from, or for a vague word the index of its support."""


@dataclass
class Lexicon:
    """Every phrase of a knowledge base's vocabulary, keyed by its words."""

    entries: dict[tuple[str, ...], list[Target]] = field(default_factory=dict)
    longest: int = 1
    lengths: dict[str, list[int]] = field(default_factory=dict)
    """For each first word, the lengths of the phrases that start with it, shortest first."""

    def add(self, text: str, target: Target) -> None:
        key = phrase_key(text)
        if not key or not is_specific_key(key):
            return
        targets = self.entries.setdefault(key, [])
        if target not in targets:
            targets.append(target)
        self.longest = max(self.longest, len(key))
        lengths = self.lengths.setdefault(key[0], [])
        if len(key) not in lengths:
            lengths.append(len(key))
            lengths.sort()

    def matches(self, text_words: list[Word]) -> Iterator[tuple[int, int, Target]]:
        """Every (first word, end word, target) whose phrase occurs within one clause."""
        count = len(text_words)
        for start in range(count):
            for length in self.lengths.get(text_words[start].key, ()):
                end = start + length
                if end > count or any(w.hard_before for w in text_words[start + 1 : end]):
                    break
                key = tuple(w.key for w in text_words[start:end])
                for target in self.entries.get(key, ()):
                    yield start, end, target


def lexicon_of(kb: KnowledgeBase) -> Lexicon:
    """The knowledge base's case-description vocabulary, built once and kept with it."""
    return kb.owned(_build_lexicon)


def _build_lexicon(kb: KnowledgeBase) -> Lexicon:
    lexicon = Lexicon()
    bands = [(band, word) for band in LAB_WORDS for word in kb.reading.words(band)]
    for question in kb.questions.values():
        _index(lexicon, question)
        if question.accepts_words:
            for band, word in bands:
                lexicon.add(word, Target(question.id, "qualifier", band))
        for band, words in question.lab_words:
            for word in words:
                lexicon.add(word, Target(question.id, "labword", band))
        for band, choice_id in question.bands:
            for word in kb.reading.words(band):
                lexicon.add(word, Target(question.id, "qualifier", choice_id))
        for name in question.word_names:
            lexicon.add(name, Target(question.id, "name", "", "word"))
    for description in kb.reading.descriptions.values():
        for question_id, value in description.means:
            for text in description.phrases:
                lexicon.add(text, Target(question_id, "choice", value, description.id))
    return lexicon


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
    supports = {phrase_key(t): str(i) for i, s in enumerate(question.supported) for t in s.terms}
    # a vague word is read near its support; a place's vague words ('buttock') are always
    # seen, so that a finding beside one is known to be about that place
    seen = [t for t in question.answer_only if question.place or phrase_key(t) in supports]
    for text in seen:
        for choice in question.choices:
            if phrase_key(text) in {phrase_key(w) for w in choice_words(question, choice.id)}:
                via = supports.get(phrase_key(text), "")
                lexicon.add(text, Target(q, "vague", choice.id, via))
