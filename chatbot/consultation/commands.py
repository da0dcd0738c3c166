"""The consultation's commands: a registry of handler functions, in the order help lists them.

Each handler takes the consultation and the rest of the line and returns blocks; help is
generated from the registry. No I/O.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from chatbot.consultation.blocks import Block, CommandHelp, Help, How, Note, Problem, Reload, Save
from chatbot.consultation.blocks import Caveats as CaveatsBlock
from chatbot.consultation.blocks import Summary as SummaryBlock
from chatbot.consultation.state import ConsultationState
from chatbot.knowledge.model import Question
from chatbot.knowledge.spelling import near_miss
from chatbot.knowledge.text import count, normalise
from chatbot.reasoning.explain import why_asked, why_not

Handler = Callable[[ConsultationState, str], list[Block]]


@dataclass(frozen=True)
class Command:
    name: str
    aliases: tuple[str, ...]
    usage: str
    summary: str
    handler: Handler
    """Carries the command out, given the consultation and the rest of the line."""


def why(c: ConsultationState, argument: str) -> list[Block]:
    """Why the current question is asked, or the one named (why 2, why calcium)."""
    first, _, rest = argument.partition(" ")
    if first.casefold() == "not":  # "why not metastatic"
        return whynot(c, rest.strip())
    question = c.current
    if argument:
        named = questions_named(c, argument)
        if len(named) != 1:
            return [Problem(_not_one_question("why", argument, named, c)), *c.reask(choices=True)]
        question = c.kb.questions[named[0]]
    if question is None:
        return [Note("No question is being asked now; type how to see how the conclusion follows.")]
    return [why_asked(c.kb, c.assessment, question), *c.reask(choices=True)]


def how(c: ConsultationState, argument: str) -> list[Block]:
    return [How(c.assessment), *c.reask()]


def caveats(c: ConsultationState, argument: str) -> list[Block]:
    return [CaveatsBlock(c.assessment), *c.reask()]


def whynot(c: ConsultationState, argument: str) -> list[Block]:
    class_id = class_named(c, argument)
    if class_id is None:
        names = ", ".join(c.kb.classes)
        hint = near_miss(_key(argument), _class_names(c)) if argument else ""
        message = f"{argument!r} is not a class: {hint} " if hint else ""
        return [Problem(f"{message}whynot needs a class: one of {names}"), *c.reask()]
    return [why_not(c.kb, c.assessment, class_id), *c.reask()]


def back(c: ConsultationState, argument: str) -> list[Block]:
    return c.take_back()


def change(c: ConsultationState, argument: str) -> list[Block]:
    named = questions_named(c, argument)
    if len(named) != 1:
        return [Problem(_not_one_question("change", argument, named, c)), *c.reask()]
    return c.begin_change(c.kb.questions[named[0]])


def _not_one_question(command: str, argument: str, named: list[str], c: ConsultationState) -> str:
    """Several questions that fit (with their numbers), or what was meant, or what there is."""
    if named:
        return (
            f"{argument!r} fits several questions: {_numbered(c, named)}; "
            f"type {command} with one number or id"
        )
    hint = near_miss(_key(argument), _question_names(c)) if argument else ""
    answered = _numbered(c, list(c.answers)) or "none yet"
    return (
        (f"{argument!r} is not a question: {hint} " if hint else "")
        + f"{command} needs a question: its number, its id or a word of it; "
        + f"answered so far: {answered} (calcify questions lists the others)"
    )


def _numbered(c: ConsultationState, question_ids: list[str]) -> str:
    """Question ids with the numbers they were asked under, those asked first."""
    numbers = c.numbers
    ordered = sorted(question_ids, key=lambda q: numbers.get(q, len(numbers) + 1))
    return ", ".join(f"{numbers[q]} {q}" if q in numbers else q for q in ordered)


def summary(c: ConsultationState, argument: str) -> list[Block]:
    return [SummaryBlock(c.assessment, tuple(c.numbers.items())), *c.reask()]


def restart(c: ConsultationState, argument: str) -> list[Block]:
    return c.restart()


def save(c: ConsultationState, argument: str) -> list[Block]:
    words = argument.split()
    force = "--force" in words
    paths = [w for w in words if w != "--force"]
    if len(paths) != 1:
        message = "save needs one file name, e.g. save case.txt (add --force to overwrite)"
        return [Problem(message), *c.reask()]
    return [Save(paths[0], force), *c.reask()]


def case(c: ConsultationState, argument: str) -> list[Block]:
    return c.read_case(argument)


def reload(c: ConsultationState, argument: str) -> list[Block]:
    return [Reload()]


def help_(c: ConsultationState, argument: str) -> list[Block]:
    commands = tuple(
        CommandHelp(command.name, command.usage, command.summary) for command in COMMANDS
    )
    return [Help(commands), *c.reask()]


def leave(c: ConsultationState, argument: str) -> list[Block]:
    return c.leave()


COMMANDS: tuple[Command, ...] = (
    Command(
        "why",
        (),
        "why [QUESTION]",
        "why this question (or the one named) is asked: what it separates, which rules wait on it",
        why,
    ),
    Command(
        "how", (), "how", "how the current conclusion follows, rule by rule, with sources", how
    ),
    Command(
        "caveats",
        ("caveat",),
        "caveats",
        "the caveats that qualify the current conclusion, with their sources",
        caveats,
    ),
    Command(
        "whynot",
        ("why-not",),
        "whynot CLASS",
        "which conditions of a class failed or are still unknown",
        whynot,
    ),
    Command("back", ("undo",), "back", "take back the last answer (also: undo)", back),
    Command(
        "change",
        (),
        "change QUESTION",
        "answer an earlier question again, or any question now, and see what changes",
        change,
    ),
    Command("summary", (), "summary", "the answers so far and the current differential", summary),
    Command("restart", (), "restart", "clear all answers and start again", restart),
    Command(
        "save",
        (),
        "save FILE",
        "save the consultation so far as a transcript (save FILE --force overwrites)",
        save,
    ),
    Command(
        "case",
        (),
        "case TEXT",
        "read answers from a case description (pasting a description works too)",
        case,
    ),
    Command(
        "reload",
        (),
        "reload",
        "reload the rules from disk, replay the answers and show what changed",
        reload,
    ),
    Command("help", ("?help", "commands"), "help", "this list", help_),
    Command("quit", ("exit", "bye"), "quit", "end the consultation (also: exit, Ctrl-D)", leave),
)


def find_command(text: str) -> tuple[Command | None, str]:
    """The command a line starts with (a leading ':' is allowed), and the rest of the line."""
    word, _, argument = text.lstrip(":").partition(" ")
    word = word.casefold()
    for command in COMMANDS:
        if word == command.name or word in command.aliases:
            return command, argument.strip()
    return None, ""


def command_hint(word: str) -> str:
    """'did you mean X?' for a near miss of a command's name (sumary, whynto), or ''."""
    names = {
        name: command.name for command in COMMANDS for name in (command.name, *command.aliases)
    }
    word = word.lstrip(":").casefold()
    return near_miss(word, names) if len(word) >= 3 and word not in names else ""


def class_named(c: ConsultationState, text: str) -> str | None:
    """A class by its id, its label or an unambiguous prefix of its id."""
    words = normalise(text).replace(" ", "_")
    if not words:
        return None
    for class_id, cls in c.kb.classes.items():
        if words in (class_id, normalise(cls.label).replace(" ", "_")):
            return class_id
    matches = [class_id for class_id in c.kb.classes if class_id.startswith(words)]
    return matches[0] if len(matches) == 1 else None


def question_named(c: ConsultationState, text: str) -> Question | None:
    """The one question the text names, or None (see questions_named)."""
    named = questions_named(c, text)
    return c.kb.questions[named[0]] if len(named) == 1 else None


def questions_named(c: ConsultationState, text: str) -> list[str]:
    """The question the text names: by the number it was asked under, id, name, unambiguous
    prefix, or words of its name and text ("organ"), answered questions preferred; when
    several fit and none is preferred, all of them; none when nothing fits."""
    words = normalise(text)
    if not words:
        return []
    questions = c.kb.questions
    if words.isdigit():
        number = count(words)
        return [q for q, n in c.numbers.items() if n == number][:1]
    ordered = [*c.answers, *(q for q in questions if q not in c.answers)]
    for question_id in ordered:
        if words in (normalise(question_id), normalise(questions[question_id].name)):
            return [question_id]
    wanted = set(words.split())
    for pool in (list(c.answers), ordered):
        matches = [q for q in pool if normalise(q).startswith(words)]
        if len(matches) == 1:
            return matches
        matches = [q for q in pool if wanted <= _words_of(questions[q])]
        if len(matches) == 1:
            return matches
    prefix = [q for q in ordered if normalise(q).startswith(words)]
    return prefix or [q for q in ordered if wanted <= _words_of(questions[q])]


def _question_names(c: ConsultationState) -> dict[str, str]:
    """Each question's id and name (as typed) to its id, for a did-you-mean."""
    names = {_key(q.name): q.id for q in c.kb.questions.values()}
    return names | {_key(q): q for q in c.kb.questions}


def _class_names(c: ConsultationState) -> dict[str, str]:
    names = {_key(cls.label): class_id for class_id, cls in c.kb.classes.items()}
    return names | {class_id: class_id for class_id in c.kb.classes}


def _key(text: str) -> str:
    return normalise(text).replace(" ", "_")


def _words_of(question: Question) -> set[str]:
    return set(normalise(f"{question.name} {question.text}").split())
