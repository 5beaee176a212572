r"""The backward pass replayed on plain numbers, step by step, without touching `.grad`.

`Value.backward` visits the nodes output first and, at each op, adds
$g \cdot \partial out/\partial x$ to each input's grad, one input after the other: one
*chain-rule step* per edge. `replay` runs the same loop, with the same multiplications
in the same order, for the first k steps, so a picture can show the pass part way and
its running totals equal what `backward()` leaves in `.grad`, bit for bit.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..graph import chain_rule


def step_offsets(order: list[Any], tensor: bool) -> tuple[dict[Any, int], int]:
    """Number the chain-rule steps as the engine runs them: node by node, input by input.

    Returns, per node, how many steps come before its own, and the total. A Tensor
    input without `requires_grad` gets no step (the engine skips it).
    """
    offsets: dict[Any, int] = {}
    count = 0
    for node in order:
        offsets[node] = count
        if node._op is not None:
            if tensor:
                count += sum(1 for p in node._parents if p.requires_grad)
            else:
                count += len(node._parents)
    return offsets, count


def _second(node: Any) -> Any:
    """What a partial takes as `y`: the second input's data, or a unary op's constant."""
    parents = node._parents
    return parents[1].data if len(parents) == 2 else node._ctx


def local_derivative(node: Any, index: int) -> float:
    """$\\partial\\,node/\\partial\\,input_{index}$ of a Value node, as the engine computes it.

    Returns `nan` where the rule's formula is undefined (it divides by zero, or takes the
    log of a number <= 0); the engine would raise there.
    """
    x = node._parents[0].data
    op = node._op
    try:
        if not op.elementwise:  # an ag.Function of Values: its vjp of 1 is the local
            xs = tuple(p.data for p in node._parents)
            return float(op.vjp(1.0, xs, node._ctx, node.data, index))
        return float(op.partials[index](x, _second(node), node.data))
    except (ZeroDivisionError, ValueError, OverflowError):
        return math.nan


class Replay:
    """The state of a backward pass replayed up to a step: what each edge delivered."""

    def __init__(self) -> None:
        self.grads: dict[Any, float] = {}
        self.reached: set[Any] = set()
        self.edges: dict[tuple[Any, int], tuple[float, float, float, float]] = {}


def replay(order: list[Any], offsets: dict[Any, int], tensor: bool, until: int) -> Replay:
    """Run the engine's chain-rule steps from a seed of 1 for `until` steps.

    The steps come from `graph.chain_rule`, the engine's own general loop, so for
    Values the running totals are the ones `backward()` leaves in `.grad`, bit for bit.
    For Tensors only which nodes a gradient has reached is recorded.
    """
    state = Replay()
    root = order[0]
    state.reached.add(root)
    if not tensor:
        state.grads[root] = 1.0
    if until <= 0:
        return state
    seed = np.ones_like(root.data) if tensor else 1.0
    try:
        for k, step in enumerate(chain_rule(root, seed, order)):
            if k >= until:
                break
            parent = step.parent
            state.reached.add(parent)
            if tensor:
                continue
            grads = state.grads
            total = grads[parent] + step.contribution if parent in grads else step.contribution
            grads[parent] = total
            state.edges[(step.node, step.position)] = (
                step.local,
                step.g,
                step.contribution,
                total,
            )
    except (ZeroDivisionError, ValueError, OverflowError):
        pass  # the pass stops where the engine would raise; the picture shows it so far
    return state
