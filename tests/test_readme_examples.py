"""Documentation that cannot go stale: every shell example in the READMEs is run and its shown
output compared, like cram or doctest.

The convention (README.md, "Transcripts" and "Examples in the READMEs"):

- A ```console block holds examples: a line `$ COMMAND` is run by bash in the repository
  root, with `calcify` resolved to .venv/bin/calcify, NO_COLOR=1 and a fresh XDG_STATE_HOME;
  the lines after it, up to the next `$ `, are its output (stdout and stderr together). A line
  `...` stands for any number of lines, `...` inside a line for any text; a last line
  `[exit N]` says the command exits with N (otherwise it must exit 0).
- `<!-- output of: COMMAND -->` just before any fenced block: the block is that output.
- `<!-- not run: REASON -->` just before a fenced block: it is not run (interactive, changes
  files, a synopsis); each one is reported as a skipped test with its reason.
- Any other fenced block that looks like shell fails the test: nothing is silently skipped.

Refresh the shown output after an intended change, then read the git diff:

    .venv/bin/python tests/test_readme_examples.py          # rewrites the examples that differ

It keeps a block's `...` elisions where it can (the lines before the first and after the last).
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ("README.md", "rules/README.md", "transcripts/README.md")
BIN = ROOT / ".venv" / "bin"
FENCE = re.compile(r"^(\s*)(```+)\s*([\w-]*)\s*$")
MARKER = re.compile(r"^\s*<!--\s*(not run|output of):\s*(.*?)\s*-->\s*$")
SHELL = re.compile(r"^\s*(\$ |calcify\b|make\b|printf\b|pytest\b|python\b|\.venv/)")
EXIT = re.compile(r"^\[exit (\d+)\]$")
ELLIPSIS = "..."
REFRESH = ".venv/bin/python tests/test_readme_examples.py"


@dataclass(frozen=True)
class Block:
    """A fenced block: where it is, its info string, the marker before it, its lines."""

    doc: str
    line: int  # of the opening fence, 1-based
    info: str
    marker: tuple[str, str] | None
    indent: str
    body: tuple[str, ...]


@dataclass(frozen=True)
class Example:
    """One command and the output shown for it; `first`..`last` are its output lines (0-based,
    end exclusive) in the document."""

    doc: str
    line: int
    command: str
    expected: tuple[str, ...]
    first: int
    last: int
    indent: str

    @property
    def where(self) -> str:
        return f"{self.doc}:{self.line}"


def blocks(doc: str, text: str) -> Iterator[Block]:
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        opening = FENCE.match(lines[index])
        if opening is None:
            index += 1
            continue
        indent, ticks, info = opening.groups()
        end = index + 1
        while end < len(lines) and lines[end].strip() != ticks:
            end += 1
        body = tuple(line.removeprefix(indent) for line in lines[index + 1 : end])
        yield Block(doc, index + 1, info, _marker(lines, index), indent, body)
        index = end + 1


def _marker(lines: Sequence[str], fence: int) -> tuple[str, str] | None:
    before = fence - 1
    while before >= 0 and not lines[before].strip():
        before -= 1
    found = MARKER.match(lines[before]) if before >= 0 else None
    return (found.group(1), found.group(2)) if found else None


def examples(block: Block) -> list[Example]:
    """The examples a block holds: its console commands, or the command it is the output of."""
    first = block.line  # 0-based index of the block's first body line
    if block.marker is not None and block.marker[0] == "output of":
        end = first + len(block.body)
        marker = block.marker[1]
        return [Example(block.doc, block.line, marker, block.body, first, end, block.indent)]
    found: list[Example] = []
    for offset, text in enumerate(block.body):
        if text.startswith("$ "):
            found.append(Example(block.doc, first + offset + 1, text[2:], (), 0, 0, ""))
        elif not found:
            raise AssertionError(f"{block.doc}:{first + offset + 1}: output before any '$ '")
    result = []
    for number, example in enumerate(found):
        start = example.line  # the output begins on the line after the command
        end = found[number + 1].line - 1 if number + 1 < len(found) else first + len(block.body)
        expected = tuple(block.body[start - first : end - first])
        result.append(
            Example(example.doc, example.line, example.command, expected, start, end, block.indent)
        )
    return result


def classify(block: Block) -> str:
    """'run', 'not run', or '' (not shell); AssertionError for a shell block left unmarked."""
    if block.marker is not None:
        kind, reason = block.marker
        assert reason, f"{block.doc}:{block.line}: '<!-- {kind}: ... -->' needs its text"
        return "not run" if kind == "not run" else "run"
    if block.info == "console":
        return "run"
    shellish = block.info in ("", "sh", "bash", "shell") and any(
        SHELL.match(line) for line in block.body
    )
    assert not shellish, (
        f"{block.doc}:{block.line}: a shell example that is neither ```console nor marked "
        "'<!-- not run: REASON -->' (see tests/test_readme_examples.py)"
    )
    return ""


@functools.cache
def all_blocks() -> tuple[Block, ...]:
    return tuple(b for doc in DOCS for b in blocks(doc, (ROOT / doc).read_text("utf-8")))


def run(command: str, state: Path) -> tuple[list[str], int]:
    """The command's output lines (stdout and stderr, trailing blanks dropped) and exit code."""
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    env |= {"NO_COLOR": "1", "XDG_STATE_HOME": str(state), "COLUMNS": "80", "LC_ALL": "C.UTF-8"}
    env.pop("CALCIFY_RULES", None)
    done = subprocess.run(
        ["bash", "-c", command],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        timeout=300,
    )
    lines = [line.rstrip() for line in done.stdout.decode("utf-8").splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return lines, done.returncode


def shown(expected: Sequence[str]) -> tuple[list[str], int]:
    """The expected lines without the exit line, and the exit code it gives."""
    lines = [line.rstrip() for line in expected]
    while lines and not lines[-1]:
        lines.pop()
    code = EXIT.match(lines[-1]) if lines else None
    return (lines[:-1], int(code.group(1))) if code else (lines, 0)


def line_matches(pattern: str, text: str) -> bool:
    if ELLIPSIS not in pattern:
        return pattern == text
    parts = (re.escape(part) for part in pattern.split(ELLIPSIS))
    return re.fullmatch(".*".join(parts), text) is not None


def matches(expected: Sequence[str], actual: Sequence[str]) -> bool:
    """Line by line; a line '...' matches any number of lines (doctest's ELLIPSIS)."""

    @functools.cache
    def at(i: int, j: int) -> bool:
        if i == len(expected):
            return j == len(actual)
        if expected[i].strip() == ELLIPSIS:
            return at(i + 1, j) or (j < len(actual) and at(i, j + 1))
        return j < len(actual) and line_matches(expected[i], actual[j]) and at(i + 1, j + 1)

    return at(0, 0)


def check(example: Example, state: Path) -> str | None:
    """None when the example shows what the command prints; else a diff headed doc:line."""
    import difflib

    expected, code = shown(example.expected)
    actual, actual_code = run(example.command, state)
    if matches(expected, actual) and code == actual_code:
        return None
    exits = [f"[exit {actual_code}]"] if actual_code else []
    diff = difflib.unified_diff(
        list(example.expected), [*actual, *exits], f"{example.where} (shown)", "actual", lineterm=""
    )
    return f"$ {example.command}\n" + "\n".join(diff) + f"\n(refresh: {REFRESH})"


def refreshed(expected: Sequence[str], actual: Sequence[str], code: int) -> list[str]:
    """What the example should show now: the actual output, keeping the shown elision
    (as many lines before the first '...' and after the last as the old text showed)."""
    pattern, _ = shown(expected)
    elided = [n for n, line in enumerate(pattern) if line.strip() == ELLIPSIS]
    lines = list(actual)
    if elided:
        head, tail = elided[0], len(pattern) - elided[-1] - 1
        if head + tail < len(actual):
            lines = [*actual[:head], ELLIPSIS, *(actual[len(actual) - tail :] if tail else [])]
    return [*lines, *([f"[exit {code}]"] if code else [])]


def refresh(doc: str, state: Path, root: Path = ROOT) -> list[str]:
    """Rewrite the examples of a document that differ; return where they were."""
    path = root / doc
    lines = path.read_text("utf-8").splitlines()
    changed = []
    found = [e for b in blocks(doc, "\n".join(lines)) if classify(b) == "run" for e in examples(b)]
    for example in reversed(found):
        expected, code = shown(example.expected)
        actual, actual_code = run(example.command, state)
        if matches(expected, actual) and code == actual_code:
            continue
        new = refreshed(example.expected, actual, actual_code)
        lines[example.first : example.last] = [example.indent + line for line in new]
        changed.append(example.where)
    if changed:
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return changed[::-1]


# -- the tests ------------------------------------------------------------------------------


def _items() -> list[object]:
    items: list[object] = []
    for block in all_blocks():
        try:
            kind = classify(block)
        except AssertionError:
            continue  # reported by test_every_shell_block_is_run_or_marked
        if kind == "not run":
            reason = block.marker[1] if block.marker else ""
            where = f"{block.doc}:{block.line}"
            items.append(pytest.param(None, f"{reason} ({where})", id=f"{where} (not run)"))
        elif kind == "run":
            items += [pytest.param(e, "", id=e.where) for e in examples(block)]
    return items


@pytest.mark.parametrize(("example", "reason"), _items())
def test_readme_example(example: Example | None, reason: str, tmp_path: Path) -> None:
    if example is None:
        pytest.skip(f"not run: {reason}")
    problem = check(example, tmp_path / "state")
    assert problem is None, problem


def test_every_shell_block_is_run_or_marked() -> None:
    problems = []
    for block in all_blocks():
        try:
            classify(block)
        except AssertionError as exc:
            problems.append(str(exc))
    assert not problems, "\n".join(problems)


def test_the_readme_runs_its_examples() -> None:
    readme = [block for block in all_blocks() if block.doc == "README.md"]
    run = [e for block in readme if classify(block) == "run" for e in examples(block)]
    not_run = [block for block in readme if classify(block) == "not run"]
    assert len(run) >= 7 and len(not_run) <= len(run)


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        (["a", "...", "d"], ["a", "b", "c", "d"], True),
        (["a", "...", "d"], ["a", "d"], True),
        (["a", "...", "d"], ["a", "b"], False),
        (["Grade: ...: x"], ["Grade: probable: x"], True),
        (["Grade: ...: x"], ["Grade: probable: y"], False),
        (["a", "b"], ["a", "b", "c"], False),
        (["a (1+1)..."], ["a (1+1) more"], True),
    ],
)
def test_ellipsis(pattern: list[str], text: list[str], expected: bool) -> None:
    assert matches(pattern, text) is expected


def test_a_stale_example_fails_with_its_place_and_is_refreshed(tmp_path: Path) -> None:
    doc = "\n".join(
        [
            "# doc",
            "",
            "```console",
            "$ printf 'one\\ntwo\\nthree\\nfour\\n'",
            "one",
            "...",
            "for",
            "$ printf 'same\\n'; exit 3",
            "same",
            "[exit 3]",
            "```",
        ]
    )
    found = [e for b in blocks("doc.md", doc) for e in examples(b)]
    assert [e.where for e in found] == ["doc.md:4", "doc.md:8"]
    problem = check(found[0], tmp_path)
    assert problem is not None and "doc.md:4 (shown)" in problem and "+four" in problem
    assert check(found[1], tmp_path) is None
    actual, code = run(found[0].command, tmp_path)
    assert refreshed(found[0].expected, actual, code) == ["one", "...", "four"]
    assert refreshed(["x"], ["y", "z"], 1) == ["y", "z", "[exit 1]"]


def test_refreshing_rewrites_only_the_stale_examples(tmp_path: Path) -> None:
    lines = [
        "- a list item:",
        "",
        "  ```console",
        "  $ printf 'a\\nb\\nc\\n'",
        "  a",
        "  x",
        "  ```",
    ]
    lines += ["", "<!-- output of: printf 'same' -->", "```text", "same", "```", ""]
    (tmp_path / "doc.md").write_text("\n".join(lines), encoding="utf-8")
    assert refresh("doc.md", tmp_path / "state", tmp_path) == ["doc.md:4"]
    lines[4:6] = ["  a", "  b", "  c"]
    assert (tmp_path / "doc.md").read_text(encoding="utf-8") == "\n".join(lines)
    assert refresh("doc.md", tmp_path / "state", tmp_path) == []


def test_an_unmarked_shell_block_is_refused() -> None:
    unmarked = next(blocks("doc.md", "```\ncalcify check\n```\n"))
    with pytest.raises(AssertionError, match=r"doc.md:1: a shell example"):
        classify(unmarked)
    marked = next(blocks("doc.md", "<!-- not run: interactive -->\n```\nmake chat\n```\n"))
    assert classify(marked) == "not run"


COMMANDS = [
    ["questions"],
    ["questions", "--json"],
    ["rules"],
    ["--help"],
    ["--version"],
    ["classify", "tissue_state=necrotic", "serum_calcium=9.4 mg/dL"],
    ["classify", "--json", "tissue_state=viable"],
    ["graph"],
    ["check"],
    ["replay"],
    ["replay", "transcripts/command-quit-unfinished.txt"],
    [],  # a consultation on empty input
]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda args: " ".join(args) or "chat")
def test_output_cut_short_ends_without_a_traceback(args: list[str], tmp_path: Path) -> None:
    """`calcify ... | head -1`: the reader is gone before calcify writes a word."""
    reading, writing = os.pipe()
    os.close(reading)
    env = {**os.environ, "NO_COLOR": "1", "XDG_STATE_HOME": str(tmp_path)}
    try:
        done = subprocess.run(
            [str(BIN / "calcify"), *args],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=writing,
            stderr=subprocess.PIPE,
            timeout=120,
        )
    finally:
        os.close(writing)
    errors = done.stderr.decode("utf-8")
    assert "Traceback" not in errors and "Exception ignored" not in errors, errors
    assert done.returncode in (0, 1, 2), errors


def main() -> int:
    """Refresh the shown output of every example that differs, in every document."""
    try:
        with tempfile.TemporaryDirectory() as state:
            changed = [where for doc in DOCS for where in refresh(doc, Path(state))]
    except AssertionError as exc:  # an unmarked shell block: the author must decide
        sys.stderr.write(f"{exc}\n")
        return 1
    sys.stdout.writelines(f"refreshed {where}\n" for where in changed)
    sys.stdout.write(f"{len(changed)} example(s) refreshed; read the git diff before committing\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
