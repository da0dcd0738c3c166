"""calcify as a user installs it: build the wheel, install it into a fresh virtual environment
outside the checkout, and use it from there (`make test` runs this after the test suite).

A file missing from the wheel (a knowledge-base file, a subpackage, a dependency) fails here:
the installed calcify must find its knowledge base, hold a consultation to its conclusion,
keep the session in the state directory, and classify. Run alone with
`.venv/bin/python tests/installed.py [--keep]` (--keep leaves the directory to look into).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONSULTATION = "lymph_node\nnecrotic\ncaseous\n" + "unknown\n" * 30
"""A caseous lymph node, every other question answered unknown: dystrophic."""


class Failed(Exception):
    pass


def run(
    command: Sequence[str | Path], cwd: Path, env: dict[str, str], stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return done


def expect(done: subprocess.CompletedProcess[str], code: int, *texts: str) -> None:
    shown = " ".join(done.args)
    if done.returncode != code:
        raise Failed(f"{shown}: exit {done.returncode}, wanted {code}\n{done.stdout}{done.stderr}")
    for text in texts:
        if text not in done.stdout:
            raise Failed(f"{shown}: {text!r} not in its output:\n{done.stdout}{done.stderr}")


def build_wheel(work: Path, env: dict[str, str]) -> Path:
    dist = work / "dist"
    built = run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", dist, ROOT],
        work,
        env,
    )
    expect(built, 0)
    (wheel,) = dist.glob("calcify-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    rules = {f"chatbot/rules/{path.name}" for path in (ROOT / "rules").glob("*.toml")}
    if not rules <= names:
        raise Failed(f"the wheel lacks knowledge-base files: {sorted(rules - names)}")
    stray = sorted(name for name in names if name.startswith(("transcripts/", "tests/")))
    if stray:
        raise Failed(f"the wheel carries files that belong to the repository: {stray[:5]}")
    return wheel


def check(work: Path) -> list[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("CALCIFY")}
    env.pop("PYTHONPATH", None)
    env["XDG_STATE_HOME"] = str(work / "state")
    started = time.perf_counter()
    wheel = build_wheel(work, env)
    venv = work / "venv"
    expect(run([sys.executable, "-m", "venv", venv], work, env), 0)
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    installed = run([bin_dir / "python", "-m", "pip", "install", "--quiet", wheel], work, env)
    expect(installed, 0)
    calcify = bin_dir / "calcify"
    elsewhere = work / "elsewhere"
    elsewhere.mkdir()
    where = run([bin_dir / "python", "-c", "import chatbot; print(chatbot.__file__)"], work, env)
    expect(where, 0, str(venv))
    expect(run([calcify, "--version"], elsewhere, env), 0, "calcify ")
    expect(run([calcify, "check"], elsewhere, env), 0, "0 errors")
    classify = [calcify, "classify", "tissue_state=necrotic", "necrosis_setting=caseous"]
    expect(run(classify, elsewhere, env), 0, "Classification: Dystrophic calcification")
    consultation = run([calcify], elsewhere, env, CONSULTATION)
    expect(consultation, 0, "Question 1:", "Classification: Dystrophic calcification")
    kept = list((work / "state" / "calcify" / "sessions").glob("*.txt"))
    if len(kept) != 1:
        raise Failed(f"the consultation was not kept in the state directory: {kept}")
    seconds = time.perf_counter() - started
    return [
        f"installed {wheel.name} into a fresh environment in {seconds:.0f} s;",
        "version, check, classify and a consultation ran outside the checkout",
    ]


def main(argv: Sequence[str]) -> int:
    work = Path(tempfile.mkdtemp(prefix="calcify-installed-"))
    try:
        print("installed wheel:", *check(work))
    except (Failed, subprocess.TimeoutExpired) as exc:
        print(f"installed wheel: FAILED: {exc}", file=sys.stderr)
        return 1
    finally:
        if "--keep" in argv:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
