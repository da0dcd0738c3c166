"""experta's Rete network, with work proportional to what changed, not to the rule count.

Imported by the package (chatbot/_experta), after its compatibility fix. Subclasses only:
experta's own files are used as installed.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Sequence
from typing import Any

from experta.conditionalelement import NOT
from experta.fact import Fact, InitialFact
from experta.fieldconstraint import ANDFC, NOTFC, ORFC
from experta.matchers.rete import ReteMatcher
from experta.matchers.rete.check import SameContextCheck
from experta.matchers.rete.mixins import ChildNode
from experta.matchers.rete.nodes import (
    BusNode,
    ConflictSetNode,
    FeatureTesterNode,
    NotNode,
    OrdinaryMatchNode,
)
from experta.matchers.rete.utils import prepare_rule
from experta.rule import Rule as ExpertaRule

from .nodes import FAST_CLASSES, LeanTesterNode, index_children, quiet


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


class FastReteMatcher(ReteMatcher):  # type: ignore[misc]
    """experta's Rete network, with work proportional to what changed, not to the rule count.

    The stock matcher asks every rule's conflict-set node for changes after each firing, resets
    every node (once per path to it) on reset(), offers each fact to every alpha branch, copies
    every token at every node, and builds the network through a DNF rewrite and generic
    dispatch. Here, once the stock network is built (flat rules, all that calcify makes, wired
    directly), its nodes change class (nodes.py): a node whose memory an activation touches
    records itself, so changes() reads only the conflict-set nodes that changed and reset() wipes
    only what holds something; tokens are copied only where a binding is added, and built
    without the constructor's checks; checks skip their logging calls; and sibling alpha tests
    of one field against different literals become one dictionary lookup. The network computes the
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
            fast = FAST_CLASSES.get(type(node))
            if fast is not None:
                node.__class__ = fast
                node.calcify_matcher = self
            if fast is LeanTesterNode:
                node.test = quiet(node.matcher)
        for node in nodes:  # the callbacks were bound before the classes changed
            node.children = [
                ChildNode(c.node, getattr(c.node, c.callback.__name__)) for c in node.children
            ]
        for node in nodes:
            if isinstance(node, BusNode | FeatureTesterNode):
                index_children(node)

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
