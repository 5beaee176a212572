"""Random expression graphs with shared subexpressions, against central differences."""

from __future__ import annotations

import numpy as np
from conftest import central_difference
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_lite as ag

UNARY = ["tanh", "sin", "cos", "sigmoid", "exp_small", "square", "log1p2", "sqrt1p2"]
BINARY = ["add", "sub", "mul", "div_safe"]


def apply_unary(name: str, x):  # type: ignore[no-untyped-def]
    if name == "exp_small":
        return (x * 0.3).exp()
    if name == "square":
        return x * x
    if name == "log1p2":
        return (x * x + 1).log()
    if name == "sqrt1p2":
        return (x * x + 1).sqrt()
    return getattr(x, name)()


def apply_binary(name: str, x, y):  # type: ignore[no-untyped-def]
    if name == "add":
        return x + y
    if name == "sub":
        return x - y
    if name == "mul":
        return x * y
    return x / (y * y + 1.0)


# A program: each step combines earlier nodes (any of them: nodes get shared).
step = st.one_of(
    st.tuples(st.just("u"), st.sampled_from(UNARY), st.integers(0, 100)),
    st.tuples(st.just("b"), st.sampled_from(BINARY), st.integers(0, 100), st.integers(0, 100)),
)
programs = st.lists(step, min_size=1, max_size=25)
inputs = st.lists(st.floats(-1.5, 1.5), min_size=1, max_size=4)


def run(program, xs):  # type: ignore[no-untyped-def]
    nodes = list(xs)
    for instruction in program:
        if instruction[0] == "u":
            nodes.append(apply_unary(instruction[1], nodes[instruction[2] % len(nodes)]))
        else:
            x = nodes[instruction[2] % len(nodes)]
            y = nodes[instruction[3] % len(nodes)]
            nodes.append(apply_binary(instruction[1], x, y))
    total = nodes[-1]
    for node in nodes[len(xs) : -1]:
        total = total + node * 0.5  # every intermediate feeds the output: shared nodes
    return total


@settings(max_examples=60, deadline=None)
@given(programs, inputs)
def test_random_value_graphs_match_central_differences(program, point) -> None:  # type: ignore[no-untyped-def]
    xs = [ag.Value(p) for p in point]
    run(program, xs).backward()

    def f(*a: np.ndarray) -> float:
        return run(program, [ag.Value(float(v)) for v in a]).data

    want = central_difference(f, *[np.array(p) for p in point])
    np.testing.assert_allclose(
        [x.grad for x in xs], [float(w) for w in want], rtol=1e-5, atol=1e-6
    )


@settings(max_examples=30, deadline=None)
@given(programs, st.integers(0, 2**31 - 1))
def test_random_tensor_graphs_match_central_differences(program, seed) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    arrays = [rng.uniform(-1.5, 1.5, (2, 3)), rng.uniform(-1.5, 1.5, (3,))]
    xs = [ag.Tensor(a, requires_grad=True) for a in arrays]
    run(program, xs).sum().backward()

    def f(*a: np.ndarray) -> float:
        return float(run(program, [ag.Tensor(v) for v in a]).data.sum())

    for x, want in zip(xs, central_difference(f, *arrays)):
        got = np.zeros_like(want) if x.grad is None else x.grad  # None: x was not used
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


@settings(max_examples=30, deadline=None)
@given(programs, inputs)
def test_value_and_tensor_agree(program, point) -> None:  # type: ignore[no-untyped-def]
    vs = [ag.Value(p) for p in point]
    run(program, vs).backward()
    ts = [ag.Tensor(p, requires_grad=True) for p in point]
    run(program, ts).backward()
    got = [0.0 if t.grad is None else float(t.grad) for t in ts]
    np.testing.assert_allclose(got, [v.grad for v in vs], rtol=1e-12, atol=1e-12)


# ---------------------------------------------------------------- the fast loops and the generator


@settings(max_examples=40, deadline=None)
@given(programs, inputs)
def test_value_backward_gives_what_the_chain_rule_generator_gives(program, point) -> None:  # type: ignore[no-untyped-def]
    """`Value.backward`'s own loop and `graph.chain_rule` agree bit for bit, node by node."""
    from autograd_lite.graph import gradients, topological_order

    xs = [ag.Value(p) for p in point]
    out = run(program, xs)
    order = topological_order(out)
    want = gradients(out, 1.0, order)
    out.backward()
    for node in order:
        assert node.grad == want.get(node, 0.0)


@settings(max_examples=30, deadline=None)
@given(programs, st.integers(0, 2**32 - 1))
def test_tensor_backward_gives_what_the_chain_rule_generator_gives(program, seed) -> None:  # type: ignore[no-untyped-def]
    from autograd_lite.graph import gradients, topological_order

    rng = np.random.default_rng(seed)
    xs = [ag.Tensor(rng.uniform(-1.5, 1.5, (2, 3)), requires_grad=True) for _ in range(3)]
    out = run(program, xs).sum()
    want = gradients(out, np.ones(()), topological_order(out))
    out.backward()
    for x in xs:
        if x.grad is None:  # not used by the program
            assert x not in want
        else:
            np.testing.assert_array_equal(x.grad, want[x])
