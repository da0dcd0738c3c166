"""The shipped rules/: they load, and every case in tests/data/real_cases.toml holds."""

from __future__ import annotations

import tomllib
from typing import Any

import pytest
from conftest import REAL_KB, TESTS

from chatbot.cli import main
from chatbot.engine.engine import Engine
from chatbot.knowledge.answers import parse_answer
from chatbot.knowledge.model import KnowledgeBase, Value
from chatbot.reasoning.assessment import assess

CASES_FILE = TESTS / "data" / "real_cases.toml"


def _load_cases() -> list[Any]:
    if not CASES_FILE.exists():
        return [
            pytest.param(
                None,
                marks=pytest.mark.skip(reason=f"{CASES_FILE} does not exist yet"),
                id="no-cases-file",
            )
        ]
    with CASES_FILE.open("rb") as handle:
        cases = tomllib.load(handle).get("case", [])
    return [pytest.param(case, id=case["name"]) for case in cases]


@pytest.fixture(scope="module")
def engine(real_kb: KnowledgeBase) -> Engine:
    return Engine(real_kb)


def test_check_passes_on_the_shipped_rules(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--rules", str(REAL_KB)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "0 errors, 0 warnings"


def test_case_names_are_unique() -> None:
    if not CASES_FILE.exists():
        pytest.skip(f"{CASES_FILE} does not exist yet")
    names = [case.get("name") for case in tomllib.loads(CASES_FILE.read_text("utf-8"))["case"]]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("case", _load_cases())
def test_real_case(real_kb: KnowledgeBase, engine: Engine, case: dict[str, Any]) -> None:
    answers: dict[str, Value] = {}
    for question_id, text in case["answers"].items():
        assert question_id in real_kb.questions, f"{case['name']}: unknown question {question_id}"
        answers[question_id] = parse_answer(real_kb.questions[question_id], text).value
    result = assess(engine, answers)
    assert (result.classification, result.subtype) == (case["classification"], case["subtype"]), (
        f"{case['name']} ({case.get('item', '')})"
    )


def test_every_class_has_a_case(real_kb: KnowledgeBase) -> None:
    if not CASES_FILE.exists():
        pytest.skip(f"{CASES_FILE} does not exist yet")
    cases = tomllib.loads(CASES_FILE.read_text("utf-8"))["case"]
    covered = {case["classification"] for case in cases}
    assert set(real_kb.classes) - covered == set()


def test_corrected_calcium(real_kb: KnowledgeBase, engine: Engine) -> None:
    """Calcium 9.6 mg/dL with albumin 2.5 g/dL corrects to 9.6 + 0.8 * 1.5 = 10.8: raised."""
    answers: dict[str, Value] = {
        "serum_calcium": parse_answer(real_kb.questions["serum_calcium"], "9.6 mg/dL").value,
        "albumin": parse_answer(real_kb.questions["albumin"], "2.5 g/dL").value,
    }
    findings = engine.evaluate(answers).findings()
    assert findings["corrected_calcium"] == (pytest.approx(10.8),)
    assert "hypercalcaemia" in findings
    assert "calcium_not_raised" not in findings


def test_corrected_calcium_from_si_units(real_kb: KnowledgeBase, engine: Engine) -> None:
    """The same patient in SI units: 2.4 mmol/L and 25 g/L."""
    answers: dict[str, Value] = {
        "serum_calcium": parse_answer(real_kb.questions["serum_calcium"], "2.4 mmol/L").value,
        "albumin": parse_answer(real_kb.questions["albumin"], "25 g/L").value,
    }
    findings = engine.evaluate(answers).findings()
    corrected = findings["corrected_calcium"]
    assert len(corrected) == 1
    assert corrected[0] == pytest.approx(9.6192 + 0.8 * 1.5)
    assert "hypercalcaemia" in findings


def test_normal_albumin_leaves_calcium_unraised(real_kb: KnowledgeBase, engine: Engine) -> None:
    findings = engine.evaluate({"serum_calcium": 9.6, "albumin": 4.0}).findings()
    assert findings["corrected_calcium"] == (pytest.approx(9.6),)
    assert "calcium_not_raised" in findings
    assert "hypercalcaemia" not in findings
