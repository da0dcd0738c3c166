"""The reading of one case description: every vocabulary match qualified by its context,
measures read with their units, and the candidates resolved to at most one answer per
question. Pure: no I/O."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from chatbot.intake.cues import context, is_alternative, skip_fillers
from chatbot.intake.lexicon import Lexicon, Target, lexicon_of
from chatbot.intake.measures import read_measure
from chatbot.knowledge.answers import ParsedAnswer
from chatbot.knowledge.model import KnowledgeBase, Question, Value
from chatbot.knowledge.text import Word, words


@dataclass(frozen=True)
class _Candidate:
    """A value for a question and the characters of the text it was read from."""

    question: str
    value: Value
    start: int
    end: int
    answer: ParsedAnswer
    compatible: tuple[str, ...] = ()
    """For a value read from a band of a number (eGFR 22): the choices the band allows."""


@dataclass(frozen=True)
class _Match:
    start: int
    end: int
    target: Target


class Reading:
    """The matches of one text and the candidates they give, question by question."""

    def __init__(self, kb: KnowledgeBase, text: str) -> None:
        self.kb, self.text, self.ws = kb, text, words(text)
        self.direct: dict[str, list[_Candidate]] = {}
        self.bands: dict[str, list[_Candidate]] = {}
        self.denied: dict[str, list[tuple[str, int, int]]] = {}
        self.kept = _kept_matches(lexicon_of(kb), self.ws)
        facts = [m for m in self.kept if m.target.role in ("choice", "topic")]
        starts, ends = {m.start for m in facts}, {m.end for m in facts}
        for match in self.kept:
            if match.target.role == "name":
                self._read_name(match)
            elif match.target.role in ("choice", "topic"):
                alternative = is_alternative(self.ws, match.start, match.end, starts, ends)
                self._read_fact(match, alternative)
        for question_id, denied in self.denied.items():
            self._all_denied(self.kb.questions[question_id], denied)

    def _read_fact(self, match: _Match, alternative: bool) -> None:
        """A choice's or question's phrase: affirmed, denied, or (hedged, 'A or B') nothing."""
        question = self.kb.questions[match.target.question]
        found = context(self.text, self.ws, match.start, match.end)
        if alternative and found.polarity == "affirmed":
            return
        if found.polarity == "affirmed" and match.target.role == "choice":
            self._add(question, match.target.value, match.start, match.end)
        elif found.polarity == "affirmed" and question.kind == "yesno":
            self._add(question, "yes", match.start, match.end)
        elif found.polarity == "negated" and match.target.role == "choice":
            denial = (str(match.target.value), found.first, found.end)
            self.denied.setdefault(question.id, []).append(denial)
        elif found.polarity == "negated" and _negative(question):
            self._add(question, _negative(question), found.first, found.end)

    def _add(self, question: Question, value: Value, first: int, end: int) -> None:
        start, stop = self.ws[first].start, self.ws[end - 1].end
        candidate = _Candidate(question.id, value, start, stop, _parsed(question, value))
        self.direct.setdefault(question.id, []).append(candidate)

    def _all_denied(self, question: Question, denied: list[tuple[str, int, int]]) -> None:
        """'No RTA or medullary sponge kidney': every choice but the negative one is denied."""
        negative = _negative(question)
        others = {c.id for c in question.choices} - {negative}
        if negative and others <= {value for value, _, _ in denied}:
            first = min(start for _, start, _ in denied)
            self._add(question, negative, first, max(end for _, _, end in denied))

    def _read_name(self, match: _Match) -> None:
        """A measurement's name: the value after it, or a choice's word next to it."""
        question = self.kb.questions[match.target.question]
        measure = read_measure(question, self.text, self.ws, match.start, match.end)
        if measure is not None:
            answer, where = measure.answer, (measure.start, measure.end)
            found = _Candidate(question.id, answer.value, *where, answer, measure.compatible)
            found_in = self.bands if measure.compatible else self.direct
            found_in.setdefault(question.id, []).append(found)
            return
        for first, end, value in self._qualified(match):
            if context(self.text, self.ws, first, end).polarity == "affirmed":
                self._add(question, value, first, end)

    def _qualified(self, name: _Match) -> Iterator[tuple[int, int, Value]]:
        """A choice's word just after the measurement's name ('PTH raised') or just before it."""
        after = skip_fillers(self.ws, name.end, ":=-")
        for q in self.kept:
            if q.target.question != name.target.question or q.target.role != "qualifier":
                continue
            between = self.ws[q.end : name.start + 1]
            if q.start == after:
                yield name.start, q.end, q.target.value
            elif q.end in (name.start, name.start - 1) and not any(w.hard_before for w in between):
                yield q.start, name.end, q.target.value

    def resolve(self) -> dict[str, _Candidate]:
        """One candidate per question: agreed facts, what they imply, then requirements."""
        excluded: set[str] = set()
        while True:
            chosen, conflicts = self._agreed(excluded)
            self._imply(chosen, conflicts, excluded)
            unmet = {q for q in chosen if not _requirements_met(self.kb.questions[q], chosen)}
            if not unmet:
                return chosen
            excluded |= unmet

    def _agreed(
        self, excluded: set[str]
    ) -> tuple[dict[str, _Candidate], dict[str, list[_Candidate]]]:
        chosen: dict[str, _Candidate] = {}
        conflicts: dict[str, list[_Candidate]] = {}
        for question_id in self.kb.questions:
            if question_id in excluded:
                continue
            direct = _refined(self.kb.questions[question_id], self.direct.get(question_id, []))
            found = _agree(direct, self.bands.get(question_id, []))
            if isinstance(found, _Candidate):
                chosen[question_id] = found
            elif found:
                conflicts[question_id] = found
        return chosen, conflicts

    def _imply(
        self,
        chosen: dict[str, _Candidate],
        conflicts: dict[str, list[_Candidate]],
        excluded: set[str],
    ) -> None:
        """Fill unanswered questions (or settle contradicted ones) from what answers imply."""
        done: set[str] = set()
        while True:
            implied = _implications(self.kb, chosen, done)
            done |= set(chosen)
            added = False
            for target, sources in implied.items():
                if target in chosen or target in excluded or len(_distinct(sources)) != 1:
                    continue
                among = [c for c in conflicts.get(target, []) if c.value == sources[0].value]
                chosen[target] = (
                    among[0] if among else _implied(self.kb.questions[target], sources[0])
                )
                added = True
            if not added:
                return


def _kept_matches(lexicon: Lexicon, ws: list[Word]) -> list[_Match]:
    """Per question, the longest matches that do not overlap; a not-phrase hides its span."""
    by_question: dict[str, list[_Match]] = {}
    for start, end, target in lexicon.matches(ws):
        by_question.setdefault(target.question, []).append(_Match(start, end, target))
    kept: list[_Match] = []
    for matches in by_question.values():
        spans: list[tuple[int, int]] = []
        for m in sorted(matches, key=lambda m: (m.start - m.end, m.start)):
            if (m.start, m.end) not in spans and not any(
                s < m.end and m.start < e for s, e in spans
            ):
                spans.append((m.start, m.end))
        blocked = {(m.start, m.end) for m in matches if m.target.role == "block"}
        kept.extend(
            m for m in matches if (m.start, m.end) in spans and (m.start, m.end) not in blocked
        )
    return sorted(kept, key=lambda m: (m.start, m.end))


def _agree(
    direct: list[_Candidate], bands: list[_Candidate]
) -> _Candidate | list[_Candidate] | None:
    """The one value the candidates agree on, the contradicting candidates, or None."""
    values = _distinct(direct)
    if bands:
        defaults = _distinct(bands)
        if len(defaults) != 1:
            return None
        if len(values) == 1 and values[0].value in defaults[0].compatible:
            return values[0]
        return defaults[0]  # a measured number outweighs a looser word ('CKD, eGFR 45')
    if len(values) == 1:
        return values[0]
    return values or None


def _refined(question: Question, candidates: list[_Candidate]) -> list[_Candidate]:
    """Without the values a more specific value also read refines ('renal failure', 'dialysis')."""
    values = {c.value for c in candidates}
    general = {g for v in values if (c := question.choice(str(v))) for g in c.refines}
    return [c for c in candidates if c.value not in general]


def _distinct(candidates: list[_Candidate]) -> list[_Candidate]:
    """The first candidate of each distinct value, in the order of the text."""
    seen: list[_Candidate] = []
    for candidate in sorted(candidates, key=lambda c: c.start):
        if not any(_same(candidate.value, s.value) for s in seen):
            seen.append(candidate)
    return seen


def _same(a: Value, b: Value) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) < 1e-9
    return a == b


def _negative(question: Question) -> str:
    """The answer a denial of the whole question gives: no, or its negative (none) choice."""
    if question.kind == "yesno":
        return "no"
    if question.negative:
        return question.negative
    return "none" if question.choice("none") else ""


def _implications(
    kb: KnowledgeBase, chosen: dict[str, _Candidate], done: set[str]
) -> dict[str, list[_Candidate]]:
    """For each question, the values the newly chosen answers (not no or none) imply for it."""
    implied: dict[str, list[_Candidate]] = {}
    for candidate in chosen.values():
        question = kb.questions[candidate.question]
        if candidate.question in done or candidate.value in ("no", _negative(question)):
            continue
        choice = question.choice(str(candidate.value))
        for target, value in question.implies + (choice.implies if choice else ()):
            implied.setdefault(target, []).append(
                _Candidate(target, value, candidate.start, candidate.end, candidate.answer)
            )
    return implied


def _implied(question: Question, source: _Candidate) -> _Candidate:
    value = source.value
    return _Candidate(question.id, value, source.start, source.end, _parsed(question, value))


def _requirements_met(question: Question, chosen: dict[str, _Candidate]) -> bool:
    return all(t in chosen and _same(chosen[t].value, v) for t, v in question.requires)


def _parsed(question: Question, value: Value) -> ParsedAnswer:
    choice = question.choice(str(value))
    return ParsedAnswer(question.id, value, label=choice.label if choice else str(value))
