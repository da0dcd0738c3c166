"""What an update must not bless: a transcript whose consultation stopped working. An input
now rejected where the recording accepted it, or a consultation that no longer concludes
although its header says `# status: finished`. Writes nothing; never prints."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from chatbot.consultation.dialogue import Consultation
from chatbot.consultation.record import Transcript, is_user_line
from chatbot.consultation.session import Recorder
from chatbot.consultation.turn import take_turn
from chatbot.engine.engine import Engine
from chatbot.transcripts.replay import Outcome

REJECTED = "Sorry: "
"""How plain mode begins the line of an input it could not use (ui.render, Problem)."""
FINISHED = "# status: finished"
FORCING = "calcify replay --update --force"


def breakage(outcome: Outcome, engine: Engine) -> list[str]:
    """Why the replayed consultation no longer works where the recording did; [] if it does."""
    found = _new_rejections(outcome)
    if _says_finished(outcome.transcript):
        found += _unconcluded(outcome, engine)
    return found


def refusal(outcome: Outcome, engine: Engine, forcing: str = FORCING) -> str | None:
    """The message for an update refused because the consultation broke; None if it did not.
    `forcing` names the command that rewrites it anyway."""
    broken = breakage(outcome, engine)
    if not broken:
        return None
    head = f"{outcome.transcript.path}: not updated, the consultation no longer works:"
    tail = f"  (read the diff above; `{forcing}` rewrites it anyway)"
    return "\n".join([head, *(f"  - {reason}" for reason in broken), tail])


def ending(inputs: Sequence[str], engine: Engine) -> tuple[bool, bool]:
    """(concluded, quit): how a fresh consultation fed these inputs ends."""
    consultation, recorder = Consultation(engine.kb, engine), Recorder(dry_run=True)
    consultation.start()
    for text in inputs:
        take_turn(consultation, recorder, text)
        if consultation.quit:
            break
    return consultation.is_finished, consultation.quit


def _unconcluded(outcome: Outcome, engine: Engine) -> list[str]:
    """A consultation whose header says finished that now ends before its conclusion.

    One that was left by `quit` on purpose says goodbye in the same words as recorded.
    """
    concluded, quit = ending(outcome.transcript.inputs, engine)
    if concluded:
        return []
    if not quit:
        return [f"it stops without a conclusion, but its header says '{FINISHED}'"]
    recorded = _replies([text for _, text in outcome.transcript.body])
    actual = _replies(list(outcome.actual))
    if len(recorded) >= len(actual) and recorded[len(actual) - 1] == actual[-1]:
        return []
    return [f"'{actual[-1][0]}' now leaves it unconcluded, but its header says '{FINISHED}'"]


def _says_finished(transcript: Transcript) -> bool:
    header = itertools.takewhile(lambda line: line.startswith("#"), transcript.lines)
    return any(line.strip() == FINISHED for line in header)


def _new_rejections(outcome: Outcome) -> list[str]:
    """Inputs answered with a rejection now whose recorded reply had none."""
    numbers = [number for number, text in outcome.transcript.body if is_user_line(text)]
    recorded = _replies([text for _, text in outcome.transcript.body])
    actual = _replies(list(outcome.actual))
    found = []
    for index, (before, after) in enumerate(zip(recorded, actual, strict=False)):
        rejection = next((line for line in after if line.startswith(REJECTED)), None)
        if rejection is None or any(line.startswith(REJECTED) for line in before):
            continue
        where = f"line {numbers[index - 1]}: '{after[0]}'" if index else "the opening"
        found.append(f"{where} is now rejected: {rejection}")
    return found


def _replies(lines: Sequence[str]) -> list[list[str]]:
    """The lines before the first input, then each input with what it printed."""
    replies: list[list[str]] = [[]]
    for line in lines:
        if is_user_line(line):
            replies.append([])
        replies[-1].append(line)
    return replies
