"""The published development set read from its text, as a user pastes it: class accuracy per
class, and how well the reading matches each case's facts.

Each answer read is compared with tests/data/published_answers.toml: `right` when it agrees
with the answers written from the case's facts (or with `text_states`, what the text says in
so many words and the facts summary leaves out), `misread` when it contradicts them,
`invented` when the facts and the text say nothing of it. Precision is right over all
answers read; recall is the facts' answers read right over all of them. It fails below
TEXT_THRESHOLD cases right, PRECISION or RECALL.

    python tests/published_text.py        # the table, the totals, and every miss with -v
"""

from __future__ import annotations

import sys
import tomllib
from collections import Counter
from dataclasses import dataclass
from typing import Any

from published import ANSWERS, CASES, ROOT

TEXT_THRESHOLD = 65
PRECISION, RECALL = 0.95, 0.85


@dataclass(frozen=True)
class Reading:
    """One case read from its text: the class it got, and its answers compared."""

    case_id: str
    expected: tuple[str, ...]
    got: str
    right: tuple[str, ...]
    """Questions read as the facts answer them."""
    also: tuple[str, ...]
    """Questions read as the text states them (`text_states`), beyond the facts."""
    misread: tuple[str, ...]
    invented: tuple[str, ...]
    missed: tuple[str, ...]


def read_texts() -> list[Reading]:
    """Read every case's text as `calcify classify --case` does, and compare."""
    sys.path.insert(0, str(ROOT))
    from chatbot.consultation.oneshot import classify, parse_assignments
    from chatbot.knowledge.files import default_rules_dir
    from chatbot.knowledge.loader import load_knowledge_base

    kb = load_knowledge_base(default_rules_dir())
    cases = tomllib.loads(CASES.read_text(encoding="utf-8"))["case"]
    entries = {e["id"]: e for e in tomllib.loads(ANSWERS.read_text(encoding="utf-8"))["case"]}
    found = []
    for case in cases:
        entry = entries[case["id"]]
        gold = parse_assignments(kb, [f"{q}={v}" for q, v in entry["answers"].items()])
        stated = parse_assignments(
            kb, [f"{q}={v}" for q, v in entry.get("text_states", {}).items()]
        )
        assessment, text_read = classify(kb, [], case["text"])
        read = {item.question: item.value for item in text_read.items}
        expected = (case["class"], *case.get("also_accept", ()))
        if "argued" in entry:
            expected = (*expected, entry["argued"])
        sorted_out: dict[str, list[str]] = {"right": [], "also": [], "misread": [], "invented": []}
        for question, value in read.items():
            if question in gold:
                kind = "right" if _agrees(kb, question, value, gold[question]) else "misread"
            elif question in stated and _agrees(kb, question, value, stated[question]):
                kind = "also"
            else:
                kind = "invented"
            shown = question if kind in ("right", "also") else f"{question}={value}"
            if kind == "misread":
                shown += f" (facts: {gold[question]})"
            sorted_out[kind].append(shown)
        missed = tuple(f"{q}={v}" for q, v in gold.items() if q not in read)
        found.append(
            Reading(
                case["id"],
                expected,
                assessment.classification,
                *(tuple(sorted_out[k]) for k in ("right", "also", "misread", "invented")),
                missed,
            )
        )
    return found


def _agrees(kb: Any, question: str, read: object, gold: object) -> bool:
    """The same answer: equal, a number within 1% of the number given, a number in the band
    a word names, or the same several choices."""
    from chatbot.knowledge.answers import reading

    if read == gold:
        return True
    if isinstance(read, float) and isinstance(gold, float):
        return abs(read - gold) <= 0.01 * max(abs(gold), 1e-9)
    number, word = (read, gold) if isinstance(read, float) else (gold, read)
    if isinstance(number, float) and isinstance(word, str):
        return bool(reading(kb.questions[question], number) == word)
    if isinstance(read, tuple) or isinstance(gold, tuple):
        wanted = set(gold) if isinstance(gold, tuple) else {gold}
        got = set(read) if isinstance(read, tuple) else {read}
        return got == wanted
    return False


@dataclass(frozen=True)
class Scores:
    right_cases: int
    precision: float
    recall: float


def scores(found: list[Reading]) -> Scores:
    count = lambda field: sum(len(getattr(r, field)) for r in found)  # noqa: E731
    right, also, misread = count("right"), count("also"), count("misread")
    read = right + also + misread + count("invented")
    precision = (right + also) / read if read else 1.0
    recall = right / (right + misread + count("missed"))
    return Scores(sum(r.got in r.expected for r in found), precision, recall)


def report(found: list[Reading], verbose: bool = False) -> list[str]:
    total, ok = Counter[str](), Counter[str]()
    for r in found:
        total[r.expected[0]] += 1
        ok[r.expected[0]] += r.got in r.expected
    s = scores(found)
    count = lambda field: sum(len(getattr(r, field)) for r in found)  # noqa: E731
    lines = ["Published development set, read from the text:"]
    lines += [f"  {cls:<26} {ok[cls]:>2}/{total[cls]}" for cls in sorted(total)]
    lines.append(f"  {'all':<26} {s.right_cases:>2}/{len(found)}")
    lines.append(
        f"  reading: {count('right')} answers as the facts give them, {count('also')} as "
        f"the text states them, {count('misread')} misread, {count('invented')} invented, "
        f"{count('missed')} missed: precision {s.precision:.1%}, recall {s.recall:.1%}"
    )
    for r in found:
        if r.got not in r.expected:
            lines.append(f"  miss: {r.case_id}: {r.got}, expected {r.expected[0]}")
        if verbose:
            for field in ("misread", "invented", "missed"):
                if getattr(r, field):
                    lines.append(f"    {r.case_id} {field}: {'; '.join(getattr(r, field))}")
    return lines


def main(verbose: bool = False) -> int:
    if not CASES.exists():
        print(f"no development set at {CASES}: skipped")
        return 0
    found = read_texts()
    print("\n".join(report(found, verbose)))
    s = scores(found)
    failures = []
    if s.right_cases < TEXT_THRESHOLD:
        failures.append(f"{s.right_cases} cases right, below {TEXT_THRESHOLD}")
    if s.precision < PRECISION:
        failures.append(f"precision {s.precision:.1%}, below {PRECISION:.0%}")
    if s.recall < RECALL:
        failures.append(f"recall {s.recall:.1%}, below {RECALL:.0%}")
    for failure in failures:
        print(f"FAILED: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main("-v" in sys.argv))
