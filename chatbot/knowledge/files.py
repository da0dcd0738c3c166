"""Reading the knowledge base's TOML files: where they are, and their sections, every
unreadable file or unknown section recorded as a defect with its file."""

from __future__ import annotations

import os
import stat
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from chatbot.errors import Defect, KnowledgeBaseError
from chatbot.knowledge.fields import did_you_mean

SECTIONS = (
    "source", "question", "cue", "wordset", "panel", "description", "finding", "class", "rule"
)  # fmt: skip


def default_rules_dir() -> Path:
    """The knowledge base used unless --rules names one: $CALCIFY_RULES; in a checkout (run from
    the repository or installed editable), the repository's rules/, so a rule author's edit
    takes effect at once; else the copy installed with the package (chatbot/rules, put into
    the wheel by setup.py)."""
    env = os.environ.get("CALCIFY_RULES")
    if env:
        return Path(env)
    checkout = checkout_dir()
    if checkout is not None:
        return checkout / "rules"
    return Path(str(resources.files("chatbot") / "rules"))


def checkout_dir() -> Path | None:
    """The repository the package runs from, if it does: the directory above the package that
    holds pyproject.toml and rules/ (not so for an installed wheel)."""
    top = Path(__file__).resolve().parents[2]
    return top if (top / "pyproject.toml").is_file() and (top / "rules").is_dir() else None


def display(path: Path) -> str:
    """The path as shown in defects: relative to the working directory where it can be, by
    its own name (a symlink is not followed: it may loop or point at a device)."""
    try:
        return str((path.parent.resolve() / path.name).relative_to(Path.cwd()))
    except (ValueError, OSError, RuntimeError):
        return str(path)


def read_files(directory: Path, defects: list[Defect]) -> list[tuple[str, dict[str, Any]]]:
    if not directory.is_dir():
        defects.append(Defect(display(directory), "", "", "no such knowledge-base directory"))
        raise KnowledgeBaseError(defects)
    documents = []
    for path in sorted(directory.glob("*.toml")):
        file = display(path)
        try:
            documents.append((file, _load(path)))
        except tomllib.TOMLDecodeError as exc:
            defects.append(Defect(file, "", "", f"TOML syntax error: {exc}"))
        except (OSError, UnicodeDecodeError) as exc:
            defects.append(Defect(file, "", "", f"cannot read file: {exc}"))
        except RecursionError:
            defects.append(Defect(file, "", "", "nested too deeply to read (arrays or tables)"))
        except (ValueError, MemoryError) as exc:
            defects.append(Defect(file, "", "", f"cannot read file: {str(exc)[:200]}"))
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


def _load(path: Path) -> dict[str, Any]:
    """A regular file's TOML; anything else (a FIFO, a device, a symlink loop, a directory)
    raises OSError before it is read; opened without blocking, so a FIFO never hangs."""
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        raise OSError(f"{path.name} is not a regular file")
    with os.fdopen(descriptor, "rb") as handle:
        return tomllib.load(handle)


def items(documents: list[tuple[str, dict[str, Any]]], section: str) -> list[tuple[str, int, Any]]:
    found: list[tuple[str, int, Any]] = []
    for file, document in documents:
        value = document.get(section, [])
        if isinstance(value, list):
            found.extend((file, index, table) for index, table in enumerate(value))
    return found
