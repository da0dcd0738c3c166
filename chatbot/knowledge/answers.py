"""Read a typed answer for a question: yes/no/unknown, a choice, or a number with its unit.

Pure: no I/O. Errors are AnswerError subclasses whose message says what is accepted.
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass
from typing import Literal

from chatbot.errors import AnswerError
from chatbot.knowledge.model import LAB_WORDS, UNKNOWN, Question, Unit, Value
from chatbot.knowledge.spelling import answer_hint, unit_hint, with_hint
from chatbot.knowledge.text import NUMBER, count, normalise, number_key

YES = (
    "y", "yes", "yeah", "yep", "yup", "ya", "sure", "true", "present", "positive", "correct",
    "affirmative",
)  # fmt: skip
NO = ("n", "no", "nope", "nah", "not", "false", "absent", "negative", "not at all", "none")
UNKNOWNS = (
    "unknown", "?", "??", "no idea", "not sure", "unsure", "dont know", "do not know", "dunno",
    "idk", "skip", "pass", "na", "n a", "not known", "not available", "not done", "not measured",
    "cant say", "cannot say", "no clue",
)  # fmt: skip
LAB_WORD_SYNONYMS = {
    "raised": (
        "raised",
        "high",
        "elevated",
        "increased",
        "above normal",
        "above the reference range",
    ),
    "low": ("low", "decreased", "reduced", "below normal", "below the reference range"),
    "normal": (
        "normal",
        "within normal limits",
        "wnl",
        "within the reference range",
        "in range",
        "within range",
        "unremarkable",
    ),
}
"""How a lab value reported without a number is typed (the key is the word calcify keeps)."""
_POLITE = ("please", "thanks", "thank you", "i think", "i guess", "probably", "definitely")

Reading = Literal["low", "normal", "raised", ""]


@dataclass(frozen=True)
class ParsedAnswer:
    """An answer as calcify read it: the value rules see, and how to show it back."""

    question: str
    value: Value
    given: float | None = None
    unit: str = ""
    label: str = ""
    inferred_unit: bool = False

    @property
    def is_unknown(self) -> bool:
        return self.value == UNKNOWN


class UnclearAnswer(AnswerError):
    """The text is not an accepted answer to this question."""


class AmbiguousUnit(AnswerError):
    """A number without a unit that is plausible in several units."""

    def __init__(self, question: Question, number: float, units: tuple[Unit, ...]) -> None:
        self.question, self.number, self.units = question, number, units
        names = " or ".join(u.name for u in units)
        super().__init__(
            f"is {number:g} in {names}? "
            f"Type it again with its unit, e.g. '{number:g} {units[0].name}'"
        )


class ImplausibleValue(AnswerError):
    """A number outside the physiologically possible range."""


def _strip_polite(text: str) -> str:
    for word in _POLITE:
        text = re.sub(rf"\b{word}\b", " ", text)
    return " ".join(text.split())


def is_unknown(text: str) -> bool:
    """'unknown' and its variants, including near misses such as 'unkown'."""
    words = _strip_polite(normalise(text))
    if words in _names(*UNKNOWNS) or text.strip() == "?":
        return True
    # a typo of 'unknown' ('unkown', 'unknwon'), but not a different word such as 'known'
    near = difflib.SequenceMatcher(None, words, "unknown").ratio() >= 0.85
    return near and len(words) >= 6 and words[0] == "u"


def parse_answer(question: Question, text: str) -> ParsedAnswer:
    """Read text as an answer to the question, or raise an AnswerError saying what is accepted."""
    if not text.strip():
        raise UnclearAnswer(f"no answer given. {accepted(question)}")
    if is_unknown(text):
        return ParsedAnswer(question.id, UNKNOWN, label="unknown")
    if question.kind == "yesno":
        return _parse_yes_no(question, text)
    if question.kind == "choice":
        return _parse_several(question, text) if question.several else _parse_choice(question, text)
    if _strip_polite(normalise(text)) in _names(*NO):
        return ParsedAnswer(question.id, UNKNOWN, label="not measured")
    word = lab_word(text) if question.accepts_words else None
    if word is not None:
        return ParsedAnswer(question.id, word, label=f"reported {word}, no value")
    return parse_number(question, text)


def lab_word(text: str) -> str | None:
    """low, normal or raised, if the text says one of them (with its usual synonyms)."""
    words = _strip_polite(normalise(text))
    for word, synonyms in LAB_WORD_SYNONYMS.items():
        if words in _names(*synonyms):
            return word
    return None


def accepted(question: Question) -> str:
    """One sentence naming the answers a question accepts."""
    if question.kind == "yesno":
        return "Answer yes, no or unknown."
    if question.kind == "choice":
        names = ", ".join(c.id for c in question.choices)
        return f"Answer with a number from the list or a name ({names}), or unknown."
    units = ", ".join(u.name for u in question.units)
    words = ", ".join(LAB_WORDS) + ", or " if question.accepts_words else ""
    return (
        f"Answer with a number and a unit ({units}), e.g. '{_example(question)}', "
        f"or {words}unknown."
    )


def _example(question: Question) -> str:
    low, high = question.reference or (1.0, 1.0)
    return f"{(low + high) / 2:g} {question.unit}"


def _parse_yes_no(question: Question, text: str) -> ParsedAnswer:
    words = _strip_polite(normalise(text))
    if words in _names(*YES):
        return ParsedAnswer(question.id, "yes", label="yes")
    if words in _names(*NO):
        return ParsedAnswer(question.id, "no", label="no")
    message = f"{text.strip()!r} is not a yes/no answer. {accepted(question)}"
    raise UnclearAnswer(with_hint(message, answer_hint(question, text)))


def _parse_choice(question: Question, text: str) -> ParsedAnswer:
    words = _strip_polite(normalise(text))
    number = count(words)
    if number is not None and 1 <= number <= len(question.choices):
        choice = question.choices[number - 1]
        return ParsedAnswer(question.id, choice.id, label=choice.label)
    for matcher in (_exact, _prefix, _contained):
        ids = sorted({c.id for c in question.choices if matcher(words, c.id, c.label, *c.synonyms)})
        if len(ids) == 1:
            found = question.choice(ids[0])
            assert found is not None
            return ParsedAnswer(question.id, found.id, label=found.label)
        if len(ids) > 1:
            raise UnclearAnswer(
                f"{text.strip()!r} could mean {' or '.join(ids)}: please be more specific"
            )
    message = f"{text.strip()!r} is not one of the choices. {accepted(question)}"
    raise UnclearAnswer(with_hint(message, answer_hint(question, text)))


_SEVERAL = re.compile(r"\s*(?:,|;|/|&|\band\b|\bplus\b)\s*", re.IGNORECASE)


def _parse_several(question: Question, text: str) -> ParsedAnswer:
    """One choice, or several joined by 'and', commas and the like ("lung and stomach"),
    kept in the order of the choices; a part that is no choice is named."""
    parts = [part for part in _SEVERAL.split(text) if part.strip()]
    if len(parts) < 2 or _exact(_strip_polite(normalise(text)), *_every_name(question)):
        return _parse_choice(question, text)  # one choice (its label may hold a comma)
    found = {_parse_choice(question, part).value for part in parts}
    ids = tuple(c.id for c in question.choices if c.id in found)
    if len(ids) == 1:
        return _parse_choice(question, ids[0])
    labels = " and ".join(c.label for c in question.choices if c.id in found)
    return ParsedAnswer(question.id, ids, label=labels)


def _every_name(question: Question) -> tuple[str, ...]:
    return tuple(name for c in question.choices for name in (c.id, c.label, *c.synonyms))


@functools.lru_cache(maxsize=4096)
def _names(*names: str) -> tuple[str, ...]:
    """The names normalised (cached: choices and their synonyms are read on every answer)."""
    return tuple(normalise(n) for n in names)


def _exact(words: str, *names: str) -> bool:
    return words in _names(*names)


def _prefix(words: str, *names: str) -> bool:
    return len(words) >= 2 and any(n.startswith(words) for n in _names(*names))


def _contained(words: str, *names: str) -> bool:
    padded = f" {words} "
    return any(len(n) >= 3 and f" {n} " in padded for n in _names(*names))


_NUMBER = re.compile(rf"^\s*([-+]?)({NUMBER}|[.,]\d+)\s*(.*?)\s*$")


def parse_number(question: Question, text: str) -> ParsedAnswer:
    """Read a number and its unit; infer the unit when only one makes the value plausible."""
    match = _NUMBER.match(text.replace("\u00a0", " "))
    if not match:
        message = f"{text.strip()!r} is not a number. {accepted(question)}"
        raise UnclearAnswer(with_hint(message, answer_hint(question, text)))
    number = float(match.group(1) + number_key(match.group(2)))
    unit_text = match.group(3).rstrip(" .!")  # a sentence's full stop is not part of the unit
    if unit_text:
        unit = find_unit(question, unit_text)
        if unit is None:
            names = ", ".join(u.name for u in question.units)
            hint = unit_hint(question, unit_text)
            message = f"{unit_text!r} is not a unit for {question.name}"
            raise UnclearAnswer(
                f"{message} (use {names}): {hint}" if hint else f"{message}: use {names}"
            )
        return _checked(question, number, unit, inferred=False)
    return _checked(question, number, _infer_unit(question, number), inferred=True)


def find_unit(question: Question, text: str) -> Unit | None:
    key = text.casefold().replace(" ", "")
    for unit in question.units:
        if key in (n.casefold().replace(" ", "") for n in (unit.name, *unit.synonyms)):
            return unit
    return None


def _infer_unit(question: Question, number: float) -> Unit:
    candidates = tuple(u for u in question.units if u.infer)
    if question.plausible is None or len(candidates) == 1:
        return candidates[0] if candidates else question.units[0]
    low, high = question.plausible
    plausible = tuple(u for u in candidates if low <= number * u.factor <= high)
    if len(plausible) == 1:
        return plausible[0]
    if not plausible:
        raise _implausible(question, number, None)
    raise AmbiguousUnit(question, number, plausible)


def _checked(question: Question, number: float, unit: Unit, inferred: bool) -> ParsedAnswer:
    value = round(number * unit.factor, 4)
    if question.plausible and not question.plausible[0] <= value <= question.plausible[1]:
        raise _implausible(question, number, unit)
    return ParsedAnswer(question.id, value, given=number, unit=unit.name, inferred_unit=inferred)


def _implausible(question: Question, number: float, unit: Unit | None) -> ImplausibleValue:
    low, high = question.plausible or (0.0, 0.0)
    shown = f"{number:g} {unit.name}" if unit else f"{number:g}"
    return ImplausibleValue(
        f"{shown} is not a possible {question.name} "
        f"(plausible range {low:g}–{high:g} {question.unit}): please check the value and its unit"
    )


def reading(question: Question, value: float | str) -> Reading:
    """Where a canonical value lies against the question's reference range (a word answer
    says it itself)."""
    if isinstance(value, str):
        return value if value in ("low", "normal", "raised") else ""  # type: ignore[return-value]
    if question.reference is None:
        return ""
    low, high = question.reference
    return "low" if value < low else "raised" if value > high else "normal"
