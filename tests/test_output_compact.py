"""The output of a consultation: folded at 80 columns without splitting a word, a compact
conclusion, the caveats command, and a differential without noise."""

from __future__ import annotations

import pytest

from chatbot.consultation.blocks import Block, Caveats, Conclusion, Help, How
from chatbot.consultation.dialogue import Consultation
from chatbot.engine.engine import Engine
from chatbot.knowledge.answers import parse_answer
from chatbot.knowledge.model import INDETERMINATE, KnowledgeBase, Value
from chatbot.reasoning.assessment import ClassAssessment, assess
from chatbot.ui.differential import differential_lines
from chatbot.ui.lines import Line
from chatbot.ui.plain import play
from chatbot.ui.render import block_lines, blocks_lines
from chatbot.ui.wrap import PLAIN_WIDTH, wrapped

TB_NODE = {
    "site": "lymph node",
    "tissue_state": "necrotic",
    "bone_pattern": "no",
    "intervention": "none",
    "serum_calcium": "9.4 mg/dL",
    "albumin": "4 g/dL",
    "serum_phosphate": "3.3 mg/dL",
    "tumour": "no tumour",
    "necrosis_setting": "caseous",
    "kidney_function": "normal",
}
DIALYSIS = {
    "site": "skin",
    "bone_pattern": "no",
    "intervention": "none",
    "tissue_state": "necrotic",
    "kidney_function": "dialysis",
    "calciphylaxis_signs": "yes",
    "serum_calcium": "9.6 mg/dL",
    "albumin": "3.0 g/dL",
    "serum_phosphate": "7.1 mg/dL",
    "tumour": "no tumour",
}
HIP = {
    "site": "periarticular",
    "tissue_state": "viable",
    "distribution": "focal",
    "bone_pattern": "yes",
    "ho_trigger": "surgery",
    "tumour": "no tumour",
    "serum_calcium": "9.4 mg/dL",
    "albumin": "4 g/dL",
    "serum_phosphate": "3.3 mg/dL",
    "kidney_function": "normal",
    "intervention": "none",
}
CPPD = {
    "site": "periarticular",
    "tissue_state": "degenerated",
    "degeneration_setting": "cartilage_crystals",
    "bone_pattern": "no",
    "intervention": "none",
    "tumour": "no tumour",
    "serum_calcium": "9.4 mg/dL",
    "albumin": "4 g/dL",
    "serum_phosphate": "3.3 mg/dL",
    "kidney_function": "normal",
}


def consult(kb: KnowledgeBase, answers: dict[str, str]) -> tuple[Consultation, list[Block]]:
    """Answer whatever is asked from the table (unknown otherwise) until the conclusion:
    the order questions come in is the dialogue's business, not these tests'."""
    consultation = Consultation(kb)
    blocks = consultation.start()
    for _ in range(60):
        question = consultation.current
        if consultation.is_finished or question is None:
            break
        blocks += consultation.respond(answers.get(question.id, "unknown"))
    assert consultation.is_finished
    return consultation, blocks


def text_of(kb: KnowledgeBase, blocks: list[Block]) -> list[str]:
    return [line.text for line in wrapped(blocks_lines(kb, blocks), PLAIN_WIDTH)]


def the(kind: type, blocks: list[Block]) -> Block:
    (found,) = [b for b in blocks if isinstance(b, kind)]
    return found


# -- wrapping ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "width", "expected"),
    [
        ("short", 80, ["short"]),
        ("aaa bbb calcinosis", 12, ["aaa bbb", "calcinosis"]),
        ("  - one two three four", 14, ["  - one two", "    three four"]),
        ("x" * 30 + " y", 20, ["x" * 30, "y"]),  # a long word stays whole
        ("well-known self-limited", 16, ["well-known", "self-limited"]),
        (
            "  how    the current conclusion follows",
            24,
            ["  how    the current", "         conclusion", "         follows"],
        ),
    ],
)
def test_wrapping_never_splits_a_word(text: str, width: int, expected: list[str]) -> None:
    assert [line.text for line in wrapped([Line(text, "dim")], width)] == expected


def test_plain_mode_fits_80_columns_and_keeps_every_word(real_kb: KnowledgeBase) -> None:
    consultation, blocks = consult(real_kb, TB_NODE)
    for command in ("how", "summary", "whynot metastatic", "caveats", "help"):
        blocks += consultation.respond(command)
    logical = [line.text for line in blocks_lines(real_kb, blocks)]
    shown = text_of(real_kb, blocks)
    assert max(len(line) for line in shown) <= PLAIN_WIDTH
    assert " ".join(shown).split() == " ".join(logical).split()


def test_plain_mode_output_has_no_line_over_80_columns(real_kb: KnowledgeBase) -> None:
    inputs = ["lymph node", "necrotic", "no", "none", "9.4 mg/dL", "how", "help", "quit"]
    lines = play(real_kb, inputs)
    assert all(len(line) <= PLAIN_WIDTH for line in lines if not line.startswith("> "))
    assert not any(line.rstrip().endswith("calcinosi") for line in lines)


# -- the conclusion ----------------------------------------------------------------------


def test_the_conclusion_of_a_dialysis_case_fits_20_lines(real_kb: KnowledgeBase) -> None:
    _, blocks = consult(real_kb, DIALYSIS)
    lines = [line.text for line in wrapped(block_lines(real_kb, the(Conclusion, blocks)))]
    assert len(lines) <= 20, "\n".join(lines)
    text = "\n".join(lines)
    assert "Classification: Metastatic calcification" in text and "Grade: " in text
    assert "calciphylaxis" in text and "Reasons:" in text and "metastatic.calciphylaxis" in text
    assert "Reasoning:" not in text and "Differential:" not in text and "Caveats:" not in text
    hint = lines[-1]
    assert all(word in hint for word in ("how", "caveats", "summary", "whynot CLASS"))


def test_a_cppd_deposit_is_called_a_look_alike(real_kb: KnowledgeBase) -> None:
    consultation, blocks = consult(real_kb, CPPD)
    assert consultation.assessment.subtype == "cppd_lookalike"
    text = " ".join(" ".join(text_of(real_kb, [the(Conclusion, blocks)])).split())
    assert (
        "Not a pathologic calcification of these classes: a look-alike, calcium "
        "pyrophosphate deposition (CPPD)" in text
    )
    assert "Classification: Dystrophic" not in text


# -- caveats and how -----------------------------------------------------------------------


def test_caveats_command_lists_the_caveats_with_sources(real_kb: KnowledgeBase) -> None:
    consultation, _ = consult(real_kb, TB_NODE)
    blocks = consultation.respond("caveats")
    assert isinstance(blocks[0], Caveats)
    text = " ".join(" ".join(text_of(real_kb, blocks)).split())
    assert text.startswith("Caveats:") and "hilar nodes" in text
    assert "[sites.caseous-hilar-node;" in text


def test_caveats_command_says_when_there_is_none(real_kb: KnowledgeBase) -> None:
    consultation, _ = consult(real_kb, HIP)
    assert not consultation.assessment.caveats
    assert text_of(real_kb, consultation.respond("caveats"))[0].startswith("No caveat")


def test_help_lists_caveats(real_kb: KnowledgeBase) -> None:
    consultation, _ = consult(real_kb, TB_NODE)
    help_block = the(Help, consultation.respond("help"))
    assert "caveats" in [c.name for c in help_block.commands]  # type: ignore[attr-defined]


def test_how_shows_each_conclusion_once(real_kb: KnowledgeBase) -> None:
    consultation, _ = consult(real_kb, DIALYSIS)
    lines = blocks_lines(real_kb, [How(consultation.assessment)])
    steps = [line.text.split(" -> ")[-1] for line in lines if " -> " in line.text]
    chain = consultation.assessment.chain
    assert len({f.declared for f in chain}) < len(chain)  # the case does reach one twice
    assert len(steps) == len(set(steps))
    assert any("also concluded by" in line.text for line in lines)


def test_whynot_says_each_failure_once(real_kb: KnowledgeBase) -> None:
    consultation, _ = consult(real_kb, TB_NODE)
    lines = text_of(real_kb, consultation.respond("whynot metastatic"))
    failed = [line for line in lines if line.strip().startswith("Failed:")]
    assert failed and len(failed) == len(set(failed))


# -- the differential -----------------------------------------------------------------------


def test_the_differential_names_only_questions_that_would_be_asked(
    real_kb: KnowledgeBase,
) -> None:
    consultation, _ = consult(real_kb, TB_NODE)
    a = consultation.assessment
    for row in a.differential:
        for question in row.deciding:
            assert a.answers.get(question) == "unknown" or a.askable.is_askable(question)


def test_a_class_no_question_would_decide_says_so(real_kb: KnowledgeBase) -> None:
    consultation, _ = consult(real_kb, TB_NODE)
    a = consultation.assessment
    row = ClassAssessment("mixed", "possible", (), ())
    object.__setattr__(a, "differential", (*a.differential[:1], row))  # the cached value
    (line,) = [t for t in differential_lines(real_kb, a) if "Mixed" in t]
    assert line.endswith("no question left would decide it") and "ionized" not in line


def test_indeterminate_is_never_also_supported(real_kb: KnowledgeBase) -> None:
    answers = {**HIP, "tumour": "suspected_sarcoma"}
    a = assess(Engine(real_kb), _parsed(real_kb, answers))
    assert a.classification != INDETERMINATE
    rows = {row.class_id: row.state for row in a.differential}
    assert rows.get(INDETERMINATE) != "supported"
    assert not any("also supported  Indeterminate" in t for t in differential_lines(real_kb, a))


def test_heterotopic_ossification_is_not_also_calcinosis(real_kb: KnowledgeBase) -> None:
    consultation, _ = consult(real_kb, HIP)
    a = consultation.assessment
    assert (a.classification, a.subtype) == ("heterotopic_ossification", "post_surgical")
    supported = [row.class_id for row in a.differential if row.state == "supported"]
    assert "calcinosis" not in supported


@pytest.mark.parametrize(("ionized", "shown"), [(None, True), ("1.2 mmol/L", False)])
def test_the_ionized_calcium_caveat_goes_once_it_is_measured(
    real_kb: KnowledgeBase, ionized: str | None, shown: bool
) -> None:
    answers = dict(DIALYSIS)
    if ionized:
        answers["ionized_calcium"] = ionized
    a = assess(Engine(real_kb), _parsed(real_kb, answers))
    rules = [f.rule.id for f in a.caveats]
    assert ("labs.albumin-correction-unreliable" in rules) is shown


def _parsed(kb: KnowledgeBase, answers: dict[str, str]) -> dict[str, Value]:
    """The answers as the engine takes them (parsed as the dialogue parses typed text)."""
    return {q: parse_answer(kb.questions[q], text).value for q, text in answers.items()}
