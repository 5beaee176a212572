"""What a picture says: from the walk's data to the text and style of every node and edge.

Both renderers draw the same `Drawing` (see `layout.py`): `dot.py` turns it into DOT for
Graphviz and `svg.py` lays it out and writes SVG itself, so the two pictures carry the
same labels.

A picture of `out = tanh(x1*w1 + x2*w2 + b)` after `out.backward()` shows

* a box per value: its name, `data` and `grad` (or `grad not computed` before a backward
  pass, never a misleading 0); constants show just their numbers;
* an ellipse per op (`*`, `+`, `tanh`);
* on the edge from an input $x$ into an op, the local derivative
  `local` $= \\partial out/\\partial x$ and, after a backward pass, the contribution
  `contrib` $= g \\cdot local$ it added to `x.grad` ($g$ is the op output's grad). A value
  used twice gets two edges, and its grad is the sum of their contributions.

For Tensors, edges show the rule's formula (elementwise ops) or vector-Jacobian product
(structural ops) and the shapes the gradient flows between.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from typing import Any

import numpy as np

from .layout import DrawEdge, Drawing, DrawNode, Rankdir
from .walk import (
    DEFAULT_MAX_NODES,
    NO_GRAD,
    NOT_KEPT,
    REACHED,
    Edge,
    Graph,
    OpNode,
    ValueNode,
    check_root,
    walk,
)

FIELDS = ("label", "data", "grad", "local", "contribution", "formula")
"""What `show=` may list: value nodes' `label`, `data`, `grad`; edges' `local`
derivative, `contribution` and rule `formula` (Tensor edges always show the formula)."""
DEFAULT_SHOW = ("label", "data", "grad", "local", "contribution")

FILL = {
    "output": "#dff3e4",
    "parameter": "#ece4f7",
    "leaf": "#e8f1fb",
    "intermediate": "#f7fafd",
    "constant": "#f1f3f5",
}
HIDDEN_FILL = "#eeeeee"
SMALL_ARRAY = 4
"""Arrays with at most this many elements show their numbers; larger ones a range."""
FORMULA_WIDTH = 30


def check_show(show: Sequence[str], caller: str) -> tuple[str, ...]:
    """Validate `show=`; a single string counts as one field."""
    fields = (show,) if isinstance(show, str) else tuple(show)
    unknown = [f for f in fields if f not in FIELDS]
    if unknown:
        raise ValueError(
            f"{caller}: show= got {', '.join(map(repr, unknown))}; choose from "
            f"{', '.join(map(repr, FIELDS))}"
        )
    return fields


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


def to_drawing(
    graph: Graph,
    show: Sequence[str] = DEFAULT_SHOW,
    precision: int = 4,
    rankdir: Rankdir = "LR",
    title: str | None = None,
) -> Drawing:
    """Turn a walk into a `Drawing`: the text, shape and style of every node and edge.

    Args:
        graph: the result of `walk`.
        show: the fields to show (see `FIELDS`).
        precision: decimals of the numbers shown.
        rankdir: `"LR"` (inputs left, output right) or `"TB"` (top to bottom).
        title: a line above the picture; None for the default (a note when grads are
            not computed yet, the step being replayed, or what a summary left out).

    Returns:
        The drawing, ready for `svg.render_svg` or `dot.drawing_to_dot`.
    """
    fields = check_show(show, "to_drawing")
    if rankdir not in ("LR", "TB"):
        raise ValueError(f"to_drawing: rankdir must be 'LR' or 'TB', not {rankdir!r}")
    current = next((e for e in graph.edges if graph.step and e.step == graph.step), None)
    nodes: list[DrawNode] = []
    ops = {op.output: op for op in graph.ops}
    for value in graph.values:
        nodes.append(_value_node(value, graph, fields, precision, current))
        op = ops.get(value.id)
        if op is not None:
            nodes.append(_op_node(op, graph))
    edges = [_input_edge(e, graph, fields, precision, e is current) for e in graph.edges]
    edges += [DrawEdge(op.id, op.output) for op in graph.ops]
    return Drawing(nodes, edges, rankdir, _title(graph, title, current, precision))


def _title(graph: Graph, title: str | None, current: Edge | None, precision: int) -> str:
    if title is not None:
        return title
    parts = []
    if graph.step is not None:
        parts.append(step_caption(graph, current, precision))
    elif not graph.grads_computed:
        parts.append("grads not computed yet: call backward() on the output")
    elif any(v.grad_note == NOT_KEPT for v in graph.values):
        parts.append("grads marked 'not kept' were freed: call t.retain_grad() to keep one")
    if graph.note:
        parts.append(graph.note)
    return " · ".join(parts)


def step_caption(graph: Graph, edge: Edge | None, precision: int = 4) -> str:
    """One line saying what step `graph.step` of the backward pass did."""
    root = graph.value_of(graph.root)
    if edge is None:
        if graph.kind == "Tensor":
            return f"step 0 of {graph.total_steps}: seed ∂{root.name}/∂{root.name} = ones"
        return f"step 0 of {graph.total_steps}: seed {root.name}.grad = 1"
    head = f"step {edge.step} of {graph.total_steps}: "
    src = graph.value_of(edge.src).name
    out = graph.value_of(graph.op_of(edge.dst).output).name
    if edge.contribution is None or edge.local is None or edge.upstream is None:
        return head + f"the gradient of {out} flows to {src}"
    g, local, c = (fmt(v, precision) for v in (edge.upstream, edge.local, edge.contribution))
    src, out = _bracket(src), _bracket(out)
    return head + f"{src}.grad += {out}.grad × ∂{out}/∂{src} = {g} × {local} = {c}"


def _bracket(name: str) -> str:
    """`x1`, but `(x1*w1)`: a name that is an expression gets brackets in a formula."""
    return name if name.replace("_", "a").isalnum() else f"({name})"


def _value_node(
    value: ValueNode, graph: Graph, fields: tuple[str, ...], precision: int, current: Edge | None
) -> DrawNode:
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
        lines.append(number(value.data) if constant else f"data {number(value.data)}")
    if "grad" in fields and not (constant and value.grad_note == NO_GRAD):
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
    faded = graph.step is not None and value.grad is None and value.grad_note != REACHED
    fill = "" if faded else HIDDEN_FILL if value.hidden_inputs else FILL[value.role]
    tooltip = f"{value.name} ({value.role})\n" + "\n".join(lines[1:] if lines else [])
    return DrawNode(
        value.id,
        lines,
        "box" if constant or "label" not in fields else "record",
        fill=fill,
        faded=faded,
        highlight=current is not None and current.src == value.id,
        tooltip=tooltip.strip(),
    )


def _op_node(op: OpNode, graph: Graph) -> DrawNode:
    lines = [op.symbol]
    if op.constant and not op.symbol.startswith("**"):
        lines.append(op.constant)
    derivative = "∂out/∂{} = {}" if op.elementwise else "vjp for {}: {}"
    tooltip = "\n".join(
        [f"{op.name}: out = {op.expr}"]
        + [derivative.format("xy"[i], f) for i, f in enumerate(op.formulas)]
    )
    return DrawNode(op.id, lines, "ellipse", tooltip=tooltip)


def _input_edge(
    edge: Edge, graph: Graph, fields: tuple[str, ...], precision: int, current: bool
) -> DrawEdge:
    lines: list[str] = []
    op = graph.op_of(edge.dst)
    if graph.kind == "Tensor":
        if {"local", "formula"} & set(fields):
            text = f"∂/∂{edge.variable} = {edge.formula}" if op.elementwise else edge.formula
            if not op.elementwise:
                text = f"vjp: {text}"
            lines += textwrap.wrap(text, FORMULA_WIDTH) or [text]
        if not edge.carries_grad:
            lines.append("no grad (constant)")
        elif edge.input_shape != edge.output_shape:
            lines.append(f"g {fmt_shape(edge.output_shape)} → {fmt_shape(edge.input_shape)}")
        return DrawEdge(edge.src, edge.dst, "\n".join(lines), highlight=current)
    if "formula" in fields:
        lines.append(f"∂/∂{edge.variable} = {edge.formula}")
    if "local" in fields and edge.local is not None:
        lines.append(f"local {fmt(edge.local, precision)}")
    if "contribution" in fields and edge.contribution is not None:
        lines.append(f"contrib {fmt(edge.contribution, precision)}")
    return DrawEdge(edge.src, edge.dst, "\n".join(lines), highlight=current)


def drawing_of(
    root: Any,
    caller: str,
    rankdir: Rankdir = "LR",
    show: Sequence[str] = DEFAULT_SHOW,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    precision: int = 4,
    grads: bool | None = None,
    step: int | None = None,
    title: str | None = None,
) -> Drawing:
    """`walk` then `to_drawing`, with errors that name `caller` (`"to_dot"`, `"save"`)."""
    check_root(root, caller)
    check_show(show, caller)
    if rankdir not in ("LR", "TB"):
        raise ValueError(f"{caller}: rankdir must be 'LR' or 'TB', not {rankdir!r}")
    graph = walk(root, max_nodes=max_nodes, grads=grads, step=step)
    return to_drawing(graph, show, precision, rankdir, title)
