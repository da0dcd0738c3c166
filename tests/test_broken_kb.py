"""Knowledge bases that used to crash, hang or pass `calcify check`: each must fail with a
defect naming the file (and the item and field where there is one), never an exception."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from chatbot.authoring.lint import check
from chatbot.errors import Defect, KnowledgeBaseError
from chatbot.knowledge.loader import load_knowledge_base

REAL_KB = Path(__file__).resolve().parent.parent / "rules"
FORMULA = "serum_calcium + 0.8 * (4.0 - albumin)"
CORRECTED = "rule labs.corrected-calcium"


def _copy(tmp_path: Path) -> Path:
    directory = tmp_path / "rules"
    shutil.copytree(REAL_KB, directory, ignore=shutil.ignore_patterns("*.md"))
    return directory


def _edit(directory: Path, name: str, old: str, new: str) -> None:
    path = directory / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _defects(directory: Path) -> tuple[Defect, ...]:
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge_base(directory)
    return caught.value.defects


def _one(defects: tuple[Defect, ...], file: str, item: str = "", field: str = "") -> Defect:
    found = [
        d
        for d in defects
        if d.file.endswith(file) and d.item == item and (not field or field in d.field)
    ]
    assert found, "\n".join(map(str, defects))
    return found[0]


def test_the_copy_of_the_shipped_rules_loads(tmp_path: Path) -> None:
    load_knowledge_base(_copy(tmp_path))


def test_deeply_nested_arrays_are_a_defect_of_their_file(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    (directory / "deep.toml").write_text("x = " + "[" * 5000 + "]" * 5000 + "\n")
    defect = _one(_defects(directory), "deep.toml")
    assert "nested too deeply" in defect.message


@pytest.mark.parametrize("terms", [3000, 600])
def test_a_huge_formula_is_a_defect_of_its_rule(tmp_path: Path, terms: int) -> None:
    directory = _copy(tmp_path)
    _edit(directory, "labs.toml", FORMULA, " + ".join(["serum_calcium"] * terms))
    defect = _one(_defects(directory), "labs.toml", CORRECTED, "formula")
    assert "formula" in defect.message


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("plausible = [3.0, 25.0]", "plausible = [nan, 25.0]", "plausible"),
        ("plausible = [3.0, 25.0]", "plausible = [3.0, inf]", "plausible"),
        ("reference = [8.5, 10.5]", "reference = [-inf, 10.5]", "reference"),
        ("factor = 4.008", "factor = nan", "units[1].factor"),
        ("factor = 4.008", "factor = 1" + "0" * 400, "units[1].factor"),
    ],
)
def test_a_non_finite_number_in_a_question_is_a_defect(
    tmp_path: Path, old: str, new: str, field: str
) -> None:
    directory = _copy(tmp_path)
    _edit(directory, "questions.toml", old, new)
    defect = _one(_defects(directory), "questions.toml", "question serum_calcium", field)
    assert "finite" in defect.message


@pytest.mark.parametrize("value", ["nan", "-inf", "inf", "1e400", "1" + "0" * 400])
def test_a_non_finite_threshold_is_a_defect_of_its_rule(tmp_path: Path, value: str) -> None:
    directory = _copy(tmp_path)
    _edit(directory, "labs.toml", 'ionized_calcium", gt = 5.2', f'ionized_calcium", gt = {value}')
    defects = _defects(directory)
    defect = next(d for d in defects if d.file.endswith("labs.toml") and "gt" in d.field)
    assert defect.item.startswith("rule labs.") and "finite" in defect.message


def test_a_non_finite_band_bound_is_a_defect(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _edit(directory, "questions.toml", "{ below = 30, choices", "{ below = nan, choices")
    defects = _defects(directory)
    defect = next(d for d in defects if "below" in d.field)
    assert defect.file.endswith("questions.toml") and "finite" in defect.message


@pytest.mark.parametrize(
    "formula",
    ["serum_calcium / 0", "serum_calcium / (2.0 - 2.0)", "serum_calcium / (albumin - albumin)"],
)
def test_a_formula_that_always_divides_by_zero_is_a_defect(tmp_path: Path, formula: str) -> None:
    directory = _copy(tmp_path)
    _edit(directory, "labs.toml", FORMULA, formula)
    defect = _one(_defects(directory), "labs.toml", CORRECTED, "formula")
    assert "always 0" in defect.message


def test_dividing_by_a_question_that_may_be_zero_is_a_warning(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _edit(directory, "labs.toml", FORMULA, "serum_calcium / albumin")
    assert not [r for r in check(directory) if "divides" in r.message]  # albumin >= 1.0
    _edit(directory, "questions.toml", "plausible = [1.0, 6.5]", "plausible = [0.0, 6.5]")
    reports = [r for r in check(directory) if "divides" in r.message]
    assert [(r.severity, r.item, r.field) for r in reports] == [
        ("warning", CORRECTED, "derive.formula")
    ]
    assert reports[0].file.endswith("labs.toml") and "may be 0" in reports[0].message


def test_a_symlink_loop_is_a_defect_of_its_name(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    os.symlink("loop.toml", directory / "loop.toml")
    defect = _one(_defects(directory), "loop.toml")
    assert "cannot read" in defect.message


def test_a_directory_named_toml_is_a_defect(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    (directory / "folder.toml").mkdir()
    assert "not a regular file" in _one(_defects(directory), "folder.toml").message


_LOAD = """
import sys
from chatbot.authoring.lint import check
from chatbot.errors import KnowledgeBaseError
from chatbot.knowledge.loader import load_knowledge_base
try:
    load_knowledge_base(sys.argv[1])
except KnowledgeBaseError as exc:
    print(exc)
"""


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_a_fifo_or_device_is_a_defect_and_never_hangs(tmp_path: Path, kind: str) -> None:
    directory = _copy(tmp_path)
    if kind == "fifo":
        os.mkfifo(directory / "pipe.toml")
    else:
        os.symlink("/dev/zero", directory / "pipe.toml")
    done = subprocess.run(
        [sys.executable, "-c", _LOAD, str(directory)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parent.parent,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "pipe.toml: cannot read file" in done.stdout
    assert "not a regular file" in done.stdout
