"""grad, value_and_grad, jacobian, hessian, hvp: types in and out, nesting, errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd_lite as ag

rng = np.random.default_rng(0)


def test_numbers_in_floats_out() -> None:
    g = ag.grad(lambda x: x**3)(2.0)
    assert g == 12.0
    assert type(g) is float
    assert ag.grad(lambda x: x * x)(3) == 6.0


def test_arrays_in_arrays_of_the_same_shape_and_dtype_out() -> None:
    x = rng.normal(size=(3, 2)).astype(np.float32)
    g = ag.grad(lambda t: (t * t).sum())(x)
    assert isinstance(g, np.ndarray)
    assert g.shape == x.shape
    assert g.dtype == np.float32
    np.testing.assert_allclose(g, 2 * x)


def test_argnums_tuple_gives_partial_derivatives() -> None:
    def error(a, b):  # type: ignore[no-untyped-def]  # E(a, b) = (a*2 + b - 5)^2
        return (a * 2 + b - 5) ** 2

    da, db = ag.grad(error, argnums=(0, 1))(1.0, 1.0)
    assert (da, db) == (-8.0, -4.0)
    assert ag.grad(error, argnums=1)(1.0, 1.0) == -4.0
    value, grads = ag.value_and_grad(error, argnums=(0, 1))(1.0, 1.0)
    assert value == 4.0
    assert grads == (-8.0, -4.0)


def test_nesting_to_any_depth() -> None:
    f = lambda x: x**4  # noqa: E731
    assert ag.grad(f)(2.0) == 32.0
    assert ag.grad(ag.grad(f))(2.0) == 48.0
    assert ag.grad(ag.grad(ag.grad(f)))(2.0) == 48.0
    assert ag.grad(ag.grad(ag.grad(ag.grad(f))))(2.0) == 24.0
    assert ag.grad(ag.grad(lambda x: ag.sin(x)))(0.5) == pytest.approx(-math.sin(0.5))


def test_closures_over_an_outer_variable_are_not_confused() -> None:
    # d/dx [d/dy (x*y)] = d/dx x = 1, and d/dx [x * d/dy (x + y)] = d/dx x = 1.
    assert ag.grad(lambda x: ag.grad(lambda y: x * y)(2.0))(3.0) == 1.0
    assert ag.grad(lambda x: x * ag.grad(lambda y: x + y)(1.0))(3.0) == 1.0


def test_unused_argument_has_zero_gradient() -> None:
    assert ag.grad(lambda x, y: x * 2, argnums=1)(1.0, 5.0) == 0.0
    np.testing.assert_array_equal(ag.grad(lambda x: 3.0)(np.ones(2)), np.zeros(2))


def test_non_scalar_output_points_to_jacobian() -> None:
    with pytest.raises(ValueError, match="jacobian"):
        ag.grad(lambda x: x * 2)(np.ones(3))
    with pytest.raises(ValueError, match="argnums 2"):
        ag.grad(lambda x: x, argnums=2)(1.0)
    with pytest.raises(TypeError, match="str"):
        ag.grad(lambda x: x)("a")


def test_jacobian_hessian_hvp_against_closed_forms() -> None:
    A = rng.normal(size=(3, 3))
    x = rng.normal(size=3)
    np.testing.assert_allclose(ag.jacobian(lambda t: ag.Tensor(A) @ t.tanh())(x),
                               A * (1 - np.tanh(x) ** 2))  # fmt: skip
    S = A + A.T

    def quadratic(t):  # type: ignore[no-untyped-def]
        return (t @ ag.Tensor(S) @ t) * 0.5 + t.exp().sum()

    H = S + np.diag(np.exp(x))
    np.testing.assert_allclose(ag.hessian(quadratic)(x), H, atol=1e-12)
    v = rng.normal(size=3)
    np.testing.assert_allclose(ag.hvp(quadratic)(x, v), H @ v, atol=1e-12)
    with pytest.raises(ValueError, match="v has shape"):
        ag.hvp(quadratic)(x, np.ones(2))
    with pytest.raises(TypeError, match=r"use ag\.grad"):
        ag.jacobian(lambda t: t.sum().item())(x)
