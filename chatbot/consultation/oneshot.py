"""A consultation in one step (calcify classify): answers given as QUESTION=ANSWER pairs or
read from a case description, assessed at once. Never prints."""

from __future__ import annotations

from collections.abc import Sequence

from chatbot.engine.engine import Engine
from chatbot.errors import AnswerError
from chatbot.intake.reader import CaseText, read_description
from chatbot.knowledge.answers import ParsedAnswer, parse_answer
from chatbot.knowledge.fields import did_you_mean
from chatbot.knowledge.model import KnowledgeBase, Value
from chatbot.reasoning.assessment import Assessment, assess


def classify(
    kb: KnowledgeBase, pairs: Sequence[str], case: str | None
) -> tuple[Assessment, CaseText]:
    """The assessment of the answers, and what was read from the case description (the
    pairs win over what the description says). A description nothing could be read from
    still gets its assessment: the best grade the answers allow and the questions pending."""
    found = read_description(kb, case) if case is not None else CaseText((), ())
    answers = {item.question: item.value for item in found.items}
    answers |= parse_assignments(kb, pairs)
    return assess(Engine(kb), answers), found


def parse_assignments(kb: KnowledgeBase, pairs: Sequence[str]) -> dict[str, Value]:
    """Read QUESTION=ANSWER arguments; raise AnswerError naming what is accepted."""
    return {answer.question: answer.value for answer in parse_pairs(kb, pairs)}


def parse_pairs(kb: KnowledgeBase, pairs: Sequence[str]) -> list[ParsedAnswer]:
    """QUESTION=ANSWER arguments as read, with the number and unit given; raise AnswerError
    naming what is accepted."""
    answers: list[ParsedAnswer] = []
    for pair in pairs:
        question_id, equals, text = pair.partition("=")
        question_id = question_id.strip()
        if not equals:
            raise AnswerError(f"{pair!r} is not QUESTION=ANSWER (e.g. tissue_state=necrotic)")
        question = kb.questions.get(question_id)
        if question is None:
            hint = did_you_mean(question_id, list(kb.questions))
            hint = f" ({hint})" if hint else ""
            raise AnswerError(
                f"unknown question {question_id!r}{hint}; see 'calcify questions' for the list"
            )
        try:
            answers.append(parse_answer(question, text))
        except AnswerError as exc:
            raise AnswerError(f"{question_id}: {exc}") from None
    return answers
