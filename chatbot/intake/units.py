"""The unit of a measured number in a case description: the unit written after it, or the
one unit that makes it plausible, and why a unit cannot be right. Pure: no I/O."""

from __future__ import annotations

from chatbot.knowledge.answers import ParsedAnswer
from chatbot.knowledge.model import Question, Unit
from chatbot.knowledge.text import Word


def read_numbers(
    scale: Question, text: str, numbers: list[Word]
) -> tuple[list[ParsedAnswer] | str | None, int]:
    """The numbers read in the unit after the last (or the one unit that makes them all
    plausible), a message when that unit cannot be right, or None; and where the unit ends."""
    unit, stop = unit_after(text, numbers[-1].end, scale.units)
    given = [float(n.key) for n in numbers]
    if unit is not None:
        return in_unit(scale, given, unit, inferred=False), stop
    if stop > numbers[-1].end:
        written = text[numbers[-1].end : stop].strip()
        names = ", ".join(u.name for u in scale.units)
        return f": {written} is not a unit of {scale.name} (it is given in {names})", stop
    candidates = tuple(u for u in scale.units if u.infer) or scale.units[:1]
    fits = [u for u in candidates if all(_plausible(scale, g * u.factor) for g in given)]
    if scale.plausible is None or len(candidates) == 1:
        fits = list(candidates[:1])
    if len(fits) == 1:
        return in_unit(scale, given, fits[0], inferred=True), stop
    if not fits and not any(_plausible(scale, g * u.factor) for g in given for u in candidates):
        return _implausible(scale, given, candidates), stop
    return None, stop


def in_unit(
    scale: Question, given: list[float], unit: Unit, inferred: bool
) -> list[ParsedAnswer] | str:
    """The numbers as answers in the unit, or why they cannot be in it."""
    if not all(_plausible(scale, g * unit.factor) for g in given):
        return _implausible(scale, given, (unit,))
    return [
        ParsedAnswer(scale.id, round(g * unit.factor, 4), g, unit.name, inferred_unit=inferred)
        for g in given
    ]


def _plausible(scale: Question, value: float) -> bool:
    low, high = scale.plausible or (value, value)
    return low <= round(value, 4) <= high


def _implausible(scale: Question, given: list[float], units: tuple[Unit, ...]) -> str:
    """' is not plausible in mmol/L (plausible range 0.749–6.24 mmol/L); 8.7 would be
    plausible in mg/dL'."""
    low, high = scale.plausible or (0.0, 0.0)
    names = " or ".join(u.name for u in units)
    shown = units[0] if len(units) == 1 else scale.units[0]
    message = (
        f" is not plausible in {names} (plausible range "
        f"{_figure(low / shown.factor)}–{_figure(high / shown.factor)} {shown.name})"
    )
    others = [
        u.name
        for u in scale.units
        if u.infer and u not in units and all(_plausible(scale, g * u.factor) for g in given)
    ]
    if others:
        numbers = "–".join(f"{g:g}" for g in given)
        message += f"; {numbers} would be plausible in {' or '.join(others)}"
    return message


def _figure(value: float) -> str:
    """Three significant figures, never in exponent notation: 0.749, 6.24, 5000."""
    rounded = float(f"{value:.3g}")
    return f"{rounded:.0f}" if rounded >= 1000 else f"{rounded:g}"


def spellings(unit: Unit) -> tuple[str, ...]:
    """The ways a unit may be written: its name and its synonyms."""
    return (unit.name, *unit.synonyms)


def unit_after(text: str, position: int, units: tuple[Unit, ...]) -> tuple[Unit | None, int]:
    """The unit written at position (spaces ignored) and where it ends.

    (None, position) when no unit follows; (None, end) when something unit-like that none of
    the units names follows ('2.3 µmol/L' for a question in mg/dL and mmol/L).
    """
    written = sorted(
        ((name, unit) for unit in units for name in spellings(unit)),
        key=lambda pair: -len(pair[0]),
    )
    for name, unit in written:
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
