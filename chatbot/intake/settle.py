"""Settling a reading on at most one answer per question: agreed values, what they imply, then
the requirements of each question; values that contradict each other are left out. Pure."""

from __future__ import annotations

from chatbot.intake.candidates import (
    WEAK,
    Candidate,
    LeftOut,
    agree,
    distinct,
    implications,
    implied,
    refined,
    requirements_met,
)
from chatbot.intake.view import ReadingView
from chatbot.knowledge.model import Question


def settle(reading: ReadingView) -> tuple[dict[str, Candidate], list[LeftOut]]:
    """One candidate per question, and the findings left out (with those in conflict)."""
    excluded: set[str] = set()
    while True:
        chosen, conflicts = _agreed(reading, excluded)
        _imply(reading, chosen, conflicts, excluded)
        unmet = {q for q in chosen if not requirements_met(reading.kb.questions[q], chosen)}
        if not unmet:
            break
        excluded |= unmet
    for item in reading.left:  # a value that cannot be right is asked, not filled in by a panel
        if item.reason == "unit" and item.question in chosen:
            if chosen[item.question].strength == WEAK:
                del chosen[item.question]
    left = list(reading.left)
    for question_id, found in conflicts.items():
        if question_id in chosen:
            continue
        values = " and ".join(_shown(c) for c in found)
        for candidate in found:
            left.append(
                LeftOut(
                    question_id,
                    candidate.value,
                    candidate.start,
                    candidate.end,
                    "conflicting",
                    f"the description says both {values}",
                )
            )
    return chosen, left


def _shown(candidate: Candidate) -> str:
    return candidate.answer.label or str(candidate.value)


def _agreed(
    reading: ReadingView, excluded: set[str]
) -> tuple[dict[str, Candidate], dict[str, list[Candidate]]]:
    chosen: dict[str, Candidate] = {}
    conflicts: dict[str, list[Candidate]] = {}
    for question_id, question in reading.kb.questions.items():
        if question_id in excluded:
            continue
        direct = _reconciled(question, refined(question, reading.direct.get(question_id, [])))
        found = agree(direct, reading.bands.get(question_id, []))
        if isinstance(found, list) and question.first:
            found = min(found, key=lambda c: c.start)  # the first value given is taken
        if isinstance(found, Candidate):
            chosen[question_id] = found
        elif found:
            conflicts[question_id] = found
    return chosen, conflicts


def _reconciled(question: Question, candidates: list[Candidate]) -> list[Candidate]:
    """A number read for a lab outweighs a word for it that agrees ('hypercalcaemia, Ca 3.1
    mmol/L'); a word that disagrees stays, so the two conflict."""
    numbers = [c for c in candidates if isinstance(c.value, float)]
    if not numbers or not question.accepts_words:
        return candidates
    kept = []
    for candidate in candidates:
        band = question.band(str(candidate.value)) if isinstance(candidate.value, str) else None
        if band is not None and all(_within(n.value, band) for n in numbers):
            continue
        kept.append(candidate)
    return kept


def _within(value: object, band: tuple[float, float, bool, bool]) -> bool:
    if not isinstance(value, float):
        return False
    low, high, low_open, high_open = band
    above = value > low or (not low_open and value == low)
    below = value < high or (not high_open and value == high)
    return above and below


def _imply(
    reading: ReadingView,
    chosen: dict[str, Candidate],
    conflicts: dict[str, list[Candidate]],
    excluded: set[str],
) -> None:
    """Fill unanswered questions (or settle contradicted ones) from what answers imply."""
    kb = reading.kb
    done: set[str] = set()
    while True:
        found = implications(kb, chosen, done)
        done |= set(chosen)
        added = False
        for target, sources in found.items():
            if target in excluded or len(distinct(sources)) != 1:
                continue
            if target in chosen and (
                chosen[target].strength != WEAK or chosen[target].value == sources[0].value
            ):
                continue  # a stated answer wins over an implied one; a guess does not
            among = [c for c in conflicts.get(target, []) if c.value == sources[0].value]
            chosen[target] = among[0] if among else implied(kb.questions[target], sources[0])
            added = True
        if not added:
            return
