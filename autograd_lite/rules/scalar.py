"""Forwards on Python floats that `math` lacks or words tersely.

`math` raises "math domain error" or "(34, 'Numerical result out of range')"; a learner
gets the op, the value and what the op accepts instead. Array forwards are NumPy's own
(nan or inf with a warning outside the domain, as NumPy users expect).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np


def domain(name: str, fn: Callable[[float], float], accepts: str) -> Callable[[float], float]:
    """`fn` with its ValueError and OverflowError turned into sentences naming `name`."""

    def forward(x: float) -> float:
        try:
            return fn(x)
        except ValueError:
            raise ValueError(
                f"{name}: got x = {x!r}, but {name} is defined only for {accepts}"
            ) from None
        except OverflowError:
            raise OverflowError(
                f"{name}: {name}({x!r}) is larger than the largest float"
            ) from None

    forward.__name__ = f"scalar_{name}"
    forward.__doc__ = f"{name}(x) on a float, for {accepts}."
    return forward


def log(x: float) -> float:
    """$\\ln x$, refusing x <= 0 with the fix a learner usually wants."""
    if x <= 0.0:
        raise ValueError(
            f"log: got x = {x!r}, but log is defined only for x > 0; "
            "check the input, or shift it (log(x + 1e-12)) if a zero is expected"
        )
    return math.log(x)


def sigmoid(x: float) -> float:
    """$1/(1 + e^{-x})$ in two branches, so exp never overflows."""
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


# NumPy 2 spends about 0.2 µs converting a Python float operand to the loop's dtype; a
# 0-d zero of the array's own dtype costs nothing and keeps float32 float32. An integer
# array meets a plain 0 (relu keeps its integers; sigmoid and softplus give floats).
_FLOATS = (np.float16, np.float32, np.float64, np.longdouble)
_ZEROS = {np.dtype(t): np.zeros((), t) for t in _FLOATS}


_ONES = {np.dtype(t): np.ones((), t) for t in _FLOATS}


def zero_of(x: np.ndarray) -> Any:
    """0 in `x`'s dtype, as a 0-d array NumPy combines with `x` at no conversion cost."""
    return _ZEROS.get(x.dtype, 0)


def one_like(x: Any) -> Any:
    """1 to combine with `x`: beside a float array a 0-d array of its dtype (as `zero_of`),
    beside a float or a node the number 1.0. Used in the partials of tanh and sigmoid, the
    activations whose backward on small arrays is mostly NumPy's fixed cost per call."""
    return _ONES.get(x.dtype, 1.0) if type(x) is np.ndarray else 1.0


def array_sigmoid(x: np.ndarray) -> np.ndarray:
    """$\\sigma(x) = e^{-\\log(1 + e^{-x})}$: logaddexp never overflows."""
    return np.exp(-np.logaddexp(zero_of(x), -x))


def softplus(x: float) -> float:
    """$\\log(1 + e^x) = \\max(x, 0) + \\log(1 + e^{-|x|})$: finite for any x."""
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


def array_softplus(x: np.ndarray) -> np.ndarray:
    return np.logaddexp(zero_of(x), x)


def logaddexp(x: float, y: float) -> float:
    """$\\log(e^x + e^y) = m + \\log(1 + e^{-|x - y|})$ with m = max(x, y)."""
    if x == y:  # also -inf with -inf, where x - y is nan
        return x + math.log(2.0)
    return max(x, y) + math.log1p(math.exp(-abs(x - y)))


def relu(x: float) -> float:
    return x if x > 0.0 else 0.0


def array_relu(x: np.ndarray) -> np.ndarray:
    return np.maximum(x, zero_of(x))


def leaky_relu(x: float, slope: float) -> float:
    return x if x > 0.0 else slope * x


def array_leaky_relu(x: np.ndarray, slope: float) -> np.ndarray:
    return np.where(x > 0, x, slope * x).astype(x.dtype, copy=False)


def div(x: float, y: float) -> float:
    try:
        return x / y
    except ZeroDivisionError:
        raise ZeroDivisionError(f"div: {x!r} / {y!r} divides by zero") from None


def rdiv(x: float, c: float) -> float:
    """`c / x`: a constant divided by the node."""
    return div(c, x)


def mod(x: float, y: float) -> float:
    try:
        return x % y
    except ZeroDivisionError:
        raise ZeroDivisionError(f"mod: {x!r} % {y!r} divides by zero") from None


def power(x: float, y: float) -> float:
    try:
        out = x**y
    except ZeroDivisionError:
        raise ZeroDivisionError(f"pow: {x!r} ** {y!r} divides by zero") from None
    except OverflowError:
        raise OverflowError(f"pow: {x!r} ** {y!r} is larger than the largest float") from None
    if type(out) is complex:
        raise ValueError(
            f"pow: {x!r} ** {y!r} is not a real number (a negative base needs an integer exponent)"
        )
    return out


def rpow(x: float, c: float) -> float:
    """`c ** x`: a constant raised to the node."""
    return power(c, x)


def sign(x: float) -> float:
    """-1, 0 or 1, with sign(0) = 0 (as NumPy and PyTorch)."""
    return (x > 0.0) - (x < 0.0) + 0.0


def maximum(x: float, y: float) -> float:
    return x if x >= y else y


def minimum(x: float, y: float) -> float:
    return x if x <= y else y


def clip(x: float, bounds: tuple[float, float]) -> float:
    lo, hi = bounds
    return min(max(x, lo), hi)


def array_clip(x: np.ndarray, bounds: tuple[float, float]) -> np.ndarray:
    return np.clip(x, *bounds).astype(x.dtype, copy=False)


exp = domain("exp", math.exp, "x below 709.78 (larger results overflow)")
sqrt = domain("sqrt", math.sqrt, "x >= 0")
arcsin = domain("arcsin", math.asin, "-1 <= x <= 1")
arccos = domain("arccos", math.acos, "-1 <= x <= 1")
arccosh = domain("arccosh", math.acosh, "x >= 1")
arctanh = domain("arctanh", math.atanh, "-1 < x < 1")
log1p = domain("log1p", math.log1p, "x > -1")
log2 = domain("log2", math.log2, "x > 0")
log10 = domain("log10", math.log10, "x > 0")
expm1 = domain("expm1", math.expm1, "x below 709.78 (larger results overflow)")
exp2 = domain("exp2", lambda x: 2.0**x, "x below 1024 (larger results overflow)")
sinh = domain("sinh", math.sinh, "|x| below 710.47 (larger results overflow)")
cosh = domain("cosh", math.cosh, "|x| below 710.47 (larger results overflow)")
tan = domain("tan", math.tan, "every finite x")
