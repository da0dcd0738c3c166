"""Keeping a long consultation on disk: bytes written and time per turn over 10,000 turns, in a
fresh process (bench/run.py calls it; `python bench/autosave.py [TURNS]` prints the numbers).

The turns are the real ones of the recorded consultations in transcripts/ (each input with
the output that followed it), cycled to the length wanted and kept by the autosave's own
Recorder in a temporary directory, every turn flushed to disk as in a consultation. Bytes
are what the process handed to write() (`wchar` in /proc/self/io). *Before*, autosave wrote
the whole transcript on every turn: the sum of the file's sizes after each turn, computed
exactly here rather than written (at 10,000 turns the audit measured 27.5 GB).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
TURNS = 10_000

WORKER = """
import json, sys, tempfile, time
from pathlib import Path
from chatbot.consultation.record import is_user_line, read_transcript
from chatbot.consultation.session import Recorder

turns = []
for path in sorted(Path(sys.argv[2]).glob("*.txt")):
    turn = []
    for _, text in read_transcript(path).body:
        if is_user_line(text) and turn:
            turns.append(turn)
            turn = []
        turn.append(text)
    if turn:
        turns.append(turn)

def wchar():
    for line in Path("/proc/self/io").read_text().splitlines():
        if line.startswith("wchar:"):
            return int(line.split()[1])
    return 0

wanted = int(sys.argv[1])
with tempfile.TemporaryDirectory() as work:
    path = Path(work) / "session.txt"
    recorder = Recorder([path])
    before = 0
    seconds = []
    start = wchar()
    for n in range(wanted):
        for text in turns[n % len(turns)]:
            if is_user_line(text):
                recorder.user(text[2:])
            else:
                recorder.bot(text)
        t0 = time.perf_counter()
        problems = recorder.keep(False)
        seconds.append(time.perf_counter() - t0)
        assert not problems, problems
        before += path.stat().st_size if path.exists() else 0  # what the old code rewrote
    written = wchar() - start
    size = path.stat().st_size
    assert path.read_text(encoding="utf-8") == recorder.text(False)
print(json.dumps({
    "turns": wanted, "size": size, "written": written, "before": before,
    "first_ms": 1000 * sum(seconds[:100]) / 100, "last_ms": 1000 * sum(seconds[-100:]) / 100,
}))
"""


def measure(turns: int = TURNS) -> dict[str, Any]:
    """Run the worker once in a fresh process; its numbers."""
    result = subprocess.run(
        [sys.executable, "-c", WORKER, str(turns), str(ROOT / "transcripts")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if result.returncode != 0:
        raise SystemExit(f"bench/autosave.py: the worker failed:\n{result.stderr}")
    measured: dict[str, Any] = json.loads(result.stdout)
    return measured


def section(report: dict[str, Any], table: Any) -> Iterator[str]:
    """The RESULTS.md section."""
    yield "## 8. Keeping a long consultation (autosave)"
    yield ""
    yield (
        "The recorded consultations' turns (transcripts/) cycled to 10,000 and kept by the"
        " autosave's Recorder, each turn flushed to disk; bytes handed to write(). *Before*:"
        " the whole transcript written on every turn (the sum of the file's sizes after each"
        " turn; the audit measured 27.5 GB for a 10,000-answer session)."
    )
    yield ""
    kept = report.get("autosave", {})
    if not kept:
        yield "Not measured."
        return
    gb, mb = 1e9, 1e6
    rows: list[Sequence[str]] = [
        ["turns", f"{kept['turns']:,}", f"{kept['turns']:,}", "", ""],
        ["file at the end", f"{kept['size'] / mb:.1f} MB", f"{kept['size'] / mb:.1f} MB", "", ""],
        [
            "bytes written in all",
            f"{kept['before'] / gb:.1f} GB",
            f"{kept['written'] / mb:.1f} MB",
            "≈ file size",
            "met" if kept["written"] <= 1.05 * kept["size"] else "NOT met",
        ],
        ["keep, turns 1–100, mean", "", f"{kept['first_ms']:.2f} ms", "", ""],
        [
            "keep, turns 9,901–10,000, mean",
            "",
            f"{kept['last_ms']:.2f} ms",
            "same as the first",
            "met" if kept["last_ms"] <= 2 * kept["first_ms"] + 1 else "NOT met",
        ],
    ]
    yield from table(["", "before", "after", "target", ""], rows)


if __name__ == "__main__":
    print(json.dumps(measure(int(sys.argv[1]) if len(sys.argv) > 1 else TURNS), indent=1))
