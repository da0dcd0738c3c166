"""Writing a file safely: the one way calcify writes what it keeps (save, the autosave,
--record, replay --update). Never prints.

The text goes to a temporary file with an unpredictable name, created exclusively in the
target's directory, flushed to disk, then renamed over the target, and the directory is
flushed too; a failure removes the temporary file and leaves the old target intact. Only a
regular file is ever replaced: a symbolic link, a device, a FIFO or a directory at the target
is refused, with or without --force. New files are readable by their owner only (0600); a
replaced file keeps its mode. The state directory is made 0700.

A kept consultation grows by appending (append_file) to the file this module last wrote
whole, so a turn costs what the turn says, not what the session has said so far.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path


class WriteRefused(Exception):
    """A file that is not written, and why, in words for the user (the path is not in it)."""


class Moved(WriteRefused):
    """The file to append to is no longer the one calcify wrote (gone, replaced or changed)."""


@dataclass(frozen=True)
class Written:
    """Which file calcify wrote and how long it left it: an append checks both first."""

    device: int
    inode: int
    size: int


def refusal(path: Path, force: bool) -> str | None:
    """Why `path` cannot be written (without --force, or at all); None if it can."""
    if "\0" in str(path):
        return "not a usable file name (it contains a NUL character)"
    if str(path).endswith(os.sep) or path.name in ("", ".", ".."):
        return "is a directory, not a file name"
    try:
        status = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno == errno.ENOTDIR:
            return "cannot write: a part of the path is not a directory"
        return f"cannot write: {exc.strerror or exc}"
    if stat.S_ISLNK(status.st_mode):
        return "is a symbolic link; calcify does not write through one (name a regular file)"
    if stat.S_ISDIR(status.st_mode):
        return "is a directory, not a file name"
    if not stat.S_ISREG(status.st_mode):
        return "is not a regular file (a device, FIFO or socket); calcify will not replace it"
    if not force:
        return "already exists (use --force to overwrite)"
    return None


def write_file(path: Path, text: str, force: bool = False) -> Written:
    """Write `text` to `path` atomically (see the module); raise WriteRefused if it cannot."""
    why = refusal(path, force)
    if why is not None:
        raise WriteRefused(why)
    try:
        return _write(path, text.encode("utf-8"))
    except OSError as exc:
        raise WriteRefused(f"cannot write: {exc.strerror or exc}") from None


def append_file(path: Path, text: str, after: Written) -> Written:
    """Add `text` at the end of the file calcify wrote as `after`, flushed to disk.

    The cost is that of `text`, whatever the file's length. Raise Moved if `path` is not
    that file as calcify left it (removed, renamed over, written by someone else, or a
    symbolic link now): the caller then writes it whole with write_file. A write cut short
    (a full disk, a crash) leaves at most a last line without its newline, which
    record.read_transcript(cut_torn=True) leaves out.
    """
    flags = os.O_WRONLY | os.O_APPEND | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        handle = os.open(path, flags)
    except OSError as exc:
        raise Moved(f"cannot append: {exc.strerror or exc}") from None
    try:
        status = os.fstat(handle)
        if not stat.S_ISREG(status.st_mode) or (
            status.st_dev,
            status.st_ino,
            status.st_size,
        ) != (after.device, after.inode, after.size):
            raise Moved("changed since calcify last wrote it")
        data = text.encode("utf-8")
        left = memoryview(data)
        while left:
            left = left[os.write(handle, left) :]
        os.fsync(handle)
        return Written(status.st_dev, status.st_ino, after.size + len(data))
    except OSError as exc:
        raise WriteRefused(f"cannot write: {exc.strerror or exc}") from None
    finally:
        os.close(handle)


def _write(path: Path, data: bytes) -> Written:
    directory = path.parent
    directory.mkdir(parents=True, exist_ok=True)
    try:
        mode: int | None = stat.S_IMODE(os.lstat(path).st_mode)
    except FileNotFoundError:
        mode = None  # a new file: mkstemp made the temporary file 0600
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name[:32]}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(handle, "wb") as out:
            if mode is not None and hasattr(os, "fchmod"):  # not on Windows
                os.fchmod(out.fileno(), mode)
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
            status = os.fstat(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
    _sync_directory(directory)
    return Written(status.st_dev, status.st_ino, len(data))


def _sync_directory(directory: Path) -> None:
    """Flush the rename to disk, where the system allows a directory to be flushed."""
    try:
        handle = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def private_directory(path: Path) -> None:
    """Make `path` (and missing parents) readable by its owner only: 0700. Best effort: a
    directory that cannot be made is reported when something is written in it."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    try:
        for directory in reversed(missing):
            directory.mkdir(mode=0o700, exist_ok=True)
        mine = hasattr(os, "getuid") and path.stat().st_uid == os.getuid()  # no uid on Windows
        if mine and stat.S_IMODE(path.stat().st_mode) != 0o700:
            path.chmod(0o700)
    except OSError:
        pass


def private_file(path: Path) -> None:
    """Create `path` if missing, readable by its owner only (0600); tighten one that exists."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600))
        path.chmod(0o600)
    except OSError:
        pass
