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


class Held:
    """The Ctrl-C held during a turn. A long step that may safely stop (reading a pasted
    description, which changes nothing until it is done) calls `check` now and then."""

    def __init__(self) -> None:
        self.received: list[int] = []

    def check(self) -> None:
        """Raise KeyboardInterrupt if Ctrl-C came; it stays held, so the shell still hears
        of it when the turn ends."""
        if self.received:
            raise KeyboardInterrupt


@contextmanager
def held_interrupt() -> Iterator[Held]:
    """Run the block to its end even if Ctrl-C comes; raise KeyboardInterrupt after it then.

    Outside the main thread (where signal handlers cannot be set) the block runs as it is.
    """
    held = Held()
    if threading.current_thread() is not threading.main_thread():
        yield held
        return

    def hold(signum: int, frame: FrameType | None) -> None:
        held.received.append(signum)

    previous = signal.signal(signal.SIGINT, hold)
    try:
        yield held
    finally:
        signal.signal(signal.SIGINT, signal.SIG_DFL if previous is None else previous)
    if held.received:
        raise KeyboardInterrupt


def ignore_interrupts() -> None:
    """For worker processes: Ctrl-C reaches the whole process group, and the parent alone
    decides what to do about it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
