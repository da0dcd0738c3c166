"""Text as calcify compares it: normalised answers, and the words of a case description or a
vocabulary phrase, keyed the same way so "Haematomas" in a text meets "hematoma" in rules/.

Pure: no I/O. Holds no medical words: they all come from the knowledge base.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from dataclasses import dataclass, field


@functools.lru_cache(maxsize=16384)
def normalise(text: str) -> str:
    """Lower case, no accents, British spellings folded to American, punctuation to spaces."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("'", "").replace("\u2019", "")
    text = re.sub(r"[^a-z0-9?]+", " ", text).strip()
    return " ".join(american(word) for word in text.split(" "))


# Each fold is a pattern of one word, so "treatment", "four" and "shoe" keep their letters.
_AE = re.compile(r"(?<=.)ae(?=.)|^ae(?=[^r])")
"""ae inside a word (haematoma, paediatric, aetiology), not at its end (vertebrae) or in
aer- (aerobic)."""
_OE = re.compile(r"^oe|oe(?=dem|soph|str)|(?<=rrh)oe|(?<=pn)oe|(?<=c)oe(?=li)|(?<=f)oe(?=t)")
"""oe where only British spelling has it: oedema, oesophagus, oestrogen, lymphoedema,
diarrhoea, dyspnoea, coeliac, foetus; never shoe, does or poem."""
_ISE = re.compile(r"(?<=[a-z]{2}[abd-tx-z])is(?=(?:e|ed|es|ing|ation|ations)$)")
"""-ise, -ised, -ising, -isation after a stem of three letters or more (hyalinised, ionised,
immobilisation); raise and arise are too short, and -cise, -uise, -vise, -wise (excise,
bruise, revise, otherwise) are American spellings too."""
_OUR = re.compile(r"(?<=[a-z]{2})our(?=(?:s|al|ed|ing|ful|ite|ites|able|less)?$)")
"""-our at the end of a word or before a suffix (tumour, tumours, behavioural, coloured)."""
_OUR_KEPT = frozenset("flour amour detour contour devour".split())
"""Words whose -our is no British spelling (four, hour, your and the like are too short)."""
_RE = re.compile(r"(?<=[a-z]{2})([tb])re(s?)$")
"""centre, litre, fibre, calibre and their plurals: never treatment or tremor."""
_RE_KEPT = frozenset(("timbre", "timbres"))


@functools.lru_cache(maxsize=16384)
def american(word: str) -> str:
    """One lower-case word in American spelling where British spelling differs regularly."""
    word = _ISE.sub("iz", _OE.sub("e", _AE.sub("e", word)))
    our = _OUR.search(word)
    if our and word[: our.end()] not in _OUR_KEPT:
        word = word[: our.start()] + "or" + word[our.end() :]
    return word if word in _RE_KEPT else _RE.sub(r"\1er\2", word)


NUMBER = r"\d{1,3}(?:,\d{3})+(?!\d)(?:\.\d+)?|\d+(?:[.,\u00b7]\d+)?"
"""A number as written: '1,150' and '12,000' (a comma before exactly three digits groups
thousands), '2.35', '2,35' (a decimal comma) and '2·9' (a middle dot)."""
_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_TOKEN = re.compile(
    rf"(?P<number>{NUMBER})|(?P<word>[^\W_]+(?:['’][^\W_]+)*\+*)|(?P<times>×)|(?P<mark>[^\w\s])"
)
HARD_MARKS = frozenset(".,;:!?()[]{}")
_HARD_OR_LINE = HARD_MARKS | {"\n"}
GENERIC = frozenset(
    "a an and any at of or the to no none nothing neither nor not yes known other others unknown"
    " this these that those it all some".split()
)
"""Words that carry no fact on their own: a phrase made only of these is never indexed."""


@dataclass(frozen=True, slots=True)
class Word:
    """One word or number of a text: its key for matching and where it stands in the text."""

    key: str
    start: int
    end: int
    is_number: bool = False
    before: str = ""
    """The marks between the last word and this one ("\n" for a line break)."""
    hard_before: bool = field(init=False, compare=False, repr=False)
    """A clause mark (. , ; : ( ) and the like) or a line break comes before it."""

    def __post_init__(self) -> None:
        hard = bool(self.before) and not _HARD_OR_LINE.isdisjoint(self.before)
        object.__setattr__(self, "hard_before", hard)


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
        start, end = match.span()
        if "\n" in text[last_end:start]:
            marks += "\n"
        last_end = end
        kind = match.lastgroup
        if kind == "mark":
            marks += match.group()
            continue
        for key in _keys(match.group(), kind == "number"):
            if found and marks == "-" and found[-1].key in NUMBER_WORDS:
                last = found[-1]  # 'a two-year-old': the number word is a number
                found[-1] = Word(NUMBER_WORDS[last.key], last.start, last.end, True, last.before)
            found.append(Word(key, start, end, key[0].isdigit(), marks))
            marks = ""
    return found


NUMBER_WORDS = {
    word: str(value)
    for value, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen "
        "fourteen fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
}
"""Numbers written as words, read as numbers when joined by a hyphen ('two-year-old')."""


def count(text: str) -> int | None:
    """A small whole number written in ASCII digits ("2", " 12 "), else None: '²', '٣' and a
    number of thousands of digits (which int() refuses) are no item, question or choice."""
    text = text.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 9:
        return None
    return int(text)


def number_key(raw: str) -> str:
    """A number as written (NUMBER) as Python reads it: '1,150' -> '1150', '2·9' -> '2.9'."""
    if _THOUSANDS.fullmatch(raw):
        return raw.replace(",", "")
    return raw.replace(",", ".").replace("\u00b7", ".")


@functools.lru_cache(maxsize=65536)
def _keys(raw: str, is_number: bool) -> tuple[str, ...]:
    if is_number:
        return (number_key(raw),)
    if raw == "×":
        return ("x",)  # 'Ca×P' is written as 'Ca x P' is
    base = raw.rstrip("+")
    plus = raw[len(base) :]
    parts = [fold(part) for part in normalise(base).split()]
    if parts and plus:
        parts[-1] += plus
    return tuple(parts)


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


def safe_text(text: str) -> str:
    """safe() for text of several lines: each line neutralised, the line breaks kept."""
    return "\n".join(safe(line) for line in text.split("\n"))


_JSON_RAW = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")
"""What json.dumps(ensure_ascii=False) leaves raw that a terminal or a JavaScript reader acts
on: DEL, the C1 controls, bidi marks, embeddings, overrides and isolates, U+2028 and U+2029
(C0 controls json escapes itself)."""


def safe_json(data: object, indent: int | None = None) -> str:
    """JSON text of data, readable (ensure_ascii=False) but with DEL, C1 and bidi controls
    and U+2028/U+2029 written as JSON \\u escapes: the same data to a JSON reader, inert on
    a terminal."""
    text = json.dumps(data, indent=indent, ensure_ascii=False)
    return _JSON_RAW.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def _escape(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
