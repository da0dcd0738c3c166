"""The published development set as an evaluation: at least 68 of 72 cases right from their
structured answers (tests/published.py prints the per-class table; `make test` runs it)."""

from __future__ import annotations

import tomllib

import pytest
from published import ANSWERS, CASES, THRESHOLD, evaluate, report

pytestmark = pytest.mark.skipif(not CASES.exists(), reason=f"no development set at {CASES}")


def test_the_development_set_is_classified_right_from_its_answers() -> None:
    results = evaluate()
    right = sum(result.right for result in results)
    assert right >= THRESHOLD, "\n".join(report(results))


def test_every_case_has_answers_and_arguments_are_rare() -> None:
    cases = tomllib.loads(CASES.read_text(encoding="utf-8"))["case"]
    entries = tomllib.loads(ANSWERS.read_text(encoding="utf-8"))["case"]
    assert [e["id"] for e in entries] == [c["id"] for c in cases]
    notes = {c["id"] for c in cases if "note" in c}
    argued = [e for e in entries if "argued" in e]
    assert all(e["id"] in notes and e.get("reason") for e in argued)
    assert len(argued) <= 3
