"""The shipped knowledge base through the dialogue: every real case reaches its class and cause."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from chatbot.consultation.blocks import Ask
from chatbot.consultation.dialogue import Consultation
from chatbot.engine.engine import Engine
from chatbot.knowledge.model import KnowledgeBase

CASES = Path(__file__).resolve().parent / "data" / "real_cases.toml"


def load_cases() -> list[dict[str, Any]]:
    with CASES.open("rb") as handle:
        return list(tomllib.load(handle)["case"])


@pytest.fixture(scope="module")
def engine(real_kb: KnowledgeBase) -> Engine:
    return Engine(real_kb)


@pytest.mark.parametrize("case", load_cases(), ids=lambda case: str(case["name"]))
def test_dialogue_reaches_the_case(
    real_kb: KnowledgeBase, engine: Engine, case: dict[str, Any]
) -> None:
    """Answer what is asked from the case (unknown otherwise): same result as classify."""
    consultation = Consultation(real_kb, engine)
    blocks = consultation.start()
    asked: list[str] = []
    while not consultation.is_finished:
        question = consultation.current
        assert question is not None and question.id not in asked, f"asked {question} twice"
        asked.append(question.id)
        assert len(asked) <= len(real_kb.questions)
        blocks = consultation.respond(case["answers"].get(question.id, "unknown"))
        assert not any(isinstance(b, Ask) and b.again for b in blocks), "an answer was rejected"
    assessment = consultation.assessment
    assert (assessment.classification, assessment.subtype) == (
        case["classification"],
        case["subtype"],
    )
