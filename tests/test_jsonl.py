"""`calcify --jsonl`: one JSON object per output line for every event, through run_jsonl and
through the installed command with piped stdin."""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURE_KB

from chatbot.consultation.dialogue import Consultation
from chatbot.consultation.session import Recorder
from chatbot.knowledge.model import KnowledgeBase
from chatbot.ui.jsonl import run_jsonl

FINISHING = ["dented", "7 blips", "yes", "1"]
"""Answers that take the fixture consultation to its conclusion (overheated)."""


def converse(kb: KnowledgeBase, inputs: list[str]) -> tuple[int, list[dict[str, Any]]]:
    """The exit code and the events of a consultation fed these inputs, every line parsed."""
    out = io.StringIO()
    code = run_jsonl(Consultation(kb), inputs, out, Recorder(dry_run=True))
    return code, [json.loads(line) for line in out.getvalue().splitlines()]


def of_type(events: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [event for event in events if event["type"] == kind]


def calcify() -> str:
    found = shutil.which("calcify", path=str(Path(sys.executable).parent))
    assert found, "the calcify console script is not installed in this environment"
    return found


def test_a_whole_consultation_reaches_a_conclusion_event(fixture_kb: KnowledgeBase) -> None:
    code, events = converse(fixture_kb, FINISHING)
    assert code == 0
    assert events[0]["type"] == "welcome" and events[0]["protocol"] == 1
    assert [e["id"] for e in of_type(events, "question")] == [
        "casing",
        "temperature",
        "humming",
        "voltage",
    ]
    (conclusion,) = of_type(events, "conclusion")
    assert (conclusion["classification"], conclusion["grade"]) == ("overheated", "established")
    assert {"subtype", "assumptions", "pending", "differential", "text"} <= set(conclusion)
    assert events[-1] == {"type": "end", "finished": True, "reason": "input ended", "kept": None}


def test_a_question_names_its_choices_and_units(fixture_kb: KnowledgeBase) -> None:
    _, events = converse(fixture_kb, ["dented"])
    casing, temperature = of_type(events, "question")
    assert casing["kind"] == "choice" and casing["number"] == 1
    assert casing["choices"][2] == {"id": "shattered", "label": "shattered casing"}
    assert casing["text"] == "What state is the widget's casing in?"
    assert temperature["kind"] == "number" and temperature["units"] == ["zorg", "blip"]
    assert (temperature["reference_unit"], temperature["reference_range"]) == ("zorg", [20, 40])


@pytest.mark.parametrize(
    ("typed", "reading"),
    [
        (
            "7 blips",
            {"value": 7.0, "unit": "blip", "reference_value": 70.0, "reference_unit": "zorg"},
        ),
        ("30", {"value": 30.0, "unit": "zorg", "interpretation": "normal", "unit_inferred": True}),
        ("normal", {"word": "normal"}),
        ("unknown", {"word": "unknown"}),
    ],
)
def test_a_number_answer_is_read_with_its_unit_and_reference_value(
    fixture_kb: KnowledgeBase, typed: str, reading: dict[str, Any]
) -> None:
    _, events = converse(fixture_kb, ["dented", typed])
    read = of_type(events, "reading")[-1]
    assert (read["source"], read["question"]) == ("answer", "temperature")
    assert reading.items() <= read.items()
    assert read["text"].startswith("  -> widget temperature")


def test_a_typo_gives_a_problem_event_and_the_question_again(fixture_kb: KnowledgeBase) -> None:
    code, events = converse(fixture_kb, ["dentd"])
    assert code == 1
    problem = next(e for e in events if e["type"] == "problem")
    assert "dented" in problem["message"] and problem["text"].startswith("Sorry: ")
    after = events[events.index(problem) + 1]
    assert (after["type"], after["id"]) == ("question", "casing")


def test_a_bare_number_in_two_units_asks_which(fixture_kb: KnowledgeBase) -> None:
    _, events = converse(fixture_kb, ["dented", "10"])
    ask = events[-2]
    assert ask["type"] == "unit_question" and ask["id"] == "temperature"
    assert (ask["value"], ask["units"]) == (10.0, ["zorg", "blip"])


def test_commands_give_typed_events_with_text(fixture_kb: KnowledgeBase) -> None:
    _, events = converse(fixture_kb, ["dented", "why", "how", "summary", "help", "whynot sound"])
    kinds = [e["type"] for e in events if e["type"] not in ("question", "reading")]
    assert kinds == ["welcome", "why", "how", "summary", "help", "whynot", "end"]
    for event in events[1:-1]:
        assert event.get("text") or event["type"] == "note"
    why = of_type(events, "why")[0]
    assert why["question"] == "temperature" and why["rules"]
    summary = of_type(events, "summary")[0]
    assert summary["answers"] == {"casing": "dented"} and "temperature" in summary["pending"]
    assert of_type(events, "whynot")[0]["state"] == "ruled_out"


def test_quit_ends_with_a_farewell_and_exit_zero(fixture_kb: KnowledgeBase) -> None:
    code, events = converse(fixture_kb, ["dented", "quit", "yes"])
    assert code == 0
    assert [e["type"] for e in events[-2:]] == ["farewell", "end"]
    assert events[-1]["reason"] == "quit" and events[-1]["finished"] is False


def test_a_pasted_case_gives_reading_events(real_kb: KnowledgeBase) -> None:
    case = "Lung calcification; Ca 3.1 mmol/L, PO4 2.4 mmol/L, viable tissue; no history of trauma"
    _, events = converse(real_kb, [case, "ok"])
    read = of_type(events, "reading")
    case_read = read[0]
    assert case_read["source"] == "case" and "left_out" in case_read
    by_question = {item["question"]: item for item in case_read["items"]}
    calcium = by_question["serum_calcium"]
    assert (calcium["value"], calcium["unit"], calcium["reference_unit"]) == (
        3.1,
        "mmol/L",
        "mg/dL",
    )
    assert calcium["reference_value"] == pytest.approx(12.42, abs=0.01)
    assert calcium["phrase"] == "Ca 3.1 mmol/L" and calcium["number"] >= 1
    answered = {r["question"] for r in read[1:]}
    assert answered == set(by_question), "each accepted item is read as an answer"


def test_output_is_deterministic(fixture_kb: KnowledgeBase) -> None:
    """The same events whatever the hash seed: each run is its own process with its own
    PYTHONHASHSEED, so an order that leans on set or dict-of-str iteration shows up here."""
    inputs = ["dented", "why", "10", "blip", "summary", "yes", "how", "1"]
    assert converse(fixture_kb, inputs) == converse(fixture_kb, inputs)
    stdin = ("\n".join(inputs) + "\n").encode()
    outputs = {seed: run(stdin, hash_seed=seed) for seed in ("0", "1", "4242")}
    assert all(r.returncode == 0 and r.stderr == b"" for r in outputs.values())
    assert len({r.stdout for r in outputs.values()}) == 1
    assert [json.loads(line) for line in outputs["0"].stdout.splitlines()] == (
        converse(fixture_kb, inputs)[1]
    )


# -- the installed command -------------------------------------------------------------------


def run(
    stdin: bytes, *args: str, hash_seed: str | None = None
) -> subprocess.CompletedProcess[bytes]:
    env = None if hash_seed is None else {**os.environ, "PYTHONHASHSEED": hash_seed}
    return subprocess.run(
        [calcify(), "--jsonl", "--rules", str(FIXTURE_KB), *args],
        input=stdin,
        capture_output=True,
        timeout=60,
        env=env,
    )


def test_the_command_writes_one_json_object_per_line() -> None:
    result = run(("\n".join(FINISHING) + "\n").encode())
    assert result.returncode == 0 and result.stderr == b""
    lines = result.stdout.decode().splitlines()
    events = [json.loads(line) for line in lines]
    assert all(isinstance(e, dict) and e["type"] for e in events)
    assert "\x1b" not in result.stdout.decode()
    assert [e["type"] for e in events[-2:]] == ["conclusion", "end"]


def test_input_ending_early_exits_one_and_says_where_it_is_kept(tmp_path: Path) -> None:
    result = run(b"dented\n")
    assert result.returncode == 1 and b"Traceback" not in result.stderr
    end = json.loads(result.stdout.decode().splitlines()[-1])
    assert (end["type"], end["finished"], end["reason"]) == ("end", False, "input ended")
    assert Path(end["kept"]).is_file()


def test_a_case_option_is_read_first() -> None:
    result = run(b"quit\n", "--case", "a shattered casing")
    events = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert of_type(events, "reading")[0]["source"] == "case"
    assert of_type(events, "conclusion")[0]["classification"] == "cracked"


def test_ctrl_c_ends_cleanly_with_an_end_event() -> None:
    process = subprocess.Popen(
        [calcify(), "--jsonl", "--rules", str(FIXTURE_KB)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(b"dented\n")
    process.stdin.flush()
    seen = []
    while not seen or seen[-1].get("id") != "temperature":  # each line comes as it is written
        seen.append(json.loads(process.stdout.readline()))
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=60) == 130
    assert process.stderr is not None and b"Traceback" not in process.stderr.read()
    end = json.loads(process.stdout.read().decode().splitlines()[-1])
    assert (end["type"], end["reason"]) == ("end", "interrupted")
