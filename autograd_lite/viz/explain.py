"""The backward pass narrated: every chain-rule step, in the order the engine runs it.

`backward()` visits the nodes output first; at each op it sends the op's gradient $g$
back to each input $x$ along one edge, adding $g \\cdot \\partial out/\\partial x$ to the
input's gradient. `explain(root)` lists those steps as data (a list of `Step`), and
prints them as a table. It replays the pass on plain numbers from a seed of 1, exactly
as `Value.backward` computes it, without touching any `.grad`; so it works before or
after `backward()`, and each step's running total is, at the last step that reaches a
node, that node's grad bit for bit.

Example (micrograd's neuron, as in its lecture):
    >>> import autograd_lite as ag
    >>> x1, w1 = ag.Value(2.0, label="x1"), ag.Value(-3.0, label="w1")
    >>> x2, w2 = ag.Value(0.0, label="x2"), ag.Value(1.0, label="w2")
    >>> b = ag.Value(6.8813735870195432, label="b")
    >>> out = (x1 * w1 + x2 * w2 + b).tanh()
    >>> out.label = "out"
    >>> steps = explain(out)
    >>> first = steps[0]
    >>> first.node, first.input, first.formula, round(first.local, 4)
    ('out', 'x1*w1 + x2*w2 + b', '1 - out^2', 0.5)
    >>> [s.formula for s in steps if s.input == "x1"]   # ∂(x1*w1)/∂x1 = w1
    ['w1']
    >>> [(s.input, round(s.total, 4)) for s in steps if s.input in ("x1", "w1")]
    [('x1', -1.5), ('w1', 1.0)]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import formula as F
from .drawing import fmt, fmt_shape
from .style import columns as _width
from .style import printable
from .walk import Graph, check_root, walk


@dataclass(frozen=True)
class Step:
    """One chain-rule step: `input.grad += upstream * local`.

    Attributes:
        index: the step's position in the backward pass, from 1.
        node: name of the op's output (`out`), whose gradient is passed down.
        op: the op's name (`"tanh"`).
        input: name of the input the gradient is passed to.
        variable: `"x"` or `"y"`: which input of the op, as the rule table calls it.
        formula: $\\partial node/\\partial input$ as text, in the operands' own names
            (`"w"` for the step from `x` into `w*x`; for a structural Tensor op, its
            vector-Jacobian product).
        local: $\\partial node/\\partial input$ evaluated (Values; None for Tensors).
        upstream: $g = \\partial L/\\partial node$ (Values; None for Tensors).
        contribution: $g \\cdot local$, added to the input's gradient.
        total: the input's gradient after this step (the running total).
        input_shape: the input's shape (Tensors; None for Values).
        output_shape: the node's shape, that of $g$ (Tensors; None for Values).
        rule_formula: the formula as the rule table writes it, with its placeholders
            (`"x"` for the step from `x` into `w*x`).
    """

    index: int
    node: str
    op: str
    input: str
    variable: str
    formula: str
    local: float | None
    upstream: float | None
    contribution: float | None
    total: float | None
    input_shape: tuple[int, ...] | None = None
    output_shape: tuple[int, ...] | None = None
    rule_formula: str = ""


class Explanation(list[Step]):
    """The steps of a backward pass: a list of `Step`, printed as an aligned table.

    Attributes:
        root: the name of the output the pass starts from.
        kind: `"Value"` or `"Tensor"`.
    """

    def __init__(self, steps: list[Step], root: str, kind: str, precision: int = 4) -> None:
        super().__init__(steps)
        self.root = root
        self.kind = kind
        self.precision = precision

    def table(self) -> str:
        """The steps as an aligned text table, the seed first."""
        p = self.precision
        if self.kind == "Value":
            head = ["step", "node", "op", "input", "∂node/∂input", "local", "× node.grad",
                    "= contrib", "input grad"]  # fmt: skip
            rows = [
                [str(s.index), s.node, s.op, s.input, s.formula]
                + [fmt(v, p) if v is not None else "" for v in (s.local, s.upstream)]
                + [fmt(v, p) if v is not None else "" for v in (s.contribution, s.total)]
                for s in self
            ]
            seed = f"{F.grad_of(self.root)} = 1 (the seed: {F.partial(self.root, self.root)})"
        else:
            head = ["step", "node", "op", "input", "∂node/∂input, or vjp of g", "g shape",
                    "input shape"]  # fmt: skip
            rows = [[str(s.index), s.node, s.op, s.input, s.formula, *_shapes(s)] for s in self]
            seed = f"{self.root}.grad = ones (the seed)"
        rows = [[printable(cell) for cell in row] for row in rows]
        seed = printable(seed)
        numeric = {0} | ({5, 6, 7, 8} if self.kind == "Value" else set())
        widths = [max(_width(r[i]) for r in [head, *rows]) for i in range(len(head))]
        lines = [_row(head, widths, numeric), _row(["0", seed], [widths[0], 0], {0})]
        lines += [_row(r, widths, numeric) for r in rows]
        return "\n".join(line.rstrip() for line in lines)

    def __str__(self) -> str:
        return self.table()

    def __repr__(self) -> str:
        return f"<Explanation: {len(self)} chain-rule steps from {self.root}>\n{self.table()}"


def _shapes(step: Step) -> list[str]:
    return [fmt_shape(step.output_shape), fmt_shape(step.input_shape)]


def _row(cells: list[str], widths: list[int], numeric: set[int]) -> str:
    out = []
    for i, (cell, width) in enumerate(zip(cells, widths)):
        pad = " " * max(0, width - _width(cell))
        out.append(pad + cell if i in numeric else cell + pad)
    return "  ".join(out)


def explain(root: Any, precision: int = 4) -> Explanation:
    """List every chain-rule step of `root.backward()`, in the engine's order.

    For each op, output first, and each of its inputs: the node, the input, the local
    derivative $\\partial node/\\partial input$ (formula and number), the upstream
    gradient $g$, the contribution $g \\cdot local$ and the input's running total. For
    Tensors: the formulas (or vector-Jacobian products) and the shapes. No `.grad` is
    read or changed.

    Args:
        root: the output, a `Value` or a `Tensor`.
        precision: decimals shown by `table()`.

    Returns:
        An `Explanation`: a list of `Step`; `print()` it for a table.

    Raises:
        TypeError: `root` is not a Value or a Tensor.
        RuntimeError: a Tensor graph already released by `backward()`.
    """
    check_root(root, "explain")
    graph = walk(root, max_nodes=None, step=-1)
    return Explanation(steps_of(graph), graph.value_of(graph.root).name, graph.kind, precision)


def steps_of(graph: Graph) -> list[Step]:
    """The `Step`s of the edges of a walk that carry a gradient, in the engine's order."""
    names = {v.id: v.name for v in graph.values}
    ops = {op.id: op for op in graph.ops}
    steps = []
    for e in sorted((e for e in graph.edges if e.carries_grad), key=lambda e: e.step):
        op = ops[e.dst]
        steps.append(
            Step(
                e.step,
                names[op.output],
                op.name,
                names[e.src],
                e.variable,
                F.named(e.formula, op.operands, op.expr),
                e.local,
                e.upstream,
                e.contribution,
                e.total,
                e.input_shape,
                e.output_shape,
                e.formula,
            )
        )
    return steps
