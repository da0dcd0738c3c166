"""Nothing a user types breaks a consultation (property-based, with hypothesis)."""

from __future__ import annotations

import io

from conftest import FIXTURE_KB, REAL_KB
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chatbot.consultation.commands import COMMANDS
from chatbot.consultation.dialogue import Consultation
from chatbot.engine.engine import Engine
from chatbot.knowledge.loader import load_knowledge_base
from chatbot.knowledge.model import KnowledgeBase
from chatbot.ui.plain import run_plain, stdin_lines
from chatbot.ui.render import blocks_lines

FIXTURE = load_knowledge_base(FIXTURE_KB)
REAL = load_knowledge_base(REAL_KB)
ENGINES = {id(FIXTURE): Engine(FIXTURE), id(REAL): Engine(REAL)}
SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


def vocabulary(kb: KnowledgeBase) -> list[str]:
    """Words a user might plausibly type: answers, commands with good and bad arguments."""
    words = [
        "unknown",
        "?",
        "yes",
        "no",
        "y",
        "nope",
        "12",
        "12,5",
        "3.0 mmol/L",
        "120 mg/dL",
        "-1",
    ]
    for question in kb.questions.values():
        words += [c.id for c in question.choices] + [c.label for c in question.choices]
        words += [f"{(question.reference or (1, 2))[0]:g} {u.name}" for u in question.units]
        words += [f"change {question.id}", f"change {question.id[:3]}"]
    for command in COMMANDS:
        if command.name not in ("quit", "save"):
            words += [command.name, f":{command.name}", f"{command.name} nonsense"]
    words += [f"whynot {c}" for c in kb.classes] + [
        "change nothing_like_this",
        "back",
        "back",
        "back",
    ]
    return words


def inputs(kb: KnowledgeBase) -> st.SearchStrategy[list[str]]:
    junk = st.one_of(
        st.text(max_size=40),
        st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x9F), max_size=20),
        st.just(""),
        st.just("x" * 5000),
        st.just("\x1b[2J\x1b[31mred\u202e"),
    )
    return st.lists(st.one_of(st.sampled_from(vocabulary(kb)), junk), max_size=30)


def play_out(kb: KnowledgeBase, texts: list[str]) -> Consultation:
    consultation = Consultation(kb, ENGINES[id(kb)])
    lines = blocks_lines(kb, consultation.start())
    for text in texts:
        lines += blocks_lines(kb, consultation.respond(text))
    for line in lines:
        assert line.text.isprintable() or line.text == "", repr(line.text)
    return consultation


def finishes_within_the_question_count(kb: KnowledgeBase, consultation: Consultation) -> None:
    consultation.quit = False
    for _ in range(len(kb.questions) + 1):
        if consultation.is_finished:
            return
        consultation.respond("unknown")
    assert consultation.is_finished, "answering unknown to everything must end the consultation"


@SETTINGS
@given(inputs(FIXTURE))
def test_any_input_on_the_fixture(texts: list[str]) -> None:
    consultation = play_out(FIXTURE, texts)
    finishes_within_the_question_count(FIXTURE, consultation)


@settings(SETTINGS, max_examples=40)
@given(inputs(REAL))
def test_any_input_on_the_real_knowledge_base(texts: list[str]) -> None:
    consultation = play_out(REAL, texts)
    finishes_within_the_question_count(REAL, consultation)


@settings(SETTINGS, max_examples=60)
@given(st.lists(st.binary(max_size=60), max_size=15))
def test_plain_mode_survives_any_bytes(lines: list[bytes]) -> None:
    stream = io.BytesIO(b"\n".join(lines) + b"\n")
    out, err = io.StringIO(), io.StringIO()
    code = run_plain(
        Consultation(FIXTURE, ENGINES[id(FIXTURE)]), stdin_lines(stream, err), out, err
    )
    assert code in (0, 1)
    assert "Traceback" not in out.getvalue() + err.getvalue()
    assert "\x1b" not in out.getvalue()
