"""The result of `make mutate` (mutmut, configured in pyproject.toml [tool.mutmut]) as a
section of bench/RESULTS.md and the list of surviving mutants in bench/MUTANTS.md.

mutmut keeps each mutated file's verdicts in mutants/<path>.meta (an exit code per mutant)
and each mutant as a function `x_NAME__mutmut_N` beside the original `x_NAME__mutmut_orig`
in mutants/<path>; the change a mutant makes is the difference between the two.
"""

from __future__ import annotations

import ast
import difflib
import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
MUTANTS = ROOT / "mutants"
RESULTS = BENCH / "RESULTS.md"
LIST = BENCH / "MUTANTS.md"
HEADING = "## 9. Mutation testing (make mutate)"

STATUS = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests", 34: "skipped"}
"""mutmut's exit codes (mutmut/stats.py); 24, 36, 152, 255 and -24 are timeouts."""
TIMEOUTS = {24, 36, 152, 255, -24}


def status(code: int | None) -> str:
    if code is None:
        return "not checked"
    return "timeout" if code in TIMEOUTS else STATUS.get(code, "suspicious")


def verdicts() -> dict[str, dict[str, str]]:
    """For each mutated file (its path in the repository), each mutant's verdict."""
    found: dict[str, dict[str, str]] = {}
    for meta in sorted(MUTANTS.rglob("*.py.meta")):
        source = meta.relative_to(MUTANTS).as_posix().removesuffix(".meta")
        codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        found[source] = {name: status(code) for name, code in codes.items()}
    return found


def changes(source: str) -> dict[str, str]:
    """Each mutant of a mutated file and the line it changes: '- old  → + new'."""
    tree = ast.parse((MUTANTS / source).read_text(encoding="utf-8"))
    functions: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            functions[node.name] = ast.unparse(node.body)  # type: ignore[arg-type]
    shown: dict[str, str] = {}
    for name, body in functions.items():
        found = re.fullmatch(r"(x.*)__mutmut_(\d+)", name)
        if not found or f"{found[1]}__mutmut_orig" not in functions:
            continue
        before = functions[f"{found[1]}__mutmut_orig"].splitlines()
        after = body.splitlines()
        diff = [
            line
            for line in difflib.unified_diff(before, after, lineterm="", n=0)
            if line[:1] in "-+" and not line.startswith(("---", "+++"))
        ]
        old = next((line[1:].strip() for line in diff if line.startswith("-")), "")
        new = next((line[1:].strip() for line in diff if line.startswith("+")), "")
        shown[name] = f"`{old[:90]}` → `{new[:90]}`"
    return shown


def function_of(mutant: str) -> str:
    """chatbot.knowledge.bands.x_read_units__mutmut_3 → read_units (ǁ marks a method)."""
    name = mutant.rsplit(".", 1)[-1].removeprefix("x_").removeprefix("xǁ")
    return re.sub(r"__mutmut_\d+$", "", name).replace("ǁ", ".")


def section(found: dict[str, dict[str, str]], when: str) -> Iterator[str]:
    yield HEADING
    yield ""
    yield (
        f"mutmut over the answer, intake, lab-band and session code ([tool.mutmut] in"
        f" pyproject.toml), run {when}. Score: killed (a test failed, or the mutant timed"
        f" out) of the mutants some selected test reaches. The surviving mutants, each with"
        f" the line it changes, are listed in [MUTANTS.md](MUTANTS.md)."
    )
    yield ""
    yield "| file | mutants | killed | survived | no test reaches it | score |"
    yield "|---|---:|---:|---:|---:|---:|"
    total: Counter[str] = Counter()
    for source, mutants in found.items():
        counts = Counter(mutants.values())
        total.update(counts)
        yield row(source, len(mutants), counts)
    yield row("**all**", sum(total.values()), total)


def row(name: str, count: int, counts: Counter[str]) -> str:
    killed = counts["killed"] + counts["timeout"]
    tested = killed + counts["survived"]
    score = f"{100 * killed / tested:.1f}%" if tested else "–"
    return (
        f"| {name} | {count} | {killed} | {counts['survived']} | {counts['no tests']} | {score} |"
    )


def survivors(found: dict[str, dict[str, str]], when: str) -> Iterator[str]:
    yield "# Surviving mutants"
    yield ""
    yield (
        f"Written by `make mutate` ({when}); bench/RESULTS.md section 9 has the scores. Each"
        " mutant is named as mutmut names it (`.venv/bin/mutmut show NAME` prints its diff"
        " after a run) with the line it changes, grouped by function."
    )
    for source, mutants in found.items():
        alive = sorted(
            (name for name, verdict in mutants.items() if verdict == "survived"), key=_natural
        )
        if not alive:
            continue
        shown = changes(source)
        yield ""
        yield f"## {source} ({len(alive)})"
        by_function: dict[str, list[str]] = defaultdict(list)
        for name in alive:
            by_function[function_of(name)].append(name)
        for function, names in by_function.items():
            yield ""
            yield f"- `{function}` ({len(names)})"
            for name in names:
                yield f"  - {name.rsplit('__mutmut_', 1)[-1]}: {shown.get(_short(name), '')}"


def _short(mutant: str) -> str:
    return mutant.rsplit(".", 1)[-1]


def _natural(name: str) -> tuple[str, int]:
    stem, _, number = name.rpartition("__mutmut_")
    return stem, int(number) if number.isdigit() else 0


def write(found: dict[str, dict[str, str]]) -> None:
    when = datetime.now(UTC).strftime("%Y-%m-%d")
    text = "\n".join(section(found, when))
    results = RESULTS.read_text(encoding="utf-8")
    start = results.find(HEADING)
    if start >= 0:
        end = results.find("\n## ", start + len(HEADING))
        before, after = results[:start], results[end:] if end >= 0 else ""
    else:
        marker = results.find("\n## What changed")
        before, after = results[:marker], results[marker:]
    results = before.rstrip() + "\n\n" + text + "\n\n" + after.lstrip("\n")
    RESULTS.write_text(results, encoding="utf-8")
    LIST.write_text("\n".join(survivors(found, when)) + "\n", encoding="utf-8")


def main() -> int:
    if not MUTANTS.is_dir():
        print("bench/mutants.py: no mutants/ directory: run `make mutate` first", file=sys.stderr)
        return 2
    found = verdicts()
    write(found)
    for line in section(found, "now"):
        if line.startswith("| **all**"):
            print(line)
    print(f"wrote {RESULTS.relative_to(ROOT)} section 9 and {LIST.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
