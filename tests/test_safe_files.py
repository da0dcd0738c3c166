"""Files calcify writes: bad paths give a message, only regular files are replaced, the
temporary file is unpredictable and never left behind, and patient data is private."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from test_plain import run

from chatbot.consultation.blocks import Note, Problem
from chatbot.consultation.files import write_file
from chatbot.consultation.record import TranscriptError, write_atomic, write_new
from chatbot.consultation.session import Recorder, new_session_path, sessions_dir, state_dir
from chatbot.knowledge.model import KnowledgeBase
from chatbot.ui.repl import open_history

NOT_ROOT = pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")


def _save(path: str, force: bool = True) -> Problem | Note:
    block = Recorder(lines=["> dented"]).save(Path(path), force)
    assert isinstance(block, Problem | Note)
    return block


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("a\0b", "NUL"),
        ("x" * 300, "too long"),
        (".", "is a directory"),
        ("/", "is a directory"),
        ("sub/", "is a directory"),
    ],
)
def test_a_bad_path_gives_a_message(
    name: str, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    block = _save(name)
    assert isinstance(block, Problem) and message in block.message


def test_a_path_through_a_file_gives_a_message(tmp_path: Path) -> None:
    (tmp_path / "plain").write_text("x")
    block = _save(str(tmp_path / "plain" / "case.txt"))
    assert isinstance(block, Problem) and "not a directory" in block.message


@NOT_ROOT
def test_a_directory_without_permission_gives_a_message(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    block = _save(str(locked / "case.txt"))
    assert isinstance(block, Problem) and "Permission denied" in block.message


def test_a_symlink_target_is_refused_and_not_followed(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_text("keep me")
    link = tmp_path / "link.txt"
    link.symlink_to(victim)
    block = _save(str(link))
    assert isinstance(block, Problem) and "symbolic link" in block.message
    assert link.is_symlink() and victim.read_text() == "keep me"


def test_a_fifo_or_device_target_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(TranscriptError, match="not a regular file"):
        write_new(fifo, "text", force=True)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    with pytest.raises(TranscriptError, match="not a regular file"):
        write_atomic(Path(os.devnull), "text")  # what replay --update and autosave use
    assert stat.S_ISCHR(os.lstat(os.devnull).st_mode)


def test_record_refuses_a_device_even_with_force() -> None:
    result = run(b"quit\n", "--record", os.devnull, "--force")
    assert result.returncode == 2 and b"not a regular file" in result.stderr
    assert stat.S_ISCHR(os.lstat(os.devnull).st_mode)


def test_an_existing_file_needs_force(tmp_path: Path) -> None:
    target = tmp_path / "case.txt"
    target.write_text("old")
    assert isinstance(_save(str(target), force=False), Problem)
    assert target.read_text() == "old"
    assert isinstance(_save(str(target), force=True), Note)
    assert "> dented" in target.read_text()


def test_the_temporary_name_is_unpredictable_and_removed_on_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    target = work / "case.txt"
    target.write_text("old")
    seen: list[str] = []

    def failing_replace(source: str, destination: str) -> None:
        seen.append(os.path.basename(source))
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", failing_replace)
    for _ in range(2):
        with pytest.raises(TranscriptError, match="No space left"):
            write_new(target, "new", force=True)
    assert len(set(seen)) == 2 and f".{target.name}.tmp" not in seen
    assert sorted(p.name for p in work.iterdir()) == ["case.txt"]
    assert target.read_text() == "old"


def test_a_predictable_temporary_symlink_is_not_followed(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_text("keep me")
    (tmp_path / ".case.txt.tmp").symlink_to(victim)
    write_file(tmp_path / "case.txt", "new")
    assert victim.read_text() == "keep me" and (tmp_path / "case.txt").read_text() == "new"


def test_new_files_are_private_and_a_replaced_one_keeps_its_mode(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.txt"
    write_file(fresh, "text")
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600
    shared = tmp_path / "shared.txt"
    shared.write_text("old")
    shared.chmod(0o644)
    write_file(shared, "new", force=True)
    assert stat.S_IMODE(shared.stat().st_mode) == 0o644


def test_the_state_directory_and_its_files_are_private() -> None:
    state_dir().mkdir(parents=True, exist_ok=True)
    state_dir().chmod(0o755)  # as an older calcify left it
    run(b"dented\n")
    assert stat.S_IMODE(state_dir().stat().st_mode) == 0o700
    assert stat.S_IMODE(sessions_dir().stat().st_mode) == 0o700
    (kept,) = sessions_dir().glob("*.txt")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert new_session_path().parent == sessions_dir()
    open_history()
    assert stat.S_IMODE((state_dir() / "history").stat().st_mode) == 0o600


def test_a_recording_is_private(tmp_path: Path) -> None:
    target = tmp_path / "recorded.txt"
    run(b"dented\n", "--record", str(target))
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_pasted_case_is_not_kept_in_the_history(fixture_kb: KnowledgeBase) -> None:
    history = open_history(fixture_kb)
    pasted = (
        "The patient brought in a dented widget last week; serum calcium was 3.1 mmol/L"
        " and the tissue around the deposit looked viable on the first examination."
    )
    for line in ("dented", pasted, "case dented and hot", "first line\nsecond line", "120"):
        history.append_string(line)
    kept = (state_dir() / "history").read_text()
    assert "+dented" in kept and "+120" in kept
    assert "calcium" not in kept and "hot" not in kept and "second line" not in kept
    assert pasted in list(history.get_strings())  # still recalled in this session
