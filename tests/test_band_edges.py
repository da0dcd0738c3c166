"""Units and measured bands as the loader reads them (chatbot/knowledge/bands.py): each
mistake a rule author can make in a `units` list or a `number_choices` table is a defect
with its file, question and field, bands that touch without sharing a value are accepted,
and what is read (inclusive bounds, inference, the names a number goes by) is what the
rules say. Edits are made to a copy of the shipped rules/, on the PTH bands:
below 10 suppressed, 15 to 65 normal, above 65 raised."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import REAL_KB

from chatbot.errors import KnowledgeBaseError
from chatbot.knowledge.loader import load_knowledge_base
from chatbot.knowledge.questions import NumberRange

PTH = "questions.toml: question pth: number_choices"
LOW = 'below = 10, choices = ["suppressed"] }'
MIDDLE = "from = 15, to = 65"
PMOL = '{ name = "pmol/L", factor = 9.43, synonyms = ["pmol/l", "pmol"] }'
UNITS = '[{ name = "pg/mL", factor = 1.0, synonyms = ["pg/ml", "ng/l"] }, ' + PMOL + "]"
RANGES = (
    '[{ below = 10, choices = ["suppressed"] }, { from = 15, to = 65, choices = ["normal"] },'
    ' { above = 65, choices = ["raised"] }]'
)


def edited(tmp_path: Path, old: str, new: str) -> Path:
    directory = tmp_path / "rules"
    shutil.copytree(REAL_KB, directory)
    path = directory / "questions.toml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    return directory


def defects(directory: Path) -> list[str]:
    try:
        load_knowledge_base(directory)
    except KnowledgeBaseError as exc:
        return [str(defect) for defect in exc.defects]
    return []


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        pytest.param(
            LOW + ", { from = 15",
            'to = 15, choices = ["suppressed"] }, { from = 15',
            [f"{PTH}.ranges: two ranges overlap: a number must fall in at most one"],
            id="touching-inclusive-bounds-overlap",
        ),
        pytest.param(
            MIDDLE,
            "from = 65, to = 65",
            [f"{PTH}.ranges[1]: the lower bound (65) must be below the upper bound (65)"],
            id="empty-range",
        ),
        pytest.param(
            MIDDLE,
            "from = 15, above = 12, to = 65",
            [f"{PTH}.ranges[1].above: give only one of from or above"],
            id="two-lower-bounds",
        ),
        pytest.param(
            LOW,
            'choices = ["suppressed"] }',
            [
                f"{PTH}.ranges[0]: a range needs a bound: from, above, below or to",
                f"{PTH}.ranges: two ranges overlap: a number must fall in at most one",
            ],
            id="no-bound",
        ),
        pytest.param(
            LOW,
            "below = 10, choices = [] }",
            [
                f"{PTH}.ranges[0].choices: list the choices this range is consistent with"
                " (the first by default)"
            ],
            id="no-choices",
        ),
        pytest.param(
            LOW,
            'below = 10, choices = ["supressed"] }',
            [f"{PTH}.ranges[0].choices: unknown choice 'supressed' (did you mean 'suppressed'?)"],
            id="unknown-choice",
        ),
        pytest.param(
            PMOL,
            PMOL.replace("9.43", "0"),
            [f"{PTH}.units[1].factor: must be a positive number"],
            id="zero-factor",
        ),
        pytest.param(
            PMOL,
            PMOL.replace(" }", ', infer = "no" }'),
            [f"{PTH}.units[1].infer: write true or false"],
            id="infer-not-a-boolean",
        ),
        pytest.param(
            UNITS,
            UNITS.replace("factor = 1.0", "factor = 2.0"),
            [f"{PTH}.units: the first unit is canonical: its factor must be 1"],
            id="first-unit-not-canonical",
        ),
        pytest.param(
            "units = " + UNITS + ", plausible = [0.5",
            "units = [], plausible = [0.5",
            [f"{PTH}.units: a number needs at least one unit (the first is canonical)"],
            id="no-units",
        ),
        pytest.param(
            'names = ["pth", "parathyroid hormone", "parathormone", "intact pth", "ipth",'
            ' "serum pth", "parathyroid function"]\n',
            "",
            [f"{PTH}.names: name the measurement (here or as the question's names)"],
            id="a-number-without-a-name",
        ),
        pytest.param(
            RANGES,
            "[]",
            [f"{PTH}.ranges: list at least one range, e.g. {{ below = 15, choices = [...] }}"],
            id="no-ranges",
        ),
    ],
)
def test_each_band_mistake_is_a_defect_where_it_is(
    tmp_path: Path, old: str, new: str, expected: list[str]
) -> None:
    found = defects(edited(tmp_path, old, new))
    assert len(found) == len(expected), found
    for message, wanted in zip(found, expected, strict=True):
        assert wanted in message, found


@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param(LOW + ", { from = 15", 'below = 15, choices = ["suppressed"] }, { from = 15'),
        pytest.param(LOW + ", { from = 15", 'to = 15, choices = ["suppressed"] }, { above = 15'),
    ],
    ids=["below-then-from", "to-then-above"],
)
def test_bands_that_touch_without_sharing_a_value_are_accepted(
    tmp_path: Path, old: str, new: str
) -> None:
    assert defects(edited(tmp_path, old, new)) == []


def test_bounds_units_and_names_are_read_as_written() -> None:
    real_kb = load_knowledge_base(REAL_KB)  # its own load: `make mutate` credits it the loader
    pth = real_kb.questions["pth"]
    bands = pth.number_choices
    assert bands is not None
    assert bands.ranges == (
        NumberRange(("suppressed",), None, True, 10.0, False),
        NumberRange(("normal",), 15.0, True, 65.0, True),
        NumberRange(("raised",), 65.0, False, None, True),
    )
    assert [(unit.name, unit.factor, unit.infer) for unit in bands.units] == [
        ("pg/mL", 1.0, True),
        ("pmol/L", 9.43, True),
    ]
    assert bands.plausible == (0.5, 5000.0)
    assert bands.citation.locator.startswith("intact PTH reference range 15-65 pg/mL")
    assert bands.names == pth.names  # no names of its own: the question's
    kidney = real_kb.questions["kidney_function"].number_choices
    assert kidney is not None and kidney.names[:2] == ("egfr", "estimated gfr")
    calcium = {unit.name: unit.infer for unit in real_kb.questions["serum_calcium"].units}
    assert calcium["mEq/L"] is False and calcium["mg/dL"] is True
