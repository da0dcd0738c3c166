"""Load and validate rules/*.toml into the model. Knows nothing of experta; never prints."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from chatbot.errors import Defect, KnowledgeBaseError
from chatbot.knowledge.asking import read_asking
from chatbot.knowledge.bands import read_units
from chatbot.knowledge.checks import check_contradicts, check_indeterminate, check_unique_rules
from chatbot.knowledge.conditions import is_rule_id, read_conditions, read_outcome
from chatbot.knowledge.fields import TableReader, did_you_mean, read_phrases
from chatbot.knowledge.files import SECTIONS, items, read_files
from chatbot.knowledge.model import (
    Choice,
    Citation,
    ConclusionClass,
    Finding,
    KnowledgeBase,
    Question,
    Rule,
    Source,
    Subtype,
)
from chatbot.knowledge.reading import (
    Cue,
    Description,
    Panel,
    ReadingVocabulary,
    WordSet,
    check_supports,
    read_cue,
    read_description,
    read_panel,
    read_wordset,
)
from chatbot.knowledge.strata import stratify
from chatbot.knowledge.vocabulary import (
    CHOICE_KEYS,
    QUESTION_KEYS,
    check_references,
    read_pairs,
    read_question_vocabulary,
)

QUESTION_KINDS = ("yesno", "choice", "number")
FINDING_KINDS = ("flag", "choice", "number")
RESERVED_ANSWERS = ("unknown",)


def load_knowledge_base(directory: str | Path) -> KnowledgeBase:
    """Load every .toml file in a directory; raise KnowledgeBaseError listing all defects."""
    directory = Path(directory)
    defects: list[Defect] = []
    documents = read_files(directory, defects)
    loader = _Loader(defects)
    for section in SECTIONS:
        for file, index, table in items(documents, section):
            loader.read(section, file, index, table)
    check_references(loader.questions, defects)
    check_supports(loader.questions, loader.wordsets, defects)
    check_contradicts(loader.findings, defects)
    rules = loader.read_rules()
    asking = {
        question: read_asking(r, question, loader.questions, loader.findings, loader.citation)
        for question, r in loader.ask_tables
    }
    check_unique_rules(rules, defects)
    check_indeterminate(directory, loader.classes, defects)
    strata = stratify(rules, defects) if not defects else {}
    if defects:
        raise KnowledgeBaseError(defects)
    return KnowledgeBase(
        directory=str(directory),
        sources=loader.sources,
        questions=loader.questions,
        findings=loader.findings,
        classes=loader.classes,
        rules=tuple(rules),
        strata=strata,
        asking=asking,
        reading=ReadingVocabulary(loader.cues, loader.wordsets, loader.panels, loader.descriptions),
    )


class _Loader:
    """Reads items section by section; references are checked against what was read before."""

    def __init__(self, defects: list[Defect]) -> None:
        self.defects = defects
        self.sources: dict[str, Source] = {}
        self.questions: dict[str, Question] = {}
        self.findings: dict[str, Finding] = {}
        self.classes: dict[str, ConclusionClass] = {}
        self.cues: dict[str, Cue] = {}
        self.wordsets: dict[str, WordSet] = {}
        self.panels: dict[str, Panel] = {}
        self.descriptions: dict[str, Description] = {}
        self._rule_tables: list[tuple[str, int, Any]] = []
        self.ask_tables: list[tuple[str, TableReader]] = []

    def read(self, section: str, file: str, index: int, table: Any) -> None:
        item_id = table.get("id") if isinstance(table, dict) else None
        label = f"{section} {item_id}" if isinstance(item_id, str) else f"{section} #{index + 1}"
        reader = TableReader(table, file, label, self.defects)
        if section == "rule":
            self._rule_tables.append((file, index, table))
            return
        if not isinstance(item_id, str) or not item_id:
            reader.defect("id", "missing required key (a text id)")
            return
        registry: dict[str, Any] = getattr(self, _REGISTRY[section])
        if item_id in registry:
            reader.defect(
                "id",
                f"duplicate {section} id {item_id!r}",
                f"first in {_file_of(registry[item_id])}",
            )
            return
        registry[item_id] = getattr(self, f"_read_{section}")(reader, item_id, len(registry))

    def _read_source(self, r: TableReader, item_id: str, order: int) -> Source:
        r.check_keys(("id", "title", "author"), ("url", "locator"))
        url, locator = r.text("url"), r.text("locator")
        if not url and not locator:
            r.defect("url", "a source needs a url or a locator")
        return Source(item_id, r.text("title"), r.text("author"), url or locator, r.file)

    def _read_question(self, r: TableReader, item_id: str, order: int) -> Question:
        r.check_keys(
            ("id", "text", "kind", "why", "source"),
            (
                "label",
                "choices",
                "units",
                "reference",
                "plausible",
                "several",
                "several_imply",
                "asking",
                *QUESTION_KEYS,
            ),
        )
        if "asking" in r.table:
            self.ask_tables.append((item_id, r))
        kind = r.text("kind")
        if kind not in QUESTION_KINDS:
            r.defect("kind", f"unknown kind {kind!r}", f"use one of {', '.join(QUESTION_KINDS)}")
        choices = self._choices(r) if kind == "choice" else ()
        vocabulary = read_question_vocabulary(r, kind, choices, read_units, self.citation)
        units = read_units(r) if kind == "number" else ()
        if kind != "choice" and "choices" in r.table:
            r.defect("choices", f"only choice questions have choices (this one is {kind!r})")
        if kind != "number":
            for key in ("units", "reference", "plausible"):
                if key in r.table:
                    r.defect(key, f"only number questions have {key}")
        several = r.table.get("several", False)
        if several not in (True, False) or (several and kind != "choice"):
            r.defect("several", "write `several = true`, on a choice question only")
        if "several_imply" in r.table and not several:
            r.defect("several_imply", "only a question with `several = true` has several_imply")
        return Question(
            id=item_id,
            text=r.text("text"),
            kind=kind,  # type: ignore[arg-type]
            why=r.text("why"),
            citation=self.citation(r),
            file=r.file,
            order=order,
            choices=choices,
            units=units,
            reference=r.range("reference"),
            plausible=r.range("plausible"),
            label=r.text("label"),
            several=several is True,
            several_imply=read_pairs(r, "several_imply"),
            **vocabulary,
        )

    def _choices(self, r: TableReader) -> tuple[Choice, ...]:
        choices: list[Choice] = []
        for index, table in enumerate(r.tables("choices")):
            c = r.element("choices", index, table)
            c.check_keys(("id", "label"), ("synonyms", *CHOICE_KEYS))
            choice = Choice(
                c.text("id"),
                c.text("label"),
                c.texts("synonyms"),
                read_phrases(c, "phrases"),
                read_pairs(c, "implies"),
                c.texts("refines"),
            )
            if choice.id in RESERVED_ANSWERS or choice.id in (x.id for x in choices):
                c.defect("id", f"choice id {choice.id!r} is reserved or repeated")
            choices.append(choice)
        if len(choices) < 2:
            r.defect("choices", "a choice question needs at least two choices")
        return tuple(choices)

    def _read_finding(self, r: TableReader, item_id: str, order: int) -> Finding:
        r.check_keys(("id", "text", "kind"), ("values", "units", "contradicts"))
        kind = r.text("kind")
        if kind not in FINDING_KINDS:
            r.defect("kind", f"unknown kind {kind!r}", f"use one of {', '.join(FINDING_KINDS)}")
        values = r.texts("values")
        if kind == "choice" and len(values) < 2:
            r.defect("values", "a choice finding lists at least two values")
        units = read_units(r) if kind == "number" else ()
        contradicts = r.texts("contradicts")
        return Finding(item_id, r.text("text"), kind, r.file, values, units, contradicts)  # type: ignore[arg-type]

    def _read_cue(self, r: TableReader, item_id: str, order: int) -> Cue:
        return read_cue(r, item_id, self.citation(r))

    def _read_wordset(self, r: TableReader, item_id: str, order: int) -> WordSet:
        return read_wordset(r, item_id)

    def _read_panel(self, r: TableReader, item_id: str, order: int) -> Panel:
        return read_panel(r, item_id, self.citation(r), self.questions)

    def _read_description(self, r: TableReader, item_id: str, order: int) -> Description:
        return read_description(r, item_id, self.citation(r), self.questions)

    def _read_class(self, r: TableReader, item_id: str, order: int) -> ConclusionClass:
        r.check_keys(("id", "label", "summary"), ("subtypes",))
        subtypes = []
        for index, table in enumerate(r.tables("subtypes")):
            s = r.element("subtypes", index, table)
            s.check_keys(("id", "label"), ("lookalike",))
            subtypes.append(Subtype(s.text("id"), s.text("label"), s.text("lookalike")))
        return ConclusionClass(
            item_id, r.text("label"), r.text("summary"), r.file, order, tuple(subtypes)
        )

    def citation(self, r: TableReader) -> Citation:
        c = r.sub("source")
        c.check_keys(("id", "locator"))
        source_id = c.text("id")
        if source_id and source_id not in self.sources:
            c.defect("id", f"unknown source {source_id!r}", did_you_mean(source_id, self.sources))
        return Citation(source_id, c.text("locator"))

    def read_rules(self) -> list[Rule]:
        rules = []
        for order, (file, index, table) in enumerate(self._rule_tables):
            rule_id = table.get("id") if isinstance(table, dict) else None
            label = f"rule {rule_id}" if isinstance(rule_id, str) else f"rule #{index + 1}"
            r = TableReader(table, file, label, self.defects)
            rules.append(self._read_rule(r, order))
        return rules

    def _read_rule(self, r: TableReader, order: int) -> Rule:
        r.check_keys(
            ("id", "when", "because", "source"),
            ("derive", "conclude", "caveat", "assume", "priority", "applies_to"),
        )
        rule_id = r.text("id")
        if rule_id and not is_rule_id(rule_id):
            r.defect("id", f"rule id {rule_id!r} must look like topic.short-slug")
        conditions = read_conditions(r, self.questions, self.findings)
        outcome = read_outcome(r, conditions, self.questions, self.findings, self.classes)
        return Rule(
            id=rule_id,
            conditions=conditions,
            outcome=outcome,
            because=r.text("because"),
            citation=self.citation(r),
            file=r.file,
            order=order,
            priority=r.integer("priority"),
            applies_to=self._applies_to(r, outcome.kind),
        )

    def _applies_to(self, r: TableReader, kind: str) -> tuple[str, ...]:
        classes = r.texts("applies_to")
        if classes and kind != "caveat":
            r.defect("applies_to", "only caveat rules take applies_to")
        for class_id in classes:
            if class_id not in self.classes:
                hint = did_you_mean(class_id, self.classes)
                r.defect("applies_to", f"unknown class {class_id!r}", hint)
        return classes


_REGISTRY = {
    "source": "sources",
    "question": "questions",
    "cue": "cues",
    "wordset": "wordsets",
    "panel": "panels",
    "description": "descriptions",
    "finding": "findings",
    "class": "classes",
}


def _file_of(item: Any) -> str:
    return str(getattr(item, "file", ""))
