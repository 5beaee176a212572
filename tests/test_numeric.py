"""`numeric_derivative` against values produced by the real `scipy.misc.derivative`.

The reference values were computed once with SciPy 1.11.4 (the last release with
`scipy.misc.derivative`), NumPy 1.26.4, Python 3.11, in a throwaway venv:

    python3 -m venv /tmp/sp111 && /tmp/sp111/bin/pip install scipy==1.11.4
    /tmp/sp111/bin/python -c "import math; from scipy.misc import derivative; print(...)"

Where SciPy used its hard-coded weights (n = 1 or 2 with order 3, 5, 7 or 9) we use the same
weights and the same loop, so the results must be equal to the last bit (`==`). Elsewhere
SciPy inverted a Vandermonde matrix in floating point and we compute the same weights exactly,
so the results agree to SciPy's rounding error: relative 1e-12.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from autograd_lite.numeric import central_diff_weights, numeric_derivative


def _note_square(x: float) -> float:
    return 3 * x * x


def _note_e_square(x: float) -> float:
    return math.e * x * x


def _quartic(x: float, a: float, b: float) -> float:
    return a * x**4 + b * x


def _cubic(x: float) -> float:
    return x**3 + x**2


# Each case: func, x0, keyword arguments, and what SciPy 1.11.4 returned; the comment is the
# exact call that produced it, `from scipy.misc import derivative` and `import math` assumed.
TABLE_CASES = [
    # derivative(lambda x: 3*x*x, 2)  -- the source note's first example
    pytest.param(_note_square, 2, {}, 12.0, id="note 3*x*x at 2"),
    # derivative(lambda x: math.e*x*x, 3)  -- the note's second: 6e, not the 6e^9 of e^(x^2)
    pytest.param(_note_e_square, 3, {}, 16.30969097075427, id="note e*x*x at 3"),
    # derivative(math.exp, 1.0, dx=0.1)
    pytest.param(math.exp, 1.0, {"dx": 0.1}, 2.7228145639474177, id="exp dx=0.1"),
    # derivative(math.sin, 0.5, dx=0.1, order=5)
    pytest.param(math.sin, 0.5, {"dx": 0.1, "order": 5}, 0.8775796400956057, id="sin order=5"),
    # derivative(math.cos, 0.3, dx=0.1, order=9)
    pytest.param(math.cos, 0.3, {"dx": 0.1, "order": 9}, -0.295520206656661, id="cos order=9"),
    # derivative(math.exp, 0.0, dx=0.5, n=2, order=7)
    pytest.param(math.exp, 0.0, {"dx": 0.5, "n": 2, "order": 7}, 1.000029008719899, id="n=2 o=7"),
    # derivative(math.sin, 1.0, dx=0.1, n=2, order=9)
    pytest.param(
        math.sin, 1.0, {"dx": 0.1, "n": 2, "order": 9}, -0.8414709848051719, id="n=2 o=9"
    ),
    # derivative(lambda x, a, b: a*x**4 + b*x, 2.0, dx=0.1, args=(3.0, -1.0))
    pytest.param(_quartic, 2.0, {"dx": 0.1, "args": (3.0, -1.0)}, 95.24000000000008, id="args"),
    # derivative(lambda x: x**3 + x**2, 1.0, dx=1e-6)  -- SciPy's own docstring example
    pytest.param(_cubic, 1.0, {"dx": 1e-6}, 4.999999999921734, id="dx=1e-6"),
]

GENERAL_CASES = [
    # derivative(math.exp, 1.0, dx=0.1, order=11)
    pytest.param(math.exp, 1.0, {"dx": 0.1, "order": 11}, 2.7182818284591437, id="exp o=11"),
    # derivative(math.cos, 0.4, dx=0.25, order=13)
    pytest.param(math.cos, 0.4, {"dx": 0.25, "order": 13}, -0.3894183423067696, id="cos o=13"),
    # derivative(math.exp, 0.2, dx=0.1, n=2, order=11)
    pytest.param(
        math.exp, 0.2, {"dx": 0.1, "n": 2, "order": 11}, 1.2214027581601674, id="n=2 o=11"
    ),
    # derivative(math.sin, 0.7, dx=0.05, n=3, order=5)
    pytest.param(
        math.sin, 0.7, {"dx": 0.05, "n": 3, "order": 5}, -0.7643642804082693, id="n=3 o=5"
    ),
    # derivative(math.sin, 0.3, dx=0.1, n=3, order=7)
    pytest.param(
        math.sin, 0.3, {"dx": 0.1, "n": 3, "order": 7}, -0.9553309265871999, id="n=3 o=7"
    ),
    # derivative(math.exp, 0.0, dx=0.5, n=4, order=7)
    pytest.param(math.exp, 0.0, {"dx": 0.5, "n": 4, "order": 7}, 0.9981085839510335, id="n=4 o=7"),
    # derivative(math.exp, 0.0, dx=0.5, n=0, order=5)  -- n=0 interpolates f itself
    pytest.param(math.exp, 0.0, {"dx": 0.5, "n": 0, "order": 5}, 1.0, id="n=0 o=5"),
]


@pytest.mark.parametrize(("func", "x0", "kwargs", "scipy_value"), TABLE_CASES)
def test_hard_coded_tables_match_scipy_exactly(
    func: Callable[..., float], x0: float, kwargs: dict[str, Any], scipy_value: float
) -> None:
    assert numeric_derivative(func, x0, **kwargs) == scipy_value


@pytest.mark.parametrize(("func", "x0", "kwargs", "scipy_value"), GENERAL_CASES)
def test_general_weights_match_scipy_to_its_rounding(
    func: Callable[..., float], x0: float, kwargs: dict[str, Any], scipy_value: float
) -> None:
    assert numeric_derivative(func, x0, **kwargs) == pytest.approx(scipy_value, rel=1e-12, abs=0)


def test_result_is_a_numpy_float_as_in_scipy() -> None:
    assert type(numeric_derivative(_note_square, 2)) is np.float64


def test_three_points_with_dx_one_are_off_by_a_sixth_of_the_third_derivative() -> None:
    # (f(1) - f(-1)) / 2 for x^3 is 1, while f'(0) = 0: the error f'''(0)/6 = 1 the
    # docstring warns about. Degree 2 is still exact.
    assert numeric_derivative(lambda x: x**3, 0.0) == 1.0
    assert numeric_derivative(lambda x: x**2 + 5 * x, 0.0) == 5.0


def test_array_points_work_as_in_scipy() -> None:
    x0 = np.array([0.0, 0.5, 1.0])
    out = numeric_derivative(np.sin, x0, dx=0.1, order=5)
    expected = [numeric_derivative(math.sin, float(x), dx=0.1, order=5) for x in x0]
    np.testing.assert_array_equal(out, expected)


ORDER_ODD = "'order' (the number of points used to compute the derivative) must be odd."
ORDER_SMALL = (
    "'order' (the number of points used to compute the derivative), "
    "must be at least the derivative order 'n' + 1."
)


@pytest.mark.parametrize(
    ("n", "order", "message"),
    [
        (1, 4, ORDER_ODD),
        (1, 2, ORDER_ODD),
        (1, 1, ORDER_SMALL),
        (2, 2, ORDER_SMALL),  # SciPy checks the size before the parity
        (3, 3, ORDER_SMALL),
    ],
)
def test_bad_order_raises_scipys_errors(n: int, order: int, message: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        numeric_derivative(math.exp, 0.0, n=n, order=order)


@pytest.mark.parametrize(
    ("n", "words"),
    [(-1, "cannot be negative: got -1"), (1.5, "whole number: got 1.5"), (True, "got True")],
)
def test_bad_n_raises_a_sentence(n: object, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        numeric_derivative(math.exp, 0.0, n=n, order=5)  # type: ignore[arg-type]


def test_non_integer_order_raises() -> None:
    with pytest.raises(ValueError, match=r"order is the number of points .* got 3\.0"):
        numeric_derivative(math.exp, 0.0, order=3.0)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("Np", "ndiv", "message"),
    [
        (4, 1, "The number of points must be odd."),
        (2, 1, "The number of points must be odd."),
        (3, 3, "Number of points must be at least the derivative order + 1."),
        (5, 5, "Number of points must be at least the derivative order + 1."),
    ],
)
def test_central_diff_weights_raises_scipys_errors(Np: int, ndiv: int, message: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        central_diff_weights(Np, ndiv)


def test_central_diff_weights_match_scipys_printed_values() -> None:
    # central_diff_weights(3, 2) and central_diff_weights(5) in SciPy 1.11.4; the first is
    # exact there, the second carries SciPy's rounding in its last bits.
    np.testing.assert_array_equal(central_diff_weights(3, 2), [1.0, -2.0, 1.0])
    scipy_5 = [
        0.08333333333333337,
        -0.6666666666666666,
        0.0,
        0.6666666666666666,
        -0.08333333333333334,
    ]
    np.testing.assert_allclose(central_diff_weights(5), scipy_5, rtol=1e-15, atol=0)


def _moment_error(weights: np.ndarray, ndiv: int) -> float:
    """Largest error of sum_j w_j x_j^k = ndiv! [k == ndiv] over k < len(weights).

    Scaled by sum_j |w_j x_j^k|, the size of the rounding error of the sum itself.
    """
    ho = len(weights) // 2
    x = np.arange(-ho, ho + 1, dtype=np.float64)
    worst = 0.0
    for k in range(len(weights)):
        terms = weights * x**k
        exact = math.factorial(ndiv) if k == ndiv else 0.0
        worst = max(worst, abs(terms.sum() - exact) / max(np.abs(terms).sum(), 1.0))
    return worst


@pytest.mark.parametrize("Np", range(3, 17, 2))
def test_weights_sum_to_zero_and_differentiate_polynomials_exactly(Np: int) -> None:
    for ndiv in range(1, Np):
        weights = central_diff_weights(Np, ndiv)
        assert abs(weights.sum()) <= 1e-14 * np.abs(weights).sum()  # f' of a constant is 0
        assert _moment_error(weights, ndiv) <= 1e-14


def test_moment_check_can_fail() -> None:
    weights = central_diff_weights(7, 1)
    weights[0] *= 1 + 1e-9
    assert _moment_error(weights, 1) > 1e-12
    assert _moment_error(np.array([0.0, -1.0, 1.0]), 1) > 0.1  # forward difference: not central


@pytest.mark.parametrize(
    ("n", "order"), [(n, order) for n in (1, 2, 3) for order in range(3, 17, 2) if order > n]
)
def test_polynomials_below_the_order_are_differentiated_exactly(n: int, order: int) -> None:
    coeffs = [(-1) ** k * (k + 1) for k in range(order)]  # degree order - 1

    def p(x: float) -> float:
        return float(sum(c * x**k for k, c in enumerate(coeffs)))

    exact = math.factorial(n) * coeffs[n]  # p^(n)(0)
    # dx = 1 at 0: integer points, exact values; what remains is the rounding of the weighted
    # sum, bounded by a few ulps of sum_k |w_k p(x_k)| (large: the terms cancel).
    values = [p(float(x)) for x in range(-(order // 2), order // 2 + 1)]
    rounding = float(np.abs(central_diff_weights(order, n) * values).sum())
    error = numeric_derivative(p, 0.0, n=n, order=order) - exact
    assert abs(error) <= 1e-14 * rounding
    if n % 2 == 1:  # one degree more is beyond the formula: the check tells
        error = numeric_derivative(lambda x: p(x) + x**order, 0.0, n=n, order=order) - exact
        assert abs(error) > 1e-6 * rounding


@pytest.mark.parametrize("order", [163, 165, 100_001])
def test_scipys_limit_of_161_points_is_kept(order: int) -> None:
    # SciPy 1.11 refused order >= 163 at once (its Vandermonde matrix overflowed); an
    # exact rational computation would instead take about order^3 steps.
    with pytest.raises(ValueError, match=r"beyond SciPy.s limit.* use at most 161"):
        numeric_derivative(lambda x: x * x, 1.0, order=order)
    with pytest.raises(ValueError, match="beyond SciPy's limit"):
        central_diff_weights(order)
    assert float(numeric_derivative(lambda x: x * x, 1.0, order=161)) == pytest.approx(2.0)


@pytest.mark.parametrize(
    ("n", "order"), [("1", 3), (None, 3), ([1], 3), (1, "3"), (1, None), (1, 3j)]
)
def test_non_numbers_for_n_and_order_raise_type_error_as_scipy(n: Any, order: Any) -> None:
    with pytest.raises(TypeError, match="must be a whole number, not"):
        numeric_derivative(lambda x: x, 1.0, n=n, order=order)
