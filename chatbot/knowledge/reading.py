"""The language of case descriptions as data: context cues (ConText), named word sets, lab
panels and descriptions. Pure data and its reading from TOML; the reader is chatbot.intake.

A cue qualifies the findings in its scope with a ConText category (Harkema et al. 2009):
negated, historical, hypothetical, family (someone else) or uncertain, and one calcify adds
to ConText's temporality: later (after the deposit was found: 'died of sepsis', 'returned
to normal after treatment'); a `pseudo` cue looks
like a cue but is not one ("no increase") and a `terminate` cue ends every scope ("but").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, cast, get_args

from chatbot.errors import Defect
from chatbot.knowledge.citations import Citation
from chatbot.knowledge.fields import TableReader, did_you_mean
from chatbot.knowledge.questions import Pairs, Question
from chatbot.knowledge.text import is_specific

Category = Literal[
    "negated", "historical", "later", "hypothetical", "family", "uncertain", "pseudo",
    "terminate",
]  # fmt: skip
CATEGORIES: tuple[Category, ...] = get_args(Category)
Direction = Literal["forward", "backward", "both"]
DIRECTIONS: tuple[Direction, ...] = get_args(Direction)
Scope = Literal["clause", "sentence"]
SCOPES: tuple[Scope, ...] = get_args(Scope)

WORDSETS = {
    "fillers": "words that may stand between a measurement's name and its value or reading",
    "alternatives": "words joining two findings offered as alternatives ('A or B')",
    "list_joiners": "words joining the items of a list ('A, B and C')",
    "fresh_assertions": "words that start a new statement after 'and' ('no lupus and normal')",
    "deposit": "words naming the deposit itself (calcification, calcified, nodule)",
    "lesion": "words naming a lesion that may be the deposit (nodule, mass)",
    "singular": "words that make a deposit one ('a', 'single', 'solitary')",
    "reporting": "words that report a finding ('showed', 'were found', 'seen')",
    "deposit_links": "words that tie a place to the deposit before it ('calcification of')",
    "raised": "words reporting a lab value as above its reference range",
    "normal": "words reporting a lab value as within its reference range",
    "low": "words reporting a lab value as below its reference range",
    "range_words": "words that introduce a range of results ('ranged from', 'between')",
}
"""The word sets the reader relies on, and what each holds: a knowledge base without one
reads as if it were empty."""


@dataclass(frozen=True)
class Cue:
    """Phrases that qualify the findings in their scope with one ConText category."""

    id: str
    category: Category
    direction: Direction
    phrases: tuple[str, ...]
    citation: Citation
    file: str
    scope: Scope = "clause"
    """How far it reaches: to the next clause mark (a comma between list items excepted) or
    to the end of the sentence; in both cases at most `window` words."""
    window: int = 6
    attached: bool = False
    """Qualifies only the word right after it ('non' in 'non-caseating')."""


@dataclass(frozen=True)
class WordSet:
    id: str
    words: tuple[str, ...]
    file: str


@dataclass(frozen=True)
class Panel:
    """A group of tests reported together ('biochemistry was normal') and the questions it
    answers with the same word."""

    id: str
    names: tuple[str, ...]
    covers: tuple[str, ...]
    citation: Citation
    file: str


@dataclass(frozen=True)
class Description:
    """How a report describes what a question asks, without naming it: 'trabecular bone with
    a cortical rim' is bone. Either one of `phrases`, or all words of one `together` group
    within one sentence."""

    id: str
    means: Pairs
    phrases: tuple[str, ...]
    together: tuple[tuple[str, ...], ...]
    citation: Citation
    file: str


@dataclass(frozen=True)
class ReadingVocabulary:
    cues: Mapping[str, Cue] = field(default_factory=dict)
    wordsets: Mapping[str, WordSet] = field(default_factory=dict)
    panels: Mapping[str, Panel] = field(default_factory=dict)
    descriptions: Mapping[str, Description] = field(default_factory=dict)

    def words(self, wordset: str) -> tuple[str, ...]:
        found = self.wordsets.get(wordset)
        return found.words if found else ()


def read_cue(r: TableReader, item_id: str, citation: Citation) -> Cue:
    r.check_keys(
        ("id", "category", "phrases", "source"), ("direction", "scope", "window", "attached")
    )
    category = cast(Category, _one_of(r, "category", CATEGORIES, "negated"))
    plain = category in ("pseudo", "terminate")
    default = "both" if plain else "forward"
    direction = cast(Direction, _one_of(r, "direction", DIRECTIONS, default))
    scope = cast(Scope, _one_of(r, "scope", SCOPES, "clause"))
    window = r.integer("window", 6)
    if not 1 <= window <= 40:
        r.defect("window", "write a number of words from 1 to 40")
    attached = r.table.get("attached", False)
    if not isinstance(attached, bool):
        r.defect("attached", "write true or false")
    phrases = r.texts("phrases")
    if not phrases:
        r.defect("phrases", "list at least one phrase")
    return Cue(
        item_id,
        category,
        direction,
        phrases,
        citation,
        r.file,
        scope,
        window,
        attached is True,
    )


def read_wordset(r: TableReader, item_id: str) -> WordSet:
    r.check_keys(("id", "words"), ("why",))
    if item_id not in WORDSETS:
        known = ", ".join(WORDSETS)
        r.defect("id", f"unknown word set {item_id!r}", did_you_mean(item_id, WORDSETS) or known)
    words = r.texts("words")
    if not words:
        r.defect("words", "list at least one word")
    return WordSet(item_id, words, r.file)


def read_panel(
    r: TableReader, item_id: str, citation: Citation, questions: Mapping[str, Question]
) -> Panel:
    r.check_keys(("id", "names", "covers", "source"))
    names = r.texts("names")
    for name in names:
        if not is_specific(name):
            r.defect("names", f"{name!r} has no specific word and would match almost any text")
    covers = r.texts("covers")
    if not names or not covers:
        r.defect("covers" if names else "names", "list at least one")
    for question_id in covers:
        question = questions.get(question_id)
        if question is None:
            hint = did_you_mean(question_id, questions)
            r.defect("covers", f"unknown question {question_id!r}", hint)
        elif "normal" not in question.allowed_values():
            r.defect("covers", f"{question_id} has no answer 'normal' for a panel to give")
    return Panel(item_id, names, covers, citation, r.file)


def read_description(
    r: TableReader, item_id: str, citation: Citation, questions: Mapping[str, Question]
) -> Description:
    r.check_keys(("id", "means", "source"), ("phrases", "together"))
    means = _means(r, questions)
    phrases = r.texts("phrases")
    groups = r.table.get("together", [])
    together: list[tuple[str, ...]] = []
    if not isinstance(groups, list) or not all(isinstance(g, list) for g in groups):
        r.defect("together", 'expected a list of word lists, e.g. [["cortical", "trabecular"]]')
    else:
        for index, group in enumerate(groups):
            words = r.sub(index, {"w": group}).texts("w")
            if len(words) < 2:
                r.defect(f"together[{index}]", "a group needs at least two words")
            together.append(words)
    if not phrases and not together:
        r.defect("phrases", "give phrases, together groups, or both")
    if not means:
        r.defect("means", 'say what it means, e.g. { bone_pattern = "yes" }')
    return Description(item_id, means, phrases, tuple(together), citation, r.file)


def _means(r: TableReader, questions: Mapping[str, Question]) -> Pairs:
    value = r.table.get("means", {})
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        r.defect("means", 'expected a table of question = answer, e.g. { bone_pattern = "yes" }')
        return ()
    for question_id, answer in value.items():
        question = questions.get(question_id)
        if question is None:
            hint = did_you_mean(question_id, questions)
            r.defect(f"means.{question_id}", f"unknown question {question_id!r}", hint)
        elif answer not in question.allowed_values():
            allowed = ", ".join(question.allowed_values())
            r.defect(
                f"means.{question_id}", f"{answer!r} is not an answer", f"use one of {allowed}"
            )
    return tuple((k, v.strip()) for k, v in value.items())


def check_supports(
    questions: Mapping[str, Question], wordsets: Mapping[str, WordSet], defects: list[Defect]
) -> None:
    """Every `@name` a question's `supported` list refers to is a word set."""
    for question in questions.values():
        for index, support in enumerate(question.supported):
            for entry in support.near:
                name = entry.removeprefix("@")
                if entry.startswith("@") and name not in wordsets:
                    hint = did_you_mean(name, wordsets) or f"define [[wordset]] id = {name!r}"
                    defects.append(
                        Defect(
                            question.file,
                            f"question {question.id}",
                            f"supported[{index}].near",
                            f"unknown word set {entry!r}",
                            hint,
                        )
                    )


def _one_of(r: TableReader, key: str, allowed: tuple[str, ...], default: str) -> str:
    value = r.text(key, default)
    if value not in allowed:
        r.defect(key, f"unknown {key} {value!r}", f"use one of {', '.join(allowed)}")
        return default
    return value
