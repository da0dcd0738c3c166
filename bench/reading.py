"""Reading a pasted case description: time and memory for texts of growing size, in a fresh
process each (bench/run.py calls it; `python bench/reading.py` prints the rows alone).

The text is the published development set's case texts repeated to the size wanted (real
prose: cues, lists of labs, places, numbers), read by `read_description` as `calcify classify
--case` does. Before this reader, 120 KB took 9.8 s and 1 MB over 200 s (measured on this
machine when the quadratic reader was replaced); the target is 1 MB in under 2 s.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
SIZES = (12_000, 120_000, 1_000_000)
TARGET_1MB = 2.0
CASES = ROOT.parent / "shared" / "cases" / "published" / "cases.toml"

WORKER = """
import json, resource, sys, time, tomllib
from chatbot.intake.reader import read_description
from chatbot.knowledge.files import default_rules_dir
from chatbot.knowledge.loader import load_knowledge_base
kb = load_knowledge_base(default_rules_dir())
cases = tomllib.load(open(sys.argv[1], "rb"))["case"]
base = "\\n".join(case["text"] for case in cases)
size = int(sys.argv[2])
text = (base * (size // len(base) + 1))[:size]
read_description(kb, "warm up: calcium 2.4 mmol/L")
start = time.perf_counter()
found = read_description(kb, text)
seconds = time.perf_counter() - start
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "rss": rss, "items": len(found.items)}))
"""


def measure(runs: int) -> dict[str, Any]:
    """Seconds (each run in a fresh process) and peak RSS for each size."""
    if not CASES.exists():
        return {}
    python = ROOT / ".venv" / "bin" / "python"
    found: dict[str, Any] = {}
    for size in SIZES:
        results = []
        for _ in range(runs):
            out = subprocess.run(
                [str(python), "-c", WORKER, str(CASES), str(size)],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            )
            results.append(json.loads(out.stdout))
        found[str(size)] = {
            "seconds": [r["seconds"] for r in results],
            "rss": max(r["rss"] for r in results),
        }
    return found


def section(report: dict[str, Any], table: Any) -> Iterator[str]:
    """The RESULTS.md section: one row per size."""
    yield "## 6. Reading a pasted case description"
    yield ""
    yield (
        "`read_description` over the published development set's texts repeated to each size"
        " (real prose), each run in a fresh process; median of the runs. Before this reader,"
        " 120 KB took 9.8 s and 1 MB over 200 s. Ctrl-C abandons a reading at any point."
    )
    yield ""
    reading = report.get("reading", {})
    if not reading:
        yield "Not measured: the development set is not beside the project."
        return
    rows: list[Sequence[str]] = []
    for size, data in reading.items():
        seconds = statistics.median(data["seconds"])
        target = f"≤ {TARGET_1MB:g} s" if size == str(SIZES[-1]) else ""
        met = ("met" if seconds <= TARGET_1MB else "NOT met") if target else ""
        rows.append(
            [f"{int(size) // 1000} KB", f"{seconds:.2f} s", f"{data['rss']:.0f} MB", target, met]
        )
    yield from table(["text", "time", "peak RSS", "target", ""], rows)


if __name__ == "__main__":
    measured = measure(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
    for size, data in measured.items():
        print(size, f"{statistics.median(data['seconds']):.2f} s", f"{data['rss']:.0f} MB")
