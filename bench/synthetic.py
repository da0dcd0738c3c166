"""Synthetic knowledge bases shaped like rules/, of any size, written as TOML for the real loader.

The shape follows the shipped knowledge base: shared laboratory rules (a number question, an
albumin-like correction by formula, raised / not-raised findings guarded by `absent`), a tissue
question, a site question that opens one topic per site, and in each topic a chain of findings
three to four derivations deep ending in conclusions with classes, subtypes and priorities, plus
caveats (some with `applies_to`). Each topic has its own choice, yes/no and number questions.
Deterministic: the same size gives the same files.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from chatbot.knowledge.model import Question

CLASSES = ("kind_a", "kind_b", "kind_c", "kind_d", "kind_e", "kind_f")
SHARED_RULES = 11
"""Rules that do not belong to a topic (laboratory and tissue rules)."""
TOPIC_CORE_RULES = 12
"""Rules every topic has besides its one rule per setting."""
RULES_PER_TOPIC = 40
TISSUE_STATES = ("dead", "damaged", "viable")


def toml_value(value: Any) -> str:
    """A TOML literal for a string, number, boolean, list or (inline) table."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + " }"
    return "[" + ", ".join(toml_value(v) for v in value) + "]"


def toml_tables(section: str, tables: Sequence[dict[str, Any]]) -> str:
    """`[[section]]` tables, one key per line."""
    blocks = []
    for table in tables:
        lines = [f"[[{section}]]", *(f"{k} = {toml_value(v)}" for k, v in table.items())]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def topic_sizes(n_rules: int) -> list[int]:
    """How many settings each topic gets so that the rules add up to exactly n_rules."""
    topics = max(1, round(n_rules / RULES_PER_TOPIC))
    spare = n_rules - SHARED_RULES - topics * TOPIC_CORE_RULES
    if spare < 2 * topics:
        raise ValueError(f"{n_rules} rules are too few for a synthetic knowledge base")
    return [spare // topics + (1 if index < spare % topics else 0) for index in range(topics)]


def source(source_id: str, locator: str) -> dict[str, str]:
    return {"id": source_id, "locator": locator}


def number_units(canonical: str, other: str, factor: float) -> list[dict[str, Any]]:
    return [{"name": canonical, "factor": 1.0}, {"name": other, "factor": factor}]


def shared_questions(topics: int) -> list[dict[str, Any]]:
    cite = source("syn-labs", "reference ranges")
    sites = [{"id": f"s{t}", "label": f"site number {t}"} for t in range(topics)]
    states = [{"id": s, "label": f"{s} tissue"} for s in TISSUE_STATES]
    return [
        question("site", "Where is the deposit?", "choice", cite, choices=sites),
        question("tissue_state", "What state is the tissue in?", "choice", cite, choices=states),
        question(
            "level",
            "What is the serum level?",
            "number",
            cite,
            units=number_units("mg/dL", "mmol/L", 4.0),
            reference=[8.5, 10.5],
            plausible=[3.0, 25.0],
        ),
        question(
            "binder",
            "What is the binding protein?",
            "number",
            cite,
            units=number_units("g/dL", "g/L", 0.1),
            reference=[3.5, 5.0],
            plausible=[0.5, 8.0],
        ),
        question(
            "phosphate",
            "What is the serum phosphate?",
            "number",
            cite,
            units=number_units("mg/dL", "mmol/L", 3.1),
            reference=[2.5, 4.5],
            plausible=[0.5, 20.0],
        ),
    ]


def question(qid: str, text: str, kind: str, cite: dict[str, str], **extra: Any) -> dict[str, Any]:
    table = {"id": qid, "text": text, "kind": kind, "why": f"{text} decides the class."}
    return {**table, "source": cite, **extra}


def topic_questions(topic: int, settings: int) -> list[dict[str, Any]]:
    p, cite = f"t{topic}", source(f"syn-topic-{topic}", "questions")
    choices = [{"id": f"c{i}", "label": f"setting {i} of topic {topic}"} for i in range(settings)]
    return [
        question(
            f"{p}_setting", f"Which setting of topic {topic}?", "choice", cite, choices=choices
        ),
        question(f"{p}_trigger", f"Was there a trigger for topic {topic}?", "yesno", cite),
        question(
            f"{p}_marker",
            f"What is the marker of topic {topic}?",
            "number",
            cite,
            units=number_units("U/L", "kU/L", 1000.0),
            reference=[10.0, 40.0],
            plausible=[0.0, 500.0],
        ),
    ]


def findings(topics: int) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = [
        {
            "id": "adjusted",
            "text": "adjusted level",
            "kind": "number",
            "units": [{"name": "mg/dL", "factor": 1.0}],
        },
        *(
            {"id": fid, "text": fid.replace("_", " "), "kind": "flag"}
            for fid in ("raised", "not_raised", "deranged", "damaged")
        ),
    ]
    for t in range(topics):
        found += [
            {"id": f"t{t}_{name}", "text": f"topic {t} {name}", "kind": "flag"}
            for name in ("focus", "local", "systemic", "marker_high")
        ]
    return found


def rule(
    rid: str, when: list[dict[str, Any]], outcome: dict[str, Any], **extra: Any
) -> dict[str, Any]:
    cite = source("syn-rules", rid)
    return {
        "id": rid,
        "when": when,
        **outcome,
        "because": f"Synthetic rule {rid}.",
        "source": cite,
        **extra,
    }


def shared_rules() -> list[dict[str, Any]]:
    level_known = {"question": "level", "measured": True}
    adjusted_absent = {"finding": "adjusted", "absent": True}
    return [
        rule(
            "labs.adjusted",
            [level_known, {"question": "binder", "measured": True}],
            {"derive": {"finding": "adjusted", "formula": "level + 0.8 * (4.0 - binder)"}},
        ),
        rule(
            "labs.raised-adjusted",
            [{"finding": "adjusted", "gt": 10.5}],
            {"derive": {"finding": "raised"}},
        ),
        rule(
            "labs.raised-total",
            [{"question": "level", "gt": 10.5}, adjusted_absent],
            {"derive": {"finding": "raised"}},
        ),
        rule(
            "labs.normal-adjusted",
            [{"finding": "adjusted", "le": 10.5}],
            {"derive": {"finding": "not_raised"}},
        ),
        rule(
            "labs.normal-total",
            [{"question": "level", "le": 10.5}, adjusted_absent],
            {"derive": {"finding": "not_raised"}},
        ),
        rule("labs.deranged-level", [{"finding": "raised"}], {"derive": {"finding": "deranged"}}),
        rule(
            "labs.deranged-phosphate",
            [{"question": "phosphate", "gt": 4.5}, {"finding": "raised", "absent": True}],
            {"derive": {"finding": "deranged"}},
        ),
        rule(
            "tissue.damaged",
            [{"question": "tissue_state", "in": ["dead", "damaged"]}],
            {"derive": {"finding": "damaged"}},
        ),
        rule(
            "labs.very-high", [{"question": "level", "gt": 14.0}], {"caveat": "A very high level."}
        ),
        rule(
            "labs.phosphate-child",
            [{"question": "phosphate", "gt": 4.5}, {"question": "phosphate", "le": 6.5}],
            {"caveat": "Children run higher phosphate."},
        ),
        rule(
            "tissue.unknown-state",
            [{"finding": "deranged"}, {"finding": "damaged", "absent": True}],
            {"caveat": "The tissue state decides between two classes."},
            applies_to=[CLASSES[1]],
        ),
    ]


def topic_classes(topic: int) -> tuple[str, str, str, str]:
    a, b, c, d = (CLASSES[(topic + k) % len(CLASSES)] for k in range(4))
    return a, b, c, d


def topic_rules(topic: int, settings: int) -> list[dict[str, Any]]:
    p = f"t{topic}"
    local, systemic, mixed, quiet = topic_classes(topic)
    focus, flocal, fsys = (
        {"finding": f"{p}_focus"},
        {"finding": f"{p}_local"},
        {"finding": f"{p}_systemic"},
    )
    trigger = {"question": f"{p}_trigger", "is": "yes"}
    rules = [
        rule(
            f"{p}.focus",
            [{"question": "site", "is": f"s{topic}"}],
            {"derive": {"finding": f"{p}_focus"}},
        ),
        rule(
            f"{p}.local",
            [focus, {"finding": "damaged"}, {"finding": "not_raised"}],
            {"derive": {"finding": f"{p}_local"}},
        ),
        rule(
            f"{p}.systemic",
            [focus, {"question": "tissue_state", "is": "viable"}, {"finding": "deranged"}],
            {"derive": {"finding": f"{p}_systemic"}},
        ),
        rule(
            f"{p}.marker-high",
            [{"question": f"{p}_marker", "gt": 40.0}],
            {"derive": {"finding": f"{p}_marker_high"}},
        ),
        rule(f"{p}.local-generic", [flocal], {"conclude": {"class": local}}),
    ]
    rules += [
        rule(
            f"{p}.local-c{i}",
            [flocal, {"question": f"{p}_setting", "is": f"c{i}"}],
            {"conclude": {"class": local, "subtype": f"{p}_c{i}"}},
            priority=10,
        )
        for i in range(settings)
    ]
    rules += [
        rule(f"{p}.systemic-generic", [fsys], {"conclude": {"class": systemic}}),
        rule(
            f"{p}.systemic-triggered",
            [fsys, trigger],
            {"conclude": {"class": systemic, "subtype": f"{p}_triggered"}},
            priority=10,
        ),
        rule(
            f"{p}.systemic-marker",
            [fsys, {"finding": f"{p}_marker_high"}],
            {"conclude": {"class": systemic, "subtype": f"{p}_marker"}},
            priority=10,
        ),
        rule(
            f"{p}.mixed",
            [focus, {"finding": "damaged"}, {"finding": "deranged"}],
            {"conclude": {"class": mixed, "subtype": f"{p}_mixed"}},
            priority=20,
        ),
        rule(
            f"{p}.quiet",
            [
                focus,
                {"question": "tissue_state", "is": "viable"},
                {"finding": "not_raised"},
                {"finding": "deranged", "absent": True},
            ],
            {"conclude": {"class": quiet}},
        ),
        rule(
            f"{p}.trigger-caveat",
            [focus, trigger, {"finding": "raised"}],
            {"caveat": f"A trigger at topic {topic} with a raised level."},
            applies_to=[systemic],
        ),
        rule(
            f"{p}.marker-caveat",
            [{"finding": f"{p}_marker_high"}, {"question": f"{p}_marker", "le": 400.0}],
            {"caveat": f"A high marker in topic {topic}."},
        ),
    ]
    return rules


def classes(sizes: Sequence[int]) -> list[dict[str, Any]]:
    subtypes: dict[str, list[dict[str, str]]] = {c: [] for c in CLASSES}
    for topic, settings in enumerate(sizes):
        local, systemic, mixed, _ = topic_classes(topic)
        p = f"t{topic}"
        subtypes[local] += [
            {"id": f"{p}_c{i}", "label": f"{p} setting {i}"} for i in range(settings)
        ]
        subtypes[systemic] += [
            {"id": f"{p}_triggered", "label": f"{p} triggered"},
            {"id": f"{p}_marker", "label": f"{p} high marker"},
        ]
        subtypes[mixed].append({"id": f"{p}_mixed", "label": f"{p} mixed"})
    tables = [
        {"id": c, "label": c.replace("_", " "), "summary": f"Class {c}.", "subtypes": subtypes[c]}
        for c in CLASSES
    ]
    return [*tables, {"id": "indeterminate", "label": "Indeterminate", "summary": "Not decided."}]


def sources(topics: int) -> list[dict[str, str]]:
    ids = ["syn-labs", "syn-rules", *(f"syn-topic-{t}" for t in range(topics))]
    return [
        {
            "id": s,
            "title": f"Synthetic source {s}",
            "author": "bench",
            "url": f"https://example.org/{s}",
        }
        for s in ids
    ]


def generate(n_rules: int) -> dict[str, str]:
    """File name -> TOML text of a knowledge base with exactly n_rules rules."""
    sizes = topic_sizes(n_rules)
    topics = len(sizes)
    files = {
        "sources.toml": toml_tables("source", sources(topics)),
        "questions.toml": toml_tables(
            "question",
            shared_questions(topics)
            + [q for t, s in enumerate(sizes) for q in topic_questions(t, s)],
        ),
        "findings.toml": toml_tables("finding", findings(topics)),
        "classes.toml": toml_tables("class", classes(sizes)),
        "labs.toml": toml_tables("rule", shared_rules()),
    }
    for topic, settings in enumerate(sizes):
        files[f"topic_{topic:03d}.toml"] = toml_tables("rule", topic_rules(topic, settings))
    return files


def write_knowledge_base(directory: Path, n_rules: int) -> Path:
    """Write a synthetic knowledge base of n_rules rules into directory (created if needed)."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in generate(n_rules).items():
        (directory / name).write_text(text, encoding="utf-8")
    return directory


def random_answer(question: Question, rng: random.Random) -> str:
    """A valid typed answer: a choice id, yes or no, a number in the canonical unit, or unknown."""
    if rng.random() < 0.1:
        return "unknown"
    if question.kind == "number":
        low, high = question.plausible or (1.0, 10.0)
        return f"{rng.uniform(low, high):.1f} {question.unit}"
    return rng.choice(question.allowed_values())
