"""Labs in a case description: a value after a test's name ('Ca 2.35 mmol/L'), a word next to
it ('PTH raised', 'elevated PTH'), one word for a list of tests ('calcium and phosphate were
normal', 'elevated Ca, P and PTH'), a word that is itself a reading ('hypercalcaemia'), and a
panel reported as a whole ('biochemistry was unremarkable'). Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from chatbot.intake.candidates import WEAK, Candidate, LeftOut, parsed
from chatbot.intake.lexicon import Lexicon, Target
from chatbot.intake.measures import read_measure
from chatbot.intake.ranges import reported_range
from chatbot.intake.view import Match, ReadingView
from chatbot.knowledge.citations import Citation
from chatbot.knowledge.model import KnowledgeBase, NumberChoices, Question

_NO_BANDS = NumberChoices((), (), (), Citation("", ""))
LIST_GAP = 4
"""At most this many words (commas, 'and', an unknown test) between two tests of one list."""
SHARED_REACH = 8
"""How far after a list of tests its shared reading may stand ('..., CK and creatinine were')."""
PANEL_REACH = 10
"""How far after a panel's name its reading may stand ('blood tests, X included, were ...')."""


@dataclass(frozen=True)
class _Name:
    match: Match
    read: bool
    """Whether a value or word was already read for it on its own."""


def read_names(reading: ReadingView, names: list[Match]) -> None:
    """Every measurement name: its value, else a word next to it, else its list's word."""
    pending: list[_Name] = []
    slips = _Slips()
    for match in names:
        if not reading.usable_name(match):
            continue
        read = _read_value(reading, match, slips) or _read_word(reading, match)
        pending.append(_Name(match, read))
    slips.leave_out(reading)
    for group in _lists(reading, pending):
        if len(group) < 2 or all(name.read for name in group):
            continue
        word = _shared_word(reading, group)
        if word is None:
            continue
        first, end = word
        for name in group:
            if not name.read:
                _qualify(reading, name.match, first, end, min(first, name.match.start))


class _Slips:
    """Values written in a unit that cannot be right ('calcium 8.7 mmol/l'): another value
    of the same sentence written in that unit is suspect too ('phosphate 3.4 mmol/l' beside
    it was most likely mg/dL as well), so it is left out and asked."""

    def __init__(self) -> None:
        self.units: dict[tuple[int, str], str] = {}
        self.measured: list[tuple[int, Candidate]] = []

    def flagged(self, sentence: int, question: Question, phrase: str) -> None:
        written = phrase.casefold().rstrip(" .,;")
        for unit in (*question.units, *(question.number_choices or _NO_BANDS).units):
            if any(written.endswith(s.casefold()) for s in (unit.name, *unit.synonyms)):
                self.units.setdefault((sentence, unit.name), phrase)

    def leave_out(self, reading: ReadingView) -> None:
        for sentence, candidate in self.measured:
            answer = candidate.answer
            slipped = self.units.get((sentence, answer.unit))
            if slipped is None or answer.inferred_unit:
                continue
            for found_in in (reading.direct, reading.bands):
                found_in[candidate.question] = [
                    c for c in found_in.get(candidate.question, []) if c is not candidate
                ]
            detail = f"written in {answer.unit}, as '{slipped}' is, which cannot be right"
            reading.left.append(
                LeftOut(candidate.question, "", candidate.start, candidate.end, "unit", detail)
            )


def _read_value(reading: ReadingView, match: Match, slips: _Slips) -> bool:
    if match.target.via == "word":
        return False  # a name read only with a word ('creatinine normal')
    question = reading.kb.questions[match.target.question]
    against = reported_range(reading, match)
    if against is not None:  # the laboratory's own range decides its band
        reading.add_candidate(against)
        return True
    measure = read_measure(
        question, reading.text, reading.ws, match.start, match.end, reading.index
    )
    if measure is None:
        return False
    sentence = reading.sentence_of(match.start)
    if measure.flag:
        reading.leave_out(question.id, "", match.start, match.end, "unit", measure.flag)
        slips.flagged(sentence, question, reading.text[measure.start : measure.end])
        return True
    answer = measure.answer
    if answer is None:
        return False
    found = Candidate(
        question.id, answer.value, measure.start, measure.end, answer, measure.compatible
    )
    reading.add_measured(found)
    slips.measured.append((sentence, found))
    return True


def _read_word(reading: ReadingView, match: Match) -> bool:
    """A word of the question right after its name ('PTH raised') or right before it."""
    ws = reading.ws
    after = reading.skip_fillers(match.end)
    if after >= 0:
        found = reading.qualifier_at(after, match.target.question)
        if found is not None:
            _qualify(reading, match, after, found[0], match.start)
            return True
    before = reading.qualifier_ending_at(match.start, match.target.question)
    if before is not None and not ws[match.start].hard_before:
        _qualify(reading, match, before, match.start, before)
        return True
    return False


def _qualify(reading: ReadingView, name: Match, first: int, end: int, start: int) -> None:
    """Read the word at ws[first:end] as the reading of the named test."""
    found = reading.qualifier_at(first, name.target.question)
    if found is None:
        return
    stop = max(end, name.end)
    reading.add_fact(name.target.question, found[1], start, stop, via_name=True)


def _lists(reading: ReadingView, names: list[_Name]) -> Iterator[list[_Name]]:
    """Runs of names joined as one list: 'calcium, phosphate and PTH'."""
    group: list[_Name] = []
    for name in names:
        if group and _joined(reading, group[-1].match.end, name.match.start):
            group.append(name)
            continue
        if group:
            yield group
        group = [name]
    if group:
        yield group


def _joined(reading: ReadingView, end: int, start: int) -> bool:
    if start < end or start - end > LIST_GAP:
        return False
    between = reading.ws[end : start + 1]
    if any(ch in ".;:!?\n" for w in between for ch in w.before):
        return False
    return any("," in w.before for w in between) or any(
        reading.index.word_in("list_joiners", w) for w in between
    )


def _shared_word(reading: ReadingView, group: list[_Name]) -> tuple[int, int] | None:
    """The word after the list ('..., CK and creatinine were normal') or before it ('elevated
    Ca, P and PTH'). After the list, items calcify does not know may stand in between, but
    no other test's value and no end of the sentence."""
    last, first = group[-1].match, group[0].match
    questions = [n.match.target.question for n in group]
    ws = reading.ws
    depth, index, steps = 0, last.end, 0
    while index < len(ws) and steps < SHARED_REACH:
        marks = ws[index].before
        if any(ch in ".;!?\n" for ch in marks):
            break
        depth = max(0, depth + marks.count("(") - marks.count(")"))
        index += 1
        if depth:  # '(PTH, %TRP)': what stands in brackets is skipped
            continue
        steps += 1
        index -= 1
        if ws[index].is_number:
            break
        cue = reading.index.cues.get((ws[index].key,))
        if cue is not None and cue.category == "negated":
            break  # 'calcium and phosphate were not raised': the word is denied
        for question in questions:
            found = reading.qualifier_at(index, question)
            if found is not None:
                return index, found[0]
        index += 1
    for question in questions:
        before = reading.qualifier_ending_at(first.start, question)
        if before is not None:
            return before, first.start
    return None


def read_panels(reading: ReadingView, panels: Lexicon) -> None:
    """A panel reported normal gives normal, weakly, for each test it covers."""
    kb: KnowledgeBase = reading.kb
    for start, end, target in panels.matches(reading.ws):
        if not reading.affirmed(start, end):
            continue
        word = _normal_after(reading, end)
        if word is None:
            continue
        panel = kb.reading.panels[str(target.value)]
        first_char, last_char = reading.ws[start].start, reading.ws[word - 1].end
        for question_id in panel.covers:
            question = kb.questions[question_id]
            candidate = Candidate(
                question_id,
                "normal",
                first_char,
                last_char,
                parsed(question, "normal"),
                strength=WEAK,
                word=start,
                note=f"the {panel.names[0]} as a whole",
            )
            reading.add_candidate(candidate)


def _normal_after(reading: ReadingView, end: int) -> int | None:
    """Where a 'normal' reading within reach after a panel's name ends, or None."""
    ws = reading.ws
    for index in range(end, min(end + PANEL_REACH, len(ws))):
        if index > end and any(ch in ".;!?\n" for ch in ws[index].before):
            return None
        stop = reading.band_word_at(index, "normal")
        if stop:
            return stop
        if reading.band_word_at(index, "raised") or reading.band_word_at(index, "low"):
            return None
    return None


def panel_lexicon(kb: KnowledgeBase) -> Lexicon:
    return kb.owned(_build_panels)


def _build_panels(kb: KnowledgeBase) -> Lexicon:
    lexicon = Lexicon()
    for panel in kb.reading.panels.values():
        for name in panel.names:
            lexicon.add(name, Target(panel.id, "name", panel.id))
    return lexicon
