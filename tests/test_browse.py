"""Browsing the knowledge base: rules search, explain-rule, graph."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import FIXTURE_KB

from chatbot.cli import main

FIXTURE = ["--rules", str(FIXTURE_KB)]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("words", "expected", "absent"),
    [
        (["friction"], ["heat.friction"], ["cracks.impact"]),
        (["widget", "manual", "chapter", "3"], ["heat.hot"], []),  # source title and locator
        (["shattered"], ["cracks.impact", "cracks.damaged"], ["heat.hot"]),  # condition text
        ([], ["cracks.impact", "heat.friction", "sound.quiet"], []),  # no text: every rule
    ],
)
def test_rules_search(
    capsys: pytest.CaptureFixture[str], words: list[str], expected: list[str], absent: list[str]
) -> None:
    code, out, _ = run(capsys, "rules", *FIXTURE, *words)
    assert code == 0
    listed = [line.split(":")[0] for line in out.splitlines() if not line.startswith(" ")]
    assert set(expected) <= set(listed) and not set(absent) & set(listed)


def test_explain_rule_shows_needs_users_and_source(
    capsys: pytest.CaptureFixture[str], tmp_path: object
) -> None:
    code, out, _ = run(
        capsys, "explain-rule", *FIXTURE, "heat.stressed", "--transcripts", "/nonexistent"
    )
    assert code == 0
    assert "widget temperature > 60" not in out  # conditions are on findings here
    assert "(derived by: heat.hot)" in out
    assert "used by: cracks.fatigue" in out and "heat.grade-severe" in out
    code, _, err = run(capsys, "explain-rule", *FIXTURE, "heat.stresed")
    assert code == 2 and "did you mean 'heat.stressed'" in err


@pytest.mark.parametrize("style", ["mermaid", "dot"])
def test_graph_links_questions_findings_and_classes(
    capsys: pytest.CaptureFixture[str], style: str
) -> None:
    code, out, _ = run(capsys, "graph", *FIXTURE, "--format", style)
    assert code == 0
    arrow = "-->" if style == "mermaid" else "->"
    assert f"q_temperature {arrow} f_hot" in out
    assert f"f_stressed {arrow} c_overheated" in out
    negated = (
        "f_stressed -. not .-> c_cracked"
        if style == "mermaid"
        else "f_stressed -> c_cracked [style=dashed"
    )
    assert negated in out


def test_control_characters_in_rule_files_never_reach_the_terminal(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(FIXTURE_KB, rules)
    heat = rules / "heat.toml"
    heat.write_text(heat.read_text().replace('because = "', 'because = "\\u001b[2J\\u001b[31m', 1))
    code, out, _ = run(capsys, "rules", "--rules", str(rules))
    assert code == 0 and "\x1b" not in out and "\\x1b[2J" in out


def test_the_readme_shows_the_current_graph(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "graph")
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    assert code == 0 and f"```mermaid\n{out}```" in readme, "update the README with calcify graph"
