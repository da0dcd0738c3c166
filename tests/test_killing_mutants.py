"""Tests written against mutants that the rest of the suite let live (issue 15).

Each test names the mutant it kills; each was checked by applying the mutant by hand and
watching the test fail.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from chatbot.consultation.record import TranscriptError, write_atomic
from chatbot.engine.engine import Engine
from chatbot.intake.reader import read_description
from chatbot.knowledge.model import KnowledgeBase, Value


def _read(kb: KnowledgeBase, text: str) -> dict[str, Value]:
    return {e.question: e.value for e in read_description(kb, text).items}


# --- 'A to B' is a range of results, not the value A (intake/measures.py, _other_end) -----------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("calcium 2.2 to 2.6 mmol/L", "normal"),
        ("calcium 2.9 to 3.1 mmol/L", "raised"),
        ("calcium 2.2-2.6 mmol/L", "normal"),
    ],
)
def test_a_range_of_results_gives_its_lab_word_not_its_first_end(
    real_kb: KnowledgeBase, text: str, expected: str
) -> None:
    """Mutant: drop the 'to' branch of the range check, so '2.2 to 2.6' reads as 2.2."""
    items = read_description(real_kb, text).items
    assert [(e.question, e.value) for e in items] == [("serum_calcium", expected)]
    assert items[0].phrase == text  # the whole range is quoted, both ends and the unit


def test_a_bracketed_range_after_a_value_is_its_reference_not_a_result(
    real_kb: KnowledgeBase,
) -> None:
    assert _read(real_kb, "calcium 2.9 mmol/L (2.2 to 2.6)")["serum_calcium"] == pytest.approx(
        11.62, abs=0.01
    )


# --- the edge of a negation cue's window (intake/context.py, _reaches) ------------------------


def test_a_negation_reaches_exactly_its_window_and_no_further(real_kb: KnowledgeBase) -> None:
    """Mutant: `distance < window` -> `distance <= window`. 'no' stands before the finding;
    the distance is the number of words between them, and the window (rules/context.toml,
    negated-before) is how many words the cue reaches past itself."""
    window = real_kb.reading.cues["negated-before"].window
    assert window == 6

    def text(between: int) -> str:
        return " ".join(["no", *["blue"] * between, "necrosis"])

    reach = read_description(real_kb, text(window - 1))  # the last word the cue reaches
    assert not reach.items
    assert [(o.question, o.reason) for o in reach.omitted] == [("tissue_state", "negated")]
    beyond = read_description(real_kb, text(window))  # the first word it does not
    assert {e.question: e.value for e in beyond.items} == {"tissue_state": "necrotic"}
    assert not beyond.omitted


# --- the transcript write is atomic (consultation/files.py via record.write_atomic) -----------


def test_a_failure_mid_write_leaves_the_old_transcript_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Mutant: write the new text straight into the file instead of a temporary file
    renamed over it. The write fails after the bytes are handed over (fsync: disk full)."""
    (tmp_path / "out").mkdir()
    path = tmp_path / "out" / "case.txt"
    old = "# title: old\n# shows: the old transcript\n> yes\n"
    path.write_text(old, encoding="utf-8")

    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(TranscriptError, match="No space left on device"):
        write_atomic(path, "# title: new\n# shows: a new transcript, half written\n" * 1000)
    assert path.read_text(encoding="utf-8") == old
    assert sorted(p.name for p in path.parent.iterdir()) == ["case.txt"]  # no temporary left


def test_a_failed_rename_leaves_the_old_transcript_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "out").mkdir()
    path = tmp_path / "out" / "case.txt"
    path.write_text("old\n", encoding="utf-8")

    def refused(source: object, target: object) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "replace", refused)
    with pytest.raises(TranscriptError):
        write_atomic(path, "new\n")
    assert path.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in path.parent.iterdir()) == ["case.txt"]


# --- the corrected-calcium edge (rules/labs.toml, labs.hypercalcaemia-corrected) ---------------


@pytest.mark.parametrize(
    ("calcium", "albumin", "raised"),
    [
        (10.5, 4.0, False),  # corrected exactly 10.5 mg/dL: the upper limit, not above it
        (10.51, 4.0, True),
        (10.49, 4.0, False),
        (9.7, 3.0, False),  # 9.7 + 0.8 * (4.0 - 3.0) = 10.5
        (9.72, 3.0, True),
    ],
)
def test_corrected_calcium_at_the_upper_limit_is_not_hypercalcaemia(
    real_kb: KnowledgeBase, calcium: float, albumin: float, raised: bool
) -> None:
    """Mutant: `gt = 10.5` -> `ge = 10.5` for the corrected calcium."""
    found = Engine(real_kb).evaluate({"serum_calcium": calcium, "albumin": albumin}).findings()
    assert found["corrected_calcium"][0] == pytest.approx(calcium + 0.8 * (4.0 - albumin))
    assert ("hypercalcaemia" in found) is raised
    assert ("calcium_not_raised" in found) is not raised
