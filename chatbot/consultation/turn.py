"""One input carried out, the same for both shells: the dialogue's answer, with the requests
it makes of the shell (save the session, reload the rules) done here, so neither shell needs
the other. Writes only the files it is asked to; never prints."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from chatbot.consultation.blocks import Block, Problem, Reload, Save
from chatbot.consultation.dialogue import Consultation
from chatbot.consultation.session import Recorder
from chatbot.errors import KnowledgeBaseError
from chatbot.knowledge.loader import load_knowledge_base


def take_turn(
    consultation: Consultation,
    recorder: Recorder,
    text: str,
    check: Callable[[], None] | None = None,
) -> list[Block]:
    """Record the input, answer it, and carry out what the answer asks of the shell. `check`
    raises KeyboardInterrupt to abandon a long reading (see interrupts.Held)."""
    recorder.user(text)
    return carry_out(consultation.respond(text, check), consultation, recorder)


def carry_out(blocks: list[Block], consultation: Consultation, recorder: Recorder) -> list[Block]:
    """The shell's side of `save` and `reload`: the dialogue itself never touches files."""
    result: list[Block] = []
    for block in blocks:
        if isinstance(block, Save):
            result.append(recorder.save(Path(block.path), block.force))
        elif isinstance(block, Reload):
            result.extend(reload_knowledge(consultation))
        else:
            result.append(block)
    return result


def reload_knowledge(consultation: Consultation) -> list[Block]:
    """Load the rules again; on errors keep the old ones and say why."""
    try:
        kb = load_knowledge_base(consultation.kb.directory)
    except KnowledgeBaseError as exc:
        return [Problem(f"not reloaded, the previous rules stay in use: {exc}")]
    return consultation.replace_knowledge(kb)
