"""Questions and what they accept: choices, units, measured bands and lab words. Pure data."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from chatbot.knowledge.citations import Citation

QuestionKind = Literal["yesno", "choice", "number"]

LAB_WORDS = ("low", "normal", "raised")
"""What a measured value was reported as, without the value: a lab question with a reference
range accepts these words as answers ("calcium and phosphate were normal")."""


Pairs = tuple[tuple[str, str], ...]
"""Answers as (question id, value) pairs: what one answer implies or requires."""


@dataclass(frozen=True)
class Choice:
    id: str
    label: str
    synonyms: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    """Longer phrases that mean this choice in a case description (never a typed answer)."""
    implies: Pairs = ()
    """Answers that follow when a case description is read as this choice."""
    refines: tuple[str, ...] = ()
    """Choices this one is a more specific case of: read it when a description gives both."""


@dataclass(frozen=True)
class Unit:
    """A unit a number may be given in; value * factor is the value in canonical units."""

    name: str
    factor: float
    synonyms: tuple[str, ...] = ()
    infer: bool = True
    """Whether a bare number may be read in this unit when it is the only plausible one."""


@dataclass(frozen=True)
class NumberRange:
    """A band of a measured number and the choices it is consistent with (the first by default)."""

    choices: tuple[str, ...]
    low: float | None = None
    low_inclusive: bool = True
    high: float | None = None
    high_inclusive: bool = False

    def holds(self, value: float) -> bool:
        above = self.low is None or value > self.low or (self.low_inclusive and value == self.low)
        below = (
            self.high is None or value < self.high or (self.high_inclusive and value == self.high)
        )
        return above and below


@dataclass(frozen=True)
class NumberChoices:
    """How a measured number named in a case description answers a choice question."""

    names: tuple[str, ...]
    units: tuple[Unit, ...]
    ranges: tuple[NumberRange, ...]
    citation: Citation
    plausible: tuple[float, float] | None = None


@dataclass(frozen=True)
class Support:
    """Vague words of a question read from a description only near one of `near` (words, or
    `@name` for a word set): "tendon" is a site when a calcification is named beside it."""

    terms: tuple[str, ...]
    near: tuple[str, ...]
    within: int = 4


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    kind: QuestionKind
    why: str
    citation: Citation
    file: str
    order: int
    choices: tuple[Choice, ...] = ()
    units: tuple[Unit, ...] = ()
    reference: tuple[float, float] | None = None
    plausible: tuple[float, float] | None = None
    label: str = ""
    # The vocabulary for reading a case description (rules/README.md, "Case descriptions").
    phrases: tuple[str, ...] = ()
    """Phrases naming what the question asks: yes for a yes/no question; negated, no or none."""
    names: tuple[str, ...] = ()
    """Names of the measured thing: followed by a value, or next to a choice ("PTH raised")."""
    not_phrases: tuple[str, ...] = ()
    """Phrases containing this question's words that mean something else."""
    answer_only: tuple[str, ...] = ()
    """Choice ids or synonyms too vague to be read from a case description."""
    negative: str = ""
    """The choice a negated question phrase gives ("no connective-tissue disease": none)."""
    implies: Pairs = ()
    """Answers that follow when a case description answers this (other than no or none)."""
    requires: Pairs = ()
    """Read from a case description only when these answers are read as well."""
    number_choices: NumberChoices | None = None
    several: bool = False
    groups: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """Headings over runs of choices (the sites by region or system), shown as asked."""
    """A choice question that takes several choices at once ("lung and stomach")."""
    several_imply: Pairs = ()
    """Answers that follow when several choices are given (several sites: widespread)."""
    current: bool = False
    """Only what holds now answers it: a historical mention ('calcium was 3.1 before
    treatment', 'parathyroidectomy ten years ago') is left out."""
    place: bool = False
    """The question that says where the deposit is: what local findings are attributed by."""
    local: bool = False
    """It is about the deposit's own place: a mention in a sentence about another site only
    ('an intramuscular injection in the buttock') is left out as elsewhere."""
    supported: tuple[Support, ...] = ()
    if_uncertain: Pairs = ()
    """(choice, choice): what an uncertain mention of a choice gives ('the differential
    included osteosarcoma': a suspected sarcoma), where the uncertainty is itself the answer."""
    lab_words: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """For a lab: words that report it in a band ('hypercalcaemia': raised)."""
    first: bool = False
    """When a description gives it several values, the first is taken: a case report opens
    with the patient's age ('a 20-day-old boy ... his 21-year-old mother')."""
    one_deposit: str = ""
    """The answer a description gives that names one deposit ('a calcified mass') at one
    place and nothing more: read weakly, so any word of more deposits wins."""
    bands: Pairs = ()
    """For a choice question with names: the choice a lab band word next to a name gives
    ('renal function within normal limits': normal)."""
    word_names: tuple[str, ...] = ()
    """Names read only with a word next to them, never with a value ('creatinine normal',
    'raised creatinine'): the value of such a test does not answer the question."""

    @property
    def unit(self) -> str:
        """The canonical unit (the first listed), in which rules compare numbers."""
        return self.units[0].name if self.units else ""

    @property
    def name(self) -> str:
        """A short human name: the label if given, else the id in words."""
        return self.label or self.id.replace("_", " ")

    @property
    def accepts_words(self) -> bool:
        """A measured value that may also be reported in words (low, normal, raised): every
        number question with a reference range."""
        return self.kind == "number" and self.reference is not None

    def band(self, word: str) -> tuple[float, float, bool, bool] | None:
        """The values a word answer stands for, as (low, high, low open, high open) in the
        canonical unit: below, within or above the reference range; None for other values."""
        if not self.accepts_words or word not in LAB_WORDS or self.reference is None:
            return None
        low, high = self.reference
        return {
            "low": (-math.inf, low, True, True),
            "normal": (low, high, False, False),
            "raised": (high, math.inf, True, True),
        }[word]

    def choice(self, choice_id: str) -> Choice | None:
        return next((c for c in self.choices if c.id == choice_id), None)

    def allowed_values(self) -> tuple[str, ...]:
        if self.kind == "yesno":
            return ("yes", "no")
        if self.accepts_words:
            return LAB_WORDS
        return tuple(c.id for c in self.choices)
