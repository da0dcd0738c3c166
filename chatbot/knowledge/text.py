"""Text as calcify compares it: normalised answers, and the words of a case description or a
vocabulary phrase, keyed the same way so "Haematomas" in a text meets "hematoma" in rules/.

Pure: no I/O. Holds no medical words: they all come from the knowledge base.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

_SPELLINGS = (("ae", "e"), ("oe", "e"), ("isation", "ization"), ("our", "or"), ("tre", "ter"))


@functools.lru_cache(maxsize=16384)
def normalise(text: str) -> str:
    """Lower case, no accents, British spellings folded to American, punctuation to spaces."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("'", "").replace("\u2019", "")
    text = re.sub(r"[^a-z0-9?]+", " ", text).strip()
    for british, american in _SPELLINGS:
        text = text.replace(british, american)
    return text


_TOKEN = re.compile(
    r"(?P<number>\d+(?:[.,]\d+)?)|(?P<word>[^\W_]+(?:['’][^\W_]+)*\+*)|(?P<mark>[^\w\s])"
)
HARD_MARKS = frozenset(".,;:!?()[]{}")
GENERIC = frozenset(
    "a an and any at of or the to no none nothing neither nor not yes known other others unknown"
    " this these that those it all some".split()
)
"""Words that carry no fact on their own: a phrase made only of these is never indexed."""


@dataclass(frozen=True)
class Word:
    """One word or number of a text: its key for matching and where it stands in the text."""

    key: str
    start: int
    end: int
    is_number: bool = False
    before: str = ""
    """The marks between the last word and this one ("\n" for a line break)."""

    @property
    def hard_before(self) -> bool:
        """A clause mark (. , ; : ( ) and the like) or a line break comes before it."""
        return any(mark in HARD_MARKS or mark == "\n" for mark in self.before)


def fold(word: str) -> str:
    """Fold a regular English plural to its singular; short words are left alone."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("sses"):
        return word[:-2]
    if word.endswith(("ss", "us", "is")) or not word.endswith("s"):
        return word
    return word[:-1]


def words(text: str) -> list[Word]:
    """The words and numbers of a text, each with its span and whether a clause mark precedes."""
    found: list[Word] = []
    marks = ""
    last_end = 0
    for match in _TOKEN.finditer(text):
        if "\n" in text[last_end : match.start()]:
            marks += "\n"
        last_end = match.end()
        if match.group("mark") is not None:
            marks += match.group("mark")
            continue
        for key in _keys(match.group(), is_number=match.group("number") is not None):
            found.append(Word(key, match.start(), match.end(), key[0].isdigit(), marks))
            marks = ""
    return found


def _keys(raw: str, is_number: bool) -> list[str]:
    if is_number:
        return [raw.replace(",", ".")]
    base = raw.rstrip("+")
    plus = raw[len(base) :]
    parts = [fold(part) for part in normalise(base).split()]
    if parts and plus:
        parts[-1] += plus
    return parts


@functools.lru_cache(maxsize=4096)
def phrase_key(text: str) -> tuple[str, ...]:
    """The key of a vocabulary phrase: its words, as a text's words are keyed (kept: a
    vocabulary's phrases come back as synonyms, choices and names)."""
    return tuple(w.key for w in words(text))


def is_specific(text: str) -> bool:
    """Whether a phrase says something beyond generic words ("no", "none", "other")."""
    return is_specific_key(phrase_key(text))


def is_specific_key(key: tuple[str, ...]) -> bool:
    return any(word not in GENERIC for word in key)


def safe(text: str) -> str:
    """Neutralise control and format characters (terminal escapes, bidi overrides)."""
    if text.isprintable():
        return text
    return "".join(" " if ch == "\t" else ch if ch.isprintable() else _escape(ch) for ch in text)


def _escape(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
