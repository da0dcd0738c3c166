"""Arithmetic formulas in rule files (e.g. albumin-corrected calcium). Parsed, never executed."""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping

_BINARY: dict[type[ast.operator], Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}


MAX_LENGTH = 2000  # characters: the formulas of a knowledge base are short
MAX_DEPTH = 100  # levels of operations, well within Python's recursion limit


class FormulaError(ValueError):
    """A formula uses something other than numbers, names, + - * / and brackets."""


def formula_names(text: str) -> tuple[str, ...]:
    """The names a formula reads, in order of first use; raises FormulaError if malformed."""
    names: list[str] = []
    for node in ast.walk(_parse(text)):
        if isinstance(node, ast.Name) and node.id not in names:
            names.append(node.id)
    return tuple(names)


def evaluate(text: str, values: Mapping[str, float]) -> float:
    """The formula's value with the given names bound."""
    return _eval(_parse(text).body, values)


def divisors(text: str) -> list[ast.expr]:
    """Every divisor in a (valid) formula, outermost first."""
    return [
        node.right
        for node in ast.walk(_parse(text))
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div)
    ]


def zero_divisor(divisor: ast.expr) -> bool:
    """Whether a divisor is zero whatever the answers: a constant expression equal to 0, or
    a difference of two identical terms (`y - y`)."""
    if isinstance(divisor, ast.BinOp) and isinstance(divisor.op, ast.Sub):
        if ast.dump(divisor.left) == ast.dump(divisor.right):
            return True
    if any(isinstance(node, ast.Name) for node in ast.walk(divisor)):
        return False
    try:
        return _eval(divisor, {}) == 0
    except (ZeroDivisionError, OverflowError):
        return False


def zero_divisor_problems(text: str) -> list[str]:
    """Why a (valid) formula always divides by zero: a divisor that is always 0."""
    return [
        f"divides by {ast.unparse(divisor)!r}, which is always 0"
        for divisor in divisors(text)
        if zero_divisor(divisor)
    ]


def bare_divisors(text: str) -> list[str]:
    """The names a (valid) formula divides by directly (`x / y`: y)."""
    return [divisor.id for divisor in divisors(text) if isinstance(divisor, ast.Name)]


def _depth(tree: ast.AST) -> int:
    deepest, stack = 0, [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return deepest


def _parse(text: str) -> ast.Expression:
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"formula of {len(text)} characters: at most {MAX_LENGTH}")
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise FormulaError(f"cannot read formula {text[:60]!r}: {exc.msg}") from None
    except (RecursionError, MemoryError):
        raise FormulaError(f"formula {text[:60]!r}... is nested too deeply to read") from None
    if _depth(tree) > MAX_DEPTH:
        raise FormulaError(f"formula {text[:60]!r}... nests deeper than {MAX_DEPTH} levels")
    for node in ast.walk(tree):
        if not isinstance(
            node,
            ast.Expression
            | ast.BinOp
            | ast.UnaryOp
            | ast.Constant
            | ast.Name
            | ast.Load
            | ast.USub
            | ast.UAdd
            | ast.operator,
        ):
            raise FormulaError(f"formula {text!r} may only use numbers, names, + - * / and ( )")
        if isinstance(node, ast.BinOp) and type(node.op) not in _BINARY:
            raise FormulaError(f"formula {text!r} may only use + - * /")
        if isinstance(node, ast.Constant) and not isinstance(node.value, int | float):
            raise FormulaError(f"formula {text!r} may only contain numbers and names")
    return tree


def _eval(node: ast.expr, values: Mapping[str, float]) -> float:
    if isinstance(node, ast.Constant):
        assert isinstance(node.value, int | float)
        return float(node.value)
    if isinstance(node, ast.Name):
        return float(values[node.id])
    if isinstance(node, ast.UnaryOp):
        inner = _eval(node.operand, values)
        return -inner if isinstance(node.op, ast.USub) else inner
    assert isinstance(node, ast.BinOp)
    return _BINARY[type(node.op)](_eval(node.left, values), _eval(node.right, values))
