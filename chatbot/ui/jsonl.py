"""`calcify --jsonl`, the shell for programs: one answer or command per input line, one JSON
object per output line for every event (ui/events.py), each line flushed as it is written; no
prompts, no echo, no colour. The last line is always an `end` event.

Writes only to the stream it is given; the session is kept on disk as the other shells keep it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TextIO

from chatbot.consultation.blocks import Block
from chatbot.consultation.dialogue import Consultation
from chatbot.consultation.interrupts import EXIT_INTERRUPTED, held_interrupt
from chatbot.consultation.session import Recorder
from chatbot.consultation.turn import take_turn
from chatbot.knowledge.text import safe_json
from chatbot.ui.events import block_events
from chatbot.ui.turns import kept_lines

EXIT_OK, EXIT_UNFINISHED = 0, 1


def run_jsonl(
    consultation: Consultation,
    lines: Iterable[str],
    out: TextIO,
    recorder: Recorder | None = None,
    opening: list[Block] | None = None,
) -> int:
    """Answer each line with its events; 0 once the consultation ends or is quit, 1 if the
    input ends first, 130 on Ctrl-C (which waits for the end of a turn, as in plain mode)."""
    recorder = recorder or Recorder()
    try:
        _converse(consultation, lines, out, recorder, opening)
    except KeyboardInterrupt:
        _write(out, _end(consultation, recorder, "interrupted"))
        return EXIT_INTERRUPTED
    reason = "quit" if consultation.quit else "input ended"
    _write(out, _end(consultation, recorder, reason))
    return EXIT_OK if consultation.quit or consultation.is_finished else EXIT_UNFINISHED


def _converse(
    consultation: Consultation,
    lines: Iterable[str],
    out: TextIO,
    recorder: Recorder,
    opening: list[Block] | None,
) -> None:
    def emit(blocks: list[Block]) -> None:
        _, failures = kept_lines(consultation, recorder, blocks)  # recorded as text
        for message in failures:
            _write(out, {"type": "warning", "message": message.removeprefix("calcify: ")})
        for event in block_events(consultation.kb, blocks, consultation.parsed):
            _write(out, event)

    if opening is None:
        with held_interrupt():
            emit(consultation.start())
    else:  # a resumed session: its beginning is already in the recording
        for event in block_events(consultation.kb, opening, consultation.parsed):
            _write(out, event)
    for text in lines:
        with held_interrupt() as held:
            emit(take_turn(consultation, recorder, text, held.check))
        if consultation.quit:
            return


def _end(consultation: Consultation, recorder: Recorder, reason: str) -> dict[str, Any]:
    """The last event: whether the consultation finished, why the shell stops, and where an
    unfinished one is kept (`calcify --resume FILE` continues it)."""
    finished = consultation.is_finished
    kept = next((str(path) for path in recorder.paths if path.exists()), None)
    kept = None if finished else kept
    return {"type": "end", "finished": finished, "reason": reason, "kept": kept}


def _write(out: TextIO, event: dict[str, Any]) -> None:
    out.write(safe_json(event) + "\n")
    out.flush()
