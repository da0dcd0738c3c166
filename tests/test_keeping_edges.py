"""The edges of keeping a file (files.py) and of the transcript format (record.py), called
in-process: the exact refusal for each kind of target, where the temporary file is made and
what it is called, nested directories made on the way, appends that refuse a file calcify did
not leave (a symbolic link to it included), 0700 and 0600 where they are promised and nowhere
else, the header keys and the words of every TranscriptError (file, line, message), the torn
last line a cut-short write leaves, and a kept file that mends itself after a failed write."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from chatbot.consultation.files import (
    Moved,
    WriteRefused,
    Written,
    append_file,
    private_directory,
    private_file,
    refusal,
    write_file,
)
from chatbot.consultation.record import (
    KeptFile,
    TranscriptError,
    display_path,
    is_user_line,
    parse_transcript,
    read_transcript,
    user_text,
    write_new,
)

NOT_ROOT = pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
HEADER = "# title: t\n# shows: s\n"


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def _no_space(*_: object) -> int:
    raise OSError(errno.ENOSPC, "No space left on device")


# files.refusal: each kind of target has its own words


def test_each_refusal_says_what_is_wrong(tmp_path: Path) -> None:
    (tmp_path / "plain").write_text("x")
    (tmp_path / "dir").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "plain")
    os.mkfifo(tmp_path / "fifo")
    assert refusal(tmp_path / "a\0b", True) == (
        "not a usable file name (it contains a NUL character)"
    )
    assert refusal(Path("/"), True) == "is a directory, not a file name"
    assert refusal(tmp_path / "missing" / "..", True) == "is a directory, not a file name"
    assert refusal(tmp_path / "dir", True) == "is a directory, not a file name"
    assert refusal(tmp_path / "plain" / "x", True) == (
        "cannot write: a part of the path is not a directory"
    )
    assert refusal(tmp_path / ("x" * 300), True) == "cannot write: File name too long"
    assert refusal(tmp_path / "link", True) == (
        "is a symbolic link; calcify does not write through one (name a regular file)"
    )
    assert refusal(tmp_path / "fifo", True) == (
        "is not a regular file (a device, FIFO or socket); calcify will not replace it"
    )
    assert refusal(tmp_path / "plain", False) == "already exists (use --force to overwrite)"
    assert refusal(tmp_path / "plain", True) is None
    assert refusal(tmp_path / "new.txt", False) is None


def test_a_write_that_fails_says_why_in_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(os, "replace", _no_space)
    with pytest.raises(WriteRefused) as caught:
        write_file(tmp_path / "work" / "case.txt", "text")
    assert str(caught.value) == "cannot write: No space left on device"
    assert list((tmp_path / "work").iterdir()) == []  # the temporary file is gone


# files.write_file / _write: where the temporary file is made, and what it is called


def test_missing_directories_are_made_on_the_way(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "case.txt"
    written = write_file(target, "text\n")
    assert target.read_text(encoding="utf-8") == "text\n"
    status = target.stat()
    assert written == Written(status.st_dev, status.st_ino, 5)
    assert _mode(target) == 0o600


@pytest.mark.parametrize("name", ["case.txt", "n" * 40 + ".txt"])
def test_the_temporary_file_is_a_hidden_sibling_of_the_target(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    """Beside the target (so the rename stays on one file system and is atomic), named
    after it (at most 32 characters of it) and ending in .tmp, so a leftover is recognisable."""
    renamed: list[Path] = []
    real_replace = os.replace

    def replace(source: str, destination: str) -> None:
        renamed.append(Path(source))
        real_replace(source, destination)

    monkeypatch.setattr(os, "replace", replace)
    target = tmp_path / "work" / name
    write_file(target, "text")
    (temporary,) = renamed
    assert temporary.parent == target.parent
    assert temporary.name.startswith(f".{name[:32]}.")
    assert temporary.name.endswith(".tmp") and len(temporary.name) > len(f".{name[:32]}..tmp")
    assert sorted(p.name for p in target.parent.iterdir()) == [name]


# files.append_file: only onto the file calcify left, with words for the user


def test_an_append_onto_the_file_calcify_left_adds_the_text(tmp_path: Path) -> None:
    path = tmp_path / "kept.txt"
    first = write_file(path, "one\n")
    second = append_file(path, "twö\n", first)
    assert path.read_text(encoding="utf-8") == "one\ntwö\n"
    assert second == Written(first.device, first.inode, 4 + len("twö\n".encode()))


def test_an_append_onto_a_changed_or_missing_file_is_refused_with_words(tmp_path: Path) -> None:
    path = tmp_path / "kept.txt"
    written = write_file(path, "one\n")
    longer = Written(written.device, written.inode, written.size + 1)
    with pytest.raises(Moved) as caught:
        append_file(path, "two\n", longer)
    assert str(caught.value) == "changed since calcify last wrote it"
    path.unlink()
    with pytest.raises(Moved) as caught:
        append_file(path, "two\n", written)
    assert str(caught.value) == "cannot append: No such file or directory"
    assert not path.exists()


def test_an_append_does_not_go_through_a_symlink_even_to_the_same_file(tmp_path: Path) -> None:
    path, moved = tmp_path / "kept.txt", tmp_path / "elsewhere.txt"
    written = write_file(path, "one\n")
    os.rename(path, moved)
    path.symlink_to(moved)  # the very file calcify wrote, reached through a link
    with pytest.raises(Moved) as caught:
        append_file(path, "two\n", written)
    assert str(caught.value) == "cannot append: Too many levels of symbolic links"
    assert moved.read_text(encoding="utf-8") == "one\n"


def test_an_append_that_fails_says_why_in_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "kept.txt"
    written = write_file(path, "one\n")
    monkeypatch.setattr(os, "write", _no_space)
    with pytest.raises(WriteRefused) as caught:
        append_file(path, "two\n", written)
    assert not isinstance(caught.value, Moved)
    assert str(caught.value) == "cannot write: No space left on device"


# files.private_directory / private_file: 0700 and 0600, only on what is ours


def test_a_private_directory_and_its_missing_parents_are_0700(tmp_path: Path) -> None:
    private_directory(tmp_path / "a" / "b")
    assert _mode(tmp_path / "a") == 0o700
    assert _mode(tmp_path / "a" / "b") == 0o700


def test_an_existing_directory_of_ours_is_tightened_to_0700(tmp_path: Path) -> None:
    directory = tmp_path / "state"
    directory.mkdir()
    directory.chmod(0o755)
    private_directory(directory)
    assert _mode(directory) == 0o700
    private_directory(directory)  # already private: stays so
    assert _mode(directory) == 0o700


def test_a_directory_someone_else_owns_is_left_as_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = tmp_path / "shared"
    directory.mkdir()
    directory.chmod(0o755)
    me = os.getuid()
    monkeypatch.setattr(os, "getuid", lambda: me + 1)
    private_directory(directory)
    assert _mode(directory) == 0o755


def test_a_private_file_is_made_0600_or_tightened(tmp_path: Path) -> None:
    new, old = tmp_path / "new", tmp_path / "old"
    private_file(new)
    assert new.read_bytes() == b"" and _mode(new) == 0o600
    old.write_text("kept")
    old.chmod(0o644)
    private_file(old)
    assert old.read_text() == "kept" and _mode(old) == 0o600


def test_a_private_file_is_not_made_through_a_symlink(tmp_path: Path) -> None:
    link, target, existing = tmp_path / "history", tmp_path / "target", tmp_path / "existing"
    link.symlink_to(target)
    private_file(link)
    assert link.is_symlink() and not target.exists()
    existing.write_text("x")
    existing.chmod(0o644)
    link.unlink()
    link.symlink_to(existing)
    private_file(link)
    assert _mode(existing) == 0o644


# record: paths in messages, user lines, the header


def test_a_path_is_shown_relative_inside_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert display_path(tmp_path / "sub" / "case.txt") == os.path.join("sub", "case.txt")
    assert display_path(Path("case.txt")) == "case.txt"
    outside = tmp_path.parent / "elsewhere.txt"
    assert display_path(outside) == str(outside)


@pytest.mark.parametrize(
    ("line", "user", "text"),
    [
        (">", True, ""),
        ("> 120", True, "120"),
        ("x> 1", False, ""),
        (">>", False, ""),
        ("", False, ""),
    ],
)
def test_user_lines(line: str, user: bool, text: str) -> None:
    assert is_user_line(line) is user
    assert user_text(line) == text


def test_the_header_takes_the_first_colon_and_only_its_own_keys() -> None:
    text = "# Title: a: b\n# shows: s\n#Xshows: not this\n# title\n> x\n"
    transcript = parse_transcript("case.txt", text)
    assert transcript.header == {"title": "a: b", "shows": "s"}
    assert transcript.path == "case.txt"
    assert transcript.body == ((5, "> x"),)


def test_a_missing_header_key_is_named_at_line_1() -> None:
    with pytest.raises(TranscriptError) as caught:
        parse_transcript("case.txt", "# title: t\n# shows:\n> x\n")
    error = caught.value
    assert (error.path, error.line) == ("case.txt", 1)
    assert error.message == "header needs a '# shows: ...' line before the session"
    assert str(error) == "case.txt:1: header needs a '# shows: ...' line before the session"


def test_a_transcript_without_user_lines_is_named_at_its_last_line() -> None:
    with pytest.raises(TranscriptError) as caught:
        parse_transcript("case.txt", HEADER + "hello\n# a comment\n")
    error = caught.value
    assert (error.path, error.line) == ("case.txt", 4)
    assert error.message == "no user lines (lines starting with '> ')"
    assert str(error) == "case.txt:4: no user lines (lines starting with '> ')"


@pytest.mark.parametrize(
    ("line", "shown"), [(0, "case.txt: what"), (1, "case.txt:1: what"), (2, "case.txt:2: what")]
)
def test_a_transcript_error_names_the_line_only_when_there_is_one(line: int, shown: str) -> None:
    assert str(TranscriptError("case.txt", line, "what")) == shown


# record.read_transcript


def test_a_file_that_cannot_be_read_is_named_without_a_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(TranscriptError) as caught:
        read_transcript(tmp_path / "missing.txt")
    error = caught.value
    assert (error.path, error.line) == ("missing.txt", 0)
    assert error.message == "cannot read: No such file or directory"
    assert str(error) == "missing.txt: cannot read: No such file or directory"


def test_a_file_that_is_not_utf8_is_named_with_the_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    data = (HEADER + "> caf").encode() + b"\xe9\n"
    (tmp_path / "latin.txt").write_bytes(data)
    with pytest.raises(TranscriptError) as caught:
        read_transcript(Path("latin.txt"))
    error = caught.value
    assert (error.path, error.line) == ("latin.txt", 0)
    assert error.message == f"not UTF-8 text (byte {len(data) - 2})"
    assert str(error) == f"latin.txt: not UTF-8 text (byte {len(data) - 2})"


def test_a_whole_transcript_has_nothing_cut(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "case.txt").write_text(HEADER + "> 1\n", encoding="utf-8")
    for cut_torn in (False, True):
        transcript = read_transcript(Path("case.txt"), cut_torn=cut_torn)
        assert transcript.cut == "" and transcript.inputs == ("1",)
        assert transcript.path == "case.txt"


def test_a_torn_last_line_is_cut_even_half_a_character(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "kept.txt").write_bytes((HEADER + "> 1\n> cas").encode() + b"\xc3")
    transcript = read_transcript(Path("kept.txt"), cut_torn=True)
    assert transcript.cut == "> cas\ufffd"
    assert transcript.path == "kept.txt"
    assert transcript.header == {"title": "t", "shows": "s"}
    assert transcript.lines == ("# title: t", "# shows: s", "> 1")
    assert transcript.body == ((3, "> 1"),)
    assert transcript.inputs == ("1",)


# record.write_new: a refusal names the file, even one no system call accepts


def test_a_refused_write_names_the_file_without_a_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(TranscriptError) as caught:
        write_new(Path("a\0b.txt"), "text")
    error = caught.value
    assert (error.path, error.line) == ("a\\0b.txt", 0)
    assert str(error) == "a\\0b.txt: not a usable file name (it contains a NUL character)"


def test_a_refused_write_names_the_file_when_the_working_directory_is_gone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "case.txt"
    target.write_text("old")
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    with pytest.raises(TranscriptError) as caught:
        write_new(target, "new")
    assert caught.value.path == str(target)
    assert str(caught.value) == f"{target}: already exists (use --force to overwrite)"


# record.KeptFile: a failed write is said with the file, and mended by the next call


def test_a_failed_append_names_the_file_and_the_next_call_writes_it_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = Path("kept.txt")
    kept = KeptFile(path)
    lines = ["> 1"]
    kept.keep(lines, "unfinished", lambda: HEADER + "\n".join(lines) + "\n")
    real_write = os.write
    monkeypatch.setattr(os, "write", _no_space)
    lines.append("> 2")
    with pytest.raises(TranscriptError) as caught:
        kept.keep(lines, "unfinished", lambda: HEADER + "\n".join(lines) + "\n")
    error = caught.value
    assert (error.path, error.line) == ("kept.txt", 0)
    assert str(error) == "kept.txt: cannot write: No space left on device"
    monkeypatch.setattr(os, "write", real_write)
    kept.keep(lines, "unfinished", lambda: HEADER + "\n".join(lines) + "\n")
    assert path.read_text(encoding="utf-8") == HEADER + "> 1\n> 2\n"


def test_a_failed_whole_write_is_tried_whole_again(tmp_path: Path) -> None:
    path = tmp_path / "kept.txt"
    kept = KeptFile(path)
    lines = ["> 1"]

    def whole() -> str:
        return HEADER + "\n".join(lines) + "\n"

    kept.keep(lines, "unfinished", whole)
    path.unlink()
    path.mkdir()  # the append is refused, and so is the whole write
    lines.append("> 2")
    with pytest.raises(TranscriptError, match="is a directory"):
        kept.keep(lines, "unfinished", whole)
    path.rmdir()
    path.write_text("someone else's\n", encoding="utf-8")  # a regular file again
    lines.append("> 3")
    kept.keep(lines, "unfinished", whole)
    assert path.read_text(encoding="utf-8") == HEADER + "> 1\n> 2\n> 3\n"
    lines.append("> 4")
    kept.keep(lines, "unfinished", whole)  # appended from there on
    assert path.read_text(encoding="utf-8") == whole()


@NOT_ROOT
def test_a_refusal_for_an_unreadable_place_gives_the_system_s_words(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o000)
    try:
        assert refusal(locked / "case.txt", True) == "cannot write: Permission denied"
    finally:
        locked.chmod(0o700)
