"""Read a measured value after its name in a case description: 'Ca 2.35 mmol/L', 'eGFR 22'.

The number and its unit are read by chatbot.answers, so a bare number gets the unit only when
exactly one unit makes it plausible; otherwise nothing is read. Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

from chatbot.errors import AnswerError
from chatbot.intake.cues import skip_fillers
from chatbot.knowledge.answers import ParsedAnswer, parse_number
from chatbot.knowledge.model import NumberChoices, NumberRange, Question, Unit
from chatbot.knowledge.text import Word

_BEFORE_NUMBER = ":=(<>≤≥~"
_BOUNDS = {"<": "below", "≤": "below", ">": "above", "≥": "above"}
_RANGE_DASHES = ("-", "–", "—")


@dataclass(frozen=True)
class Measure:
    """A value read for a question: its answer, where it stands, and for a band its choices."""

    answer: ParsedAnswer
    start: int
    end: int
    compatible: tuple[str, ...] = ()


def read_measure(
    question: Question, text: str, ws: list[Word], first: int, end: int
) -> Measure | None:
    """The value after the name ws[first:end], or None when there is none or it is unclear."""
    index = skip_fillers(ws, end, _BEFORE_NUMBER)
    if index < 0 or not ws[index].is_number or _is_range(ws, index):
        return None
    bound = next((_BOUNDS[m] for m in ws[index].before if m in _BOUNDS), "")
    number = ws[index]
    if question.kind == "number":
        if bound:
            return None
        return _read_number(question, question.units, text, ws[first].start, number)
    if question.number_choices is None:
        return None
    return _read_band(question, question.number_choices, text, ws[first].start, number, bound)


def _is_range(ws: list[Word], index: int) -> bool:
    """'2.2-2.6' or '2.2 to 2.6' is a reference range, not a result."""
    following = ws[index + 1 : index + 3]
    if following and following[0].is_number and following[0].before.strip() in _RANGE_DASHES:
        return True
    return len(following) == 2 and following[0].key == "to" and following[1].is_number


def _read_number(
    question: Question, units: tuple[Unit, ...], text: str, start: int, number: Word
) -> Measure | None:
    unit, stop = unit_after(text, number.end, units)
    if unit is None and stop > number.end:
        return None  # a unit this question does not know: do not guess
    typed = f"{number.key} {unit.name}" if unit else number.key
    try:
        answer = parse_number(question, typed)
    except AnswerError:
        return None
    return Measure(answer, start, stop)


def _read_band(
    question: Question, bands: NumberChoices, text: str, start: int, number: Word, bound: str
) -> Measure | None:
    as_number = _as_number_question(question, bands)
    measure = _read_number(as_number, bands.units, text, start, number)
    if measure is None or not isinstance(measure.answer.value, float):
        return None
    band = _band(bands.ranges, measure.answer.value, bound)
    if band is None:
        return None
    choice = question.choice(band.choices[0])
    label = choice.label if choice else band.choices[0]
    answer = ParsedAnswer(question.id, band.choices[0], label=label)
    return Measure(answer, measure.start, measure.end, band.choices)


def _band(ranges: tuple[NumberRange, ...], value: float, bound: str) -> NumberRange | None:
    """The band holding the value; for '<x' or '>x', the band holding everything beyond x."""
    if bound == "below":
        return next(
            (r for r in ranges if r.low is None and (r.high is None or value <= r.high)), None
        )
    if bound == "above":
        return next(
            (r for r in ranges if r.high is None and (r.low is None or value >= r.low)), None
        )
    return next((r for r in ranges if r.holds(value)), None)


def _as_number_question(question: Question, bands: NumberChoices) -> Question:
    """The measured number as a number question, so answers.parse_number reads it."""
    return Question(
        id=question.id,
        text=question.text,
        kind="number",
        why=question.why,
        citation=bands.citation,
        file=question.file,
        order=question.order,
        units=bands.units,
        plausible=bands.plausible,
        label=question.name,
    )


def unit_after(text: str, position: int, units: tuple[Unit, ...]) -> tuple[Unit | None, int]:
    """The unit written at position (spaces ignored) and where it ends.

    (None, position) when no unit follows; (None, end) when something unit-like that none of
    the units names follows ('2.3 µmol/L' for a question in mg/dL and mmol/L).
    """
    spellings = sorted(
        ((name, unit) for unit in units for name in (unit.name, *unit.synonyms)),
        key=lambda pair: -len(pair[0]),
    )
    for name, unit in spellings:
        stop = _spelled_at(text, position, name)
        if stop is not None:
            return unit, stop
    rest = text[position:].lstrip()
    chunk = rest.split(maxsplit=1)[0].rstrip(",;.)") if rest else ""
    if "/" in chunk or chunk.startswith("%"):
        return None, position + (len(text[position:]) - len(rest)) + len(chunk)
    return None, position


def _spelled_at(text: str, position: int, name: str) -> int | None:
    """Where the unit name ends if it is written at position (case and spaces ignored)."""
    index = position
    while index < len(text) and text[index] == " ":
        index += 1
    for char in name.replace(" ", "").casefold():
        while index < len(text) and text[index] == " " and char != " ":
            index += 1
        if index >= len(text) or text[index].casefold() != char:
            return None
        index += 1
    if index < len(text) and (text[index].isalnum() or text[index] in "/%"):
        return None
    return index
