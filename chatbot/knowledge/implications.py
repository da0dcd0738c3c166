"""What answers imply for questions not answered yet, as the knowledge base declares it.
Pure: no I/O."""

from __future__ import annotations

from collections.abc import Mapping

from chatbot.knowledge.model import UNKNOWN, KnowledgeBase, Value


def with_implications(kb: KnowledgeBase, answers: Mapping[str, Value]) -> dict[str, Value]:
    """The answers and what they imply for questions not answered yet, as the knowledge base
    declares it (`implies` on a question or a choice): a kind of degeneration means the
    tissue is degenerated, a thrombus lies in a vein. No, none and unknown imply nothing;
    an answer given is never overridden. Implied answers may imply more."""
    found = dict(answers)
    pending = list(answers)
    while pending:
        question = kb.questions.get(pending.pop(0))
        if question is None:
            continue
        value = found[question.id]
        if value in (UNKNOWN, "no", question.negative) or isinstance(value, float):
            continue
        values = value if isinstance(value, tuple) else (value,)
        pairs = question.implies + (question.several_imply if len(values) > 1 else ())
        for each in values:
            choice = question.choice(each)
            pairs += choice.implies if choice else ()
        for target, implied in pairs:
            if target not in found:
                found[target] = implied
                pending.append(target)
    return found
