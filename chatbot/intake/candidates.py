"""What a reading finds before it settles on answers: candidate values with their evidence,
findings left out and why, and how the candidates for one question are settled. Pure."""

from __future__ import annotations

from dataclasses import dataclass

from chatbot.knowledge.answers import ParsedAnswer
from chatbot.knowledge.model import KnowledgeBase, Question, Value

STATED, WEAK = 2, 1
"""How firmly a candidate is stated: in its own words, or only through a panel ('labs
unremarkable') that a value or word given for the test itself overrides."""


@dataclass(frozen=True)
class Candidate:
    """A value for a question, the characters of the text it was read from, and how."""

    question: str
    value: Value
    start: int
    end: int
    answer: ParsedAnswer
    compatible: tuple[str, ...] = ()
    """For a value read from a band of a number (eGFR 22): the choices the band allows."""
    note: str = ""
    """How the phrase was qualified, when it was: "negated by 'no history of'"."""
    strength: int = STATED
    word: int = -1
    """The index of its first word (-1 when it comes from no words of its own)."""


@dataclass(frozen=True)
class LeftOut:
    """A finding the text mentions that gives no answer, and why (for the review)."""

    question: str
    value: Value
    start: int
    end: int
    reason: str
    """negated, historical, hypothetical, family, uncertain, elsewhere, conflicting, unit."""
    detail: str = ""


def parsed(question: Question, value: Value) -> ParsedAnswer:
    if isinstance(value, tuple):
        labels = [c.label if (c := question.choice(v)) else v for v in value]
        return ParsedAnswer(question.id, value, label=" and ".join(labels))
    choice = question.choice(str(value))
    return ParsedAnswer(question.id, value, label=choice.label if choice else str(value))


def agree(direct: list[Candidate], bands: list[Candidate]) -> Candidate | list[Candidate] | None:
    """The one value the candidates agree on, the contradicting candidates, or None."""
    stated = [c for c in direct if c.strength == STATED]
    values = distinct(stated or direct)
    if bands:
        defaults = distinct(bands)
        if len(defaults) != 1:
            return None
        if len(values) == 1 and values[0].value in defaults[0].compatible:
            return values[0]
        return defaults[0]  # a measured number outweighs a looser word ('CKD, eGFR 45')
    if len(values) == 1:
        return values[0]
    return values or None


def refined(question: Question, candidates: list[Candidate]) -> list[Candidate]:
    """Without the values a more specific value also read refines ('renal failure', 'dialysis')."""
    values = {c.value for c in candidates}
    general = {g for v in values if (c := question.choice(str(v))) for g in c.refines}
    return [c for c in candidates if c.value not in general]


def distinct(candidates: list[Candidate]) -> list[Candidate]:
    """The first candidate of each distinct value, in the order of the text."""
    seen: list[Candidate] = []
    for candidate in sorted(candidates, key=lambda c: c.start):
        if not any(same(candidate.value, s.value) for s in seen):
            seen.append(candidate)
    return seen


def same(a: Value, b: Value) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) < 1e-9
    return a == b


def negative(question: Question) -> str:
    """The answer a denial of the whole question gives: no, or its negative (none) choice."""
    if question.kind == "yesno":
        return "no"
    if question.negative:
        return question.negative
    return "none" if question.choice("none") else ""


def implications(
    kb: KnowledgeBase, chosen: dict[str, Candidate], done: set[str]
) -> dict[str, list[Candidate]]:
    """For each question, the values the newly chosen answers (not no or none) imply for it."""
    implied: dict[str, list[Candidate]] = {}
    for candidate in chosen.values():
        question = kb.questions[candidate.question]
        if candidate.question in done or candidate.value in ("no", negative(question)):
            continue
        pairs = question.implies
        if isinstance(candidate.value, tuple):
            pairs += question.several_imply if len(candidate.value) > 1 else ()
            chosen_choices = [question.choice(v) for v in candidate.value]
        else:
            chosen_choices = [question.choice(str(candidate.value))]
        pairs += tuple(p for c in chosen_choices if c for p in c.implies)
        for target, value in pairs:
            implied.setdefault(target, []).append(
                Candidate(target, value, candidate.start, candidate.end, candidate.answer)
            )
    return implied


def implied(question: Question, source: Candidate) -> Candidate:
    value = source.value
    return Candidate(question.id, value, source.start, source.end, parsed(question, value))


def requirements_met(question: Question, chosen: dict[str, Candidate]) -> bool:
    return all(t in chosen and same(chosen[t].value, v) for t, v in question.requires)
