"""Loading the knowledge base: the fixture loads, and every broken edit is reported where it is."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import FIXTURE_KB, TESTS

from chatbot.cli import main
from chatbot.errors import Defect, KnowledgeBaseError
from chatbot.knowledge.loader import load_knowledge_base
from chatbot.knowledge.model import KnowledgeBase

BROKEN = TESTS / "broken"

# (file, old text, new text, substrings the error must contain). The first substring is the
# whole location: file, item and field, so a failure points at the data.
EDITS = [
    pytest.param(
        "heat.toml",
        'because = "Above 60 zorg a widget runs hot."\n',
        "",
        ["heat.toml: rule heat.hot: because: missing required key"],
        id="missing-key",
    ),
    pytest.param(
        "heat.toml",
        'because = "Above 60 zorg',
        'becuase = "Above 60 zorg',
        ["heat.toml: rule heat.hot: becuase: unknown key", "did you mean 'because'?"],
        id="mistyped-key",
    ),
    pytest.param(
        "cracks.toml",
        "priority = 10",
        'priority = "high"',
        ["cracks.toml: rule cracks.impact: priority: expected a whole number, found text"],
        id="wrong-type-priority",
    ),
    pytest.param(
        "heat.toml",
        "gt = 60.0",
        'gt = "sixty"',
        ["heat.toml: rule heat.hot: when[0].gt: expected a number, found text"],
        id="wrong-type-threshold",
    ),
    pytest.param(
        "cracks.toml",
        'in = ["dented", "shattered"]',
        'in = "dented"',
        ["cracks.toml: rule cracks.damaged: when[0].in: expected a list of text"],
        id="wrong-type-list",
    ),
    pytest.param(
        "heat.toml",
        '{ question = "temperature", gt = 60.0 }',
        '{ question = "temprature", gt = 60.0 }',
        [
            "heat.toml: rule heat.hot: when[0].question: unknown question 'temprature'",
            "did you mean 'temperature'?",
        ],
        id="unknown-question",
    ),
    pytest.param(
        "heat.toml",
        '{ finding = "overloaded" },',
        '{ finding = "overlaoded" },',
        [
            "heat.toml: rule heat.overload: when[0].finding: unknown finding 'overlaoded'",
            "did you mean 'overloaded'?",
        ],
        id="unknown-finding-in-condition",
    ),
    pytest.param(
        "heat.toml",
        'derive = { finding = "hot" }',
        'derive = { finding = "hott" }',
        [
            "heat.toml: rule heat.hot: derive.finding: unknown finding 'hott'",
            "did you mean 'hot'?",
        ],
        id="unknown-finding-derived",
    ),
    pytest.param(
        "heat.toml",
        'source = { id = "widget-manual", locator = "chapter 3, limits" }',
        'source = { id = "widget-manaul", locator = "chapter 3, limits" }',
        [
            "heat.toml: rule heat.hot: source.id: unknown source 'widget-manaul'",
            "did you mean 'widget-manual'?",
        ],
        id="unknown-source",
    ),
    pytest.param(
        "rust.toml",
        'id = "rust.chipped"',
        'id = "rust.bare"',
        ["rust.toml: rule rust.bare: id: duplicate rule id", "first in", "rust.toml)"],
        id="duplicate-rule-id",
    ),
    pytest.param(
        "questions.toml",
        'id = "coating"',
        'id = "casing"',
        ["questions.toml: question casing: id: duplicate question id 'casing'"],
        id="duplicate-question-id",
    ),
    pytest.param(
        "cracks.toml",
        'is = "shattered"',
        'is = "shatered"',
        [
            "cracks.toml: rule cracks.impact: when[0].is: 'shatered' is not a value of 'casing'",
            "did you mean 'shattered'?",
        ],
        id="value-not-a-choice",
    ),
    pytest.param(
        "sound.toml",
        '{ question = "humming", is = "no" }',
        '{ question = "humming", is = "unknown" }',
        [
            "sound.toml: rule sound.quiet: when[1].is: 'unknown' is not a value of 'humming'",
            "accepted: yes, no",
        ],
        id="unknown-is-not-a-value",
    ),
    pytest.param(
        "heat.toml",
        'value = "severe"',
        'value = "sever"',
        [
            "heat.toml: rule heat.grade-severe: derive.value: 'sever' is not a value of "
            "'heat_grade'",
            "accepted: mild, severe",
        ],
        id="derived-value-not-a-value",
    ),
    pytest.param(
        "sound.toml",
        '{ question = "humming", is = "no" }',
        '{ question = "humming" }',
        ["sound.toml: rule sound.quiet: when[1]: a condition has exactly one test"],
        id="condition-without-test",
    ),
    pytest.param(
        "sound.toml",
        '{ question = "humming", is = "no" }',
        '{ question = "humming", is = "no", not = "yes" }',
        ["sound.toml: rule sound.quiet: when[1]: a condition has exactly one test"],
        id="condition-with-two-tests",
    ),
    pytest.param(
        "sound.toml",
        '{ question = "humming", is = "no" }',
        '{ question = "humming", finding = "hot", is = "no" }',
        [
            "sound.toml: rule sound.quiet: when[1]: a condition names exactly one `question` "
            "or one `finding`"
        ],
        id="condition-with-two-subjects",
    ),
    pytest.param(
        "sound.toml",
        '{ question = "humming", is = "no" }',
        '{ question = "humming", iss = "no" }',
        ["sound.toml: rule sound.quiet: when[1].iss: unknown test", "did you mean 'is'?"],
        id="condition-bad-op",
    ),
    pytest.param(
        "cracks.toml",
        'is = "shattered"',
        "gt = 3.0",
        [
            "cracks.toml: rule cracks.impact: when[0].gt: numeric test on 'casing', "
            "which is not a number"
        ],
        id="numeric-test-on-choice",
    ),
    pytest.param(
        "heat.toml",
        '{ finding = "overloaded" },',
        '{ finding = "overloaded", known = true },',
        ["heat.toml: rule heat.overload: when[0].known: `known` tests a question"],
        id="known-on-finding",
    ),
    pytest.param(
        "heat.toml",
        '{ question = "temperature", measured = true },',
        '{ question = "temperature", present = true },',
        ["heat.toml: rule heat.load: when[0].present: `present` tests a finding"],
        id="present-on-question",
    ),
    pytest.param(
        "heat.toml",
        '{ finding = "hot" },\n  { question = "humming", is = "yes" },',
        '{ finding = "hot", absent = false },\n  { question = "humming", is = "yes" },',
        ["heat.toml: rule heat.stressed: when[0].absent: write `absent = true`"],
        id="absent-false",
    ),
    pytest.param(
        "cracks.toml",
        'in = ["dented", "shattered"]',
        "in = []",
        ["cracks.toml: rule cracks.damaged: when[0].in: list at least one value"],
        id="empty-in-list",
    ),
    pytest.param(
        "sound.toml",
        "when = [",
        "when = []\nunused = [",
        [
            "sound.toml: rule sound.quiet: when: a rule needs at least one condition",
            "sound.toml: rule sound.quiet: unused: unknown key",
        ],
        id="empty-when",
    ),
    pytest.param(
        "heat.toml",
        'formula = "voltage * (temperature - 10) / 10"',
        'formula = "voltage ** 2"',
        ["heat.toml: rule heat.load: derive.formula: formula 'voltage ** 2' may only use + - * /"],
        id="formula-bad-operator",
    ),
    pytest.param(
        "heat.toml",
        'formula = "voltage * (temperature - 10) / 10"',
        'formula = "voltage * (temperature - 10"',
        ["heat.toml: rule heat.load: derive.formula: cannot read formula"],
        id="formula-syntax",
    ),
    pytest.param(
        "heat.toml",
        'formula = "voltage * (temperature - 10) / 10"',
        'formula = "voltage * __import__(1)"',
        [
            "heat.toml: rule heat.load: derive.formula: formula 'voltage * __import__(1)' "
            "may only use numbers, names"
        ],
        id="formula-call",
    ),
    pytest.param(
        "heat.toml",
        'formula = "voltage * (temperature - 10) / 10"',
        "formula = \"voltage * 'ten'\"",
        ["heat.toml: rule heat.load: derive.formula: formula", "may only contain numbers"],
        id="formula-text-constant",
    ),
    pytest.param(
        "heat.toml",
        '  { question = "voltage", measured = true },\n]\nderive = { finding = "load"',
        ']\nderive = { finding = "load"',
        [
            "heat.toml: rule heat.load: derive.formula: 'voltage' must also appear in the "
            "rule's conditions"
        ],
        id="formula-name-not-in-conditions",
    ),
    pytest.param(
        "heat.toml",
        'formula = "voltage * (temperature - 10) / 10"',
        'formula = "voltage * humming"',
        [
            "heat.toml: rule heat.load: derive.formula: 'humming' is not a number question "
            "or finding"
        ],
        id="formula-name-not-a-number",
    ),
    pytest.param(
        "heat.toml",
        'formula = "voltage * (temperature - 10) / 10"',
        'formula = "voltage * temprature"',
        [
            "heat.toml: rule heat.load: derive.formula: 'temprature' is not a number question",
            "did you mean 'temperature'?",
        ],
        id="formula-name-misspelt",
    ),
    pytest.param(
        "heat.toml",
        'derive = { finding = "load", formula = "voltage * (temperature - 10) / 10" }',
        'derive = { finding = "load" }',
        ["heat.toml: rule heat.load: derive.formula: a number finding needs a formula"],
        id="number-finding-without-formula",
    ),
    pytest.param(
        "heat.toml",
        'derive = { finding = "hot" }',
        'derive = { finding = "hot" }\nconclude = { class = "overheated" }',
        ["heat.toml: rule heat.hot: derive: a rule has exactly one of derive, conclude, caveat"],
        id="two-outcomes",
    ),
    pytest.param(
        "heat.toml",
        '{ finding = "hot" },\n  { question = "humming", is = "yes" },\n]\n'
        'derive = { finding = "stressed" }',
        '{ finding = "hot" },\n  { finding = "stressed", absent = true },\n]\n'
        'derive = { finding = "stressed" }',
        [
            "heat.toml: rule heat.stressed: when: this rule depends on its own result "
            "through an `absent` test"
        ],
        id="cycle-through-absent",
    ),
    pytest.param(
        "heat.toml",
        '{ question = "humming", is = "yes" },\n]\nderive = { finding = "stressed" }',
        '{ finding = "heat_grade", is = "mild" },\n]\nderive = { finding = "stressed" }',
        [],
        id="positive-cycle-is-allowed",
    ),
    pytest.param(
        "heat.toml",
        '{ question = "temperature", gt = 60.0 }',
        '{ finding = "heat_grade", absent = true }',
        ["heat.toml: rule heat.hot: when: this rule depends on its own result"],
        id="long-cycle-through-absent",
    ),
    pytest.param(
        "cracks.toml",
        'class = "cracked", subtype = "impact"',
        'class = "craked", subtype = "impact"',
        [
            "cracks.toml: rule cracks.impact: conclude.class: unknown class 'craked'",
            "did you mean 'cracked'?",
        ],
        id="unknown-class",
    ),
    pytest.param(
        "cracks.toml",
        'class = "cracked", subtype = "impact"',
        'class = "cracked", subtype = "impakt"',
        [
            "cracks.toml: rule cracks.impact: conclude.subtype: 'impakt' is not a subtype of "
            "'cracked'",
            "did you mean 'impact'?",
        ],
        id="unknown-subtype",
    ),
    pytest.param(
        "cracks.toml",
        'id = "cracks.impact"',
        'id = "Cracks Impact"',
        [
            "cracks.toml: rule Cracks Impact: id: rule id 'Cracks Impact' must look like "
            "topic.short-slug"
        ],
        id="rule-id-with-capitals-and-space",
    ),
    pytest.param(
        "cracks.toml",
        'id = "cracks.impact"',
        'id = "impact"',
        ["cracks.toml: rule impact: id: rule id 'impact' must look like topic.short-slug"],
        id="rule-id-without-topic",
    ),
    pytest.param(
        "heat.toml",
        'id = "heat.hot"',
        "id = 7",
        ["heat.toml: rule #1: id: expected text, found a number"],
        id="rule-id-not-text",
    ),
    pytest.param(
        "classes.toml",
        'id = "indeterminate"',
        'id = "undecided"',
        ["classes.toml: class: the class 'indeterminate' is missing"],
        id="no-indeterminate-class",
    ),
    pytest.param(
        "rust.toml",
        '[[rule]]\nid = "rust.exposed"',
        '[[rules]]\nid = "rust.exposed"',
        ["rust.toml: rules: unknown section", "did you mean 'rule'?"],
        id="unknown-section",
    ),
    pytest.param(
        "questions.toml",
        '{ id = "bare", label',
        '{ id = "unknown", label',
        ["questions.toml: question coating: choices[2].id: choice id 'unknown' is reserved"],
        id="reserved-choice-id",
    ),
    pytest.param(
        "questions.toml",
        'kind = "yesno"',
        'kind = "yes-no"',
        ["questions.toml: question humming: kind: unknown kind 'yes-no'", "yesno, choice"],
        id="unknown-question-kind",
    ),
    pytest.param(
        "questions.toml",
        "reference = [20.0, 40.0]",
        "reference = [40.0, 20.0]",
        ["questions.toml: question temperature: reference: low (40) must be below high (20)"],
        id="reversed-range",
    ),
    pytest.param(
        "questions.toml",
        "plausible = [5.0, 200.0]",
        "plausible = [5.0]",
        ["questions.toml: question temperature: plausible: expected [low, high]"],
        id="range-with-one-number",
    ),
    pytest.param(
        "questions.toml",
        '{ name = "zorg", factor = 1.0',
        '{ name = "zorg", factor = 2.0',
        ["questions.toml: question temperature: units: the first unit is canonical"],
        id="canonical-unit-factor",
    ),
    pytest.param(
        "questions.toml",
        '{ name = "blip", factor = 10.0',
        '{ name = "blip", factor = -10.0',
        ["questions.toml: question temperature: units[1].factor: must be a positive number"],
        id="negative-unit-factor",
    ),
    pytest.param(
        "sources.toml",
        'url = "https://example.org/widget-manual"\n',
        "",
        ["sources.toml: source widget-manual: url: a source needs a url or a locator"],
        id="source-without-url-or-locator",
    ),
]


def _copy_fixture(tmp_path: Path) -> Path:
    target = tmp_path / "kb"
    shutil.copytree(FIXTURE_KB, target)
    return target


def _edit(directory: Path, file: str, old: str, new: str) -> None:
    path = directory / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"the edit must match exactly once in {file}: {old!r}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def _load_error(directory: Path) -> str:
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge_base(directory)
    return str(caught.value)


def test_fixture_loads(fixture_kb: KnowledgeBase) -> None:
    assert list(fixture_kb.questions) == ["casing", "humming", "coating", "temperature", "voltage"]
    assert list(fixture_kb.classes) == ["cracked", "overheated", "rusted", "sound", "indeterminate"]
    assert len(fixture_kb.rules) == 18


def test_rules_keep_file_name_order(fixture_kb: KnowledgeBase) -> None:
    files = [Path(rule.file).name for rule in fixture_kb.rules]
    assert files == sorted(files)
    assert [rule.order for rule in fixture_kb.rules] == list(range(len(fixture_kb.rules)))


def test_absent_test_runs_in_a_later_stratum(fixture_kb: KnowledgeBase) -> None:
    strata = fixture_kb.strata
    fatigue = fixture_kb.rule("cracks.fatigue")
    stressed = fixture_kb.rule("heat.stressed")
    assert fatigue is not None and stressed is not None
    assert fatigue.order < stressed.order
    assert strata["cracks.fatigue"] > strata["heat.stressed"]
    assert strata["sound.quiet"] > strata["heat.hot"]


def test_flag_condition_defaults_to_present(fixture_kb: KnowledgeBase) -> None:
    rule = fixture_kb.rule("heat.overload")
    assert rule is not None
    assert [(c.subject, c.op) for c in rule.conditions] == [
        ("overloaded", "present"),
        ("hot", "present"),
    ]


def test_number_question_units_and_ranges(fixture_kb: KnowledgeBase) -> None:
    temperature = fixture_kb.questions["temperature"]
    assert [(u.name, u.factor) for u in temperature.units] == [("zorg", 1.0), ("blip", 10.0)]
    assert temperature.reference == (20.0, 40.0)
    assert temperature.plausible == (5.0, 200.0)
    assert fixture_kb.questions["voltage"].units[1].infer is False


@pytest.mark.parametrize(("file", "old", "new", "expected"), EDITS)
def test_broken_knowledge_base(
    tmp_path: Path, file: str, old: str, new: str, expected: list[str]
) -> None:
    directory = _copy_fixture(tmp_path)
    _edit(directory, file, old, new)
    if not expected:
        load_knowledge_base(directory)
        return
    message = _load_error(directory)
    for part in expected:
        assert part in message
    assert "Traceback" not in message


def test_toml_syntax_error_names_the_file(tmp_path: Path) -> None:
    directory = _copy_fixture(tmp_path)
    shutil.copy(BROKEN / "syntax_error.toml", directory)
    message = _load_error(directory)
    assert "syntax_error.toml: TOML syntax error" in message
    assert "line 6" in message


def test_all_errors_are_reported_at_once(tmp_path: Path) -> None:
    directory = _copy_fixture(tmp_path)
    shutil.copy(BROKEN / "two_errors.toml", directory)
    message = _load_error(directory)
    assert message.startswith("the knowledge base has 2 errors:")
    assert "two_errors.toml: rule broken.first: when[0].question: unknown question 'huming'" in (
        message
    )
    assert "two_errors.toml: rule broken.second: conclude.class: unknown class 'overheatd'" in (
        message
    )


def test_errors_in_different_files_are_reported_together(tmp_path: Path) -> None:
    directory = _copy_fixture(tmp_path)
    _edit(directory, "cracks.toml", "priority = 10", 'priority = "high"')
    _edit(directory, "sources.toml", 'id = "shop-notes"', 'id = "shop notes"')
    defects = _problems(directory)
    assert {(Path(p.file).name, p.item, p.field) for p in defects} >= {
        ("cracks.toml", "rule cracks.impact", "priority"),
        ("heat.toml", "rule heat.load", "source.id"),
    }


def _problems(directory: Path) -> tuple[Defect, ...]:
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge_base(directory)
    return caught.value.defects


def test_missing_directory(tmp_path: Path) -> None:
    message = _load_error(tmp_path / "nowhere")
    assert "nowhere: no such knowledge-base directory" in message


def test_empty_directory(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.txt").write_text("not a rule file\n", encoding="utf-8")
    message = _load_error(tmp_path / "empty")
    assert "empty: no .toml files in this directory" in message


@pytest.mark.parametrize("command", ["check", "classify", "questions"])
def test_cli_reports_broken_knowledge_base(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    directory = _copy_fixture(tmp_path)
    _edit(directory, "heat.toml", '{ question = "temperature", gt', '{ question = "temprature", gt')
    assert main([command, "--rules", str(directory)]) == 2
    out, err = capsys.readouterr()
    where = "heat.toml: rule heat.hot: when[0].question: unknown question 'temprature'"
    if command == "check":  # the report is check's output, one line per defect with a fix
        assert f"{where} (fix: did you mean 'temperature'?)" in out
        assert out.splitlines()[-1] == "1 error, 0 warnings"
    else:
        assert out == ""
        assert "calcify: the knowledge base has 1 error:" in err and where in err
    assert "Traceback" not in err


@pytest.mark.parametrize("command", ["check", "classify"])
def test_cli_reports_missing_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    assert main([command, "--rules", str(tmp_path / "nowhere")]) == 2
    out, err = capsys.readouterr()
    assert "no such knowledge-base directory" in out + err
    assert "Traceback" not in out + err


def test_check_accepts_the_fixture(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--rules", str(FIXTURE_KB)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "0 errors, 0 warnings"
