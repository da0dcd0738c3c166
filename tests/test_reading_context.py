"""Context on the shipped knowledge base: the cues of rules/context.toml (ConText) that make a
finding negated, hypothetical, someone else's, uncertain, historical or later, cues that are not
cues, and the attribution of a finding to the deposit or to another place.

Each case gives the whole reading (question -> value) and the findings left out with their
reason. Every text here is written for these tests; none is copied from a case corpus.
"""

from __future__ import annotations

import pytest
from conftest import LeftOut, Reading, reading_of

from chatbot.intake.reader import read_description
from chatbot.knowledge.model import KnowledgeBase


def _check(kb: KnowledgeBase, text: str, read: Reading, left_out: LeftOut) -> None:
    got, omitted = reading_of(kb, text)
    assert got == read
    assert left_out <= omitted, f"left out: {sorted(map(str, omitted))}"


# --- context cues ------------------------------------------------------------------------------

CONTEXT = [
    # negated
    (
        "There is no history of connective-tissue disease.",
        {"ctd_features": "none"},
        set(),
    ),
    ("Calciphylaxis absent on skin biopsy.", {"calciphylaxis_signs": "no"}, set()),
    # hypothetical
    (
        "Screening for sarcoidosis was requested.",
        {},
        {("systemic_condition", "granulomatous_disease", "hypothetical")},
    ),
    (
        "Tests for sarcoidosis are pending.",
        {},
        {("systemic_condition", "granulomatous_disease", "hypothetical")},
    ),
    # family
    (
        "Her brother has hyperparathyroidism.",
        {},
        {("systemic_condition", "primary_hyperparathyroidism", "family")},
    ),
    ("His sister was treated for scleroderma.", {}, {("ctd_features", "crest", "family")}),
    # uncertain
    ("Possible lupus.", {}, {("ctd_features", "lupus", "uncertain")}),
    (
        "Chest film: ?TB. Calcified hilar nodes.",
        {"site": "lymph_node"},
        {("necrosis_setting", "caseous", "uncertain")},
    ),
    ("The differential included osteosarcoma.", {"tumour": "suspected_sarcoma"}, set()),
    # later
    (
        "The patient died of septic shock.",
        {},
        {("necrosis_setting", "hypoperfusion", "later")},
    ),
    ("He succumbed to sepsis a week later.", {}, {("necrosis_setting", "hypoperfusion", "later")}),
    # a terminator ends the scope of the negation
    (
        "No trauma, but lupus was diagnosed.",
        {"ctd_features": "lupus"},
        {("ho_trigger", "trauma", "negated")},
    ),
    ("No fever; however, scleroderma was confirmed.", {"ctd_features": "crest"}, set()),
]


@pytest.mark.parametrize(("text", "read", "left_out"), CONTEXT, ids=[c[0] for c in CONTEXT])
def test_context_qualifies_a_finding(
    real_kb: KnowledgeBase, text: str, read: Reading, left_out: LeftOut
) -> None:
    _check(real_kb, text, read, left_out)


def test_a_negation_is_quoted_with_its_cue(real_kb: KnowledgeBase) -> None:
    (item,) = read_description(real_kb, "There was no history of connective-tissue disease.").items
    assert item.note == "negated by 'no history of'"


def test_uncertain_sarcoma_answers_through_if_uncertain(real_kb: KnowledgeBase) -> None:
    text = "A calcified thigh mass; the differential diagnosis included chondrosarcoma."
    (item,) = [e for e in read_description(real_kb, text).items if e.question == "tumour"]
    assert (item.value, item.phrase) == ("suspected_sarcoma", "chondrosarcoma")
    assert "uncertain" in item.note


def test_a_later_value_is_left_out(real_kb: KnowledgeBase) -> None:
    for text in ("The calcium returned to normal after treatment.", "After surgery the PTH fell."):
        got, omitted = reading_of(real_kb, text)
        assert got == {}
        assert {reason for _, _, reason in omitted} == {"later"}


HISTORICAL_CURRENT = [
    (
        "A parathyroid adenoma was removed 9 years ago.",
        {("systemic_condition", "primary_hyperparathyroidism", "historical")},
    ),
    (
        "She has a history of primary hyperparathyroidism.",
        {("systemic_condition", "primary_hyperparathyroidism", "historical")},
    ),
    # "adenoma" alone is no vocabulary: nothing is read and nothing is left out
    ("She had a parathyroidectomy 12 years ago for an adenoma.", set()),
    pytest.param(
        "She had a parathyroidectomy 12 years ago for a parathyroid adenoma.",
        {("systemic_condition", "primary_hyperparathyroidism", "historical")},
    ),
    pytest.param(
        "Eleven years ago he underwent removal of a parathyroid adenoma.",
        {("systemic_condition", "primary_hyperparathyroidism", "historical")},
    ),
]


@pytest.mark.parametrize(("text", "left_out"), HISTORICAL_CURRENT)
def test_a_past_condition_is_no_current_one(
    real_kb: KnowledgeBase, text: str, left_out: LeftOut
) -> None:
    _check(real_kb, text, {}, left_out)


HISTORICAL_COUNTS = [
    (
        "A burn scar from a house fire 30 years ago now contains calcification.",
        {"tissue_state": "degenerated", "degeneration_setting": "hyalinised_scar"},
    ),
    (
        "Heterotopic bone formed in the elbow of a man who had burns 2 years ago.",
        {"bone_pattern": "yes", "ho_trigger": "neurogenic", "site": "periarticular"},
    ),
    pytest.param(
        "Heterotopic ossification of the hip followed a hip replacement four years ago.",
        {"bone_pattern": "yes", "ho_trigger": "surgery", "site": "periarticular"},
    ),
]


@pytest.mark.parametrize(("text", "read"), HISTORICAL_COUNTS)
def test_a_remote_event_still_counts_for_tissue_and_trigger(
    real_kb: KnowledgeBase, text: str, read: Reading
) -> None:
    _check(real_kb, text, read, set())


def test_a_pseudo_cue_does_not_negate(real_kb: KnowledgeBase) -> None:
    scar = {"tissue_state": "degenerated", "degeneration_setting": "hyalinised_scar"}
    _check(real_kb, "No increase in size of the calcified scar over four years.", scar, set())
    _check(
        real_kb, "No calcified scar.", {}, {("degeneration_setting", "hyalinised_scar", "negated")}
    )


# --- several findings and attribution -------------------------------------------------------

TWO_SITES = [
    ("Deposits of calcium were seen in the cornea and the kidneys.", ("kidney_medulla", "eye")),
    ("Calcification of the spleen and liver was seen on CT.", ("liver", "spleen")),
    pytest.param(
        "Calcified deposits involved the lungs and the gastric mucosa.",
        ("lung", "stomach"),
    ),
    pytest.param(
        "Calcified nodules were found in the lungs; calcified foci were also found in the spleen.",
        ("lung", "spleen"),
    ),
]


@pytest.mark.parametrize(("text", "sites"), TWO_SITES)
def test_two_places_of_the_deposit_are_both_read(
    real_kb: KnowledgeBase, text: str, sites: tuple[str, ...]
) -> None:
    got, _ = reading_of(real_kb, text)
    assert (got.get("site"), got.get("distribution")) == (sites, "widespread")


def test_an_organ_not_tied_to_the_deposit_is_left_out(real_kb: KnowledgeBase) -> None:
    text = "A calcified nodule was seen in the spleen. Her liver was enlarged."
    got, omitted = reading_of(real_kb, text)
    assert got.get("site") == "spleen"
    assert ("site", "liver", "elsewhere") in omitted


@pytest.mark.parametrize(
    ("text", "intervention"),
    [
        ("A calcified mass in the lung; she had had injections into the thigh muscles.", None),
        ("Calcified nodules in the gluteal skin where she had received injections.", "injection"),
        ("Calcified subcutaneous nodules at the sites of enoxaparin injections.", "injection"),
    ],
)
def test_an_injection_counts_only_at_the_deposit(
    real_kb: KnowledgeBase, text: str, intervention: str | None
) -> None:
    got, omitted = reading_of(real_kb, text)
    assert got.get("intervention") == intervention
    assert (("intervention", "injection", "elsewhere") in omitted) == (intervention is None)
