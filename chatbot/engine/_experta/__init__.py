"""The only package that imports experta: Python 3.11 compatibility, quiet logging, a sound
agenda, and (rete.py) a matcher whose work follows what changed.

experta 1.9.4 pins frozendict 1.2, which reads ABCs removed from `collections` in Python 3.10;
the aliases below restore them before the first experta import so the pins stay resolvable.
experta's import calls logging.basicConfig(), which would print its warnings into the user's
terminal; the root handlers it adds are removed again and its loggers silenced.
"""

from __future__ import annotations

import bisect
import collections
import collections.abc
import inspect
import logging
from typing import Any

for _name in ("Mapping", "MutableMapping", "Sequence", "Iterable", "Callable", "Hashable"):
    if not hasattr(collections, _name):
        setattr(collections, _name, getattr(collections.abc, _name))

_root = logging.getLogger()
_handlers_before = list(_root.handlers)
_level_before = _root.level

from experta.conditionalelement import NOT  # noqa: E402
from experta.deffacts import DefFacts  # noqa: E402
from experta.engine import KnowledgeEngine  # noqa: E402
from experta.fact import Fact  # noqa: E402
from experta.fieldconstraint import P  # noqa: E402
from experta.rule import Rule as ExpertaRule  # noqa: E402
from experta.shortcuts import AS  # noqa: E402
from experta.strategies import DepthStrategy  # noqa: E402

from .rete import FastReteMatcher, handled_rule  # noqa: E402

for _handler in list(_root.handlers):
    if _handler not in _handlers_before:
        _root.removeHandler(_handler)
_root.setLevel(_level_before)
logging.getLogger("experta").setLevel(logging.CRITICAL)
logging.getLogger("experta").propagate = False

__all__ = [
    "AS",
    "NOT",
    "P",
    "Answer",
    "Assumption",
    "Caveat",
    "Conclusion",
    "ExpertaRule",
    "binding_index",
    "handled_rule",
    "Finding",
    "FastKnowledgeEngine",
    "KnowledgeEngine",
    "SoundDepthStrategy",
]


class Answer(Fact):  # type: ignore[misc]
    """An answer to a question: question=<id>, value=<choice id | yes/no | number | unknown>."""


class Finding(Fact):  # type: ignore[misc]
    """A derived finding: id=<finding id>, value=<True | choice value | number>."""


class Conclusion(Fact):  # type: ignore[misc]
    """A concluded class: rule=<rule id>, class_id=<class>, subtype=<subtype id or "">."""


class Caveat(Fact):  # type: ignore[misc]
    """A caveat that applies: rule=<rule id>."""


class Assumption(Fact):  # type: ignore[misc]
    """A default that applies where answers are missing: rule=<rule id>."""


def binding_index(name: str) -> int:
    """The position of the condition a binding name (f0, f1, ...) stands for."""
    return int(name[1:]) if name[1:].isdigit() else 0


class SoundDepthStrategy(DepthStrategy):  # type: ignore[misc]
    """DepthStrategy whose removal searches the whole run of equal keys.

    The stock strategy only looks at the bisect point and its two neighbours, so with three
    or more activations sharing a key a retracted activation can stay on the agenda and fire.
    """

    def get_key(self, activation: Any) -> tuple[int, list[int], list[int]]:
        """DepthStrategy's key (salience, then fact ids newest first), made a total order by
        the fact ids in the order the rule's conditions bind them: two activations of a rule
        that tests one finding twice hold the same facts, and would otherwise be ordered by
        set iteration, which depends on the hash seed. Without DepthStrategy's lru_cache: a
        cache lookup compares activations fact by fact, which costs more than the key."""
        facts = sorted((f["__factid__"] for f in activation.facts), reverse=True)
        context = activation.context
        bound = [context[name]["__factid__"] for name in sorted(context, key=binding_index)]
        return (activation.rule.salience, facts, bound)

    def _update_agenda(self, agenda: Any, added: Any, removed: Any) -> None:
        activations = agenda.activations
        for act in removed:
            act.key = self.get_key(act)
            low = bisect.bisect_left(activations, act)
            high = bisect.bisect_right(activations, act)
            for index in range(low, high):
                if activations[index] == act:
                    del activations[index]
                    break
        for act in added:
            act.key = self.get_key(act)
            bisect.insort(activations, act)


class FastKnowledgeEngine(KnowledgeEngine):  # type: ignore[misc]
    """A KnowledgeEngine on the FastReteMatcher and the sound agenda.

    reset() looks up the engine's DefFacts by name instead of scanning every attribute (every
    rule) of the engine each time.
    """

    __matcher__ = FastReteMatcher
    __strategy__ = SoundDepthStrategy

    def __init__(self) -> None:
        self._deffact_names: list[str] | None = None
        super().__init__()

    def get_deffacts(self) -> list[Any]:
        """What the stock method returns (sorted by name, then by order), found once."""
        if self._deffact_names is None:
            cls = type(self)
            names = [n for n in dir(cls) if isinstance(inspect.getattr_static(cls, n), DefFacts)]
            self._deffact_names = sorted(names, key=lambda n: inspect.getattr_static(cls, n).order)
        deffacts = [getattr(self, name) for name in self._deffact_names]
        for deffact in deffacts:
            deffact.ke = self
        return deffacts
