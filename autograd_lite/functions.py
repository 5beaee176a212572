"""`ag.exp`, `ag.log`, ...: one function for Values, Tensors, numbers and arrays alike.

A learner can write `ag.tanh(x)` whether `x` is a `Value`, a `Tensor`, a Python number
or an ndarray: nodes record the op (the same as `x.tanh()`), a number gives a float and
an array gives an array, both computed by the same rule as the nodes use.
"""

from __future__ import annotations

import numbers
from typing import Any, TypeVar, overload

import numpy as np

from . import rules as R
from .taylor import Series
from .tensor import Tensor
from .value import Value

T = TypeVar("T", Value, Tensor, Series, np.ndarray)


@overload
def _apply(rule: R.Rule, x: T) -> T: ...
@overload
def _apply(rule: R.Rule, x: float) -> float: ...
def _apply(rule: R.Rule, x: Any) -> Any:
    if isinstance(x, (Value, Tensor, Series)):
        return x._unary(rule)
    if isinstance(x, np.ndarray):
        return rule.array(x)
    if isinstance(x, numbers.Real) and not isinstance(x, bool):
        return float(rule.scalar(float(x)))  # type: ignore[misc]
    raise TypeError(
        f"{rule.name}: expected a Value, a Tensor, a number or an ndarray, got "
        f"{type(x).__name__} {x!r:.60}"
        + ("; wrap a list with np.asarray" if isinstance(x, list) else "")
    )


def exp(x: Any) -> Any:
    """$e^x$; derivative $e^x$. Example: `ag.exp(0.0)` is 1.0."""
    return _apply(R.EXP, x)


def log(x: Any) -> Any:
    """$\\ln x$ (x > 0); derivative $1/x$. A number <= 0 raises ValueError naming it."""
    return _apply(R.LOG, x)


def tanh(x: Any) -> Any:
    """$\\tanh x$; derivative $1 - \\tanh^2 x$."""
    return _apply(R.TANH, x)


def sigmoid(x: Any) -> Any:
    """$\\sigma(x) = 1/(1 + e^{-x})$, without overflow; derivative $\\sigma(1-\\sigma)$."""
    return _apply(R.SIGMOID, x)


def relu(x: Any) -> Any:
    """$\\max(x, 0)$; derivative 1 for x > 0, else 0 (0 at x = 0)."""
    return _apply(R.RELU, x)


def sin(x: Any) -> Any:
    """$\\sin x$; derivative $\\cos x$."""
    return _apply(R.SIN, x)


def cos(x: Any) -> Any:
    """$\\cos x$; derivative $-\\sin x$."""
    return _apply(R.COS, x)


def sqrt(x: Any) -> Any:
    """$\\sqrt{x}$ (x >= 0); derivative $1/(2\\sqrt{x})$."""
    return _apply(R.SQRT, x)


def abs(x: Any) -> Any:
    """$|x|$; derivative $\\mathrm{sign}(x)$, taken as 0 at x = 0."""
    return _apply(R.ABS, x)


__all__ = ["abs", "cos", "exp", "log", "relu", "sigmoid", "sin", "sqrt", "tanh"]
