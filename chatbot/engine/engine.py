"""Compile the knowledge base into an experta KnowledgeEngine; declare answers, run, read the trace.

Rete does all matching. Each rule's handler is generic: it declares one fact and records the
firing. An evaluation starts from reset() with all answers declared in knowledge-base order, so
a changed answer never leaves a stale conclusion behind; when answers were only added since
the last run, and nothing that fired can be undone by them, the engine goes on from where it
stopped and the trace is put in the order a run from scratch gives (incremental.py). No I/O.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from chatbot.engine import _experta as ex
from chatbot.engine import incremental
from chatbot.knowledge.formula import evaluate
from chatbot.knowledge.model import UNKNOWN, Condition, KnowledgeBase, Rule, Value

RECENT = 256
"""How many evaluations an Engine keeps."""

FactRef = tuple[str, str, Value]
"""A fact as the trace shows it: (kind, subject, value), e.g. ("answer", "albumin", 2.5)."""


@dataclass(frozen=True)
class Firing:
    """One rule firing: the facts it matched and the fact it declared."""

    rule: Rule
    matched: tuple[FactRef, ...]
    declared: FactRef
    new: bool


@dataclass(frozen=True)
class Evaluation:
    """What the engine derived from one set of answers."""

    answers: Mapping[str, Value]
    firings: tuple[Firing, ...]

    def findings(self) -> Mapping[str, tuple[Value, ...]]:
        """Each derived finding with the values derived for it (read once from the trace)."""
        return self._findings

    @cached_property
    def _findings(self) -> dict[str, tuple[Value, ...]]:
        found: dict[str, tuple[Value, ...]] = {}
        for firing in self.firings:
            kind, subject, value = firing.declared
            if kind == "finding" and value not in found.get(subject, ()):
                found[subject] = (*found.get(subject, ()), value)
        return found

    def of_kind(self, kind: str) -> tuple[Firing, ...]:
        """The firings whose rule has this outcome kind (derive, conclude, caveat)."""
        return tuple(f for f in self.firings if f.rule.outcome.kind == kind)


class Engine:
    """A compiled knowledge base; evaluate() runs it on a set of answers."""

    def __init__(
        self,
        kb: KnowledgeBase,
        experta_base: type = ex.FastKnowledgeEngine,
        continues: bool = True,
    ) -> None:
        """experta_base=ex.KnowledgeEngine, continues=False runs experta's stock matcher from
        scratch every time, the reference the fast paths are tested against; the results are
        the same."""
        self.kb = kb
        engine_class = _build_engine_class(kb, experta_base)
        self._engine: Any = engine_class()
        self._order = {qid: q.order for qid, q in kb.questions.items()}
        self._recent: OrderedDict[tuple[tuple[str, str], ...], Evaluation] = OrderedDict()
        self._saliences = {rule.id: incremental.salience(kb, rule) for rule in kb.rules}
        self._negated = incremental.negated(kb)
        self._continues = continues
        self._held: Evaluation | None = None
        """The evaluation whose facts the experta engine holds now."""

    def evaluate(self, answers: Mapping[str, Value]) -> Evaluation:
        """Run the rules on these answers and return the recorded firings, as a run from
        scratch records them.

        A run is deterministic, so the evaluations of the last RECENT answer sets (the same
        answers in the same order, as `back` or a replayed transcript brings them) are kept.
        """
        answers = {q: _canonical(v) for q, v in answers.items()}
        key = tuple((q, repr(v)) for q, v in answers.items())
        evaluation = self._recent.get(key)
        if evaluation is None:
            evaluation = self._run(answers)
            self._recent[key] = evaluation
            if len(self._recent) > RECENT:
                self._recent.popitem(last=False)
        else:
            self._recent.move_to_end(key)
        return evaluation

    def _run(self, answers: dict[str, Value]) -> Evaluation:
        engine = self._engine
        ordered = sorted(answers, key=lambda q: self._order.get(q, 0))
        engine.calcify_trace = []
        held, self._held = self._held, None  # not held while the engine is mid-run
        added = self._added(held, answers)
        firings: tuple[Firing, ...] | None = None
        if held is not None and added:
            engine.declare(*(ex.Answer(question=q, value=answers[q]) for q in added))
            engine.run()
            more = tuple(engine.calcify_trace)
            if not incremental.undoes(held.firings, more, self._negated):
                refs = [("answer", q, answers[q]) for q in ordered]
                everything = held.firings + more
                firings = incremental.scratch_order(refs, everything, self._saliences)
        if firings is None:
            engine.reset()
            engine.calcify_trace = []
            if ordered:  # declared together: one agenda update, the same agenda
                engine.declare(*(ex.Answer(question=q, value=answers[q]) for q in ordered))
            engine.run()
            firings = tuple(engine.calcify_trace)
        self._held = Evaluation(answers, firings)
        return self._held

    def _added(self, held: Evaluation | None, answers: dict[str, Value]) -> list[str]:
        """The questions answered since the held evaluation, in knowledge-base order, if every
        earlier answer is unchanged (the engine can then go on from it); else none."""
        if held is None or not self._continues or len(answers) <= len(held.answers):
            return []
        for question, value in held.answers.items():
            now = answers.get(question, _MISSING)
            if type(now) is not type(value) or now != value:
                return []
        return sorted(answers.keys() - held.answers.keys(), key=lambda q: self._order.get(q, 0))


_MISSING = object()


def _canonical(value: Value) -> Value:
    """Whole numbers count as numbers: rules compare floats."""
    is_int = isinstance(value, int) and not isinstance(value, bool)
    return float(value) if is_int else value


def _build_engine_class(kb: KnowledgeBase, base: type) -> type:
    # Every rule gets its own salience (stratum first, then knowledge-base order), so the
    # agenda never holds equal keys for different rules: the firing order, and with it the
    # trace, is the same on every run and every hash seed.
    attributes: dict[str, Any] = {"__strategy__": ex.SoundDepthStrategy}
    for rule in kb.rules:
        salience = incremental.salience(kb, rule)
        patterns = [_pattern(c, i) for i, c in enumerate(rule.conditions)]
        attributes[f"rule_{rule.order}"] = ex.handled_rule(patterns, salience, _handler(rule))
    return type("CalcifyEngine", (base,), attributes)


def _pattern(condition: Condition, index: int) -> Any:
    if condition.op == "absent":
        return ex.NOT(ex.Finding(id=condition.subject))
    # An equality test is a literal, which the matcher indexes; the others are predicates.
    test = condition.value if condition.op == "is" else ex.P(predicate(condition))
    if condition.subject_kind == "question":
        fact = ex.Answer(question=condition.subject, value=test)
    elif condition.op == "present":
        fact = ex.Finding(id=condition.subject)
    else:
        fact = ex.Finding(id=condition.subject, value=test)
    return getattr(ex.AS, f"f{index}") << fact


def predicate(condition: Condition) -> Callable[[Any], bool]:
    """The test a condition applies to one answer or finding value."""
    op, expected = condition.op, condition.value
    if op in ("gt", "ge", "lt", "le"):
        return _numeric(op, float(expected))  # type: ignore[arg-type]
    if op == "is":
        return lambda value: bool(value == expected)
    if op == "not":
        return lambda value: value != expected and value != UNKNOWN
    if op == "in":
        return lambda value: value in expected  # type: ignore[operator]
    if op == "not_in":
        return lambda value: value not in expected and value != UNKNOWN  # type: ignore[operator]
    return lambda value: value != UNKNOWN


def _numeric(op: str, limit: float) -> Callable[[Any], bool]:
    compare: Callable[[float, float], bool] = {
        "gt": float.__gt__,
        "ge": float.__ge__,
        "lt": float.__lt__,
        "le": float.__le__,
    }[op]
    return lambda value: isinstance(value, float) and compare(value, limit)


def _handler(rule: Rule) -> Callable[..., None]:
    def fire(*args: Any, **facts: Any) -> None:
        engine = args[-1]
        matched = tuple(_ref(facts[key]) for key in sorted(facts, key=_binding_index))
        declared = _declaration(rule, matched)
        fact = _fact(declared)
        is_new = engine.declare(fact) is not None
        engine.calcify_trace.append(Firing(rule, matched, declared, is_new))

    fire.__name__ = rule.id
    return fire


def _binding_index(key: str) -> int:
    return int(key[1:]) if key[1:].isdigit() else 0


def _ref(fact: Any) -> FactRef:
    if isinstance(fact, ex.Answer):
        return ("answer", fact["question"], fact["value"])
    return ("finding", fact["id"], fact["value"])


def _declaration(rule: Rule, matched: tuple[FactRef, ...]) -> FactRef:
    outcome = rule.outcome
    if outcome.kind == "conclude":
        return ("conclusion", outcome.class_id, outcome.subtype)
    if outcome.kind == "caveat":
        return ("caveat", rule.id, outcome.text)
    if outcome.formula:
        numbers = {subject: value for _, subject, value in matched if isinstance(value, float)}
        return ("finding", outcome.finding, round(evaluate(outcome.formula, numbers), 4))
    value: Value = outcome.value or "yes"
    return ("finding", outcome.finding, value)


def _fact(declared: FactRef) -> Any:
    kind, subject, value = declared
    if kind == "conclusion":
        return ex.Conclusion(class_id=subject, subtype=value)
    if kind == "caveat":
        return ex.Caveat(rule=subject)
    return ex.Finding(id=subject, value=value)
