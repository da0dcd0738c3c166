"""What both shells do with the blocks of a turn: put them into lines, record them, and keep
the session on disk before they are shown (an answer seen is an answer saved)."""

from __future__ import annotations

from chatbot.consultation.blocks import Block
from chatbot.consultation.dialogue import Consultation
from chatbot.consultation.session import Recorder
from chatbot.ui.lines import Line
from chatbot.ui.render import blocks_lines
from chatbot.ui.wrap import PLAIN_WIDTH, wrapped


def kept_lines(
    consultation: Consultation, recorder: Recorder, blocks: list[Block]
) -> tuple[list[Line], list[str]]:
    """The lines of a turn's blocks, recorded and kept on disk before they are shown (an
    answer seen is an answer saved), and a message for each file that could not be kept.

    The recording is folded at the plain width; the lines returned are not, for the shell
    to fold at its own width."""
    lines = blocks_lines(consultation.kb, blocks)
    for line in wrapped(lines, PLAIN_WIDTH):
        recorder.bot(line.text)
    failures = [f"calcify: {message}" for message in recorder.keep(consultation.is_finished)]
    return lines, failures
