"""Units and measured bands: how a number is given and which choices each range of it
allows (the eGFR bands of kidney function). Part of the loader: defects are recorded with
file, question and field, never raised."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from chatbot.knowledge.citations import Citation
from chatbot.knowledge.fields import TableReader, did_you_mean, read_phrases
from chatbot.knowledge.questions import Choice, NumberChoices, NumberRange, Unit

_LOWER = {"from": True, "above": False}
_UPPER = {"to": True, "below": False}

UnitsReader = Callable[[TableReader], tuple[Unit, ...]]
CitationReader = Callable[[TableReader], Citation]


def read_units(r: TableReader) -> tuple[Unit, ...]:
    units = []
    for index, table in enumerate(r.tables("units")):
        u = r.element("units", index, table)
        u.check_keys(("name", "factor"), ("synonyms", "infer"))
        factor = u.number("factor", 1.0)
        if factor <= 0:
            u.defect("factor", "must be a positive number")
        infer = u.table.get("infer", True)
        if not isinstance(infer, bool):
            u.defect("infer", "write true or false")
        units.append(Unit(u.text("name"), factor, u.texts("synonyms"), infer is not False))
    if not units:
        r.defect("units", "a number needs at least one unit (the first is canonical)")
    elif units[0].factor != 1.0:
        r.defect("units", "the first unit is canonical: its factor must be 1")
    return tuple(units)


def read_number_choices(
    r: TableReader,
    names: tuple[str, ...],
    choices: tuple[Choice, ...],
    read_units: UnitsReader,
    read_citation: CitationReader,
) -> NumberChoices:
    r.check_keys(("ranges", "source"), ("names", "units", "plausible"))
    own_names = read_phrases(r, "names") or names
    if not own_names:
        r.defect("names", "name the measurement (here or as the question's names)")
    ranges = tuple(
        _range(r.element("ranges", i, t), choices) for i, t in enumerate(r.tables("ranges"))
    )
    if not ranges:
        r.defect("ranges", "list at least one range, e.g. { below = 15, choices = [...] }")
    _check_overlaps(r, ranges)
    return NumberChoices(own_names, read_units(r), ranges, read_citation(r), r.range("plausible"))


def _range(r: TableReader, choices: tuple[Choice, ...]) -> NumberRange:
    r.check_keys(("choices",), (*_LOWER, *_UPPER))
    chosen = r.texts("choices")
    if not chosen:
        r.defect("choices", "list the choices this range is consistent with (the first by default)")
    for choice_id in chosen:
        if choice_id not in {c.id for c in choices}:
            r.defect(
                "choices",
                f"unknown choice {choice_id!r}",
                did_you_mean(choice_id, [c.id for c in choices]),
            )
    low, low_inclusive = _bound(r, _LOWER)
    high, high_inclusive = _bound(r, _UPPER)
    if low is None and high is None:
        r.defect("", "a range needs a bound: from, above, below or to")
    elif low is not None and high is not None and low >= high:
        r.defect("", f"the lower bound ({low:g}) must be below the upper bound ({high:g})")
    return NumberRange(chosen, low, low_inclusive, high, high_inclusive)


def _bound(r: TableReader, keys: Mapping[str, bool]) -> tuple[float | None, bool]:
    given = [key for key in keys if key in r.table]
    if len(given) > 1:
        r.defect(given[1], f"give only one of {' or '.join(keys)}")
    if not given:
        return None, True
    return r.number(given[0]), keys[given[0]]


def _check_overlaps(r: TableReader, ranges: tuple[NumberRange, ...]) -> None:
    for index, one in enumerate(ranges):
        for other in ranges[index + 1 :]:
            if _overlap(one, other):
                r.defect("ranges", "two ranges overlap: a number must fall in at most one")
                return


def _overlap(a: NumberRange, b: NumberRange) -> bool:
    return _below(a, b) is False and _below(b, a) is False


def _below(a: NumberRange, b: NumberRange) -> bool:
    """Whether every value of a lies below every value of b."""
    if a.high is None or b.low is None:
        return False
    return a.high < b.low or (a.high == b.low and not (a.high_inclusive and b.low_inclusive))
