"""What a picture says: from the walk's data to the text and style of every node and edge.

Both renderers draw the same `Drawing` (see `layout.py`): `dot.py` turns it into DOT for
Graphviz and `svg.py` lays it out and writes SVG itself, so the two pictures carry the
same labels.

A picture of `out = tanh(x1*w1 + x2*w2 + b)` after `out.backward()` shows

* a box per value: its name, `data` and `grad` (or `grad not computed` before a backward
  pass, never a misleading 0); a constant is a small grey box with just its number, and
  no grad, since nothing is learned from it;
* an ellipse per op (`*`, `+`, `tanh`);
* on the edge from an input into an op, the chain-rule step along it, in the operands'
  own names (`formula.py`): the local derivative, for the edge from `x1` into `x1*w1`
  `∂(x1*w1)/∂x1 = w1 = -3.0000`, then `× (x1*w1).grad 0.5000 = -1.5000`: the gradient
  $g$ arriving from the op's result times the local derivative, which is what the edge
  adds to `x1.grad`. A value used twice gets two edges, and its grad is the sum of their
  contributions;
* a legend: the arrows point the way the forward pass goes; gradients flow back
  against them.

For Tensors, edges show the rule's formula (elementwise ops) or vector-Jacobian product
(structural ops), in the operands' names, and the shapes the gradient flows between.
"""

from __future__ import annotations

import math
import textwrap
from typing import Any

import numpy as np

from . import formula as F
from .layout import DrawEdge, Drawing, DrawNode
from .options import DEFAULT_SHOW, FIELDS, Options, check_show
from .style import HIDDEN_FILL, ROLE_FILL
from .walk import (
    NO_GRAD,
    NOT_COMPUTED,
    NOT_KEPT,
    REACHED,
    Edge,
    Graph,
    OpNode,
    ValueNode,
    check_root,
    walk,
)

__all__ = ["DEFAULT_SHOW", "FIELDS", "check_show", "drawing_of", "fmt", "to_drawing"]

SMALL_ARRAY = 4
"""Arrays with at most this many elements show their numbers; larger ones a range."""
LABEL_WIDTH = 24
"""Edge label lines longer than this many characters are broken before an ` = ` or a
` × `, so that labels stay narrow and pictures fit a page."""
FORMULA_WIDTH = 34
"""Tensor formulas longer than this are wrapped at spaces."""
MISSING_GRAD = NOT_COMPUTED
"""The one wording for a grad that is not there yet: `grad not computed`."""
LEGEND = ("forward pass", "backward: each grad flows back against the arrows, × ∂ per edge")
"""How to read the arrows: the legend of every picture that shows gradients or formulas."""


def fmt(x: float, precision: int = 4) -> str:
    """A number for a picture: fixed decimals, scientific when very large or small.

    Example:
        >>> fmt(-1.4999999999999993), fmt(1e-7), fmt(-0.0), fmt(float("nan"))
        ('-1.5000', '1.0000e-07', '0.0000', 'undefined')
    """
    if math.isnan(x):
        return "undefined"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == 0.0:
        x = 0.0  # no "-0.0000"
    if x == 0.0 or 1e-4 <= abs(x) < 1e7:
        return f"{x:.{precision}f}"
    return f"{x:.{precision}e}"


def fmt_array(a: Any, precision: int = 4) -> str:
    """A small array's numbers (`[1.0000, -2.0000]`), or its range for a large one."""
    a = np.asarray(a)
    if a.size == 0:
        return "[] (empty)"
    if a.size <= SMALL_ARRAY:
        if a.ndim == 0:
            return fmt(float(a), precision)
        text = np.array2string(
            a, precision=precision, floatmode="fixed", separator=", ", max_line_width=10**6
        )
        return " ".join(text.split())
    low, high = float(np.min(a)), float(np.max(a))
    return f"in [{fmt(low, precision)}, {fmt(high, precision)}]"


def fmt_shape(shape: tuple[int, ...] | None) -> str:
    """`(2, 3)`, `(3,)`, or `()` for a 0-d array."""
    return str(tuple(shape or ()))


def to_drawing(graph: Graph, options: Options | None = None) -> Drawing:
    """Turn a walk into a `Drawing`: the text, shape and style of every node and edge.

    Args:
        graph: the result of `walk`.
        options: what to show and how (see `Options`; `show`, `precision`, `rankdir`,
            `width` and `title` are used here).

    Returns:
        The drawing, ready for `svg.render_svg` or `dot.drawing_to_dot`.
    """
    options = options or Options()
    options.check("to_drawing")
    current = next((e for e in graph.edges if graph.step and e.step == graph.step), None)
    nodes: list[DrawNode] = []
    edges: list[DrawEdge] = []
    ops = {op.output: op for op in graph.ops}
    for value in graph.values:
        nodes.append(_value_node(value, graph, options, current))
        op = ops.get(value.id)
        if op is not None:
            for node, edge in _kept_constants(op):
                nodes.append(node)
                edges.append(edge)
            nodes.append(_op_node(op))
    edges += [_input_edge(e, graph, options, e is current) for e in graph.edges]
    edges += [DrawEdge(op.id, op.output) for op in graph.ops]
    labelled = any(edge.label for edge in edges)
    return Drawing(
        nodes,
        edges,
        options.rankdir,
        _title(graph, options.title, current, options.precision),
        legend=LEGEND if labelled or graph.grads_computed else (),
        width=options.width,
    )


def _title(graph: Graph, title: str | None, current: Edge | None, precision: int) -> str:
    if title is not None:
        return title
    parts = []
    if graph.step is not None:
        parts.append(step_caption(graph, current, precision))
    elif not graph.grads_computed:
        parts.append(f"grads {MISSING_GRAD} yet: call backward() on the output")
    elif any(v.grad_note == NOT_KEPT for v in graph.values):
        parts.append("grads marked 'not kept' were freed: call t.retain_grad() to keep one")
    if graph.note:
        parts.append(graph.note)
    return " · ".join(parts)


def step_caption(graph: Graph, edge: Edge | None, precision: int = 4) -> str:
    """One line saying what step `graph.step` of the backward pass did, in the graph's names.

    Example: `step 5 of 5: x.grad += (w*x).grad × ∂(w*x)/∂x = 0.0452 × w = 0.0452 ×
    -2.0000 = -0.0904`.
    """
    root = graph.value_of(graph.root)
    if edge is None:
        if graph.kind == "Tensor":
            return f"step 0 of {graph.total_steps}: seed ∂{root.name}/∂{root.name} = ones"
        return f"step 0 of {graph.total_steps}: seed {root.name}.grad = 1"
    head = f"step {edge.step} of {graph.total_steps}: "
    op = graph.op_of(edge.dst)
    src = graph.value_of(edge.src).name
    out = graph.value_of(op.output).name
    update = f"{F.grad_of(src)} += {F.grad_of(out)} × {F.partial(out, src)}"
    if edge.contribution is None or edge.local is None or edge.upstream is None:
        return head + f"the gradient of {out} flows to {src}: {update}"
    g, local, c = (fmt(v, precision) for v in (edge.upstream, edge.local, edge.contribution))
    chain = [update]
    named = edge_formula(op, edge)
    if not _is_number(named):
        chain.append(f"{g} × {named}")
    chain += [f"{g} × {local}", c]
    return head + " = ".join(chain)


def edge_formula(op: OpNode, edge: Edge) -> str:
    """The formula along `edge` in the operands' own names (see `formula.named`)."""
    return F.named(edge.formula, op.operands, op.expr)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _value_node(
    value: ValueNode, graph: Graph, options: Options, current: Edge | None
) -> DrawNode:
    fields, precision = options.show, options.precision
    lines: list[str] = []
    constant = value.role == "constant"
    scalar = value.shape is None

    def number(x: Any) -> str:
        return fmt(x, precision) if scalar else fmt_array(x, precision)

    if "label" in fields and not constant:
        lines.append(value.name)
    if value.shape is not None and not (constant and value.shape == ()):
        lines.append(f"{fmt_shape(value.shape)} {value.dtype}")
    if "data" in fields:
        if constant:  # as the formulas write it: `2`, not `2.0000`
            lines.append(value.name if scalar else number(value.data))
        else:
            lines.append(f"data {number(value.data)}")
    if "grad" in fields and not constant and value.grad_note != NO_GRAD:
        if value.grad is not None:
            lines.append(f"grad {number(value.grad)}")
        elif value.grad_note == REACHED and value.shape is not None:
            lines.append(f"grad reached, {fmt_shape(value.shape)}")
        else:
            lines.append(f"grad {value.grad_note}")
    if value.hidden_inputs:
        lines.append("⋯ inputs not shown")
    if not lines:
        lines.append(value.name)
    faded = (
        graph.step is not None
        and value.grad is None
        and value.grad_note not in (REACHED, NO_GRAD)
        and not constant
    )
    fill = "" if faded else HIDDEN_FILL if value.hidden_inputs else ROLE_FILL[value.role]
    what = "constant: no grad" if constant or value.grad_note == NO_GRAD else value.role
    tooltip = f"{value.name} ({what})\n" + "\n".join(lines[1:] if lines else [])
    return DrawNode(
        value.id,
        lines,
        "box" if constant or "label" not in fields else "record",
        fill=fill,
        faded=faded,
        highlight=current is not None and current.src == value.id,
        tooltip=tooltip.strip(),
    )


def _kept_constants(op: OpNode) -> list[tuple[DrawNode, DrawEdge]]:
    """A box and a dashed edge for the number an op keeps as an operand (`op.kept`).

    `x * 2` keeps its `2` inside the op rather than as a node of the graph; the picture
    draws it all the same, as a constant: its number, no grad, no gradient flow.
    """
    if not op.kept:
        return []
    ident = f"{op.id}k"
    tooltip = f"{op.kept} (constant: no grad)"
    box = DrawNode(ident, [op.kept], "box", fill=ROLE_FILL["constant"], tooltip=tooltip)
    return [(box, DrawEdge(ident, op.id, "", faint=True))]


def _op_node(op: OpNode) -> DrawNode:
    # A kept constant has a box of its own: the ellipse shows the bare operator (`*`,
    # not `*2`; the symbol is the operator with the constant beside it).
    symbol = op.symbol.replace(op.kept, "", 1).strip() if op.kept else op.symbol
    lines = [symbol]
    if op.constant and not op.kept and op.constant.removeprefix("c = ") not in symbol:
        lines.append(op.constant)  # axis=0, shape=(2, 3): what the symbol does not say
    out = op.operands.get("out", "out")
    inputs = [op.operands.get(v, v) for v in "xy"[: len(op.formulas)]]
    kind = "" if op.elementwise else "vjp "
    tooltip = "\n".join(
        [f"{op.name}: {out} = {F.named(op.expr, op.operands)}"]
        + [
            f"{kind}{F.partial(out, wrt)} = {F.named(f, op.operands, op.expr)}"
            for wrt, f in zip(inputs, op.formulas)
        ]
    )
    return DrawNode(op.id, lines, "ellipse", tooltip=tooltip)


def _input_edge(edge: Edge, graph: Graph, options: Options, current: bool) -> DrawEdge:
    fields, precision = options.show, options.precision
    op = graph.op_of(edge.dst)
    source = graph.value_of(edge.src)
    wrt, out = source.name, op.operands.get("out", graph.value_of(op.output).name)
    constant = source.role == "constant" or source.grad_note == NO_GRAD
    if constant or not edge.carries_grad:
        # Nothing is learned about a constant: its edge carries no gradient worth showing.
        return DrawEdge(edge.src, edge.dst, "", highlight=current, faint=True)
    lines: list[str] = []
    named = edge_formula(op, edge)
    if graph.kind == "Tensor":
        if {"local", "formula"} & set(fields):
            text = F.local_text(out, wrt, named, None) if op.elementwise else f"vjp: {named}"
            lines += textwrap.wrap(text, FORMULA_WIDTH, break_on_hyphens=False) or [text]
        if "contribution" in fields:
            shapes = ""
            if edge.input_shape != edge.output_shape:
                shapes = f", {fmt_shape(edge.output_shape)} → {fmt_shape(edge.input_shape)}"
            lines.append(f"g = {F.grad_of(out)}{shapes}")
        return DrawEdge(edge.src, edge.dst, "\n".join(lines), highlight=current)
    value = fmt(edge.local, precision) if "local" in fields and edge.local is not None else None
    if "formula" in fields or value is not None:
        lines += _chain(F.local_text(out, wrt, named if "formula" in fields else "", value))
    if "contribution" in fields and edge.contribution is not None and edge.upstream is not None:
        g, c = fmt(edge.upstream, precision), fmt(edge.contribution, precision)
        lines += _chain(f"× {F.grad_of(out)} {g} = {c}")
    return DrawEdge(edge.src, edge.dst, "\n".join(lines), highlight=current)


def _chain(text: str, width: int = LABEL_WIDTH) -> list[str]:
    """Break a chain of equalities before ` = ` where a line would pass `width` characters.

    Example:
        >>> _chain("∂(x1*w1 + x2*w2)/∂(x1*w1) = 1")
        ['∂(x1*w1 + x2*w2)/∂(x1*w1)', '= 1']
        >>> _chain("∂(w*x)/∂x = w = -2.0000")
        ['∂(w*x)/∂x = w = -2.0000']
    """
    parts = text.split(" = ")
    lines = [parts[0]]
    for part in parts[1:]:
        if len(lines[-1]) + 3 + len(part) <= width:
            lines[-1] += " = " + part
        else:
            lines.append("= " + part)
    return lines


def drawing_of(root: Any, caller: str, options: Options | None = None) -> Drawing:
    """`walk` then `to_drawing`, with errors that name `caller` (`"to_dot"`, `"save"`)."""
    check_root(root, caller)
    options = options or Options()
    options.check(caller)
    graph = walk(root, max_nodes=options.max_nodes, grads=options.grads, step=options.step)
    return to_drawing(graph, options)
