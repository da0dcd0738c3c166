"""The calcify command: parse the arguments (the parser is ui/arguments.py), load the
knowledge base, run one handler per subcommand (a consultation when none is given) and print
what the ui layer puts into words.

The entry point and the REPL are the only code that prints.
"""

# ruff: noqa: E402 (Ctrl-C is caught before the imports below, which take a while)
from __future__ import annotations

import os
import signal
import sys
import threading
from types import FrameType


def _interrupted_while_starting(signum: int, frame: FrameType | None) -> None:
    """Ctrl-C while calcify is still importing ends it as any interrupted command ends."""
    sys.stderr.write("calcify: interrupted\n")
    sys.stderr.flush()
    os._exit(130)  # EXIT_INTERRUPTED, not yet imported


_AT_START = threading.current_thread() is threading.main_thread()
if _AT_START:
    _BEFORE = signal.signal(signal.SIGINT, _interrupted_while_starting)

import argparse
import gc
import itertools
from collections.abc import Callable, Sequence
from pathlib import Path

from chatbot.authoring.browse import search_rules
from chatbot.authoring.lint import check, exit_code
from chatbot.consultation.blocks import Block
from chatbot.consultation.dialogue import Consultation
from chatbot.consultation.files import refusal
from chatbot.consultation.interrupts import EXIT_INTERRUPTED
from chatbot.consultation.oneshot import classify, parse_pairs
from chatbot.consultation.session import Recorder, open_session, pick_unfinished, sessions_dir
from chatbot.errors import CalcifyError
from chatbot.intake.reader import extract
from chatbot.knowledge.fields import did_you_mean
from chatbot.knowledge.files import default_rules_dir
from chatbot.knowledge.loader import load_knowledge_base
from chatbot.knowledge.model import KnowledgeBase
from chatbot.knowledge.text import safe, safe_json, safe_text
from chatbot.transcripts.coverage import coverage
from chatbot.transcripts.replay import transcript_files, transcript_paths
from chatbot.transcripts.update import replay_files
from chatbot.ui.answers import classify_data, given_answers
from chatbot.ui.arguments import LATEST, build_parser
from chatbot.ui.casetext import case_lines
from chatbot.ui.jsonl import run_jsonl
from chatbot.ui.listings import (
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
from chatbot.ui.report import assessment_lines
from chatbot.ui.wrap import wrapped_text

EXIT_OK, EXIT_USAGE = 0, 2
if _AT_START:  # imported: Ctrl-C is a KeyboardInterrupt again, which run() handles
    signal.signal(signal.SIGINT, _BEFORE)

Handler = Callable[[argparse.Namespace], int]


class UsageError(CalcifyError):
    """The command line itself is wrong."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run calcify with these arguments and return the exit code."""
    args = build_parser().parse_args(argv)
    handler = HANDLERS[args.command or "chat"]
    try:
        return handler(args)
    except CalcifyError as exc:  # knowledge-base, answer, transcript and usage errors
        print(f"calcify: {safe_text(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:  # a consultation says more itself (where it is kept)
        print("calcify: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def run() -> None:
    """Console-script entry point; output cut short (`calcify ... | head`) ends quietly."""
    try:
        code = main()
        sys.stdout.flush()
    except KeyboardInterrupt:  # between the imports and a handler
        print("calcify: interrupted", file=sys.stderr)
        code = EXIT_INTERRUPTED
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = EXIT_OK
    sys.exit(code)


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
    """A consultation: --jsonl for programs, the REPL on a terminal, plain mode otherwise.

    It is kept after every turn: in --record FILE if given, else in the state directory.
    """
    kb = knowledge_base(args)
    record: Path | None = args.record
    if record is not None and (why := refusal(record, args.force)) is not None:
        raise UsageError(f"--record {safe(str(record))}: {why}")
    consultation = Consultation(kb)
    resumed = _resume_path(args.resume) if args.resume is not None else None
    recorder, opening = open_session(consultation, resumed, record)
    try:  # the session is locked until the consultation ends
        return _converse(args, consultation, recorder, opening)
    finally:
        recorder.close()


def _converse(
    args: argparse.Namespace,
    consultation: Consultation,
    recorder: Recorder,
    opening: list[Block] | None,
) -> int:
    kb = consultation.kb
    # --case TEXT is typed for the user: the description, then ok to use what was read
    scripted = [] if args.case is None else [f"case {args.case}"]
    scripted += ["ok"] if args.case is not None and extract(kb, args.case) else []
    if args.jsonl:
        lines_in = itertools.chain(scripted, stdin_lines(sys.stdin.buffer, sys.stderr))
        return run_jsonl(consultation, lines_in, sys.stdout, recorder, opening)
    if sys.stdin.isatty() and sys.stdout.isatty():
        from chatbot.ui import repl  # prompt_toolkit is only needed on a terminal

        return repl.run_repl(
            consultation,
            color=repl.wants_color(args.no_color),
            history=repl.open_history(kb),
            recorder=recorder,
            opening=opening,
            scripted=scripted[:1],  # on a terminal the user reviews what was read, types ok
        )
    lines_in = itertools.chain(scripted, stdin_lines(sys.stdin.buffer, sys.stderr))
    try:
        return run_plain(consultation, lines_in, sys.stdout, sys.stderr, recorder, opening)
    except KeyboardInterrupt:
        where = next((path for path in recorder.paths if path.exists()), None)
        kept = f"; the consultation so far is in {where} (--resume continues it)" if where else ""
        print(f"calcify: interrupted{safe_text(kept)}", file=sys.stderr)
        return EXIT_INTERRUPTED


def _resume_path(value: str) -> Path:
    if value != LATEST:
        return Path(value)
    path, skipped = pick_unfinished()
    for message in skipped:  # newer ones that cannot be continued, each said once
        print(f"calcify: --resume {message}", file=sys.stderr)
    if path is None:
        free = " that is free and readable" if skipped else ""
        raise UsageError(f"no unfinished consultation{free} to resume in {sessions_dir()}")
    return path


# -- one-shot commands ----------------------------------------------------------------------


def classify_command(args: argparse.Namespace) -> int:
    """Classify from QUESTION=ANSWER arguments, a case description, or both (arguments win)."""
    kb = knowledge_base(args)
    assessment, found = classify(kb, args.answers, args.case)
    if args.json:
        given = given_answers(found, parse_pairs(kb, args.answers))
        data = classify_data(kb, assessment, given, found if args.case is not None else None)
        print(safe_json(data, indent=2))
        return EXIT_OK
    read = case_lines(kb, found.items, found.omitted) if args.case is not None else []
    show(wrapped_text([*read, *assessment_lines(kb, assessment)]))
    return EXIT_OK


def questions_command(args: argparse.Namespace) -> int:
    kb = knowledge_base(args)
    if args.json:
        print(safe_json(questions_data(kb), indent=2))
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
    files = transcript_files(args.paths)
    found = replay_files(kb, files, play, args.jobs, args.update, args.force)
    for error in found.unreadable:
        print(f"calcify: {safe_text(str(error))}", file=sys.stderr)
    for diff in found.diffs:
        show(diff.splitlines())
    show(replay_summary_lines(found.passed, found.failed, found.updated))
    return 1 if found.failed else EXIT_OK


HANDLERS: dict[str, Handler] = {
    "chat": chat,
    "classify": classify_command,
    "questions": questions_command,
    "check": check_command,
    "replay": replay_command,
    "rules": rules_command,
    "explain-rule": explain_rule_command,
    "graph": graph_command,
    "coverage": coverage_command,
}
