"""Transcripts: parse errors, replay and its summary, update, coverage, catching regressions."""

from __future__ import annotations

import multiprocessing
import re
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURE_KB, REAL_KB

from chatbot.cli import main
from chatbot.consultation.record import TranscriptError, read_transcript
from chatbot.knowledge.loader import load_knowledge_base
from chatbot.knowledge.model import KnowledgeBase
from chatbot.transcripts.coverage import coverage
from chatbot.transcripts.replay import transcript_paths
from chatbot.ui.plain import play

TRANSCRIPTS = REAL_KB.parent / "transcripts"

HEADER = "# title: shattered widget\n# shows: an impact settles the class at once\n"


@pytest.fixture(scope="module")
def good(fixture_kb: KnowledgeBase) -> str:
    """A valid transcript of the fixture: header, a comment in the body, one answer."""
    session = list(play(fixture_kb, ["shattered"]))
    at = session.index("> shattered")
    session.insert(at, "# a comment inside the body is ignored")
    return HEADER + "\n".join(session) + "\n"


def write(tmp_path: Path, text: str, name: str = "case.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def replay_fixture(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["replay", "--rules", str(FIXTURE_KB), *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("# title: shattered widget\n", "", ":1: header needs a '# title: ...' line"),
        ("# shows: an impact settles the class at once\n", "", "# shows: ..."),
        ("> shattered\n", "", "no user lines"),
    ],
)
def test_malformed_transcripts_name_file_and_line(
    tmp_path: Path, good: str, old: str, new: str, message: str
) -> None:
    path = write(tmp_path, good.replace(old, new))
    with pytest.raises(TranscriptError) as error:
        read_transcript(path)
    assert message in str(error.value) and "case.txt" in str(error.value)


def test_unreadable_and_missing_transcripts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bytes.txt"
    path.write_bytes(b"# title: t\n# shows: s\n> \xff\n")
    with pytest.raises(TranscriptError, match="not UTF-8"):
        read_transcript(path)
    code, out, err = replay_fixture(capsys, str(tmp_path / "missing.txt"))
    assert code == 2 and "missing.txt: no such file or directory" in err and "Traceback" not in err


@pytest.mark.parametrize("command", ["replay", "coverage"])
def test_a_directory_without_transcripts_is_a_mistake_not_a_pass(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    code = main([command, "--rules", str(FIXTURE_KB), str(tmp_path)])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err == f"calcify: no transcripts (*.txt) in {tmp_path}\n"  # outside: absolute


def test_replay_passes_and_summarises(
    tmp_path: Path, good: str, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, good, "a.txt")
    write(tmp_path, good, "b.txt")
    code, out, _ = replay_fixture(capsys, str(tmp_path))
    assert code == 0
    assert out.splitlines()[-1] == "2 passed, 0 failed"


def test_a_mismatch_is_a_diff_headed_by_file_and_line(
    tmp_path: Path, good: str, capsys: pytest.CaptureFixture[str]
) -> None:
    text = good.replace("-> widget casing: shattered casing", "-> widget casing: dented")
    line = text.splitlines().index("  -> widget casing: dented") + 1
    path = write(tmp_path, text)
    code, out, _ = replay_fixture(capsys, str(path))
    assert code == 1
    assert re.search(rf"^--- .*case\.txt:{line} \(expected\)$", out, re.MULTILINE)
    assert "-  -> widget casing: dented" in out and "+  -> widget casing: shattered casing" in out
    assert out.splitlines()[-1] == "0 passed, 1 failed"


def test_a_bad_transcript_among_good_ones_is_reported_not_raised(
    tmp_path: Path, good: str, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, good, "good.txt")
    write(tmp_path, "no header at all\n> x\n", "bad.txt")
    code, out, err = replay_fixture(capsys, str(tmp_path))
    assert code == 1 and "bad.txt:1: header needs" in err
    assert out.splitlines()[-1] == "1 passed, 1 failed"


@pytest.mark.parametrize(("jobs", "forks"), [("2", True), ("3", True), ("2", False)])
def test_parallel_replay_reports_what_a_serial_replay_reports(
    tmp_path: Path,
    good: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    jobs: str,
    forks: bool,
) -> None:
    """Passes, a mismatch and a malformed file, each named, in the order given; whether the
    workers inherit the knowledge base or (where processes cannot fork) load it themselves."""
    if not forks:
        monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    for name in ("a.txt", "c.txt", "e.txt"):
        write(tmp_path, good, name)
    write(tmp_path, good.replace("-> widget casing: shattered casing", "-> stale"), "b.txt")
    write(tmp_path, "no header at all\n> x\n", "d.txt")
    serial = replay_fixture(capsys, str(tmp_path))
    parallel = replay_fixture(capsys, "--jobs", jobs, str(tmp_path))
    assert parallel == serial
    code, out, err = parallel
    assert code == 1 and out.splitlines()[-1] == "3 passed, 2 failed"
    assert "b.txt:" in out and "d.txt:1: header needs" in err


def test_update_rewrites_and_keeps_header_and_comments(
    tmp_path: Path, good: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, good.replace("-> widget casing: shattered casing", "-> stale"))
    code, out, _ = replay_fixture(capsys, "--update", str(path))
    assert code == 0 and "updated 1 transcript" in out
    assert path.read_text() == good
    assert replay_fixture(capsys, str(path))[0] == 0


def test_replay_never_writes_the_files_a_transcript_saves(tmp_path: Path, good: str) -> None:
    target = tmp_path / "saved.txt"
    text = good.replace("> shattered\n", f"> save {target}\n")
    # the expected lines are whatever the session prints; the point is that nothing is written
    path = write(tmp_path, text)
    main(["replay", "--rules", str(FIXTURE_KB), "--update", str(path)])
    assert not target.exists()


# -- the shipped corpus ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus() -> list[Path]:
    paths = transcript_paths([TRANSCRIPTS])
    assert len(paths) >= 40, "the corpus needs at least 40 transcripts"
    return paths


def test_every_rule_is_fired_by_some_transcript(real_kb: KnowledgeBase, corpus: list[Path]) -> None:
    table = coverage(real_kb, corpus, play)
    assert [rule for rule, names in table.items() if not names] == []


def test_every_class_has_a_transcript(real_kb: KnowledgeBase, corpus: list[Path]) -> None:
    text = "\n".join(path.read_text() for path in corpus)
    for cls in real_kb.classes.values():
        assert f"Classification: {cls.label} ({cls.id})" in text, cls.id


def test_every_command_is_in_a_transcript(corpus: list[Path]) -> None:
    inputs = [
        line for path in corpus for line in path.read_text().splitlines() if line.startswith("> ")
    ]
    for command in ("why", "how", "whynot", "back", "change", "summary", "restart", "help", "quit"):
        assert any(re.match(rf"> :?{command}\b", line) for line in inputs), command


def test_a_changed_rule_is_caught_with_file_and_line(
    tmp_path: Path, corpus: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """Change one rule's conclusion in a copy of rules/: replay fails and names the transcript."""
    rules = tmp_path / "rules"
    shutil.copytree(REAL_KB, rules)
    kb = load_knowledge_base(rules)
    table = coverage(kb, corpus, play)
    rule = next(
        r for r in kb.rules if r.outcome.kind == "conclude" and r.outcome.subtype and table[r.id]
    )
    other = next(
        s.id for s in kb.classes[rule.outcome.class_id].subtypes if s.id != rule.outcome.subtype
    )
    path = rules / Path(rule.file).name
    text = path.read_text()
    old = f'subtype = "{rule.outcome.subtype}" }}'
    assert old in text
    block_start = text.index(f'id = "{rule.id}"')
    at = text.index(old, block_start)
    path.write_text(text[:at] + f'subtype = "{other}" }}' + text[at + len(old) :])

    code = main(["replay", "--rules", str(rules), str(TRANSCRIPTS)])
    out, _ = capsys.readouterr()
    assert code == 1
    for name in table[rule.id]:
        assert re.search(
            rf"^--- transcripts/{re.escape(name)}:\d+ \(expected\)$", out, re.MULTILINE
        ), name
    failed = int(re.search(r"(\d+) failed$", out.strip()).group(1))  # type: ignore[union-attr]
    assert failed >= 1
