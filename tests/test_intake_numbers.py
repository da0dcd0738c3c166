"""Numbers and units in clinical prose: British spelling folded word by word, thousands and
decimal marks, ranges of results, values whose unit cannot be right, ages, the Ca×P product
and values introduced by a verb."""

from __future__ import annotations

import pytest

from chatbot.intake.context import context_index
from chatbot.intake.measures import Measure, read_measure
from chatbot.intake.reader import extract
from chatbot.knowledge.answers import parse_answer
from chatbot.knowledge.model import KnowledgeBase, Value
from chatbot.knowledge.text import normalise, phrase_key, words


def _read(kb: KnowledgeBase, text: str) -> dict[str, Value]:
    return {e.question: e.value for e in extract(kb, text)}


def _measure(kb: KnowledgeBase, question_id: str, name: str, text: str) -> Measure | None:
    """read_measure for the first place where the name is written in the text."""
    ws, key = words(text), phrase_key(name)
    first = next(i for i in range(len(ws)) if tuple(w.key for w in ws[i : i + len(key)]) == key)
    question = kb.questions[question_id]
    return read_measure(question, text, ws, first, first + len(key), context_index(kb))


def _close(got: Value | None, expected: float) -> bool:
    return isinstance(got, float) and abs(got - expected) < 1e-4


# --- spelling, folded one word at a time -----------------------------------------------------

BRITISH_AMERICAN = [
    ("haematoma", "hematoma"), ("anaemia", "anemia"), ("Hypercalcaemia", "hypercalcemia"),
    ("aetiology", "etiology"), ("paediatric", "pediatric"), ("oedema", "edema"),
    ("lymphoedema", "lymphedema"), ("oesophagus", "esophagus"), ("oestrogen", "estrogen"),
    ("diarrhoea", "diarrhea"), ("coeliac", "celiac"), ("foetal", "fetal"),
    ("immobilisation", "immobilization"), ("hospitalisations", "hospitalizations"),
    ("hyalinised", "hyalinized"), ("tumour", "tumor"), ("tumours", "tumors"),
    ("behavioural", "behavioral"), ("centre", "center"), ("litre", "liter"),
    ("ultrasound centres", "ultrasound centers"), ("metre", "meter"), ("fibre", "fiber"),
    ("calibre", "caliber"),
]  # fmt: skip

UNCHANGED = [
    "treatment", "tremor", "four", "hour", "hours", "your", "flour", "detour", "shoe", "does",
    "poem", "vertebrae", "aerobic", "raised", "otherwise", "excised", "bruise", "timbre",
]  # fmt: skip

NOT_CONFUSED = [("four", "for"), ("shoe", "she"), ("tour", "tor"), ("timbre", "timber")]


@pytest.mark.parametrize(("british", "american"), BRITISH_AMERICAN)
def test_british_spellings_meet_american_ones(british: str, american: str) -> None:
    assert normalise(british) == normalise(american) == american.lower()


@pytest.mark.parametrize("word", UNCHANGED)
def test_words_that_only_look_british_keep_their_letters(word: str) -> None:
    assert normalise(word) == word


@pytest.mark.parametrize(("one", "other"), NOT_CONFUSED)
def test_folding_never_makes_two_words_one(one: str, other: str) -> None:
    assert normalise(one) != normalise(other)


def test_a_text_and_a_phrase_fold_alike() -> None:
    assert phrase_key("Calcified haematomas after treatment") == phrase_key(
        "calcified hematoma after treatment"
    )


# --- numbers as written ----------------------------------------------------------------------

NUMBERS = [
    ("PTH of 1,150 pg/mL", "1,150", "1150"),
    ("WBC 12,000 per microlitre", "12,000", "12000"),
    ("1,234,567 cells", "1,234,567", "1234567"),
    ("Ca 2,35 mmol/L", "2,35", "2.35"),
    ("ratio 1,1500", "1,1500", "1.1500"),
    ("Ca 2·9 mmol/L", "2·9", "2.9"),
    ("Ca 2.41 mmol/L", "2.41", "2.41"),
]


@pytest.mark.parametrize(("text", "written", "key"), NUMBERS, ids=[n[0] for n in NUMBERS])
def test_a_number_is_one_word_with_its_value(text: str, written: str, key: str) -> None:
    (number,) = [w for w in words(text) if w.is_number]
    assert (text[number.start : number.end], number.key) == (written, key)


def test_a_multiplication_sign_reads_as_x() -> None:
    assert [w.key for w in words("Ca×P product")] == ["ca", "x", "p", "product"]


def test_typed_answers_read_numbers_the_same_way(real_kb: KnowledgeBase) -> None:
    questions = real_kb.questions
    assert parse_answer(questions["vitamin_d"], "1,200 nmol/L").value == 480.0
    assert parse_answer(questions["serum_calcium"], "2·9 mmol/L").given == 2.9
    assert parse_answer(questions["serum_calcium"], "2,9 mmol/L").given == 2.9


def test_thousands_are_not_read_as_a_decimal(real_kb: KnowledgeBase) -> None:
    assert _read(real_kb, "PTH of 1,150 pg/mL") == {"pth": "raised"}
    assert _close(_read(real_kb, "Ca 2·9 mmol/L")["serum_calcium"], 11.6232)


# --- ranges of results -----------------------------------------------------------------------

RANGES = [
    ("serum_calcium", "calcium", "calcium 2.2 to 2.6 mmol/L", "normal"),
    ("serum_calcium", "calcium", "calcium ranged from 2.2–2.6 mmol/L", "normal"),
    ("serum_calcium", "calcium", "calcium 2.2-2.6", "normal"),  # only mmol/L fits both ends
    ("serum_calcium", "calcium", "calcium between 2.2 and 2.6 mmol/L", "normal"),
    ("serum_calcium", "calcium", "calcium 2.2 mmol/L to 2.6 mmol/L", "normal"),
    ("serum_calcium", "calcium", "calcium 2.7-3.1 mmol/L", "raised"),
    ("serum_calcium", "calcium", "calcium 1.7 to 2.0 mmol/L", "low"),
    ("serum_calcium", "calcium", "calcium 2.4 to 2.9 mmol/L", None),  # normal, then raised
    ("serum_calcium", "calcium", "calcium 3.0-3.4", None),  # mg/dL or mmol/L
    ("serum_calcium", "calcium", "calcium (2.2-2.6 mmol/L)", None),  # a reference range
    ("serum_calcium", "calcium", "calcium ranged from 2.6", None),  # no other end
    ("serum_calcium", "calcium", "calcium > 2.2-2.6", None),
    ("albumin", "albumin", "albumin 35-40", "normal"),
    ("kidney_function", "egfr", "eGFR 18-24", "ckd_advanced"),
    ("kidney_function", "egfr", "eGFR 25 to 40", None),  # two bands
    ("pth", "pth", "PTH 150-200 pg/mL", "raised"),
    ("pth", "pth", "PTH 10-15 pg/mL", None),  # between the bands
]


@pytest.mark.parametrize(
    ("question", "name", "text", "expected"), RANGES, ids=[r[2] for r in RANGES]
)
def test_a_range_gives_the_band_both_ends_share(
    real_kb: KnowledgeBase, question: str, name: str, text: str, expected: str | None
) -> None:
    measure = _measure(real_kb, question, name, text)
    got = measure.answer.value if measure and measure.answer else None
    assert got == expected


def test_a_range_is_read_as_its_word_would_be_typed(real_kb: KnowledgeBase) -> None:
    (item,) = extract(real_kb, "calcium 2.2 to 2.6 mmol/L.")
    typed = parse_answer(real_kb.questions["serum_calcium"], "normal")
    assert (item.value, item.phrase) == (typed.value, "calcium 2.2 to 2.6 mmol/L")
    assert "2.2–2.6 mmol/L" in item.answer.label


def test_a_reference_range_after_a_value_is_not_the_result(real_kb: KnowledgeBase) -> None:
    assert _close(_read(real_kb, "Ca 3.1 mmol/L (2.2-2.6)")["serum_calcium"], 12.4248)


# --- values whose unit cannot be right -------------------------------------------------------

FLAGGED = [
    (
        "calcium 8.7 mmol/L",
        " is not plausible in mmol/L (plausible range 0.749–6.24 mmol/L); 8.7 would be"
        " plausible in mg/dL",
    ),
    ("calcium 120 mg/dL", " is not plausible in mg/dL (plausible range 3–25 mg/dL)"),
    ("calcium 120", " is not plausible in mg/dL or mmol/L (plausible range 3–25 mg/dL)"),
    (
        "calcium 2.3 umol/L",
        ": umol/L is not a unit of serum calcium (it is given in mg/dL, mmol/L, mEq/L)",
    ),
    (
        "PTH 1,150 pmol/L",
        " is not plausible in pmol/L (plausible range 0.053–530 pmol/L); 1150 would be"
        " plausible in pg/mL",
    ),
]
FLAGGED_NAMES = {"calcium": "serum_calcium", "PTH": "pth"}


@pytest.mark.parametrize(("text", "why"), FLAGGED, ids=[f[0] for f in FLAGGED])
def test_a_unit_that_cannot_be_right_is_flagged(
    real_kb: KnowledgeBase, text: str, why: str
) -> None:
    name = text.split()[0]
    measure = _measure(real_kb, FLAGGED_NAMES[name], name, text)
    assert measure is not None and measure.answer is None
    assert measure.flag == text + why  # the phrase, then what is wrong with it
    assert text[measure.start : measure.end] == text
    assert FLAGGED_NAMES[name] not in _read(real_kb, text)  # never an answer


def test_a_value_its_word_contradicts_is_flagged(real_kb: KnowledgeBase) -> None:
    measure = _measure(real_kb, "serum_calcium", "calcium", "calcium was low at 11.9 mg/dL")
    assert measure is not None and measure.answer is None
    assert measure.flag == "calcium was low at 11.9 mg/dL: the value is raised, not low"


@pytest.mark.parametrize("text", ["calcium 3.0", "calcium 2.4 mmol/L", "calcium > 3 mmol/L"])
def test_an_ambiguous_or_plausible_value_is_not_flagged(real_kb: KnowledgeBase, text: str) -> None:
    measure = _measure(real_kb, "serum_calcium", "calcium", text)
    assert measure is None or not measure.flag


# --- creatinine: no bands without a source ---------------------------------------------------


def test_creatinine_is_not_read_as_anything_else(real_kb: KnowledgeBase) -> None:
    assert set(_read(real_kb, "creatinine 450 µmol/L")) <= {"kidney_function"}
    assert set(_read(real_kb, "creatinine 5.1 mg/dL")) <= {"kidney_function"}
    assert _read(real_kb, "creatinine 450 umol/L, eGFR 12") == {"kidney_function": "ckd_advanced"}
    got = _read(real_kb, "Ca 2.4 mmol/L, creatinine 450 µmol/L")
    assert set(got) == {"serum_calcium"} and _close(got["serum_calcium"], 9.6192)
    text = "renal function: creatinine 450 µmol/L"
    assert _measure(real_kb, "kidney_function", "renal function", text) is None


# --- age -------------------------------------------------------------------------------------

AGES = [
    ("A 65-year-old woman with a breast lump", 65.0, "65-year-old"),
    ("a 20-day-old neonate", 20 * 0.00274, "20-day-old"),
    ("a 3 year old boy", 3.0, "3 year old"),
    ("an 18-month-old toddler", 1.4999, "18-month-old"),
    ("aged 70, no history of note", 70.0, "aged 70"),
    ("aged 70 years", 70.0, "aged 70 years"),
    ("70 years of age", 70.0, "70 years of age"),
    ("seen at the age of 6", 6.0, "age of 6"),
    ("45 y/o man", 45.0, "45 y/o"),
    ("45yo man", 45.0, "45yo"),
]

NOT_AGES = [
    "a minor head injury 20 years earlier",
    "for 3 years",
    "10 years ago",
    "after 2 weeks",
    "on haemodialysis for 12 years",
    "a 20-25-year-old",
]


@pytest.mark.parametrize(("text", "years", "phrase"), AGES, ids=[a[0] for a in AGES])
def test_age_written_the_usual_ways(
    real_kb: KnowledgeBase, text: str, years: float, phrase: str
) -> None:
    (item,) = [e for e in extract(real_kb, text) if e.question == "age"]
    assert _close(item.value, years) and item.phrase == phrase


@pytest.mark.parametrize("text", NOT_AGES)
def test_a_duration_is_no_age(real_kb: KnowledgeBase, text: str) -> None:
    assert "age" not in _read(real_kb, text)


def test_a_unit_spelled_as_a_name_reads_the_number_before_it(real_kb: KnowledgeBase) -> None:
    """Data, not code: age's names include spellings of its units ('month-old')."""
    age = real_kb.questions["age"]
    assert {phrase_key("month-old"), phrase_key("years of age")} <= set(map(phrase_key, age.names))
    measure = _measure(real_kb, "age", "month-old", "an 18-month-old")
    assert measure is not None and measure.answer is not None
    assert (measure.answer.given, measure.answer.unit) == (18.0, "months")


# --- the calcium-phosphate product -----------------------------------------------------------

PRODUCTS = [
    ("Ca×P product 67", 67.0),
    ("calcium-phosphate product of 75 mg2/dL2", 75.0),
    ("Ca x P 70", 70.0),
    ("Ca x P product 4.5 mmol2/L2", 4.5 * 12.41),
]


@pytest.mark.parametrize(("text", "expected"), PRODUCTS, ids=[p[0] for p in PRODUCTS])
def test_a_product_answers_the_product_question_only(
    real_kb: KnowledgeBase, text: str, expected: float
) -> None:
    got = _read(real_kb, text)
    assert set(got) == {"ca_x_p_reported"} and _close(got["ca_x_p_reported"], expected)


# --- a value after a verb --------------------------------------------------------------------

WITH_A_VERB = [
    ("calcium was elevated at 10.9 mg/dL", {"serum_calcium": 10.9}),
    ("calcium was mildly raised at 2.7 mmol/L", {"serum_calcium": 10.8216}),
    ("phosphate was 2.4 mmol/L", {"serum_phosphate": 7.4328}),
    ("albumin was low at 28 g/L", {"albumin": 2.8}),
    ("PTH of 1,150 pg/mL", {"pth": "raised"}),
    ("PTH: 950 pg/ml", {"pth": "raised"}),
    ("calcium was low at 11.9 mg/dL", {}),  # the word and the value disagree
]


@pytest.mark.parametrize(("text", "expected"), WITH_A_VERB, ids=[v[0] for v in WITH_A_VERB])
def test_a_value_after_a_verb(
    real_kb: KnowledgeBase, text: str, expected: dict[str, Value]
) -> None:
    got = _read(real_kb, text)
    assert got.keys() == expected.keys()
    for question, value in expected.items():
        assert _close(got[question], value) if isinstance(value, float) else got[question] == value
