"""The values a consultation returns for each input; ui/render.py turns them into text. No I/O."""

from __future__ import annotations

from dataclasses import dataclass

from chatbot.intake.review import CaseRead
from chatbot.knowledge.answers import ParsedAnswer
from chatbot.knowledge.model import Question, Unit
from chatbot.reasoning.assessment import Assessment
from chatbot.reasoning.explain import WhyAsked, WhyNot


@dataclass(frozen=True)
class Welcome:
    """The three-line greeting."""


@dataclass(frozen=True)
class Ask:
    question: Question
    number: int
    again: bool = False


@dataclass(frozen=True)
class AskUnit:
    question: Question
    number: float
    units: tuple[Unit, ...]


@dataclass(frozen=True)
class Understood:
    question: Question
    answer: ParsedAnswer
    computed: tuple[tuple[str, float], ...] = ()
    """Numbers newly derived by this answer (finding id, value), e.g. corrected calcium."""


@dataclass(frozen=True)
class Problem:
    """Input that could not be used, and what is accepted instead."""

    message: str


@dataclass(frozen=True)
class Note:
    """A short informational line."""

    message: str


@dataclass(frozen=True)
class Conclusion:
    assessment: Assessment


@dataclass(frozen=True)
class How:
    assessment: Assessment


@dataclass(frozen=True)
class Caveats:
    """The caveats that qualify the current conclusion, each with its source."""

    assessment: Assessment


@dataclass(frozen=True)
class Changed:
    before: Assessment
    after: Assessment
    question: Question | None


@dataclass(frozen=True)
class Summary:
    assessment: Assessment
    numbers: tuple[tuple[str, int], ...] = ()
    """(question id, the number it was asked under), in the order they were asked."""


@dataclass(frozen=True)
class CommandHelp:
    name: str
    usage: str
    summary: str


@dataclass(frozen=True)
class Help:
    commands: tuple[CommandHelp, ...]


@dataclass(frozen=True)
class Save:
    """A request to the shell to save the session so far as a transcript."""

    path: str
    force: bool


@dataclass(frozen=True)
class Reload:
    """A request to the shell to reload the knowledge base from disk."""


@dataclass(frozen=True)
class Farewell:
    finished: bool


Block = (
    Welcome
    | Ask
    | AskUnit
    | Understood
    | CaseRead
    | Problem
    | Note
    | Conclusion
    | WhyAsked
    | How
    | Caveats
    | WhyNot
    | Changed
    | Summary
    | Help
    | Save
    | Reload
    | Farewell
)
