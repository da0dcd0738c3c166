"""Which question comes next on the shipped knowledge base: the cause of the leading class
first, lab refinements late, and a refinement that cannot add anything not asked at all."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from chatbot.consultation.dialogue import Consultation
from chatbot.errors import KnowledgeBaseError
from chatbot.knowledge.files import default_rules_dir
from chatbot.knowledge.loader import load_knowledge_base
from chatbot.knowledge.model import KnowledgeBase


def asked(kb: KnowledgeBase, answers: dict[str, str], limit: int = 40) -> list[str]:
    """The questions a consultation asks, each answered from `answers` or `unknown`."""
    consultation = Consultation(kb)
    consultation.start()
    found: list[str] = []
    while not consultation.is_finished and len(found) < limit:
        question = consultation.current
        assert question is not None
        found.append(question.id)
        consultation.respond(answers.get(question.id, "unknown"))
    return found


TB_NODE = {
    "site": "lymph_node",
    "tissue_state": "necrotic",
    "necrosis_setting": "caseous",
    "serum_calcium": "9.2 mg/dL",
    "albumin": "4.1 g/dL",
    "serum_phosphate": "3.4 mg/dL",
    "kidney_function": "normal",
}


def test_the_kind_of_necrosis_comes_right_after_a_necrotic_tissue(real_kb: KnowledgeBase) -> None:
    questions = asked(real_kb, TB_NODE)
    assert questions.index("necrosis_setting") == questions.index("tissue_state") + 1


def test_no_ionized_calcium_after_a_normal_total_calcium_and_albumin(
    real_kb: KnowledgeBase,
) -> None:
    assert "ionized_calcium" not in asked(real_kb, TB_NODE)


def test_no_reported_product_when_calcium_and_phosphate_were_measured(
    real_kb: KnowledgeBase,
) -> None:
    assert "ca_x_p_reported" not in asked(real_kb, TB_NODE)


def test_the_reported_product_is_asked_when_it_cannot_be_computed(
    real_kb: KnowledgeBase,
) -> None:
    answers = {"site": "lung", "tissue_state": "viable", "serum_calcium": "10.1 mg/dL"}
    assert "ca_x_p_reported" in asked(real_kb, answers)


def test_ionized_calcium_is_asked_where_the_correction_is_unreliable(
    real_kb: KnowledgeBase,
) -> None:
    answers = {
        "site": "stomach",
        "tissue_state": "viable",
        "serum_calcium": "9.6 mg/dL",
        "albumin": "3.9 g/dL",
        "serum_phosphate": "7.9 mg/dL",
        "kidney_function": "dialysis",
    }
    questions = asked(real_kb, answers)
    assert "ionized_calcium" in questions
    assert questions.index("kidney_function") < questions.index("ionized_calcium")


def test_lab_refinements_come_after_the_chemistry_and_the_kidney(real_kb: KnowledgeBase) -> None:
    answers = {
        "site": "lung",
        "tissue_state": "viable",
        "serum_calcium": "12.9 mg/dL",
        "serum_phosphate": "4.0 mg/dL",
    }
    questions = asked(real_kb, answers)
    late = [q for q in ("pth", "vitamin_d", "calcitriol") if q in questions]
    assert late, questions
    first_late = min(questions.index(q) for q in late)
    for core in ("serum_calcium", "serum_phosphate", "kidney_function"):
        if core in questions:
            assert questions.index(core) < first_late, questions


def test_the_cause_of_a_probable_class_is_asked_early(real_kb: KnowledgeBase) -> None:
    questions = asked(real_kb, {"site": "skin", "ctd_features": "crest"})
    assert questions.index("ctd_features") <= 2, questions


def test_the_site_takes_several_organs(real_kb: KnowledgeBase) -> None:
    consultation = Consultation(real_kb)
    consultation.start()
    consultation.respond("lung and stomach")
    assert consultation.answers["site"] == ("lung", "stomach")


def test_site_choices_are_grouped_by_system(real_kb: KnowledgeBase) -> None:
    ids = [c.id for c in real_kb.questions["site"].choices]
    kidney = ids.index("kidney_medulla")
    assert ids[kidney + 1] == "kidney_cortex"
    assert ids.index("heart_valve") < ids.index("systemic_artery") < ids.index("lung")
    assert ids[-1] == "other"


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), target)
    return target


def _edit(rules: Path, old: str, new: str) -> None:
    path = rules / "questions.toml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_check_refuses_a_question_gated_on_itself(rules_copy: Path) -> None:
    _edit(
        rules_copy,
        '{ finding = "chemistry_measured", absent = true }',
        '{ question = "ca_x_p_reported", gt = 1.0 }',
    )
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge_base(rules_copy)
    assert "question ca_x_p_reported: asking.any" in str(caught.value)
    assert "would never let it be asked" in str(caught.value)


def test_check_names_a_bad_condition_in_asking(rules_copy: Path) -> None:
    _edit(
        rules_copy,
        '{ finding = "chemistry_measured", absent = true }',
        '{ finding = "chemistry_measurd", absent = true }',
    )
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge_base(rules_copy)
    assert "asking.any[0].finding: unknown finding 'chemistry_measurd'" in str(caught.value)


def test_check_refuses_asking_that_says_nothing(rules_copy: Path) -> None:
    _edit(
        rules_copy,
        'asking = { late = true, any = [{ finding = "chemistry_measured", absent = true }],',
        "asking = {",
    )
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge_base(rules_copy)
    assert "say when it is asked" in str(caught.value)


def test_the_site_question_shows_its_choices_under_headings(real_kb: KnowledgeBase) -> None:
    from chatbot.consultation.blocks import Ask
    from chatbot.ui.render import block_lines

    lines = [line.text for line in block_lines(real_kb, Ask(real_kb.questions["site"], 1))]
    heading = lines.index("  glands and lymph nodes:")
    assert lines[heading + 4] == "    21. a lymph node"


def test_check_refuses_groups_out_of_the_choice_order(rules_copy: Path) -> None:
    _edit(rules_copy, '{ name = "chest", choices = ["lung"] },\n', "")
    _edit(
        rules_copy,
        '"spleen", "peritoneum"] },',
        '"spleen", "peritoneum"] },\n  { name = "chest", choices = ["lung"] },',
    )
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge_base(rules_copy)
    assert "question site: groups: list the groups" in str(caught.value)
