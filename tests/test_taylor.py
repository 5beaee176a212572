"""ag.derivative: exact derivatives of any order against closed forms."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest
from numpy.polynomial import polynomial as P

import autograd_lite as ag


def derivative_polynomials(step: Callable[[np.ndarray], np.ndarray], n: int) -> list[np.ndarray]:
    """p_0 = [0, 1] (the function itself, as a polynomial of itself), p_{k+1} = step(p_k)."""
    polys = [np.array([0.0, 1.0])]
    for _ in range(n):
        polys.append(step(polys[-1]))
    return polys


def tanh_closed_form(x: float, n: int) -> float:
    # d/dx P(tanh x) = P'(t) (1 - t^2): a polynomial recurrence independent of the engine.
    polys = derivative_polynomials(lambda p: P.polymul(P.polyder(p), [1.0, 0.0, -1.0]), n)
    return float(P.polyval(math.tanh(x), polys[n]))


def sigmoid_closed_form(x: float, n: int) -> float:
    polys = derivative_polynomials(lambda p: P.polymul(P.polyder(p), [0.0, 1.0, -1.0]), n)
    return float(P.polyval(1 / (1 + math.exp(-x)), polys[n]))


def exp_square_closed_form(x: float, n: int) -> float:
    # d^n/dx^n e^(x^2) = H_n(x) e^(x^2) with H_0 = 1, H_{k+1} = H_k' + 2x H_k.
    h = np.array([1.0])
    for _ in range(n):
        h = P.polyadd(P.polyder(h), P.polymul([0.0, 2.0], h))
    return float(P.polyval(x, h) * math.exp(x * x))


def sin_cos_closed_form(x: float, n: int) -> float:
    # sin x cos x = sin(2x)/2, so the n-th derivative is 2^(n-1) sin(2x + n pi/2).
    return 2.0 ** (n - 1) * math.sin(2 * x + n * math.pi / 2)


def log_one_plus_square_closed_form(x: float, n: int) -> float:
    # log(1 + x^2) = log(x + i) + log(x - i): d^n = 2 Re[(-1)^(n-1) (n-1)! / (x + i)^n].
    return 2 * ((-1) ** (n - 1) * math.factorial(n - 1) / complex(x, 1.0) ** n).real


CASES = [
    ("tanh", lambda x: ag.tanh(x), tanh_closed_form),
    ("sigmoid", lambda x: x.sigmoid(), sigmoid_closed_form),
    ("exp(x**2)", lambda x: ag.exp(x**2), exp_square_closed_form),
    ("sin*cos", lambda x: x.sin() * x.cos(), sin_cos_closed_form),
    ("log(1+x**2)", lambda x: ag.log(1 + x**2), log_one_plus_square_closed_form),
]


@pytest.mark.parametrize(("name", "f", "closed_form"), CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("x0", [-0.8, 0.3, 1.1])
def test_derivatives_of_order_1_to_10_match_closed_forms(name, f, closed_form, x0) -> None:  # type: ignore[no-untyped-def]
    for n in range(1, 11):
        want = closed_form(x0, n)
        got = ag.derivative(f, x0, n)
        assert got == pytest.approx(want, rel=1e-9, abs=1e-9 * max(1.0, abs(want))), (name, n)


def test_the_source_note_examples() -> None:
    assert ag.derivative(lambda x: 3 * x**2, 1.0) == 6.0
    assert ag.derivative(lambda x: 3 * x**2, 2.0) == 12.0
    assert ag.derivative(lambda x: ag.exp(x**2), 3.0) == pytest.approx(6 * math.exp(9), rel=1e-15)
    assert ag.derivative(lambda x: math.e * x**2, 3.0) == pytest.approx(6 * math.e, rel=1e-15)


def test_order_zero_constants_and_polynomials() -> None:
    assert ag.derivative(lambda x: x**3 + 1, 2.0, n=0) == 9.0
    assert ag.derivative(lambda x: 5.0, 2.0) == 0.0
    assert ag.derivative(lambda x: 5.0, 2.0, n=0) == 5.0
    assert ag.derivative(lambda x: x**3, 2.0, n=3) == 6.0
    assert ag.derivative(lambda x: x**3, 2.0, n=4) == 0.0
    assert ag.derivative(lambda x: 2 * x + 1, 0.0, n=2) == 0.0


def test_every_op_works_on_series() -> None:
    x0 = 0.7
    funcs = [
        (lambda x: x.sqrt(), lambda t: -0.25 * t**-1.5),
        (lambda x: 2**x, lambda t: math.log(2) ** 2 * 2**t),
        (lambda x: x**x, lambda t: t**t * ((math.log(t) + 1) ** 2 + 1 / t)),
        (lambda x: 1 / (1 + x * x), lambda t: (6 * t * t - 2) / (1 + t * t) ** 3),
        (lambda x: (x - 1).abs() * x, lambda t: -2.0),
        (lambda x: x.relu() * x, lambda t: 2.0),
        (lambda x: -x.cos() + 2.5 - x, lambda t: math.cos(t)),
    ]
    for f, d2 in funcs:
        assert ag.derivative(f, x0, n=2) == pytest.approx(d2(x0), rel=1e-12)


def test_order_must_be_a_whole_number() -> None:
    for n in (-1, 1.5, True, "2"):
        with pytest.raises(ValueError, match="whole number >= 0"):
            ag.derivative(lambda x: x, 1.0, n)  # type: ignore[arg-type]


def test_bad_functions_get_clear_errors() -> None:
    with pytest.raises(TypeError, match="must return a number"):
        ag.derivative(lambda x: "x", 1.0)
    with pytest.raises(ValueError, match=r"log: got x = -1\.0"):
        ag.derivative(lambda x: ag.log(x), -1.0)
    with pytest.raises(ZeroDivisionError, match="div"):
        ag.derivative(lambda x: 1 / x, 0.0)


def test_high_orders_stay_cheap() -> None:
    # Taylor mode is O(n^2) per op: order 40 of a small network is immediate.
    value = ag.derivative(lambda x: ag.tanh(ag.tanh(x) * 2 + x.sin()), 0.1, n=40)
    assert math.isfinite(value)


def test_turning_the_variable_into_a_float_is_an_error_not_a_silent_zero() -> None:
    with pytest.raises(TypeError, match=r"use ag\.exp"):
        ag.derivative(lambda x: math.exp(x**2), 3.0)


OPERATORS = [
    lambda x: x / 2,
    lambda x: 3 / x,
    lambda x: x / (x + 2),
    lambda x: x * 3 - 1,
    lambda x: 2 - x * x,
    lambda x: -x + x**2.5,
    lambda x: 2**x,
    lambda x: x**x,
    lambda x: ag.sigmoid(x) * ag.tanh(x) + ag.sqrt(x) + ag.log(x) + ag.cos(x),
]


@pytest.mark.parametrize("f", OPERATORS)
def test_every_operator_agrees_with_nested_reverse_mode(f) -> None:  # type: ignore[no-untyped-def]
    # Two independent engines: Taylor-mode series against nested backward passes.
    for n, reverse in enumerate(
        [f, ag.grad(f), ag.grad(ag.grad(f)), ag.grad(ag.grad(ag.grad(f)))]
    ):
        want = reverse(1.3) if n else float(f(ag.Value(1.3)).data)
        assert ag.derivative(f, 1.3, n) == pytest.approx(want, rel=1e-12), n
