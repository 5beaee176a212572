"""Central differences, computed as SciPy's `scipy.misc.derivative` computed them.

`scipy.misc.derivative` was removed in SciPy 1.12, so code written for it (and many study
notes) no longer runs. `numeric_derivative` takes the same arguments, uses the same weights
and the same evaluation loop, and raises the same `ValueError`s, with NumPy alone. Where
SciPy used its hard-coded weights the results are equal to the last bit; elsewhere SciPy
inverted a matrix in floating point and we compute the same weights exactly, so the results
agree to SciPy's own rounding error.

A central difference is an approximation: it samples $f$ at `order` points spaced `dx`
apart and is exact only for polynomials of low degree. For the exact derivative, use
automatic differentiation: `ag.derivative(f, x0, n)`.
"""

from __future__ import annotations

import functools
import math
import numbers
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

import numpy as np

__all__ = ["MAX_ORDER", "central_diff_weights", "check_order", "numeric_derivative"]


def _table(*weights: float, divisor: float) -> np.ndarray:
    table = np.array(weights) / divisor
    table.setflags(write=False)  # shared by every call: nobody may change it
    return table


# SciPy's hard-coded weights, keyed by (n, order); the divisions are SciPy's, so the float
# weights are bit for bit the ones it used. Other cases go through `central_diff_weights`.
_TABLES: dict[tuple[int, int], np.ndarray] = {
    (1, 3): _table(-1, 0, 1, divisor=2.0),
    (1, 5): _table(1, -8, 0, 8, -1, divisor=12.0),
    (1, 7): _table(-1, 9, -45, 0, 45, -9, 1, divisor=60.0),
    (1, 9): _table(3, -32, 168, -672, 0, 672, -168, 32, -3, divisor=840.0),
    (2, 3): _table(1, -2.0, 1, divisor=1.0),
    (2, 5): _table(-1, 16, -30, 16, -1, divisor=12.0),
    (2, 7): _table(2, -27, 270, -490, 270, -27, 2, divisor=180.0),
    (2, 9): _table(-9, 128, -1008, 8064, -14350, 8064, -1008, 128, -9, divisor=5040.0),
}


MAX_ORDER = 161
"""The most points SciPy's formula could use: at 163 its Vandermonde matrix holds
$81^{162} > 1.8 \\cdot 10^{308}$, and SciPy 1.11 refused at once with a ValueError."""


def _check_whole(name: str, value: object, meaning: str) -> int:
    """Return `value` as an int; a TypeError if it is not a number, as SciPy raised.

    Raises:
        TypeError: `value` is not a number at all (a string, None, a list).
        ValueError: a number that is not whole (1.5, 3.0, True).
    """
    if not isinstance(value, numbers.Real):
        raise TypeError(
            f"{name} is {meaning} and must be a whole number, not "
            f"{type(value).__name__} {value!r:.40}"
        )
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} is {meaning} and must be a whole number: got {value!r}")
    return int(value)


def _check_points(Np: int) -> None:
    if Np > MAX_ORDER:
        raise ValueError(
            f"{Np} points is beyond SciPy's limit: its weights needed {Np >> 1}**{Np - 1}, "
            f"more than the largest float, so SciPy refused 163 points and more; use at "
            f"most {MAX_ORDER}"
        )


@functools.lru_cache(maxsize=64)
def _exact_weights(Np: int, ndiv: int) -> tuple[float, ...]:
    """The weights in exact rational arithmetic, each rounded once to the nearest float."""
    ho = Np >> 1
    points = range(-ho, ho + 1)
    weights = []
    for j in points:
        # L_j(x) = prod_{m != j} (x - m) / (j - m): integer coefficients (lowest power
        # first) over an integer scale, so nothing is rounded before the last step.
        coeffs = [1]
        scale = 1
        for m in points:
            if m != j:
                coeffs = [a - m * b for a, b in zip([0, *coeffs], [*coeffs, 0])]
                scale *= j - m
        weights.append(float(Fraction(math.factorial(ndiv) * coeffs[ndiv], scale)))
    return tuple(weights)


def central_diff_weights(Np: int, ndiv: int = 1) -> np.ndarray:
    """Weights of the `Np`-point central difference for the `ndiv`-th derivative.

    With the points $x_j = j$ for $j = -h, \\dots, h$ ($h$ = `Np // 2`, spacing 1), the
    weights make $\\sum_j w_j\\, p(x_j) = p^{(ndiv)}(0)$ for every polynomial $p$ of degree
    below `Np`: $w_j = ndiv! \\, [x^{ndiv}]\\, L_j(x)$, where
    $L_j(x) = \\prod_{m \\ne j} (x - x_m)/(x_j - x_m)$ is the Lagrange basis polynomial.
    For a spacing `dx`, divide the weighted sum by $dx^{ndiv}$.

    SciPy took row `ndiv` of the inverse of the Vandermonde matrix $V_{jk} = x_j^k$ in
    floating point, which loses digits as `Np` grows; here the same numbers are computed in
    exact rational arithmetic and rounded once, so they are the correctly rounded weights
    and differ from SciPy's only by SciPy's own rounding error (relative to the largest
    weight: none for `Np = 3`, 2e-16 at 5, 1e-13 at 11, 6e-12 at 15). The weighted sum
    itself still loses digits to cancellation for large `Np` and `ndiv` and a small `dx`.

    Args:
        Np: The number of points: odd, and at least `ndiv + 1`.
        ndiv: Which derivative (1 for the first).

    Returns:
        The `Np` weights, a new float64 array, the first for $x = -h$.

    Raises:
        ValueError: With SciPy's messages, if `Np < ndiv + 1` or `Np` is even; also if
            `Np` or `ndiv` is not a whole number or `ndiv` is negative.

    Example:
        >>> central_diff_weights(3)  # (f(x + 1) - f(x - 1)) / 2
        array([-0.5,  0. ,  0.5])
    """
    Np = _check_whole("Np", Np, "the number of points")
    ndiv = _check_whole("ndiv", ndiv, "the order of the derivative")
    if ndiv < 0:
        raise ValueError(f"ndiv is the order of the derivative and cannot be negative: got {ndiv}")
    if Np < ndiv + 1:
        raise ValueError("Number of points must be at least the derivative order + 1.")
    if Np % 2 == 0:
        raise ValueError("The number of points must be odd.")
    _check_points(Np)
    return np.array(_exact_weights(Np, ndiv))


def check_order(n: object, order: object) -> tuple[int, int]:
    """Check `n` and `order` as `numeric_derivative` does, before any function is called.

    Args:
        n: Which derivative: a whole number >= 0.
        order: The number of points: odd, at least `n + 1`, at most `MAX_ORDER` (161).

    Returns:
        `(n, order)` as ints.

    Raises:
        TypeError: `n` or `order` is not a number (as SciPy raised).
        ValueError: With SciPy's messages, if `order < n + 1` or `order` is even; also if
            `n` or `order` is not a whole number, `n` is negative, or `order` is beyond
            SciPy's limit of 161 points.

    Example:
        >>> check_order(2, 5)
        (2, 5)
    """
    whole_n = _check_whole("n", n, "the order of the derivative (1 for the first derivative)")
    if whole_n < 0:
        raise ValueError(
            f"n is the order of the derivative and cannot be negative: got {whole_n}; "
            "use n=1 for the first derivative"
        )
    points = _check_whole("order", order, "the number of points used (3, 5, 7, ...)")
    if points < whole_n + 1:
        raise ValueError(
            "'order' (the number of points used to compute the derivative), "
            "must be at least the derivative order 'n' + 1."
        )
    if points % 2 == 0:
        raise ValueError(
            "'order' (the number of points used to compute the derivative) must be odd."
        )
    _check_points(points)
    return whole_n, points


def numeric_derivative(
    func: Callable[..., Any],
    x0: Any,
    dx: float = 1.0,
    n: int = 1,
    args: Sequence[Any] = (),
    order: int = 3,
) -> Any:
    """The n-th derivative of `func` at `x0` by a central difference, as SciPy computed it.

    A drop-in replacement for `scipy.misc.derivative` (removed in SciPy 1.12): same
    arguments, same weights, same loop and the same `ValueError`s for a bad `order`; the
    same results to the last bit with SciPy's hard-coded weights, and to SciPy's own
    rounding error elsewhere (see `central_diff_weights`). It computes

    $$f^{(n)}(x_0) \\approx \\frac{1}{dx^n} \\sum_{k=0}^{order-1} w_k\\,
    f(x_0 + (k - h)\\,dx, *args), \\qquad h = \\lfloor order/2 \\rfloor,$$

    with SciPy's hard-coded weights for n = 1 and 2 with order 3, 5, 7 or 9, and
    `central_diff_weights(order, n)` otherwise.

    This is an approximation, not the derivative. With the default `dx=1.0` and
    `order=3`, the first derivative is $(f(x_0 + 1) - f(x_0 - 1))/2$: exact only for
    polynomials of degree <= 2, and off by $f'''(x_0)/6$ otherwise. In general an
    `order`-point formula is exact for polynomials of degree below `order`; a smaller `dx`
    shrinks the truncation error until rounding error takes over. The exact derivative, by
    automatic differentiation with no step size at all, is `ag.derivative(f, x0, n)`.

    Args:
        func: The function, called as `func(x, *args)`.
        x0: The point at which the n-th derivative is found.
        dx: The spacing between the points.
        n: Which derivative (1 for the first): a whole number >= 0.
        args: Extra positional arguments passed to `func`.
        order: The number of points used: odd, and at least `n + 1`.

    Returns:
        The approximate derivative, a NumPy float64 for a function of floats.

    Raises:
        TypeError: `n` or `order` is not a number, as SciPy raised.
        ValueError: With SciPy's messages, if `order < n + 1` or `order` is even; also if
            `n` or `order` is not a whole number, `n` is negative, or `order` is 163 or
            more (SciPy refused those: its weights overflowed).

    Example:
        The source note's example, $f(x) = 3x^2$ at $x = 2$, where the 3-point formula is
        exact because $f$ has degree 2 (`ag.derivative(f, 2.0)` gives the same 12.0):

        >>> def f(x):
        ...     return 3 * x * x
        >>> float(numeric_derivative(f, 2))
        12.0
    """
    n, order = check_order(n, order)
    weights = _TABLES.get((n, order))
    if weights is None:
        weights = central_diff_weights(order, n)
    # SciPy's loop, kept as it was so that the floating-point sums come out the same.
    val = 0.0
    ho = order >> 1
    for k in range(order):
        val += weights[k] * func(x0 + (k - ho) * dx, *args)
    return val / np.prod((dx,) * n, axis=0)
