"""The package's layers, held by import-linter (pyproject.toml): each layer imports only the
layers below it, no import cycle at any depth, experta only in the engine's adapter.

`make test` runs lint-imports itself; these tests also show that the contract is not
vacuous: a copy of the package with one import pointing up a layer breaks it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
LAYERS = ("knowledge", "engine", "reasoning", "intake", "consultation", "authoring", "ui")


def lint_imports(package_parent: Path) -> subprocess.CompletedProcess[str]:
    """lint-imports with the project's contracts, on the chatbot package found there."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        cwd=package_parent,
        env={**os.environ, "PYTHONPATH": str(package_parent)},
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_package_keeps_its_contracts() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout
    assert "broken" not in result.stdout.lower().replace("0 broken", "")


@pytest.mark.parametrize(
    ("module", "upward"),
    [
        ("knowledge/model.py", "chatbot.ui.render"),
        ("engine/engine.py", "chatbot.reasoning.assessment"),
        ("consultation/session.py", "chatbot.transcripts.replay"),
        ("transcripts/replay.py", "chatbot.ui.plain"),
    ],
)
def test_an_import_up_a_layer_breaks_the_contract(tmp_path: Path, module: str, upward: str) -> None:
    shutil.copytree(ROOT / "chatbot", tmp_path / "chatbot")
    with (tmp_path / "chatbot" / module).open("a", encoding="utf-8") as handle:
        handle.write(f"\n\ndef _upward() -> None:\n    import {upward}  # noqa: F401\n")
    result = lint_imports(tmp_path)
    assert result.returncode != 0
    assert "Each layer imports only the layers below it BROKEN" in result.stdout
    assert upward in result.stdout


def test_an_import_cycle_inside_a_layer_breaks_the_contract(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "chatbot", tmp_path / "chatbot")
    with (tmp_path / "chatbot" / "reasoning" / "truth.py").open("a", encoding="utf-8") as handle:
        handle.write(
            "\n\ndef _cycle() -> None:\n    import chatbot.reasoning.possibility  # noqa\n"
        )
    result = lint_imports(tmp_path)
    assert "No import cycles, at any depth BROKEN" in result.stdout


def test_every_layer_says_its_job_and_what_it_must_not_import() -> None:
    for layer in (*LAYERS, "transcripts"):
        docstring = (ROOT / "chatbot" / layer / "__init__.py").read_text(encoding="utf-8")
        assert docstring.startswith('"""') and "import" in docstring.casefold(), layer


def test_the_top_of_the_package_holds_at_most_four_modules() -> None:
    top = sorted(p.name for p in (ROOT / "chatbot").glob("*.py"))
    assert len(top) <= 4, top
    modules = list((ROOT / "chatbot").rglob("*.py"))
    too_long = [str(p) for p in modules if len(p.read_text(encoding="utf-8").splitlines()) > 300]
    assert not too_long
    assert not [p for p in modules if p.stem in ("utils", "helpers")]
