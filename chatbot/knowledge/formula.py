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


def _parse(text: str) -> ast.Expression:
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise FormulaError(f"cannot read formula {text!r}: {exc.msg}") from None
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
