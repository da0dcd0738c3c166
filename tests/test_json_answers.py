"""Answers in JSON (`calcify classify --json`, `calcify --jsonl`): a number with the unit it was
given in and its value in the reference unit, a lab word as {"word": ...}, a choice as its id."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import FIXTURE_KB

from chatbot.cli import main
from chatbot.knowledge.answers import parse_answer
from chatbot.knowledge.model import KnowledgeBase
from chatbot.ui.answers import answer_data


@pytest.mark.parametrize(
    ("question", "typed", "expected"),
    [
        (
            "temperature",
            "7 blips",
            {
                "value": 7.0,
                "unit": "blip",
                "reference_value": 70.0,
                "reference_unit": "zorg",
                "interpretation": "raised",
                "unit_inferred": False,
            },
        ),
        (
            "temperature",
            "30",
            {
                "value": 30.0,
                "unit": "zorg",
                "reference_value": 30.0,
                "reference_unit": "zorg",
                "interpretation": "normal",
                "unit_inferred": True,
            },
        ),
        ("temperature", "low", {"word": "low"}),
        ("temperature", "unknown", {"word": "unknown"}),
        ("casing", "shattered", "shattered"),
        ("casing", "unknown", "unknown"),
        ("humming", "yes", "yes"),
    ],
)
def test_answer_data(
    fixture_kb: KnowledgeBase, question: str, typed: str, expected: dict[str, Any] | str
) -> None:
    q = fixture_kb.questions[question]
    parsed = parse_answer(q, typed)
    assert answer_data(q, parsed.value, parsed) == expected


def test_a_number_known_only_by_its_value_is_in_the_reference_unit(
    fixture_kb: KnowledgeBase,
) -> None:
    """An answer without a record of how it was typed (an assumption) keeps the reference unit."""
    q = fixture_kb.questions["voltage"]
    data = answer_data(q, 0.5, None)
    assert (data["value"], data["unit"], data["reference_value"]) == (0.5, "V", 0.5)
    assert data["interpretation"] == "low"


def test_classify_json_gives_each_answer_as_typed(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["casing=dented", "humming=yes", "temperature=7 b", "voltage=3000 mV"]
    assert main(["classify", "--json", "--rules", str(FIXTURE_KB), *argv]) == 0
    answers = json.loads(capsys.readouterr().out)["answers"]
    assert answers["casing"] == "dented" and answers["humming"] == "yes"
    assert answers["temperature"]["value"] == 7.0 and answers["temperature"]["unit"] == "blip"
    assert answers["temperature"]["reference_value"] == 70.0
    voltage = answers["voltage"]
    assert (voltage["value"], voltage["unit"], voltage["reference_unit"]) == (3000.0, "mV", "V")
    assert voltage["reference_value"] == pytest.approx(3.0)


def test_classify_json_of_a_case_gives_extracted_numbers_with_units(
    capsys: pytest.CaptureFixture[str],
) -> None:
    case = "viable lung, Ca 2.9 mmol/L"
    assert main(["classify", "--json", "--case", case, "serum_phosphate=normal"]) == 0
    data = json.loads(capsys.readouterr().out)
    calcium = data["answers"]["serum_calcium"]
    assert (calcium["value"], calcium["unit"], calcium["reference_unit"]) == (
        2.9,
        "mmol/L",
        "mg/dL",
    )
    assert calcium["reference_value"] == pytest.approx(11.62, abs=0.01)
    assert data["answers"]["serum_phosphate"] == {"word": "normal"}
    extracted = {e["question"]: e for e in data["extracted"]}
    assert extracted["serum_calcium"]["value"] == calcium
    assert extracted["site"]["value"] == "lung"
