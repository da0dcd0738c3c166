"""The calcify command: parse the arguments, load the knowledge base, run one handler per
subcommand (a consultation when none is given) and print what the ui layer puts into words.

The entry point and the REPL are the only code that prints.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from chatbot import __version__
from chatbot.authoring.browse import search_rules
from chatbot.authoring.lint import check, exit_code
from chatbot.consultation.dialogue import Consultation
from chatbot.consultation.interrupts import EXIT_INTERRUPTED
from chatbot.consultation.oneshot import classify
from chatbot.consultation.session import latest_unfinished, open_session, sessions_dir
from chatbot.errors import CalcifyError
from chatbot.intake.reader import extract
from chatbot.knowledge.fields import did_you_mean
from chatbot.knowledge.files import default_rules_dir
from chatbot.knowledge.loader import load_knowledge_base
from chatbot.knowledge.model import KnowledgeBase
from chatbot.knowledge.text import safe
from chatbot.transcripts.coverage import coverage
from chatbot.transcripts.replay import transcript_files, transcript_paths
from chatbot.transcripts.update import replay_files
from chatbot.ui.casetext import case_data, case_lines
from chatbot.ui.listings import (
    GRAPH_FORMATS,
    check_lines,
    coverage_lines,
    explain_rule_lines,
    graph_lines,
    questions_data,
    questions_lines,
    replay_summary_lines,
    rule_list_lines,
)
from chatbot.ui.plain import play, run_plain, stdin_lines
from chatbot.ui.report import assessment_data, assessment_lines
from chatbot.ui.words import DISCLAIMER

EXIT_OK, EXIT_USAGE = 0, 2
DEFAULT_TRANSCRIPTS = Path(__file__).resolve().parent.parent / "transcripts"
LATEST = "latest"

Handler = Callable[[argparse.Namespace], int]


class UsageError(CalcifyError):
    """The command line itself is wrong."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run calcify with these arguments and return the exit code."""
    args = build_parser().parse_args(argv)
    handler: Handler = args.run
    try:
        return handler(args)
    except CalcifyError as exc:  # knowledge-base, answer, transcript and usage errors
        print(f"calcify: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:  # a consultation says more itself (where it is kept)
        print("calcify: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def run() -> None:
    """Console-script entry point; output cut short (`calcify ... | head`) ends quietly."""
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = EXIT_OK
    sys.exit(code)


def build_parser() -> argparse.ArgumentParser:
    # --rules may come before or after the command; SUPPRESS keeps a subcommand's parser
    # from overwriting a value given before it.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--rules",
        metavar="DIR",
        type=Path,
        default=argparse.SUPPRESS,
        help="knowledge-base directory",
    )
    parser = argparse.ArgumentParser(
        prog="calcify",
        description="Classify pathologic calcification by guided consultation. " + DISCLAIMER,
    )
    parser.set_defaults(run=chat)
    parser.add_argument("--rules", metavar="DIR", type=Path, help="knowledge-base directory")
    parser.add_argument("--version", action="version", version=f"calcify {__version__}")
    parser.add_argument("--no-color", action="store_true", help="no colour (also: NO_COLOR=1)")
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
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, handler: Handler, text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, parents=[common], help=text)
        sub.set_defaults(run=handler)
        return sub

    classify = command(
        "classify", classify_command, "classify from answers given on the command line"
    )
    classify.add_argument("--json", action="store_true", help="print one JSON object")
    classify.add_argument("--case", metavar="TEXT", help="read answers from a case description")
    classify.add_argument("answers", nargs="*", metavar="QUESTION=ANSWER")
    questions = command("questions", questions_command, "list every question")
    questions.add_argument("--json", action="store_true", help="print JSON")
    checking = command("check", check_command, "report errors and warnings in the knowledge base")
    checking.add_argument("--strict", action="store_true", help="exit 1 on warnings")
    replay = command("replay", replay_command, "replay transcripts and compare every line")
    replay.add_argument("--update", action="store_true", help="rewrite transcripts that differ")
    replay.add_argument(
        "--jobs", "-j", type=int, default=1, metavar="N", help="replay in N parallel processes"
    )
    replay.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    rules = command("rules", rules_command, "list or search the rules")
    rules.add_argument("text", nargs="*", help="words to search for")
    explain = command(
        "explain-rule", explain_rule_command, "a rule, what it needs and what uses it"
    )
    explain.add_argument("rule_id", metavar="ID")
    explain.add_argument(
        "--transcripts", type=Path, default=DEFAULT_TRANSCRIPTS, help="transcripts to search"
    )
    graph = command("graph", graph_command, "the rule network")
    graph.add_argument("--format", choices=GRAPH_FORMATS, default="mermaid")
    cover = command("coverage", coverage_command, "which transcripts fire each rule")
    cover.add_argument("paths", nargs="*", type=Path, metavar="PATH", default=[DEFAULT_TRANSCRIPTS])
    return parser


def knowledge_base(args: argparse.Namespace) -> KnowledgeBase:
    """The knowledge base of --rules, $CALCIFY_RULES or the default; raises on errors."""
    kb = load_knowledge_base(args.rules or default_rules_dir())
    gc.freeze()  # the knowledge base lives as long as the process: no rescans of it
    return kb


def show(lines: Sequence[str]) -> None:
    """Print lines with control characters from rule files or transcripts neutralised."""
    print("\n".join(safe(line) for line in lines))


# -- a consultation -------------------------------------------------------------------------


def chat(args: argparse.Namespace) -> int:
    """A consultation: the REPL on a terminal, plain line-by-line mode otherwise.

    It is kept after every turn: in --record FILE if given, else in the state directory.
    """
    kb = knowledge_base(args)
    record: Path | None = args.record
    if record is not None and record.exists() and not args.force:
        raise UsageError(f"{record} already exists; use --force to overwrite it")
    consultation = Consultation(kb)
    resumed = _resume_path(args.resume) if args.resume is not None else None
    recorder, opening = open_session(consultation, resumed, record)
    # --case TEXT is typed for the user: the description, then ok to use what was read
    scripted = [] if args.case is None else [f"case {args.case}"]
    scripted += ["ok"] if args.case is not None and extract(kb, args.case) else []
    if sys.stdin.isatty() and sys.stdout.isatty():
        from chatbot.ui import repl  # prompt_toolkit is only needed on a terminal

        return repl.run_repl(
            consultation,
            color=repl.wants_color(args.no_color),
            history=repl.open_history(),
            recorder=recorder,
            opening=opening,
            scripted=scripted,
        )
    lines_in = itertools.chain(scripted, stdin_lines(sys.stdin.buffer, sys.stderr))
    try:
        return run_plain(consultation, lines_in, sys.stdout, sys.stderr, recorder, opening)
    except KeyboardInterrupt:
        where = recorder.paths[0] if recorder.paths else None
        kept = f"; the consultation so far is in {where} (--resume continues it)" if where else ""
        print(f"calcify: interrupted{kept}", file=sys.stderr)
        return EXIT_INTERRUPTED


def _resume_path(value: str) -> Path:
    if value != LATEST:
        return Path(value)
    path = latest_unfinished()
    if path is None:
        raise UsageError(f"no unfinished consultation to resume in {sessions_dir()}")
    return path


# -- one-shot commands ----------------------------------------------------------------------


def classify_command(args: argparse.Namespace) -> int:
    """Classify from QUESTION=ANSWER arguments, a case description, or both (arguments win)."""
    kb = knowledge_base(args)
    assessment, found = classify(kb, args.answers, args.case)
    if args.json:
        data = assessment_data(kb, assessment)
        if args.case is not None:
            data |= case_data(found.items, found.omitted)
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return EXIT_OK
    read = case_lines(kb, found.items, found.omitted) if args.case is not None else []
    show([*read, *assessment_lines(kb, assessment)])
    return EXIT_OK


def questions_command(args: argparse.Namespace) -> int:
    kb = knowledge_base(args)
    if args.json:
        print(json.dumps(questions_data(kb), indent=2, ensure_ascii=False))
    else:
        show(questions_lines(kb))
    return EXIT_OK


# -- rule authors and maintainers -----------------------------------------------------------


def check_command(args: argparse.Namespace) -> int:
    """Loader errors and static analysis, each with a fix (it loads the rules itself)."""
    reports = check(args.rules or default_rules_dir())
    show(check_lines(reports))
    return exit_code(reports, args.strict)


def rules_command(args: argparse.Namespace) -> int:
    kb = knowledge_base(args)
    show(rule_list_lines(kb, search_rules(kb, " ".join(args.text))))
    return EXIT_OK


def explain_rule_command(args: argparse.Namespace) -> int:
    kb = knowledge_base(args)
    rule = kb.rule(args.rule_id)
    if rule is None:
        hint = did_you_mean(args.rule_id, [r.id for r in kb.rules])
        raise UsageError(f"no rule {args.rule_id!r}" + (f" ({hint})" if hint else ""))
    transcripts: Path = args.transcripts
    fired_by = None
    if transcripts.is_dir():
        fired_by = coverage(kb, transcript_paths([transcripts]), play)
    show(explain_rule_lines(kb, rule, fired_by))
    return EXIT_OK


def graph_command(args: argparse.Namespace) -> int:
    show(graph_lines(knowledge_base(args), args.format))
    return EXIT_OK


def coverage_command(args: argparse.Namespace) -> int:
    """Print each rule with the transcripts that fire it; 1 if some rule is fired by none."""
    kb = knowledge_base(args)
    table = coverage(kb, transcript_files(args.paths), play)
    show(coverage_lines(table))
    return 1 if any(not names for names in table.values()) else EXIT_OK


def replay_command(args: argparse.Namespace) -> int:
    """Replay transcripts; print a diff per failure and a summary line; 1 if any failed."""
    kb = knowledge_base(args)
    if args.jobs < 1:
        raise UsageError("--jobs needs a positive number")
    found = replay_files(kb, transcript_files(args.paths), play, args.jobs, args.update)
    for error in found.unreadable:
        print(f"calcify: {error}", file=sys.stderr)
    for diff in found.diffs:
        show(diff.splitlines())
    show(replay_summary_lines(found.passed, found.failed, found.updated))
    return 1 if found.failed else EXIT_OK
