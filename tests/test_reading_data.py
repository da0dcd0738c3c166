"""The reading vocabulary as data: rules/ holds the context cues, word sets, panels and
descriptions, `calcify check` locates every mistake in them, and a knowledge base reads with
its own cues (nothing of ConText's vocabulary lives in Python)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import FIXTURE_KB

from chatbot.errors import KnowledgeBaseError
from chatbot.intake.reader import extract, read_description
from chatbot.knowledge.loader import load_knowledge_base
from chatbot.knowledge.model import KnowledgeBase


def _with(tmp_path: Path, extra: str, file: str = "context.toml") -> Path:
    """The fixture knowledge base with `extra` appended to one of its files."""
    target = tmp_path / "kb"
    shutil.copytree(FIXTURE_KB, target)
    path = target / file
    path.write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return target


def _defects(tmp_path: Path, extra: str, file: str = "context.toml") -> list[str]:
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge_base(_with(tmp_path, extra, file))
    return [str(d) for d in caught.value.defects]


SOURCE = 'source = { id = "plain-english", locator = "x" }\n'
BROKEN = [
    (
        '\n[[cue]]\nid = "odd"\ncategory = "sarcastic"\nphrases = ["yeah right"]\n' + SOURCE,
        "cue odd: category: unknown category 'sarcastic'",
    ),
    (
        '\n[[cue]]\nid = "odd"\ncategory = "negated"\ndirection = "sideways"\n'
        'phrases = ["nope"]\n' + SOURCE,
        "cue odd: direction: unknown direction 'sideways'",
    ),
    (
        '\n[[cue]]\nid = "odd"\ncategory = "negated"\nwindow = 99\nphrases = ["nope"]\n' + SOURCE,
        "cue odd: window: write a number of words from 1 to 40",
    ),
    (
        '\n[[wordset]]\nid = "filers"\nwords = ["was"]\n',
        "wordset filers: id: unknown word set 'filers' (did you mean 'fillers'?)",
    ),
    (
        '\n[[panel]]\nid = "bloods"\nnames = ["bloods"]\ncovers = ["casing"]\n' + SOURCE,
        "panel bloods: covers: casing has no answer 'normal' for a panel to give",
    ),
    (
        '\n[[panel]]\nid = "bloods"\nnames = ["bloods"]\ncovers = ["temperatur"]\n' + SOURCE,
        "panel bloods: covers: unknown question 'temperatur'",
    ),
    (
        '\n[[description]]\nid = "bent"\nmeans = { casing = "bent" }\nphrases = ["folded"]\n'
        + SOURCE,
        "description bent: means.casing: 'bent' is not an answer",
    ),
    (
        '\n[[description]]\nid = "bent"\nmeans = { casing = "dented" }\n'
        'together = [["creased"]]\n' + SOURCE,
        "description bent: together[0]: a group needs at least two words",
    ),
    (
        '\n[[cue]]\nid = "odd"\ncategory = "negated"\nphrases = ["nope"]\n'
        'source = { id = "nowhere", locator = "x" }\n',
        "cue odd: source.id: unknown source 'nowhere'",
    ),
]


@pytest.mark.parametrize(("extra", "message"), BROKEN, ids=[m for _, m in BROKEN])
def test_reading_data_errors_are_located(tmp_path: Path, extra: str, message: str) -> None:
    defects = _defects(tmp_path, extra)
    assert any(message in d for d in defects), defects
    assert all(d.startswith("tests/") or "context.toml" in d for d in defects if message in d)


CASING_SOURCE = 'source = { id = "widget-manual", locator = "chapter 1" }\n'
QUESTION_KEYS = [
    (
        CASING_SOURCE + 'answer_only = ["bent"]\n'
        'supported = [{ terms = ["bent"], near = ["@dents"] }]\n',
        "question casing: supported[0].near: unknown word set '@dents'",
    ),
    (
        CASING_SOURCE + 'supported = [{ terms = ["bent"], near = ["rod"] }]\n',
        "question casing: supported[0].terms: 'bent' is not listed in answer_only",
    ),
    (
        CASING_SOURCE + 'bands = { normal = "fine" }\n',
        "question casing: bands.normal: unknown choice 'fine'",
    ),
    (
        CASING_SOURCE + 'if_uncertain = { dented = "crushed" }\n',
        "question casing: if_uncertain.dented: unknown choice 'crushed'",
    ),
    (
        CASING_SOURCE + 'one_deposit = "single"\n',
        "question casing: one_deposit: unknown choice 'single'",
    ),
    (
        CASING_SOURCE + 'current = "yes"\n',
        "question casing: current: write true or false",
    ),
]


@pytest.mark.parametrize(("new", "message"), QUESTION_KEYS, ids=[m for _, m in QUESTION_KEYS])
def test_question_reading_keys_are_checked(tmp_path: Path, new: str, message: str) -> None:
    target = tmp_path / "kb"
    shutil.copytree(FIXTURE_KB, target)
    path = target / "questions.toml"
    text = path.read_text(encoding="utf-8")
    assert text.count(CASING_SOURCE) == 1
    path.write_text(text.replace(CASING_SOURCE, new), encoding="utf-8")
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge_base(target)
    defects = [str(d) for d in caught.value.defects]
    assert any(message in d for d in defects), defects


def test_a_knowledge_base_reads_with_its_own_cues(tmp_path: Path) -> None:
    """The fixture's cues are 'no', 'not', 'without' and 'possibly', 'maybe': a cue of the
    shipped rules ('denies') means nothing to it until its context.toml says so."""
    kb = load_knowledge_base(FIXTURE_KB)
    assert {e.question: e.value for e in extract(kb, "the casing is not dented")} == {}
    assert {e.question: e.value for e in extract(kb, "it denies a dented casing")} == {
        "casing": "dented"
    }
    extra = '\n[[cue]]\nid = "denial"\ncategory = "negated"\nphrases = ["denies"]\n' + SOURCE
    own = load_knowledge_base(_with(tmp_path, extra))
    found = read_description(own, "it denies a dented casing")
    assert found.items == ()
    assert [(o.question, o.value, o.reason) for o in found.omitted] == [
        ("casing", "dented", "negated")
    ]


def test_the_shipped_rules_define_every_word_set_the_reader_uses(real_kb: KnowledgeBase) -> None:
    from chatbot.knowledge.reading import WORDSETS

    assert set(WORDSETS) <= set(real_kb.reading.wordsets)
    assert {c.category for c in real_kb.reading.cues.values()} >= {
        "negated", "historical", "later", "hypothetical", "family", "uncertain", "pseudo",
        "terminate",
    }  # fmt: skip
    cited = {c.citation.source for c in real_kb.reading.cues.values()}
    assert cited <= set(real_kb.sources)
