"""Every rule of the table, on Value and on Tensor, against float64 central differences."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from conftest import central_difference

import autograd_lite as ag
from autograd_lite import rules as R

# name -> (function of the op's inputs, number of inputs, sampler of valid inputs)
Sampler = Callable[[np.random.Generator, tuple[int, ...]], np.ndarray]


def _any(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    return rng.uniform(-2.0, 2.0, shape)


def _positive(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    return rng.uniform(0.3, 2.0, shape)


def _away_from_zero(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    return rng.uniform(0.3, 2.0, shape) * rng.choice([-1.0, 1.0], shape)


ELEMENTWISE: dict[str, tuple[Callable[..., Any], int, Sampler]] = {
    "add": (lambda x, y: x + y, 2, _any),
    "sub": (lambda x, y: x - y, 2, _any),
    "mul": (lambda x, y: x * y, 2, _any),
    "div": (lambda x, y: x / y, 2, _away_from_zero),
    "neg": (lambda x: -x, 1, _any),
    "pow": (lambda x: x**3 + x**2.5, 1, _positive),
    "powv": (lambda x, y: x**y, 2, _positive),
    "exp": (lambda x: x.exp(), 1, _any),
    "log": (lambda x: x.log(), 1, _positive),
    "tanh": (lambda x: x.tanh(), 1, _any),
    "sigmoid": (lambda x: x.sigmoid(), 1, _any),
    "relu": (lambda x: x.relu(), 1, _away_from_zero),
    "sin": (lambda x: x.sin(), 1, _any),
    "cos": (lambda x: x.cos(), 1, _any),
    "sqrt": (lambda x: x.sqrt(), 1, _positive),
    "abs": (lambda x: x.abs(), 1, _away_from_zero),
}

# Structural rules exist on Tensor only: name -> (function, input shapes).
STRUCTURAL: dict[str, tuple[Callable[..., Any], list[tuple[int, ...]]]] = {
    "matmul": (lambda x, y: x @ y, [(2, 3, 4), (4, 5)]),
    "sum": (lambda x: x.sum(axis=(0, 2), keepdims=False), [(2, 3, 4)]),
    "max": (lambda x: x.max(axis=1), [(3, 5)]),
    "broadcast_to": (lambda x: R.broadcast_to(x, (2, 3, 4)), [(3, 1)]),
    "reshape": (lambda x: x.reshape(4, -1), [(2, 3, 4)]),
    "transpose": (lambda x: x.transpose(2, 0, 1), [(2, 3, 4)]),
    "getitem": (lambda x: x[np.array([0, 2, 0]), 1:], [(3, 4)]),
    "scatter_add": (lambda x: R.call(R.SCATTER, x, ((4, 3), np.array([1, 1, 3]))), [(3, 3)]),
}


def test_every_rule_is_tested() -> None:
    """A new rule fails this test until it has a line above."""
    assert {rule.name for rule in R.RULES} == set(ELEMENTWISE) | set(STRUCTURAL)
    for rule in R.RULES:
        assert len(rule.formulas) == len(rule.partials) == rule.arity
        assert all(isinstance(text, str) and text for text in rule.formulas)
        assert rule.elementwise == (rule.name in ELEMENTWISE)


def value_gradients(fn: Callable[..., Any], point: list[float]) -> list[float]:
    xs = [ag.Value(p) for p in point]
    fn(*xs).backward()
    return [x.grad for x in xs]


@pytest.mark.parametrize("name", sorted(ELEMENTWISE))
def test_value_rule_matches_central_difference(name: str) -> None:
    fn, arity, sample = ELEMENTWISE[name]
    rng = np.random.default_rng(abs(hash(name)) % 2**32)
    for _ in range(5):
        point = [float(v) for v in sample(rng, (arity,))]
        got = value_gradients(fn, point)

        def at(*a: np.ndarray) -> float:
            return fn(*[ag.Value(float(v)) for v in a]).data

        want = central_difference(at, *[np.array(p) for p in point])
        np.testing.assert_allclose(got, [float(w) for w in want], rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", sorted(ELEMENTWISE))
def test_tensor_rule_broadcasts_and_matches_central_difference(name: str) -> None:
    fn, arity, sample = ELEMENTWISE[name]
    rng = np.random.default_rng(abs(hash(name)) % 2**32)
    shapes = [(3, 1, 4), (2, 4)][:arity]
    arrays = [sample(rng, s) for s in shapes]
    weight = rng.normal(size=np.broadcast_shapes(*shapes))
    tensors = [ag.Tensor(a, requires_grad=True) for a in arrays]
    (fn(*tensors) * weight).sum().backward()

    def loss(*a: np.ndarray) -> float:
        return float((fn(*[ag.Tensor(v) for v in a]).data * weight).sum())

    for tensor, want in zip(tensors, central_difference(loss, *arrays)):
        assert tensor.grad.shape == tensor.shape
        np.testing.assert_allclose(tensor.grad, want, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", sorted(STRUCTURAL))
def test_structural_rule_matches_central_difference(name: str) -> None:
    fn, shapes = STRUCTURAL[name]
    rng = np.random.default_rng(7)
    arrays = [rng.normal(size=s) for s in shapes]
    tensors = [ag.Tensor(a, requires_grad=True) for a in arrays]
    out = fn(*tensors)
    weight = rng.normal(size=out.shape)
    (out * weight).sum().backward()

    def loss(*a: np.ndarray) -> float:
        return float((fn(*[ag.Tensor(v) for v in a]).data * weight).sum())

    for tensor, want in zip(tensors, central_difference(loss, *arrays)):
        np.testing.assert_allclose(tensor.grad, want, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", sorted(ELEMENTWISE))
def test_value_forward_matches_math(name: str) -> None:
    fn, arity, sample = ELEMENTWISE[name]
    point = [float(v) for v in sample(np.random.default_rng(3), (arity,))]
    reference = {
        "exp": math.exp, "log": math.log, "tanh": math.tanh, "sin": math.sin,
        "cos": math.cos, "sqrt": math.sqrt, "abs": abs,
        "sigmoid": lambda x: 1 / (1 + math.exp(-x)), "relu": lambda x: max(x, 0.0),
    }  # fmt: skip
    want = reference[name](*point) if name in reference else fn(*point)
    assert fn(*[ag.Value(p) for p in point]).data == pytest.approx(want, rel=1e-15)


def test_the_check_fails_on_a_wrong_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    """The comparison above can fail: tanh with a wrong derivative (1 + tanh^2) is caught."""
    wrong = (lambda x, c, out: 1.0 + out * out,)
    monkeypatch.setattr(R.TANH, "partials", wrong)
    with pytest.raises(AssertionError):
        test_value_rule_matches_central_difference("tanh")
    with pytest.raises(AssertionError):
        test_tensor_rule_broadcasts_and_matches_central_difference("tanh")
