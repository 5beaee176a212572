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
    try:
        return float(node._op.partials[index](x, _second(node), node.data))
    except (ZeroDivisionError, ValueError, OverflowError):
        return math.nan


class Replay:
    """The state of a backward pass replayed up to a step: what each edge delivered."""

    def __init__(self) -> None:
        self.grads: dict[Any, float] = {}
        self.reached: set[Any] = set()
        self.edges: dict[tuple[Any, int], tuple[float, float, float, float]] = {}


def replay(order: list[Any], offsets: dict[Any, int], tensor: bool, until: int) -> Replay:
    """Run the engine's loop from a seed of 1 for `until` steps, on plain numbers.

    For Values this is `Value.backward`'s loop, with the same multiplications in the
    same order, so the running totals equal what `backward()` leaves in `.grad`
    bit for bit. For Tensors it only records which nodes a gradient has reached.
    """
    state = Replay()
    root = order[0]
    state.reached.add(root)
    if not tensor:
        state.grads[root] = 1.0
    for node in order:
        if node._op is None:
            continue
        base = offsets[node]
        if base >= until:
            break
        if tensor:
            k = base
            for parent in node._parents:
                if parent.requires_grad and k < until:
                    state.reached.add(parent)
                    k += 1
            continue
        g = state.grads[node]
        for i, parent in enumerate(node._parents):
            if base + i >= until:
                break
            local = local_derivative(node, i)
            contribution = g * local
            total = state.grads[parent] + contribution if parent in state.grads else contribution
            state.grads[parent] = total
            state.reached.add(parent)
            state.edges[(node, i)] = (local, g, contribution, total)
    return state
