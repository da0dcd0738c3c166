"""The consultation state machine: what to ask next, when to stop, and what each command does.

Returns Block values for every input; never prints or reads. Deterministic: the same inputs
give the same blocks in the same order.
"""

from __future__ import annotations

from collections.abc import Callable

from chatbot.consultation.blocks import (
    Ask,
    AskUnit,
    Block,
    Changed,
    CommandHelp,
    Conclusion,
    Farewell,
    Help,
    How,
    Note,
    Problem,
    Reload,
    Save,
    Summary,
    Understood,
    Welcome,
)
from chatbot.consultation.commands import COMMANDS, find_command
from chatbot.engine.engine import Engine
from chatbot.errors import AnswerError
from chatbot.intake.reader import extract, looks_like_a_case
from chatbot.intake.review import CaseReview, review_action
from chatbot.knowledge.answers import (
    AmbiguousUnit,
    ParsedAnswer,
    find_unit,
    parse_answer,
)
from chatbot.knowledge.model import UNKNOWN, KnowledgeBase, Question, Value
from chatbot.knowledge.text import normalise
from chatbot.reasoning.assessment import Assessment, assess
from chatbot.reasoning.explain import why_asked, why_not


class Consultation:
    """One guided consultation over a knowledge base."""

    def __init__(self, kb: KnowledgeBase, engine: Engine | None = None) -> None:
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
        self._case: CaseReview | None = None
        """Answers read from a case description, waiting for ok, drop N, N = ANSWER or cancel."""
        self._numbers: dict[str, int] = {}
        """Each question keeps the number it was first asked with."""
        self.assessment = assess(self.engine, self.answers)

    # -- state -------------------------------------------------------------------------
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

    # -- entry points ------------------------------------------------------------------
    def start(self) -> list[Block]:
        return [Welcome(), *self._next()]

    def respond(self, text: str) -> list[Block]:
        """Handle one line of input: a command, or an answer to the current question."""
        text = text.strip()
        command, argument = find_command(text)
        if command is not None:
            carry_out: Callable[[str], list[Block]] = getattr(self, command.method)
            return carry_out(argument)
        if text.startswith(":"):
            return [Problem(f"unknown command {text.split()[0]!r}; type help for the list")]
        if self._case is not None:
            return self._review_case(text)
        if looks_like_a_case(self.kb, text):
            return self.read_case(text)
        if self.is_finished:
            return [
                Note("The consultation has concluded. Type change, how, summary, restart or quit.")
            ]
        return self._answer(text)

    # -- case descriptions -------------------------------------------------------------
    def read_case(self, text: str) -> list[Block]:
        """Read a pasted case description; its answers wait for the user's ok."""
        if not text.strip():
            return [Problem("case needs a description, e.g. case caseous necrosis, Ca 9.1 mg/dL")]
        items = extract(self.kb, text)
        if not items:
            blocks: list[Block] = [Problem("no answer could be read from that description")]
            return [*blocks, *self._reask()]
        self._case = CaseReview(self.kb, items)
        return [self._case.block(self.answers)]

    def accept_case(self) -> list[Block]:
        """Use every answer read from the description, as one step that back can undo."""
        items, self._case = (self._case.items if self._case else []), None
        before = self.assessment
        self._undo.append((dict(self.answers), dict(self.parsed)))
        for item in items:
            self.answers[item.question] = item.value
            self.parsed[item.question] = item.answer
        self._rerun()
        shown = [Understood(self.kb.questions[i.question], i.answer) for i in items]
        # numbers derived from them (e.g. corrected calcium) are shown once, after the last
        shown[-1] = Understood(shown[-1].question, shown[-1].answer, self._computed(before))
        count = len(items)
        note = Note(f"Using {count} answer{'s' if count != 1 else ''} from the description.")
        return [note, *shown, *self._next()]

    def _review_case(self, text: str) -> list[Block]:
        review = self._case
        assert review is not None
        action, first, second = review_action(text)
        if action == "accept":
            return self.accept_case()
        if action == "cancel":
            self._case = None
            return [Note("Nothing from the description was used."), *self._reask()]
        if action in ("drop", "correct"):
            problem = review.drop(first) if action == "drop" else review.correct(first, second)
            if problem is not None:
                return [problem]
            if not review.items:
                self._case = None
                return [Note("Nothing from the description is left to use."), *self._reask()]
            return [review.block(self.answers)]
        # anything else moves on: the description is set aside and the input handled as usual
        self._case = None
        return [Note("The answers read from the description were not used."), *self.respond(text)]

    # -- answering ---------------------------------------------------------------------
    def _answer(self, text: str) -> list[Block]:
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
                return [Problem(f"{text.strip()!r} is not a unit here: is {number:g} in {units}?")]
            return [Problem(str(exc)), Ask(question, self._number(question), again=True)]
        self._unit_for = None
        return self._record(question, parsed)

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
        self.assessment = assess(self.engine, self.answers)
        blocks: list[Block] = [Understood(question, parsed, self._computed(before))]
        if self._changing:
            blocks.append(Changed(self._changing[1], self.assessment, question))
            self._changing = None
        return [*blocks, *self._next()]

    def _computed(self, before: Assessment) -> tuple[tuple[str, float], ...]:
        old = before.evaluation.findings()
        new = self.assessment.evaluation.findings()
        return tuple(
            (fid, value)
            for fid, values in new.items()
            for value in values
            if isinstance(value, float) and value not in old.get(fid, ())
        )

    def next_blocks(self) -> list[Block]:
        """The current question, or the conclusion when there is none."""
        return self._next()

    def _next(self) -> list[Block]:
        question = self.current
        if question is None:
            return [Conclusion(self.assessment)]
        return [Ask(question, self._number(question))]

    def _number(self, question: Question) -> int:
        return self._numbers.setdefault(question.id, len(self._numbers) + 1)

    def _rerun(self) -> None:
        self.assessment = assess(self.engine, self.answers)

    # -- commands ----------------------------------------------------------------------
    def why(self, argument: str) -> list[Block]:
        question = self.current
        if question is None:
            return [
                Note("No question is being asked now; type how to see how the conclusion follows.")
            ]
        return [why_asked(self.kb, self.assessment, question), *self._reask()]

    def how(self, argument: str) -> list[Block]:
        return [How(self.assessment), *self._reask()]

    def whynot(self, argument: str) -> list[Block]:
        class_id = self._class_named(argument)
        if class_id is None:
            names = ", ".join(self.kb.classes)
            return [Problem(f"whynot needs a class: one of {names}"), *self._reask()]
        return [why_not(self.kb, self.assessment, class_id), *self._reask()]

    def back(self, argument: str) -> list[Block]:
        if self._changing or self._unit_for:
            self._changing = self._unit_for = None
            return [Note("Cancelled."), *self._next()]
        if not self._undo:
            return [Problem("there is no answer to take back yet"), *self._reask()]
        answers = self.answers
        self.answers, self.parsed = self._undo.pop()
        self._rerun()
        taken = [q for q in answers if self.answers.get(q) != answers[q]]
        name = self.kb.questions[taken[0]].name if taken else "the last question"
        return [Note(f"Took back the answer to: {name}."), *self._next()]

    def change(self, argument: str) -> list[Block]:
        question = self._question_named(argument)
        if question is None:
            numbers = self._numbers
            answered = ", ".join(f"{numbers[q]} {q}" if q in numbers else q for q in self.answers)
            answered = answered or "none yet"
            message = (
                "change needs a question: its number, its id or a word of it; answered so far: "
                f"{answered} (calcify questions lists the others)"
            )
            return [Problem(message), *self._reask()]
        self._unit_for = None
        self._changing = (question, self.assessment)
        return [Ask(question, self._number(question))]

    def summary(self, argument: str) -> list[Block]:
        return [Summary(self.assessment), *self._reask()]

    def restart(self, argument: str) -> list[Block]:
        self._reset()
        return [Note("Starting again: all answers cleared."), *self._next()]

    def help(self, argument: str) -> list[Block]:
        commands = tuple(CommandHelp(c.name, c.usage, c.summary) for c in COMMANDS)
        return [Help(commands), *self._reask()]

    def save(self, argument: str) -> list[Block]:
        words = argument.split()
        force = "--force" in words
        paths = [w for w in words if w != "--force"]
        if len(paths) != 1:
            message = "save needs one file name, e.g. save case.txt (add --force to overwrite)"
            return [Problem(message), *self._reask()]
        return [Save(paths[0], force), *self._reask()]

    def reload(self, argument: str) -> list[Block]:
        return [Reload()]

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
        return [*blocks, Changed(before, self.assessment, None), *self._next()]

    def leave(self, argument: str) -> list[Block]:
        self.quit = True
        return [Farewell(self.is_finished)]

    def _reask(self) -> list[Block]:
        question = self.current
        return [Ask(question, self._number(question), again=True)] if question else []

    def _class_named(self, text: str) -> str | None:
        words = normalise(text).replace(" ", "_")
        if not words:
            return None
        for class_id, cls in self.kb.classes.items():
            if words in (class_id, normalise(cls.label).replace(" ", "_")):
                return class_id
        matches = [c for c in self.kb.classes if c.startswith(words)]
        return matches[0] if len(matches) == 1 else None

    def _question_named(self, text: str) -> Question | None:
        """A question by the number it was asked under, id, name, unambiguous prefix, or
        words of its name and text ("organ"); answered questions are preferred."""
        words = normalise(text)
        if not words:
            return None
        if words.isdigit():
            number = int(words)
            found = next((q for q, n in self._numbers.items() if n == number), None)
            return self.kb.questions[found] if found is not None else None
        ordered = [*self.answers, *(q for q in self.kb.questions if q not in self.answers)]
        for question_id in ordered:
            question = self.kb.questions[question_id]
            if words in (normalise(question_id), normalise(question.name)):
                return question
        wanted = set(words.split())
        for pool in (list(self.answers), ordered):
            matches = [q for q in pool if normalise(q).startswith(words)]
            if len(matches) == 1:
                return self.kb.questions[matches[0]]
            matches = [q for q in pool if wanted <= _words_of(self.kb.questions[q])]
            if len(matches) == 1:
                return self.kb.questions[matches[0]]
        return None


def _words_of(question: Question) -> set[str]:
    return set(normalise(f"{question.name} {question.text}").split())


def _still_valid(kb: KnowledgeBase, question_id: str, value: Value) -> bool:
    question = kb.questions.get(question_id)
    if question is None:
        return False
    if isinstance(value, float) or value == UNKNOWN:
        return question.kind == "number" or value == UNKNOWN
    return value in question.allowed_values()
