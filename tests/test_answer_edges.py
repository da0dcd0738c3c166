"""Edges of reading a typed answer: the exact answer and label each kind of answer gives, the
limits of the plausible range (inclusive at both ends), which unit a bare number is read in,
near misses of 'unknown', units typed with spaces, and the exact messages for answers that
cannot be read (with and without a spelling hint)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from chatbot.knowledge.answers import (
    AmbiguousUnit,
    ImplausibleValue,
    ParsedAnswer,
    UnclearAnswer,
    accepted,
    is_unknown,
    parse_answer,
)
from chatbot.knowledge.model import UNKNOWN, Question


def _error(question: Question, text: str) -> str:
    with pytest.raises((UnclearAnswer, ImplausibleValue, AmbiguousUnit)) as caught:
        parse_answer(question, text)
    return str(caught.value)


# --- what an answer reads as, label included ---------------------------------------------------


@pytest.mark.parametrize(
    ("question_id", "text", "expected"),
    [
        ("bone_pattern", "yep", ParsedAnswer("bone_pattern", "yes", label="yes")),
        ("bone_pattern", "nope", ParsedAnswer("bone_pattern", "no", label="no")),
        ("bone_pattern", "unknown", ParsedAnswer("bone_pattern", UNKNOWN, label="unknown")),
        ("serum_calcium", "no", ParsedAnswer("serum_calcium", UNKNOWN, label="not measured")),
        (
            "serum_calcium",
            "high",
            ParsedAnswer("serum_calcium", "raised", label="reported raised, no value"),
        ),
    ],
)
def test_an_answer_and_its_label(
    questions: dict[str, Question], question_id: str, text: str, expected: ParsedAnswer
) -> None:
    assert parse_answer(questions[question_id], text) == expected


def test_a_lab_word_is_no_answer_for_a_question_without_words(
    questions: dict[str, Question],
) -> None:
    assert _error(questions["age"], "normal").startswith("'normal' is not a number.")


@pytest.mark.parametrize("text", ["unkown", "unknwon", "Unkown", "unknow"])
def test_a_typo_of_unknown_is_unknown(questions: dict[str, Question], text: str) -> None:
    assert is_unknown(text)
    assert parse_answer(questions["serum_calcium"], text).is_unknown


@pytest.mark.parametrize("text", ["known", "nknown", "unkno"])
def test_words_only_near_unknown_are_not_unknown(text: str) -> None:
    assert not is_unknown(text)


# --- choices -----------------------------------------------------------------------------------


def test_a_short_synonym_inside_the_answer_picks_its_choice(
    questions: dict[str, Question],
) -> None:
    assert parse_answer(questions["site"], "left leg").value == "skin"


def test_one_choice_named_twice_is_one_choice(questions: dict[str, Question]) -> None:
    answer = parse_answer(questions["site"], "lung and lungs")
    assert answer == ParsedAnswer("site", "lung", label="lung")


def test_several_choices_keep_the_order_of_the_list(questions: dict[str, Question]) -> None:
    answer = parse_answer(questions["site"], "liver and lung")
    assert answer == ParsedAnswer("site", ("lung", "liver"), label="lung and liver")


def test_a_single_choice_question_takes_no_list(questions: dict[str, Question]) -> None:
    assert _error(questions["tissue_state"], "necrotic and viable") == (
        "'necrotic and viable' could mean necrotic or viable: please be more specific"
    )


# --- numbers: the plausible range and the unit -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("3 mg/dL", 3.0, "mg/dL"),  # the lowest plausible value
        ("25 mg/dL", 25.0, "mg/dL"),  # the highest
        ("2.12345 mmol/L", 8.5108, "mmol/L"),  # four decimals kept
        ("2.4\u00a0mmol/L", 9.6192, "mmol/L"),  # a no-break space before the unit
        ("2.4 mmol / L", 9.6192, "mmol/L"),  # spaces inside the unit
    ],
)
def test_a_number_with_its_unit(
    questions: dict[str, Question], text: str, value: float, unit: str
) -> None:
    answer = parse_answer(questions["serum_calcium"], text)
    assert (answer.value, answer.unit, answer.inferred_unit) == (value, unit, False)


def test_a_unit_spelled_with_a_space_is_found(questions: dict[str, Question]) -> None:
    answer = parse_answer(questions["age"], "5 years old")
    assert (answer.value, answer.unit) == (5.0, "years")


@pytest.mark.parametrize(
    ("text", "unit"),
    [("1", "g/dL"), ("6.5", "g/dL"), ("10", "g/L"), ("65", "g/L")],
)
def test_a_bare_number_at_the_edge_of_the_range_takes_its_one_unit(
    questions: dict[str, Question], text: str, unit: str
) -> None:
    answer = parse_answer(questions["albumin"], text)
    assert (answer.unit, answer.inferred_unit) == (unit, True)


def test_a_bare_number_plausible_in_two_units_is_asked_again(
    questions: dict[str, Question],
) -> None:
    question = questions["serum_calcium"]
    with pytest.raises(AmbiguousUnit) as caught:
        parse_answer(question, "5")
    assert str(caught.value) == (
        "is 5 in mg/dL or mmol/L? Type it again with its unit, e.g. '5 mg/dL'"
    )
    assert caught.value.question is question
    assert [u.name for u in caught.value.units] == ["mg/dL", "mmol/L"]


def test_the_one_inferable_unit_is_taken_even_when_implausible(
    questions: dict[str, Question],
) -> None:
    assert _error(questions["age"], "200") == (
        "200 years is not a possible age (plausible range 0–120 years): "
        "please check the value and its unit"
    )


def test_an_implausible_value_names_its_unit(questions: dict[str, Question]) -> None:
    assert _error(questions["serum_calcium"], "30 mg/dL") == (
        "30 mg/dL is not a possible serum calcium (plausible range 3–25 mg/dL): "
        "please check the value and its unit"
    )


def test_without_a_plausible_range_the_first_inferable_unit_is_taken(
    questions: dict[str, Question],
) -> None:
    question = replace(questions["serum_calcium"], plausible=None)
    assert parse_answer(question, "2.4").unit == "mg/dL"


def test_the_inferable_unit_wins_over_the_first_unit(questions: dict[str, Question]) -> None:
    age = questions["age"]
    months = next(u for u in age.units if u.name == "months")
    question = replace(age, units=(months, *(u for u in age.units if u is not months)))
    assert parse_answer(question, "5").unit == "years"


def test_without_an_inferable_unit_the_first_unit_is_taken(
    questions: dict[str, Question],
) -> None:
    age = questions["age"]
    units = tuple(replace(u, infer=False) for u in age.units)
    question = replace(age, units=units, plausible=None)
    assert parse_answer(question, "5").unit == "years"


# --- messages ----------------------------------------------------------------------------------


def test_what_a_yes_no_question_accepts(questions: dict[str, Question]) -> None:
    assert accepted(questions["bone_pattern"]) == "Answer yes, no or unknown."


@pytest.mark.parametrize(
    ("question_id", "expected"),
    [
        (
            "serum_calcium",
            "Answer with a number and a unit (mg/dL, mmol/L, mEq/L), e.g. '9.5 mg/dL', "
            "or low, normal, raised, or unknown.",
        ),
        (
            "age",
            "Answer with a number and a unit (years, months, weeks, days), e.g. '1 years', "
            "or unknown.",
        ),
    ],
)
def test_what_a_number_question_accepts(
    questions: dict[str, Question], question_id: str, expected: str
) -> None:
    assert accepted(questions[question_id]) == expected
    assert _error(questions[question_id], "") == f"no answer given. {expected}"


@pytest.mark.parametrize(
    ("question_id", "text", "expected"),
    [
        (
            "bone_pattern",
            "yse",
            "'yse' is not a yes/no answer: did you mean 'yes'? Answer yes, no or unknown.",
        ),
        (
            "tissue_state",
            "necrtic",
            "'necrtic' is not one of the choices: did you mean 'necrotic'? Answer with a "
            "number from the list or a name (necrotic, degenerated, viable), or unknown.",
        ),
        (
            "serum_calcium",
            "2.4 mmol/k",
            "'mmol/k' is not a unit for serum calcium (use mg/dL, mmol/L, mEq/L): "
            "did you mean 'mmol/L'?",
        ),
        (
            "serum_calcium",
            "2.4 mmol/LX",
            "'mmol/LX' is not a unit for serum calcium (use mg/dL, mmol/L, mEq/L): "
            "did you mean 'mmol/L'?",
        ),
        (
            "serum_calcium",
            "nromal",
            "'nromal' is not a number: did you mean 'normal'? Answer with a number and a unit "
            "(mg/dL, mmol/L, mEq/L), e.g. '9.5 mg/dL', or low, normal, raised, or unknown.",
        ),
        (
            "serum_calcium",
            "2.4 qq",
            "'qq' is not a unit for serum calcium: use mg/dL, mmol/L, mEq/L",
        ),
    ],
)
def test_the_message_for_an_unread_answer(
    questions: dict[str, Question], question_id: str, text: str, expected: str
) -> None:
    assert _error(questions[question_id], text) == expected
