"""What the parts of a reading see of it (chatbot.intake.reading implements it): the text,
its words and context, the candidates so far, and the steps that add to them. The parts
(labs, support, attribution, settle) depend on this view, never on the reading itself."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from chatbot.intake.candidates import Candidate, LeftOut
from chatbot.intake.context import ContextIndex
from chatbot.intake.lexicon import Target
from chatbot.knowledge.model import KnowledgeBase, Value
from chatbot.knowledge.text import Word


@dataclass(frozen=True)
class Match:
    """A phrase of the vocabulary found in the text: words ws[start:end], and its meaning."""

    start: int
    end: int
    target: Target


class ReadingView(Protocol):
    kb: KnowledgeBase
    text: str
    ws: list[Word]
    index: ContextIndex
    direct: dict[str, list[Candidate]]
    bands: dict[str, list[Candidate]]
    left: list[LeftOut]
    places: list[tuple[Match, frozenset[str]]]

    def add_fact(
        self,
        question_id: str,
        value: Value,
        first: int,
        end: int,
        alternative: bool = False,
        note: str = "",
        via_name: bool = False,
    ) -> None: ...

    def add_candidate(self, candidate: Candidate) -> None: ...

    def add_measured(self, candidate: Candidate) -> None: ...

    def leave_out(
        self, question: str, value: Value, first: int, end: int, reason: str, detail: str = ""
    ) -> None: ...

    def affirmed(self, start: int, end: int) -> bool: ...

    def usable_name(self, match: Match) -> bool: ...

    def skip_fillers(self, index: int, limit: int = 4) -> int: ...

    def qualifier_at(self, index: int, question: str) -> tuple[int, Value] | None: ...

    def qualifier_ending_at(self, end: int, question: str) -> int | None: ...

    def band_word_at(self, index: int, band: str) -> int: ...

    def sentence_of(self, index: int) -> int: ...
