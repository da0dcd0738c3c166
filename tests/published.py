"""The published development set, answered from its facts: how calcify classifies real cases.

`../shared/cases/published/cases.toml` holds 72 close paraphrases of published case reports
with the authors' diagnosis mapped to calcify's classes; `tests/data/published_answers.toml`
holds, for each, the answers a clinician gives from the case's facts (written once, from the
facts, never tuned to the result). A case counts as right when calcify's classification is
its class or one it also accepts; `indeterminate` is a miss unless expected. A case whose
note marks the mapping debatable may be argued in the answers file, once, with a reason.

    python tests/published.py        # prints per-class accuracy; exit 1 below the threshold
"""

from __future__ import annotations

import sys
import tomllib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT.parent / "shared" / "cases" / "published" / "cases.toml"
ANSWERS = ROOT / "tests" / "data" / "published_answers.toml"
THRESHOLD = 68
"""Right answers out of 72 below which the evaluation fails."""


@dataclass(frozen=True)
class Result:
    case_id: str
    expected: tuple[str, ...]
    got: str
    grade: str

    @property
    def right(self) -> bool:
        return self.got in self.expected


def evaluate() -> list[Result]:
    """Classify every case of the development set from its structured answers."""
    sys.path.insert(0, str(ROOT))
    from chatbot.consultation.oneshot import classify
    from chatbot.knowledge.files import default_rules_dir
    from chatbot.knowledge.loader import load_knowledge_base

    kb = load_knowledge_base(default_rules_dir())
    cases = tomllib.loads(CASES.read_text(encoding="utf-8"))["case"]
    answers = {e["id"]: e for e in tomllib.loads(ANSWERS.read_text(encoding="utf-8"))["case"]}
    results = []
    for case in cases:
        entry = answers[case["id"]]
        pairs = [f"{question}={value}" for question, value in entry["answers"].items()]
        assessment, _ = classify(kb, pairs, None)
        expected = (case["class"], *case.get("also_accept", ()))
        if "argued" in entry:
            assert "note" in case, f"{case['id']}: only a debatable case may be argued"
            expected = (*expected, entry["argued"])
        results.append(Result(case["id"], expected, assessment.classification, assessment.grade))
    return results


def report(results: list[Result]) -> list[str]:
    """Per-class accuracy, the total and every miss."""
    total, right = Counter(), Counter()
    for result in results:
        total[result.expected[0]] += 1
        right[result.expected[0]] += result.right
    lines = [f"  {cls:<26} {right[cls]:>2}/{total[cls]}" for cls in sorted(total)]
    count = sum(right.values())
    grades = Counter(r.grade for r in results if r.right)
    lines.append(
        f"  {'all':<26} {count:>2}/{len(results)} "
        f"(right ones: {grades['established']} established, {grades['probable']} probable)"
    )
    for result in results:
        if not result.right:
            lines.append(f"  miss: {result.case_id}: {result.got}, expected {result.expected[0]}")
    return ["Published development set, from structured answers:", *lines]


def main() -> int:
    if not CASES.exists():
        print(f"no development set at {CASES}: skipped")
        return 0
    results = evaluate()
    print("\n".join(report(results)))
    right = sum(r.right for r in results)
    if right < THRESHOLD:
        print(f"FAILED: {right} right, below the threshold of {THRESHOLD}")
        return 1
    return 0


# -- reading the texts -----------------------------------------------------------------------

TEXT_THRESHOLD = 65
PRECISION, RECALL = 0.95, 0.85


@dataclass(frozen=True)
class Reading:
    case_id: str
    expected: tuple[str, ...]
    got: str
    right: tuple[str, ...]
    misread: tuple[str, ...]
    invented: tuple[str, ...]
    missed: tuple[str, ...]


def read_texts() -> list[Reading]:
    """Read every case's text as calcify reads a pasted description, classify what was read,
    and compare each answer with the structured answers written from the facts."""
    sys.path.insert(0, str(ROOT))
    from chatbot.consultation.oneshot import classify, parse_assignments
    from chatbot.knowledge.files import default_rules_dir
    from chatbot.knowledge.loader import load_knowledge_base

    kb = load_knowledge_base(default_rules_dir())
    cases = tomllib.loads(CASES.read_text(encoding="utf-8"))["case"]
    answers = {e["id"]: e for e in tomllib.loads(ANSWERS.read_text(encoding="utf-8"))["case"]}
    found = []
    for case in cases:
        entry = answers[case["id"]]
        gold = parse_assignments(kb, [f"{q}={v}" for q, v in entry["answers"].items()])
        assessment, text_read = classify(kb, [], case["text"])
        read = {item.question: item.value for item in text_read.items}
        expected = (
            case["class"],
            *case.get("also_accept", ()),
            *([entry["argued"]] if "argued" in entry else []),
        )
        right, misread, invented = [], [], []
        for question, value in read.items():
            if question not in gold:
                invented.append(f"{question}={value}")
            elif _agrees(kb, question, value, gold[question]):
                right.append(question)
            else:
                misread.append(f"{question}={value} (facts: {gold[question]})")
        missed = tuple(f"{q}={v}" for q, v in gold.items() if q not in read)
        found.append(Reading(case["id"], expected, assessment.classification, tuple(right),
                             tuple(misread), tuple(invented), missed))  # fmt: skip
    return found


def _agrees(kb: object, question: str, read: object, gold: object) -> bool:
    """The same answer: equal, a number within 1% of the number given, or a number in the
    band a word names."""
    from chatbot.knowledge.answers import reading

    if read == gold:
        return True
    if isinstance(read, float) and isinstance(gold, float):
        return abs(read - gold) <= 0.01 * max(abs(gold), 1e-9)
    number, word = (read, gold) if isinstance(read, float) else (gold, read)
    if isinstance(number, float) and isinstance(word, str):
        return reading(kb.questions[question], number) == word  # type: ignore[attr-defined]
    if isinstance(read, tuple) or isinstance(gold, tuple):
        wanted = set(gold) if isinstance(gold, tuple) else {gold}
        got = set(read) if isinstance(read, tuple) else {read}
        return got == wanted
    return False


def reading_report(found: list[Reading]) -> tuple[list[str], int, float, float]:
    right = sum(len(r.right) for r in found)
    wrong = sum(len(r.misread) + len(r.invented) for r in found)
    missed = sum(len(r.missed) for r in found)
    precision = right / (right + wrong) if right + wrong else 1.0
    recall = right / (right + sum(len(r.misread) for r in found) + missed)
    total, ok = Counter(), Counter()
    for r in found:
        total[r.expected[0]] += 1
        ok[r.expected[0]] += r.got in r.expected
    count = sum(ok.values())
    lines = ["Published development set, read from the text:"]
    lines += [f"  {cls:<26} {ok[cls]:>2}/{total[cls]}" for cls in sorted(total)]
    lines.append(f"  {'all':<26} {count:>2}/{len(found)}")
    lines.append(
        f"  reading: {right} answers right, {sum(len(r.misread) for r in found)} misread, "
        f"{sum(len(r.invented) for r in found)} invented, {missed} missed: "
        f"precision {precision:.1%}, recall {recall:.1%}"
    )
    return lines, count, precision, recall


if __name__ == "__main__":
    sys.exit(main())
