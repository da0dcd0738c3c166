"""The interactive shell: a prompt_toolkit REPL over one Consultation (history, completion,
a toolbar, Ctrl-C re-asks, Ctrl-D leaves, colour unless NO_COLOR).

The only module that prints interactively. Everything it shows comes from render.py, and each
turn is carried out by the consultation layer exactly as plain mode carries it out.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import suppress
from typing import Any

from prompt_toolkit import PromptSession
from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document
from prompt_toolkit.formatted_text import FormattedText
from prompt_toolkit.history import FileHistory, History, InMemoryHistory
from prompt_toolkit.output import Output
from prompt_toolkit.shortcuts import print_formatted_text
from prompt_toolkit.styles import Style

from chatbot.consultation.blocks import Ask, AskUnit, Block
from chatbot.consultation.commands import COMMANDS
from chatbot.consultation.dialogue import Consultation
from chatbot.consultation.files import private_directory, private_file
from chatbot.consultation.interrupts import held_interrupt
from chatbot.consultation.session import Recorder, kept_note, state_dir
from chatbot.consultation.turn import take_turn
from chatbot.intake.reader import looks_like_a_case
from chatbot.knowledge.model import KnowledgeBase
from chatbot.ui.lines import Line
from chatbot.ui.pager import Pager, is_taller, paged_text, system_pager
from chatbot.ui.render import blocks_lines
from chatbot.ui.turns import kept_lines
from chatbot.ui.words import class_text
from chatbot.ui.wrap import wrapped

EXIT_OK = 0

STYLE = Style.from_dict(
    {
        "title": "bold",
        "question": "ansicyan bold",
        "choice": "ansicyan",
        "ok": "ansigreen",
        "warn": "ansiyellow bold",
        "error": "ansired",
        "dim": "ansibrightblack",
        "user": "",
    }
)


def wants_color(flag_no_color: bool) -> bool:
    """Colour unless --no-color or a non-empty NO_COLOR (https://no-color.org)."""
    return not flag_no_color and not os.environ.get("NO_COLOR")


def open_history(kb: KnowledgeBase | None = None) -> History:
    """Persistent history in the state directory (0700, the file 0600), without pasted case
    descriptions; in memory if that cannot be written."""
    directory = state_dir()
    private_directory(directory)
    path = directory / "history"
    private_file(path)
    if not (path.is_file() and os.access(path, os.W_OK)):
        return InMemoryHistory()
    return CaseFreeHistory(str(path), kb)


class CaseFreeHistory(FileHistory):
    """The history file, less what looks like a pasted case (patient data): such an entry
    can be recalled in this session, but is not written to disk."""

    def __init__(self, filename: str, kb: KnowledgeBase | None = None) -> None:
        super().__init__(filename)
        self.kb = kb
        self.unwritable = False

    def store_string(self, string: str) -> None:
        if is_pasted_case(self.kb, string):
            return
        try:
            super().store_string(string)
        except OSError as exc:  # read-only, disk full: said once, the session goes on
            if not self.unwritable:
                self.unwritable = True
                reason = exc.strerror or type(exc).__name__
                where = os.fsdecode(self.filename)
                sys.stderr.write(
                    f"calcify: cannot write the history file {where} ({reason}); "
                    "history is kept for this session only\n"
                )


def is_pasted_case(kb: KnowledgeBase | None, text: str) -> bool:
    """A multi-line paste, a `case ...` command, or a line that reads as a description."""
    line = text.strip()
    if "\n" in line or line.lstrip(":").lower().startswith("case "):
        return True
    return kb is not None and looks_like_a_case(kb, line)


# -- the REPL -------------------------------------------------------------------------------


class ConsultationCompleter(Completer):
    """Completes commands, the current question's choices, and command arguments."""

    def __init__(self, consultation: Consultation) -> None:
        self.consultation = consultation

    def get_completions(self, document: Document, event: CompleteEvent) -> Iterator[Completion]:
        text = document.text_before_cursor.lstrip().lstrip(":")
        head, space, tail = text.partition(" ")
        command = head.casefold()
        if not space:
            yield from _starting(self._words(), text)
        elif command in ("change", "why"):
            yield from question_completions(self.consultation, tail)
        elif command in ("whynot", "why-not"):
            yield from _starting(list(self.consultation.kb.classes), tail)

    def _words(self) -> list[str]:
        question = self.consultation.current
        words = [c.id for c in question.choices] if question else []
        if question and question.kind == "yesno":
            words += ["yes", "no"]
        if question:
            words.append("unknown")
        return words + [c.name for c in COMMANDS]


def _starting(words: list[str], prefix: str) -> Iterator[Completion]:
    for word in words:
        if word.casefold().startswith(prefix.casefold()):
            yield Completion(word, start_position=-len(prefix))


def question_completions(consultation: Consultation, prefix: str) -> Iterator[Completion]:
    """Questions by id or name (or by the number they were asked under, when that is what is
    typed), those asked first and in the order they were asked, each shown with its number."""
    questions, numbers = consultation.kb.questions, consultation.numbers
    last = len(numbers) + 1
    key = prefix.casefold()
    for question_id in sorted(questions, key=lambda q: (numbers.get(q, last), questions[q].order)):
        name, number = questions[question_id].name, numbers.get(question_id)
        meta = f"{number}. {name}" if number else name
        if key.isdigit():
            if number is not None and str(number).startswith(key):
                yield Completion(str(number), start_position=-len(prefix), display_meta=meta)
        elif question_id.startswith(key) or name.casefold().startswith(key):
            yield Completion(question_id, start_position=-len(prefix), display_meta=meta)


def toolbar(consultation: Consultation) -> str:
    answered, total = consultation.progress
    a = consultation.assessment
    leading = class_text(consultation.kb, a.classification, a.subtype)
    to_go = total - answered
    step = "concluded" if consultation.is_finished else f"{answered} answered, {to_go} may follow"
    return f" {step} | leading: {leading} | help: commands | Ctrl-D: quit "


def run_repl(
    consultation: Consultation,
    *,
    color: bool,
    history: History | None = None,
    recorder: Recorder | None = None,
    session_args: dict[str, Any] | None = None,
    opening: list[Block] | None = None,
    scripted: Sequence[str] = (),
    pager: Pager | None = None,
) -> int:
    """The interactive loop: Ctrl-C cancels the line and asks again, Ctrl-D ends cleanly.

    Output is folded to the terminal's width; a turn taller than the screen goes through
    the pager (by default the user's, when stdout is a terminal).

    What is shown in answer to input is also recorded, exactly as plain mode prints it;
    Ctrl-C and Ctrl-D notices are not, since replaying a transcript cannot reproduce them.
    """
    recorder = recorder or Recorder()
    session: PromptSession[str] = PromptSession(
        history=history or InMemoryHistory(),
        completer=ConsultationCompleter(consultation),
        bottom_toolbar=lambda: toolbar(consultation),
        **(session_args or {}),
    )
    given = (session_args or {}).get("output")
    show = _printer(consultation, color, session.output, pager or system_pager(given), given)

    def turn(text: str) -> None:
        """One input, answered and kept; a Ctrl-C meanwhile waits for it, then is dropped
        (the turn is complete and shown: there is nothing left to cancel)."""
        with suppress(KeyboardInterrupt), held_interrupt() as held:
            show(take_turn(consultation, recorder, text, held.check), recorder)

    if opening is None:
        with suppress(KeyboardInterrupt), held_interrupt():
            show(consultation.start(), recorder)
    else:  # a resumed session: its beginning is already in the recording
        show(opening, None)
    for text in scripted:  # typed on the user's behalf (calcify --case)
        _print_line(
            Line(f"> {text}", "user"), color, session_args.get("output") if session_args else None
        )
        turn(text)
    while not consultation.quit:
        try:
            text = session.prompt(_prompt(consultation))
        except KeyboardInterrupt:
            show(consultation.cancel(), None)
            continue
        except EOFError:
            show([*consultation.leave(), *kept_note(recorder, consultation.is_finished)], None)
            break
        turn(text)
    return EXIT_OK


def _prompt(consultation: Consultation) -> str:
    return "calcify> " if consultation.is_finished else "answer> "


def _printer(
    consultation: Consultation, color: bool, screen: Output, pager: Pager | None, output: Any
) -> Callable[[list[Block], Recorder | None], None]:
    """Shows a turn folded to the screen's width now, through the pager if it is taller.
    A question the turn ends with is never paged: it and every choice stay on the screen
    above the prompt that answers it, after what came before it (paged if that alone is
    taller than the screen)."""

    def show(blocks: list[Block], recorder: Recorder | None) -> None:
        if recorder is None:  # not part of the session as a transcript records it
            lines = blocks_lines(consultation.kb, blocks)
        else:
            lines, failures = kept_lines(consultation, recorder, blocks)
            lines += [Line(message, "error") for message in failures]
        size = screen.get_size()
        asked = next((i for i, b in enumerate(blocks) if isinstance(b, Ask | AskUnit)), None)
        cut = len(lines) if asked is None else len(blocks_lines(consultation.kb, blocks[:asked]))
        before, question = wrapped(lines[:cut], size.columns), wrapped(lines[cut:], size.columns)
        if pager is not None and before and is_taller(before + question, size.rows):
            if asked is None or is_taller(before, size.rows):
                pager(paged_text(before))
                before = []
        for line in before + question:
            _print_line(line, color, output)

    return show


def _print_line(line: Line, color: bool, output: Any) -> None:
    if color and line.style:
        text: Any = FormattedText([(f"class:{line.style}", line.text)])
        print_formatted_text(text, style=STYLE, output=output)
    elif output is not None:
        print_formatted_text(line.text, output=output)
    else:
        print(line.text, flush=True)
