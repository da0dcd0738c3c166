"""Reading typed answers for the real questions: yes/no/unknown, choices, numbers with units."""

from __future__ import annotations

import pytest
from conftest import REAL_KB

from chatbot.errors import AnswerError, CalcifyError, KnowledgeBaseError
from chatbot.knowledge.answers import (
    AmbiguousUnit,
    ImplausibleValue,
    UnclearAnswer,
    normalise,
    parse_answer,
    reading,
)
from chatbot.knowledge.loader import load_knowledge_base
from chatbot.knowledge.model import UNKNOWN, Question


def _value(questions: dict[str, Question], question_id: str, text: str) -> object:
    return parse_answer(questions[question_id], text).value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("y", "yes"),
        ("yes", "yes"),
        ("Yes.", "yes"),
        ("YES", "yes"),
        ("yes please", "yes"),
        ("yeah", "yes"),
        ("yep", "yes"),
        ("yes, definitely", "yes"),
        ("n", "no"),
        ("no", "no"),
        ("nope", "no"),
        ("nah", "no"),
        ("no thanks", "no"),
        ("no idea", UNKNOWN),
        ("No idea", UNKNOWN),
        ("not sure", UNKNOWN),
        ("don't know", UNKNOWN),
        ("don\u2019t know", UNKNOWN),
        ("dunno", UNKNOWN),
        ("skip", UNKNOWN),
        ("?", UNKNOWN),
        ("unknown", UNKNOWN),
        ("N/A", UNKNOWN),
    ],
)
def test_yes_no_unknown(questions: dict[str, Question], text: str, value: str) -> None:
    assert _value(questions, "bone_pattern", text) == value


@pytest.mark.parametrize("question_id", ["tissue_state", "serum_calcium", "bone_pattern"])
@pytest.mark.parametrize("text", ["unknown", "not sure", "?", "skip", "don't know"])
def test_unknown_is_accepted_by_every_kind(
    questions: dict[str, Question], question_id: str, text: str
) -> None:
    answer = parse_answer(questions[question_id], text)
    assert answer.is_unknown
    assert answer.value == UNKNOWN


@pytest.mark.parametrize(
    ("question_id", "text", "value"),
    [
        ("tissue_state", "1", "necrotic"),  # by number, from 1
        ("tissue_state", "3", "viable"),
        ("tissue_state", "necrotic", "necrotic"),  # by id
        ("tissue_state", "NECROTIC", "necrotic"),
        ("tissue_state", "Necrotic (dead)", "necrotic"),  # by label
        ("tissue_state", "dead", "necrotic"),  # by synonym
        ("tissue_state", "necr", "necrotic"),  # unambiguous prefix
        ("tissue_state", "degen", "degenerated"),
        ("tissue_state", "I think it's necrotic", "necrotic"),
        ("degeneration_setting", "Mönckeberg", "monckeberg"),  # accents
        ("degeneration_setting", "monckeberg", "monckeberg"),
        ("degeneration_setting", "MÖNCKEBERG medial sclerosis", "monckeberg"),
        ("degeneration_setting", "hyalinised scar", "hyalinised_scar"),  # British/American
        ("degeneration_setting", "hyalinized scar", "hyalinised_scar"),
        ("necrosis_setting", "haematoma", "haematoma"),
        ("necrosis_setting", "hematoma", "haematoma"),
        ("necrosis_setting", "haemorrhage", "haematoma"),
        ("necrosis_setting", "tumor necrosis", "tumour_necrosis"),
        ("necrosis_setting", "tumour necrosis", "tumour_necrosis"),
        ("systemic_condition", "immobilisation", "immobilization"),
        ("systemic_condition", "immobilization", "immobilization"),
        ("systemic_condition", "leukemia", "leukaemia_lymphoma"),
        ("systemic_condition", "leukaemia", "leukaemia_lymphoma"),
        ("site", "kidney", "kidney_medulla"),  # exact synonym beats a shared prefix
        ("site", "renal cortex", "kidney_cortex"),
    ],
)
def test_choices(questions: dict[str, Question], question_id: str, text: str, value: str) -> None:
    answer = parse_answer(questions[question_id], text)
    assert answer.value == value
    choice = questions[question_id].choice(value)
    assert choice is not None
    assert answer.label == choice.label


@pytest.mark.parametrize(
    ("british", "american"),
    [
        ("haematoma", "hematoma"),
        ("Oesophagus", "esophagus"),
        ("tumour", "tumor"),
        ("immobilisation", "immobilization"),
        ("centre", "center"),
        ("Mönckeberg", "monckeberg"),
    ],
)
def test_normalise_folds_spellings(british: str, american: str) -> None:
    assert normalise(british) == normalise(american)


@pytest.mark.parametrize(
    ("question_id", "text", "meanings"),
    [
        ("necrosis_setting", "tu", ("caseous", "tumour_necrosis")),
        ("site", "kid", ("kidney_cortex", "kidney_medulla")),
    ],
)
def test_ambiguous_prefix(
    questions: dict[str, Question], question_id: str, text: str, meanings: tuple[str, ...]
) -> None:
    with pytest.raises(UnclearAnswer) as caught:
        parse_answer(questions[question_id], text)
    assert " or ".join(meanings) in str(caught.value)
    assert "more specific" in str(caught.value)


@pytest.mark.parametrize(
    ("question_id", "text", "accepted"),
    [
        ("tissue_state", "purple", "(necrotic, degenerated, viable)"),
        ("tissue_state", "4", "(necrotic, degenerated, viable)"),
        ("tissue_state", "0", "(necrotic, degenerated, viable)"),
        ("tissue_state", "v", "(necrotic, degenerated, viable)"),
        ("tissue_state", "", "(necrotic, degenerated, viable)"),
        ("bone_pattern", "maybe", "Answer yes, no or unknown."),
        ("bone_pattern", "   ", "Answer yes, no or unknown."),
        ("serum_calcium", "lots", "Answer with a number and a unit (mg/dL, mmol/L, mEq/L)"),
        ("serum_calcium", "12 furlongs", "use mg/dL, mmol/L, mEq/L"),
        ("albumin", "lowish", "(g/dL, g/L)"),
        ("serum_calcium", "rather high", "or low, normal, raised, or unknown"),
    ],
)
def test_junk_names_what_is_accepted(
    questions: dict[str, Question], question_id: str, text: str, accepted: str
) -> None:
    with pytest.raises(UnclearAnswer) as caught:
        parse_answer(questions[question_id], text)
    assert accepted in str(caught.value)


@pytest.mark.parametrize(
    ("question_id", "text", "value", "unit", "inferred"),
    [
        ("serum_calcium", "12.1", 12.1, "mg/dL", True),
        ("serum_calcium", "12,1", 12.1, "mg/dL", True),
        ("serum_calcium", " 9.6 ", 9.6, "mg/dL", True),
        ("serum_calcium", "12.1mg/dl", 12.1, "mg/dL", False),
        ("serum_calcium", "12.1 mg/dL", 12.1, "mg/dL", False),
        ("serum_calcium", "12.1 MG/DL", 12.1, "mg/dL", False),
        ("serum_calcium", "10.5 mg%", 10.5, "mg/dL", False),
        ("serum_calcium", "9.6 mg/dL.", 9.6, "mg/dL", False),
        ("serum_calcium", "3.0 mmol/L", 12.024, "mmol/L", False),
        ("serum_calcium", "3.0mmol/l", 12.024, "mmol/L", False),
        ("serum_calcium", "2.4 mEq/L", 4.8096, "mEq/L", False),
        ("serum_calcium", "2.4", 9.6192, "mmol/L", True),  # 2.4 mg/dL is impossible
        ("albumin", "25 g/L", 2.5, "g/L", False),
        ("albumin", "25", 2.5, "g/L", True),
        ("albumin", "40 g/l", 4.0, "g/L", False),
        ("albumin", "4", 4.0, "g/dL", True),
        ("albumin", "2.5 g/dL", 2.5, "g/dL", False),
    ],
)
def test_numbers(
    questions: dict[str, Question],
    question_id: str,
    text: str,
    value: float,
    unit: str,
    inferred: bool,
) -> None:
    answer = parse_answer(questions[question_id], text)
    assert answer.value == pytest.approx(value)
    assert isinstance(answer.value, float)
    assert (answer.unit, answer.inferred_unit) == (unit, inferred)


def test_unit_without_infer_is_never_guessed(questions: dict[str, Question]) -> None:
    """mEq/L has infer = false: a bare 2.4 is read as mmol/L, never as mEq/L."""
    assert parse_answer(questions["serum_calcium"], "2.4").unit == "mmol/L"


@pytest.mark.parametrize(("text", "units"), [("5", "mg/dL or mmol/L"), ("4,5", "mg/dL or mmol/L")])
def test_ambiguous_unit(questions: dict[str, Question], text: str, units: str) -> None:
    with pytest.raises(AmbiguousUnit) as caught:
        parse_answer(questions["serum_calcium"], text)
    assert units in str(caught.value)
    assert [u.name for u in caught.value.units] == ["mg/dL", "mmol/L"]


@pytest.mark.parametrize(
    ("question_id", "text"),
    [
        ("serum_calcium", "120 mg/dL"),
        ("serum_calcium", "120"),
        ("serum_calcium", "-5"),
        ("serum_calcium", "30 mmol/L"),
        ("albumin", "250 g/L"),
    ],
)
def test_implausible(questions: dict[str, Question], question_id: str, text: str) -> None:
    with pytest.raises(ImplausibleValue) as caught:
        parse_answer(questions[question_id], text)
    assert "plausible range" in str(caught.value)
    assert questions[question_id].unit in str(caught.value)


@pytest.mark.parametrize("error", [UnclearAnswer, AmbiguousUnit, ImplausibleValue])
def test_answer_errors_share_the_user_error_root(error: type[Exception]) -> None:
    assert issubclass(error, AnswerError)
    assert issubclass(error, CalcifyError)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(8.4, "low"), (8.5, "normal"), (10.5, "normal"), (10.6, "raised")],
)
def test_reading_against_reference_range(
    questions: dict[str, Question], value: float, expected: str
) -> None:
    assert reading(questions["serum_calcium"], value) == expected


def _choice_questions() -> list[str]:
    try:
        kb = load_knowledge_base(REAL_KB)
    except KnowledgeBaseError:
        return ["rules-do-not-load"]  # the real_kb fixture then reports the error
    return [q.id for q in kb.questions.values() if q.kind == "choice"]


@pytest.mark.parametrize("question_id", _choice_questions())
def test_every_choice_name_reads_back_as_its_choice(
    questions: dict[str, Question], question_id: str
) -> None:
    """A synonym shared by two choices, or swallowed as unknown, is caught here."""
    question = questions[question_id]
    misread = {}
    for choice in question.choices:
        for name in (choice.id.replace("_", " "), choice.label, *choice.synonyms):
            try:
                value = parse_answer(question, name).value
            except AnswerError as exc:
                value = f"error: {exc}"
            if value != choice.id:
                misread[name] = (choice.id, value)
    assert misread == {}
