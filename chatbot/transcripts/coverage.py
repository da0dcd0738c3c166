"""Coverage: which transcripts fire each rule, so a rule no consultation exercises shows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from chatbot.consultation.record import read_transcript
from chatbot.engine.engine import Engine
from chatbot.engine.trace import Evaluation
from chatbot.knowledge.model import KnowledgeBase, Value
from chatbot.transcripts.replay import Player


class RecordingEngine(Engine):
    """An Engine that remembers every rule fired across all its evaluations, its trial runs
    (the grading of a conclusion) included."""

    def __init__(self, kb: KnowledgeBase, fired: set[str] | None = None) -> None:
        super().__init__(kb)
        self.fired: set[str] = set() if fired is None else fired
        self._recording_trials: RecordingEngine | None = None

    def for_trials(self) -> Engine:
        if self._recording_trials is None:
            self._recording_trials = RecordingEngine(self.kb, self.fired)
        return self._recording_trials

    def evaluate(self, answers: Mapping[str, Value]) -> Evaluation:
        evaluation = super().evaluate(answers)
        self.fired.update(evaluation.fired)
        return evaluation


def coverage(kb: KnowledgeBase, paths: Sequence[Path], play: Player) -> dict[str, list[str]]:
    """For every rule, the transcripts whose replay fires it (in knowledge-base order)."""
    fired_by: dict[str, list[str]] = {rule.id: [] for rule in kb.rules}
    for path in paths:
        engine = RecordingEngine(kb)
        play(kb, read_transcript(path).inputs, engine)
        for rule_id in engine.fired:
            fired_by[rule_id].append(path.name)
    return {rule: sorted(names) for rule, names in fired_by.items()}
