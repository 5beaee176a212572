"""Check a topological sort written by the learner, on graphs with shared nodes and depth.

The learner writes micrograd's `build_topo`: every node the output depends on, *inputs
first*, each node after all of its inputs; `backward()` then walks that list reversed, so
each node's gradient is complete (every node that uses it has added its share) before it
is passed on. The checks: every node once, each after its inputs, on the neuron of
`02_backprop`, on the graph that breaks breadth-first order (`L = u + 2u`), and on a chain
deeper than Python's recursion limit.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from ..graph import topological_order
from ..value import Value
from .result import Result, name_of, run


def _labelled(node: Value, label: str) -> Value:
    node.label = label
    return node


def _neuron() -> Value:
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(0.5, label="b")
    s = _labelled(_labelled(x1 * w1, "x1*w1") + _labelled(x2 * w2, "x2*w2"), "s")
    n = _labelled(s + b, "n")
    return _labelled(n.tanh(), "o")


def _shared() -> Value:
    """u = x², v = 2u, L = u + v: breadth first from L visits u before v has added to it."""
    x = Value(3.0, label="x")
    u = _labelled(x * x, "u")
    v = _labelled(u * Value(2.0, label="two"), "v")
    return _labelled(u + v, "L")


def _chain(depth: int) -> Value:
    y = Value(1.0, label="x0")
    for i in range(depth):
        y = _labelled(y * 1.0, f"x{i + 1}")
    return y


def _name(node: Any) -> str:
    return f"`{getattr(node, 'label', '') or repr(node)}`"


def _verdict(order: Any, root: Value, graph: str) -> str:
    """'' when `order` is a valid inputs-first order of root's graph, else the sentence."""
    if not isinstance(order, (list, tuple)):
        return f"on {graph} it returned {type(order).__name__}, not a list of nodes"
    wanted = topological_order(root)
    position: dict[int, int] = {}
    for i, node in enumerate(order):
        if id(node) in position:
            return (
                f"on {graph}, node {_name(node)} is in the list twice (positions "
                f"{position[id(node)]} and {i}); keep a set of visited nodes"
            )
        position[id(node)] = i
    for node in reversed(wanted):  # inputs first: report the deepest missing node
        if id(node) not in position:
            return f"on {graph}, node {_name(node)} is missing from the list"
    if len(order) != len(wanted):
        return f"on {graph} the list has {len(order)} nodes, but the graph has {len(wanted)}"
    for node in order:
        for parent in node._parents:
            if position[id(parent)] > position[id(node)]:
                return (
                    f"on {graph}, {_name(node)} is at position {position[id(node)]} but its "
                    f"input {_name(parent)} is at {position[id(parent)]}; every node must come "
                    "after all of its inputs, so that backward (walking the list reversed) "
                    f"passes on {_name(parent)}'s gradient only once it is complete"
                )
    return ""


def check_topological_sort(answer: Callable[[Value], Any]) -> Result:
    """Check `answer(root)`: a list of every node `root` depends on, inputs first.

    Each node must appear once, after all of its inputs (`node._parents`), the root last:
    micrograd's `build_topo` order, which `backward()` walks reversed.

    Args:
        answer: the learner's function of the output `Value`.

    Returns:
        A `Result`; on a wrong answer it names the graph, the node and its misplaced input.

    Example:
        >>> from autograd_lite import exercises as ex
        >>> def breadth_first(root):     # looks natural, but is not topological
        ...     order, queue = [], [root]
        ...     while queue:
        ...         node = queue.pop(0)
        ...         if node not in order:
        ...             order.append(node)
        ...             queue.extend(node._parents)
        ...     return order[::-1]
        >>> ex.check_topological_sort(breadth_first).passed
        False
    """
    exercise = name_of(answer)
    depth = max(5_000, 2 * sys.getrecursionlimit())
    graphs = (
        ("the neuron o = tanh(x1*w1 + x2*w2 + b)", _neuron()),
        ("L = u + v with u = x*x, v = u*two", _shared()),
        (f"a chain of {depth:,} multiplications", _chain(depth)),
    )
    for graph, root in graphs:
        order, problem = run(answer, root)
        if problem:
            return Result(exercise, False, f"on {graph}, {problem}")
        verdict = _verdict(order, root, graph)
        if verdict:
            return Result(exercise, False, verdict)
    return Result(
        exercise,
        True,
        "every node once, each after its inputs, on all three graphs (a shared node and a "
        f"{depth:,}-deep chain included)",
    )
