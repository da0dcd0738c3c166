"""The only module that imports experta: Python 3.11 compatibility, quiet logging, a sound agenda.

experta 1.9.4 pins frozendict 1.2, which reads ABCs removed from `collections` in Python 3.10;
the aliases below restore them before the first experta import so the pins stay resolvable.
experta's import calls logging.basicConfig(), which would print its warnings into the user's
terminal; the root handlers it adds are removed again and its loggers silenced.
"""

from __future__ import annotations

import bisect
import collections
import collections.abc
import functools
import inspect
import logging
from collections.abc import Callable, Mapping, Sequence
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
from experta.fact import Fact, InitialFact  # noqa: E402
from experta.fieldconstraint import ANDFC, NOTFC, ORFC, L, P  # noqa: E402
from experta.matchers.rete import ReteMatcher  # noqa: E402
from experta.matchers.rete.abstract import Node  # noqa: E402
from experta.matchers.rete.check import FeatureCheck, SameContextCheck  # noqa: E402
from experta.matchers.rete.mixins import AnyChild, ChildNode, NoMemory  # noqa: E402
from experta.matchers.rete.nodes import (  # noqa: E402
    BusNode,
    ConflictSetNode,
    FeatureTesterNode,
    NotNode,
    OrdinaryMatchNode,
)
from experta.matchers.rete.utils import prepare_rule  # noqa: E402
from experta.rule import Rule as ExpertaRule  # noqa: E402
from experta.shortcuts import AS  # noqa: E402
from experta.strategies import DepthStrategy  # noqa: E402

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
    "Caveat",
    "Conclusion",
    "ExpertaRule",
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


def handled_rule(patterns: Sequence[Any], salience: int, handler: Callable[..., None]) -> Any:
    """experta's `Rule(*patterns, salience=salience)(handler)`.

    experta inspects the handler's signature to pass it only the bindings it names; a handler
    that takes **kwargs gets them all, so the inspection (much of the build time) is skipped.
    """
    rule = ExpertaRule(*patterns, salience=salience)
    if not handler.__code__.co_flags & inspect.CO_VARKEYWORDS:
        return rule(handler)
    rule._wrapped = handler
    return functools.update_wrapper(rule, handler)


class SoundDepthStrategy(DepthStrategy):  # type: ignore[misc]
    """DepthStrategy whose removal searches the whole run of equal keys.

    The stock strategy only looks at the bisect point and its two neighbours, so with three
    or more activations sharing a key a retracted activation can stay on the agenda and fire.
    """

    def get_key(self, activation: Any) -> tuple[int, list[int]]:
        """DepthStrategy's key, without its lru_cache: a cache lookup compares activations fact
        by fact, which costs more than computing the key."""
        facts = sorted((f["__factid__"] for f in activation.facts), reverse=True)
        return (activation.rule.salience, facts)

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


class FastReteMatcher(ReteMatcher):  # type: ignore[misc]
    """experta's Rete network, with work proportional to what changed, not to the rule count.

    The stock matcher asks every rule's conflict-set node for changes after each firing, resets
    every node (once per path to it) on reset(), offers each fact to every alpha branch, copies
    every token at every node, and builds the network through a DNF rewrite and generic
    dispatch. Here, once the stock network is built (flat rules, all that calcify makes, wired
    directly), its nodes change class: a node whose memory an activation touches records itself,
    so changes() reads only the conflict-set nodes that changed and reset() wipes only what holds
    something; tokens are copied only where a binding is added; and sibling alpha tests of one
    field against different literals become one dictionary lookup. The network computes the
    same matches, so the agenda, the firing order and every result are the same.
    """

    def __init__(self, engine: Any) -> None:
        self.dirty: dict[Any, None] = {}
        """Conflict-set nodes with activations not yet collected, in the order they changed."""
        self.touched: set[Any] = set()
        """Nodes whose memory is not empty since the last reset()."""
        super().__init__(engine)

    def build_network(self) -> None:
        prepared = {_prepare(rule) for rule in self.engine.get_rules()}
        alpha_terminals = self.build_alpha_part(prepared, self.root_node)
        for rule in prepared:
            if _is_flat(rule):
                _wire_flat(rule, alpha_terminals)
            else:
                ReteMatcher.build_beta_part({rule}, alpha_terminals)
        nodes = _all_nodes(self.root_node)
        for node in nodes:
            fast = _FAST_CLASSES.get(type(node))
            if fast is not None:
                node.__class__ = fast
                node.calcify_matcher = self
        for node in nodes:  # the callbacks were bound before the classes changed
            node.children = [
                ChildNode(c.node, getattr(c.node, c.callback.__name__)) for c in node.children
            ]
        for node in nodes:
            if isinstance(node, BusNode | FeatureTesterNode):
                _index_children(node)

    def changes(self, adding: Any = None, deleting: Any = None) -> tuple[list[Any], list[Any]]:
        for fact in deleting or ():
            self.root_node.remove(fact)
        for fact in adding or ():
            self.root_node.add(fact)
        added: list[Any] = []
        removed: list[Any] = []
        for node in self.dirty:
            node_added, node_removed = node.get_activations()
            added.extend(node_added)
            removed.extend(node_removed)
        self.dirty.clear()
        return added, removed

    def reset(self) -> None:
        for node in self.touched:
            node._reset()
        self.touched.clear()


class _TrackedConflictSetNode(ConflictSetNode):  # type: ignore[misc]
    """Records itself as changed and touched. Like the joins below, it only reads the token it
    receives (it keeps TokenInfo snapshots, builds new tokens), so it takes no defensive copy."""

    calcify_matcher: FastReteMatcher

    def activate(self, token: Any) -> None:
        self.calcify_matcher.dirty[self] = None
        self.calcify_matcher.touched.add(self)
        self._activate(token)


class _TouchTracking:
    """Beta nodes record that a token reached them, so reset() clears only those."""

    calcify_matcher: FastReteMatcher

    def activate_left(self, token: Any) -> None:
        self.calcify_matcher.touched.add(self)
        self._activate_left(token)  # type: ignore[attr-defined]

    def activate_right(self, token: Any) -> None:
        self.calcify_matcher.touched.add(self)
        self._activate_right(token)  # type: ignore[attr-defined]


class _TrackedMatchNode(_TouchTracking, OrdinaryMatchNode):  # type: ignore[misc]
    pass


class _TrackedNotNode(_TouchTracking, NotNode):  # type: ignore[misc]
    pass


class _LeanTesterNode(FeatureTesterNode):  # type: ignore[misc]
    """An alpha node that copies a token only when its test adds bindings to the context (the
    only change an alpha node makes); the stock node copies every token it is offered."""

    def activate(self, token: Any) -> None:
        (fact,) = token.data
        match = self.matcher(fact)
        if match:
            self.forward(token, match)

    def forward(self, token: Any, match: Any = True) -> None:
        """The stock node's work once its test has passed with this match."""
        if isinstance(match, Mapping):
            context = token.context
            for key, value in match.items():
                if isinstance(key, tuple):
                    if key[1] in context and context[key[1]] == value:
                        return
                elif context.get(key, value) != value or context.get((False, key), _NONE) == value:
                    return
            token = token._replace(context={**context, **match})
        for child in self.children:
            child.callback(token)


_NONE = object()

_FAST_CLASSES: dict[type, type] = {
    ConflictSetNode: _TrackedConflictSetNode,
    OrdinaryMatchNode: _TrackedMatchNode,
    NotNode: _TrackedNotNode,
    FeatureTesterNode: _LeanTesterNode,
}


class _LiteralIndex(AnyChild, NoMemory, Node):  # type: ignore[misc]
    """Stands for sibling alpha nodes that test one field against different literals.

    It passes a fact only to the children whose literal equals the fact's field, as if their
    test had passed (it would); a field that is not a string goes to every child's own test.
    """

    def __init__(self, field: str, children: list[Any]) -> None:
        super().__init__()
        self.field = field
        self.children = children
        self.by_value: dict[str, list[Any]] = {}
        for child in children:
            self.by_value.setdefault(child.node.matcher.how.value, []).append(child)

    def activate(self, token: Any) -> None:
        (fact,) = token.data
        try:
            value = fact[self.field]
        except (KeyError, IndexError, TypeError):
            return
        if type(value) is not str:
            for child in self.children:
                child.callback(token)
        else:
            for child in self.by_value.get(value, ()):
                child.node.forward(token)


def _literal_field(child: Any) -> str | None:
    """The field a child alpha node compares with a string literal, if that is all it does."""
    node = child.node
    if type(node) is not _LeanTesterNode or not isinstance(node.matcher, FeatureCheck):
        return None
    what, how = node.matcher.what, node.matcher.how
    plain = isinstance(what, str) and "__" not in what and not what.isnumeric()
    literal = type(how) is L and how.__bind__ is None and type(how.value) is str
    return what if plain and literal else None


def _index_children(node: Any) -> None:
    groups: dict[str, list[Any]] = {}
    for child in node.children:
        field = _literal_field(child)
        if field is not None:
            groups.setdefault(field, []).append(child)
    children: list[Any] = []
    for child in node.children:
        field = _literal_field(child)
        group = groups.get(field) if field is not None else None
        if group is None or len(group) < 4:
            children.append(child)
        elif group[0] is child:
            index = _LiteralIndex(field, group)  # type: ignore[arg-type]
            children.append(ChildNode(index, index.activate))
    node.children = children


def _all_nodes(root: Any) -> list[Any]:
    """Every node of the network once, depth first."""
    seen: set[int] = set()
    nodes: list[Any] = []
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) not in seen:
            seen.add(id(node))
            nodes.append(node)
            stack.extend(child.node for child in reversed(node.children))
    return nodes


_NESTED = (ORFC, ANDFC, NOTFC)


def _is_flat_fact(element: Any) -> bool:
    return isinstance(element, Fact) and not any(isinstance(v, _NESTED) for v in element.values())


def _is_flat(rule: Any) -> bool:
    """A conjunction of patterns and negated patterns, starting with a pattern."""
    return (
        len(rule) > 0
        and _is_flat_fact(rule[0])
        and all(
            _is_flat_fact(e) or (type(e) is NOT and len(e) == 1 and _is_flat_fact(e[0]))
            for e in rule
        )
    )


def _prepare(rule: Any) -> Any:
    """What experta's prepare_rule gives, without the DNF rewrite when the rule is flat."""
    elements = (InitialFact(), *rule) if len(rule) > 0 and type(rule[0]) is NOT else tuple(rule)
    if not _is_flat(elements):
        return prepare_rule(rule)
    if rule._wrapped is None:
        return rule.new_conditions(*elements)
    return handled_rule(elements, rule.salience, rule._wrapped)


def _wire_flat(rule: Any, alpha_terminals: dict[Any, Any]) -> None:
    """experta's wire_rule for a flat rule: a chain of join (or not) nodes, then the rule."""

    def terminal(element: Any) -> Any:
        return alpha_terminals[element[0] if type(element) is NOT else element]

    last = terminal(rule[0])
    for element in rule[1:]:
        join = (NotNode if type(element) is NOT else OrdinaryMatchNode)(SameContextCheck())
        last.children.append(ChildNode(join, join.activate_left))
        terminal(element).children.append(ChildNode(join, join.activate_right))
        last = join
    conflict_set = ConflictSetNode(rule)
    last.children.append(ChildNode(conflict_set, conflict_set.activate))


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
