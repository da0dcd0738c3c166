"""The command line of calcify: every option and subcommand, in one argparse parser. The parser
only names the command (`args.command`, None for a consultation); cli.py runs its handler."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from chatbot import __version__
from chatbot.knowledge.files import checkout_dir
from chatbot.knowledge.text import safe_text

if TYPE_CHECKING:
    from _typeshed import SupportsWrite
from chatbot.ui.listings import GRAPH_FORMATS
from chatbot.ui.words import DISCLAIMER

CHECKOUT = checkout_dir()
DEFAULT_TRANSCRIPTS = CHECKOUT / "transcripts" if CHECKOUT else Path("transcripts")
"""The repository's transcripts; an installed calcify (no transcripts in the wheel) looks in
the working directory."""
LATEST = "latest"
"""The value of a bare --resume: the most recent unfinished consultation."""


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose messages (usage, errors that echo the arguments, help) reach the
    terminal with control characters neutralised; its subcommand parsers are Parsers too."""

    def _print_message(self, message: str, file: SupportsWrite[str] | None = None) -> None:
        super()._print_message(safe_text(message) if message else message, file)


def build_parser() -> argparse.ArgumentParser:
    """The parser of `calcify [OPTIONS] [COMMAND ...]`."""
    parser = Parser(
        prog="calcify",
        description="Classify pathologic calcification by guided consultation. " + DISCLAIMER,
    )
    _consultation_options(parser)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    common = _common_options()

    def command(name: str, text: str) -> argparse.ArgumentParser:
        return commands.add_parser(name, parents=[common], help=text)

    classify = command("classify", "classify from answers given on the command line")
    classify.add_argument("--json", action="store_true", help="print one JSON object")
    classify.add_argument("--case", metavar="TEXT", help="read answers from a case description")
    classify.add_argument("answers", nargs="*", metavar="QUESTION=ANSWER")
    questions = command("questions", "list every question")
    questions.add_argument("--json", action="store_true", help="print JSON")
    checking = command("check", "report errors and warnings in the knowledge base")
    checking.add_argument("--strict", action="store_true", help="exit 1 on warnings")
    replay = command("replay", "replay transcripts and compare every line")
    replay.add_argument("--update", action="store_true", help="rewrite transcripts that differ")
    replay.add_argument(
        "--force",
        action="store_true",
        help="with --update, rewrite even a consultation that now rejects an answer or stops "
        "without a conclusion",
    )
    replay.add_argument(
        "--jobs", "-j", type=int, default=1, metavar="N", help="replay in N parallel processes"
    )
    replay.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    rules = command("rules", "list or search the rules")
    rules.add_argument("text", nargs="*", help="words to search for")
    explain = command("explain-rule", "a rule, what it needs and what uses it")
    explain.add_argument("rule_id", metavar="ID")
    explain.add_argument(
        "--transcripts", type=Path, default=DEFAULT_TRANSCRIPTS, help="transcripts to search"
    )
    graph = command("graph", "the rule network")
    graph.add_argument("--format", choices=GRAPH_FORMATS, default="mermaid")
    cover = command("coverage", "which transcripts fire each rule")
    cover.add_argument("paths", nargs="*", type=Path, metavar="PATH", default=[DEFAULT_TRANSCRIPTS])
    return parser


def _common_options() -> Parser:
    """Options every subcommand takes. --rules may come before or after the command;
    SUPPRESS keeps a subcommand's parser from overwriting a value given before it."""
    common = Parser(add_help=False)
    common.add_argument(
        "--rules",
        metavar="DIR",
        type=Path,
        default=argparse.SUPPRESS,
        help="knowledge-base directory",
    )
    return common


def _consultation_options(parser: argparse.ArgumentParser) -> None:
    """The options of a consultation (calcify without a command)."""
    parser.add_argument("--rules", metavar="DIR", type=Path, help="knowledge-base directory")
    parser.add_argument("--version", action="version", version=f"calcify {__version__}")
    parser.add_argument("--no-color", action="store_true", help="no colour (also: NO_COLOR=1)")
    parser.add_argument(
        "--jsonl",
        action="store_true",
        help="for programs: one answer or command per input line, one JSON object per event",
    )
    parser.add_argument(
        "--record", metavar="FILE", type=Path, help="record the session as a transcript"
    )
    parser.add_argument("--force", action="store_true", help="let --record overwrite FILE")
    parser.add_argument(
        "--case", metavar="TEXT", help="start from a case description, then ask what is missing"
    )
    parser.add_argument(
        "--resume",
        nargs="?",
        const=LATEST,
        metavar="FILE",
        help="continue the most recent unfinished consultation, or the one saved in FILE",
    )
