"""The reading of one case description, as a pipeline: the text's words; their matches against
the knowledge base's vocabulary; each match's context (ConText cues); measures and lab words;
attribution of each finding to the deposit or to something else; and the candidates settled
to at most one answer per question, each with its evidence. Findings that give no answer
are kept with the reason. Linear in the length of the text. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Callable

from chatbot.intake.attribution import attribute
from chatbot.intake.candidates import STATED, WEAK, Candidate, LeftOut, negative, parsed
from chatbot.intake.context import Qualifier, TextContext, context_index
from chatbot.intake.labs import panel_lexicon, read_names, read_panels
from chatbot.intake.lexicon import lexicon_of
from chatbot.intake.matching import CHECK_EVERY, all_matches, kept_matches
from chatbot.intake.support import read_together, supported
from chatbot.intake.view import Match
from chatbot.knowledge.model import KnowledgeBase, Question, Value
from chatbot.knowledge.text import words

BLOCKING = ("uncertain", "hypothetical", "family", "later")
"""Categories that keep a finding from answering anything: it is not the patient's, not (yet)
a fact, or came after the deposit and says nothing of how it formed."""


class Reading:
    """The matches of one text and the candidates and left-out findings they give."""

    def __init__(
        self, kb: KnowledgeBase, text: str, check: Callable[[], None] | None = None
    ) -> None:
        self.kb, self.text = kb, text
        self.ws = words(text)
        self.index = context_index(kb)
        self.ctx = TextContext(self.index, self.ws, text)
        self.direct: dict[str, list[Candidate]] = {}
        self.bands: dict[str, list[Candidate]] = {}
        self.left: list[LeftOut] = []
        self.places: list[tuple[Match, frozenset[str]]] = []
        """Every mention of the place question's choices, and the context categories of it."""
        self._denied: dict[str, list[tuple[str, int, int]]] = {}
        lexicon = lexicon_of(kb)
        everything = all_matches(lexicon, self.ws, check)
        self._at: dict[int, list[Match]] = {}
        for match in everything:
            self._at.setdefault(match.start, []).append(match)
        self.kept = kept_matches(everything)
        self._read(check)

    # -- the pipeline ----------------------------------------------------------------------
    def _read(self, check: Callable[[], None] | None) -> None:
        facts = [m for m in self.kept if m.target.role in ("choice", "topic", "vague")]
        starts, ends = {m.start for m in facts}, {m.end for m in facts}
        for count, match in enumerate(self.kept):
            if check is not None and count % CHECK_EVERY == 0:
                check()
            role = match.target.role
            question = self.kb.questions[match.target.question]
            if question.place and role in ("choice", "vague"):
                found = {q.category for q in self.ctx.qualifiers(match.start, match.end)}
                self.places.append((match, frozenset(found)))
            if role == "vague" and not supported(self, match):
                continue
            if role in ("choice", "topic", "vague"):
                alternative = self._alternative(match, starts, ends)
                self._read_fact(match, alternative)
            elif role == "labword":
                self.add_fact(question.id, match.target.value, match.start, match.end)
        read_names(self, [m for m in self.kept if m.target.role == "name"])
        read_panels(self, panel_lexicon(self.kb))
        read_together(self)
        for question_id, denied in self._denied.items():
            self._all_denied(self.kb.questions[question_id], denied)
        attribute(self)

    def _read_fact(self, match: Match, alternative: bool) -> None:
        """A choice's or question's phrase: affirmed, denied, or left out with the reason."""
        target = match.target
        question = self.kb.questions[target.question]
        if target.role in ("choice", "vague"):
            value: Value = target.value
        elif question.kind == "yesno":
            value = "yes"
        else:
            value = ""  # a choice question's own subject: only its denial says something
        via = f"described as '{self._quote(match.start, match.end)}'" if target.via else ""
        self.add_fact(question.id, value, match.start, match.end, alternative, note=via)

    def add_fact(
        self,
        question_id: str,
        value: Value,
        first: int,
        end: int,
        alternative: bool = False,
        note: str = "",
        via_name: bool = False,
    ) -> None:
        """Weigh one finding by its context: answer it, deny it, or leave it out."""
        question = self.kb.questions[question_id]
        qualifiers = self.ctx.qualifiers(first, end)
        categories = [q.category for q in qualifiers]
        if "negated" in categories:
            cue = qualifiers[categories.index("negated")]
            # a denied name's reading or a denied description is no evidence either way
            self._negated(question, value, first, end, cue, via_name or bool(note))
            return
        blocking = next((q for q in qualifiers if q.category in BLOCKING), None)
        if blocking is not None:
            detail = f"'{self._quote(blocking.first, blocking.end)}'"
            instead = dict(question.if_uncertain).get(str(value))
            if blocking.category == "uncertain" and instead:
                self._add(question, instead, first, end, f"uncertain ({detail})")
                return
            self.leave_out(question_id, value, first, end, blocking.category, detail)
            return
        if alternative:
            self.leave_out(question_id, value, first, end, "uncertain", "one of alternatives")
            return
        historical = next((q for q in qualifiers if q.category == "historical"), None)
        if historical is not None:
            detail = f"'{self._quote(historical.first, historical.end)}'"
            if question.current:
                self.leave_out(question_id, value, first, end, "historical", detail)
                return
            note = note or f"in the past ({detail}), which counts for this question"
        if value != "":
            self._add(question, value, first, end, note)

    def _negated(
        self, question: Question, value: Value, first: int, end: int, cue: Qualifier, name: bool
    ) -> None:
        start = min(first, cue.first)
        stop = max(end, cue.end)
        note = f"negated by '{self._quote(cue.first, cue.end)}'"
        if name:
            self.leave_out(question.id, value, start, stop, "negated", note)
        elif value not in ("", "yes"):
            self._denied.setdefault(question.id, []).append((str(value), start, stop))
        elif negative(question):  # a general denial yields to a specific answer stated
            strength = WEAK if question.kind == "choice" else STATED
            self._add(question, negative(question), start, stop, note, strength)

    def _all_denied(self, question: Question, denied: list[tuple[str, int, int]]) -> None:
        """'No RTA or medullary sponge kidney': every choice but the negative one is denied."""
        refusal = negative(question)
        others = {c.id for c in question.choices} - {refusal}
        if refusal and others <= {value for value, _, _ in denied}:
            first = min(start for _, start, _ in denied)
            self._add(question, refusal, first, max(end for _, _, end in denied), "all denied")
            return
        for value, start, stop in denied:
            self.leave_out(question.id, value, start, stop, "negated")

    # -- what the parts of the pipeline call -------------------------------------------------
    def _add(
        self,
        question: Question,
        value: Value,
        first: int,
        end: int,
        note: str,
        strength: int = STATED,
    ) -> None:
        start, stop = self.ws[first].start, self.ws[end - 1].end
        answer = parsed(question, value)
        candidate = Candidate(
            question.id, value, start, stop, answer, note=note, strength=strength, word=first
        )
        self.add_candidate(candidate)

    def add_candidate(self, candidate: Candidate) -> None:
        self.direct.setdefault(candidate.question, []).append(candidate)

    def add_measured(self, candidate: Candidate) -> None:
        """A measured value: a band of a number (eGFR 22) or a value of a number question."""
        found_in = self.bands if candidate.compatible else self.direct
        found_in.setdefault(candidate.question, []).append(candidate)

    def leave_out(
        self, question: str, value: Value, first: int, end: int, reason: str, detail: str = ""
    ) -> None:
        start, stop = self.ws[first].start, self.ws[end - 1].end
        self.left.append(LeftOut(question, value, start, stop, reason, detail))

    def affirmed(self, start: int, end: int) -> bool:
        return not self.ctx.qualifiers(start, end)

    def usable_name(self, match: Match) -> bool:
        """Whether a measurement's name is the patient's, now (for a `current` question)."""
        question = self.kb.questions[match.target.question]
        for qualifier in self.ctx.qualifiers(match.start, match.end):
            blocked = qualifier.category in BLOCKING
            if blocked or (qualifier.category == "historical" and question.current):
                detail = f"'{self._quote(qualifier.first, qualifier.end)}'"
                self.leave_out(question.id, "", match.start, match.end, qualifier.category, detail)
                return False
        return True

    def skip_fillers(self, index: int, limit: int = 4) -> int:
        """The first word from index on that is not a filler, or -1 past a clause mark."""
        for _ in range(limit + 1):
            if index >= len(self.ws) or self.ws[index].hard_before:
                return -1
            if not self.index.word_in("fillers", self.ws[index]):
                return index
            index += 1
        return -1

    def qualifier_at(self, index: int, question: str) -> tuple[int, Value] | None:
        """The longest reading word of a question starting at a word: (its end, value)."""
        found = [
            m
            for m in self._at.get(index, ())
            if m.target.question == question and m.target.role == "qualifier"
        ]
        if not found:
            return None
        best = max(found, key=lambda m: m.end)
        return best.end, best.target.value

    def qualifier_ending_at(self, end: int, question: str) -> int | None:
        """Where a reading word of a question starts that ends just before a word, or one
        word before it ('normal gastric mucosa'), within the clause."""
        for start in range(max(0, end - 5), end):
            for m in self._at.get(start, ()):
                qualifies = m.target.question == question and m.target.role == "qualifier"
                joined = not any(w.hard_before for w in self.ws[m.end : end + 1])
                compound = m.end == end - 1 and "-" in self.ws[m.end].before  # 'high-dose'
                if qualifies and m.end in (end, end - 1) and joined and not compound:
                    return start
        return None

    def band_word_at(self, index: int, band: str) -> int:
        """Where a word of a lab band ('within normal limits') starting at a word ends, or 0."""
        for length in range(6, 0, -1):
            key = tuple(w.key for w in self.ws[index : index + length])
            if len(key) == length and self.index.has(band, key):
                return index + length
        return 0

    def sentence_of(self, index: int) -> int:
        return self.ctx.sentence[index]

    def _alternative(self, match: Match, starts: set[int], ends: set[int]) -> bool:
        """Whether the phrase is one side of 'A or B' / 'A versus B', another phrase the other."""
        ws, start, end = self.ws, match.start, match.end
        after = (
            end + 1 < len(ws)
            and self.index.word_in("alternatives", ws[end])
            and not ws[end].hard_before
            and end + 1 in starts
        )
        before = start >= 2 and self.index.word_in("alternatives", ws[start - 1])
        return after or (before and start - 1 in ends)

    def _quote(self, first: int, end: int) -> str:
        return self.text[self.ws[first].start : self.ws[end - 1].end]
