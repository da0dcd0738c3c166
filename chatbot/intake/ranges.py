"""A value read against the report's own reference range: 'PTH 59 pg/mL (usual range 10-55)'
is raised for the laboratory that measured it, whatever calcify's own bands say, and
'1,25-dihydroxyvitamin D 27 pg/mL (6-62)' is normal though calcify has no bands for it. Only
for a choice question that maps lab bands to its choices (`bands`). Pure: no I/O.
"""

from __future__ import annotations

from chatbot.intake.candidates import Candidate, parsed
from chatbot.intake.view import Match, ReadingView

REACH = 4
"""Words between a test's name and its value ('was raised at'), and between the value and
the bracket that gives its range ('pg/mL (')."""
_DASHES = ("-", "–", "—")


def reported_range(reading: ReadingView, match: Match) -> Candidate | None:
    """The band the value after a name falls in, against the range in brackets after it."""
    question = reading.kb.questions[match.target.question]
    bands = dict(question.bands)
    if not bands:
        return None
    ws = reading.ws
    value = next(
        (i for i in range(match.end, min(match.end + REACH, len(ws))) if ws[i].is_number), None
    )
    if value is None or any(ch in ".;\n(" for w in ws[match.end : value + 1] for ch in w.before):
        return None
    limits = _bracketed_range(reading, value + 1)
    if limits is None:
        return None
    low, high, end = limits
    number = float(ws[value].key)
    band = "low" if number < low else "raised" if number > high else "normal"
    choice = bands.get(band)
    if choice is None:
        return None
    start, stop = ws[match.start].start, ws[end - 1].end
    return Candidate(
        question.id,
        choice,
        start,
        stop,
        parsed(question, choice),
        note=f"{band} against the report's own range {low:g}-{high:g}",
        word=match.start,
    )


def _bracketed_range(reading: ReadingView, index: int) -> tuple[float, float, int] | None:
    """'(6-62)', '(usual range 10-55 pg/mL)', '(2.2 to 2.6)' within reach: low, high and the
    word after the range."""
    ws = reading.ws
    for start in range(index, min(index + REACH, len(ws))):
        if "(" not in ws[start].before:
            if ws[start].is_number or any(ch in ".;\n" for ch in ws[start].before):
                return None
            continue
        for first in range(start, min(start + REACH + 2, len(ws) - 1)):
            if ")" in ws[first].before:
                return None
            if not ws[first].is_number:
                continue
            second = first + 1
            if ws[second].key == "to" and second + 1 < len(ws):
                second += 1
            elif ws[second].before.strip() not in _DASHES:
                return None
            if not ws[second].is_number:
                return None
            low, high = float(ws[first].key), float(ws[second].key)
            return (low, high, second + 1) if low < high else None
        return None
    return None
