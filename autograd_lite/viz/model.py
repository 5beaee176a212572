"""The plain data a walk yields: value nodes, op nodes, edges, and the graph holding them.

No engine objects are kept: numbers, arrays (not copied), names and ids, so a picture,
a table or a test can read a walk without reaching back into the graph. See `walk.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

Role = Literal["output", "parameter", "leaf", "constant", "intermediate"]
Kind = Literal["Value", "Tensor"]

# What a value node says instead of a grad (see `ValueNode.grad_note`).
NOT_COMPUTED = "not computed"
NOT_KEPT = "not kept"
NO_GRAD = "none"
REACHED = "reached"


@dataclass(frozen=True)
class ValueNode:
    """A Value or Tensor of the graph.

    Attributes:
        id: unique within the walk (`"v0"` is the root).
        name: the label, or for an unlabeled node a name derived from its inputs
            (`"x1*w1"`), or a constant's value (`"2"`).
        label: the node's own `label` ("" if none).
        role: `"output"` (the root), `"parameter"` (a Tensor leaf with
            `requires_grad`), `"leaf"` (a labeled input), `"constant"` (an unlabeled
            leaf, e.g. made from a Python number) or `"intermediate"`.
        data: the float (Value) or the ndarray (Tensor; not copied, do not modify).
        grad: $\\partial L/\\partial$ node (float or ndarray), or None when there is
            none to show; `grad_note` then says why.
        grad_note: "" when `grad` is shown; else `"not computed"`, `"not kept"` (a
            Tensor between the inputs and the output, after backward without
            `retain_grad()`), `"none"` (a Tensor with `requires_grad=False`), or
            `"reached"` (a Tensor gradient that a replayed backward has reached).
        shape: the Tensor's shape; None for a Value.
        dtype: the Tensor's dtype name; None for a Value.
        hidden_inputs: True when the graph was summarised here: the node was made by an
            op, but that op and its inputs are not in the walk.
    """

    id: str
    name: str
    label: str
    role: Role
    data: Any
    grad: Any
    grad_note: str
    shape: tuple[int, ...] | None
    dtype: str | None
    hidden_inputs: bool = False


@dataclass(frozen=True)
class OpNode:
    """An op: one application of a rule from `rules.py`.

    Attributes:
        id: unique within the walk (`"op0"` made the root).
        name: the rule's name (`"tanh"`).
        symbol: what the picture shows (`"+"`, `"*"`, `"**2"`, `"tanh"`).
        expr: the forward as text (`"tanh(x)"`).
        formulas: per input, $\\partial out/\\partial input$ as text, or for a
            structural op the vector-Jacobian product (`"g @ yᵀ"`).
        elementwise: False for structural ops (matmul, sum, reshape, ...).
        constant: the op's constant as text (the exponent of `x ** c`, an axis), or "".
        output: id of the value node this op made.
        operands: the names the formulas' placeholders stand for: `x` (the first
            input), `y` (the second input, or the constant `c` of a unary op, as a
            number) and `out` (the value node this op made), e.g. `{"x": "w", "y": "x",
            "out": "w*x"}` (see `formula.named`).
        kept: the number an infix op keeps as its other operand rather than as an input
            node (the `2` of `x * 2` or `2 - x`), as written; "" for none.
        kept_left: whether that number stands on the left (`2 - x`).
    """

    id: str
    name: str
    symbol: str
    expr: str
    formulas: tuple[str, ...]
    elementwise: bool
    constant: str
    output: str
    operands: dict[str, str] = field(default_factory=dict, hash=False)
    kept: str = ""
    kept_left: bool = False


@dataclass(frozen=True)
class Edge:
    """An input going into an op, with what the backward pass does along it.

    Attributes:
        src: id of the input's value node.
        dst: id of the op node.
        index: which input of the op (0 for `x`, 1 for `y`).
        variable: `"x"` or `"y"`, the input's name in the rule's formulas.
        formula: $\\partial out/\\partial x$ as text (a vector-Jacobian product for a
            structural op).
        local: $\\partial out/\\partial x$ evaluated (Values only; None for Tensors).
            `nan` where the derivative is undefined (`sqrt` at 0, `log` of x <= 0).
        upstream: $g = \\partial L/\\partial out$ (Values), or None before it is known.
        contribution: $g \\cdot local$, added to the input's grad along this edge, or
            None before it is known.
        total: with `step=k`, the input's gradient right after this edge's step
            (the running total); otherwise None.
        step: this edge's position (1-based) in the engine's backward pass; 0 for an
            edge that carries no gradient (a Tensor input without `requires_grad`).
        input_shape: the input's shape (Tensors; None for Values).
        output_shape: the op's output shape (Tensors; None for Values).
    """

    src: str
    dst: str
    index: int
    variable: str
    formula: str
    local: float | None
    upstream: float | None
    contribution: float | None
    total: float | None
    step: int
    input_shape: tuple[int, ...] | None = None
    output_shape: tuple[int, ...] | None = None

    @property
    def carries_grad(self) -> bool:
        """True when the backward pass sends a gradient along this edge."""
        return self.step > 0


@dataclass(frozen=True)
class Graph:
    """The result of `walk`.

    Attributes:
        kind: `"Value"` or `"Tensor"`.
        root: id of the root's value node (always `"v0"`).
        values: the value nodes, inputs first (the order pictures lay them out in).
        ops: the op nodes, in the same order as the values they made.
        edges: input edges in the order the engine's backward pass runs them.
        grads_computed: whether grads are shown (a backward pass has run, or `step`).
        total_nodes: value nodes in the whole graph, drawn or not.
        total_steps: chain-rule steps of a backward pass through the whole graph.
        step: the step replayed up to, or None for the graph's own state.
        summarised: True when nodes were left out because of `max_nodes`.
        note: a sentence saying what was left out, or "".
    """

    kind: Kind
    root: str
    values: list[ValueNode]
    ops: list[OpNode]
    edges: list[Edge]
    grads_computed: bool
    total_nodes: int
    total_steps: int
    step: int | None = None
    summarised: bool = False
    note: str = ""

    # id -> position in `values` / `ops`, built on first use: a picture looks up every
    # edge's nodes, and a search of the list each time made long chains quadratic.
    _value_index: dict[str, int] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _op_index: dict[str, int] = field(default_factory=dict, init=False, repr=False, compare=False)

    def value_of(self, node_id: str) -> ValueNode:
        """The value node with id `node_id`.

        Raises:
            KeyError: there is no such value node.
        """
        node = _find(self.values, node_id, self._value_index)
        if node is None:
            raise KeyError(f"walk: no value node {node_id!r} in this graph")
        return node

    def op_of(self, node_id: str) -> OpNode:
        """The op node with id `node_id`.

        Raises:
            KeyError: there is no such op node.
        """
        op = _find(self.ops, node_id, self._op_index)
        if op is None:
            raise KeyError(f"walk: no op node {node_id!r} in this graph")
        return op

    @property
    def size(self) -> int:
        """How many nodes a picture draws: value nodes plus op nodes."""
        return len(self.values) + len(self.ops)


N = TypeVar("N", ValueNode, OpNode)


def _find(nodes: list[N], node_id: str, index: dict[str, int]) -> N | None:
    """`nodes`' element with id `node_id`, through `index` (rebuilt if the list changed)."""
    i = index.get(node_id)
    if i is None or i >= len(nodes) or nodes[i].id != node_id:
        index.clear()
        index.update((node.id, k) for k, node in enumerate(nodes))
        i = index.get(node_id)
    return None if i is None else nodes[i]
