"""`ag.checkpoint`: trade compute for memory by running part of a model twice.

The backward pass needs what the forward pass saved: every intermediate array of every
layer is kept until backward has used it, so memory grows with depth. Checkpointing a
segment keeps only its inputs and its output: `checkpoint(fn, *args)` runs `fn`, keeps
the result's numbers, and drops the graph inside. In backward the segment runs again,
recorded this time, and its own backward pass gives the gradients of its inputs and of
the parameters it uses. Checkpointing every k-th layer of an L-layer network keeps about
L/k + k layers' arrays alive instead of L, for about one more forward pass.

The result is one node of a `Function` named `Checkpoint`, whose inputs are `fn`'s node
arguments and the leaves (parameters) found in its graph; so it works on Values and
Tensors, in every transform, and under `create_graph` (the recomputation is recorded).
`fn` must compute the same thing when run again: no fresh randomness inside it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .function import Function, FunctionCtx
from .grad_mode import enable_grad, is_grad_enabled
from .graph import topological_order
from .pytree import Structure, flatten, unflatten
from .tensor import Tensor, raw
from .transforms import pullback_sum
from .validators import check_function
from .value import Value


class _Recipe:
    """How to run the segment again: fn, its arguments, and where the nodes among them sit."""

    __slots__ = ("args", "fn", "kwargs", "positions", "structure")

    def __init__(
        self,
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        positions: list[int],
        structure: Structure,
    ) -> None:
        self.fn = fn
        self.args = args
        self.kwargs = kwargs
        self.positions = positions
        self.structure = structure

    def run(self, nodes: list[Any]) -> Any:
        """fn's result, with `nodes` in place of its node arguments."""
        args = list(self.args)
        for position, node in zip(self.positions, nodes):
            args[position] = node
        return self.fn(*args, **self.kwargs)


def _detached(x: Any) -> Any:
    """A leaf with x's numbers: the segment's graph starts here and goes no deeper."""
    if isinstance(x, Value):
        return Value(x.data)
    return Tensor(x.data, requires_grad=x.requires_grad)


class Checkpoint(Function):
    """A segment run without its graph, and run again in backward (`ag.checkpoint`)."""

    @staticmethod
    def forward(ctx: FunctionCtx, recipe: _Recipe, outputs: list[Any], *nodes: Any) -> Any:
        """fn(*args), computed already, with its graph dropped"""
        ctx.save_for_backward(*nodes)
        ctx.recipe = recipe  # type: ignore[attr-defined]
        return tuple(outputs) if len(outputs) > 1 else outputs[0]

    @staticmethod
    def backward(ctx: FunctionCtx, *grads: Any) -> Any:
        recipe: _Recipe = ctx.recipe  # type: ignore[attr-defined]
        nodes = ctx.saved_tensors
        n_args = len(recipe.positions)
        recorded = is_grad_enabled()  # backward runs recorded under create_graph
        with enable_grad():
            if recorded:  # connected to the inputs, so the gradients stay differentiable
                starts = [x + 0.0 for x in nodes[:n_args]]
            else:
                starts = [_detached(x) for x in nodes[:n_args]]
            outs = flatten(recipe.run(starts))[0]
        targets = [*starts, *nodes[n_args:]]
        seeds = [g if recorded else raw(g) for g in grads]
        return (None, None, *pullback_sum(outs, seeds, targets, recorded))


def checkpoint(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run `fn(*args, **kwargs)` keeping only its output; recompute its graph in backward.

    The gradients are those of `fn(*args)`, exactly: for its node arguments and for the
    parameters (leaves that require grad) that `fn` uses. Memory: `fn`'s intermediate
    arrays are freed after the forward pass; time: `fn` runs once more in backward.

    Args:
        fn: a deterministic function of Values or Tensors (a layer, a block of layers),
            returning a node or a tuple, list or dict of nodes.
        *args: its arguments; nodes among them are differentiated.
        **kwargs: passed to fn, not differentiated.

    Returns:
        What fn returns, as nodes of one `Checkpoint` op.

    Example:
        >>> import numpy as np, autograd_lite as ag
        >>> W = ag.Tensor(np.eye(2) * 0.5, requires_grad=True)
        >>> x = ag.Tensor([1.0, -1.0], requires_grad=True)
        >>> y = ag.checkpoint(lambda h: (h @ W).tanh(), x)
        >>> y._op.name
        'Checkpoint'
        >>> y.sum().backward()
        >>> np.round(W.grad, 4)
        array([[ 0.7864,  0.7864],
               [-0.7864, -0.7864]])
    """
    check_function("checkpoint", fn, "ag.checkpoint(fn, x): the function, then its arguments")
    positions = [i for i, a in enumerate(args) if isinstance(a, (Value, Tensor))]
    with enable_grad():
        starts = [_detached(args[i]) for i in positions]
        recipe = _Recipe(fn, args, kwargs, positions, ())
        returned = recipe.run(starts)
    outs, recipe.structure = flatten(returned)
    inside = set(map(id, starts))
    parameters = []
    for out in outs:
        if not isinstance(out, (Value, Tensor)) or not out.requires_grad:
            continue
        for node in topological_order(out):
            if node._op is None and node.requires_grad and id(node) not in inside:
                inside.add(id(node))
                parameters.append(node)
    data = [raw(out) for out in outs]
    del returned, outs  # fn's graph: freed here
    made = Checkpoint.apply(recipe, data, *[args[i] for i in positions], *parameters)
    return unflatten(recipe.structure, list(made) if len(data) > 1 else [made])


__all__ = ["Checkpoint", "checkpoint"]
