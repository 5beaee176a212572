"""The walk behind every picture: nodes, edges, local derivatives and contributions."""

from __future__ import annotations

import dataclasses
import math
from collections import defaultdict

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import autograd_lite as ag
from autograd_lite.graph import topological_order
from autograd_lite.viz import DEFAULT_MAX_NODES, Graph, walk
from autograd_lite.viz.names import names_of


def neuron() -> tuple[ag.Value, dict[str, ag.Value]]:
    """micrograd's lecture neuron: out = tanh(x1*w1 + x2*w2 + b) = 0.7071."""
    leaves = {
        "x1": ag.Value(2.0, label="x1"),
        "x2": ag.Value(0.0, label="x2"),
        "w1": ag.Value(-3.0, label="w1"),
        "w2": ag.Value(1.0, label="w2"),
        "b": ag.Value(6.8813735870195432, label="b"),
    }
    v = leaves
    out = (v["x1"] * v["w1"] + v["x2"] * v["w2"] + v["b"]).tanh()
    out.label = "out"
    return out, leaves


def edge_sums(graph: Graph) -> dict[str, float]:
    """Per input, its edges' contributions added in list order, from 0.0 as the engine does."""
    sums: dict[str, float] = defaultdict(float)
    for edge in graph.edges:
        assert edge.contribution is not None
        sums[edge.src] += edge.contribution
    return sums


def check_sums(graph: Graph) -> None:
    """Every value's grad is exactly the sum of the contributions along its edges."""
    sums = edge_sums(graph)
    for value in graph.values:
        if value.id == graph.root:
            assert value.grad == 1.0
            assert value.id not in sums
        else:
            assert sums[value.id] == value.grad, value.name


# ---------------------------------------------------------------- random graphs


UNARY = ("tanh", "sigmoid", "sin", "cos", "neg", "square", "relu", "exp")
BINARY = ("add", "sub", "mul")


def apply(kind: str, x: ag.Value, y: ag.Value) -> ag.Value:
    if kind == "add":
        return x + y
    if kind == "sub":
        return x - y
    if kind == "mul":
        return x * y
    if kind == "neg":
        return -x
    if kind == "square":
        return x**2
    if kind == "exp":
        return x.tanh().exp()  # bounded: exp of a number in (-1, 1)
    method = getattr(x, kind)
    return method()


@st.composite
def value_graphs(draw: st.DrawFn) -> ag.Value:
    """A random graph over 1 to 4 leaves, each op taking earlier nodes (so nodes repeat)."""
    n_leaves = draw(st.integers(1, 4))
    nodes = [ag.Value(draw(st.floats(-2.0, 2.0)), label=f"x{i}") for i in range(n_leaves)]
    for _ in range(draw(st.integers(1, 14))):
        kind = draw(st.sampled_from(UNARY + BINARY + BINARY))
        x = nodes[draw(st.integers(0, len(nodes) - 1))]
        y = nodes[draw(st.integers(0, len(nodes) - 1))]
        if kind == "mul" and draw(st.booleans()):
            y = ag.Value(draw(st.floats(-3.0, 3.0)))  # a constant leaf
        nodes.append(apply(kind, x, y))
    out = nodes[-1]
    for node in nodes[-3:-1]:  # earlier results used again: more sharing
        out = out + node
    return out


@settings(max_examples=150, deadline=None)
@given(value_graphs())
def test_contributions_sum_exactly_to_every_grad(out: ag.Value) -> None:
    out.backward()
    order = topological_order(out)
    assume(all(math.isfinite(n.grad) for n in order))
    graph = walk(out, max_nodes=None)
    check_sums(graph)
    # Each contribution is the upstream grad times the local derivative, as the engine has it.
    values = {v.id: v for v in graph.values}
    for edge in graph.edges:
        out_id = graph.op_of(edge.dst).output
        assert edge.upstream == values[out_id].grad
        assert edge.local is not None
        assert edge.upstream is not None
        assert edge.contribution == edge.upstream * edge.local


@settings(max_examples=100, deadline=None)
@given(value_graphs())
def test_the_replayed_pass_ends_where_backward_does(out: ag.Value) -> None:
    before = walk(out, max_nodes=None)
    assert all(v.grad is None for v in before.values)  # nothing run yet: not computed
    replay = walk(out, max_nodes=None, step=-1)
    out.backward()
    assume(all(math.isfinite(n.grad) for n in topological_order(out)))
    after = walk(out, max_nodes=None)
    assert [v.grad for v in replay.values] == [v.grad for v in after.values]
    assert [e.contribution for e in replay.edges] == [e.contribution for e in after.edges]
    # The running total of an input after its last step is its grad.
    last = {e.src: e.total for e in replay.edges}
    for value in after.values:
        if value.id in last:
            assert last[value.id] == value.grad


def test_the_sum_check_fails_when_an_edge_is_missing() -> None:
    x = ag.Value(3.0, label="x")
    y = x * x  # two edges from x, 3 each
    y.backward()
    graph = walk(y)
    check_sums(graph)
    one_edge = dataclasses.replace(graph, edges=graph.edges[:1])
    with pytest.raises(AssertionError):
        check_sums(one_edge)


# ---------------------------------------------------------------- the neuron


def test_the_neuron_has_micrograds_numbers_on_every_node_and_edge() -> None:
    out, leaves = neuron()
    out.backward()
    graph = walk(out)
    by_name = {v.name: v for v in graph.values}
    expected = {"x1": -1.5, "w1": 1.0, "x2": 0.5, "w2": 0.0, "b": 0.5, "out": 1.0}
    for name, grad in expected.items():
        assert by_name[name].grad == pytest.approx(grad, abs=1e-12)
        assert by_name[name].data == leaves[name].data if name in leaves else True
    assert by_name["out"].data == pytest.approx(0.7071067811865476)
    assert by_name["x1*w1 + x2*w2 + b"].data == pytest.approx(0.8813735870195432)
    locals_ = {(graph.value_of(e.src).name, graph.op_of(e.dst).name): e.local for e in graph.edges}
    assert locals_[("x1*w1 + x2*w2 + b", "tanh")] == pytest.approx(0.5)
    assert locals_[("x1", "mul")] == -3.0  # d(x1*w1)/dx1 = w1
    assert locals_[("w1", "mul")] == 2.0
    assert locals_[("x2", "mul")] == 1.0
    assert locals_[("w2", "mul")] == 0.0
    assert locals_[("b", "add")] == 1.0
    check_sums(graph)
    assert {v.role for v in graph.values} == {"leaf", "intermediate", "output"}
    assert [op.symbol for op in graph.ops].count("*") == 2


def test_before_backward_grads_are_not_computed_and_not_zero() -> None:
    out, _ = neuron()
    graph = walk(out)
    assert not graph.grads_computed
    assert all(v.grad is None and v.grad_note == "not computed" for v in graph.values)
    assert all(e.contribution is None and e.local is not None for e in graph.edges)
    forced = walk(out, grads=True)
    assert all(v.grad == 0.0 for v in forced.values)


def test_a_node_used_twice_has_two_edges_and_constants_appear_on_their_op() -> None:
    x = ag.Value(3.0, label="x")
    y = x * x + 2 * x
    y.backward()
    graph = walk(y)
    x_id = next(v.id for v in graph.values if v.name == "x")
    mul_edges = [e for e in graph.edges if e.src == x_id]
    assert len(mul_edges) == 3  # x*x twice, 2*x once
    assert sum(e.contribution or 0.0 for e in mul_edges) == x.grad == 8.0
    # A number operand is the op's constant, not a node of its own: it shows on the op.
    assert not [v for v in graph.values if v.role == "constant"]
    scaled = next(op for op in graph.ops if op.constant == "c = 2")
    assert scaled.symbol == "*2"


def test_a_grad_made_with_create_graph_is_shown_as_its_number() -> None:
    x = ag.Value(2.0, label="x")
    y = x**3
    y.backward(create_graph=True)
    graph = walk(y)
    assert graph.value_of(next(v.id for v in graph.values if v.name == "x")).grad == 12.0


# ---------------------------------------------------------------- size


def test_a_10000_node_graph_is_summarised_near_the_output() -> None:
    x = ag.Value(0.5, label="x")
    y = x
    for _ in range(5000):
        y = (y * 0.999).sin()  # 3 values per step: a constant, a product, a sine
    y.label = "y"
    graph = walk(y)
    assert graph.total_nodes > 10_000
    assert graph.summarised
    assert "summarised" in graph.note
    assert graph.size <= DEFAULT_MAX_NODES
    assert graph.value_of(graph.root).name == "y"
    assert any(v.hidden_inputs for v in graph.values)
    assert "x" not in {v.name for v in graph.values}  # the far end is left out
    assert walk(y, max_nodes=None).size > 15_000


def test_a_wide_graph_is_summarised_too() -> None:
    xs = [ag.Value(float(i), label=f"x{i}") for i in range(2000)]
    total = xs[0]
    for x in xs[1:]:
        total = total + x * x
    graph = walk(total, max_nodes=50)
    assert graph.size <= 50
    assert graph.summarised


def test_bad_roots_and_options_are_refused() -> None:
    with pytest.raises(TypeError, match=r"expected an ag\.Value or ag\.Tensor"):
        walk(3.0)  # type: ignore[arg-type]
    x = ag.Value(1.0)
    with pytest.raises(ValueError, match="max_nodes must be at least 1"):
        walk(x * 2, max_nodes=0)
    with pytest.raises(ValueError, match="step must be between 0 and 1"):
        walk(x * 2, step=2)  # one step: the constant 2 is no node of its own


# ---------------------------------------------------------------- replay


def test_step_k_shows_the_grads_reached_after_k_steps() -> None:
    out, _ = neuron()
    graph = walk(out, step=3)  # tanh, then the two inputs of the last +
    reached = {v.name for v in graph.values if v.grad is not None}
    assert reached == {"out", "x1*w1 + x2*w2 + b", "x1*w1 + x2*w2", "b"}
    done = [e for e in graph.edges if e.contribution is not None]
    assert [e.step for e in done] == [1, 2, 3]
    assert out.grad == 0.0  # the replay touched nothing
    first = walk(out, step=0)
    assert [v.name for v in first.values if v.grad is not None] == ["out"]


# ---------------------------------------------------------------- Tensors


def test_tensor_graphs_show_roles_shapes_formulas_and_kept_grads() -> None:
    W = ag.Tensor(np.ones((2, 3)), requires_grad=True, label="W")
    x = ag.Tensor([1.0, 2.0, 3.0], label="x")
    loss = (W @ x).tanh().sum() * 2.0
    loss.label = "loss"
    before = walk(loss)
    assert not before.grads_computed
    loss.backward(retain_graph=True)
    graph = walk(loss)
    roles = {v.name: v.role for v in graph.values}
    assert roles["W"] == "parameter"
    assert roles["x"] == "leaf"
    assert roles["loss"] == "output"
    assert "2" not in roles  # the constant is the op's own: `*2`
    assert any(op.symbol == "*2" for op in graph.ops)
    w = next(v for v in graph.values if v.name == "W")
    assert w.shape == (2, 3)
    assert w.dtype == "float64"
    assert np.array_equal(w.grad, W.grad)
    middle = next(v for v in graph.values if v.name == "W @ x")
    assert middle.grad is None
    assert middle.grad_note == "not kept"
    matmul = [e for e in graph.edges if graph.op_of(e.dst).name == "matmul"]
    assert [(e.formula, e.carries_grad) for e in matmul] == [("g @ yᵀ", True), ("xᵀ @ g", False)]
    assert matmul[0].input_shape == (2, 3)
    assert matmul[0].output_shape == (2,)
    assert all(e.local is None for e in graph.edges)


def test_a_released_tensor_graph_says_how_to_keep_it() -> None:
    W = ag.Tensor(np.ones(3), requires_grad=True)
    loss = (W * W).sum()
    loss.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        walk(loss)


# ---------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("build", "name"),
    [
        (lambda a, b, c: (a * b + 1) ** 2, "(a*b + 1)**2"),
        (lambda a, b, c: a - (b - c), "a - (b - c)"),
        (lambda a, b, c: (a - b) - c, "a - b - c"),
        (lambda a, b, c: (a + b) * c, "(a + b)*c"),
        (lambda a, b, c: a / (b * c), "a/(b*c)"),
        (lambda a, b, c: -(a**2), "-a**2"),
        (lambda a, b, c: (-a) ** 2, "(-a)**2"),
        (lambda a, b, c: a ** (b**c), "a**b**c"),
        (lambda a, b, c: (a**b) ** c, "(a**b)**c"),
        (lambda a, b, c: (a * -2.5).tanh(), "tanh(a*-2.5)"),
        (lambda a, b, c: (-2.0) ** a, "(-2)**a"),
    ],
)
def test_derived_names_bracket_only_where_python_needs_it(build: object, name: str) -> None:
    a, b, c = (ag.Value(v, label=n) for v, n in ((2.0, "a"), (3.0, "b"), (0.5, "c")))
    out = build(a, b, c)  # type: ignore[operator]
    assert names_of(topological_order(out))[out] == name


def test_long_names_are_shortened() -> None:
    h = (ag.Value(1.0, label="weight") * ag.Value(2.0, label="input") + 1).tanh()
    out = h * h
    assert names_of(topological_order(out))[out] == "tanh(…)*tanh(…)"
