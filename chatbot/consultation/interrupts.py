"""Ctrl-C (SIGINT) that never leaves a turn half done.

A turn (the answer read, the assessment, the lines printed and the session kept on disk) takes
milliseconds, but an interrupt can land in the middle of it. The shells hold it until the turn
is complete, then act on it: plain mode stops, the REPL carries on. No I/O.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

EXIT_INTERRUPTED = 130
"""The exit status of a program stopped by Ctrl-C (128 + SIGINT), as shells report it."""


@contextmanager
def held_interrupt() -> Iterator[None]:
    """Run the block to its end even if Ctrl-C comes; raise KeyboardInterrupt after it then.

    Outside the main thread (where signal handlers cannot be set) the block runs as it is.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []

    def hold(signum: int, frame: FrameType | None) -> None:
        received.append(signum)

    previous = signal.signal(signal.SIGINT, hold)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.SIG_DFL if previous is None else previous)
    if received:
        raise KeyboardInterrupt


def ignore_interrupts() -> None:
    """For worker processes: Ctrl-C reaches the whole process group, and the parent alone
    decides what to do about it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
