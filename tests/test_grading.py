"""Labs in words, graded conclusions and the defects issue 12 names, on the shipped rules.

Each row states a clinical picture as answers and what calcify must make of it; the grade,
the assumptions it rests on and what would change it are part of the expectation.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import REAL_KB

from chatbot.authoring.lint import check
from chatbot.cli import main
from chatbot.consultation.oneshot import classify
from chatbot.knowledge.answers import parse_answer
from chatbot.knowledge.implications import with_implications
from chatbot.knowledge.model import KnowledgeBase
from chatbot.reasoning.assessment import Assessment


def classified(kb: KnowledgeBase, **answers: str) -> Assessment:
    return classify(kb, [f"{q}={v}" for q, v in answers.items()], None)[0]


# -- labs in words ---------------------------------------------------------------------------

WORDS = [
    ("serum_calcium", "normal", "normal"),
    ("serum_calcium", "raised", "raised"),
    ("serum_calcium", "high", "raised"),
    ("serum_calcium", "elevated", "raised"),
    ("serum_calcium", "increased", "raised"),
    ("serum_calcium", "low", "low"),
    ("serum_calcium", "decreased", "low"),
    ("serum_calcium", "reduced", "low"),
    ("serum_phosphate", "within normal limits", "normal"),
    ("albumin", "low", "low"),
    ("ionized_calcium", "raised", "raised"),
    ("vitamin_d", "raised", "raised"),
    ("ca_x_p_reported", "elevated", "raised"),
]


@pytest.mark.parametrize(("question_id", "text", "word"), WORDS)
def test_every_lab_question_takes_a_word(
    real_kb: KnowledgeBase, question_id: str, text: str, word: str
) -> None:
    parsed = parse_answer(real_kb.questions[question_id], text)
    assert parsed.value == word and parsed.label == f"reported {word}, no value"


@pytest.mark.parametrize(
    ("word", "value", "finding"),
    [
        ("raised", "11.8 mg/dL", "hypercalcaemia"),
        ("normal", "9.4 mg/dL", "calcium_not_raised"),
        ("low", "7.6 mg/dL", "calcium_not_raised"),
    ],
)
def test_a_word_derives_what_a_value_in_its_band_derives(
    real_kb: KnowledgeBase, word: str, value: str, finding: str
) -> None:
    by_word = classified(real_kb, tissue_state="viable", site="lung", serum_calcium=word)
    by_value = classified(real_kb, tissue_state="viable", site="lung", serum_calcium=value)
    words, values = by_word.evaluation.findings(), by_value.evaluation.findings()
    assert finding in words and finding in values
    assert set(words) - {"corrected_calcium"} == set(values) - {"corrected_calcium"}


def test_derived_values_come_only_from_values(real_kb: KnowledgeBase) -> None:
    words = classified(
        real_kb, serum_calcium="normal", albumin="3.0 g/dL", serum_phosphate="4 mg/dL"
    )
    assert "corrected_calcium" not in words.evaluation.findings()
    assert "ca_x_p" not in words.evaluation.findings()
    values = classified(real_kb, serum_calcium="9 mg/dL", albumin="3.0 g/dL")
    assert values.evaluation.findings()["corrected_calcium"] == (9.8,)


def test_a_reported_product_is_taken_as_it_stands(real_kb: KnowledgeBase) -> None:
    a = classified(real_kb, tissue_state="viable", site="lung", ca_x_p_reported="6.5 mmol²/L²")
    assert a.evaluation.findings()["ca_x_p"] == (pytest.approx(80.665),)
    assert a.classification == "metastatic"
    worded = classified(real_kb, tissue_state="viable", site="lung", ca_x_p_reported="raised")
    assert "raised_ca_x_p" in worded.evaluation.findings()


def test_words_in_classify_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["classify", "--json", "tissue_state=viable", "site=skin", "serum_calcium=normal",
                 "serum_phosphate=normal"])  # fmt: skip
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data["answers"]["serum_calcium"] == {"word": "normal"}
    assert data["classification"] == "calcinosis" and data["grade"] == "established"


# -- grades and assumptions ------------------------------------------------------------------

PROBABLE = [
    # (answers, class, subtype, assumed questions, what an assumption otherwise gives)
    (
        {"necrosis_setting": "congenital_infection", "site": "brain"},
        "dystrophic", "congenital_infection", {"serum_calcium", "serum_phosphate"}, "mixed",
    ),
    (
        {"degeneration_setting": "pseudoxanthoma_elasticum", "site": "skin"},
        "dystrophic", "pseudoxanthoma_elasticum", {"serum_calcium", "serum_phosphate"}, "mixed",
    ),
    (
        {"ctd_features": "dermatomyositis", "site": "skin"},
        "calcinosis", "ctd_dermatomyositis", {"serum_calcium", "serum_phosphate"}, "metastatic",
    ),
    (
        {"site": "skin", "calciphylaxis_signs": "yes", "kidney_function": "dialysis"},
        "metastatic", "calciphylaxis", {"serum_phosphate"}, None,
    ),
    (
        {"necrosis_setting": "caseous", "site": "lymph_node"},
        "dystrophic", "granulomatous_infection", {"serum_calcium", "serum_phosphate"}, "mixed",
    ),
    (
        {"site": "lung", "systemic_condition": "primary_hyperparathyroidism",
         "tissue_state": "viable"},
        "metastatic", "primary_hyperparathyroidism", {"serum_calcium"}, None,
    ),
]  # fmt: skip


@pytest.mark.parametrize(("answers", "cls", "subtype", "assumed", "otherwise"), PROBABLE)
def test_the_setting_decides_a_probable_conclusion(
    real_kb: KnowledgeBase,
    answers: dict[str, str],
    cls: str,
    subtype: str,
    assumed: set[str],
    otherwise: str | None,
) -> None:
    a = classified(real_kb, **answers)
    assert (a.classification, a.subtype, a.grade) == (cls, subtype, "probable")
    assert {x.question for x in a.assumptions} == assumed
    assert all(x.rule.citation.source in real_kb.sources for x in a.assumptions)
    assert all(x.rule.outcome.kind == "assume" for x in a.assumptions)
    if otherwise is not None:
        assert otherwise in {alt.classification for alt in a.alternatives}
    row = a.state_of(cls)
    assert row is not None and row.state == "probable"


def test_a_fact_withdraws_the_assumption(real_kb: KnowledgeBase) -> None:
    assumed = classified(real_kb, necrosis_setting="congenital_infection", site="brain")
    measured = classified(
        real_kb, necrosis_setting="congenital_infection", site="brain", serum_calcium="12 mg/dL"
    )
    assert assumed.grade == "probable" and measured.grade == "established"
    assert measured.classification == "mixed" and not measured.assumptions


def test_no_assumption_applies_when_a_disorder_is_known(real_kb: KnowledgeBase) -> None:
    """Normal chemistry is not assumed in damaged tissue of a patient with myeloma: calcium
    is then assumed raised, as in the diseases that act through hypercalcaemia."""
    a = classified(real_kb, necrosis_setting="infarct", systemic_condition="myeloma")
    assert a.classification == "mixed" and a.grade == "probable"
    assert {(x.question, x.value) for x in a.assumptions} == {("serum_calcium", "raised")}


def test_indeterminate_is_graded_possible(real_kb: KnowledgeBase) -> None:
    a = classified(real_kb, tissue_state="viable", site="lung")
    assert (a.classification, a.grade) == ("indeterminate", "possible")
    assert {r.class_id for r in a.differential if r.state == "possible"} >= {"metastatic"}


def test_work_up_stays_indeterminate(real_kb: KnowledgeBase) -> None:
    a = classified(real_kb, tumour="suspected_sarcoma", site="muscle")
    assert (a.classification, a.subtype, a.grade) == (
        "indeterminate",
        "suspected_sarcoma",
        "established",
    )


def test_the_differential_is_ranked(real_kb: KnowledgeBase) -> None:
    a = classified(real_kb, necrosis_setting="congenital_infection", site="brain")
    order = ["established", "probable", "supported", "possible", "outranked", "ruled_out"]
    states = [order.index(row.state) for row in a.differential]
    assert states == sorted(states) and a.differential[0].state == "probable"
    assert "indeterminate" not in {row.class_id for row in a.differential}


def test_json_grade_assumptions_and_what_would_change(capsys: pytest.CaptureFixture[str]) -> None:
    main(["classify", "--json", "necrosis_setting=congenital_infection", "site=brain"])
    data = json.loads(capsys.readouterr().out)
    assert data["grade"] == "probable"
    assert {a["question"] for a in data["assumptions"]} == {"serum_calcium", "serum_phosphate"}
    assert all(a["source"]["title"] and a["because"] for a in data["assumptions"])
    assert {"question": "serum_calcium", "if": "raised"}.items() <= data["would_change"][0].items()


# -- the defects -----------------------------------------------------------------------------


def test_a_single_focus_of_unknown_tissue_is_not_metastatic(real_kb: KnowledgeBase) -> None:
    a = classified(real_kb, distribution="focal", serum_calcium="12 mg/dL")
    assert a.classification != "metastatic"
    spread = classified(real_kb, distribution="widespread", serum_calcium="12 mg/dL")
    assert spread.classification == "metastatic"


def test_gastric_mucosa_on_dialysis_is_not_calcinosis(real_kb: KnowledgeBase) -> None:
    a = classified(
        real_kb, kidney_function="dialysis", pth="raised", serum_calcium="9.2 mg/dL",
        serum_phosphate="4.1 mg/dL", site="stomach", tissue_state="viable",
    )  # fmt: skip
    assert a.classification == "metastatic" and a.grade == "established"


@pytest.mark.parametrize("value", ["10.5 mg/dL", "2.62 mmol/L", "10.4999 mg/dL", "10.5001 mg/dL"])
def test_band_edges_give_one_side_only(real_kb: KnowledgeBase, value: str) -> None:
    for albumin in ({}, {"albumin": "4.0 g/dL"}):
        found = classified(real_kb, serum_calcium=value, **albumin).evaluation.findings()
        assert ("hypercalcaemia" in found) != ("calcium_not_raised" in found), (value, albumin)


def test_check_reports_findings_that_contradict_yet_hold_together(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(REAL_KB, rules)
    labs = rules / "labs.toml"
    text = labs.read_text(encoding="utf-8")
    edited = text.replace(
        '{ finding = "corrected_calcium", gt = 10.5 }',
        '{ finding = "corrected_calcium", ge = 10.5 }',
    )
    assert edited != text
    labs.write_text(edited, encoding="utf-8")
    reports = [r for r in check(rules) if r.field == "contradicts"]
    assert reports and reports[0].severity == "error"
    assert "calcium_not_raised" in reports[0].message and "serum_calcium" in reports[0].message
    assert not [r for r in check(REAL_KB) if r.field == "contradicts"]


def test_implications_hold_everywhere(real_kb: KnowledgeBase) -> None:
    implied = with_implications(real_kb, {"degeneration_setting": "tendon"})
    assert implied["tissue_state"] == "degenerated" and implied["site"] == "tendon"
    a = classified(real_kb, degeneration_setting="tendon")
    assert (a.classification, a.subtype) == ("dystrophic", "calcific_tendinitis")


def test_scleroderma_skin_called_degenerated_is_still_calcinosis(real_kb: KnowledgeBase) -> None:
    a = classified(
        real_kb, tissue_state="degenerated", ctd_features="crest", site="skin",
        serum_calcium="9.5 mg/dL", serum_phosphate="3.5 mg/dL",
    )  # fmt: skip
    assert (a.classification, a.subtype) == ("calcinosis", "ctd_systemic_sclerosis")
    assert any(f.rule.id == "calcinosis.ctd-mechanism" for f in a.caveats)


def test_a_child_is_judged_on_the_childs_range(real_kb: KnowledgeBase) -> None:
    child = classified(
        real_kb, age="9 years", serum_phosphate="4.9 mg/dL", serum_calcium="9.6 mg/dL",
        ctd_features="dermatomyositis", site="skin", tissue_state="viable",
    )  # fmt: skip
    assert (child.classification, child.subtype) == ("calcinosis", "ctd_dermatomyositis")
    adult = classified(
        real_kb, age="40 years", serum_phosphate="4.9 mg/dL", serum_calcium="9.6 mg/dL",
        ctd_features="dermatomyositis", site="skin", tissue_state="viable",
    )  # fmt: skip
    assert adult.classification == "metastatic"


def test_a_contradiction_must_name_another_finding(tmp_path: Path) -> None:
    from conftest import FIXTURE_KB

    from chatbot.errors import KnowledgeBaseError
    from chatbot.knowledge.loader import load_knowledge_base

    rules = tmp_path / "kb"
    shutil.copytree(FIXTURE_KB, rules)
    findings = rules / "findings.toml"
    text = findings.read_text(encoding="utf-8")
    findings.write_text(
        text.replace('id = "hot"\n', 'id = "hot"\ncontradicts = ["cold", "hot"]\n'),
        encoding="utf-8",
    )
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge_base(rules)
    messages = [str(d) for d in caught.value.defects]
    assert any("finding hot: contradicts: 'cold' is not another finding" in m for m in messages)
    assert any("'hot' is not another finding" in m for m in messages)


# -- several sites at once -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("lung and stomach", ("lung", "stomach")),
        ("stomach, lung", ("lung", "stomach")),
        ("6 & 10", ("lung", "stomach")),
        ("lung and lungs", "lung"),
        ("lung", "lung"),
    ],
)
def test_the_site_takes_several_choices(real_kb: KnowledgeBase, text: str, value: object) -> None:
    assert parse_answer(real_kb.questions["site"], text).value == value


def test_a_site_that_is_not_a_choice_is_named(real_kb: KnowledgeBase) -> None:
    from chatbot.knowledge.answers import UnclearAnswer

    with pytest.raises(UnclearAnswer, match="'moon'"):
        parse_answer(real_kb.questions["site"], "lung and moon")


def test_several_sites_mean_widespread_deposits(real_kb: KnowledgeBase) -> None:
    a = classified(real_kb, site="lung and stomach", serum_calcium="12 mg/dL")
    assert a.answers["distribution"] == "widespread"
    assert (a.classification, a.grade) == ("metastatic", "established")
    assert "visceral_site" in a.evaluation.findings()


def test_kidney_function_takes_words(real_kb: KnowledgeBase) -> None:
    question = real_kb.questions["kidney_function"]
    assert parse_answer(question, "raised").value == "impaired"
    assert parse_answer(question, "normal").value == "normal"
