"""The engine: declare answers, run the compiled rules, hand back the trace as an Evaluation.

An evaluation is what a run from scratch gives: reset(), every answer declared in
knowledge-base order, run. experta has no truth maintenance, so a changed answer is never
carried over; when answers were only added since the last run, and nothing that fired can be
undone by them, the engine goes on from where it stopped and the trace is put in the order a
run from scratch records (incremental.py). No I/O.

The speed layer sits behind one switch, `fast`: the lean Rete matcher with literal tests,
going on from the last run, and (read by the reasoning layer from `Engine.fast`) the analysis
shortcuts. With fast=False everything runs on the stock paths (experta's own matcher, every
run from scratch, every analysis from scratch), the reference the fast paths are tested and
benchmarked against; the results are the same.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from typing import Any, ClassVar

from chatbot.engine import _experta as ex
from chatbot.engine import incremental
from chatbot.engine.compiler import engine_class, salience
from chatbot.engine.trace import Evaluation, Firing
from chatbot.knowledge.model import KnowledgeBase, Value

RECENT = 256
"""How many evaluations an Engine keeps."""


class Engine:
    """A compiled knowledge base; evaluate() runs it on a set of answers."""

    fast_by_default: ClassVar[bool] = True
    """What Engine(kb) uses; bench/stock.py turns it off for a whole process."""

    def __init__(self, kb: KnowledgeBase, fast: bool | None = None) -> None:
        self.kb = kb
        self.fast = self.fast_by_default if fast is None else fast
        base = ex.FastKnowledgeEngine if self.fast else ex.KnowledgeEngine
        self._engine: Any = engine_class(kb, base, literals=self.fast)()
        self._order = {qid: q.order for qid, q in kb.questions.items()}
        self._recent: OrderedDict[tuple[tuple[str, str], ...], Evaluation] = OrderedDict()
        self._saliences = {rule.id: salience(kb, rule) for rule in kb.rules}
        self._negated = incremental.negated(kb)
        self._held: Evaluation | None = None
        """The evaluation whose facts the experta engine holds now."""
        self._trials: Engine | None = None

    def for_trials(self) -> Engine:
        """A second engine on the same rules for runs on hypothetical answers (the grading
        of a conclusion), so that they do not disturb this one going on from its last run."""
        if self._trials is None:
            self._trials = Engine(self.kb, self.fast)
        return self._trials

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
        ordered = sorted(answers, key=lambda q: self._order.get(q, 0))
        held, self._held = self._held, None  # not held while the engine is mid-run
        firings = self._go_on(held, answers, ordered) if held is not None else None
        if firings is None:
            firings = self._from_scratch(answers, ordered)
        self._held = Evaluation(answers, firings)
        return self._held

    def _go_on(
        self, held: Evaluation, answers: dict[str, Value], ordered: list[str]
    ) -> tuple[Firing, ...] | None:
        """The firings of a run from scratch, found by declaring only the answers added since
        the held evaluation; None when that cannot give the same result."""
        added = self._added(held, answers)
        if not added:
            return None
        more = self._declare_and_run(_facts(answers, added))
        if incremental.undoes(held.firings, more, self._negated):
            return None
        refs = [("answer", q, v) for q, v in _facts(answers, ordered)]
        return incremental.scratch_order(refs, held.firings + more, self._saliences)

    def _from_scratch(self, answers: dict[str, Value], ordered: list[str]) -> tuple[Firing, ...]:
        self._engine.reset()
        return self._declare_and_run(_facts(answers, ordered))

    def _declare_and_run(self, answers: list[tuple[str, str | float]]) -> tuple[Firing, ...]:
        engine = self._engine
        engine.calcify_trace = []
        if answers:  # declared together: one agenda update, the same agenda
            engine.declare(*(ex.Answer(question=q, value=v) for q, v in answers))
        engine.run()
        return tuple(engine.calcify_trace)

    def _added(self, held: Evaluation, answers: dict[str, Value]) -> list[str]:
        """The questions answered since the held evaluation, in knowledge-base order, if every
        earlier answer is unchanged (the engine can then go on from it); else none."""
        if not self.fast or len(answers) <= len(held.answers):
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
    return float(value) if is_int else value  # type: ignore[arg-type]


def _facts(answers: dict[str, Value], questions: list[str]) -> list[tuple[str, str | float]]:
    """An answer fact for each value: an answer of several choices is several facts."""
    facts: list[tuple[str, str | float]] = []
    for question in questions:
        value = answers[question]
        facts.extend((question, v) for v in (value if isinstance(value, tuple) else (value,)))
    return facts
