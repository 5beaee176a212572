"""A read-only walk of a computation graph, yielding plain data for pictures and tables.

Everything the visualizer draws or prints comes from `walk(root)`: value nodes (the
Values or Tensors, with label, data and grad), op nodes (the `Rule` that made a value,
with its formulas from the rule table) and edges from each input to the op that used it.

An edge carries what the backward pass does along it. For an input $x$ of an op with
output $out$, the **local derivative** is $\\partial out/\\partial x$ (the rule's partial,
evaluated where the forward pass was), the **upstream gradient** is
$g = \\partial L/\\partial out$, and the **contribution** is $g \\cdot local$, the amount
the engine adds to `x.grad` along this edge. A node used twice (`x * x`) has two edges,
and its grad is the sum of their contributions:

$$\\frac{\\partial L}{\\partial x} = \\sum_{\\text{edges } x \\to op}
g_{op} \\cdot \\frac{\\partial out_{op}}{\\partial x}$$

Edges are listed in the order the engine runs them, so summing contributions in list
order gives each Value's `.grad` exactly, to the last bit.

Where the numbers come from:

* `step=None` (the default): the graph as it is. A Value's grad is its `.grad`, shown
  only once a backward pass has run, which is taken to be when the root's `.grad` is
  nonzero (`backward()` seeds it with 1); before that every grad is None, "not
  computed", never a misleading 0. Pass `grads=True` or `False` to decide yourself.
  Tensors keep grads only on leaves with `requires_grad` and on `retain_grad()` nodes;
  other nodes say "not kept".
* `step=k`: the backward pass replayed from a seed of 1 up to its k-th chain-rule step,
  without touching any `.grad`: the gradients reached so far and the steps done.

Graphs with more than `max_nodes` drawn nodes (value nodes plus op nodes) are
summarised: the nodes nearest the output are kept (breadth first from the root), and the
nodes where the walk stopped are marked as having inputs that are not shown. The walk is
iterative and linear in the size of the graph, so a 10,000-node graph takes milliseconds.

Example:
    >>> import autograd_lite as ag
    >>> x = ag.Value(3.0, label="x")
    >>> y = x * x
    >>> y.backward()
    >>> g = walk(y)
    >>> [(e.local, e.contribution) for e in g.edges]
    [(3.0, 3.0), (3.0, 3.0)]
    >>> g.value_of(g.edges[0].src).grad
    6.0
"""

from __future__ import annotations

from collections import deque
from dataclasses import replace
from typing import Any

import numpy as np

from .. import rules as R
from ..graph import topological_order
from ..tensor import Tensor
from ..value import Value
from .model import (
    NO_GRAD,
    NOT_COMPUTED,
    NOT_KEPT,
    REACHED,
    Edge,
    Graph,
    Kind,
    OpNode,
    Role,
    ValueNode,
)
from .names import constant_text, names_of, op_symbol
from .options import DEFAULT_MAX_NODES
from .replay import Replay, local_derivative, replay, step_offsets

# ---------------------------------------------------------------- entry point


def check_root(root: object, caller: str) -> Kind:
    """Return `"Value"` or `"Tensor"`, or raise a TypeError naming `caller`."""
    if isinstance(root, Value):
        return "Value"
    if isinstance(root, Tensor):
        return "Tensor"
    raise TypeError(
        f"{caller}: expected an ag.Value or ag.Tensor (the output of a computation), got "
        f"{type(root).__name__} {root!r:.60}; build the graph first, e.g. "
        "out = (x * w + b).tanh(), then pass out"
    )


def engine_order(root: Value | Tensor, caller: str) -> list[Any]:
    """`topological_order(root)`, with an error for a released graph that names `caller`."""
    try:
        return topological_order(root)
    except RuntimeError:
        raise RuntimeError(
            f"{caller}: this tensor's graph was released by backward(), so there is nothing "
            "left to draw; draw it before calling backward(), or call "
            "backward(retain_graph=True)"
        ) from None


def walk(
    root: Value | Tensor,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    grads: bool | None = None,
    step: int | None = None,
) -> Graph:
    """Walk the graph that produced `root` and return it as plain data (nothing changes).

    Args:
        root: the output node, a `Value` or a `Tensor`.
        max_nodes: the most value nodes plus op nodes to return; larger graphs are
            summarised, keeping the part nearest the output. None for no limit.
        grads: show grads (True), show none (False), or decide by whether a backward
            pass has run (None: a Value root's `.grad` is nonzero; a Tensor graph has a
            `.grad` somewhere). Ignored with `step`.
        step: replay the backward pass from a seed of 1 up to this many chain-rule
            steps (0 to `total_steps`; -1 for all of them, as in list indexing) instead
            of reading `.grad`.

    Returns:
        The value nodes, op nodes and edges; see `Graph`.

    Raises:
        TypeError: `root` is not a Value or a Tensor.
        ValueError: `max_nodes` is below 1, or `step` is out of range.
        RuntimeError: a Tensor graph already released by `backward()`.
    """
    kind = check_root(root, "walk")
    if max_nodes is not None and max_nodes < 1:
        raise ValueError(f"walk: max_nodes must be at least 1 (or None), not {max_nodes}")
    order = engine_order(root, "walk")
    n_ops = sum(1 for node in order if node._op is not None)
    full = max_nodes is None or len(order) + n_ops <= max_nodes
    if full:
        shown: set[Any] = set(order)
        expanded: set[Any] = {node for node in order if node._op is not None}
    else:
        assert max_nodes is not None
        shown, expanded = _nearest_output(root, max_nodes)
    ids = {node: f"v{i}" for i, node in enumerate(order) if node in shown}
    names = names_of(order)

    tensor = kind == "Tensor"
    offsets, total_steps = step_offsets(order, tensor)
    replayed = None
    if step is not None:
        if not -total_steps - 1 <= step <= total_steps:
            raise ValueError(
                f"walk: step must be between 0 and {total_steps} (the number of chain-rule "
                f"steps in this backward pass), or negative to count from the end, not {step}"
            )
        step = step % (total_steps + 1)
        replayed = replay(order, offsets, tensor, step)
    computed = _grads_computed(root, order, tensor) if grads is None else grads
    if replayed is not None:
        computed = True

    edges: list[Edge] = []
    for node in order:
        if node not in expanded:
            continue
        out_grad = _grad_float(node) if computed and not tensor and replayed is None else None
        edges.extend(_edges(node, ids, offsets[node], out_grad, replayed, tensor))

    values, ops = [], []
    for node in _inputs_first(root, expanded):
        ident = ids[node]
        value = _value_node(node, root, ident, names[node], computed, replayed, tensor)
        if node._op is not None and node not in expanded:
            value = replace(value, hidden_inputs=True)
        values.append(value)
        if node in expanded:
            ops.append(_op_node(node, ident, names))
    hidden = [v for v in values if v.hidden_inputs]
    note = ""
    if not full:
        note = (
            f"summarised: {len(values)} of {len(order)} values, those nearest the output; "
            f"the inputs of {len(hidden)} marked ⋯ are not shown"
        )
    return Graph(
        kind=kind,
        root="v0",
        values=values,
        ops=ops,
        edges=edges,
        grads_computed=computed,
        total_nodes=len(order),
        total_steps=total_steps,
        step=step,
        summarised=not full,
        note=note,
    )


# ---------------------------------------------------------------- selection and order


def _nearest_output(root: Any, max_nodes: int) -> tuple[set[Any], set[Any]]:
    """Breadth first from the root: expand nodes while the drawn count stays in budget.

    Expanding a node draws its op and any inputs not drawn yet. Returns the nodes drawn
    and the nodes expanded (whose op and input edges are drawn).
    """
    shown = {root}
    expanded: set[Any] = set()
    used = 1
    queue = deque([root])
    while queue:
        node = queue.popleft()
        if node._op is None:
            continue
        new: list[Any] = []
        for parent in node._parents:
            if parent not in shown and all(parent is not p for p in new):
                new.append(parent)
        if used + 1 + len(new) > max_nodes:
            break  # breadth first: every node still queued is at least as far away
        expanded.add(node)
        shown.update(new)
        used += 1 + len(new)
        queue.extend(new)
    return shown, expanded


def _inputs_first(root: Any, expanded: set[Any]) -> list[Any]:
    """Drawn nodes, each after its inputs, first inputs first (x before y in `x * y`).

    A depth-first post-order, iterative; it follows inputs only through expanded nodes.
    """
    out: list[Any] = []
    seen: set[Any] = set()
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        if done:
            out.append(node)
            continue
        if node in seen:
            continue
        seen.add(node)
        stack.append((node, True))
        if node in expanded:
            for parent in reversed(node._parents):
                if parent not in seen:
                    stack.append((parent, False))
    return out


# ---------------------------------------------------------------- grads and locals


def _grad_float(node: Any) -> float:
    """A Value's grad as a float (it is a Value after `backward(create_graph=True)`)."""
    g = node.grad
    return float(g.data if isinstance(g, Value) else g)


def _grads_computed(root: Any, order: list[Any], tensor: bool) -> bool:
    if not tensor:
        return _grad_float(root) != 0.0
    return any(node.grad is not None for node in order)


def _edges(
    node: Any,
    ids: dict[Any, str],
    offset: int,
    out_grad: float | None,
    replayed: Replay | None,
    tensor: bool,
) -> list[Edge]:
    """The input edges of `node`'s op, numbered from step `offset + 1`."""
    op: R.Rule = node._op
    dst = "op" + ids[node][1:]
    edges = []
    k = offset
    parents = node._parents
    for i, parent in enumerate(parents):
        formula = op.formula(i)
        src, variable = ids[parent], R.input_name(i, len(parents))
        if tensor:
            k += bool(parent.requires_grad)
            step = k if parent.requires_grad else 0
            shapes = tuple(parent.data.shape), tuple(node.data.shape)
            edges.append(
                Edge(src, dst, i, variable, formula, None, None, None, None, step, *shapes)
            )
            continue
        k += 1
        local = local_derivative(node, i)
        upstream = contribution = total = None
        if replayed is not None:
            _, upstream, contribution, total = replayed.edges.get((node, i), (None,) * 4)
        elif out_grad is not None:
            upstream, contribution = out_grad, out_grad * local
        edges.append(Edge(src, dst, i, variable, formula, local, upstream, contribution, total, k))
    return edges


def _role(node: Any, root: Any) -> Role:
    if node is root:
        return "output"
    if node._op is not None:
        return "intermediate"
    if isinstance(node, Tensor) and node.requires_grad:
        return "parameter"
    return "leaf" if node.label else "constant"


def _value_node(
    node: Any,
    root: Any,
    ident: str,
    name: str,
    computed: bool,
    replayed: Replay | None,
    tensor: bool,
) -> ValueNode:
    grad: Any = None
    note = NOT_COMPUTED
    if tensor and not node.requires_grad:
        note = NO_GRAD
    elif replayed is not None:
        if node in replayed.reached:
            grad, note = (None, REACHED) if tensor else (replayed.grads[node], "")
    elif computed:
        if not tensor:
            grad, note = _grad_float(node), ""
        elif node.grad is not None:
            g = node.grad
            grad, note = (g.data if isinstance(g, Tensor) else g), ""
        elif node._op is not None and not node._retain:
            note = NOT_KEPT
    shape = dtype = None
    if tensor:
        shape, dtype = tuple(node.data.shape), str(node.data.dtype)
    return ValueNode(
        id=ident,
        name=name,
        label=node.label,
        role=_role(node, root),
        data=node.data,
        grad=grad,
        grad_note=note,
        shape=shape,
        dtype=dtype,
    )


def _op_node(node: Any, value_id: str, names: dict[Any, str]) -> OpNode:
    op: R.Rule = node._op
    kept, left = _kept_constant(node)
    return OpNode(
        id="op" + value_id[1:],
        name=op.name,
        symbol=op_symbol(op, node._ctx),
        expr=op.expr,
        formulas=op.formulas,
        elementwise=op.elementwise,
        constant=constant_text(op, node._ctx),
        output=value_id,
        operands=_operands(node, names),
        kept=kept,
        kept_left=left,
    )


def _is_number(c: Any) -> bool:
    return isinstance(c, (int, float, np.floating, np.integer)) and not isinstance(c, bool)


def _kept_constant(node: Any) -> tuple[str, bool]:
    """The number an infix op keeps as its other operand (`x * 2`, `2 - x`), and whether
    it stands on the left; ("", False) for none. A power's exponent stays in its symbol."""
    show = node._op.show
    if show.form != "infix" or show.consts is None or show.precedence == R.POWER_LEVEL:
        return "", False
    if len(node._parents) != 1 or not _is_number(node._ctx):
        return "", False
    return show.consts(node._ctx), show.swapped


def _operands(node: Any, names: dict[Any, str]) -> dict[str, str]:
    """What the placeholders of the node's formulas stand for (see `formula.named`).

    `x` is the first input, `y` the second, or the number a one-input op keeps (also
    called `c`), `out` the node itself, and any word the op's formulas use for its
    constants (`lo` and `hi` for clip: `Show.operands`).
    """
    parents = node._parents
    operands = {"x": names[parents[0]], "out": names[node]}
    if len(parents) > 1:
        operands["y"] = names[parents[1]]
    elif _is_number(node._ctx):
        operands["y"] = operands["c"] = R.number(node._ctx)
    words = node._op.show.operands
    if words is not None and node._ctx is not None:
        operands.update(words(node._ctx))
    return operands
