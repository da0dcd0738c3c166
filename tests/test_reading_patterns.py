"""Reading patterns of case descriptions on the shipped knowledge base: descriptions instead of
names, vague words near their support, labs in odd forms, attribution, spelling, age, and
texts that must never be refused. Context cues (ConText) and attribution of findings to the
deposit are in test_reading_context.py.

Every text here is written for these tests; none is copied from a case corpus.
"""

from __future__ import annotations

import json

import pytest

from chatbot.cli import main
from chatbot.intake.reader import extract, read_description
from chatbot.knowledge.model import KnowledgeBase, Value
from chatbot.knowledge.text import normalise


def _answers(kb: KnowledgeBase, text: str, *questions: str) -> dict[str, Value | None]:
    """What the text answers to each question (None when unanswered)."""
    read = {e.question: e.value for e in extract(kb, text)}
    return {question: read.get(question) for question in questions}


def _left_out(kb: KnowledgeBase, text: str) -> set[tuple[str, str]]:
    return {(o.question, o.reason) for o in read_description(kb, text).omitted}


# --- 1. descriptions instead of names ---------------------------------------------------------

DESCRIPTIONS = [
    ("The calf lesion was trabecular bone enclosed by a cortical rim.", {"bone_pattern": "yes"}),
    (
        "Sections of the ovarian mass held concentrically laminated spherules.",
        {"degeneration_setting": "psammoma_bodies", "tissue_state": "degenerated"},
    ),
    (
        "A bladder wall biopsy showed calcified schistosome ova with terminal spines.",
        {"necrosis_setting": "dead_parasites", "site": "urinary_tract"},
    ),
    (
        "A round calcification with a lucent center lay in a pelvic vein.",
        {"necrosis_setting": "thrombus", "site": "vein"},
    ),
    (
        "Echocardiography showed heavily calcified leaflets with fused commissures.",
        {"degeneration_setting": "mitral_stenosis", "site": "heart_valve"},
    ),
    (
        "A newborn girl had calcified foci lining both lateral ventricles.",
        {"necrosis_setting": "congenital_infection", "site": "brain"},
    ),
    (
        "A rim-calcified oil cyst lay in the upper outer breast.",
        {"necrosis_setting": "traumatic_fat_necrosis", "site": "breast"},
    ),
    ("Fundoscopy showed angioid streaks.", {"degeneration_setting": "pseudoxanthoma_elasticum"}),
]


@pytest.mark.parametrize(("text", "expected"), DESCRIPTIONS, ids=[t for t, _ in DESCRIPTIONS])
def test_a_description_answers_like_a_name(
    real_kb: KnowledgeBase, text: str, expected: dict[str, Value]
) -> None:
    assert _answers(real_kb, text, *expected) == expected


def test_a_denied_description_answers_nothing_either_way(real_kb: KnowledgeBase) -> None:
    text = "The calcified mass in the forearm contained no trabecular bone."
    assert _answers(real_kb, text, "bone_pattern") == {"bone_pattern": None}
    assert ("bone_pattern", "negated") in _left_out(real_kb, text)


# --- 2. vague words read only near their support ----------------------------------------------

VAGUE = [
    (
        "Ultrasound found calcification in the tendon of the wrist.",
        {"degeneration_setting": "tendon"},
    ),
    pytest.param(
        "Ultrasound found calcification in a tendon of the shoulder.",
        {"degeneration_setting": "tendon"},
    ),
    (
        "She tore a tendon skiing. Mammography showed a calcified nodule in the breast.",
        {"degeneration_setting": None, "site": "breast"},
    ),
    ("Multiple calcified nodules were present in both lungs.", {"distribution": "widespread"}),
    ("Diffuse calcification of the gastric mucosa was found.", {"distribution": "widespread"}),
    (
        "Calcification of the stomach in a woman with multiple myeloma.",
        {"distribution": None, "systemic_condition": "myeloma", "site": "stomach"},
    ),
    (
        "His pain was diffuse for many weeks. Calcification was found in the kidney.",
        {"distribution": None, "site": "kidney_medulla"},
    ),
]


@pytest.mark.parametrize(("text", "expected"), VAGUE)
def test_a_vague_word_is_read_only_near_its_support(
    real_kb: KnowledgeBase, text: str, expected: dict[str, Value | None]
) -> None:
    assert _answers(real_kb, text, *expected) == expected


# --- 3. labs in words and odd forms ------------------------------------------------------------

NORMAL_THREE = {"serum_calcium": "normal", "serum_phosphate": "normal", "pth": "normal"}
LABS = [
    (
        "Calcium and phosphate were normal.",
        {"serum_calcium": "normal", "serum_phosphate": "normal"},
    ),
    ("The admission bloods showed hypercalcaemia.", {"serum_calcium": "raised"}),
    (
        "Elevated Ca, P and PTH were found.",
        {"serum_calcium": "raised", "serum_phosphate": "raised", "pth": "raised"},
    ),
    ("Calcium, phosphorus, CK (creatine kinase) and PTH were within normal limits.", NORMAL_THREE),
    pytest.param(
        "Calcium, phosphate, CK (a muscle enzyme) and PTH were within normal limits.",
        NORMAL_THREE,
        marks=pytest.mark.xfail(
            strict=True, reason="'muscle' in the bracket is also read as site = muscle"
        ),
    ),
    (
        "Biochemistry was unremarkable.",
        {"serum_calcium": "normal", "serum_phosphate": "normal", "kidney_function": "normal"},
    ),
    (
        "Routine bloods were normal except for a phosphate of 2.4 mmol/L.",
        {
            "serum_calcium": "normal",
            "serum_phosphate": pytest.approx(2.4 * 3.097),
            "kidney_function": "normal",
        },
    ),
    ("Intact PTH 1,150 pg/mL.", {"pth": "raised"}),
    ("Serum calcium 2·9 mmol/L.", {"serum_calcium": pytest.approx(2.9 * 4.008)}),
    ("Calcium ranged from 2.3 to 2.5 mmol/L.", {"serum_calcium": "normal"}),
    ("PTH 60 pg/mL (ref 10-50).", {"pth": "raised"}),
    ("PTH was 58 pg/mL (reference range 12-45).", {"pth": "raised"}),
    ("Creatinine normal.", {"kidney_function": "normal"}),
    ("The creatinine was 380 µmol/L.", {}),
]


@pytest.mark.parametrize(("text", "expected"), LABS)
def test_labs_in_words_and_odd_forms(
    real_kb: KnowledgeBase, text: str, expected: dict[str, Value]
) -> None:
    assert {e.question: e.value for e in extract(real_kb, text)} == expected


def test_an_implausible_unit_leaves_out_the_values_written_in_it(real_kb: KnowledgeBase) -> None:
    found = read_description(real_kb, "Serum calcium 10.2 mmol/L, phosphate 1.4 mmol/L.")
    assert found.items == ()
    assert {(o.question, o.reason) for o in found.omitted} == {
        ("serum_calcium", "unit"),
        ("serum_phosphate", "unit"),
    }


# --- 6. spelling folds by whole words ----------------------------------------------------------


HAEMATOMA = {"necrosis_setting": "haematoma", "ho_trigger": "trauma"}
PXE = {"degeneration_setting": "pseudoxanthoma_elasticum"}
SPELLINGS = [  # rules/ spell hypercalcaemia, benign tumour and fibres the British way only
    (
        "Heterotopic bone formed in organising {} of the thigh.",
        "haematomas",
        "hematomas",
        HAEMATOMA,
    ),
    (
        "Bloods on admission showed {}.",
        "hypercalcaemia",
        "hypercalcemia",
        {"serum_calcium": "raised"},
    ),
    ("A calcified benign {} of the uterus.", "tumour", "tumor", {"tumour": "other_tumour"}),
    ("Skin biopsy showed calcified elastic {}.", "fibres", "fibers", PXE),
]


@pytest.mark.parametrize(("template", "british", "american", "expected"), SPELLINGS)
def test_british_and_american_spellings_meet(
    real_kb: KnowledgeBase, template: str, british: str, american: str, expected: dict[str, Value]
) -> None:
    for word in (british, american):
        assert _answers(real_kb, template.format(word), *expected) == expected, word


@pytest.mark.parametrize("word", ["oedema", "edema"])
def test_oedema_meets_its_not_phrase(real_kb: KnowledgeBase, word: str) -> None:
    """'pulmonary oedema' is no place (a not_phrase of site), in either spelling."""
    found = read_description(
        real_kb, f"Pulmonary {word} was treated. Calcified foci in the stomach."
    )
    assert {e.question: e.value for e in found.items} == {"site": "stomach"}
    assert all(o.value != "lung" for o in found.omitted)


def test_folds_leave_other_words_alone(real_kb: KnowledgeBase) -> None:
    assert normalise("Treatment four tremor hour centre") == "treatment four tremor hour center"
    text = "Calcified nodules in the skin after four injections of a vitamin."
    assert _answers(real_kb, text, "intervention") == {"intervention": "injection"}
    assert ("pth", "later") in _left_out(real_kb, "After treatment the PTH was normal.")


# --- 7. age ------------------------------------------------------------------------------------

AGES = [
    ("A 67-year-old man with calcified fingertips.", 67.0),
    ("A three-month-old boy with calcified heels.", pytest.approx(0.25, abs=1e-3)),
    (
        "A six-week-old infant had brain calcification. Her mother, aged 31, had a rash.",
        pytest.approx(6 * 0.01918, abs=1e-3),
    ),
    ("A 4-year-old boy with calcified nodules; his 38-year-old father is well.", 4.0),
]


@pytest.mark.parametrize(("text", "age"), AGES)
def test_the_patients_age_is_the_first(real_kb: KnowledgeBase, text: str, age: object) -> None:
    assert _answers(real_kb, text, "age") == {"age": age}


# --- 8. never refuse ---------------------------------------------------------------------------

PROSE = "The weather was lovely and we walked to the harbour for a long lunch."


def test_a_text_without_medical_content_is_classified_all_the_same(
    real_kb: KnowledgeBase, capsys: pytest.CaptureFixture[str]
) -> None:
    assert extract(real_kb, PROSE) == []
    assert main(["classify", "--json", "--case", PROSE]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["classification"] == "indeterminate"
    assert data["extracted"] == []
    assert "site" in data["questions_pending"]


NONSENSE = [
    "",
    "   \n\t",
    "?????",
    "((( ]] ,,, ;;",
    "1,2,3 mmol/L 4·5 -- 6e9 %",
    "no not never nor",
]
NONSENSE += [
    "calcium calcium",
    "PTH (ref",
    "ca x p ×",
    "😀 naïve — “quoted”",
    "PTH 1,,150 (ref 50-10)",
]
NONSENSE += ["lorem ipsum " * 300]


@pytest.mark.parametrize("text", NONSENSE, ids=range(len(NONSENSE)))
def test_nonsense_never_raises(real_kb: KnowledgeBase, text: str) -> None:
    assert read_description(real_kb, text).items == ()
