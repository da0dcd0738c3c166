"""One deposit: a description that names the deposit as one ('a calcified mass') at one
place gives the question with a `one_deposit` answer that answer, weakly: any word the
description gives for the distribution wins. Pure: no I/O.
"""

from __future__ import annotations

from chatbot.intake.candidates import WEAK, Candidate, parsed
from chatbot.intake.view import ReadingView

SINGULAR_REACH = 6
"""'a hard 2 cm mass': the word that makes a deposit one stands this close before it."""


def one_deposit(reading: ReadingView, deposits: list[tuple[int, int]]) -> None:
    """One place, and a deposit named as one ('a calcified mass'): the question with a
    `one_deposit` answer gets it, weakly, so that any word of more deposits wins."""
    question = next((q for q in reading.kb.questions.values() if q.one_deposit), None)
    if question is None:
        return
    ws = reading.ws
    for start, end in deposits:
        before = ws[max(0, start - SINGULAR_REACH) : start]
        if any(w.hard_before for w in ws[start - len(before) + 1 : start + 1]):
            continue
        first = next((i for i, w in enumerate(before) if reading.index.word_in("singular", w)), -1)
        between = before[first + 1 :] if first >= 0 else []
        if any(reading.index.word_in("reporting", w) for w in between):
            continue  # 'a radiograph showed calcification': the 'a' is the radiograph's
        if first < 0 or not reading.affirmed(start, end):
            continue
        index = start - len(before) + first
        value = question.one_deposit
        text = reading.text[ws[index].start : ws[end - 1].end]
        reading.add_candidate(
            Candidate(
                question.id,
                value,
                ws[index].start,
                ws[end - 1].end,
                parsed(question, value),
                note=f"one deposit named ('{text}') at one place",
                strength=WEAK,
                word=index,
            )
        )
        return
