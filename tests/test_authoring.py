"""Rule authors: reload in a running consultation, and the worked example of rules/README.md."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURE_KB, REAL_KB

from chatbot.cli import main
from chatbot.consultation.blocks import Changed, Problem
from chatbot.consultation.dialogue import Consultation
from chatbot.consultation.session import Recorder
from chatbot.consultation.turn import carry_out
from chatbot.knowledge.loader import load_knowledge_base
from chatbot.ui.plain import run_plain


def copy_kb(source: Path, tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(source, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1))


def test_reload_replays_answers_and_shows_what_changed(tmp_path: Path) -> None:
    rules = copy_kb(FIXTURE_KB, tmp_path)
    consultation = Consultation(load_knowledge_base(rules))
    for text in ("dented", "120", "yes", "1"):
        consultation.respond(text)
    assert consultation.assessment.subtype == "friction"
    edit(rules / "heat.toml", 'subtype = "friction"', 'subtype = "overload"')

    blocks = carry_out(consultation.respond("reload"), consultation, Recorder())
    changed = next(b for b in blocks if isinstance(b, Changed))
    assert (changed.before.subtype, changed.after.subtype) == ("friction", "overload")
    assert consultation.answers["temperature"] == 120.0  # nothing the user entered is lost


def test_reload_with_broken_rules_keeps_the_old_ones(tmp_path: Path) -> None:
    rules = copy_kb(FIXTURE_KB, tmp_path)
    consultation = Consultation(load_knowledge_base(rules))
    consultation.respond("shattered")
    edit(rules / "cracks.toml", 'is = "shattered"', 'is = "shatered"')

    blocks = carry_out(consultation.respond("reload"), consultation, Recorder())
    assert isinstance(blocks[0], Problem)
    assert "not reloaded" in blocks[0].message and "did you mean 'shattered'" in blocks[0].message
    assert consultation.assessment.subtype == "impact"


def test_the_worked_example_reaches_the_new_cause(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every step of rules/README.md's worked example, on a copy of the shipped rules."""
    rules = copy_kb(REAL_KB, tmp_path)
    readme = (REAL_KB / "README.md").read_text()
    # 1. the source, 2. the choice and the subtype, 3. the rule: taken from the README itself
    source, rule = re.findall(r"```toml\n(.*?)```", readme, re.DOTALL)[-2:]
    with (rules / "sources.toml").open("a") as handle:
        handle.write("\n" + _dedent(source))
    with (rules / "metastatic.toml").open("a") as handle:
        handle.write("\n" + _dedent(rule))
    choice = re.search(r"questions.toml` \(`(\{ id = \"calcitrex\".*?\})`\)", readme, re.DOTALL)
    subtype = re.search(
        r"class in `classes.toml`\s*\(`(\{ id = \"calcitrex\", label = \"[^\"]*\" \})`\)", readme
    )
    assert choice and subtype
    edit(
        rules / "questions.toml",
        '  { id = "thiazide_lithium"',
        f'  {choice.group(1)},\n  {{ id = "thiazide_lithium"',
    )
    edit(
        rules / "classes.toml",
        '  { id = "non_pth_cause"',
        f'  {subtype.group(1)},\n  {{ id = "non_pth_cause"',
    )

    # 4. check
    assert main(["check", "--rules", str(rules)]) == 0, capsys.readouterr()
    capsys.readouterr()
    # 5. classify
    answers = ["tissue_state=viable", "serum_calcium=12", "systemic_condition=calcitrex"]
    assert main(["classify", "--json", "--rules", str(rules), *answers]) == 0
    assert '"subtype": "calcitrex"' in capsys.readouterr().out
    # 6. record a transcript of a consultation, then replay it
    kb = load_knowledge_base(rules)
    given = {"tissue_state": "viable", "serum_calcium": "12", "systemic_condition": "calcitrex"}
    consultation = Consultation(kb)
    transcript = tmp_path / "transcripts" / "metastatic-calcitrex.txt"
    recorder = Recorder([transcript])
    inputs = _answer_as_asked(consultation, given)
    assert run_plain(Consultation(kb), inputs, io.StringIO(), io.StringIO(), recorder) == 0
    text = transcript.read_text()
    assert "calcitrex-induced hypercalcaemia" in text
    assert main(["replay", "--rules", str(rules), str(transcript)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "1 passed, 0 failed"


def _answer_as_asked(consultation: Consultation, given: dict[str, str]) -> list[str]:
    """The inputs a user types: the given answer to each question asked, unknown otherwise."""
    inputs = []
    consultation.start()
    while consultation.current is not None:
        text = given.get(consultation.current.id, "unknown")
        inputs.append(text)
        consultation.respond(text)
    return inputs


def _dedent(block: str) -> str:
    return "\n".join(line.removeprefix("   ") for line in block.splitlines()) + "\n"
