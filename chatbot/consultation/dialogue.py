"""The consultation as a dialogue: each line of input routed to a command, to the review of a
case description, or to the answer of the current question.

Returns Block values for every input; never prints or reads. Deterministic: the same inputs
give the same blocks in the same order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from chatbot.consultation.blocks import Block, Note, Problem, Welcome
from chatbot.consultation.commands import command_hint, find_command
from chatbot.consultation.state import ConsultationState
from chatbot.intake.reader import looks_like_a_case
from chatbot.intake.review import review_action
from chatbot.knowledge.spelling import answer_hint


class Consultation(ConsultationState):
    """One guided consultation over a knowledge base."""

    def start(self) -> list[Block]:
        return [Welcome(), *self.next_blocks()]

    def respond(self, text: str, check: Callable[[], None] | None = None) -> list[Block]:
        """Handle one line of input: a command, or an answer to the current question.
        `check` may raise KeyboardInterrupt to abandon a long reading of a description."""
        self.check = check
        text = text.strip()
        command, argument = find_command(text)
        if command is not None:
            return command.handler(self, argument)
        if text.startswith(":"):
            word = text.split()[0]
            hint = command_hint(word)
            message = (
                f"unknown command {word!r}; {hint + ' ' if hint else ''}type help for the list"
            )
            return [Problem(message), *self.reask(choices=True)]
        if self.case is not None:
            return self._review_case(text)
        if looks_like_a_case(self.kb, text):
            return self.read_case(text)
        mistyped = self._mistyped_command(text)
        if mistyped:
            return mistyped
        if self.is_finished:
            return [
                Note("The consultation has concluded. Type change, how, summary, restart or quit.")
            ]
        return self.answer(text)

    def _mistyped_command(self, text: str) -> list[Block]:
        """A near miss of a command (sumary) that is no answer here, with what was meant."""
        word = text.split()[0] if text else ""
        hint = command_hint(word)
        question = self.current
        if not hint or (question and (self.accepts(text) or answer_hint(question, text))):
            return []
        here = " or an answer here" if question else ""
        message = f"{word!r} is not a command{here}: {hint} (type help for the list)"
        return [Problem(message), *self.reask(choices=True)]

    def resume(self, inputs: Iterable[str]) -> None:
        """Take in the inputs of a kept session, as they were typed; a quit among them ended
        that session, not this one."""
        self.start()
        for text in inputs:
            self.respond(text)
        self.quit = False

    def _review_case(self, text: str) -> list[Block]:
        review = self.case
        assert review is not None
        action, first, second = review_action(text)
        if action == "accept":
            return self.accept_case()
        if action == "cancel":
            self.case = None
            return [Note("Nothing from the description was used."), *self.reask()]
        if action in ("drop", "correct"):
            problem = review.drop(first) if action == "drop" else review.correct(first, second)
            if problem is not None:
                return [Problem(problem)]
            if not review.items:
                self.case = None
                return [Note("Nothing from the description is left to use."), *self.reask()]
            return [review.block(self.answers)]
        # anything else moves on: the description is set aside and the input handled as usual
        self.case = None
        return [Note("The answers read from the description were not used."), *self.respond(text)]
