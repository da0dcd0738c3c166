"""The same answers give the same output on every hash seed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURE_KB

SEEDS = ("0", "1", "2", "3")

ANSWER_SETS = [
    pytest.param(
        [
            "tissue_state=viable",
            "serum_calcium=9.6",
            "albumin=2.5",
            "serum_phosphate=4 mg/dL",
            "kidney_function=normal",
        ],
        id="real-viable-corrected-calcium",
    ),
    pytest.param(
        ["tissue_state=necrotic", "necrosis_setting=caseous", "serum_calcium=9.4"],
        id="real-necrotic",
    ),
    pytest.param(
        [
            "--rules",
            str(FIXTURE_KB),
            "casing=dented",
            "humming=yes",
            "temperature=120",
            "voltage=12",
            "coating=bare",
        ],
        id="fixture-many-firings",
    ),
    pytest.param(["--rules", str(FIXTURE_KB)], id="fixture-nothing-answered"),
]


@pytest.mark.parametrize("arguments", ANSWER_SETS)
def test_classify_json_is_identical_on_every_hash_seed(
    tmp_path: Path, arguments: list[str]
) -> None:
    command = [sys.executable, "-m", "chatbot", "classify", "--json", *arguments]
    runs = [
        subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=tmp_path,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        for seed in SEEDS
    ]
    outputs = []
    for seed, run in zip(SEEDS, runs, strict=True):
        out, err = run.communicate(timeout=60)
        assert run.returncode == 0, f"PYTHONHASHSEED={seed}: {err}"
        outputs.append(out)
    assert outputs[0].strip()
    for seed, out in zip(SEEDS[1:], outputs[1:], strict=True):
        assert out == outputs[0], f"output differs between PYTHONHASHSEED=0 and {seed}"
