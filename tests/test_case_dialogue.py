"""Case descriptions in the consultation and on the command line (extraction is tested apart)."""

from __future__ import annotations

import json

import pytest

from chatbot.cli import main
from chatbot.consultation.blocks import Ask, Note, Problem, Understood
from chatbot.consultation.dialogue import Consultation
from chatbot.intake.review import CaseRead
from chatbot.knowledge.model import KnowledgeBase

CASE = "Autopsy lung, viable tissue, patient on haemodialysis; Ca 2.9 mmol/L, PO4 2.4 mmol/L"


def read(kb: KnowledgeBase, text: str = CASE) -> tuple[Consultation, CaseRead]:
    consultation = Consultation(kb)
    consultation.start()
    block = consultation.respond(text)[0]
    assert isinstance(block, CaseRead)
    return consultation, block


def test_a_pasted_description_is_read_and_waits_for_ok(real_kb: KnowledgeBase) -> None:
    consultation, block = read(real_kb)
    found = {item.question: item.value for item in block.items}
    assert found["tissue_state"] == "viable" and found["kidney_function"] == "dialysis"
    assert found["serum_calcium"] == pytest.approx(11.62, abs=0.01)
    assert all(item.phrase in CASE for item in block.items)
    assert consultation.answers == {}  # nothing is used before the user says ok
    blocks = consultation.respond("ok")
    assert isinstance(blocks[0], Note) and "Using" in blocks[0].message
    assert sum(isinstance(b, Understood) for b in blocks) == len(block.items)
    assert consultation.answers == found
    assert consultation.current is None or consultation.current.id not in found


def test_drop_correct_and_cancel(real_kb: KnowledgeBase) -> None:
    consultation, block = read(real_kb)
    index = next(
        i for i, item in enumerate(block.items, start=1) if item.question == "kidney_function"
    )
    after = consultation.respond(f"drop {index}")[0]
    assert isinstance(after, CaseRead) and "kidney_function" not in {
        i.question for i in after.items
    }
    first = after.items[0].question
    corrected = consultation.respond("1 = unknown")[0]
    assert isinstance(corrected, CaseRead)
    assert (corrected.items[0].question, corrected.items[0].value) == (first, "unknown")
    assert isinstance(consultation.respond("drop 99")[0], Problem)
    cancelled = consultation.respond("cancel")
    assert isinstance(cancelled[0], Note) and "Nothing from the description" in cancelled[0].message
    assert not any(isinstance(b, CaseRead) for b in cancelled)
    assert consultation.answers == {}
    consultation.respond("ok")  # the description is gone: 'ok' no longer accepts it
    assert first not in consultation.answers and consultation.answers == {}


def test_other_input_sets_the_description_aside(real_kb: KnowledgeBase) -> None:
    consultation, _ = read(real_kb)
    blocks = consultation.respond("unknown")
    assert isinstance(blocks[0], Note) and "not used" in blocks[0].message
    assert list(consultation.answers.values()) == ["unknown"]  # taken as the current answer


def test_back_undoes_a_whole_description(real_kb: KnowledgeBase) -> None:
    consultation, _ = read(real_kb)
    consultation.respond("ok")
    consultation.respond("back")
    assert consultation.answers == {}


def test_case_command_reads_even_a_short_description(real_kb: KnowledgeBase) -> None:
    consultation = Consultation(real_kb)
    consultation.start()
    block = consultation.respond("case caseous necrosis")[0]
    assert isinstance(block, CaseRead)
    assert {i.question for i in block.items} >= {"necrosis_setting"}
    assert isinstance(consultation.respond("cancel")[0], Note)
    nothing = consultation.respond("case nothing medical at all")
    assert isinstance(nothing[0], Note) and "No answer could be read" in nothing[0].message
    assert isinstance(nothing[-1], Ask), "the consultation goes on with its question"


def test_classify_case_json_adds_what_was_extracted(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["classify", "--json", "--case", CASE, "site=lung"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["classification"] == "metastatic" and data["subtype"] == "renal_failure"
    assert {e["question"] for e in data["extracted"]} >= {"tissue_state", "serum_calcium"}
    assert all(e["phrase"] in CASE for e in data["extracted"])


def test_classify_case_text_and_nothing_to_read(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["classify", "--case", CASE]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Read from the case description:") and "← 'PO4 2.4 mmol/L'" in out
    # nothing read is not a refusal: the best grade and what is still to be asked
    assert main(["classify", "--json", "--case", "the weather was fine"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["extracted"] == [] and data["classification"] == "indeterminate"
    assert data["questions_pending"], "the questions that would decide it are listed"
