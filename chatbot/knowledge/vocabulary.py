"""Read and check the vocabulary questions carry for reading case descriptions (chatbot.intake).

Part of the loader: defects are recorded with file, question and field, never raised.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chatbot.errors import Defect
from chatbot.knowledge.bands import CitationReader, UnitsReader, read_number_choices
from chatbot.knowledge.fields import TableReader, did_you_mean, read_phrases
from chatbot.knowledge.model import (
    LAB_WORDS,
    Choice,
    Pairs,
    Question,
    Support,
)
from chatbot.knowledge.text import phrase_key

QUESTION_KEYS = (
    "phrases", "names", "not_phrases", "answer_only", "negative", "implies", "requires",
    "number_choices", "current", "local", "place", "supported", "words", "if_uncertain",
    "bands", "word_names", "one_deposit", "first", "groups",
)  # fmt: skip
CHOICE_KEYS = ("phrases", "implies", "refines")
_KINDS = {
    "phrases": ("yesno", "choice"),
    "names": ("number", "choice"),
    "answer_only": ("choice",),
    "negative": ("choice",),
    "implies": ("yesno", "choice"),
    "number_choices": ("choice",),
    "supported": ("choice",),
    "words": ("number",),
    "if_uncertain": ("choice",),
    "bands": ("choice",),
    "one_deposit": ("choice",),
    "word_names": ("choice", "number"),
    "groups": ("choice",),
}


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
    answer_only = _answer_only(r, choices)
    fields: dict[str, Any] = {
        "phrases": read_phrases(r, "phrases"),
        "names": names,
        "not_phrases": read_phrases(r, "not_phrases"),
        "answer_only": answer_only,
        "negative": _negative(r, choices),
        "implies": read_pairs(r, "implies"),
        "requires": read_pairs(r, "requires"),
        "number_choices": None,
        "current": _flag(r, "current"),
        "local": _flag(r, "local"),
        "place": _flag(r, "place"),
        "supported": _supported(r, answer_only),
        "lab_words": _lab_words(r),
        "if_uncertain": _choice_pairs(r, "if_uncertain", choices),
        "bands": _bands(r, choices),
        "word_names": read_phrases(r, "word_names"),
        "one_deposit": _choice(r, "one_deposit", choices),
        "first": _flag(r, "first"),
        "groups": _groups(r, choices),
    }
    if "number_choices" in r.table and kind == "choice":
        bands = r.sub("number_choices")
        fields["number_choices"] = read_number_choices(
            bands, names, choices, read_units, read_citation
        )
    _check_one_meaning(r, choices, fields["answer_only"], fields["not_phrases"])
    _check_refines(r, choices)
    return fields


def _groups(r: TableReader, choices: tuple[Choice, ...]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """`groups = [{ name, choices }]`: headings over runs of consecutive choices."""
    found: list[tuple[str, tuple[str, ...]]] = []
    seen: list[str] = []
    ids = [c.id for c in choices]
    for index, table in enumerate(r.tables("groups")):
        g = r.element("groups", index, table)
        g.check_keys(("name", "choices"))
        members = g.texts("choices")
        for member in members:
            if member not in ids or member in seen:
                g.defect(
                    "choices", f"{member!r} is not a choice of this question, or is grouped twice"
                )
        seen.extend(members)
        found.append((g.text("name"), members))
    if seen and seen != [i for i in ids if i in seen]:
        r.defect("groups", "list the groups, and the choices in each, in the order of the choices")
    return tuple(found)


def _choice_pairs(r: TableReader, key: str, choices: tuple[Choice, ...]) -> Pairs:
    """A table of choice = choice, both of this question."""
    pairs = read_pairs(r, key)
    ids = [c.id for c in choices]
    for one, other in pairs:
        for choice_id in (one, other):
            if choice_id not in ids:
                hint = did_you_mean(choice_id, ids)
                r.defect(f"{key}.{one}", f"unknown choice {choice_id!r}", hint)
    return pairs


def _bands(r: TableReader, choices: tuple[Choice, ...]) -> Pairs:
    """`bands = { normal = "normal", low = "suppressed" }`: lab band to choice."""
    pairs = read_pairs(r, "bands")
    ids = [c.id for c in choices]
    for band, choice_id in pairs:
        if band not in LAB_WORDS:
            r.defect(f"bands.{band}", "unknown band", f"use one of {', '.join(LAB_WORDS)}")
        if choice_id not in ids:
            r.defect(f"bands.{band}", f"unknown choice {choice_id!r}", did_you_mean(choice_id, ids))
    return pairs


def _choice(r: TableReader, key: str, choices: tuple[Choice, ...]) -> str:
    value = r.text(key)
    ids = [c.id for c in choices]
    if value and value not in ids:
        r.defect(key, f"unknown choice {value!r}", did_you_mean(value, ids))
    return value


def _flag(r: TableReader, key: str) -> bool:
    value = r.table.get(key, False)
    if not isinstance(value, bool):
        r.defect(key, "write true or false")
    return value is True


def _supported(r: TableReader, answer_only: tuple[str, ...]) -> tuple[Support, ...]:
    """Each entry's terms must be answer_only words: they are read only near support."""
    vague = {phrase_key(t) for t in answer_only}
    found = []
    for index, table in enumerate(r.tables("supported")):
        e = r.element("supported", index, table)
        e.check_keys(("terms", "near"), ("within",))
        terms, near = e.texts("terms"), e.texts("near")
        for term in terms:
            if phrase_key(term) not in vague:
                e.defect("terms", f"{term!r} is not listed in answer_only", "list it there first")
        if not terms or not near:
            e.defect("near" if terms else "terms", "list at least one")
        within = e.integer("within", 4)
        if not 1 <= within <= 12:
            e.defect("within", "write a number of words from 1 to 12")
        found.append(Support(terms, near, within))
    return tuple(found)


def _lab_words(r: TableReader) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """`words = { raised = [...], low = [...] }`: words that report a lab in a band."""
    table = r.table.get("words", {})
    if not isinstance(table, dict):
        r.defect("words", 'expected a table, e.g. { raised = ["hypercalcaemia"] }')
        return ()
    found = []
    for band in table:
        if band not in LAB_WORDS:
            r.defect(f"words.{band}", "unknown band", f"use one of {', '.join(LAB_WORDS)}")
        found.append((band, read_phrases(r.sub("words"), band)))
    if found and "reference" not in r.table:
        r.defect("words", "only a number question with a reference range takes words")
    return tuple(found)


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
