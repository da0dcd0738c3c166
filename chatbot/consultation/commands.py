"""The consultation's commands: name, aliases, usage and help line, in the order help lists them.

Each names the Consultation method that carries it out (dialogue.py). Data only: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    name: str
    aliases: tuple[str, ...]
    usage: str
    summary: str
    method: str
    """The Consultation method that carries it out, given the rest of the line."""


COMMANDS: tuple[Command, ...] = (
    Command(
        "why",
        (),
        "why",
        "why this question is asked: what it separates, which rules wait on it",
        "why",
    ),
    Command(
        "how",
        (),
        "how",
        "how the current conclusion follows, rule by rule, with sources",
        "how",
    ),
    Command(
        "whynot",
        ("why-not",),
        "whynot CLASS",
        "which conditions of a class failed or are still unknown",
        "whynot",
    ),
    Command("back", ("undo",), "back", "take back the last answer (also: undo)", "back"),
    Command(
        "change",
        (),
        "change QUESTION",
        "answer an earlier question again, or any question now, and see what changes",
        "change",
    ),
    Command(
        "summary",
        (),
        "summary",
        "the answers so far and the current differential",
        "summary",
    ),
    Command("restart", (), "restart", "clear all answers and start again", "restart"),
    Command(
        "save",
        (),
        "save FILE",
        "save the consultation so far as a transcript (save FILE --force overwrites)",
        "save",
    ),
    Command(
        "case",
        (),
        "case TEXT",
        "read answers from a case description (pasting a description works too)",
        "read_case",
    ),
    Command(
        "reload",
        (),
        "reload",
        "reload the rules from disk, replay the answers and show what changed",
        "reload",
    ),
    Command("help", ("?help", "commands"), "help", "this list", "help"),
    Command(
        "quit",
        ("exit", "bye"),
        "quit",
        "end the consultation (also: exit, Ctrl-D)",
        "leave",
    ),
)


def find_command(text: str) -> tuple[Command | None, str]:
    """The command a line starts with (a leading ':' is allowed), and the rest of the line."""
    word, _, argument = text.lstrip(":").partition(" ")
    word = word.casefold()
    for command in COMMANDS:
        if word == command.name or word in command.aliases:
            return command, argument.strip()
    return None, ""
