"""How many questions a consultation asks before it concludes, and whether it concludes right.

Every case of the published development set (`tests/data/published_answers.toml`) and of the
project's own cases (`tests/cases/*.toml`) is run through the dialogue: each question asked is
answered from the case's answers, `unknown` when the case does not have it, until the
consultation concludes. The conclusion is compared with `classify` on the same answers (all
given at once) and with the case's expected class.

    .venv/bin/python bench/questions.py      # prints the distribution and the accuracy

bench/run.py calls `measure()` and records the result in RESULTS.md (section 7).
"""

from __future__ import annotations

import statistics
import sys
import tomllib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PUBLISHED = ROOT.parent / "shared" / "cases" / "published" / "cases.toml"
ANSWERS = ROOT / "tests" / "data" / "published_answers.toml"
OWN = ROOT / "tests" / "cases"
TARGET_MEDIAN = 6
LIMIT = 60
"""A consultation still asking after this many questions is stopped and counted as a miss."""


def cases() -> Iterator[tuple[str, dict[str, str], tuple[str, ...]]]:
    """(name, answers, accepted classes) of every case, development set first."""
    if PUBLISHED.exists():
        published = tomllib.loads(PUBLISHED.read_text(encoding="utf-8"))["case"]
        answers = tomllib.loads(ANSWERS.read_text(encoding="utf-8"))["case"]
        by_id = {entry["id"]: entry for entry in answers}
        for case in published:
            entry = by_id[case["id"]]
            accepted = (case["class"], *case.get("also_accept", ()))
            if "argued" in entry:
                accepted = (*accepted, entry["argued"])
            yield case["id"], entry["answers"], accepted
    for path in sorted(OWN.glob("*.toml")):
        for number, case in enumerate(tomllib.loads(path.read_text(encoding="utf-8"))["case"]):
            yield f"{path.stem}:{number}", case["answers"], (case["classification"],)


def consult(kb: Any, answers: dict[str, str]) -> tuple[int, int, str, str, list[str]]:
    """Run the dialogue on one case: (questions asked, questions until the conclusion held
    from then on, class, subtype, question ids)."""
    from chatbot.consultation.dialogue import Consultation

    consultation = Consultation(kb)
    consultation.start()
    asked: list[str] = []
    states: list[tuple[str, str]] = []
    while not consultation.is_finished and len(asked) < LIMIT:
        question = consultation.current
        assert question is not None
        asked.append(question.id)
        consultation.respond(str(answers.get(question.id, "unknown")))
        states.append((consultation.assessment.classification, consultation.assessment.subtype))
    a = consultation.assessment
    final = (a.classification, a.subtype)
    reached = len(states)
    while reached > 0 and states[reached - 1] == final:
        reached -= 1
    return len(asked), reached + 1, a.classification, a.subtype, asked


def measure() -> dict[str, Any]:
    """Questions per consultation and accuracy of the dialogue and of classify."""
    sys.path.insert(0, str(ROOT))
    from chatbot.consultation.oneshot import classify
    from chatbot.knowledge.files import default_rules_dir
    from chatbot.knowledge.loader import load_knowledge_base

    kb = load_knowledge_base(default_rules_dir())
    rows = []
    for name, answers, accepted in cases():
        count, reached, got, subtype, asked = consult(kb, answers)
        pairs = [f"{question}={value}" for question, value in answers.items()]
        reference, _ = classify(kb, pairs, None)
        rows.append(
            {
                "case": name,
                "questions": count,
                "to_conclusion": min(reached, count),
                "asked": asked,
                "missing": sum(1 for q in asked if q not in answers),
                "right": got in accepted,
                "classify_right": reference.classification in accepted,
                "same": (got, subtype) == (reference.classification, reference.subtype),
            }
        )
    return {"rows": rows}


def summary(found: dict[str, Any]) -> dict[str, Any]:
    rows = found["rows"]
    counts = [row["questions"] for row in rows]
    reached = [row["to_conclusion"] for row in rows]
    return {
        "cases": len(rows),
        "to_conclusion_median": statistics.median(reached),
        "to_conclusion_p90": sorted(reached)[int(0.9 * (len(reached) - 1))],
        "to_conclusion_histogram": dict(sorted(Counter(reached).items())),
        "median": statistics.median(counts),
        "p90": sorted(counts)[int(0.9 * (len(counts) - 1))],
        "max": max(counts),
        "missing_median": statistics.median(row["missing"] for row in rows),
        "right": sum(row["right"] for row in rows),
        "classify_right": sum(row["classify_right"] for row in rows),
        "same": sum(row["same"] for row in rows),
        "histogram": dict(sorted(Counter(counts).items())),
    }


BEFORE = {
    "to_conclusion_median": 11,
    "to_conclusion_p90": 14,
    "median": 12,
    "p90": 15,
    "max": 17,
    "missing_median": 7,
    "right": 161,
    "classify_right": 161,
    "same": 160,
}
"""The same measure on the question policy before decisive questions came first and
refinements were gated (ranked by classes left alone; measured 2026-12-02 on 161 cases)."""


def section(report: dict[str, Any], table: Any) -> Iterator[str]:
    """The RESULTS.md section: the distribution before and after."""
    yield "## 7. Questions per consultation"
    yield ""
    yield (
        "The development set (tests/data/published_answers.toml) and the project's own cases"
        " (tests/cases/) run through the dialogue, each question answered from the case's"
        " answers or `unknown`: how many questions until the conclusion (class and cause) is"
        " the one it ends with and stays so, and how many until the consultation stops asking;"
        " the class against `classify` given every answer at once. *Before*: the ranking by"
        " classes left alone (recorded once, bench/questions.py `BEFORE`)."
    )
    yield ""
    found = report.get("questions")
    if not found:
        yield "Not measured: the development set is not beside the project."
        return
    after = summary(found)
    rows = [
        ["cases", str(after["cases"]), str(after["cases"]), "", ""],
        [
            "questions to the conclusion, median",
            str(BEFORE["to_conclusion_median"]),
            str(after["to_conclusion_median"]),
            f"≤ {TARGET_MEDIAN}",
            "met" if after["to_conclusion_median"] <= TARGET_MEDIAN else "**not met**",
        ],
        [
            "questions to the conclusion, p90",
            str(BEFORE["to_conclusion_p90"]),
            str(after["to_conclusion_p90"]),
            "",
            "",
        ],
        ["questions asked in all, median", str(BEFORE["median"]), str(after["median"]), "", ""],
        [
            "questions asked in all, p90 / max",
            f"{BEFORE['p90']} / {BEFORE['max']}",
            f"{after['p90']} / {after['max']}",
            "",
            "",
        ],
        [
            "of them about facts the case lacks, median",
            str(BEFORE["missing_median"]),
            str(after["missing_median"]),
            "",
            "",
        ],
        [
            "right class (dialogue / classify)",
            f"{BEFORE['right']} / {BEFORE['classify_right']}",
            f"{after['right']} / {after['classify_right']}",
            "no loss",
            "",
        ],
        ["same class and cause as classify", str(BEFORE["same"]), str(after["same"]), "", ""],
    ]
    yield from table(["", "before", "after", "target", ""], rows)
    yield ""
    histogram = ", ".join(f"{k}: {v}" for k, v in after["to_conclusion_histogram"].items())
    yield f"Questions to the conclusion (after), count of cases: {histogram}."


def main() -> int:
    found = measure()
    result = summary(found)
    for key, value in result.items():
        print(f"{key}: {value}")
    if "-v" in sys.argv:
        for row in sorted(found["rows"], key=lambda r: -r["questions"]):
            flag = "" if row["same"] else "  DIFFERS from classify"
            asked = " ".join(row["asked"])
            print(f"{row['questions']:3} {row['to_conclusion']:3} {row['case']}: {asked}{flag}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
