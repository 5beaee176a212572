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

from typing import Any

import numpy as np

from .. import rules as R
from ..rules import UNARY_LEVEL

NAME_WIDTH = 24
"""Longest name derived for an unlabeled node before its long parts become `…`."""

_ATOM = R.ATOM


def op_symbol(op: R.Rule, ctx: Any = None) -> str:
    """The short text of an op node: `+`, `*2`, `**2`, `1-`, `tanh`, `sum`, as the table
    says the op prints (`Rule.show`); an infix op's constant is written beside it."""
    show = op.show
    symbol = show.symbol.strip()
    if show.form == "infix" and ctx is not None and show.consts is not None:
        constant = show.consts(ctx)
        return f"{constant}{symbol}" if show.swapped else f"{symbol}{constant}"
    return symbol


def constant_text(op: R.Rule, ctx: Any) -> str:
    """The op's constants in words (`c = 2`, `axis=0, keepdims`), or ""."""
    show = op.show
    if ctx is None or show.consts is None:
        return ""
    text = show.consts(ctx)
    return f"c = {text}" if show.form == "infix" or op.elementwise else text


def _leaf_name(node: Any) -> tuple[str, int]:
    """A leaf's name and precedence: its label, or a constant's value."""
    if node.label:
        return node.label, _ATOM
    data = node.data
    if isinstance(data, np.ndarray):
        if data.size != 1:
            return "const", _ATOM
        data = float(data.reshape(()))
    text = R.number(float(data))
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
    """Write `op` applied to named inputs, bracketing by precedence (`Rule.show`)."""

    def wrap(part: tuple[str, int], need: bool) -> str:
        return f"({part[0]})" if need else part[0]

    show = op.show
    if show.form == "infix" and len(parts) == 1 and ctx is not None and show.consts:
        text = show.consts(ctx)
        constant = (text, UNARY_LEVEL if text.startswith("-") else _ATOM)
        parts = [constant, parts[0]] if show.swapped else [parts[0], constant]
    prec = show.precedence
    if show.form == "infix" and len(parts) == 2:
        (_, lp), (_, rp) = parts
        if prec == R.POWER_LEVEL:  # right-associative
            left, right = wrap(parts[0], lp <= prec), wrap(parts[1], rp < prec)
        else:
            left = wrap(parts[0], lp < prec)
            right = wrap(parts[1], rp < prec or (show.strict and rp == prec))
        return f"{left}{show.symbol}{right}", prec
    x = parts[0]
    if show.form == "prefix":
        return f"{show.symbol}{wrap(x, x[1] < R.POWER_LEVEL)}", prec
    if show.form == "postfix":
        return f"{wrap(x, x[1] < _ATOM)}{show.symbol}", _ATOM
    if show.form == "index":
        return f"{wrap(x, x[1] < _ATOM)}[{R.index_text(ctx)}]", _ATOM
    args = [p[0] for p in parts]
    if op.elementwise and ctx is not None and show.consts is not None:
        args.append(show.consts(ctx))
    return f"{show.symbol}({', '.join(args)})", _ATOM
