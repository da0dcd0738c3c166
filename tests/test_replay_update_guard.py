"""`calcify replay --update` and `pytest --update-transcripts` refuse to bless a transcript
whose consultation broke: an answer now rejected where the recording accepted it, or no
conclusion where the header says finished. `--force` (`--force-transcripts`) rewrites it
anyway. Transcripts are recorded here, on a copy of the fixture knowledge base that each test
may edit (a threshold raised, a label renamed); nothing in transcripts/ is touched."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from chatbot.cli import main
from chatbot.consultation.blocks import Problem
from chatbot.consultation.dialogue import Consultation
from chatbot.consultation.record import read_transcript
from chatbot.knowledge.loader import load_knowledge_base
from chatbot.knowledge.model import KnowledgeBase
from chatbot.transcripts.guard import REJECTED, breakage
from chatbot.transcripts.replay import replay
from chatbot.ui.plain import play
from chatbot.ui.render import blocks_lines

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).resolve().parent / "fixture_kb"
HEADER = ["# title: An overheated widget", "# shows: the update guard"]
FINISHED = "# status: finished"
ANSWERS = {"casing": "dinged", "humming": "yes", "temperature": "80 zorg", "voltage": "12 V"}


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "kb"
    shutil.copytree(FIXTURE, directory)
    return directory


def answered(kb: KnowledgeBase, answers: dict[str, str]) -> list[str]:
    """The inputs of a consultation that answers whatever it is asked, in the order asked."""
    consultation, inputs = Consultation(kb), []
    consultation.start()
    while consultation.current is not None and len(inputs) < 20:
        inputs.append(answers.get(consultation.current.id, "unknown"))
        consultation.respond(inputs[-1])
    assert consultation.is_finished
    return inputs


def record(kb_dir: Path, inputs: Sequence[str], header: Sequence[str] = (FINISHED,)) -> Path:
    """A transcript of these inputs, as recorded today on the knowledge base in kb_dir."""
    path = kb_dir.parent / "transcripts" / "widget.txt"
    path.parent.mkdir(exist_ok=True)
    session = play(load_knowledge_base(kb_dir), inputs)
    path.write_text("\n".join([*HEADER, *header, *session]) + "\n", encoding="utf-8")
    return path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def raise_the_hot_threshold(kb_dir: Path) -> None:
    """The change of the issue: one threshold raised, and a question now comes earlier."""
    edit(kb_dir / "heat.toml", "gt = 60.0", "gt = 90.0")


def update(kb_dir: Path, path: Path, *options: str) -> int:
    return main(["replay", "--update", *options, "--rules", str(kb_dir), str(path)])


def user_line(path: Path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return lines.index(f"> {text}") + 1


def test_a_raised_threshold_that_breaks_the_consultation_is_not_blessed(kb_dir, capsys):
    path = record(kb_dir, answered(load_knowledge_base(kb_dir), ANSWERS))
    before = path.read_bytes()
    raise_the_hot_threshold(kb_dir)
    assert update(kb_dir, path) == 1
    out = capsys.readouterr().out
    assert f"{path}: not updated, the consultation no longer works:" in out
    line = user_line(path, "12 V")
    assert f"  - line {line}: '> 12 V' is now rejected: {REJECTED}'12 V' is not one of" in out
    assert f"  - it stops without a conclusion, but its header says '{FINISHED}'" in out
    assert "`calcify replay --update --force` rewrites it anyway" in out
    assert "@@" in out  # the diff is shown too
    assert out.rstrip().endswith("0 passed, 1 failed")
    assert path.read_bytes() == before


def test_force_rewrites_the_broken_consultation(kb_dir, capsys):
    path = record(kb_dir, answered(load_knowledge_base(kb_dir), ANSWERS))
    raise_the_hot_threshold(kb_dir)
    assert update(kb_dir, path, "--force") == 0
    assert "not updated" not in capsys.readouterr().out
    text = path.read_text(encoding="utf-8")
    assert f"> 12 V\n{REJECTED}'12 V' is not one of" in text
    assert text.startswith("\n".join([*HEADER, FINISHED]) + "\n")


def test_a_rejected_answer_is_refused_whatever_the_header_says(kb_dir, capsys):
    path = record(kb_dir, answered(load_knowledge_base(kb_dir), ANSWERS), header=())
    before = path.read_bytes()
    raise_the_hot_threshold(kb_dir)
    assert update(kb_dir, path) == 1
    out = capsys.readouterr().out
    assert "'> 12 V' is now rejected" in out
    assert "stops without a conclusion" not in out
    assert path.read_bytes() == before


@pytest.mark.parametrize("header", [(FINISHED,), ()])
def test_a_consultation_cut_short_is_refused_only_when_its_header_says_finished(
    kb_dir, capsys, header
):
    path = record(kb_dir, answered(load_knowledge_base(kb_dir), ANSWERS), header)
    edit(path, "> 12 V\n", "")  # the last answer taken away: no rejection, no conclusion
    before = path.read_bytes()
    if header:
        assert update(kb_dir, path) == 1
        assert "it stops without a conclusion" in capsys.readouterr().out
        assert path.read_bytes() == before
    else:
        assert update(kb_dir, path) == 0
        assert "updated 1 transcript" in capsys.readouterr().out
        assert replay(load_knowledge_base(kb_dir), read_transcript(path), play).passed


def test_an_intended_change_is_still_updated(kb_dir, capsys):
    path = record(kb_dir, answered(load_knowledge_base(kb_dir), ANSWERS))
    edit(kb_dir / "questions.toml", 'label = "supply voltage"', 'label = "mains voltage"')
    assert update(kb_dir, path) == 0
    assert "not updated" not in capsys.readouterr().out
    assert "  -> mains voltage 12 V" in path.read_text(encoding="utf-8")
    assert replay(load_knowledge_base(kb_dir), read_transcript(path), play).passed


def test_leaving_on_purpose_with_quit_is_not_a_broken_consultation(kb_dir, capsys):
    path = record(kb_dir, ["dinged", "quit"])  # like transcripts/command-quit-unfinished.txt
    edit(kb_dir / "questions.toml", 'label = "widget casing"', 'label = "casing"')
    assert update(kb_dir, path) == 0
    assert "not updated" not in capsys.readouterr().out
    assert "  -> casing: dented" in path.read_text(encoding="utf-8")


def test_a_quit_that_now_comes_before_the_conclusion_is_refused(kb_dir, capsys):
    path = record(kb_dir, [*answered(load_knowledge_base(kb_dir), ANSWERS), "quit"])
    edit(path, "> 12 V\n", "")
    before = path.read_bytes()
    assert update(kb_dir, path) == 1
    assert "'> quit' now leaves it unconcluded" in capsys.readouterr().out
    assert path.read_bytes() == before


def test_a_rejection_already_in_the_recording_is_not_new(kb_dir):
    kb = load_knowledge_base(kb_dir)
    inputs = answered(kb, ANSWERS)
    path = record(kb_dir, [inputs[0], "purple", *inputs[1:]])
    assert f"> purple\n{REJECTED}" in path.read_text(encoding="utf-8")
    edit(kb_dir / "questions.toml", 'label = "widget casing"', 'label = "casing"')
    kb = load_knowledge_base(kb_dir)
    outcome = replay(kb, read_transcript(path), play)
    assert not outcome.passed
    assert breakage(outcome, Consultation(kb).engine) == []


def test_the_guard_knows_how_a_rejection_is_shown(fixture_kb):
    lines = blocks_lines(fixture_kb, [Problem("That is not a number")])
    assert [line.text for line in lines] == [f"{REJECTED}that is not a number"]


@pytest.mark.parametrize("force", [False, True])
def test_pytest_update_transcripts_refuses_unless_forced(tmp_path, force):
    # the real knowledge base (the plugin's): the first answer now reads as nonsense
    kb = load_knowledge_base(ROOT / "rules")
    inputs = ["unknown", "unknown", "unknown"]
    path = tmp_path / "transcripts" / "broken.txt"
    path.parent.mkdir()
    session = "\n".join(play(kb, inputs)).replace("> unknown", "> no such answer xq", 1)
    path.write_text("\n".join([*HEADER, session]) + "\n", encoding="utf-8")
    before = path.read_bytes()
    options = ["--update-transcripts", *(["--force-transcripts"] if force else [])]
    command = [sys.executable, "-m", "pytest", "-c", "pyproject.toml", "-p", "no:cacheprovider"]
    done = subprocess.run(
        [*command, *options, str(path)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    if force:
        assert done.returncode == 0, done.stdout
        assert "> no such answer xq\nSorry: " in path.read_text(encoding="utf-8")
    else:
        assert done.returncode == 1, done.stdout
        assert "'> no such answer xq' is now rejected: Sorry: " in done.stdout
        assert "`pytest --update-transcripts --force-transcripts` rewrites it" in done.stdout
        assert path.read_bytes() == before
