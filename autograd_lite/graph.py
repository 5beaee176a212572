"""The order in which backward() visits a graph: shared by `Value` and `Tensor`.

A node's gradient is complete only when every node that used it has passed its
contribution down. Visiting in *reverse topological order* (the output first, each
node before its inputs) guarantees that. The walk is iterative, so a chain of a
million nodes needs no recursion limit. (Forward mode needs no walk: each node gets its
tangent as it is made, `tangent.py`.)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from .anomaly import check_step, infinite_local
from .grad_mode import _State
from .rules import sum_to

RELEASED = (
    "backward: this graph was already used by a backward pass, which released the arrays "
    "it saved; pass retain_graph=True to the first backward() to go through it again"
)


# A marker pushed above a node whose inputs are being visited. A sentinel rather than a
# (node, flag) tuple: no allocation per node, which makes the walk 3x faster on long chains.
_EXPANDED = object()


def topological_order(root: Any) -> list[Any]:
    """Return every node `root` depends on, `root` first, each before its inputs.

    Nodes are anything with a `_parents` tuple. An iterative depth-first search emits a
    node after all of its inputs (post-order); reversing that list gives the order.

    Raises:
        RuntimeError: a node's graph was released by an earlier backward pass.

    Example:
        >>> import autograd_lite as ag
        >>> x = ag.Value(2.0, label="x")
        >>> y = x * x + x
        >>> [n.label or n._op.name for n in topological_order(y)][-1]
        'x'
    """
    order: list[Any] = []
    seen: set[Any] = set()
    stack: list[Any] = [root]
    push, pop, emit, mark = stack.append, stack.pop, order.append, seen.add
    while stack:
        node = pop()
        if node is _EXPANDED:  # all inputs of the node below it are emitted: emit it
            emit(pop())
            continue
        # Mark a node when it is expanded, not when it is pushed: a node reached again
        # through a longer path must still be emitted after that path's nodes. A node
        # of one input goes straight on to it, without the trip through the stack (a
        # chain of unary ops is most of a graph: 20% of the sort's time).
        while node not in seen:
            mark(node)
            parents = node._parents
            if not parents:
                if parents is None:
                    raise RuntimeError(RELEASED)
                emit(node)  # a leaf: nothing to visit first
                break
            push(node)
            push(_EXPANDED)
            if len(parents) == 1:
                node = parents[0]
                continue
            for parent in parents:
                if parent not in seen:
                    push(parent)
            break
    order.reverse()
    return order


class Step(NamedTuple):
    """One chain-rule step: the gradient one edge of the graph carries to an input.

    Attributes:
        node: the op's output, whose gradient `g` is complete.
        position: which input of the op (0 for x, 1 for y, ...).
        parent: that input.
        g: $\\partial L/\\partial\\,node$, the upstream gradient.
        local: $\\partial\\,node/\\partial\\,parent$ for an elementwise op; None for a
            structural one (its vector-Jacobian product is never split into a factor).
        contribution: what the step adds to the input's gradient: `g * local` (summed
            back to the input's shape), or the vector-Jacobian product.
    """

    node: Any
    position: int
    parent: Any
    g: Any
    local: Any
    contribution: Any


def chain_rule(
    root: Any,
    seed: Any,
    order: list[Any] | None = None,
    create_graph: bool = False,
    grads: dict[Any, Any] | None = None,
) -> Iterator[Step]:
    """Yield every chain-rule step of the backward pass from `root`, in the engine's order.

    Nodes are visited output first; each op passes $g \\cdot local$ (or its
    vector-Jacobian product) to each input that needs a gradient, one input after the
    other. This is the one general backward loop: `create_graph`, `ag.grad`, the
    visualizer's replay and its tables all read it. `Value.backward` and
    `Tensor.backward` keep fast loops of their own, tested to agree with it.

    Args:
        root: the output.
        seed: $\\partial L/\\partial\\,root$ (1.0, or an array of root's shape).
        order: `topological_order(root)`, if already computed.
        create_graph: compute on nodes (recorded, so the gradients can be differentiated
            again) instead of on their numbers.
        grads: a dict to keep the running gradients in (read it after the loop for
            every node's total); a new one if None.

    Raises:
        ZeroDivisionError: a local derivative is infinite at the point (sqrt at 0), with
            the op and its formula named.
    """
    if order is None:
        order = topological_order(root)
    if grads is None:
        grads = {}
    grads[root] = seed
    checked = _State.anomaly  # ag.detect_anomaly(): check every step's contribution
    for node in order:
        op = node._op
        if op is None or node not in grads:
            continue
        g = grads[node]
        parents = node._parents
        out = node if create_graph else node.data
        if op.elementwise:
            x = parents[0]
            second = node._ctx if len(parents) == 1 else parents[1]
            if not create_graph:
                x, second = x.data, (second if len(parents) == 1 else second.data)
        else:
            xs = parents if create_graph else tuple(p.data for p in parents)
        for i, parent in enumerate(parents):
            if not parent.requires_grad:
                continue
            if op.elementwise:
                local = _local(op, i, x, second, out, node)
                if type(local) is float and local == 1.0:
                    contribution = g
                elif type(g) is float and g == 1.0:
                    contribution = local
                else:
                    contribution = g * local
                if hasattr(parent.data, "shape"):  # undo NumPy broadcasting
                    contribution = sum_to(contribution, parent.data.shape)
            else:
                local = None
                contribution = op.vjp(g, xs, node._ctx, out, i)
            if checked:
                check_step(node, i, parent, g, contribution)
            yield Step(node, i, parent, g, local, contribution)
            grads[parent] = grads[parent] + contribution if parent in grads else contribution


def _local(op: Any, i: int, x: Any, second: Any, out: Any, node: Any) -> Any:
    try:
        return op.partials[i](x, second, out)
    except ZeroDivisionError:
        if _State.anomaly:
            raise infinite_local(node, i) from None
        at = getattr(x, "data", x)
        raise ZeroDivisionError(
            f"backward: the derivative of {op.name} ({op.expr}) is infinite at x = {at!r}: "
            f"its formula {op.formulas[i]} divides by zero there"
        ) from None


def gradients(
    root: Any, seed: Any, order: list[Any] | None = None, create_graph: bool = False
) -> dict[Any, Any]:
    """$\\partial L/\\partial n$ for every node n that the backward pass reaches, in a dict.

    No `.grad` is touched. With `create_graph=True` every gradient is a node recorded as
    a graph of its own. Built on `chain_rule`.
    """
    grads: dict[Any, Any] = {}
    for _ in chain_rule(root, seed, order, create_graph, grads):
        pass
    return grads
