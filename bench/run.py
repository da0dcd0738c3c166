"""calcify's benchmarks: start-up, turn latency, replay, synthetic scaling and memory.

    .venv/bin/python bench/run.py          # everything, then writes bench/RESULTS.md (~5 min)
    .venv/bin/python bench/run.py --quick  # fewer runs, a smoke test

Every measurement runs in fresh subprocesses, once on the stock paths (*before*: experta's own
matcher and the possibility analysis from scratch, see bench/stock.py) and once on the paths
calcify uses (*after*), interleaved so both see the same load. Both must print the same text:
the run stops if they do not.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
CALCIFY = ROOT / ".venv" / "bin" / "calcify"
CASES = ROOT / "tests" / "data" / "real_cases.toml"
STOCK = [str(PYTHON), str(BENCH / "stock.py")]
SIZES = (100, 1000, 3000)
MIN_CORPUS = 20
TARGETS = {
    "first": 250.0,
    "turn_p95": 10.0,
    "replay_per_core": 100.0,
    "startup_1000": 400.0,
    "turn_1000": 3.0,
    "turn_3000": 10.0,
}

STARTUP_CODE = """
import json, sys, time
t0 = time.perf_counter()
from chatbot.consultation.dialogue import Consultation
from chatbot.engine.engine import Engine
from chatbot.knowledge.loader import load_knowledge_base
t1 = time.perf_counter()
kb = load_knowledge_base(sys.argv[1])
t2 = time.perf_counter()
engine = Engine(kb)
t3 = time.perf_counter()
blocks = Consultation(kb, engine).start()
t4 = time.perf_counter()
phases = {"import": t1 - t0, "load": t2 - t1, "build": t3 - t2, "first": t4 - t3}
print(json.dumps({k: v * 1e3 for k, v in phases.items()}))
"""


# -- workers: each runs in a subprocess whose PYTHONPATH selects the code under test --------


def worker_turns_real() -> dict[str, Any]:
    """Drive every real case: answer what is asked from the case, `unknown` otherwise."""
    from chatbot.consultation.dialogue import Consultation
    from chatbot.engine.engine import Engine
    from chatbot.knowledge.files import default_rules_dir
    from chatbot.knowledge.loader import load_knowledge_base

    kb = load_knowledge_base(default_rules_dir())
    engine = Engine(kb)
    with CASES.open("rb") as handle:
        cases = tomllib.load(handle)["case"]
    turns = Turns(kb)
    for case in cases:
        consultation = Consultation(kb, engine)
        consultation.start()
        while (question := consultation.current) is not None:
            turns.respond(consultation, str(case["answers"].get(question.id, "unknown")))
    return turns.result()


def worker_turns_synthetic(directory: str, consultations: int, max_turns: int) -> dict[str, Any]:
    """Seeded random consultations on a synthetic knowledge base."""
    import random

    from synthetic import random_answer

    from chatbot.consultation.dialogue import Consultation
    from chatbot.engine.engine import Engine
    from chatbot.knowledge.loader import load_knowledge_base

    kb = load_knowledge_base(directory)
    engine = Engine(kb)
    turns = Turns(kb)
    for index in range(consultations):
        rng = random.Random(index)
        consultation = Consultation(kb, engine)
        consultation.start()
        for _ in range(max_turns):
            if (question := consultation.current) is None:
                break
            turns.respond(consultation, random_answer(question, rng))
    return turns.result()


class Turns:
    """Times Consultation.respond; keeps a digest of everything it printed."""

    def __init__(self, kb: Any) -> None:
        self.kb, self.times, self.digest = kb, [], hashlib.sha256()
        self.rss_start = peak_rss_mb()
        """The peak so far: the knowledge base loaded and the Engine built."""

    def respond(self, consultation: Any, text: str) -> None:
        from chatbot.ui.render import blocks_lines

        start = time.perf_counter()
        blocks = consultation.respond(text)
        self.times.append((time.perf_counter() - start) * 1e3)
        for line in blocks_lines(self.kb, blocks):
            self.digest.update(line.text.encode() + b"\n")

    def result(self) -> dict[str, Any]:
        return {
            "times": self.times,
            "digest": self.digest.hexdigest(),
            "rss_start": self.rss_start,
            "rss_peak": peak_rss_mb(),
        }


def peak_rss_mb(who: int | None = None) -> float:
    """The peak resident set size of this process (or of its waited-for children), in MB."""
    usage = resource.getrusage(resource.RUSAGE_SELF if who is None else who)
    return usage.ru_maxrss / 1024  # Linux reports kilobytes


def worker_replay(directory: str, jobs: int) -> dict[str, Any]:
    """Replay every transcript once with `replay_all`, the code of `calcify replay --jobs N`:
    in this process (jobs 1) or over a pool of `jobs` processes; timed from loading the
    knowledge base on."""
    from chatbot.knowledge.files import default_rules_dir
    from chatbot.knowledge.loader import load_knowledge_base
    from chatbot.transcripts.replay import Outcome, replay_all
    from chatbot.ui.plain import play

    paths = sorted(Path(directory).glob("*.txt"))
    start = time.perf_counter()
    results = replay_all(load_knowledge_base(default_rules_dir()), paths, play, jobs)
    seconds = time.perf_counter() - start
    failed = [
        path.name
        for path, result in zip(paths, results, strict=True)
        if not (isinstance(result, Outcome) and result.passed)
    ]
    return {
        "count": len(paths),
        "failed": failed,
        "seconds": seconds,
        "rss_peak": peak_rss_mb(),
        "rss_workers": peak_rss_mb(resource.RUSAGE_CHILDREN) if jobs > 1 else 0.0,
    }


WORKERS: dict[str, Callable[..., dict[str, Any]]] = {
    "turns-real": worker_turns_real,
    "turns-synthetic": worker_turns_synthetic,
    "replay": worker_replay,
}


def run_worker(name: str, args: Sequence[str]) -> None:
    sys.path.insert(0, str(BENCH))
    if os.environ.get("CALCIFY_BENCH_STOCK"):
        from stock import use_stock_paths

        use_stock_paths()
    converted = [int(a) if a.isdigit() else a for a in args]
    print(json.dumps(WORKERS[name](*converted)))


# -- the orchestrator ----------------------------------------------------------------------


class Variant:
    """One version of the code: a directory that holds chatbot/ and rules/."""

    def __init__(self, name: str, root: Path, work: Path, stock: bool = False) -> None:
        self.name, self.root, self.cwd = name, root, work
        self.calcify = STOCK if stock else [str(CALCIFY)]
        self.env = {
            **os.environ,
            "PYTHONPATH": str(root),
            "XDG_STATE_HOME": str(work / "state"),
            # Bytecode is cached as in a normal install, but outside the source trees.
            "PYTHONPYCACHEPREFIX": str(work / f"pycache-{name}"),
        }
        for setting in ("PYTHONHASHSEED", "PYTHONDONTWRITEBYTECODE"):
            self.env.pop(setting, None)
        if stock:
            self.env["CALCIFY_BENCH_STOCK"] = "1"

    def worker(self, name: str, *args: object) -> dict[str, Any]:
        command = [str(PYTHON), str(BENCH / "run.py"), "--worker", name, *map(str, args)]
        return self.json(command)

    def json(self, command: Sequence[str]) -> dict[str, Any]:
        done = subprocess.run(
            command, env=self.env, cwd=self.cwd, capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            raise SystemExit(f"{self.name}: {' '.join(command)} failed:\n{done.stderr}")
        result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        return result

    def first_question_ms(self, bytecode: bool = True) -> float:
        """Spawn calcify with an open stdin pipe; time until 'Question 1:' is printed."""
        env = self.env if bytecode else {**self.env, "PYTHONDONTWRITEBYTECODE": "1"}
        if not bytecode:
            env.pop("PYTHONPYCACHEPREFIX")
        start = time.perf_counter()
        process = subprocess.Popen(
            self.calcify,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            cwd=self.cwd,
        )
        assert process.stdout is not None and process.stdin is not None
        for line in process.stdout:
            if line.startswith(b"Question 1:"):
                break
        elapsed = (time.perf_counter() - start) * 1e3
        process.stdin.close()
        process.wait()
        return elapsed

    def consultation_rss_mb(self) -> float:
        """Peak memory of a plain-mode consultation shown its first question (stdin ends)."""
        process = subprocess.Popen(
            self.calcify,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=self.env,
            cwd=self.cwd,
        )
        _, _, usage = os.wait4(process.pid, 0)
        process.returncode = 0  # reaped here
        return float(usage.ru_maxrss) / 1024

    def replay_command_s(self, directory: Path, jobs: int) -> float:
        """Wall time of the whole `calcify replay --jobs N` command."""
        start = time.perf_counter()
        command = [*self.calcify, "replay", "--jobs", str(jobs), str(directory)]
        subprocess.run(command, env=self.env, cwd=self.cwd, capture_output=True, check=False)
        return time.perf_counter() - start


def interleaved(
    variants: Sequence[Variant], runs: int, measure: Callable[[Variant], Any]
) -> dict[str, list[Any]]:
    results: dict[str, list[Any]] = {v.name: [] for v in variants}
    for _ in range(runs):
        for variant in variants:
            results[variant.name].append(measure(variant))
    return results


def same_output(name: str, results: dict[str, dict[str, Any]]) -> None:
    digests = {variant: r["digest"] for variant, r in results.items()}
    if len(set(digests.values())) != 1:
        raise SystemExit(f"{name}: before and after printed different text: {digests}")


def same_failures(replays: dict[str, dict[str, list[dict[str, Any]]]]) -> None:
    """Both versions must pass and fail the same transcripts (others may be mid-edit)."""
    failed = {tuple(r["failed"]) for by in replays.values() for runs in by.values() for r in runs}
    if len(failed) != 1:
        raise SystemExit(f"replay: before and after differ on which transcripts fail: {failed}")


def transcript_corpus(work: Path) -> tuple[Path, str]:
    """transcripts/ if it holds enough files, else transcripts generated from the real cases."""
    shipped = sorted((ROOT / "transcripts").glob("*.txt"))
    if len(shipped) >= MIN_CORPUS:
        return ROOT / "transcripts", f"the {len(shipped)} shipped transcripts/*.txt"
    from chatbot.consultation.record import transcript_text
    from chatbot.knowledge.files import default_rules_dir
    from chatbot.knowledge.loader import load_knowledge_base
    from chatbot.ui.plain import play

    kb = load_knowledge_base(default_rules_dir())
    directory = work / "transcripts"
    directory.mkdir()
    with CASES.open("rb") as handle:
        cases = tomllib.load(handle)["case"]
    for index, case in enumerate(cases):
        lines = play(kb, [str(v) for v in case["answers"].values()])
        text = transcript_text(case["name"], "bench", lines)
        (directory / f"case-{index:03d}.txt").write_text(text, encoding="utf-8")
    return directory, f"{len(cases)} transcripts generated from tests/data/real_cases.toml"


def machine() -> dict[str, str]:
    model = platform.processor()
    with open("/proc/cpuinfo", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "cores": str(os.cpu_count()),
        "cpu": model,
        "python": platform.python_version(),
        "os": f"{platform.system()} {platform.release()}",
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def measure_all(variants: Sequence[Variant], work: Path, quick: bool) -> dict[str, Any]:
    runs = 3 if quick else 11
    report: dict[str, Any] = {"machine": machine()}
    step("first question")
    interleaved(variants, 1, lambda v: v.first_question_ms())  # writes the bytecode caches
    report["first"] = interleaved(variants, runs, lambda v: v.first_question_ms())
    report["first_cold"] = interleaved(variants, runs, lambda v: v.first_question_ms(False))
    report["first_rss"] = interleaved(variants, 3, lambda v: v.consultation_rss_mb())
    step("turns on the shipped knowledge base")
    real = {v.name: v.worker("turns-real") for v in variants}
    same_output("real cases", real)
    report["turns"] = {name: r["times"] for name, r in real.items()}
    report["turns_rss"] = {name: (r["rss_start"], r["rss_peak"]) for name, r in real.items()}
    step("transcript replay")
    report["replay"] = replays(variants, work, 1 if quick else 3, report)
    report["synthetic"] = {}
    for size in SIZES:
        step(f"synthetic knowledge base, {size} rules")
        report["synthetic"][str(size)] = synthetic(variants, work, size, quick)
    step("reading case descriptions")
    import reading  # bench/reading.py

    report["reading"] = reading.measure(1 if quick else 3)
    step("questions per consultation")
    import questions  # bench/questions.py

    report["questions"] = questions.measure() if questions.PUBLISHED.exists() else {}
    step("keeping a long consultation")
    import autosave  # bench/autosave.py

    report["autosave"] = autosave.measure()
    return report


def replays(
    variants: Sequence[Variant], work: Path, runs: int, report: dict[str, Any]
) -> dict[str, Any]:
    corpus, described = transcript_corpus(work)
    report["corpus"] = described
    jobs = sorted({1, os.cpu_count() or 1})
    pooled = {
        str(j): interleaved(variants, runs, lambda v, j=j: v.worker("replay", corpus, j))
        for j in jobs
    }
    same_failures(pooled)
    command = {
        str(j): interleaved(variants, runs, lambda v, j=j: v.replay_command_s(corpus, j))
        for j in jobs
    }
    return {"pooled": pooled, "command": command}


def synthetic(variants: Sequence[Variant], work: Path, size: int, quick: bool) -> dict[str, Any]:
    from synthetic import write_knowledge_base

    directory = write_knowledge_base(work / f"kb-{size}", size)
    startup = interleaved(
        variants,
        3 if quick else 7,
        lambda v: v.json([str(PYTHON), "-c", STARTUP_CODE, str(directory)]),
    )
    consultations = {100: 60, 1000: 40, 3000: 20}[size] // (4 if quick else 1)
    turns = {v.name: v.worker("turns-synthetic", directory, consultations, 25) for v in variants}
    same_output(f"synthetic {size}", turns)
    return {
        "startup": startup,
        "turns": {name: r["times"] for name, r in turns.items()},
        "rss": {name: (r["rss_start"], r["rss_peak"]) for name, r in turns.items()},
    }


def step(text: str) -> None:
    print(f"-- {text}", file=sys.stderr, flush=True)


# -- the report ----------------------------------------------------------------------------


def ms(value: float) -> str:
    return f"{value:,.1f} ms" if value < 100 else f"{value:,.0f} ms"


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def verdict(value: float, target: float, higher_is_better: bool = False) -> str:
    met = value >= target if higher_is_better else value <= target
    return "met" if met else "**not met**"


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> Iterator[str]:
    yield "| " + " | ".join(header) + " |"
    yield "|" + "|".join("---:" if i else "---" for i in range(len(header))) + "|"
    for row in rows:
        yield "| " + " | ".join(row) + " |"


def report_lines(report: dict[str, Any], command: str) -> Iterator[str]:
    m = report["machine"]
    yield "# Benchmark results"
    yield ""
    yield f"Measured {m['date']} on {m['cores']} cores ({m['cpu']}), Python {m['python']},"
    yield f"{m['os']}; load average at the start {m['load']}. Rerun: `{command}` (bench/README.md)."
    yield ""
    yield (
        "*Before*: the stock paths (experta's own matcher run from scratch on every evaluation,"
        " the possibility analysis from scratch; bench/stock.py); *after*: the paths calcify"
        " uses. Both ran interleaved in fresh processes on the same code and knowledge base"
        " and printed identical text."
        " Numbers are medians unless a row says otherwise."
    )
    sections = (first_section, turn_section, replay_section, synthetic_section, memory_section)
    for section in sections:
        yield ""
        yield from section(report)
    import reading  # bench/reading.py

    yield ""
    yield from reading.section(report, table)
    import questions  # bench/questions.py

    yield ""
    yield from questions.section(report, table)
    import autosave  # bench/autosave.py

    yield ""
    yield from autosave.section(report, table)
    yield ""
    yield from CHANGES.strip().splitlines()


CHANGES = """
## What changed

- **Engine** (`chatbot/engine/_experta/`, `engine/compiler.py`): experta's Rete network is
  built as before (flat rules skip the DNF rewrite and the per-rule signature inspection),
  then its nodes change class: conflict-set nodes that receive an activation mark themselves
  dirty, so after each firing only those are asked for changes (the stock matcher asks all of
  them); reset() wipes only nodes that hold something; tokens are copied only where a binding
  is added and built without the constructor's checks; checks skip their logging calls; an
  equality test is a literal, and sibling tests of one field against different literals are
  one dictionary lookup. The agenda key is computed without experta's lru_cache, answers are
  declared in one call, and an Engine keeps its last 256 evaluations (a run is deterministic).
- **Going on** (`chatbot/engine/incremental.py`): when answers were only added since the last
  run, the engine declares just those on the facts it holds, instead of reset() and every
  answer again; if that derived a finding whose absence an earlier firing relied on, it runs
  again from scratch. The trace is put in the order a run from scratch fires (experta's depth
  strategy replayed), so every word printed is the same.
- **Turn** (`chatbot/reasoning/`: `possibility.py`, `index.py`, `byvalue.py`): a truth is a
  function of the answers and derived numbers it reads (a cycle of rules is read as its least
  fixpoint), so an analysis starts from a recent one that is one answer (or one mode) apart,
  keeping what cannot have changed and, Kleene logic being monotone, every decided truth when
  an OPEN answer got a value. The question ranking evaluates all the answers to a question at
  once (a truth per answer, stored as a default plus exceptions) instead of one hypothetical
  analysis per answer, and skips classes that stay possible whatever the answer. Static facts
  of the knowledge base are computed once; the reading of a recent evaluation is kept; a
  rule's conditions are read only until one fails. `Engine(kb, fast=False)` switches all of
  this off at once (the stock paths).
- **Replay** (`chatbot/transcripts/replay.py`): where processes fork, the workers of `replay
  --jobs N` inherit the loaded knowledge base and a built Engine, and take small chunks.
- **Identical results**: `tests/test_engine_speed_equivalence.py` runs the same answers and
  consultations through experta's stock engine with the original patterns and the stock
  analysis, and compares every firing, assessment and printed line;
  `tests/test_incremental.py` compares going on with running from scratch; this benchmark also
  stops if before and after print different text.
"""


def first_section(report: dict[str, Any]) -> Iterator[str]:
    first = report["first"]
    before, after = statistics.median(first["before"]), statistics.median(first["after"])
    cold = report["first_cold"]
    yield "## 1. Process start to the first question (plain mode, shipped knowledge base)"
    yield ""
    yield (
        "`calcify` spawned with stdin a pipe kept open, timed until the line `Question 1:`"
        f" arrives ({len(first['after'])} runs each), with Python's bytecode cache as after any"
        " first run; the last row compiles every module each time (PYTHONDONTWRITEBYTECODE=1)."
    )
    yield ""
    yield from table(
        ["", "before", "after", "target", ""],
        [
            ["median", ms(before), ms(after), "≤ 250 ms", verdict(after, TARGETS["first"])],
            ["fastest", ms(min(first["before"])), ms(min(first["after"])), "", ""],
            [
                "median, no bytecode cache",
                ms(statistics.median(cold["before"])),
                ms(statistics.median(cold["after"])),
                "",
                "",
            ],
        ],
    )


def turn_section(report: dict[str, Any]) -> Iterator[str]:
    turns = report["turns"]
    p95 = {v: percentile(t, 0.95) for v, t in turns.items()}
    yield "## 2. One turn (answer to next question), shipped knowledge base"
    yield ""
    yield (
        f"`Consultation.respond` over every case of tests/data/real_cases.toml"
        f" ({len(turns['after'])} turns): each question asked is answered from the case,"
        " `unknown` otherwise."
    )
    yield ""
    median = {v: statistics.median(t) for v, t in turns.items()}
    yield from table(
        ["", "before", "after", "target", ""],
        [
            ["median", ms(median["before"]), ms(median["after"]), "", ""],
            ["p95", ms(p95["before"]), ms(p95["after"]), "≤ 10 ms", verdict(p95["after"], 10)],
            ["max", ms(max(turns["before"])), ms(max(turns["after"])), "", ""],
        ],
    )


def replay_section(report: dict[str, Any]) -> Iterator[str]:
    replay = report["replay"]
    yield "## 3. Transcript replay throughput"
    yield ""
    yield (
        f"Corpus: {report['corpus']}, each replayed once per run by `replay_all`, the code of"
        " `calcify replay --jobs N` (the knowledge base loaded and the pool started inside the"
        " timing); best of the runs. `calcify replay` rows time the whole command."
    )
    failed = replay["pooled"]["1"]["after"][0]["failed"]
    if failed:
        yield f"Transcripts failing in both versions (being edited): {', '.join(failed)}."
    yield ""
    rows = []
    for jobs, by_variant in replay["pooled"].items():
        rate = {v: max(r["count"] / r["seconds"] for r in runs) for v, runs in by_variant.items()}
        per_core = rate["after"] / int(jobs)
        rows.append(
            [
                "one process" if jobs == "1" else f"pool of {jobs} processes",
                f"{rate['before']:.0f} /s",
                f"{rate['after']:.0f} /s ({per_core:.0f} /s per core)",
                "≥ 100 /s per core",
                verdict(per_core, TARGETS["replay_per_core"], higher_is_better=True),
            ]
        )
    count = replay["pooled"]["1"]["after"][0]["count"]
    for jobs, by_variant in replay["command"].items():
        best = {v: min(runs) for v, runs in by_variant.items()}
        rows.append(
            [
                f"`calcify replay --jobs {jobs}`",
                f"{count / best['before']:.0f} /s ({best['before']:.2f} s)",
                f"{count / best['after']:.0f} /s ({best['after']:.2f} s)",
                "",
                "",
            ]
        )
    yield from table(["", "before", "after", "target", ""], rows)


def synthetic_section(report: dict[str, Any]) -> Iterator[str]:
    yield "## 4. Synthetic knowledge bases (bench/synthetic.py)"
    yield ""
    yield (
        "Start-up = import + load + Engine build + the first assessment (the first question"
        " ready), inside a fresh interpreter (its own start, about 15 ms, not included). Turns"
        " = `Consultation.respond` in seeded random consultations (valid answers, 10%"
        " `unknown`)."
    )
    yield ""
    rows = []
    for size, data in report["synthetic"].items():
        rows += synthetic_rows(size, data)
    yield from table(["", "before", "after", "target", ""], rows)


def synthetic_rows(size: str, data: dict[str, Any]) -> list[list[str]]:
    phases = {
        v: {k: statistics.median(run[k] for run in runs) for k in runs[0]}
        for v, runs in data["startup"].items()
    }
    total = {v: sum(p.values()) for v, p in phases.items()}
    detail = ", ".join(f"{k} {p:.0f}" for k, p in phases["after"].items())
    turns = data["turns"]
    median = {v: statistics.median(t) for v, t in turns.items()}
    startup_target = TARGETS.get(f"startup_{size}")
    turn_target = TARGETS.get(f"turn_{size}")
    return [
        [
            f"{size} rules: start-up",
            ms(total["before"]),
            f"{ms(total['after'])} ({detail})",
            f"≤ {startup_target:g} ms" if startup_target else "",
            verdict(total["after"], startup_target) if startup_target else "",
        ],
        [
            f"{size} rules: turn, median of {len(turns['after'])}",
            ms(median["before"]),
            ms(median["after"]),
            f"≤ {turn_target:g} ms" if turn_target else "",
            verdict(median["after"], turn_target) if turn_target else "",
        ],
        [
            f"{size} rules: turn, p95",
            ms(percentile(turns["before"], 0.95)),
            ms(percentile(turns["after"], 0.95)),
            "",
            "",
        ],
    ]


def memory_section(report: dict[str, Any]) -> Iterator[str]:
    yield "## 5. Memory (peak resident set size)"
    yield ""
    yield (
        "Peak RSS of the measuring process, as the kernel reports it (`getrusage`). For the"
        " turns, *loaded* is the peak once the knowledge base is loaded and the Engine built,"
        " *peak* the peak after every turn: the difference is what the consultations and the"
        " caches added (an Engine keeps 256 evaluations, an analysis 8, the readings 256)."
    )
    yield ""

    def mb(value: float) -> str:
        return f"{value:.0f} MB"

    def grew(pair: Sequence[float]) -> str:
        return f"{mb(pair[0])} loaded, {mb(pair[1])} peak"

    first = {v: statistics.median(values) for v, values in report["first_rss"].items()}
    turns = report["turns_rss"]
    replay = {v: runs[0] for v, runs in report["replay"]["pooled"]["1"].items()}
    rows = [
        ["plain consultation, first question", mb(first["before"]), mb(first["after"])],
        [
            f"shipped knowledge base, {len(report['turns']['after'])} turns",
            grew(turns["before"]),
            grew(turns["after"]),
        ],
        [
            "replay of the corpus, one process",
            mb(replay["before"]["rss_peak"]),
            mb(replay["after"]["rss_peak"]),
        ],
    ]
    for size, data in report["synthetic"].items():
        rss = data["rss"]
        rows.append([f"{size} synthetic rules, turns", grew(rss["before"]), grew(rss["after"])])
    yield from table(["", "before", "after"], rows)


def kept_mutation_section(out: Path, text: str) -> str:
    """`text` with the mutation-testing section of the results already in `out` (written by
    `make mutate`, bench/mutants.py, not measured here) put back before "What changed"."""
    import mutants  # bench/mutants.py

    try:
        old = out.read_text(encoding="utf-8")
    except OSError:
        return text
    start = old.find(mutants.HEADING)
    if start < 0:
        return text
    end = old.find("\n## ", start + len(mutants.HEADING))
    section = old[start:end].rstrip() if end >= 0 else old[start:].rstrip()
    marker = text.find("\n## What changed")
    return text[:marker].rstrip() + "\n\n" + section + "\n\n" + text[marker:].lstrip("\n")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="calcify's benchmarks; writes RESULTS.md")
    parser.add_argument("--quick", action="store_true", help="fewer runs (a smoke test)")
    parser.add_argument("--out", type=Path, default=BENCH / "RESULTS.md")
    parser.add_argument("--json", type=Path, help="also write the raw measurements here")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args, rest = parser.parse_known_args(argv)
    if args.worker:
        run_worker(args.worker, rest)
        return 0
    sys.path.insert(0, str(BENCH))
    with tempfile.TemporaryDirectory(prefix="calcify-bench-") as temporary:
        work = Path(temporary)
        variants = [
            Variant("before", ROOT, work, stock=True),
            Variant("after", ROOT, work),
        ]
        report = measure_all(variants, work, args.quick)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1), encoding="utf-8")
    command = "make bench" if not args.quick else ".venv/bin/python bench/run.py --quick"
    text = "\n".join(report_lines(report, command)) + "\n"
    args.out.write_text(kept_mutation_section(args.out, text), encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
