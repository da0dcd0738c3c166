"""Reading case descriptions: the scored corpus in tests/cases/ and the reading grammar.

The corpus test computes precision, recall and class accuracy over every case and fails below
the thresholds, listing each miss as tests/cases/<file>:<line>.
"""

from __future__ import annotations

import random
import shutil
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

from chatbot.engine.engine import Engine
from chatbot.errors import KnowledgeBaseError
from chatbot.intake.lexicon import lexicon_of
from chatbot.intake.reader import extract, looks_like_a_case
from chatbot.knowledge.answers import parse_answer
from chatbot.knowledge.loader import load_knowledge_base
from chatbot.knowledge.model import KnowledgeBase, Value
from chatbot.reasoning.assessment import assess

CASES = Path(__file__).resolve().parent / "cases"
FIXTURE_KB = Path(__file__).resolve().parent / "fixture_kb"
MIN_PRECISION, MIN_RECALL, MIN_CLASS_ACCURACY = 0.95, 0.85, 0.95


@dataclass(frozen=True)
class Case:
    where: str
    name: str
    text: str
    answers: dict[str, str]
    classification: str
    subtype: str


def _cases() -> list[Case]:
    found = []
    for path in sorted(CASES.glob("*.toml")):
        source = path.read_text(encoding="utf-8")
        for table in tomllib.loads(source)["case"]:
            line = source[: source.index(f'name = "{table["name"]}"')].count("\n") + 1
            found.append(
                Case(
                    f"tests/cases/{path.name}:{line}",
                    table["name"],
                    table["text"],
                    table["answers"],
                    table["classification"],
                    table["subtype"],
                )
            )
    return found


ALL_CASES = _cases()


def _expected(kb: KnowledgeBase, case: Case) -> dict[str, Value]:
    return {q: parse_answer(kb.questions[q], typed).value for q, typed in case.answers.items()}


def _same(a: Value, b: Value) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) < 1e-6
    return a == b


def _read(kb: KnowledgeBase, text: str) -> dict[str, Value]:
    return {e.question: e.value for e in extract(kb, text)}


# --- the corpus ------------------------------------------------------------------------------


def test_corpus_is_large_and_covers_every_class(real_kb: KnowledgeBase) -> None:
    assert len(ALL_CASES) >= 30
    assert {c.classification for c in ALL_CASES} == set(real_kb.classes)
    units = {typed.split(" ", 1)[-1] for c in ALL_CASES for typed in c.answers.values()}
    assert {"mg/dL", "mmol/L", "g/L", "g/dL", "mEq/L"} <= units


@pytest.mark.parametrize("case", ALL_CASES, ids=[c.where for c in ALL_CASES])
def test_case_class_follows_from_its_answers(real_kb: KnowledgeBase, case: Case) -> None:
    """The expected class is what the engine concludes from the expected answers."""
    result = assess(Engine(real_kb), _expected(real_kb, case))
    assert (result.classification, result.subtype) == (case.classification, case.subtype), (
        f"{case.where}: update classification/subtype of {case.name!r}"
    )


def test_corpus_precision_recall_and_class_accuracy(real_kb: KnowledgeBase) -> None:
    engine = Engine(real_kb)
    correct = extracted = expected_total = found = right_class = 0
    misses: list[str] = []
    for case in ALL_CASES:
        expected = _expected(real_kb, case)
        items = extract(real_kb, case.text)
        got = {e.question: e.value for e in items}
        for item in items:
            extracted += 1
            if item.question in expected and _same(expected[item.question], item.value):
                correct += 1
            else:
                misses.append(
                    f"{case.where}: read {item.question} = {item.value} <- {item.phrase!r}"
                )
        for question, value in expected.items():
            expected_total += 1
            if question in got and _same(got[question], value):
                found += 1
            else:
                misses.append(f"{case.where}: missed {question} = {value}")
        if assess(engine, got).classification == case.classification:
            right_class += 1
        else:
            misses.append(f"{case.where}: class differs from {case.classification}")
    precision, recall = correct / extracted, found / expected_total
    accuracy = right_class / len(ALL_CASES)
    summary = f"precision {precision:.3f}, recall {recall:.3f}, class accuracy {accuracy:.3f}"
    assert precision >= MIN_PRECISION, "\n".join([summary, *misses])
    assert recall >= MIN_RECALL, "\n".join([summary, *misses])
    assert accuracy >= MIN_CLASS_ACCURACY, "\n".join([summary, *misses])


@pytest.mark.parametrize("case", ALL_CASES, ids=[c.where for c in ALL_CASES])
def test_every_phrase_is_a_substring_of_the_text(real_kb: KnowledgeBase, case: Case) -> None:
    items = extract(real_kb, case.text)
    assert all(item.phrase and item.phrase in case.text for item in items)
    assert len({item.question for item in items}) == len(items)
    order = [real_kb.questions[item.question].order for item in items]
    assert order == sorted(order)


# --- negation, hedging and alternatives -------------------------------------------------------

NEGATION = [
    ("heterotopic ossification; no history of a muscle injury", {"bone_pattern": "yes"}),
    ("denies heavy antacid use", {}),
    ("no periarticular involvement", {}),
    ("no connective-tissue disease", {"ctd_features": "none"}),
    ("No CTD.", {"ctd_features": "none"}),
    ("no features of calciphylaxis", {"calciphylaxis_signs": "no"}),
    ("calciphylaxis absent", {"calciphylaxis_signs": "no"}),
    ("calcified mass, no bone formation", {"bone_pattern": "no"}),
    ("amorphous mineral rather than heterotopic ossification", {"bone_pattern": "no"}),
    ("no necrosis", {}),
    ("non-caseating granulomas", {}),
    ("CKD 4, not on dialysis", {"kidney_function": "ckd_advanced"}),
    ("no history of kidney disease", {"kidney_function": "normal"}),
    ("no RTA or medullary sponge kidney", {"urinary_cause": "none"}),
    ("no injections or infusions at the site", {}),
    ("no lupus and normal kidney function", {"kidney_function": "normal"}),
    ("no tumour", {"tumour": "none"}),
    ("tuberculosis was excluded", {}),
]

HEDGED = [
    "possible tuberculosis",
    "?TB",
    "sarcoidosis cannot be excluded",
    "family history of hyperparathyroidism",
    "tuberculosis or histoplasmosis",
    "likely scleroderma",
    "her sister has lupus",
]


@pytest.mark.parametrize(("text", "expected"), NEGATION, ids=[t for t, _ in NEGATION])
def test_negation(real_kb: KnowledgeBase, text: str, expected: dict[str, Value]) -> None:
    assert _read(real_kb, text) == expected


@pytest.mark.parametrize("text", HEDGED)
def test_hedged_or_alternative_facts_are_not_read(real_kb: KnowledgeBase, text: str) -> None:
    assert _read(real_kb, text) == {}


def test_negated_phrase_is_quoted_with_its_cue(real_kb: KnowledgeBase) -> None:
    items = extract(real_kb, "Lung nodule; no connective-tissue disease; calciphylaxis absent.")
    assert [(e.question, e.value, e.phrase) for e in items] == [
        ("site", "lung", "Lung"),
        ("ctd_features", "none", "no connective-tissue disease"),
        ("calciphylaxis_signs", "no", "calciphylaxis absent"),
    ]


# --- laboratory values -----------------------------------------------------------------------

LABS = [
    ("Ca 2.9 mmol/L, PO4 1.2, alb 38 g/L", {"serum_calcium": 11.6232, "albumin": 3.8}),
    (
        "Calcium 9.2 mg/dL, phosphate 3.4 mg/dL and albumin 4.1 g/dL",
        {"serum_calcium": 9.2, "serum_phosphate": 3.4, "albumin": 4.1},
    ),
    ("serum calcium of 12.1", {"serum_calcium": 12.1}),
    ("Ca 2.4", {"serum_calcium": 9.6192}),
    ("albumin 35", {"albumin": 3.5}),
    ("calcium 12,1 mg/dl", {"serum_calcium": 12.1}),
    ("Ca 4.7 mEq/L", {"serum_calcium": 9.4188}),
    ("calcium rose to 12.9 mg/dL", {"serum_calcium": 12.9}),
    ("hypercalcaemia of 13.1 mg/dL", {"serum_calcium": 13.1}),
    ("P 3.7 mg/dL", {"serum_phosphate": 3.7}),
    ("ionised calcium 1.21 mmol/L", {"ionized_calcium": 4.8497}),
    ("total calcium 10.9 mg/dL but iCa 1.2", {"serum_calcium": 10.9, "ionized_calcium": 4.8096}),
]

NOT_READ = [
    "calcium 3.0",  # 3.0 mg/dL and 3.0 mmol/L are both possible: the unit is asked
    "phosphate 1.2",
    "calcium 120 mg/dL",  # impossible
    "calcium 2.3 umol/L",  # a unit the question does not know
    "calcium (2.2-2.6 mmol/L)",  # a reference range, in brackets
    "calcium 2.0-2.9 mmol/L",  # a range across the reference limits
    "corrected calcium 2.6 mmol/L",  # not the total calcium
    "CA 19-9 45 U/mL",
    "calcium carbonate 1.5 g daily",
    "calcium > 3 mmol/L",
]


@pytest.mark.parametrize(("text", "expected"), LABS, ids=[t for t, _ in LABS])
def test_lab_values(real_kb: KnowledgeBase, text: str, expected: dict[str, float]) -> None:
    got = _read(real_kb, text)
    assert got.keys() == expected.keys()
    assert all(_same(got[q], v) for q, v in expected.items())


@pytest.mark.parametrize("text", NOT_READ)
def test_unclear_values_stay_unanswered(real_kb: KnowledgeBase, text: str) -> None:
    assert _read(real_kb, text) == {}


def test_a_lab_value_is_shown_as_given(real_kb: KnowledgeBase) -> None:
    (item,) = extract(real_kb, "Ca 2.35 mmol/L; ")
    assert (item.phrase, item.answer.given, item.answer.unit) == ("Ca 2.35 mmol/L", 2.35, "mmol/L")
    (inferred,) = extract(real_kb, "albumin 41")
    assert inferred.answer.inferred_unit and inferred.answer.unit == "g/L"


# --- spelling, abbreviations, numbers mapped to choices --------------------------------------

VOCABULARY = [
    ("calcified haematoma", {"necrosis_setting": "haematoma", "tissue_state": "necrotic"}),
    ("calcified hematoma", {"necrosis_setting": "haematoma", "tissue_state": "necrotic"}),
    (
        "Mönckeberg sclerosis",
        {
            "degeneration_setting": "monckeberg",
            "tissue_state": "degenerated",
            "site": "systemic_artery",
        },
    ),
    (
        "Monckeberg sclerosis",
        {
            "degeneration_setting": "monckeberg",
            "tissue_state": "degenerated",
            "site": "systemic_artery",
        },
    ),
    ("adult T-cell leukaemia", {"systemic_condition": "leukaemia_lymphoma"}),
    ("adult T-cell leukemia", {"systemic_condition": "leukaemia_lymphoma"}),
    ("prolonged immobilisation", {"systemic_condition": "immobilization"}),
    ("hyalinised scar", {"degeneration_setting": "hyalinised_scar", "tissue_state": "degenerated"}),
    ("hyalinized scar", {"degeneration_setting": "hyalinised_scar", "tissue_state": "degenerated"}),
    ("CKD 4", {"kidney_function": "ckd_advanced"}),
    ("CKD stage 3b", {"kidney_function": "ckd_early"}),
    ("ESRD", {"kidney_function": "dialysis"}),
    ("chronic renal failure on haemodialysis", {"kidney_function": "dialysis"}),
    ("primary HPT", {"systemic_condition": "primary_hyperparathyroidism"}),
    ("secondary HPT", {"systemic_condition": "secondary_hyperparathyroidism"}),
    (
        "secondary hyperparathyroidism",
        {"pth": "raised", "systemic_condition": "secondary_hyperparathyroidism"},
    ),
    ("healed TB", {"necrosis_setting": "caseous", "tissue_state": "necrotic"}),
    ("SLE", {"ctd_features": "lupus"}),
    ("CREST syndrome", {"ctd_features": "crest"}),
    ("lupus anticoagulant", {}),
    ("raised PTH", {"pth": "raised"}),
    ("PTH was appropriately suppressed", {"pth": "suppressed"}),
    ("renal function normal", {"kidney_function": "normal"}),
    ("acute kidney injury", {"kidney_function": "aki"}),
]

NUMBERS_TO_CHOICES = [
    ("eGFR 22", {"kidney_function": "ckd_advanced"}),
    ("eGFR 22 mL/min/1.73 m2", {"kidney_function": "ckd_advanced"}),
    ("eGFR 45", {"kidney_function": "ckd_early"}),
    ("eGFR 95", {"kidney_function": "normal"}),
    ("eGFR <15", {"kidney_function": "ckd_advanced"}),
    ("eGFR 8, on haemodialysis", {"kidney_function": "dialysis"}),
    ("CKD, eGFR 45", {"kidney_function": "ckd_early"}),
    ("CKD stage 2, eGFR 70", {"kidney_function": "ckd_early"}),
    ("PTH 180 pg/mL", {"pth": "raised"}),
    ("PTH 12.5 pmol/L", {"pth": "raised"}),
    ("PTH 40 pg/mL", {"pth": "normal"}),
    ("PTH < 1 pmol/L", {"pth": "suppressed"}),
    ("PTH 12 pg/mL", {}),  # between the limits laboratories use: not read
    ("PTH 30", {}),  # pg/mL or pmol/L: not read
]


@pytest.mark.parametrize(("text", "expected"), VOCABULARY, ids=[t for t, _ in VOCABULARY])
def test_spellings_and_abbreviations(
    real_kb: KnowledgeBase, text: str, expected: dict[str, Value]
) -> None:
    assert _read(real_kb, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"), NUMBERS_TO_CHOICES, ids=[t for t, _ in NUMBERS_TO_CHOICES]
)
def test_numbers_mapped_to_choices(
    real_kb: KnowledgeBase, text: str, expected: dict[str, Value]
) -> None:
    assert _read(real_kb, text) == expected


def test_egfr_phrase_includes_its_unit(real_kb: KnowledgeBase) -> None:
    (item,) = extract(real_kb, "eGFR 22 mL/min/1.73 m2, stable")
    assert item.phrase == "eGFR 22 mL/min/1.73 m2"


def test_bone_trigger_is_read_only_with_bone(real_kb: KnowledgeBase) -> None:
    assert _read(real_kb, "calcified haematoma after a sports injury").get("ho_trigger") is None
    with_bone = _read(real_kb, "heterotopic ossification after a sports injury")
    assert with_bone == {"bone_pattern": "yes", "ho_trigger": "trauma"}


# --- never invents -------------------------------------------------------------------------------

PROSE = [
    "The weather was lovely and we walked along the river for an hour before lunch.",
    "Please find attached the report; the patient was seen in clinic today and is well.",
    "She is a retired teacher who lives alone and walks her dog every morning.",
    "Normal. High. Low. Raised. None. Other. Both. Unknown.",
    "The results were discussed with the family, who asked for a second opinion.",
    "",
    "   ",
    "12.4 9.1 3.0 1.2 45 22",
]


@pytest.mark.parametrize("text", PROSE)
def test_prose_without_facts_gives_no_answers(real_kb: KnowledgeBase, text: str) -> None:
    assert extract(real_kb, text) == []


def test_shuffled_words_of_the_corpus_are_read_deterministically(real_kb: KnowledgeBase) -> None:
    words = " ".join(c.text for c in ALL_CASES).split()
    rng = random.Random(7)
    for _ in range(50):
        text = " ".join(rng.sample(words, 40))
        assert extract(real_kb, text) == extract(real_kb, text)


def test_the_vocabulary_is_indexed_once_per_knowledge_base(real_kb: KnowledgeBase) -> None:
    assert lexicon_of(real_kb) is lexicon_of(real_kb)


# --- a case or an answer --------------------------------------------------------------------

LOOKS_LIKE_A_CASE = [
    ("caseous necrosis", False),
    ("hyalinised scar", False),
    ("12.4 mg/dL", False),
    ("yes", False),
    ("chronic renal failure on haemodialysis", False),
    ("Ca 2.35 mmol/L, albumin 41 g/L", True),
    ("necrotic tissue in the lung", True),
    (ALL_CASES[0].text, True),
]


@pytest.mark.parametrize(("text", "expected"), LOOKS_LIKE_A_CASE)
def test_looks_like_a_case(real_kb: KnowledgeBase, text: str, expected: bool) -> None:
    assert looks_like_a_case(real_kb, text) is expected


# --- the vocabulary is data ----------------------------------------------------------------------


def _fixture_with(tmp_path: Path, old: str, new: str) -> Path:
    target = tmp_path / "kb"
    shutil.copytree(FIXTURE_KB, target)
    path = target / "questions.toml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")
    return target


CASING = 'source = { id = "widget-manual", locator = "chapter 1" }\n'


def _gauge(ranges: str) -> str:
    """A dent gauge (in mm) whose readings answer the casing question."""
    return (
        'names = ["dent gauge", "gauge"]\n'
        'number_choices = { units = [{ name = "mm", factor = 1.0 }], '
        f'ranges = [{ranges}], source = {{ id = "widget-manual", locator = "x" }} }}\n'
    )


HUMMING = 'source = { id = "shop-notes", locator = "page 2" }\n'
TEMPERATURE = 'source = { id = "widget-manual", locator = "chapter 3" }\n'


def test_a_knowledge_base_brings_its_own_vocabulary(tmp_path: Path) -> None:
    """Nothing about widgets is in Python: phrases, names and units all come from the rules."""
    kb = load_knowledge_base(
        _fixture_with(
            tmp_path,
            HUMMING,
            HUMMING + 'phrases = ["hums", "humming noise"]\n',
        )
    )
    assert _read(kb, "the widget hums loudly") == {"humming": "yes"}
    assert _read(kb, "no humming noise") == {"humming": "no"}
    assert _read(kb, "possibly hums") == {}
    assert _read(kb, "the casing is dented") == {"casing": "dented"}


BROKEN_VOCABULARY = [
    (CASING, CASING + 'answer_only = ["crumpled"]\n', "answer_only: 'crumpled' is not a choice id"),
    (CASING, CASING + 'negative = "gone"\n', "negative: unknown choice 'gone'"),
    (
        CASING,
        CASING + 'implies = { colour = "red" }\n',
        "implies.colour: unknown question 'colour'",
    ),
    (
        CASING,
        CASING + 'implies = { humming = "loud" }\n',
        "implies.humming: 'loud' is not an answer",
    ),
    (
        CASING,
        CASING + 'requires = { casing = "intact" }\n',
        "requires.casing: a question cannot refer to itself",
    ),
    (CASING, CASING + 'phrases = ["the other"]\n', "phrases: 'the other' has no specific word"),
    (HUMMING, HUMMING + 'names = ["hum"]\n', "names: only number and choice questions take names"),
    (
        TEMPERATURE,
        TEMPERATURE
        + 'number_choices = { ranges = [], source = { id = "widget-manual", locator = "x" } }\n',
        "number_choices: only choice questions take number_choices",
    ),
    (
        CASING,
        CASING
        + _gauge('{ below = 2, choices = ["dented"] }, { from = 1, choices = ["shattered"] }'),
        "number_choices.ranges: two ranges overlap",
    ),
    (
        CASING,
        CASING + _gauge('{ below = 2, choices = ["bent"] }'),
        "number_choices.ranges[0].choices: unknown choice 'bent'",
    ),
    (
        '{ id = "dented", label = "dented", synonyms = ["bent", "dinged"] }',
        '{ id = "dented", label = "dented", synonyms = ["bent", "dinged"], phrases = ["whole"] }',
        "'whole' would mean both 'intact' and 'dented'",
    ),
    (
        '{ id = "dented", label = "dented", synonyms = ["bent", "dinged"] }',
        '{ id = "dented", label = "dented", synonyms = ["bent", "dinged"], refines = ["dented"] }',
        "choices[1].refines: 'dented' is not another choice",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "message"), BROKEN_VOCABULARY, ids=[m for *_, m in BROKEN_VOCABULARY]
)
def test_vocabulary_errors_are_located(tmp_path: Path, old: str, new: str, message: str) -> None:
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge_base(_fixture_with(tmp_path, old, new))
    problems = caught.value.defects
    located = [
        p
        for p in problems
        if Path(p.file).name == "questions.toml" and p.item.startswith("question ")
    ]
    assert any(message in f"{p.field}: {p.message}" for p in located), [str(p) for p in problems]


def test_a_band_of_numbers_answers_a_choice(tmp_path: Path) -> None:
    kb = load_knowledge_base(
        _fixture_with(
            tmp_path,
            CASING,
            CASING
            + _gauge(
                '{ below = 2, choices = ["intact"] }, '
                '{ from = 2, choices = ["dented", "shattered"] }'
            ),
        )
    )
    assert _read(kb, "dent gauge 0.5 mm") == {"casing": "intact"}
    assert _read(kb, "gauge 3 mm, casing broken") == {"casing": "shattered"}
    assert _read(kb, "gauge 3 mm, casing whole") == {"casing": "dented"}
