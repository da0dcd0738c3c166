"""The state of a consultation and the steps that change it: answering the current question,
a unit asked for, a case description's answers taken in, an answer taken back or changed.

Returns Block values; never prints or reads. Deterministic: the same inputs give the same
blocks in the same order.
"""

from __future__ import annotations

from collections.abc import Callable

from chatbot.consultation.blocks import (
    Ask,
    AskUnit,
    Block,
    Changed,
    Conclusion,
    Farewell,
    Note,
    Problem,
    Understood,
)
from chatbot.engine.engine import Engine
from chatbot.errors import AnswerError
from chatbot.intake.reader import read_description
from chatbot.intake.review import CaseRead, CaseReview
from chatbot.knowledge.answers import AmbiguousUnit, ParsedAnswer, find_unit, parse_answer
from chatbot.knowledge.model import UNKNOWN, KnowledgeBase, Question, Value
from chatbot.knowledge.spelling import unit_hint
from chatbot.reasoning.assessment import Assessment, assess

NOTHING_READ = (
    "No answer could be read from that description; the questions go on from here, "
    "so answer them one by one."
)
ABANDONED = "Reading stopped (Ctrl-C): nothing from the description was used."


class ConsultationState:
    """One guided consultation over a knowledge base: its answers and what it is asking."""

    def __init__(self, kb: KnowledgeBase, engine: Engine | None = None) -> None:
        self.check: Callable[[], None] | None = None
        """Raises KeyboardInterrupt to abandon a long reading (set for each input)."""
        self.kb = kb
        self.engine = engine or Engine(kb)
        self.quit = False
        self._reset()

    def _reset(self) -> None:
        self.answers: dict[str, Value] = {}
        self.parsed: dict[str, ParsedAnswer] = {}
        self._undo: list[tuple[dict[str, Value], dict[str, ParsedAnswer]]] = []
        self._unit_for: tuple[Question, float] | None = None
        self._changing: tuple[Question, Assessment] | None = None
        self.case: CaseReview | None = None
        """Answers read from a case description, waiting for ok, drop N, N = ANSWER or cancel."""
        self.numbers: dict[str, int] = {}
        """Each question keeps the number it was first asked with."""
        self.assessment = assess(self.engine, self.answers)

    # -- where it stands ---------------------------------------------------------------
    @property
    def current(self) -> Question | None:
        """The question being asked, or None when the consultation has concluded."""
        if self._changing:
            return self._changing[0]
        if self._unit_for:
            return self._unit_for[0]
        pending = self.assessment.pending
        return self.kb.questions[pending[0]] if pending else None

    @property
    def is_finished(self) -> bool:
        return self.current is None

    @property
    def progress(self) -> tuple[int, int]:
        """(questions answered, answered + still relevant)."""
        answered = len(self.answers)
        return answered, answered + len(self.assessment.pending)

    def next_blocks(self) -> list[Block]:
        """The current question, or the conclusion when there is none."""
        question = self.current
        if question is None:
            return [Conclusion(self.assessment)]
        return [Ask(question, self._number(question))]

    def reask(self, choices: bool = False) -> list[Block]:
        """The current question again, under the number it was first asked with (with its
        choices listed again after an error or an explanation)."""
        question = self.current
        return [Ask(question, self._number(question), again=not choices)] if question else []

    def cancel(self) -> list[Block]:
        """A line abandoned (Ctrl-C at the prompt): nothing changes; the question again."""
        return [Note("Cancelled. (Ctrl-D or quit to leave.)"), *self.reask()]

    def leave(self) -> list[Block]:
        """End the consultation (quit, or Ctrl-D)."""
        self.quit = True
        return [Farewell(self.is_finished)]

    def _number(self, question: Question) -> int:
        return self.numbers.setdefault(question.id, len(self.numbers) + 1)

    # -- answering ---------------------------------------------------------------------
    def answer(self, text: str) -> list[Block]:
        """Read the text as the answer to the current question, or say what is accepted."""
        question = self.current
        assert question is not None
        try:
            parsed = self._parse(question, text)
        except AmbiguousUnit as exc:
            self._unit_for = (question, exc.number)
            return [AskUnit(question, exc.number, exc.units)]
        except AnswerError as exc:
            if self._unit_for is not None:  # still waiting for the unit of that number
                number, units = self._unit_for[1], " or ".join(u.name for u in question.units)
                hint = unit_hint(question, text.strip())
                asked = (
                    f"{hint} is {number:g} in {units}?" if hint else f"is {number:g} in {units}?"
                )
                return [Problem(f"{text.strip()!r} is not a unit here: {asked}")]
            return [Problem(str(exc)), *self.reask(choices=True)]
        self._unit_for = None
        return self._record(question, parsed)

    def accepts(self, text: str) -> bool:
        """Whether the text would be taken as (or lead to) an answer to the current question."""
        question = self.current
        try:
            return question is not None and bool(self._parse(question, text))
        except AmbiguousUnit:
            return True
        except AnswerError:
            return False

    def _parse(self, question: Question, text: str) -> ParsedAnswer:
        if self._unit_for is not None:
            unit = find_unit(question, text)
            if unit is not None:
                return parse_answer(question, f"{self._unit_for[1]:g} {unit.name}")
        return parse_answer(question, text)

    def _record(self, question: Question, parsed: ParsedAnswer) -> list[Block]:
        before = self.assessment
        self._undo.append((dict(self.answers), dict(self.parsed)))
        self.answers[question.id] = parsed.value
        self.parsed[question.id] = parsed
        self._rerun()
        blocks: list[Block] = [Understood(question, parsed, self._computed(before))]
        if self._changing:
            blocks.append(Changed(self._changing[1], self.assessment, question))
            self._changing = None
        return [*blocks, *self.next_blocks()]

    def _computed(self, before: Assessment) -> tuple[tuple[str, float], ...]:
        old = before.evaluation.findings()
        new = self.assessment.evaluation.findings()
        return tuple(
            (fid, value)
            for fid, values in new.items()
            for value in values
            if isinstance(value, float) and value not in old.get(fid, ())
        )

    def _rerun(self) -> None:
        self.assessment = assess(self.engine, self.answers)

    # -- case descriptions -------------------------------------------------------------
    def read_case(self, text: str) -> list[Block]:
        """Read a pasted case description; its answers wait for the user's ok."""
        if not text.strip():
            return [Problem("case needs a description, e.g. case caseous necrosis, Ca 9.1 mg/dL")]
        try:
            found = read_description(self.kb, text, self.check)
        except KeyboardInterrupt:  # Ctrl-C while reading: nothing was changed
            return [Note(ABANDONED), *self.reask()]
        if not found.items:
            left = [CaseRead((), (), found.omitted)] if found.omitted else []
            return [Note(NOTHING_READ), *left, *self.reask()]
        self.case = CaseReview(self.kb, list(found.items), found.omitted)
        return [self.case.block(self.answers)]

    def accept_case(self) -> list[Block]:
        """Use every answer read from the description, as one step that back can undo."""
        items, self.case = (self.case.items if self.case else []), None
        before = self.assessment
        self._undo.append((dict(self.answers), dict(self.parsed)))
        for item in items:
            self.answers[item.question] = item.value
            self.parsed[item.question] = item.answer
        questions = self.kb.questions
        for question_id in sorted({i.question for i in items}, key=lambda q: questions[q].order):
            self._number(questions[question_id])  # in question order; the next asked, next number
        self._rerun()
        shown = [Understood(self.kb.questions[i.question], i.answer) for i in items]
        # numbers derived from them (e.g. corrected calcium) are shown once, after the last
        shown[-1] = Understood(shown[-1].question, shown[-1].answer, self._computed(before))
        count = len(items)
        note = Note(f"Using {count} answer{'s' if count != 1 else ''} from the description.")
        return [note, *shown, *self.next_blocks()]

    # -- going back --------------------------------------------------------------------
    def take_back(self) -> list[Block]:
        """Leave a change or a unit question; otherwise take back the last answer."""
        if self._changing or self._unit_for:
            self._changing = self._unit_for = None
            return [Note("Cancelled."), *self.next_blocks()]
        if not self._undo:
            return [Problem("there is no answer to take back yet"), *self.reask()]
        answers = self.answers
        self.answers, self.parsed = self._undo.pop()
        self._rerun()
        taken = [q for q in answers if self.answers.get(q) != answers[q]]
        name = self.kb.questions[taken[0]].name if taken else "the last question"
        return [Note(f"Took back the answer to: {name}."), *self.next_blocks()]

    def begin_change(self, question: Question) -> list[Block]:
        """Ask a question again (or for the first time); the answer shows what changed."""
        self._unit_for = None
        self._changing = (question, self.assessment)
        return [Ask(question, self._number(question))]

    def restart(self) -> list[Block]:
        self._reset()
        return [Note("Starting again: all answers cleared."), *self.next_blocks()]

    def replace_knowledge(self, kb: KnowledgeBase) -> list[Block]:
        """Use a reloaded knowledge base: replay the answers and show what changed."""
        before = self.assessment
        kept = {q: v for q, v in self.answers.items() if _still_valid(kb, q, v)}
        dropped = [q for q in self.answers if q not in kept]
        self.kb, self.engine = kb, Engine(kb)
        self.answers = kept
        self.parsed = {q: p for q, p in self.parsed.items() if q in kept}
        self._undo, self._unit_for, self._changing = [], None, None
        self._rerun()
        blocks: list[Block] = [Note(f"Reloaded {kb.directory}: {len(kb.rules)} rules.")]
        if dropped:
            blocks.append(Note(f"Answers no longer valid, dropped: {', '.join(dropped)}."))
        return [*blocks, Changed(before, self.assessment, None), *self.next_blocks()]


def _still_valid(kb: KnowledgeBase, question_id: str, value: Value) -> bool:
    question = kb.questions.get(question_id)
    if question is None:
        return False
    if isinstance(value, float) or value == UNKNOWN:
        return question.kind == "number" or value == UNKNOWN
    values = value if isinstance(value, tuple) else (value,)
    return all(each in question.allowed_values() for each in values)
