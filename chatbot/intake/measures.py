"""Read a measured value in a case description, for a number question or a choice question
with measured bands (`number_choices`):

- after the measurement's name: 'Ca 2.35 mmol/L', 'eGFR 22', 'PTH of 1,150 pg/mL', 'calcium
  was elevated at 10.9 mg/dL' (a lab word before the value of a question with a reference
  range must agree with it);
- a range of results after the name: 'calcium 2.2-2.6 mmol/L', 'ranged from 2.2 to 2.6',
  'between 2.2 and 2.6' give the lab word (low, normal, raised) or the band both ends share,
  and nothing when they differ or when the range is in brackets (a reference range);
- before a name that is also one of the question's units: 'a 65-year-old', '70 years of age'.

A number without a unit takes the one unit that makes it (both ends of a range) plausible;
when several do, nothing is read. A bound ('> 3') is read only into a band.

What the reader gets from `read_measure`:
- a Measure with an `answer` (and an empty `flag`): the value, and the span of the text it
  was read from (text[start:end]);
- a Measure with a `flag` and no answer: a value whose unit cannot be right, implausible in
  the unit written ('calcium 8.7 mmol/L'), in every unit when none is written ('calcium
  120'), or written in a unit the question does not know ('calcium 2.3 umol/L'); or a value
  the lab word before it contradicts ('calcium was low at 11.9 mg/dL'). The flag is a
  sentence that quotes the phrase text[start:end]. It is never an answer: list it among the
  findings left out, and ask the question;
- None: no value, or an unclear one (several plausible units, a reference range, a range
  across bands, a bound for a number question).
Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

from chatbot.intake.context import ContextIndex
from chatbot.intake.units import in_unit, read_numbers, spellings, unit_after
from chatbot.knowledge.answers import ParsedAnswer, reading
from chatbot.knowledge.model import LAB_WORDS, NumberChoices, NumberRange, Question, Unit
from chatbot.knowledge.text import Word, phrase_key

_BEFORE_NUMBER = ":=(<>≤≥~"
_BOUNDS = {"<": "below", "≤": "below", ">": "above", "≥": "above"}
_RANGE_DASHES = ("-", "–", "—")
_BRACKETS = "(["
_BETWEEN = phrase_key("between")[0]


@dataclass(frozen=True)
class Measure:
    """A value read for a question: its answer (or, flagged, why it cannot be right), where
    it stands, and for a band its choices."""

    answer: ParsedAnswer | None
    start: int
    end: int
    compatible: tuple[str, ...] = ()
    flag: str = ""
    """Why the value seen cannot be right, quoting it (then answer is None)."""


def read_measure(
    question: Question, text: str, ws: list[Word], first: int, end: int, words: ContextIndex
) -> Measure | None:
    """The value of the measurement named ws[first:end], a flagged value, or None. `words`
    holds the word sets of rules/context.toml: fillers, lab words and range words."""
    scale = _scale(question)
    if scale is None:
        return None
    key = tuple(w.key for w in ws[first:end])
    unit = next((u for u in scale.units if key in map(phrase_key, spellings(u))), None)
    if unit is not None:
        return _read_before(question, scale, text, ws, (first, end), unit)
    return _read_after(question, scale, text, ws, (first, end), words)


def _scale(question: Question) -> Question | None:
    """The question as a number question: itself, or its measured bands."""
    if question.kind == "number":
        return question
    bands = question.number_choices
    return None if bands is None else _as_number_question(question, bands)


def _read_before(
    question: Question,
    scale: Question,
    text: str,
    ws: list[Word],
    name: tuple[int, int],
    unit: Unit,
) -> Measure | None:
    """The number just before a name that spells a unit: 'a 65-year-old', '70 years of age'."""
    first, end = name
    index = first - 1
    if index < 0 or not ws[index].is_number or ws[first].before not in ("", "-"):
        return None
    if index > 0 and ws[index - 1].is_number and ws[index].before in _RANGE_DASHES:
        return None  # 'a 20-25-year-old': an age range is no age
    start, stop = ws[index].start, ws[end - 1].end
    values = in_unit(scale, [float(ws[index].key)], unit, inferred=False)
    if isinstance(values, str):
        return Measure(None, start, stop, flag=f"{text[start:stop]}{values}")
    return _answer(question, values, ("", ""), text, (start, stop))


def _read_after(
    question: Question,
    scale: Question,
    text: str,
    ws: list[Word],
    name: tuple[int, int],
    words: ContextIndex,
) -> Measure | None:
    """The value or range of values after the name ws[name[0]:name[1]]."""
    found = _value_after(ws, name[1], words)
    if found is None:
        return None
    index, said, range_word = found
    bound = next((_BOUNDS[m] for m in ws[index].before if m in _BOUNDS), "")
    other = _other_end(text, ws, index, scale.units, range_word == _BETWEEN)
    if other is None and range_word:
        return None  # 'ranged from 2.2' with no other end
    if other is not None and (bound or _bracketed(ws[name[1] : index + 1])):
        return None  # '(2.2-2.6)' is a reference range
    if bound and question.kind == "number":
        return None
    numbers = [ws[index]] if other is None else [ws[index], ws[other]]
    values, stop = read_numbers(scale, text, numbers)
    start = ws[name[0]].start
    if isinstance(values, str):
        return Measure(None, start, stop, flag=f"{text[start:stop]}{values}")
    if values is None:
        return None
    return _answer(question, values, (said, bound), text, (start, stop))


def _value_after(ws: list[Word], end: int, words: ContextIndex) -> tuple[int, str, str] | None:
    """The index of the number after a name, the lab word said before it ('was elevated at')
    and the last range word before it ('ranged from', 'between'), past filler words."""
    said, range_word = "", ""
    index = skip_fillers(words, ws, end, _BEFORE_NUMBER)
    while index >= 0 and not ws[index].is_number:
        key = ws[index].key
        band = next((b for b in LAB_WORDS if words.has(b, (key,))), "")
        if band and not said and not range_word:
            said = band
        elif words.has("range_words", (key,)):
            range_word = key
        else:
            return None
        index = skip_fillers(words, ws, index + 1, _BEFORE_NUMBER)
    return None if index < 0 else (index, said, range_word)


def skip_fillers(
    words: ContextIndex, ws: list[Word], index: int, allowed_marks: str, limit: int = 4
) -> int:
    """The index of the first word from index on that is not a filler, or -1 past a mark
    other than the allowed ones."""
    for _ in range(limit + 1):
        if index >= len(ws) or not all(mark in allowed_marks for mark in ws[index].before):
            return -1
        if not words.word_in("fillers", ws[index]):
            return index
        index += 1
    return -1


def _bracketed(between: list[Word]) -> bool:
    return any(mark in _BRACKETS for word in between for mark in word.before)


def _other_end(
    text: str, ws: list[Word], index: int, units: tuple[Unit, ...], between: bool
) -> int | None:
    """The index of a range's other end after the number ws[index] ('2.2-2.6', '2.2 to 2.6
    mmol/L', 'between 2.2 and 2.6'); a unit after the first end must follow the other too."""
    first_unit, stop = unit_after(text, ws[index].end, units)
    after = index + 1
    while after < len(ws) and ws[after].start < stop:
        after += 1
    joiner = "and" if between else "to"
    if after < len(ws) and ws[after].is_number and ws[after].before in _RANGE_DASHES:
        other = after
    elif (
        after + 1 < len(ws)
        and ws[after].key == joiner
        and not ws[after].hard_before
        and ws[after + 1].is_number
        and not ws[after + 1].before
    ):
        other = after + 1
    else:
        return None
    if stop > ws[index].end and unit_after(text, ws[other].end, units)[0] != first_unit:
        return None
    return other


def _answer(
    question: Question,
    values: list[ParsedAnswer],
    qualifiers: tuple[str, str],
    text: str,
    span: tuple[int, int],
) -> Measure | None:
    """The answer the values give: a number, the lab word of a range, or a band; flagged
    when the lab word said before them disagrees ('calcium was low at 11.9 mg/dL')."""
    said, bound = qualifiers
    numbers = [v.value for v in values if isinstance(v.value, float)]
    if question.number_choices is not None:
        bands = {_band(question.number_choices.ranges, n, bound) for n in numbers}
        band = bands.pop() if len(bands) == 1 else None
        if band is None:
            return None
        choice = question.choice(band.choices[0])
        label = choice.label if choice else band.choices[0]
        answer = ParsedAnswer(question.id, band.choices[0], label=label)
        return Measure(answer, *span, band.choices)
    readings = {reading(question, n) for n in numbers}
    if said and question.reference is not None and len(readings) == 1 and said not in readings:
        flag = f"{text[span[0] : span[1]]}: the value is {readings.pop()}, not {said}"
        return Measure(None, *span, flag=flag)
    if len(values) == 1:
        return Measure(values[0], *span)
    word = readings.pop() if len(readings) == 1 else ""
    if not word:
        return None
    ends = "–".join(f"{v.given:g}" for v in values if v.given is not None)
    label = f"reported {word}, {ends} {values[0].unit}"
    return Measure(ParsedAnswer(question.id, word, label=label), *span)


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
    """The measured number as a number question, so it is read as a number question is."""
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
