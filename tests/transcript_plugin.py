"""pytest plugin: every transcripts/*.txt is a test item; a failure is a diff headed file:line.

`pytest --update-transcripts` rewrites the transcripts that differ, on purpose, except one whose
consultation broke (an answer now rejected, or no conclusion where the header says finished):
that one fails with the reason, unless `--force-transcripts` is given too.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from chatbot.consultation.record import TranscriptError, read_transcript, write_atomic
from chatbot.engine.engine import Engine
from chatbot.knowledge.loader import load_knowledge_base
from chatbot.transcripts.guard import refusal
from chatbot.transcripts.replay import Outcome, replay
from chatbot.transcripts.update import updated_text
from chatbot.ui.plain import play

RULES = Path(__file__).resolve().parent.parent / "rules"
FORCE = "pytest --update-transcripts --force-transcripts"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-transcripts",
        action="store_true",
        help="rewrite transcripts whose replay differs (review the git diff afterwards)",
    )
    parser.addoption(
        "--force-transcripts",
        action="store_true",
        help="with --update-transcripts, rewrite even a consultation that no longer works",
    )


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.suffix == ".txt" and file_path.parent.name == "transcripts":
        return TranscriptFile.from_parent(parent, path=file_path)
    return None


@cache
def _engine() -> Engine:
    return Engine(load_knowledge_base(RULES))


class TranscriptMismatch(Exception):
    def __init__(self, outcome: Outcome, refused: str | None = None) -> None:
        super().__init__(outcome.diff() + (f"\n{refused}" if refused else ""))
        self.outcome = outcome


class TranscriptFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        yield TranscriptItem.from_parent(self, name=self.path.name)


class TranscriptItem(pytest.Item):
    def runtest(self) -> None:
        engine = _engine()
        outcome = replay(engine.kb, read_transcript(self.path), play, engine)
        if outcome.passed:
            return
        if not self.config.getoption("update_transcripts"):
            raise TranscriptMismatch(outcome)
        forced = self.config.getoption("force_transcripts")
        refused = None if forced else refusal(outcome, engine, FORCE)
        if refused is not None:
            raise TranscriptMismatch(outcome, refused)
        write_atomic(self.path, updated_text(outcome))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, TranscriptMismatch | TranscriptError):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"transcript {self.name}"
