"""Each negation row of tests/test_intake.py fails without its cue (issue 15).

A row whose finding is not in the vocabulary reads as nothing with or without its cue, so it
cannot notice a cue that stopped working. Here every row names its cue and what the same
sentence reads as with the cue taken out: the cue-less reading must differ, and every finding
it gives must be missing from the negated reading.
"""

from __future__ import annotations

import shutil

import pytest
from conftest import REAL_KB
from test_intake import NEGATION

from chatbot.intake.reader import read_description
from chatbot.knowledge.loader import load_knowledge_base
from chatbot.knowledge.model import KnowledgeBase, Value
from chatbot.knowledge.text import phrase_key

Reading = dict[str, Value]

# negated text -> (its cue, the text without the cue, what that text reads as)
WITHOUT_CUE: dict[str, tuple[str, str, Reading]] = {
    "heterotopic ossification; no history of a muscle injury": (
        "no",
        "heterotopic ossification; history of a muscle injury",
        {"bone_pattern": "yes", "ho_trigger": "trauma", "site": "muscle"},
    ),
    "denies heavy antacid use": (
        "denies",
        "heavy antacid use",
        {"systemic_condition": "milk_alkali"},
    ),
    "no periarticular involvement": (
        "no",
        "periarticular involvement",
        {"site": "periarticular"},
    ),
    "no connective-tissue disease": ("no", "connective-tissue disease", {}),
    "No CTD.": ("No", "CTD.", {}),
    "no features of calciphylaxis": (
        "no",
        "features of calciphylaxis",
        {"site": "skin", "calciphylaxis_signs": "yes"},
    ),
    "calciphylaxis absent": (
        "absent",
        "calciphylaxis",
        {"site": "skin", "calciphylaxis_signs": "yes"},
    ),
    "calcified mass, no bone formation": (
        "no",
        "calcified mass, bone formation",
        {"bone_pattern": "yes"},
    ),
    "amorphous mineral rather than heterotopic ossification": (
        "rather than",
        "amorphous mineral heterotopic ossification",
        {"bone_pattern": "yes"},
    ),
    "no necrosis": ("no", "necrosis", {"tissue_state": "necrotic"}),
    "non-caseating granulomas": (
        "non-",
        "caseating granulomas",
        {"tissue_state": "necrotic", "necrosis_setting": "caseous"},
    ),
    "CKD 4, not on dialysis": ("not", "CKD 4, on dialysis", {"kidney_function": "dialysis"}),
    "no history of kidney disease": ("no", "history of kidney disease", {}),
    "no RTA or medullary sponge kidney": ("no", "RTA or medullary sponge kidney", {}),
    "no injections or infusions at the site": (
        "no",
        "injections or infusions at the site",
        {"intervention": "injection"},
    ),
    "no lupus and normal kidney function": (
        "no",
        "lupus and normal kidney function",
        {"kidney_function": "normal", "ctd_features": "lupus"},
    ),
    "no tumour": ("no", "tumour", {}),
    "tuberculosis was excluded": (
        "excluded",
        "tuberculosis was",
        {"tissue_state": "necrotic", "necrosis_setting": "caseous"},
    ),
}


def _read(kb: KnowledgeBase, text: str) -> Reading:
    return {e.question: e.value for e in read_description(kb, text).items}


def test_every_negation_row_names_its_cue() -> None:
    assert set(WITHOUT_CUE) == {text for text, _ in NEGATION}
    for text, (cue, without, _) in WITHOUT_CUE.items():
        assert cue in text and cue not in without.lower().split()
        assert " ".join(text.replace(cue, " ", 1).split()) == without


@pytest.mark.parametrize(("text", "expected"), NEGATION, ids=[t for t, _ in NEGATION])
def test_a_negation_row_fails_without_its_cue(
    real_kb: KnowledgeBase, text: str, expected: Reading
) -> None:
    _, without, expected_without = WITHOUT_CUE[text]
    negated, plain = _read(real_kb, text), _read(real_kb, without)
    assert negated == expected
    assert plain == expected_without
    assert plain != negated, "the row reads the same without its cue: it tests nothing"
    for question, value in plain.items():
        if question not in expected:  # a finding the cue denies is not read from the negation
            assert negated.get(question) != value


@pytest.fixture(scope="module")
def kb_without_denies(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    """rules/ with the 'denies' cue taken out of the negation cues that stand before a finding.
    Words are keyed by their stem, so 'deny' is the same cue and goes too."""
    rules = tmp_path_factory.mktemp("no-denies") / "rules"
    shutil.copytree(REAL_KB, rules)
    context = rules / "context.toml"
    source = context.read_text(encoding="utf-8")
    for phrase in ('"denies", ', '"deny", '):
        assert source.count(phrase) == 1
        source = source.replace(phrase, "", 1)
    context.write_text(source, encoding="utf-8")
    return load_knowledge_base(rules)


def test_the_denies_cue_is_keyed_once() -> None:
    assert phrase_key("denies") == phrase_key("deny")


def test_dropping_the_denies_cue_makes_its_row_fail(
    real_kb: KnowledgeBase, kb_without_denies: KnowledgeBase
) -> None:
    text = "denies heavy antacid use"
    assert dict(NEGATION)[text] == _read(real_kb, text) == {}
    assert _read(kb_without_denies, text) == {"systemic_condition": "milk_alkali"}
    assert _read(kb_without_denies, "no periarticular involvement") == {}  # other cues stay
