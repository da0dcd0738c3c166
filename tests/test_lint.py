"""The static checks behind `calcify check`: one broken copy of the fixture per check."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURE_KB

from chatbot.authoring.lint import check, exit_code, lint
from chatbot.authoring.reports import Report
from chatbot.knowledge.loader import load_knowledge_base
from chatbot.knowledge.model import KnowledgeBase
from chatbot.ui.listings import check_lines, report_line

Edit = tuple[str, str, str]
"""(file, old text, new text): replace the first old text, or append new when old is ""."""

EXTRA = "zz_extra.toml"  # sorts last, so its rules come last in knowledge-base order


def _rule(rule_id: str, when: str, outcome: str, priority: int = 0) -> Edit:
    text = (
        f'\n[[rule]]\nid = "{rule_id}"\nwhen = [{when}]\n{outcome}\n'
        f'because = "A test rule."\nsource = {{ id = "widget-manual", locator = "test" }}\n'
        f"priority = {priority}\n"
    )
    return (EXTRA, "", text)


def _add_when(file: str, old: str, extra: str) -> Edit:
    """Add a condition after an existing one-line condition."""
    return (file, old, f"{old}, {extra}")


CONCLUDE_SOUND = 'conclude = { class = "sound" }'
DERIVE_HOT = 'derive = { finding = "hot" }'
SHATTERED = '{ question = "casing", is = "shattered" }'
NO_LOAD: Edit = (
    "heat.toml",
    'derive = { finding = "load", formula = "voltage * (temperature - 10) / 10" }',
    DERIVE_HOT,
)
VERY_HOT = _rule("zz.very-hot", '{ question = "temperature", gt = 80.0 }', DERIVE_HOT)
IMPACT_TWICE: Edit = _add_when("cracks.toml", SHATTERED, '{ question = "casing", is = "dented" }')

# (edits, severity, file, item, substring of the message)
CASES = [
    pytest.param(
        [IMPACT_TWICE],
        "error",
        "cracks.toml",
        "rule cracks.impact",
        'can never fire: `{ question = "casing", is = "shattered" }` and '
        '`{ question = "casing", is = "dented" }` cannot both hold',
        id="is-and-is",
    ),
    pytest.param(
        [
            _add_when(
                "sound.toml",
                '{ question = "casing", is = "intact" }',
                '{ question = "casing", not = "intact" }',
            )
        ],
        "error",
        "sound.toml",
        "rule sound.quiet",
        "cannot both hold",
        id="is-and-not",
    ),
    pytest.param(
        [
            _add_when(
                "cracks.toml",
                '{ question = "casing", in = ["dented", "shattered"] }',
                '{ question = "casing", in = ["intact"] }',
            )
        ],
        "error",
        "cracks.toml",
        "rule cracks.damaged",
        "cannot both hold",
        id="disjoint-in-lists",
    ),
    pytest.param(
        [
            _add_when(
                "rust.toml",
                '{ question = "coating", not_in = ["paint", "chrome"] }',
                '{ question = "coating", is = "paint" }',
            )
        ],
        "error",
        "rust.toml",
        "rule rust.bare",
        '`{ question = "coating", is = "paint" }` cannot both hold',
        id="is-and-not-in",
    ),
    pytest.param(
        [
            _rule(
                "zz.three-lists",
                '{ question = "coating", in = ["paint", "chrome"] }, '
                '{ question = "coating", in = ["chrome", "bare"] }, '
                '{ question = "coating", in = ["paint", "bare"] }',
                CONCLUDE_SOUND,
            )
        ],
        "error",
        EXTRA,
        "rule zz.three-lists",
        "no answer to question 'coating' passes all of "
        '`{ question = "coating", in = ["paint", "chrome"] }`, '
        '`{ question = "coating", in = ["chrome", "bare"] }`, '
        '`{ question = "coating", in = ["paint", "bare"] }`',
        id="lists-disjoint-only-together",
    ),
    pytest.param(
        [
            _add_when(
                "heat.toml",
                '{ question = "temperature", gt = 60.0 }',
                '{ question = "temperature", lt = 50.0 }',
            )
        ],
        "error",
        "heat.toml",
        "rule heat.hot",
        '`{ question = "temperature", gt = 60 }` and '
        '`{ question = "temperature", lt = 50 }` cannot both hold',
        id="gt-and-lt",
    ),
    pytest.param(
        [
            (
                "heat.toml",
                '{ question = "temperature", gt = 60.0 }',
                '{ question = "temperature", ge = 60.0 }, { question = "temperature", lt = 60.0 }',
            )
        ],
        "error",
        "heat.toml",
        "rule heat.hot",
        "cannot both hold",
        id="ge-and-lt-same-limit",
    ),
    pytest.param(
        [
            _add_when(
                "heat.toml", '{ finding = "load", ge = 50.0 }', '{ finding = "load", lt = 40.0 }'
            )
        ],
        "error",
        "heat.toml",
        "rule heat.overloaded",
        '`{ finding = "load", lt = 40 }` cannot both hold',
        id="number-finding-ranges",
    ),
    pytest.param(
        [_add_when("sound.toml", '{ finding = "hot", absent = true }', '{ finding = "hot" }')],
        "error",
        "sound.toml",
        "rule sound.quiet",
        '`{ finding = "hot", absent = true }` and `{ finding = "hot" }` cannot both hold',
        id="absent-and-present",
    ),
    pytest.param(
        [
            ("findings.toml", "", '\n[[finding]]\nid = "frozen"\ntext = "frozen"\nkind = "flag"\n'),
            _rule("zz.frozen", '{ finding = "frozen" }', CONCLUDE_SOUND),
        ],
        "error",
        EXTRA,
        "rule zz.frozen",
        "can never fire: no rule derives finding 'frozen'",
        id="underived-finding",
    ),
    pytest.param(
        [("heat.toml", 'value = "severe"', 'value = "mild"')],
        "error",
        "heat.toml",
        "rule heat.friction",
        "no rule gives finding 'heat_grade' a value that passes "
        '`{ finding = "heat_grade", is = "severe" }` (rules derive "mild")',
        id="underived-choice-value",
    ),
    pytest.param(
        [NO_LOAD],
        "error",
        "heat.toml",
        "rule heat.overloaded",
        "no rule derives finding 'load'",
        id="numeric-test-on-underived-number",
    ),
    pytest.param(
        [NO_LOAD],
        "error",
        "heat.toml",
        "rule heat.overload",
        "every rule that derives finding 'overloaded' can never fire (heat.overloaded)",
        id="transitive",
    ),
    pytest.param(
        [
            _rule(
                "zz.hot-and-cold",
                '{ finding = "hot" }, { question = "temperature", lt = 50.0 }',
                CONCLUDE_SOUND,
            )
        ],
        "error",
        EXTRA,
        "rule zz.hot-and-cold",
        "finding 'hot' is only derived from answers that contradict this rule's (this rule "
        'needs `{ question = "temperature", lt = 50 }`, they need '
        '`{ question = "temperature", gt = 60 }`)',
        id="contradicts-the-chain",
    ),
    pytest.param(
        [
            _rule(
                "zz.both-grades",
                '{ finding = "heat_grade", is = "mild" }, '
                '{ finding = "heat_grade", is = "severe" }',
                CONCLUDE_SOUND,
            )
        ],
        "error",
        EXTRA,
        "rule zz.both-grades",
        "no one set of answers derives all the findings it needs "
        '(`{ finding = "heat_grade", is = "mild" }`, `{ finding = "heat_grade", is = "severe" }`)',
        id="findings-from-incompatible-answers",
    ),
    pytest.param(
        [
            _rule(
                "zz.not-hot",
                '{ question = "temperature", gt = 70.0 }, { finding = "hot", absent = true }',
                CONCLUDE_SOUND,
            )
        ],
        "error",
        EXTRA,
        "rule zz.not-hot",
        "whenever its other conditions hold, rule heat.hot derives 'hot', so "
        '`{ finding = "hot", absent = true }` fails',
        id="absence-always-defeated",
    ),
    pytest.param(
        [_rule("zz.hot-again", '{ question = "temperature", gt = 60.0 }', DERIVE_HOT)],
        "warning",
        EXTRA,
        "rule zz.hot-again",
        "duplicates rule heat.hot: the same conditions and the same outcome",
        id="duplicate",
    ),
    pytest.param(
        [VERY_HOT],
        "warning",
        EXTRA,
        "rule zz.very-hot",
        "shadowed by rule heat.hot: the same outcome under a subset of these conditions",
        id="shadowed-derivation",
    ),
    pytest.param(
        [
            _rule(
                "zz.impact",
                f'{SHATTERED}, {{ question = "humming", is = "yes" }}',
                'conclude = { class = "cracked", subtype = "impact" }',
                priority=10,
            )
        ],
        "warning",
        EXTRA,
        "rule zz.impact",
        "shadowed by rule cracks.impact",
        id="shadowed-conclusion",
    ),
    pytest.param(
        [_rule("zz.sound", '{ question = "casing", in = ["shattered"] }', CONCLUDE_SOUND, 10)],
        "error",
        EXTRA,
        "rule zz.sound",
        "concludes 'sound' under the same conditions as rule cracks.impact, which concludes "
        "'cracked', at the same priority: only file order makes 'cracked' win",
        id="two-classes-same-priority",
    ),
    pytest.param(
        [_rule("zz.sound", SHATTERED, CONCLUDE_SOUND, priority=1)],
        "warning",
        EXTRA,
        "rule zz.sound",
        "which concludes 'cracked'; 'cracked' always wins on priority",
        id="two-classes-different-priority",
    ),
    pytest.param(
        [
            _rule(
                "zz.fatigue",
                SHATTERED,
                'conclude = { class = "cracked", subtype = "fatigue" }',
                priority=10,
            )
        ],
        "warning",
        EXTRA,
        "rule zz.fatigue",
        "which concludes 'impact': 'impact' always wins",
        id="two-subtypes-same-conditions",
    ),
    pytest.param(
        [
            (
                "questions.toml",
                "",
                '\n[[question]]\nid = "colour"\ntext = "What colour?"\nkind = "yesno"\n'
                'why = "Test."\nsource = { id = "shop-notes", locator = "page 1" }\n',
            )
        ],
        "warning",
        "questions.toml",
        "question colour",
        "no rule tests this question",
        id="unused-question",
    ),
    pytest.param(
        [
            ("findings.toml", "", '\n[[finding]]\nid = "warm"\ntext = "warm"\nkind = "flag"\n'),
            _rule(
                "zz.warm",
                '{ question = "temperature", gt = 30.0 }',
                'derive = { finding = "warm" }',
            ),
        ],
        "warning",
        "findings.toml",
        "finding warm",
        "no rule tests this finding, so deriving it (zz.warm) changes no result",
        id="derived-finding-unused",
    ),
    pytest.param(
        [("findings.toml", "", '\n[[finding]]\nid = "cold"\ntext = "cold"\nkind = "flag"\n')],
        "warning",
        "findings.toml",
        "finding cold",
        "no rule derives this finding and no rule tests it",
        id="finding-never-derived",
    ),
    pytest.param(
        [("classes.toml", "", '\n[[class]]\nid = "melted"\nlabel = "melted"\nsummary = "Gone."\n')],
        "warning",
        "classes.toml",
        "class melted",
        "no rule concludes this class",
        id="class-never-concluded",
    ),
    pytest.param(
        [("cracks.toml", 'subtype = "impact"', 'subtype = "fatigue"')],
        "warning",
        "classes.toml",
        "class cracked",
        "no rule concludes its subtype 'impact'",
        id="subtype-never-concluded",
    ),
    pytest.param(
        [
            (
                "sources.toml",
                "",
                '\n[[source]]\nid = "old-book"\ntitle = "Old"\nauthor = "A"\nlocator = "shelf"\n',
            )
        ],
        "warning",
        "sources.toml",
        "source old-book",
        "no rule, question or reading entry cites this source",
        id="source-never-cited",
    ),
]

# Edits that look suspicious but are sound: lint must stay silent.
CLEAN = [
    pytest.param([], id="fixture"),
    pytest.param(
        [
            _rule(
                "zz.impact-first",
                f'{SHATTERED}, {{ question = "humming", is = "yes" }}',
                'conclude = { class = "cracked", subtype = "impact" }',
                priority=20,
            )
        ],
        id="narrower-rule-with-higher-priority",
    ),
    pytest.param(
        [
            _add_when(
                "heat.toml",
                '{ question = "temperature", gt = 60.0 }',
                '{ question = "temperature", le = 200.0 }',
            )
        ],
        id="closed-range",
    ),
    pytest.param(
        [
            _rule(
                "zz.hot-exactly",
                '{ question = "temperature", ge = 61.0 }, { question = "temperature", le = 61.0 }, '
                '{ finding = "hot" }',
                'caveat = "Exactly 61."',
            )
        ],
        id="one-point-range-through-the-chain",
    ),
]


def _knowledge_base(tmp_path: Path, edits: list[Edit]) -> Path:
    directory = tmp_path / "kb"
    shutil.copytree(FIXTURE_KB, directory)
    for file, old, new in edits:
        path = directory / file
        text = path.read_text("utf-8") if path.exists() else ""
        if old:
            assert old in text, f"{file}: {old!r} not found"
        path.write_text(text.replace(old, new, 1) if old else text + new, "utf-8")
    return directory


def _lint(tmp_path: Path, edits: list[Edit]) -> list[Report]:
    return lint(load_knowledge_base(_knowledge_base(tmp_path, edits)))


@pytest.mark.parametrize(("edits", "severity", "file", "item", "message"), CASES)
def test_check_finds(
    tmp_path: Path, edits: list[Edit], severity: str, file: str, item: str, message: str
) -> None:
    reports = _lint(tmp_path, edits)
    found = [r for r in reports if r.item == item and message in r.message]
    assert found, "\n".join(report_line(r) for r in reports)
    assert found[0].severity == severity
    assert Path(found[0].file).name == file
    assert found[0].fix


@pytest.mark.parametrize("edits", CLEAN)
def test_sound_knowledge_base_gives_no_reports(tmp_path: Path, edits: list[Edit]) -> None:
    assert [report_line(r) for r in _lint(tmp_path, edits)] == []


def test_reports_are_ordered_by_file_then_item(tmp_path: Path) -> None:
    unused = (
        "sources.toml",
        "",
        '\n[[source]]\nid = "a"\ntitle = "A"\nauthor = "A"\nlocator = "x"\n',
    )
    reports = _lint(tmp_path, [VERY_HOT, unused, IMPACT_TWICE])
    assert [(Path(r.file).name, r.item) for r in reports] == [
        ("cracks.toml", "rule cracks.impact"),
        ("sources.toml", "source a"),
        (EXTRA, "rule zz.very-hot"),
    ]


def _check(directory: Path, strict: bool) -> tuple[list[str], int]:
    reports = check(directory)
    return check_lines(reports), exit_code(reports, strict)


def test_check_exit_codes_and_summary(tmp_path: Path) -> None:
    assert _check(FIXTURE_KB, strict=True) == (["0 errors, 0 warnings"], 0)
    warned = _knowledge_base(tmp_path / "w", [VERY_HOT])
    lines, code = _check(warned, strict=False)
    assert (lines[-1], code) == ("0 errors, 1 warning", 0)
    assert lines[0] == (
        f"warning: {warned / EXTRA}: rule zz.very-hot: shadowed by rule heat.hot: the same "
        "outcome under a subset of these conditions, so it fires whenever this rule does and "
        "this rule adds nothing (fix: delete this rule, or give it its own outcome)"
    )
    assert _check(warned, strict=True)[1] == 1
    broken = _knowledge_base(tmp_path / "e", [IMPACT_TWICE])
    lines, code = _check(broken, strict=False)
    assert (lines[-1], code) == ("1 error, 0 warnings", 2)
    assert lines[0].startswith(f"error: {broken / 'cracks.toml'}: rule cracks.impact: can never")


@pytest.mark.parametrize(
    ("edit", "line"),
    [
        pytest.param(
            ("heat.toml", 'because = "Above 60 zorg a widget runs hot."\n', ""),
            "heat.toml: rule heat.hot: because: missing required key",
            id="no-because",
        ),
        pytest.param(
            ("heat.toml", 'source = { id = "widget-manual", locator = "chapter 3, limits" }\n', ""),
            "heat.toml: rule heat.hot: source: missing required key",
            id="no-source",
        ),
        pytest.param(
            (
                "heat.toml",
                '{ id = "widget-manual", locator = "chapter 3, limits" }',
                '{ id = "widget-manuel", locator = "x" }',
            ),
            "heat.toml: rule heat.hot: source.id: unknown source 'widget-manuel' "
            "(fix: did you mean 'widget-manual'?)",
            id="unknown-source",
        ),
    ],
)
def test_check_shows_loader_errors(tmp_path: Path, edit: Edit, line: str) -> None:
    directory = _knowledge_base(tmp_path, [edit])
    lines, code = _check(directory, strict=False)
    assert code == 2
    assert lines[-1] == f"{len(lines) - 1} error{'s' if len(lines) != 2 else ''}, 0 warnings"
    assert f"error: {directory}/{line}" in lines, "\n".join(lines)


def test_output_does_not_depend_on_the_hash_seed(tmp_path: Path) -> None:
    edits = [
        case.values[0]
        for case in CASES
        if case.id in ("lists-disjoint-only-together", "contradicts-the-chain")
    ]
    directory = _knowledge_base(tmp_path, [edit for group in edits for edit in group])
    script = "import sys; from pathlib import Path; from chatbot.authoring.lint import check; "
    script += "print(check(Path(sys.argv[1])))"
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script, str(directory)],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1


def test_real_knowledge_base_is_clean(real_kb: KnowledgeBase) -> None:
    assert [report.line() for report in lint(real_kb)] == []
