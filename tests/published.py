"""The published development set, answered from its facts: how calcify classifies real cases.

`../shared/cases/published/cases.toml` holds 72 close paraphrases of published case reports
with the authors' diagnosis mapped to calcify's classes; `tests/data/published_answers.toml`
holds, for each, the answers a clinician gives from the case's facts (written once, from the
facts, never tuned to the result). A case counts as right when calcify's classification is
its class or one it also accepts; `indeterminate` is a miss unless expected. A case whose
note marks the mapping debatable may be argued in the answers file, once, with a reason.

    python tests/published.py        # prints per-class accuracy; exit 1 below the threshold

It goes on with tests/published_text.py: the same cases read from their text.
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
    failed = right < THRESHOLD
    if failed:
        print(f"FAILED: {right} right, below the threshold of {THRESHOLD}")
    from published_text import main as read_main  # the same cases, read from their text

    return 1 if read_main() or failed else 0


if __name__ == "__main__":
    sys.exit(main())
