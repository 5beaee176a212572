"""The graph: topological order, deep chains, freeing by reference counting, imports."""

from __future__ import annotations

import gc
import subprocess
import sys
import weakref

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_lite as ag
from autograd_lite.graph import topological_order


class TrackedValue(ag.Value):
    __slots__ = ("__weakref__",)


class TrackedTensor(ag.Tensor):
    __slots__ = ("__weakref__",)


def test_order_puts_every_node_before_its_inputs() -> None:
    a, b = ag.Value(1.0), ag.Value(2.0)
    c = a * b
    d = c + a  # a reached by a short and a long path
    e = d * c
    order = topological_order(e)
    position = {id(n): i for i, n in enumerate(order)}
    assert len(order) == 5
    assert order[0] is e
    for node in order:
        for parent in node._parents:
            assert position[id(node)] < position[id(parent)]


class Node:
    """A bare graph node: what `topological_order` reads, and nothing else."""

    __slots__ = ("_parents",)

    def __init__(self, parents: tuple[Node, ...]) -> None:
        self._parents = parents


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=3),
        min_size=1,
        max_size=25,
    ),
    st.integers(min_value=1, max_value=3),
)
def test_order_of_a_random_graph_is_topological(inputs: list[list[int]], n_leaves: int) -> None:
    # Node k takes its inputs among the nodes made before it (repeats allowed, as x * x),
    # so chains, diamonds and nodes reached by paths of different lengths all occur.
    nodes = [Node(()) for _ in range(n_leaves)]
    for picks in inputs:
        nodes.append(Node(tuple(nodes[i % len(nodes)] for i in picks)))
    root = nodes[-1]
    order = topological_order(root)
    reachable, stack = set(), [root]
    while stack:
        node = stack.pop()
        if node not in reachable:
            reachable.add(node)
            stack.extend(node._parents)
    assert order[0] is root
    assert len(order) == len(set(order)) == len(reachable)
    assert set(order) == reachable
    position = {node: i for i, node in enumerate(order)}
    for node in order:
        for parent in node._parents:
            assert position[node] < position[parent]


def test_a_200000_node_value_chain_runs_backward() -> None:
    x = ag.Value(0.5)
    y = x
    for _ in range(100_000):
        y = (y * 0.99999).sin()  # 2 op nodes per step
    y.backward()
    assert 0.0 < x.grad < 1.0


def test_a_100000_node_tensor_chain_runs_backward() -> None:
    x = ag.Tensor(np.full(4, 0.5), requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 0.99999
    y.sum().backward()
    np.testing.assert_allclose(x.grad, np.full(4, 0.99999**100_000), rtol=1e-9)


def test_a_dropped_value_graph_is_freed_without_the_cycle_collector() -> None:
    gc.disable()
    try:
        x = TrackedValue(0.3)
        ref = weakref.ref(x)
        y = x
        for _ in range(1000):
            y = (y * x).tanh() + 1.0
        y.backward()
        del x, y
        assert ref() is None
    finally:
        gc.enable()


def test_a_dropped_tensor_graph_is_freed_without_the_cycle_collector() -> None:
    gc.disable()
    try:
        x = TrackedTensor(np.ones(3), requires_grad=True)
        ref = weakref.ref(x)
        y = (x @ x.reshape(3, 1)).sum() * x
        y.sum().backward(retain_graph=True)
        del x, y
        assert ref() is None
    finally:
        gc.enable()


def test_importing_the_package_loads_no_optional_dependency() -> None:
    code = (
        "import sys, autograd_lite; "
        "bad = [m for m in ('graphviz', 'matplotlib', 'torch', 'tqdm', 'scipy', 'sklearn') "
        "if m in sys.modules]; print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("make", [ag.Value, lambda v: ag.Tensor([v], requires_grad=True)])
def test_no_recursion_limit_is_needed(make) -> None:  # type: ignore[no-untyped-def]
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(200)
    try:
        x = make(1.0)
        y = x
        for _ in range(5000):
            y = y + x
        (y if isinstance(y, ag.Value) else y.sum()).backward()
    finally:
        sys.setrecursionlimit(limit)
    assert float(np.sum(x.grad)) == 5001.0
