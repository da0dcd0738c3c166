"""Edges of reading a case description: how far a context cue reaches (a cue listed both before
and after a finding, an attached 'non', the items of a list after a cue, a knowledge base with
no cues at all), one reading word shared by a list of tests (how far apart the tests may stand,
how far after them the word may stand, brackets and numbers in between), a panel reported as a
whole, a report's own reference range in brackets, and the message for a value whose unit
cannot be right. Every text here is written for these tests."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURE_KB, Reading, reading_of

from chatbot.intake.reader import read_description
from chatbot.knowledge.loader import load_knowledge_base
from chatbot.knowledge.model import KnowledgeBase, Value


def _notes(kb: KnowledgeBase, text: str) -> dict[str, tuple[Value, str, str]]:
    """question -> (value, the phrase read, the note)."""
    return {e.question: (e.value, e.phrase, e.note) for e in read_description(kb, text).items}


def _details(kb: KnowledgeBase, text: str) -> dict[str, str]:
    return {o.question: o.detail for o in read_description(kb, text).omitted}


SARCOID = ("systemic_condition", "granulomatous_disease")
NEGATED_SARCOID = {(*SARCOID, "negated")}


# --- context cues ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Absent trauma.",  # 'absent' before the finding
        "Trauma absent.",  # and after it: one cue that reaches both ways
    ],
)
def test_a_cue_listed_before_and_after_reaches_both_ways(real_kb: KnowledgeBase, text: str) -> None:
    assert reading_of(real_kb, text) == ({}, {("ho_trigger", "trauma", "negated")})


def test_a_cue_listed_only_before_does_not_reach_back(real_kb: KnowledgeBase) -> None:
    read, omitted = reading_of(real_kb, "Sarcoidosis in a sibling.")
    assert read == {SARCOID[0]: SARCOID[1]}
    assert not omitted


@pytest.mark.parametrize("text", ["The mass was non-necrotic.", "The mass was non necrotic."])
def test_an_attached_cue_negates_the_word_it_is_attached_to(
    real_kb: KnowledgeBase, text: str
) -> None:
    assert reading_of(real_kb, text) == ({}, {("tissue_state", "necrotic", "negated")})


@pytest.mark.parametrize(
    "text",
    [
        "No fever, sarcoidosis or rash.",  # a middle item: 'or' after it
        "No fever, rash or sarcoidosis.",  # the last item: 'or' before it
        # the last item lies beyond the cue's own window of six words, within a list's reach
        "No fever, cough, rash, weight loss, headache or sarcoidosis.",
    ],
)
def test_a_cue_before_a_list_reaches_each_item(real_kb: KnowledgeBase, text: str) -> None:
    assert reading_of(real_kb, text) == ({}, NEGATED_SARCOID)


def test_a_comma_outside_a_list_ends_the_cue(real_kb: KnowledgeBase) -> None:
    read, _ = reading_of(real_kb, "No fever, sarcoidosis.")
    assert read == {SARCOID[0]: SARCOID[1]}


def test_a_knowledge_base_without_cues_reads_every_finding_as_stated(tmp_path: Path) -> None:
    folder = tmp_path / "kb"
    shutil.copytree(FIXTURE_KB, folder)
    context = folder / "context.toml"
    text = context.read_text(encoding="utf-8")
    context.write_text(re.sub(r"\[\[cue\]\].*?(?=\n\[\[|\Z)", "", text, flags=re.S))
    kb = load_knowledge_base(folder)
    assert not kb.reading.cues
    assert reading_of(kb, "The casing was not dented.") == ({"casing": "dented"}, set())


# --- one word for a list of tests --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "read"),
    [
        # up to four words between two tests of one list
        (
            "Calcium, magnesium, zinc, copper and phosphate were low.",
            {"serum_calcium": "low", "serum_phosphate": "low"},
        ),
        # five are too many
        (
            "Calcium, then after a long delay, phosphate were normal.",
            {"serum_phosphate": "normal"},
        ),
        # a full stop or semicolon ends the list
        ("Calcium; phosphate were normal.", {"serum_phosphate": "normal"}),
        # the word stands up to eight words after the last test ...
        (
            "Calcium, phosphate and albumin were on repeated testing over several months low.",
            {"serum_calcium": "low", "serum_phosphate": "low", "albumin": "low"},
        ),
        # ... not nine
        (
            "Calcium, phosphate and albumin were on repeated testing over several long months low.",
            {},
        ),
        # what stands in brackets is skipped, numbers included
        (
            "Calcium and phosphate (done twice) were normal.",
            {"serum_calcium": "normal", "serum_phosphate": "normal"},
        ),
        (
            "Calcium and phosphate (measured 3 times) were normal.",
            {"serum_calcium": "normal", "serum_phosphate": "normal"},
        ),
        # a word before the list, when none follows it before the sentence ends
        (
            "Elevated calcium and phosphate. The skin was firm.",
            {"serum_calcium": "raised", "serum_phosphate": "raised", "site": "skin"},
        ),
        # or before a number that is no test's value
        (
            "Raised calcium and phosphate at 3 visits.",
            {"serum_calcium": "raised", "serum_phosphate": "raised"},
        ),
        # a list that ends before a semicolon still takes the word before it
        (
            "Elevated calcium and phosphate; albumin normal.",
            {"serum_calcium": "raised", "serum_phosphate": "raised", "albumin": "normal"},
        ),
    ],
)
def test_one_word_for_a_list_of_tests(real_kb: KnowledgeBase, text: str, read: Reading) -> None:
    assert reading_of(real_kb, text)[0] == read


@pytest.mark.parametrize(
    "text",
    [
        "Calcium low, phosphate and albumin were raised.",
        "Low calcium, phosphate and albumin were raised.",
    ],
)
def test_a_test_read_on_its_own_keeps_its_own_word(real_kb: KnowledgeBase, text: str) -> None:
    read, omitted = reading_of(real_kb, text)
    assert read == {"serum_calcium": "low", "serum_phosphate": "raised", "albumin": "raised"}
    assert not omitted


@pytest.mark.parametrize(
    "text",
    ["Calcium and phosphate were not raised.", "Calcium and phosphate were not elevated."],
)
def test_a_word_after_a_denial_is_not_the_lists_reading(real_kb: KnowledgeBase, text: str) -> None:
    read, _ = reading_of(real_kb, text)
    assert "serum_calcium" not in read
    assert "serum_phosphate" not in read


def test_a_denied_reading_of_a_list_is_left_out_with_its_cue(real_kb: KnowledgeBase) -> None:
    text = "There was no raised calcium or phosphate."
    read, omitted = reading_of(real_kb, text)
    assert read == {}
    assert ("serum_phosphate", "raised", "negated") in omitted
    assert _details(real_kb, text)["serum_phosphate"] == "negated by 'no'"


# --- a panel as a whole ------------------------------------------------------------------------

PANEL_NORMAL = {"serum_calcium": "normal", "serum_phosphate": "normal"}


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("Bone profile was otherwise normal.", PANEL_NORMAL),
        ("Bone profile. Normal.", PANEL_NORMAL),  # a heading and its result
        ("Bone profile was checked. Normal.", {}),  # another sentence
        ("The bone profile was raised, then normal.", {}),
        ("The bone profile was low, then normal.", {}),
        ("Normal appetite and a bone profile were noted.", {}),  # 'normal' before the panel
    ],
)
def test_a_panel_reported_as_a_whole(real_kb: KnowledgeBase, text: str, read: Reading) -> None:
    assert reading_of(real_kb, text)[0] == read


def test_a_panel_reading_says_where_it_comes_from(real_kb: KnowledgeBase) -> None:
    notes = _notes(real_kb, "The mineral panel was normal.")
    assert notes["serum_calcium"] == (
        "normal",
        "mineral panel was normal",
        "the bone profile as a whole",
    )


# --- the report's own reference range ----------------------------------------------------------

OWN = "raised against the report's own range 10-55"


@pytest.mark.parametrize(
    ("text", "phrase", "note"),
    [
        ("PTH 59 pg/mL (10-55) today.", "PTH 59 pg/mL (10-55", OWN),
        ("PTH 59 pg/mL (10 to 55) today.", "PTH 59 pg/mL (10 to 55", OWN),
        ("PTH 59 pg/mL (10 to 55)", "PTH 59 pg/mL (10 to 55", OWN),  # the range ends the text
        # up to five words in the bracket before the range
        (
            "PTH 59 pg/mL (range at this local laboratory 10-55).",
            "PTH 59 pg/mL (range at this local laboratory 10-55",
            OWN,
        ),
        # six are too many: calcify's own bands decide
        ("PTH 59 pg/mL (reference range in this local laboratory 10-55).", "PTH 59 pg/mL", ""),
        ("PTH 59 pg/mL 2 (10-55).", "PTH 59 pg/mL", ""),  # another number before the bracket
        ("PTH 59 pg/mL (method B) 10-55.", "PTH 59 pg/mL", ""),  # the bracket closed before
        ("PTH 59 pg/mL (55-10).", "PTH 59 pg/mL", ""),  # no range: its ends are reversed
        ("PTH 59 pg/mL (55-55).", "PTH 59 pg/mL", ""),  # nor a range of one value
        ("PTH 59 pg/mL (ref 10", "PTH 59 pg/mL", ""),  # the text ends inside the bracket
        ("PTH 59 pg/mL (10 to", "PTH 59 pg/mL", ""),
    ],
)
def test_a_value_against_the_reports_own_range(
    real_kb: KnowledgeBase, text: str, phrase: str, note: str
) -> None:
    value, read_phrase, read_note = _notes(real_kb, text)["pth"]
    assert (read_phrase, read_note) == (phrase, note)
    assert value == ("raised" if note else "normal")


# --- a unit that cannot be right ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        (
            "Albumin 40 g/dL.",
            "Albumin 40 g/dL is not plausible in g/dL (plausible range 1–6.5 g/dL); "
            "40 would be plausible in g/L",
        ),
        (
            "Albumin 40-45 g/dL.",
            "Albumin 40-45 g/dL is not plausible in g/dL (plausible range 1–6.5 g/dL); "
            "40–45 would be plausible in g/L",
        ),
        # no other unit is named when it fits only some of the values
        (
            "Albumin 40-90 g/dL.",
            "Albumin 40-90 g/dL is not plausible in g/dL (plausible range 1–6.5 g/dL)",
        ),
    ],
)
def test_a_value_in_a_unit_that_cannot_be_right(
    real_kb: KnowledgeBase, text: str, detail: str
) -> None:
    assert reading_of(real_kb, text) == ({}, {("albumin", "", "unit")})
    assert _details(real_kb, text) == {"albumin": detail}
