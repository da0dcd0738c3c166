"""The engine and the assessment on the fictional widget knowledge base in tests/fixture_kb."""

from __future__ import annotations

from typing import NamedTuple

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chatbot.engine.engine import Engine
from chatbot.knowledge.model import UNKNOWN, KnowledgeBase, Value
from chatbot.reasoning.assessment import Assessment, assess
from chatbot.reasoning.possibility import Possibility
from chatbot.reasoning.truth import Truth

U = UNKNOWN


class Expected(NamedTuple):
    classification: str
    subtype: str
    chain: tuple[str, ...]
    provisional: bool
    states: dict[str, str]
    pending: tuple[str, ...]
    caveats: tuple[str, ...] = ()


ALL_POSSIBLE = {
    "cracked": "possible",
    "overheated": "possible",
    "rusted": "possible",
    "sound": "possible",
    "indeterminate": "established",
}

CASES = [
    pytest.param(
        {},
        Expected(
            "indeterminate",
            "",
            (),
            False,
            ALL_POSSIBLE,
            ("casing", "humming", "temperature", "voltage", "coating"),
        ),
        id="nothing-answered",
    ),
    pytest.param(
        {"casing": "shattered", "coating": "bare"},
        Expected(
            "cracked",
            "impact",
            ("cracks.impact",),
            False,
            {
                "cracked": "established",
                "overheated": "outranked",
                "rusted": "supported",
                "sound": "ruled_out",
            },
            (),
        ),
        id="priority-10-outranks-rust",
    ),
    pytest.param(
        {"casing": "dented", "humming": "yes"},
        Expected(
            "cracked",
            "fatigue",
            ("cracks.damaged", "cracks.fatigue"),
            True,
            {
                "cracked": "established",
                "overheated": "possible",
                "rusted": "possible",
                "sound": "ruled_out",
            },
            ("temperature", "coating", "voltage"),
        ),
        id="absence-not-yet-settled-is-provisional",
    ),
    pytest.param(
        {"casing": "dented", "humming": "yes", "temperature": 70.0},
        Expected(
            "overheated",
            "",
            ("heat.hot", "heat.stressed", "heat.stressed-widget"),
            False,
            {
                "cracked": "ruled_out",
                "overheated": "established",
                "rusted": "outranked",
                "sound": "ruled_out",
            },
            ("voltage",),
            ("heat.mild-caveat",),
        ),
        id="stratified-negation-blocks-earlier-rule",
    ),
    pytest.param(
        {"casing": "dented", "humming": "yes", "temperature": 120.0, "voltage": 3.0},
        Expected(
            "overheated",
            "friction",
            (
                "heat.hot",
                "heat.stressed",
                "heat.grade-severe",
                "heat.stressed-widget",
                "heat.friction",
            ),
            False,
            {
                "cracked": "ruled_out",
                "overheated": "established",
                "rusted": "outranked",
                "sound": "ruled_out",
            },
            (),
        ),
        id="three-step-chain",
    ),
    pytest.param(
        {"casing": "dented", "humming": "yes", "temperature": 120.0, "voltage": 12.0},
        Expected(
            "overheated",
            "overload",
            ("heat.hot", "heat.load", "heat.overloaded", "heat.overload"),
            False,
            {
                "cracked": "ruled_out",
                "overheated": "established",
                "rusted": "outranked",
                "sound": "ruled_out",
            },
            (),
        ),
        id="formula-chain-first-subtype-wins",
    ),
    pytest.param(
        {"casing": "dented", "humming": "yes", "temperature": 30.0, "coating": "bare"},
        Expected(
            "rusted",
            "bare_metal",
            ("rust.exposed", "rust.bare"),
            False,
            {
                "cracked": "supported",
                "overheated": "ruled_out",
                "rusted": "established",
                "sound": "ruled_out",
            },
            (),
        ),
        id="priority-beats-file-order",
    ),
    pytest.param(
        {"casing": "intact", "humming": "no", "voltage": 12.0},
        Expected(
            "sound",
            "",
            ("sound.quiet",),
            True,
            {
                "cracked": "ruled_out",
                "overheated": "possible",
                "rusted": "possible",
                "sound": "established",
            },
            ("temperature", "coating"),
        ),
        id="absence-of-unanswered-finding-is-provisional",
    ),
    pytest.param(
        {
            "casing": "intact",
            "humming": "no",
            "voltage": 12.0,
            "temperature": 30.0,
            "coating": "chrome",
        },
        Expected(
            "sound",
            "",
            ("sound.quiet",),
            False,
            {
                "cracked": "ruled_out",
                "overheated": "ruled_out",
                "rusted": "ruled_out",
                "sound": "established",
            },
            (),
        ),
        id="settled-sound-widget",
    ),
    pytest.param(
        {
            "casing": "intact",
            "humming": "no",
            "voltage": 12.0,
            "temperature": 30.0,
            "coating": "bare",
        },
        Expected(
            "rusted",
            "bare_metal",
            ("rust.exposed", "rust.bare"),
            False,
            {
                "cracked": "ruled_out",
                "overheated": "ruled_out",
                "rusted": "established",
                "sound": "supported",
            },
            (),
        ),
        id="equal-priority-tie-broken-by-file-order",
    ),
    pytest.param(
        {"casing": U, "humming": U, "voltage": U, "temperature": U, "coating": U},
        Expected("indeterminate", "", (), False, ALL_POSSIBLE, ()),
        id="all-unknown",
    ),
    pytest.param(
        {"casing": "intact", "humming": U, "voltage": 12.0, "temperature": 7.0, "coating": "paint"},
        Expected(
            "indeterminate",
            "",
            (),
            False,
            {
                "cracked": "ruled_out",
                "overheated": "ruled_out",
                "rusted": "ruled_out",
                "sound": "possible",
                "indeterminate": "established",
            },
            (),
            ("rust.cold-caveat",),
        ),
        id="unknown-answer-leaves-class-possible",
    ),
]


@pytest.fixture(scope="module")
def engine(fixture_engine: Engine) -> Engine:
    return fixture_engine


def _assess(engine: Engine, answers: dict[str, Value]) -> Assessment:
    return assess(engine, dict(answers))


@pytest.mark.parametrize(("answers", "expected"), CASES)
def test_classification_and_subtype(
    engine: Engine, answers: dict[str, Value], expected: Expected
) -> None:
    result = _assess(engine, answers)
    assert (result.classification, result.subtype) == (expected.classification, expected.subtype)


@pytest.mark.parametrize(("answers", "expected"), CASES)
def test_reasoning_chain(engine: Engine, answers: dict[str, Value], expected: Expected) -> None:
    result = _assess(engine, answers)
    assert tuple(f.rule.id for f in result.chain) == expected.chain


@pytest.mark.parametrize(("answers", "expected"), CASES)
def test_provisional_flag(engine: Engine, answers: dict[str, Value], expected: Expected) -> None:
    assert _assess(engine, answers).provisional is expected.provisional


@pytest.mark.parametrize(("answers", "expected"), CASES)
def test_differential_states(engine: Engine, answers: dict[str, Value], expected: Expected) -> None:
    result = _assess(engine, answers)
    assert {row.class_id: row.state for row in result.differential} == expected.states


@pytest.mark.parametrize(("answers", "expected"), CASES)
def test_pending_questions(engine: Engine, answers: dict[str, Value], expected: Expected) -> None:
    """Which questions could still change the outcome (their order is the dialogue's policy)."""
    result = _assess(engine, answers)
    assert sorted(result.pending) == sorted(expected.pending)
    assert len(set(result.pending)) == len(result.pending)
    assert result.is_settled is (not expected.pending)


@pytest.mark.parametrize(("answers", "expected"), CASES)
def test_caveats(engine: Engine, answers: dict[str, Value], expected: Expected) -> None:
    result = _assess(engine, answers)
    assert tuple(f.rule.id for f in result.caveats) == expected.caveats


@pytest.mark.parametrize(
    ("answers", "class_id", "deciding"),
    [
        ({}, "cracked", ("casing", "humming", "temperature")),
        ({}, "overheated", ("humming", "temperature", "voltage")),
        ({}, "rusted", ("casing", "coating")),
        ({}, "sound", ("casing", "humming", "temperature", "voltage")),
        ({"casing": "dented", "humming": "yes"}, "overheated", ("temperature", "voltage")),
        ({"casing": "intact", "humming": "no", "voltage": 12.0}, "overheated", ("temperature",)),
        # humming is unknown: voltage alone cannot decide sound, only a known humming could
        ({"casing": "intact", "humming": U, "temperature": 7.0}, "sound", ("humming",)),
        ({"casing": "dented"}, "rusted", ("coating",)),
    ],
)
def test_deciding_questions(
    engine: Engine, answers: dict[str, Value], class_id: str, deciding: tuple[str, ...]
) -> None:
    row = _assess(engine, answers).state_of(class_id)
    assert row is not None
    assert row.state == "possible"
    assert row.deciding == deciding


@pytest.mark.parametrize(
    ("answers", "class_id", "rules"),
    [
        ({"casing": "shattered", "coating": "bare"}, "rusted", ("rust.bare", "rust.chipped")),
        (
            {"casing": "dented", "humming": "yes", "temperature": 120.0, "voltage": 12.0},
            "overheated",
            ("heat.overload", "heat.stressed-widget", "heat.friction"),
        ),
        ({"casing": "dented", "humming": "yes"}, "rusted", ()),
    ],
)
def test_differential_lists_every_concluding_rule_that_fired(
    engine: Engine, answers: dict[str, Value], class_id: str, rules: tuple[str, ...]
) -> None:
    row = _assess(engine, answers).state_of(class_id)
    assert row is not None
    assert row.fired == rules


def test_indeterminate_is_left_out_once_something_is_concluded(engine: Engine) -> None:
    result = _assess(engine, {"casing": "shattered"})
    assert result.state_of("indeterminate") is None


# --- formulas and thresholds ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("temperature", "voltage", "load"),
    [
        (120.0, 12.0, 132.0),
        (30.0, 12.0, 24.0),
        (7.0, 12.0, -3.6),
        (10.0, 5.0, 0.0),
        (33.3, 0.7, 1.631),
        (60.0, 10.0, 50.0),
    ],
)
def test_formula_result(engine: Engine, temperature: float, voltage: float, load: float) -> None:
    findings = engine.evaluate({"temperature": temperature, "voltage": voltage}).findings()
    assert findings["load"] == (pytest.approx(load),)


def test_formula_waits_for_every_name(engine: Engine) -> None:
    assert "load" not in engine.evaluate({"temperature": 30.0}).findings()
    assert "load" not in engine.evaluate({"temperature": 30.0, "voltage": U}).findings()


@pytest.mark.parametrize(
    ("answers", "finding", "derived"),
    [
        ({"temperature": 60.0}, "hot", False),  # gt is strict
        ({"temperature": 60.5}, "hot", True),
        ({"temperature": 60.0, "voltage": 10.0}, "overloaded", True),  # ge includes the limit
        ({"temperature": 59.0, "voltage": 10.0}, "overloaded", False),
        ({"coating": "paint"}, "exposed", True),  # not
        ({"coating": "chrome"}, "exposed", False),
        ({"casing": "dented"}, "damaged", True),  # in
        ({"casing": "intact"}, "damaged", False),
    ],
)
def test_threshold_and_value_tests(
    engine: Engine, answers: dict[str, Value], finding: str, derived: bool
) -> None:
    assert (finding in engine.evaluate(answers).findings()) is derived


@pytest.mark.parametrize(
    ("temperature", "grade"),
    [(100.0, "severe"), (150.0, "severe"), (99.9, "mild"), (61.0, "mild")],
)
def test_choice_finding_value(engine: Engine, temperature: float, grade: str) -> None:
    findings = engine.evaluate({"humming": "yes", "temperature": temperature}).findings()
    assert findings["heat_grade"] == (grade,)


@pytest.mark.parametrize(
    ("voltage", "sound"),
    [(15.0, True), (15.5, False), (0.0, True)],
)
def test_le_includes_the_limit(engine: Engine, voltage: float, sound: bool) -> None:
    answers: dict[str, Value] = {
        "casing": "intact",
        "humming": "no",
        "temperature": 30.0,
        "coating": "chrome",
        "voltage": voltage,
    }
    assert (_assess(engine, answers).classification == "sound") is sound


@pytest.mark.parametrize(
    ("coating", "bare"),
    [("bare", True), ("paint", False), ("chrome", False), (U, False)],
)
def test_not_in(engine: Engine, coating: str, bare: bool) -> None:
    fired = {f.rule.id for f in engine.evaluate({"coating": coating}).firings}
    assert ("rust.bare" in fired) is bare


@pytest.mark.parametrize(("temperature", "caveat"), [(7.0, True), (10.0, False), (U, False)])
def test_caveat_rule_fires_on_its_conditions(
    engine: Engine, temperature: Value, caveat: bool
) -> None:
    result = _assess(engine, {"temperature": temperature})
    assert ("rust.cold-caveat" in {f.rule.id for f in result.caveats}) is caveat


def test_int_answers_count_as_numbers(engine: Engine) -> None:
    """Value is str | float, and to mypy an int is a float: 70 must behave as 70.0."""
    as_float = engine.evaluate({"humming": "yes", "temperature": 70.0, "voltage": 12.0})
    as_int = engine.evaluate({"humming": "yes", "temperature": 70, "voltage": 12})
    assert as_int.findings() == as_float.findings()


# --- unknown answers and stale state ---------------------------------------------------------

BASES: list[dict[str, Value]] = [
    {
        "casing": "dented",
        "humming": "yes",
        "temperature": 120.0,
        "voltage": 12.0,
        "coating": "bare",
    },
    {"casing": "intact", "humming": "no", "temperature": 7.0, "voltage": 12.0, "coating": "paint"},
    {
        "casing": "shattered",
        "humming": "yes",
        "temperature": 70.0,
        "voltage": 0.0,
        "coating": "chrome",
    },
]


def _rule_ids(engine: Engine, answers: dict[str, Value]) -> list[str]:
    return [f.rule.id for f in engine.evaluate(answers).firings]


@pytest.mark.parametrize("base", BASES)
@pytest.mark.parametrize("question", ["casing", "humming", "coating", "temperature", "voltage"])
def test_unknown_answer_satisfies_no_test(
    engine: Engine, base: dict[str, Value], question: str
) -> None:
    """Answering unknown fires exactly what leaving the question unanswered fires."""
    unanswered = {q: v for q, v in base.items() if q != question}
    assert _rule_ids(engine, {**base, question: U}) == _rule_ids(engine, unanswered)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (BASES[0], BASES[1]),
        (BASES[1], BASES[0]),
        (BASES[0], {"casing": "dented", "humming": "yes"}),
        ({"casing": "dented", "humming": "yes"}, {"casing": "dented", "humming": "no"}),
        (BASES[2], {}),
    ],
)
def test_changed_answers_leave_no_stale_conclusion(
    fixture_kb: KnowledgeBase, first: dict[str, Value], second: dict[str, Value]
) -> None:
    reused = Engine(fixture_kb)
    reused.evaluate(first)
    again = reused.evaluate(second)
    fresh = Engine(fixture_kb).evaluate(second)
    assert again == fresh
    assert _summary(assess(reused, second)) == _summary(assess(Engine(fixture_kb), second))


def _summary(a: Assessment) -> tuple[object, ...]:
    return (a.classification, a.subtype, a.provisional, a.chain, a.differential, a.pending)


# --- the possibility analysis agrees with the trace ------------------------------------------


def _check_consistent(kb: KnowledgeBase, engine: Engine, answers: dict[str, Value]) -> None:
    evaluation = engine.evaluate(answers)
    fired = {f.rule.id for f in evaluation.firings}
    for unknown_blocks in (False, True):
        possible = Possibility(kb, evaluation, unknown_blocks=unknown_blocks)
        for rule in kb.rules:
            truth = possible.rule(rule)
            where = f"{rule.id} on {answers} (unknown_blocks={unknown_blocks})"
            if truth is Truth.TRUE:
                assert rule.id in fired, f"{where} is TRUE but did not fire"
            if rule.id in fired:
                assert truth is not Truth.FALSE, f"{where} fired but is FALSE"


@pytest.mark.parametrize(("answers", "expected"), CASES)
def test_true_rules_fired(
    fixture_kb: KnowledgeBase, engine: Engine, answers: dict[str, Value], expected: Expected
) -> None:
    _check_consistent(fixture_kb, engine, answers)


_CHOICES: dict[str, list[Value]] = {
    "casing": ["intact", "dented", "shattered"],
    "humming": ["yes", "no"],
    "coating": ["paint", "chrome", "bare"],
    "temperature": [5.0, 7.0, 10.0, 30.0, 60.0, 60.5, 99.9, 100.0, 150.0, 200.0],
    "voltage": [0.0, 3.0, 10.0, 12.0, 15.0, 15.5, 100.0],
}
_MISSING = "<unanswered>"


@st.composite
def answer_sets(draw: st.DrawFn) -> dict[str, Value]:
    answers: dict[str, Value] = {}
    for question, values in _CHOICES.items():
        value = draw(st.sampled_from([_MISSING, U, *values]))
        if value != _MISSING:
            answers[question] = value
    return answers


@settings(
    max_examples=75, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(answers=answer_sets(), earlier=answer_sets())
def test_engine_properties_on_random_answers(
    fixture_kb: KnowledgeBase,
    fixture_engine: Engine,
    answers: dict[str, Value],
    earlier: dict[str, Value],
) -> None:
    """For any answers: TRUE rules fired, reuse equals a fresh run, unknown equals unanswered."""
    _check_consistent(fixture_kb, fixture_engine, answers)
    fixture_engine.evaluate(earlier)
    assert fixture_engine.evaluate(answers) == Engine(fixture_kb).evaluate(answers)
    known = {q: v for q, v in answers.items() if v != U}
    assert _rule_ids(fixture_engine, answers) == _rule_ids(fixture_engine, known)


# --- pending and provisional follow whatever could still change the result ------------------


def test_pending_includes_question_that_could_change_the_subtype(engine: Engine) -> None:
    """voltage=12 would make heat.overload fire, and it outranks heat.friction for the subtype."""
    answers: dict[str, Value] = {
        "casing": "dented",
        "humming": "yes",
        "temperature": 120.0,
        "coating": "chrome",
    }
    assert _assess(engine, answers).subtype == "friction"
    assert _assess(engine, {**answers, "voltage": 12.0}).subtype == "overload"
    assert _assess(engine, answers).pending == ("voltage",)


def test_provisional_when_a_higher_class_is_still_open(engine: Engine) -> None:
    """casing=shattered would make cracked (priority 10) outrank overheated."""
    answers: dict[str, Value] = {"humming": "yes", "temperature": 70.0}
    result = _assess(engine, answers)
    assert result.classification == "overheated"
    assert _assess(engine, {**answers, "casing": "shattered"}).classification == "cracked"
    assert "casing" in result.pending
    assert result.provisional is True
