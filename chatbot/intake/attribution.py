"""Attribution: which findings are about the deposit being asked about. A place is the
deposit's when it is tied to a word naming the deposit ('calcification of the lungs',
'pancreatic calcification'); several such places are several sites. A finding of a `local`
question (an injection, necrosis) whose nearest place is not one of the deposit's is left out
as elsewhere. Pure: no I/O.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import replace

from chatbot.intake.candidates import WEAK, Candidate, LeftOut, distinct, parsed
from chatbot.intake.distribution import one_deposit
from chatbot.intake.lexicon import Lexicon, Target
from chatbot.intake.view import Match, ReadingView
from chatbot.knowledge.model import KnowledgeBase, Question

AFTER_DEPOSIT = 6
"""'calcification of the left lower lobe of the lung': at most this many words between."""
BEFORE_DEPOSIT = 1
LONGEST_PLACE = 6
"""Place phrases are at most this many words long (bounds the search before a deposit)."""
"""'renal medullary calcification': at most this many words between place and deposit."""


def attribute(reading: ReadingView) -> None:
    place = next((q for q in reading.kb.questions.values() if q.place), None)
    if place is None:
        return
    places = sorted(reading.places, key=lambda pair: pair[0].start)
    mentions = [m for m, categories in places if not categories]
    deposits = _deposits(reading)
    ties = _tied_places(reading, deposits, mentions)
    tied = [match for _, match in ties]
    chosen = _deposit_places(reading, place, tied)
    if len(chosen) == 1:
        one_deposit(reading, deposits)
    named = [m for m, categories in places if "negated" not in categories]
    # the deposit's places: those read, and those only named beside it ('at the antecubital
    # region'), which give no answer but tell where the deposit is
    where = chosen | {str(m.target.value) for m in tied}
    for question in reading.kb.questions.values():
        if question.local:  # a place named in the past ('in the buttock years ago') counts
            _local(reading, question, named, where, tied)


def _deposit_places(reading: ReadingView, place: Question, tied: list[Match]) -> set[str]:
    """Settle the place question on the places tied to the deposit; their values."""
    candidates = reading.direct.get(place.id, [])
    tied_words = {m.start for m in tied}
    mine = [c for c in candidates if c.word in tied_words]
    if not mine:  # no place is tied to the deposit: each one read is only a guess
        reading.direct[place.id] = [replace(c, strength=WEAK) for c in candidates]
        return {str(c.value) for c in candidates}
    values = distinct(mine)
    if len(values) > 1 and place.several:
        ids = [c.id for c in place.choices]  # in choice order, as a typed answer is
        ordered = tuple(sorted((str(c.value) for c in values), key=ids.index))
        first = values[0]
        combined = Candidate(
            place.id,
            ordered,
            min(c.start for c in values),
            max(c.end for c in values),
            parsed(place, ordered),
            note="several places of the deposit",
            word=first.word,
        )
        reading.direct[place.id] = [combined]
    else:
        reading.direct[place.id] = mine
    kept = {id(c) for c in mine}
    for candidate in candidates:
        if id(candidate) not in kept:
            reading.leave_out(
                place.id,
                candidate.value,
                candidate.word,
                candidate.word + 1,
                "elsewhere",
                "not named as a place of the deposit",
            )
    return {str(c.value) for c in values}


def _local(
    reading: ReadingView,
    question: Question,
    places: list[Match],
    deposit: set[str],
    tied: list[Match],
) -> None:
    """Leave out a local finding that is about another place than the deposit."""
    if not deposit:
        return
    kept = []
    by_sentence: dict[int, list[Match]] = {}
    for mention in places:
        by_sentence.setdefault(reading.sentence_of(mention.start), []).append(mention)
    tied_spans = {(m.start, m.end) for m in tied}
    # a sentence speaks of the deposit when it names the deposit's place ('nodules appeared at
    # the injection sites in the subcutis of the abdomen')
    about_deposit = {
        reading.sentence_of(m.start)
        for m in places
        if (m.start, m.end) in tied_spans or str(m.target.value) in deposit
    }
    tied_chars = _char_spans(reading, tied)
    for candidate in reading.direct.get(question.id, []):
        if _overlaps_any(tied_chars, candidate):
            kept.append(candidate)  # it names the deposit's own place ('in a tendon')
            continue
        place = _place_of(reading, candidate, by_sentence, about_deposit)
        if (
            place is not None
            and str(place.target.value) not in deposit
            and (place.start, place.end) not in tied_spans
        ):
            where = reading.text[reading.ws[place.start].start : reading.ws[place.end - 1].end]
            reading.left.append(_elsewhere(candidate, f"about the {where}, not the deposit"))
            continue
        kept.append(candidate)
    if question.id in reading.direct:
        reading.direct[question.id] = kept


def _char_spans(reading: ReadingView, matches: list[Match]) -> tuple[list[int], list[int], int]:
    """The character spans of matches, sorted by start, and the longest span: found by
    bisection, so a long text's findings are not each compared with every match."""
    ws = reading.ws
    spans = sorted((ws[m.start].start, ws[m.end - 1].end) for m in matches)
    longest = max((end - start for start, end in spans), default=0)
    return [start for start, _ in spans], [end for _, end in spans], longest


def _overlaps_any(spans: tuple[list[int], list[int], int], candidate: Candidate) -> bool:
    starts, ends, longest = spans
    index = bisect_left(starts, candidate.end)  # spans from here start too late
    while index > 0 and starts[index - 1] > candidate.start - longest:
        index -= 1
        if candidate.start < ends[index]:
            return True
    return False


def _place_of(
    reading: ReadingView,
    candidate: Candidate,
    by_sentence: dict[int, list[Match]],
    about_deposit: set[int],
) -> Match | None:
    """The place a finding is about: the one it names ('necrosis of the skin'); none when
    its sentence speaks of the deposit itself; else the nearest place in its sentence."""
    if candidate.word < 0:
        return None
    ws = reading.ws
    last = candidate.word
    while last + 1 < len(ws) and ws[last + 1].start < candidate.end:
        last += 1
    sentence = reading.sentence_of(candidate.word)
    same = [
        m
        for m in by_sentence.get(sentence, [])
        if m.end <= candidate.word or m.start > last  # not the finding's own words
    ]
    for place in sorted(same, key=lambda m: m.start):
        gap = ws[last + 1 : place.start]
        if 0 < len(gap) <= AFTER_DEPOSIT and reading.index.word_in("deposit_links", gap[0]):
            if not any(w.hard_before for w in ws[last + 1 : place.start + 1]):
                return place
    if sentence in about_deposit:
        return None
    return min(same, key=lambda m: abs(m.start - candidate.word), default=None)


def _elsewhere(candidate: Candidate, detail: str) -> LeftOut:
    return LeftOut(
        candidate.question, candidate.value, candidate.start, candidate.end, "elsewhere", detail
    )


def _deposits(reading: ReadingView) -> list[tuple[int, int]]:
    """The affirmed words naming the deposit ('calcified', not 'non-calcified'), each with
    the lesion word after it ('calcified nodules')."""
    lexicon = deposit_lexicon(reading.kb)
    found = []
    for start, end, _ in lexicon.matches(reading.ws):
        if not reading.affirmed(start, end):
            continue
        if end < len(reading.ws) and not reading.ws[end].hard_before:
            end += reading.index.word_in("lesion", reading.ws[end])
        found.append((start, end))
    return found


def _tied_places(
    reading: ReadingView, deposits: list[tuple[int, int]], mentions: list[Match]
) -> list[tuple[int, Match]]:
    """The places tied to a deposit: the first after it ('calcification of the lungs', and a
    list joined to it: 'of the gastric mucosa and lungs') and the one just before it
    ('pulmonary calcification')."""
    starting: dict[int, list[Match]] = {}
    for mention in mentions:
        starting.setdefault(mention.start, []).append(mention)

    def near(low: int, high: int) -> list[Match]:
        return [m for first in range(max(0, low), high) for m in starting.get(first, ())]

    tied: list[tuple[int, Match]] = []
    for number, (start, end) in enumerate(deposits):
        # a word that names both ('nephrocalcinosis', 'band keratopathy') ties itself
        itself = near(start - LONGEST_PLACE, end)
        tied.extend((number, m) for m in itself if m.start < end and start < m.end)
        after = [m for m in near(end, end + AFTER_DEPOSIT + 1) if _linked(reading, end, m.start)]
        if after:
            tied.append((number, after[0]))
            while True:  # the places listed with it
                last = tied[-1][1]
                joined = [m for m in near(last.end, last.end + 3) if _listed(reading, last, m)]
                if not joined:
                    break
                tied.append((number, joined[0]))
        reach = start - BEFORE_DEPOSIT - LONGEST_PLACE
        before = near(reach, start)
        tied.extend((number, m) for m in before if m.end <= start and _before(reading, m, start))
    return tied


def _linked(reading: ReadingView, end: int, start: int) -> bool:
    """'calcification of the lung', 'calcifications were found incidentally in the spleen':
    a link word first, or after words that only report the finding."""
    ws = reading.ws
    gap = ws[end:start]
    if len(gap) > AFTER_DEPOSIT or any(w.hard_before for w in ws[end : start + 1]):
        return False
    for word in gap:
        if reading.index.word_in("deposit_links", word):
            return True
        if not reading.index.word_in("reporting", word):
            return False
    return not gap


def _listed(reading: ReadingView, previous: Match, mention: Match) -> bool:
    """'the gastric mucosa and lungs': a place joined to a tied one by 'and' or a comma."""
    gap = reading.ws[previous.end : mention.start]
    if len(gap) > 3 or any(";" in w.before or "." in w.before for w in gap):
        return False
    joined = any(reading.index.word_in("list_joiners", w) for w in gap)
    return joined or "," in reading.ws[mention.start].before


def _before(reading: ReadingView, place: Match, start: int) -> bool:
    """'renal medullary calcification': at most a modifier between, never a link word
    ('legs after calcification')."""
    gap = reading.ws[place.end : start]
    hard = any(w.hard_before for w in reading.ws[place.end : start + 1])
    linking = any(
        reading.index.word_in(wordset, w)
        for w in gap
        for wordset in ("deposit_links", "reporting", "list_joiners")
    )
    return len(gap) <= BEFORE_DEPOSIT and not hard and not linking


def deposit_lexicon(kb: KnowledgeBase) -> Lexicon:
    """The words of the deposit word set, to find in a text."""
    return kb.owned(_build_deposits)


def _build_deposits(kb: KnowledgeBase) -> Lexicon:
    lexicon = Lexicon()
    for word in kb.reading.words("deposit"):
        lexicon.add(word, Target("", "choice", word))
    return lexicon
