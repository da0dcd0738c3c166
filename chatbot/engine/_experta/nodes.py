"""The nodes of calcify's Rete network: experta's node classes, doing the stock work leaner.

Every node computes the stock node's matches. What is left out: the defensive copy of each
token a node receives (these nodes only read it), the type checks of the Token constructor,
and the logging calls of experta's checks (its loggers are silenced, but the calls cost).
The nodes also tell the matcher which of them hold something and which conflict sets changed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import suppress
from typing import Any

from experta.activation import Activation
from experta.fieldconstraint import L
from experta.matchers.rete.abstract import Node
from experta.matchers.rete.check import FactCapture, FeatureCheck, TypeCheck
from experta.matchers.rete.mixins import AnyChild, ChildNode, NoMemory
from experta.matchers.rete.nodes import (
    BusNode,
    ConflictSetNode,
    FeatureTesterNode,
    NotNode,
    OrdinaryMatchNode,
)
from experta.matchers.rete.token import Token, TokenInfo


class LeanBusNode(BusNode):  # type: ignore[misc]
    """The network's root: the stock token for each fact, built without re-checking its types."""

    def add(self, fact: Any) -> None:
        token = _token(_VALID, {fact}, {})
        for child in self.children:
            child.callback(token)

    def remove(self, fact: Any) -> None:
        token = _token(_INVALID, {fact}, {})
        for child in self.children:
            child.callback(token)


class LeanTesterNode(FeatureTesterNode):  # type: ignore[misc]
    """An alpha node that copies a token only when its test adds bindings to the context (the
    only change an alpha node makes); the stock node copies every token it is offered. Its
    test is the stock check without the check's logging (`quiet`)."""

    test: Callable[[Any], Any]

    def activate(self, token: Any) -> None:
        (fact,) = token[1]
        match = self.test(fact)
        if match:
            self.forward(token, match)

    def forward(self, token: Any, match: Any = True) -> None:
        """The stock node's work once its test has passed with this match."""
        if isinstance(match, Mapping):
            context = token[2]
            for key, value in match.items():
                if isinstance(key, tuple):
                    if key[1] in context and context[key[1]] == value:
                        return
                elif context.get(key, value) != value or context.get((False, key), _NONE) == value:
                    return
            token = _token(token[0], token[1], {**context, **match})
        for child in self.children:
            child.callback(token)


class LeanMatchNode(OrdinaryMatchNode):  # type: ignore[misc]
    """A join that records it was touched and does the stock join without copying the token
    it receives (it only reads it: it keeps TokenInfo snapshots and builds new tokens)."""

    calcify_matcher: Any
    """The FastReteMatcher that owns the node (rete.py), which records what changed."""

    def activate_left(self, token: Any) -> None:
        self.calcify_matcher.touched.add(self)
        self._join(token, self.left_memory, self.right_memory, True)

    def activate_right(self, token: Any) -> None:
        self.calcify_matcher.touched.add(self)
        self._join(token, self.right_memory, self.left_memory, False)

    def _join(self, token: Any, memory: list[Any], others: list[Any], is_left: bool) -> None:
        tag, data, context = token
        info = _info(data, context)
        if tag is _VALID:
            memory.append(info)
        else:
            with suppress(ValueError):
                memory.remove(info)
        matcher = self.matcher
        for other_data, other_frozen in others:
            other = dict(other_frozen)
            if matcher(context, other) if is_left else matcher(other, context):
                merged = {k: v for k, v in context.items() if isinstance(k, str)}
                for k, v in other.items():
                    if not isinstance(k, tuple):
                        merged[k] = v
                joined = _token(tag, data | other_data, merged)
                for child in self.children:
                    child.callback(joined)


class LeanNotNode(NotNode):  # type: ignore[misc]
    """The stock negation node, recording that it was touched, without the token copies."""

    calcify_matcher: Any
    """The FastReteMatcher that owns the node (rete.py), which records what changed."""

    def activate_left(self, token: Any) -> None:
        self.calcify_matcher.touched.add(self)
        tag, data, context = token
        info = _info(data, context)
        if not self.right_memory:
            if tag is _VALID:
                self.left_memory[info] = 0
            else:
                del self.left_memory[info]
            blocked = 0
        elif tag is _VALID:
            blocked = sum(1 for _, right in self.right_memory if self.matcher(context, dict(right)))
            self.left_memory[info] = blocked
        else:
            blocked = any(self.matcher(context, dict(right)) for _, right in self.right_memory)
            del self.left_memory[info]
        if not blocked:
            for child in self.children:
                child.callback(token)

    def activate_right(self, token: Any) -> None:
        self.calcify_matcher.touched.add(self)
        tag, data, context = token
        if tag is _VALID:
            self.right_memory.append(_info(data, context))
            step = 1
        else:
            self.right_memory.remove(_info(data, context))
            step = -1
        for left in self.left_memory:
            if self.matcher(dict(left[1]), context):
                count = self.left_memory[left] = self.left_memory[left] + step
                if count == (0 if step < 0 else 1):
                    unblocked = _token(
                        _VALID if step < 0 else _INVALID, set(left[0]), dict(left[1])
                    )
                    for child in self.children:
                        child.callback(unblocked)


class LeanConflictSetNode(ConflictSetNode):  # type: ignore[misc]
    """Records itself as changed and touched, and keeps the stock activations without copying
    the token it receives."""

    calcify_matcher: Any
    """The FastReteMatcher that owns the node (rete.py), which records what changed."""

    def activate(self, token: Any) -> None:
        self.calcify_matcher.dirty[self] = None
        self.calcify_matcher.touched.add(self)
        tag, data, context = token
        info = _info(data, context)
        activation = Activation(
            self.rule, info[0], {k: v for k, v in info[1] if isinstance(k, str)}
        )
        if tag is _VALID:
            if info not in self.memory:
                self.memory.add(info)
                if activation in self.removed:
                    self.removed.remove(activation)
                else:
                    self.added.add(activation)
        elif info in self.memory:
            self.memory.remove(info)
            if activation in self.added:
                self.added.remove(activation)
            else:
                self.removed.add(activation)


_VALID, _INVALID = Token.TagType.VALID, Token.TagType.INVALID
_NONE = object()


def _token(tag: Any, data: Any, context: dict[Any, Any]) -> Any:
    """Token(tag, data, context) as the stock constructor makes it from a set of facts."""
    return tuple.__new__(Token, (tag, data, context))


def _info(data: Any, context: dict[Any, Any]) -> Any:
    """Token.to_info(): the token's facts and context, frozen."""
    return tuple.__new__(TokenInfo, (frozenset(data), frozenset(context.items())))


def quiet(check: Any) -> Callable[[Any], Any]:
    """An alpha check's result for one fact, without the logging call the stock check makes
    on every test (the loggers are silenced, but the calls still cost)."""
    if type(check) is TypeCheck:
        fact_type = check.fact_type
        return lambda fact: type(fact) == fact_type  # noqa: E721 (the stock test)
    if type(check) is FactCapture:
        bind = check.bind
        return lambda fact: {bind: fact}
    if type(check) is FeatureCheck and _plain(check.what):
        what, compare, expected = check.what, check.check, check.expected

        def test(fact: Any) -> Any:
            try:
                record = fact[what]
            except (IndexError, KeyError, TypeError):
                return False
            return compare(record, expected)

        return test
    return check  # type: ignore[no-any-return]


def _plain(what: Any) -> bool:
    """A field name the stock check looks up directly (no nested or positional access)."""
    return isinstance(what, str) and "__" not in what and not what.isnumeric()


FAST_CLASSES: dict[type, type] = {
    BusNode: LeanBusNode,
    ConflictSetNode: LeanConflictSetNode,
    OrdinaryMatchNode: LeanMatchNode,
    NotNode: LeanNotNode,
    FeatureTesterNode: LeanTesterNode,
}


class LiteralIndex(AnyChild, NoMemory, Node):  # type: ignore[misc]
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
    if type(node) is not LeanTesterNode or not isinstance(node.matcher, FeatureCheck):
        return None
    what, how = node.matcher.what, node.matcher.how
    literal = type(how) is L and how.__bind__ is None and type(how.value) is str
    return what if _plain(what) and literal else None


def index_children(node: Any) -> None:
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
            index = LiteralIndex(field, group)  # type: ignore[arg-type]
            children.append(ChildNode(index, index.activate))
    node.children = children
