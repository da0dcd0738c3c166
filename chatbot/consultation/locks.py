"""One process at a time on a kept session: an advisory lock, held while the process keeps it.

The lock is on a sidecar file, `.NAME.lock` next to the session file (which every save
replaces by an atomic rename, so it cannot carry a lock itself), taken with flock (exclusive,
non-blocking; on Windows, msvcrt's lock on its first byte) and holding the pid of the process
that has it. A process that dies loses its lock with it; the sidecar left behind locks
nothing. Never prints.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from chatbot.consultation.record import display_path
from chatbot.errors import CalcifyError

CLOEXEC = getattr(os, "O_CLOEXEC", 0)  # not on Windows, where handles are not inherited anyway


class SessionInUse(CalcifyError):
    """Another process keeps this session: it is not read or written here."""

    def __init__(self, path: Path, pid: int | None) -> None:
        self.path, self.pid = path, pid
        super().__init__(f"{display_path(path)} is in use by {in_use_by(pid)}")


def in_use_by(pid: int | None) -> str:
    return f"another calcify (process {pid})" if pid else "another calcify"


def lock_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.lock")


class SessionLock:
    """The lock on one session, from creation until release (or the end of the process).

    Raises SessionInUse if another process has it. Where no lock file can be made (a
    directory that cannot be written, which keeping the session will report) none is held.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd = _acquire(path)

    def release(self) -> None:
        """Remove the lock file while it is still locked, then let it go."""
        if self._fd is None:
            return
        try:
            lock_path(self.path).unlink(missing_ok=True)
        except OSError:
            pass
        os.close(self._fd)
        self._fd = None


def holder(path: Path) -> SessionInUse | None:
    """Whether another process holds the lock on this session (looked at, not taken)."""
    try:
        fd = os.open(lock_path(path), os.O_RDONLY | CLOEXEC)
    except OSError:
        return None  # no lock file: nobody has it
    try:
        _lock(fd)
    except BlockingIOError:
        return SessionInUse(path, _pid(fd))
    except OSError:
        return None
    finally:
        os.close(fd)  # releases the lock if it was taken here
    return None


def _acquire(path: Path) -> int | None:
    lock = lock_path(path)
    while True:
        try:
            lock.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(lock, os.O_RDWR | os.O_CREAT | CLOEXEC, 0o600)
        except OSError:
            return None
        try:
            _lock(fd)
        except BlockingIOError:
            pid = _pid(fd)
            os.close(fd)
            raise SessionInUse(path, pid) from None
        except OSError:  # a file system without locks
            os.close(fd)
            return None
        if _same_file(fd, lock):
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
            return fd
        os.close(fd)  # its holder removed it as we opened it: lock the one there now


def _lock(fd: int) -> None:
    """Take the lock without waiting; BlockingIOError if another process has it."""
    if sys.platform == "win32":
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except PermissionError as exc:
            raise BlockingIOError(exc.errno, exc.strerror) from None
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _same_file(fd: int, lock: Path) -> bool:
    try:
        return os.path.samestat(os.fstat(fd), lock.stat())
    except OSError:
        return False


def _pid(fd: int) -> int | None:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        text = os.read(fd, 32).decode("ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return int(text) if text.isdigit() else None
