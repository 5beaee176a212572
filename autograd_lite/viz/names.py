"""Names for the nodes of a picture: labels, constants, and expressions of the inputs.

A learner labels the leaves (`x1`, `w1`) but rarely the nodes in between; the
visualizer names those after what made them (`x1*w1 + x2*w2`), with brackets only where
Python would need them, so a table of chain-rule steps reads like the expression.

Example:
    >>> import autograd_lite as ag
    >>> from autograd_lite.graph import topological_order
    >>> x, w = ag.Value(2.0, label="x"), ag.Value(-3.0, label="w")
    >>> out = (x * w + 1) ** 2
    >>> names_of(topological_order(out))[out]
    '(x*w + 1)**2'
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import rules as R

NAME_WIDTH = 24
"""Longest name derived for an unlabeled node before its long parts become `…`."""

_SYMBOLS = {"add": "+", "sub": "-", "mul": "*", "div": "/", "matmul": "@", "powv": "**"}
# Binary ops written infix: (symbol, precedence, right operand needs brackets at equal
# precedence). Precedence as in Python: + - below * / @ below unary minus below **.
_INFIX = {
    "add": (" + ", 1, False),
    "sub": (" - ", 1, True),
    "mul": ("*", 2, True),
    "div": ("/", 2, True),
    "matmul": (" @ ", 2, True),
    "powv": ("**", 4, False),
}
_ATOM = 9


def short_number(x: float) -> str:
    """A number as written in an expression: `2`, `-0.5`, `6.88137`."""
    if not math.isfinite(x):
        return str(x)
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    return f"{x:.6g}"


def op_symbol(op: R.Rule, ctx: Any = None) -> str:
    """The short text of an op node: `+`, `*`, `**2`, `tanh`, `sum`."""
    if op.name == "pow":
        return f"**{short_number(float(ctx))}"
    return _SYMBOLS.get(op.name, op.name)


def constant_text(op: R.Rule, ctx: Any) -> str:
    if ctx is None:
        return ""
    if op.name == "pow":
        return f"c = {short_number(float(ctx))}"
    if op.name in ("sum", "max"):
        axis, keepdims = ctx
        text = "" if axis is None else f"axis={axis}"
        return text + (", keepdims" if keepdims and text else "keepdims" if keepdims else "")
    if op.name in ("reshape", "broadcast_to"):
        return f"shape={tuple(ctx)}"
    if op.name == "transpose":
        return f"axes={tuple(ctx)}"
    if op.name == "getitem":
        return f"index={_index_text(ctx)}"
    return ""


def _index_text(index: Any) -> str:
    parts = index if isinstance(index, tuple) else (index,)
    texts = []
    for part in parts:
        if isinstance(part, slice):
            texts.append(
                ":".join("" if v is None else str(v) for v in (part.start, part.stop))
                + ("" if part.step is None else f":{part.step}")
            )
        elif isinstance(part, (int, np.integer)):
            texts.append(str(int(part)))
        elif part is None:
            texts.append("None")
        elif part is Ellipsis:
            texts.append("...")
        else:
            texts.append("[…]")
    return ", ".join(texts)


def _leaf_name(node: Any) -> tuple[str, int]:
    """A leaf's name and precedence: its label, or a constant's value."""
    if node.label:
        return node.label, _ATOM
    data = node.data
    if isinstance(data, np.ndarray):
        if data.size != 1:
            return "const", _ATOM
        data = float(data.reshape(()))
    text = short_number(float(data))
    return text, (3 if text.startswith("-") else _ATOM)


def names_of(order: list[Any]) -> dict[Any, str]:
    """A name for every node: its label, a constant's value, or an expression of its inputs.

    Derived names are built inputs first (so iteratively, in reverse topological order)
    with brackets only where Python would need them. A name longer than `NAME_WIDTH`
    writes its long inputs in short (`tanh(…)`), and failing that as `…`.

    Example:
        >>> import autograd_lite as ag
        >>> from autograd_lite.graph import topological_order
        >>> h = (ag.Value(1.0, label="w") * 2 + ag.Value(0.5, label="b")).tanh()
        >>> out = h * h
        >>> names_of(topological_order(out))[out]
        'tanh(…)*tanh(…)'
    """
    names: dict[Any, tuple[str, int]] = {}
    shorts: dict[Any, tuple[str, int]] = {}
    dots = ("…", _ATOM)
    for node in reversed(order):
        if node.label or node._op is None:
            names[node] = _leaf_name(node) if node._op is None else (node.label, _ATOM)
            shorts[node] = names[node]
            continue
        op, ctx, parents = node._op, node._ctx, node._parents
        text, prec = _derived(op, ctx, [names[p] for p in parents])
        if len(text) > NAME_WIDTH:
            parts = [names[p] if len(names[p][0]) <= 8 else shorts[p] for p in parents]
            text, prec = _derived(op, ctx, parts)
            if len(text) > NAME_WIDTH:
                text, prec = _derived(op, ctx, [dots] * len(parents))
        names[node] = (text, prec)
        shorts[node] = _derived(op, ctx, [dots] * len(parents))
    return {node: text for node, (text, _) in names.items()}


def _derived(op: R.Rule, ctx: Any, parts: list[tuple[str, int]]) -> tuple[str, int]:
    """Write `op` applied to named inputs, bracketing by precedence."""

    def wrap(part: tuple[str, int], need: bool) -> str:
        return f"({part[0]})" if need else part[0]

    name = op.name
    if name in _INFIX and len(parts) == 2:
        symbol, prec, strict = _INFIX[name]
        (_, lp), (_, rp) = parts
        if name == "powv":  # right-associative
            left, right = wrap(parts[0], lp <= prec), wrap(parts[1], rp < prec)
        else:
            left, right = (
                wrap(parts[0], lp < prec),
                wrap(parts[1], rp < prec or (strict and rp == prec)),
            )
        return f"{left}{symbol}{right}", prec
    x = parts[0]
    if name == "neg":
        return f"-{wrap(x, x[1] < 4)}", 3
    if name == "pow":
        return f"{wrap(x, x[1] <= 4)}**{short_number(float(ctx))}", 4
    if name == "transpose":
        return f"{wrap(x, x[1] < _ATOM)}ᵀ", _ATOM
    if name == "getitem":
        return f"{wrap(x, x[1] < _ATOM)}[{_index_text(ctx)}]", _ATOM
    return f"{name}({', '.join(p[0] for p in parts)})", _ATOM
