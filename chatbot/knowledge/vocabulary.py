"""Read and check the vocabulary questions carry for reading case descriptions (chatbot.intake).

Part of the loader: defects are recorded with file, question and field, never raised.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from chatbot.errors import Defect
from chatbot.knowledge.fields import TableReader, did_you_mean
from chatbot.knowledge.model import (
    Choice,
    Citation,
    NumberChoices,
    NumberRange,
    Pairs,
    Question,
    Unit,
)
from chatbot.knowledge.text import is_specific, phrase_key

QUESTION_KEYS = (
    "phrases", "names", "not_phrases", "answer_only", "negative", "implies", "requires",
    "number_choices",
)  # fmt: skip
CHOICE_KEYS = ("phrases", "implies", "refines")
_KINDS = {
    "phrases": ("yesno", "choice"),
    "names": ("number", "choice"),
    "answer_only": ("choice",),
    "negative": ("choice",),
    "implies": ("yesno", "choice"),
    "number_choices": ("choice",),
}
_LOWER = {"from": True, "above": False}
_UPPER = {"to": True, "below": False}

UnitsReader = Callable[[TableReader], tuple[Unit, ...]]
CitationReader = Callable[[TableReader], Citation]


def read_phrases(r: TableReader, key: str) -> tuple[str, ...]:
    """A list of phrases; each must have a word that is not generic ('no', 'other', 'none')."""
    phrases = r.texts(key)
    for text in phrases:
        if not is_specific(text):
            r.defect(key, f"{text!r} has no specific word and would match almost any text")
    return phrases


def read_pairs(r: TableReader, key: str) -> Pairs:
    """A table of question id = answer (checked against the questions once all are read)."""
    value = r.table.get(key, {})
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        r.defect(key, 'expected a table of question = answer, e.g. { tissue_state = "necrotic" }')
        return ()
    return tuple((k, v.strip()) for k, v in value.items())


def read_question_vocabulary(
    r: TableReader,
    kind: str,
    choices: tuple[Choice, ...],
    read_units: UnitsReader,
    read_citation: CitationReader,
) -> dict[str, Any]:
    """The vocabulary keys of one question, as keyword arguments for Question."""
    for key, kinds in _KINDS.items():
        if key in r.table and kind not in kinds:
            r.defect(key, f"only {' and '.join(kinds)} questions take {key}")
    names = read_phrases(r, "names")
    fields: dict[str, Any] = {
        "phrases": read_phrases(r, "phrases"),
        "names": names,
        "not_phrases": read_phrases(r, "not_phrases"),
        "answer_only": _answer_only(r, choices),
        "negative": _negative(r, choices),
        "implies": read_pairs(r, "implies"),
        "requires": read_pairs(r, "requires"),
        "number_choices": None,
    }
    if "number_choices" in r.table and kind == "choice":
        bands = r.sub("number_choices")
        fields["number_choices"] = _number_choices(bands, names, choices, read_units, read_citation)
    _check_one_meaning(r, choices, fields["answer_only"], fields["not_phrases"])
    _check_refines(r, choices)
    return fields


def _check_refines(r: TableReader, choices: tuple[Choice, ...]) -> None:
    ids = [c.id for c in choices]
    for index, choice in enumerate(choices):
        for other in choice.refines:
            if other not in ids or other == choice.id:
                r.defect(
                    f"choices[{index}].refines",
                    f"{other!r} is not another choice",
                    did_you_mean(other, ids),
                )


def _answer_only(r: TableReader, choices: tuple[Choice, ...]) -> tuple[str, ...]:
    entries = r.texts("answer_only")
    words = [t for c in choices for t in (c.id.replace("_", " "), *c.synonyms, *c.phrases)]
    known = {phrase_key(t) for t in words}
    for text in entries:
        if phrase_key(text) not in known:
            hint = did_you_mean(text, words)
            r.defect("answer_only", f"{text!r} is not a choice id, synonym or phrase", hint)
    return entries


def _negative(r: TableReader, choices: tuple[Choice, ...]) -> str:
    negative = r.text("negative")
    if negative and negative not in {c.id for c in choices}:
        hint = did_you_mean(negative, [c.id for c in choices])
        r.defect("negative", f"unknown choice {negative!r}", hint)
    return negative


def _check_one_meaning(
    r: TableReader,
    choices: tuple[Choice, ...],
    answer_only: tuple[str, ...],
    not_phrases: tuple[str, ...],
) -> None:
    """A phrase read from a description must mean one choice, and not also be a not-phrase."""
    vague = {phrase_key(t) for t in answer_only}
    blocked = {phrase_key(t) for t in not_phrases}
    meaning: dict[tuple[str, ...], str] = {}
    for choice in choices:
        for text in (choice.id.replace("_", " "), *choice.synonyms, *choice.phrases):
            key = phrase_key(text)
            if key in vague or not key:
                continue
            if key in blocked:
                r.defect("not_phrases", f"{text!r} is also a word of the choice {choice.id!r}")
            other = meaning.setdefault(key, choice.id)
            if other != choice.id:
                r.defect(
                    "choices",
                    f"{text!r} would mean both {other!r} and {choice.id!r} in a description",
                    "list it under answer_only, or keep it in one choice",
                )


def _number_choices(
    r: TableReader,
    names: tuple[str, ...],
    choices: tuple[Choice, ...],
    read_units: UnitsReader,
    read_citation: CitationReader,
) -> NumberChoices:
    r.check_keys(("ranges", "source"), ("names", "units", "plausible"))
    own_names = read_phrases(r, "names") or names
    if not own_names:
        r.defect("names", "name the measurement (here or as the question's names)")
    ranges = tuple(
        _range(r.element("ranges", i, t), choices) for i, t in enumerate(r.tables("ranges"))
    )
    if not ranges:
        r.defect("ranges", "list at least one range, e.g. { below = 15, choices = [...] }")
    _check_overlaps(r, ranges)
    return NumberChoices(own_names, read_units(r), ranges, read_citation(r), r.range("plausible"))


def _range(r: TableReader, choices: tuple[Choice, ...]) -> NumberRange:
    r.check_keys(("choices",), (*_LOWER, *_UPPER))
    chosen = r.texts("choices")
    if not chosen:
        r.defect("choices", "list the choices this range is consistent with (the first by default)")
    for choice_id in chosen:
        if choice_id not in {c.id for c in choices}:
            r.defect(
                "choices",
                f"unknown choice {choice_id!r}",
                did_you_mean(choice_id, [c.id for c in choices]),
            )
    low, low_inclusive = _bound(r, _LOWER)
    high, high_inclusive = _bound(r, _UPPER)
    if low is None and high is None:
        r.defect("", "a range needs a bound: from, above, below or to")
    elif low is not None and high is not None and low >= high:
        r.defect("", f"the lower bound ({low:g}) must be below the upper bound ({high:g})")
    return NumberRange(chosen, low, low_inclusive, high, high_inclusive)


def _bound(r: TableReader, keys: Mapping[str, bool]) -> tuple[float | None, bool]:
    given = [key for key in keys if key in r.table]
    if len(given) > 1:
        r.defect(given[1], f"give only one of {' or '.join(keys)}")
    if not given:
        return None, True
    return r.number(given[0]), keys[given[0]]


def _check_overlaps(r: TableReader, ranges: tuple[NumberRange, ...]) -> None:
    for index, one in enumerate(ranges):
        for other in ranges[index + 1 :]:
            if _overlap(one, other):
                r.defect("ranges", "two ranges overlap: a number must fall in at most one")
                return


def _overlap(a: NumberRange, b: NumberRange) -> bool:
    return _below(a, b) is False and _below(b, a) is False


def _below(a: NumberRange, b: NumberRange) -> bool:
    """Whether every value of a lies below every value of b."""
    if a.high is None or b.low is None:
        return False
    return a.high < b.low or (a.high == b.low and not (a.high_inclusive and b.low_inclusive))


def check_references(questions: Mapping[str, Question], defects: list[Defect]) -> None:
    """Every implies and requires names a question and an answer it accepts."""
    for question in questions.values():
        item = f"question {question.id}"
        keyed = (
            ("implies", question.implies),
            ("requires", question.requires),
            ("several_imply", question.several_imply),
        )
        for key, pairs in keyed:
            _check_pairs(questions, question, pairs, key, item, defects)
        for index, choice in enumerate(question.choices):
            field = f"choices[{index}].implies"
            _check_pairs(questions, question, choice.implies, field, item, defects)


def _check_pairs(
    questions: Mapping[str, Question],
    question: Question,
    pairs: Pairs,
    field: str,
    item: str,
    defects: list[Defect],
) -> None:
    for target_id, value in pairs:
        where = f"{field}.{target_id}"
        target = questions.get(target_id)
        if target is None:
            hint = did_you_mean(target_id, questions)
            defects.append(
                Defect(question.file, item, where, f"unknown question {target_id!r}", hint)
            )
        elif target_id == question.id:
            defects.append(Defect(question.file, item, where, "a question cannot refer to itself"))
        elif value not in target.allowed_values():
            allowed = ", ".join(target.allowed_values()) or "nothing (a number question)"
            defects.append(
                Defect(
                    question.file,
                    item,
                    where,
                    f"{value!r} is not an answer to {target_id}",
                    f"use one of {allowed}",
                )
            )
