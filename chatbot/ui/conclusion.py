"""The conclusion as a consultant gives it, in at most 20 lines at the plain width: the class,
its grade, its cause, the decisive reasons with their sources, what would change it, and the
commands that show the rest (how, caveats, summary, whynot). Pure: returns lines."""

from __future__ import annotations

from chatbot.consultation.blocks import Caveats, Conclusion
from chatbot.engine.trace import Firing
from chatbot.knowledge.model import KnowledgeBase
from chatbot.reasoning.assessment import Assessment
from chatbot.reasoning.grading import Assumed
from chatbot.ui.lines import Line
from chatbot.ui.report import assumed_text, caveat_lines, headline, what_if_lines
from chatbot.ui.words import DISCLAIMER, fact_text, lower_first
from chatbot.ui.wrap import PLAIN_WIDTH, wrapped

MOST_LINES = 20
"""A conclusion fits a screen: at most this many lines at the plain width."""

MOST_REASONS = 3


def conclusion_block_lines(kb: KnowledgeBase, block: Conclusion) -> list[Line]:
    """The compact conclusion; the reasons that fit within MOST_LINES at the plain width."""
    a = block.assessment
    head = [Line(""), Line("== Conclusion ==", "title")]
    head += [Line(text, "title") for text in headline(kb, a)]
    tail = [Line(text) for text in change_lines(kb, a)]
    tail += [Line(DISCLAIMER, "dim"), Line(hint(a), "dim")]
    return [*head, *_reasons(kb, a, _height(head) + _height(tail)), *tail]


def decisive(a: Assessment) -> list[Firing]:
    """The firings that decide the conclusion, most specific first: the concluding rules,
    then the steps that gave them their findings."""
    declared_by = {firing.declared: firing for firing in a.chain}
    found = [f for f in reversed(a.chain) if f.rule.outcome.kind == "conclude"]
    for firing in found:  # grows as it goes: breadth first through the chain
        for ref in firing.matched:
            step = declared_by.get(ref)
            if step is not None and step not in found:
                found.append(step)
    by_rule: dict[str, Firing] = {}
    for firing in found:
        by_rule.setdefault(firing.rule.id, firing)
    return list(by_rule.values())


def _reasons(kb: KnowledgeBase, a: Assessment, used: int) -> list[Line]:
    """As many reasons as fit (the first always), each in full if it fits, else in short."""
    if not a.chain:
        return [Line("Reasons: no rule reached a conclusion from these answers.")]
    lines = [Line("Reasons:")]
    for firing in decisive(a)[:MOST_REASONS]:
        for candidate in (_reason(kb, firing), _short_reason(kb, firing)):
            if used + _height(lines + candidate) <= MOST_LINES or len(lines) == 1:
                lines += candidate
                break
    return lines


def _reason(kb: KnowledgeBase, firing: Firing) -> list[Line]:
    rule = firing.rule
    return [Line(f"  - {lower_first(rule.because)}"), Line(f"    [{_source(kb, firing)}]", "dim")]


def _short_reason(kb: KnowledgeBase, firing: Firing) -> list[Line]:
    return [Line(f"  - {fact_text(kb, firing.declared)} [{_source(kb, firing)}]")]


def _source(kb: KnowledgeBase, firing: Firing) -> str:
    source = kb.sources.get(firing.rule.citation.source)
    return f"{firing.rule.id}; {source.title if source else firing.rule.citation.source}"


def change_lines(kb: KnowledgeBase, a: Assessment) -> list[str]:
    """What it assumes, and what would change it."""
    lines = []
    groups: dict[str, list[Assumed]] = {}
    for assumed in a.assumptions:
        groups.setdefault(assumed.rule.id, []).append(assumed)
    lines += [f"Assumed: {assumed_text(kb, group)} [{rule}]" for rule, group in groups.items()]
    lines += what_if_lines(kb, a)
    if a.assumptions:
        return lines
    if a.provisional and a.pending:
        names = ", ".join(kb.questions[q].name for q in a.pending[:3])
        return [*lines, f"Still open, and could change it: {names}."]
    steps = [*decisive(a), *a.chain]
    rests_on = [ref[1] for f in steps for ref in f.matched if ref[0] == "answer"]
    names = ", ".join(kb.questions[q].name for q in list(dict.fromkeys(rests_on))[:4])
    if names:
        lines.append(f"What would change it: another answer to {names} (change QUESTION).")
    elif not a.chain:
        lines.append("What would decide it: summary lists the classes still possible.")
    return lines


def hint(a: Assessment) -> str:
    """One line naming the commands that show the rest."""
    count = len(a.caveats)
    caveats = f"caveats ({count})" if count else "caveats (none)"
    return f"More: how (the reasoning), {caveats}, summary (differential), whynot CLASS."


def caveats_block_lines(kb: KnowledgeBase, block: Caveats) -> list[Line]:
    found = caveat_lines(kb, block.assessment)
    if not found:
        return [Line("No caveat qualifies the current conclusion.")]
    return [Line(found[0], "title"), *(Line(text) for text in found[1:])]


def _height(lines: list[Line]) -> int:
    return len(wrapped(lines, PLAIN_WIDTH))
