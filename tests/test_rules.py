"""Every rule of the table, driven by the table itself: forward against closed forms, first
and second derivatives against float64 central differences on Value and on Tensor (with
broadcasting), and Taylor mode against nested reverse mode. A new rule is tested here
the day it is added, from its `example` (where the tests may run it)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from conftest import central_difference

import autograd_lite as ag
from autograd_lite import rules as R
from autograd_lite.tensor import nary

ELEMENTWISE = [rule for rule in R.RULES if rule.elementwise]
STRUCTURAL = [rule for rule in R.RULES if not rule.elementwise and rule is not R.FROM_VALUE]
SCALAR = [rule for rule in ELEMENTWISE if rule.scalar is not None]
TAYLOR = [rule for rule in SCALAR if rule.taylor]


def ids(rules: list[Any]) -> list[str]:
    return [rule.name for rule in rules]


def sample(domain: str, rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Points of `domain` (`rules.DOMAINS`): inside the op's domain, away from its kinks."""
    lo, hi = R.DOMAINS[domain]
    x = rng.uniform(lo, hi, shape)
    if domain == "nonzero":
        x = x * rng.choice([-1.0, 1.0], shape)
    if domain == "off_integers":
        x = x + rng.integers(-2, 2, shape)
    return x


def apply(rule: R.Rule, inputs: list[Any], consts: Any = None) -> Any:
    """The rule itself on nodes: one input with its constants, or two inputs, or many."""
    if getattr(rule, "variadic", False):
        return nary(rule, inputs, consts)
    if len(inputs) == 1:
        return inputs[0]._unary(rule, consts)
    return inputs[0]._binary(rule, inputs[1])


# Closed forms written independently of the table (math only): the forward of each rule.
REFERENCE: dict[str, Callable[..., float]] = {
    "add": lambda x, y: x + y, "sub": lambda x, y: x - y, "mul": lambda x, y: x * y,
    "div": lambda x, y: x / y, "pow": lambda x, y: math.exp(y * math.log(x)),
    "mod": lambda x, y: x - y * math.floor(x / y), "neg": lambda x: -x,
    "rsub": lambda x: 2.0 - x, "rdiv": lambda x: 2.0 / x,
    "rpow": lambda x: math.exp(x * math.log(3)), "exp": math.exp, "log": math.log,
    "tanh": lambda x: (math.exp(2 * x) - 1) / (math.exp(2 * x) + 1),
    "sigmoid": lambda x: 1 / (1 + math.exp(-x)), "relu": lambda x: max(x, 0.0),
    "leaky_relu": lambda x: x if x > 0 else 0.1 * x, "sin": math.sin, "cos": math.cos,
    "tan": lambda x: math.sin(x) / math.cos(x), "arcsin": math.asin, "arccos": math.acos,
    "arctan": math.atan, "sinh": lambda x: (math.exp(x) - math.exp(-x)) / 2,
    "cosh": lambda x: (math.exp(x) + math.exp(-x)) / 2,
    "arcsinh": lambda x: math.log(x + math.sqrt(x * x + 1)),
    "arccosh": lambda x: math.log(x + math.sqrt(x * x - 1)),
    "arctanh": lambda x: 0.5 * math.log((1 + x) / (1 - x)), "sqrt": lambda x: x**0.5,
    "cbrt": lambda x: math.copysign(math.exp(math.log(abs(x)) / 3), x),
    "abs": lambda x: -x if x < 0 else x, "log1p": lambda x: math.log(1 + x),
    "expm1": lambda x: math.exp(x) - 1, "log2": lambda x: math.log(x) / math.log(2),
    "log10": lambda x: math.log(x) / math.log(10), "exp2": lambda x: math.exp(x * math.log(2)),
    "sign": lambda x: (x > 0) - (x < 0), "floor": math.floor, "ceil": math.ceil,
    "erf": lambda x: 2 / math.sqrt(math.pi) * sum(
        (-1) ** n * x ** (2 * n + 1) / (math.factorial(n) * (2 * n + 1)) for n in range(60)),
    "softplus": lambda x: math.log(1 + math.exp(x)), "maximum": max, "minimum": min,
    "logaddexp": lambda x, y: math.log(math.exp(x) + math.exp(y)),
    "arctan2": lambda y, x: math.atan(y / x), "clip": lambda x: min(max(x, -0.5), 0.5),
}  # fmt: skip


def test_every_scalar_rule_has_a_closed_form_above() -> None:
    """A new rule fails this test until it has an independent reference."""
    assert {rule.name for rule in SCALAR} == set(REFERENCE)


@pytest.mark.parametrize("rule", SCALAR, ids=ids(SCALAR))
def test_forward_matches_the_closed_form_on_value_and_tensor(rule: R.Rule) -> None:
    rng = np.random.default_rng(len(rule.name))
    for _ in range(5):
        point = [float(sample(d, rng, ())) for d in rule.example.inputs]
        want = REFERENCE[rule.name](*point)
        got = apply(rule, [ag.Value(p) for p in point], rule.example.consts).data
        assert got == pytest.approx(want, rel=1e-13, abs=1e-15)
        array = apply(rule, [ag.Tensor(np.array(p)) for p in point], rule.example.consts).data
        assert float(array) == pytest.approx(got, rel=1e-15, abs=1e-300)


def value_gradients(rule: R.Rule, point: list[float], constant: bool) -> list[float]:
    xs = [ag.Value(p) for p in point]
    if constant:  # a two-input rule with its second input a plain number: no node for it
        apply(rule, [xs[0]], point[1]).backward()
        return [xs[0].grad]
    apply(rule, xs, rule.example.consts).backward()
    return [x.grad for x in xs]


@pytest.mark.parametrize("rule", SCALAR, ids=ids(SCALAR))
def test_value_rule_matches_central_difference(rule: R.Rule) -> None:
    rng = np.random.default_rng(len(rule.name) + 1)
    consts = rule.example.consts
    for _ in range(5):
        point = [float(sample(d, rng, ())) for d in rule.example.inputs]

        def at(*a: np.ndarray) -> float:
            return apply(rule, [ag.Value(float(v)) for v in a], consts).data

        want = [float(w) for w in central_difference(at, *[np.array(p) for p in point])]
        got = value_gradients(rule, point, constant=False)
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)
        if len(point) == 2:
            np.testing.assert_allclose(value_gradients(rule, point, constant=True), want[:1])


@pytest.mark.parametrize("rule", ELEMENTWISE, ids=ids(ELEMENTWISE))
def test_tensor_rule_broadcasts_and_matches_central_difference(rule: R.Rule) -> None:
    rng = np.random.default_rng(len(rule.name) + 2)
    shapes = [(3, 1, 4), (2, 4)][: len(rule.example.inputs)]
    arrays = [sample(d, rng, s) for d, s in zip(rule.example.inputs, shapes)]
    consts = rule.example.consts
    weight = rng.normal(size=np.broadcast_shapes(*shapes))
    tensors = [ag.Tensor(a, requires_grad=True) for a in arrays]
    out = apply(rule, tensors, consts)
    if len(tensors) == 1:  # the backward's fast path relies on it: no broadcasting to undo
        assert out.shape == tensors[0].shape
    (out * weight).sum().backward()

    def loss(*a: np.ndarray) -> float:
        return float((apply(rule, [ag.Tensor(v) for v in a], consts).data * weight).sum())

    for tensor, want in zip(tensors, central_difference(loss, *arrays)):
        assert tensor.grad.shape == tensor.shape
        np.testing.assert_allclose(tensor.grad, want, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("rule", STRUCTURAL, ids=ids(STRUCTURAL))
def test_structural_rule_matches_central_difference(rule: R.Rule) -> None:
    rng = np.random.default_rng(7)
    arrays = [rng.normal(size=s) for s in rule.example.inputs]
    tensors = [ag.Tensor(a, requires_grad=True) for a in arrays]
    out = apply(rule, tensors, rule.example.consts)
    weight = rng.normal(size=out.shape)
    (out * weight).sum().backward()

    def loss(*a: np.ndarray) -> float:
        return float(
            (apply(rule, [ag.Tensor(v) for v in a], rule.example.consts).data * weight).sum()
        )

    for tensor, want in zip(tensors, central_difference(loss, *arrays)):
        np.testing.assert_allclose(tensor.grad, want, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("rule", SCALAR, ids=ids(SCALAR))
def test_value_second_derivative_by_create_graph(rule: R.Rule) -> None:
    """d2/dx2 through backward(create_graph=True), against a central difference of the
    first derivative (computed on the fast path)."""
    rng = np.random.default_rng(len(rule.name) + 3)
    consts = rule.example.consts
    point = [float(sample(d, rng, ())) for d in rule.example.inputs]
    for i in range(len(point)):

        def first(v: np.ndarray, i: int = i) -> float:
            xs = [ag.Value(p) for p in point]
            xs[i] = ag.Value(float(v))
            apply(rule, xs, consts).backward()
            return xs[i].grad

        xs = [ag.Value(p) for p in point]
        apply(rule, xs, consts).backward(create_graph=True)
        g = xs[i].grad
        if not isinstance(g, ag.Value):  # a constant derivative: its own derivative is 0
            assert central_difference(first, np.array(point[i]))[0] == pytest.approx(0, abs=1e-6)
            continue
        for x in xs:
            x.grad = 0.0
        g.backward()
        want = float(central_difference(first, np.array(point[i]))[0])
        assert xs[i].grad == pytest.approx(want, rel=1e-5, abs=1e-6)


@pytest.mark.parametrize("rule", ELEMENTWISE + STRUCTURAL, ids=ids(ELEMENTWISE + STRUCTURAL))
def test_tensor_second_derivatives_by_gradcheck(rule: R.Rule) -> None:
    rng = np.random.default_rng(11)
    if rule.elementwise:
        shapes: list[tuple[int, ...]] = [(2, 3), (3,)][: len(rule.example.inputs)]
        arrays = [sample(d, rng, s) for d, s in zip(rule.example.inputs, shapes)]
        consts = rule.example.consts
        if rule is R.WHERE:
            consts = (np.array([True, False, True]), -3.0)
    else:
        arrays = [rng.normal(size=s) for s in rule.example.inputs]
        consts = rule.example.consts

    def f(*xs: Any) -> Any:
        return (apply(rule, list(xs), consts) ** 2).sum()

    assert ag.gradcheck(f, *arrays, second_order=True)


@pytest.mark.parametrize("rule", TAYLOR, ids=ids(TAYLOR))
def test_taylor_mode_matches_nested_reverse_mode(rule: R.Rule) -> None:
    """Orders 0 to 3 of t -> rule(a + t, b + t/2) at t = 0: both inputs move."""
    rng = np.random.default_rng(len(rule.name) + 4)
    start = [float(sample(d, rng, ())) for d in rule.example.inputs]
    consts = rule.example.consts

    def f(t: Any) -> Any:
        t = ag.Value(t) if isinstance(t, float) else t
        moved = [p + t * (1.0 if k == 0 else 0.5) for k, p in enumerate(start)]
        return apply(rule, moved, consts)

    reverse: Callable[[Any], Any] = f
    for n in range(4):
        want = reverse(0.0)
        want = want.data if isinstance(want, ag.Value) else want
        assert ag.derivative(f, 0.0, n) == pytest.approx(float(want), rel=1e-9, abs=1e-9)
        reverse = ag.grad(reverse)


def test_the_checks_fail_on_a_wrong_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    """The comparisons above can fail: tanh with a wrong derivative (1 + tanh^2) is caught."""
    monkeypatch.setattr(R.TANH, "partials", (lambda x, c, out: 1.0 + out * out,))
    with pytest.raises(AssertionError):
        test_value_rule_matches_central_difference(R.TANH)
    with pytest.raises(AssertionError):
        test_tensor_rule_broadcasts_and_matches_central_difference(R.TANH)


def test_the_taylor_check_fails_on_a_wrong_recurrence(monkeypatch: pytest.MonkeyPatch) -> None:
    """Taylor mode reads the same partials as reverse mode, so it is checked for its own
    recurrences: a Leibniz rule that forgets the binomials is caught."""
    import autograd_lite.taylor as taylor

    def wrong(x: list[float], y: list[float], k: int) -> float:
        return sum(x[j] * y[k - j] for j in range(k + 1))

    monkeypatch.setattr(taylor, "_leibniz", wrong)
    with pytest.raises(AssertionError):
        test_taylor_mode_matches_nested_reverse_mode(R.MUL)


def test_a_wrong_vjp_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(R.CUMSUM, "vjp", lambda g, xs, c, out, i: g)
    with pytest.raises(AssertionError):
        test_structural_rule_matches_central_difference(R.CUMSUM)


def test_a_stack_of_values_sends_gradients_back_to_each_value() -> None:
    a, b = ag.Value(2.0), ag.Value(-1.0)
    h = a * b  # a Value graph below the Tensor graph
    t = ag.stack([a, h, b])
    ((t * ag.Tensor([1.0, 2.0, 3.0])) ** 2).sum().backward()
    # L = a^2 + 4 (ab)^2 + 9 b^2: dL/da = 2a + 8ab^2, dL/db = 8a^2 b + 18 b
    assert a.grad == pytest.approx(2 * 2 + 8 * 2 * 1)
    assert b.grad == pytest.approx(8 * 4 * -1 + 18 * -1)
