"""The command line: main(argv) in-process, and the installed `calcify` script once."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURE_KB

from chatbot.cli import main
from chatbot.knowledge.model import KnowledgeBase

FIXTURE = ["--rules", str(FIXTURE_KB)]


def _run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def _classify_json(capsys: pytest.CaptureFixture[str], *answers: str) -> dict[str, Any]:
    code, out, err = _run(capsys, ["classify", "--json", *FIXTURE, *answers])
    assert (code, err) == (0, "")
    data: dict[str, Any] = json.loads(out)
    return data


def test_classify_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    data = _classify_json(capsys, "casing=dented", "humming=yes", "temperature=120", "voltage=3")
    assert {"classification", "subtype", "reasoning", "differential", "questions_pending"} <= set(
        data
    )
    assert (data["classification"], data["subtype"]) == ("overheated", "friction")
    assert [step["rule"] for step in data["reasoning"]] == [
        "heat.hot",
        "heat.stressed",
        "heat.grade-severe",
        "heat.stressed-widget",
        "heat.friction",
    ]
    for step in data["reasoning"]:
        assert step["because"]
        assert step["source"]["id"] in ("widget-manual", "shop-notes")
        assert step["source"]["locator"]
    assert data["reasoning"][0]["source"]["title"] == "The Widget Manual"
    assert {row["class"]: row["state"] for row in data["differential"]} == {
        "cracked": "ruled_out",
        "overheated": "established",
        "rusted": "outranked",
        "sound": "ruled_out",
    }
    assert data["questions_pending"] == []


@pytest.mark.parametrize(
    ("answers", "classification", "subtype", "pending"),
    [
        ([], "indeterminate", None, ["casing", "humming", "temperature", "voltage", "coating"]),
        (["casing=shattered"], "cracked", "impact", []),
        (["casing=2", "humming=y"], "cracked", "fatigue", ["temperature", "coating", "voltage"]),
        (["casing=bent", "humming=yeah", "temperature=7 blips"], "overheated", None, ["voltage"]),
        (
            ["casing=whole", "humming=nope", "voltage=12000 mV"],
            "sound",
            None,
            ["temperature", "coating"],
        ),
    ],
)
def test_classify_json_answers(
    capsys: pytest.CaptureFixture[str],
    answers: list[str],
    classification: str,
    subtype: str | None,
    pending: list[str],
) -> None:
    data = _classify_json(capsys, *answers)
    assert (data["classification"], data["subtype"]) == (classification, subtype)
    assert sorted(data["questions_pending"]) == sorted(pending)


@pytest.mark.parametrize(
    ("answer", "given", "unit", "value", "reference_unit"),
    [
        ("serum_calcium=12.1 mg/dL", 12.1, "mg/dL", 12.1, "mg/dL"),
        ("serum_calcium=3.0mmol/l", 3.0, "mmol/L", 12.024, "mg/dL"),
        ("serum_calcium=12,1", 12.1, "mg/dL", 12.1, "mg/dL"),
        ("albumin=25 g/L", 25.0, "g/L", 2.5, "g/dL"),
    ],
)
def test_classify_reads_units_on_the_real_knowledge_base(
    capsys: pytest.CaptureFixture[str],
    answer: str,
    given: float,
    unit: str,
    value: float,
    reference_unit: str,
) -> None:
    """A number answer in --json: as given, and in the unit the rules compare it in."""
    code, out, err = _run(capsys, ["classify", "--json", answer])
    assert (code, err) == (0, "")
    question = answer.partition("=")[0]
    read = json.loads(out)["answers"][question]
    assert (read["value"], read["unit"], read["reference_unit"]) == (given, unit, reference_unit)
    assert read["reference_value"] == pytest.approx(value)


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["humm=yes"], ["unknown question 'humm'", "did you mean 'humming'?"]),
        (["casing=melted"], ["casing:", "'melted' is not one of the choices", "intact, dented"]),
        (["humming=perhaps"], ["humming:", "Answer yes, no or unknown."]),
        (["temperature=hot"], ["temperature:", "zorg, blip"]),
        (["temperature=1000 zorg"], ["temperature:", "plausible range 5–200 zorg"]),
        (["temperature=10"], ["temperature:", "zorg or blip"]),
        (["casing"], ["'casing' is not QUESTION=ANSWER"]),
    ],
)
def test_classify_usage_errors(
    capsys: pytest.CaptureFixture[str], argv: list[str], expected: list[str]
) -> None:
    code, out, err = _run(capsys, ["classify", "--json", *FIXTURE, *argv])
    assert code == 2
    assert out == ""
    assert err.startswith("calcify: ")
    for part in expected:
        assert part in err
    assert "Traceback" not in err


def test_questions_json_lists_every_question(
    capsys: pytest.CaptureFixture[str], real_kb: KnowledgeBase
) -> None:
    code, out, _ = _run(capsys, ["questions", "--json"])
    assert code == 0
    rows = json.loads(out)
    assert [row["id"] for row in rows] == list(real_kb.questions)
    for row in rows:
        question = real_kb.questions[row["id"]]
        assert row["kind"] == question.kind
        assert row["units"] == [u.name for u in question.units]
        choices = [] if question.kind == "number" else list(question.allowed_values())
        assert row["choices"] == choices
        assert row["words"] == (["low", "normal", "raised"] if question.accepts_words else [])


def test_questions_json_on_the_fixture(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, ["questions", "--json", *FIXTURE])
    assert code == 0
    rows = {row["id"]: row for row in json.loads(out)}
    assert rows["humming"]["choices"] == ["yes", "no"]
    assert rows["casing"]["choices"] == ["intact", "dented", "shattered"]
    assert rows["temperature"]["units"] == ["zorg", "blip"]
    assert rows["temperature"]["reference"] == [20.0, 40.0]
    assert rows["coating"]["units"] == []


def test_classify_plain_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, ["classify", *FIXTURE, "casing=shattered"])
    assert (code, err) == (0, "")
    assert "cracked widget" in out
    assert "impact damage" in out


def test_rules_option_before_the_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`calcify --rules DIR check` must check DIR, not silently fall back to rules/."""
    code, out, err = _run(capsys, ["--rules", str(tmp_path / "nowhere"), "check"])
    assert code == 2
    assert "no such knowledge-base directory" in out + err


def _installed_script() -> str:
    beside = Path(sys.executable).parent / "calcify"
    found = str(beside) if beside.exists() else shutil.which("calcify")
    if found is None:
        pytest.fail("the calcify console script is not installed (pip install -e .)")
    return found


def test_installed_console_script(tmp_path: Path) -> None:
    result = subprocess.run(
        [_installed_script(), "classify", "--json", *FIXTURE, "casing=shattered"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=dict(os.environ),
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["classification"], data["subtype"]) == ("cracked", "impact")


def test_installed_console_script_reports_errors(tmp_path: Path) -> None:
    result = subprocess.run(
        [_installed_script(), "classify", *FIXTURE, "humm=yes"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "did you mean 'humming'?" in result.stderr
    assert "Traceback" not in result.stderr
