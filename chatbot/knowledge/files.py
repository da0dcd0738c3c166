"""Reading the knowledge base's TOML files: where they are, and their sections, every
unreadable file or unknown section recorded as a defect with its file."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from chatbot.errors import Defect, KnowledgeBaseError
from chatbot.knowledge.fields import did_you_mean

SECTIONS = (
    "source", "question", "cue", "wordset", "panel", "description", "finding", "class", "rule"
)  # fmt: skip


def default_rules_dir() -> Path:
    """The shipped knowledge base: $CALCIFY_RULES, else rules/ beside the package."""
    env = os.environ.get("CALCIFY_RULES")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "rules"


def display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def read_files(directory: Path, defects: list[Defect]) -> list[tuple[str, dict[str, Any]]]:
    if not directory.is_dir():
        defects.append(Defect(display(directory), "", "", "no such knowledge-base directory"))
        raise KnowledgeBaseError(defects)
    documents = []
    for path in sorted(directory.glob("*.toml")):
        file = display(path)
        try:
            with path.open("rb") as handle:
                documents.append((file, tomllib.load(handle)))
        except tomllib.TOMLDecodeError as exc:
            defects.append(Defect(file, "", "", f"TOML syntax error: {exc}"))
        except (OSError, UnicodeDecodeError) as exc:
            defects.append(Defect(file, "", "", f"cannot read file: {exc}"))
    if not documents and not defects:
        defects.append(Defect(display(directory), "", "", "no .toml files in this directory"))
    for file, document in documents:
        for key, value in document.items():
            if key not in SECTIONS:
                hint = did_you_mean(key, SECTIONS) or f"use [[{']], [['.join(SECTIONS)}]]"
                defects.append(Defect(file, "", key, "unknown section", hint))
            elif not isinstance(value, list):
                defects.append(Defect(file, "", key, f"write it as [[{key}]] (a list of tables)"))
    return documents


def items(documents: list[tuple[str, dict[str, Any]]], section: str) -> list[tuple[str, int, Any]]:
    found: list[tuple[str, int, Any]] = []
    for file, document in documents:
        value = document.get(section, [])
        if isinstance(value, list):
            found.extend((file, index, table) for index, table in enumerate(value))
    return found
