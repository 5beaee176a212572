"""The table of derivative rules: every primitive op, once.

Each entry holds an op's forward, its partial derivatives and their formulas as text.
`Value`, `Tensor`, the visualizer and the docs all read this one table, so a formula
shown in a picture is the formula the engine multiplies by.

Two kinds of rule:

* **Elementwise** rules (`add`, `tanh`, ...) give, for each input, the *local
  derivative* $\\partial\\,out / \\partial x$ as a function `(x, y, out)`. The backward
  pass multiplies it by the upstream gradient `g`: contribution $= g \\cdot local$.
  For a unary op, `y` is the op's constant (the exponent `c` of `x ** c`) or None.
* **Structural** rules (`matmul`, `sum`, `reshape`, ...) move numbers around rather
  than transform them one by one; their Jacobian is never formed. Each gives, per input,
  the vector-Jacobian product as a function `(g, x, y, out)`.

Every function is written with operators and with `call(RULE, x)`, so it works on plain
floats and ndarrays (the fast path) and on `Value`/`Tensor` nodes, in which case the
derivative is itself recorded as a graph: that is all `create_graph=True` needs.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

Fn = Callable[..., Any]


class Rule:
    """One primitive op: forward, partial derivatives, and their formulas.

    Attributes:
        name: the op's name, also the method name on `Value`/`Tensor` (`"tanh"`).
        expr: the forward as text (`"tanh(x)"`).
        formulas: per input, the partial derivative as text (`("1 - tanh(x)^2",)`).
        partials: per input, the function computing it (see the module docstring).
        scalar: forward on Python floats (None where only `Tensor` has the op).
        array: forward on ndarrays.
        elementwise: True when `partials` give local derivatives, False when they give
            vector-Jacobian products.
    """

    __slots__ = ("array", "elementwise", "expr", "formulas", "name", "partials", "scalar")

    def __init__(
        self,
        name: str,
        expr: str,
        scalar: Fn | None,
        array: Fn,
        *partials: tuple[str, Fn],
        elementwise: bool = True,
    ) -> None:
        self.name = name
        self.expr = expr
        self.formulas = tuple(text for text, _ in partials)
        self.partials = tuple(fn for _, fn in partials)
        self.array = array
        self.scalar = scalar
        self.elementwise = elementwise

    @property
    def arity(self) -> int:
        """How many node inputs the op takes (a constant `c` does not count)."""
        return len(self.partials)

    def __repr__(self) -> str:
        return f"Rule({self.name!r}: {self.expr})"


def call(rule: Rule, x: Any, c: Any = None) -> Any:
    """Apply a unary `rule` to a float, an ndarray, or a node (which records it).

    Rules use this to name other ops in their derivatives, so the same formula serves
    numbers on the fast path and nodes under `create_graph=True`.
    """
    if type(x) is float:
        return rule.scalar(x) if c is None else rule.scalar(x, c)  # type: ignore[misc]
    if isinstance(x, (np.ndarray, np.generic)):  # NumPy gives 0-d results as scalars
        return rule.array(x) if c is None else rule.array(x, c)
    return x._unary(rule, c)


def data_of(x: Any) -> Any:
    """The number or array behind `x`: for derivatives that are constants (relu, abs, max)."""
    return x if isinstance(x, (float, np.ndarray, np.generic)) else x.data


# ---------------------------------------------------------------- scalar forwards
# Python's math raises terse errors ("math domain error"); a learner gets the op and value.


def _scalar_log(x: float) -> float:
    if x <= 0.0:
        raise ValueError(
            f"log: got x = {x!r}, but log is defined only for x > 0; "
            "check the input, or shift it (log(x + 1e-12)) if a zero is expected"
        )
    return math.log(x)


def _scalar_sqrt(x: float) -> float:
    if x < 0.0:
        raise ValueError(f"sqrt: got x = {x!r}, but sqrt is defined only for x >= 0")
    return math.sqrt(x)


def _scalar_exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        raise OverflowError(
            f"exp: exp({x!r}) is larger than the largest float (x must be below 709.78)"
        ) from None


def _scalar_sigmoid(x: float) -> float:
    # Two branches, so exp never overflows: for x < 0, sigma(x) = e^x / (1 + e^x).
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def _array_sigmoid(x: np.ndarray) -> np.ndarray:
    # sigma(x) = exp(-log(1 + e^-x)); logaddexp never overflows.
    return np.exp(-np.logaddexp(0.0, -x)).astype(x.dtype, copy=False)


def _scalar_div(x: float, y: float) -> float:
    try:
        return x / y
    except ZeroDivisionError:
        raise ZeroDivisionError(f"div: {x!r} / {y!r} divides by zero") from None


def _scalar_pow(x: float, y: float) -> float:
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


def _step(x: Any) -> Any:
    """relu'(x) as a constant: 1 where x > 0, else 0 (so relu'(0) = 0, as in PyTorch)."""
    x = data_of(x)
    if type(x) is float:
        return 1.0 if x > 0.0 else 0.0
    return x > 0  # a boolean mask: g * mask keeps g's dtype, with no float copy of the mask


def _sign(x: Any) -> Any:
    """abs'(x) as a constant: the sign of x, with sign(0) = 0 (as in PyTorch)."""
    x = data_of(x)
    if type(x) is float:
        return (x > 0.0) - (x < 0.0) + 0.0
    return np.sign(x)


def _scalar_relu(x: float) -> float:
    return x if x > 0.0 else 0.0


def _array_relu(x: np.ndarray) -> np.ndarray:
    return np.maximum(x, 0.0).astype(x.dtype, copy=False)


def _power_partial(x: Any, c: float) -> Any:
    """$c x^{c-1}$, exactly 0 for c = 0 and 1 for c = 1: so repeated differentiation of
    $x^2$ ends in constants instead of reaching $0 \\cdot x^{-1}$, undefined at x = 0."""
    if c == 0.0:
        return 0.0
    if c == 1.0:
        return 1.0
    return c * x ** (c - 1.0)


# ---------------------------------------------------------------- elementwise rules


def _one(x: Any, y: Any, out: Any) -> float:
    return 1.0


# Each partial is (formula, function of (x, y, out)); a unary op's `y` is its constant c.
LOG: Rule  # named by POWV and SIN before their own lines
COS: Rule
# fmt: off
ADD = Rule("add", "x + y", float.__add__, np.add,
           ("1", _one),
           ("1", _one))
SUB = Rule("sub", "x - y", float.__sub__, np.subtract,
           ("1", _one),
           ("-1", lambda x, y, out: -1.0))
MUL = Rule("mul", "x * y", float.__mul__, np.multiply,
           ("y", lambda x, y, out: y),
           ("x", lambda x, y, out: x))
DIV = Rule("div", "x / y", _scalar_div, np.divide,
           ("1/y", lambda x, y, out: 1.0 / y),
           ("-x/y^2", lambda x, y, out: -out / y))
NEG = Rule("neg", "-x", float.__neg__, np.negative,
           ("-1", lambda x, c, out: -1.0))
POW = Rule("pow", "x ** c", _scalar_pow, np.power,
           ("c*x^(c-1)", lambda x, c, out: _power_partial(x, c)))
POWV = Rule("powv", "x ** y", _scalar_pow, np.power,
            ("y*x^(y-1)", lambda x, y, out: y * x ** (y - 1.0)),
            ("x^y*log(x)", lambda x, y, out: out * call(LOG, x)))
EXP = Rule("exp", "exp(x)", _scalar_exp, np.exp,
           ("exp(x)", lambda x, c, out: out))
LOG = Rule("log", "log(x)", _scalar_log, np.log,
           ("1/x", lambda x, c, out: 1.0 / x))
TANH = Rule("tanh", "tanh(x)", math.tanh, np.tanh,
            ("1 - tanh(x)^2", lambda x, c, out: 1.0 - out * out))
SIGMOID = Rule("sigmoid", "σ(x) = 1/(1 + exp(-x))", _scalar_sigmoid, _array_sigmoid,
               ("σ(x)(1 - σ(x))", lambda x, c, out: out * (1.0 - out)))
RELU = Rule("relu", "max(x, 0)", _scalar_relu, _array_relu,
            ("1 if x > 0 else 0", lambda x, c, out: _step(x)))
SIN = Rule("sin", "sin(x)", math.sin, np.sin,
           ("cos(x)", lambda x, c, out: call(COS, x)))
COS = Rule("cos", "cos(x)", math.cos, np.cos,
           ("-sin(x)", lambda x, c, out: -call(SIN, x)))
SQRT = Rule("sqrt", "sqrt(x)", _scalar_sqrt, np.sqrt,
            ("1/(2 sqrt(x))", lambda x, c, out: 0.5 / out))
ABS = Rule("abs", "|x|", abs, np.abs,
           ("sign(x)", lambda x, c, out: _sign(x)))
# fmt: on

# ---------------------------------------------------------------- structural rules (Tensor)
# Functions below take and return ndarrays or Tensors alike: `.reshape`, `.transpose`,
# `.sum` and `@` exist on both, and `call` records the rest.


def unsqueeze(a: Any, axis: int) -> Any:
    """Insert an axis of length 1 at `axis` (negative counts from the end)."""
    shape = tuple(a.shape)
    axis = axis % (len(shape) + 1)
    return a.reshape((*shape[:axis], 1, *shape[axis:]))


def matrix_transpose(a: Any) -> Any:
    """Swap the last two axes: $A^T$ for a stack of matrices."""
    axes = list(range(a.ndim))
    axes[-1], axes[-2] = axes[-2], axes[-1]
    return a.transpose(tuple(axes))


def sum_to(a: Any, shape: tuple[int, ...]) -> Any:
    """Sum `a` down to `shape`: the backward of broadcasting `shape` up to `a.shape`."""
    if tuple(a.shape) == shape:
        return a
    lead = a.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        i + lead for i, n in enumerate(shape) if n == 1 and a.shape[i + lead] != 1
    )
    return a.sum(axis=axes, keepdims=True).reshape(shape)


def broadcast_to(a: Any, shape: tuple[int, ...]) -> Any:
    """Broadcast `a` up to `shape` (a differentiable op on Tensors)."""
    if tuple(a.shape) == shape:
        return a
    return call(BROADCAST, a, shape)


def _keepdims_shape(shape: tuple[int, ...], axis: Any) -> tuple[int, ...]:
    if axis is None:
        return (1,) * len(shape)
    axes = {ax % len(shape) for ax in (axis if isinstance(axis, tuple) else (axis,))}
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


def _matmul_dx(g: Any, x: Any, y: Any, out: Any) -> Any:
    if y.ndim == 1:  # out[..., i] = sum_k x[..., i, k] y[k]
        return unsqueeze(g, -1) * y
    if x.ndim == 1:  # out[..., j] = sum_k x[k] y[..., k, j]
        return sum_to((y @ unsqueeze(g, -1)).reshape(tuple(y.shape[:-1])), tuple(x.shape))
    return sum_to(g @ matrix_transpose(y), tuple(x.shape))


def _matmul_dy(g: Any, x: Any, y: Any, out: Any) -> Any:
    if x.ndim == 1:
        if y.ndim == 1:
            return g * x
        return sum_to(unsqueeze(x, -1) * unsqueeze(g, -2), tuple(y.shape))
    if y.ndim == 1:  # out[..., i] = sum_k x[..., i, k] y[k]
        gy = matrix_transpose(x) @ unsqueeze(g, -1)
        return sum_to(gy.reshape(tuple(gy.shape[:-1])), tuple(y.shape))
    return sum_to(matrix_transpose(x) @ g, tuple(y.shape))


def _sum_vjp(g: Any, x: Any, c: Any, out: Any) -> Any:
    axis, keepdims = c
    if not keepdims:
        g = g.reshape(_keepdims_shape(tuple(x.shape), axis))
    return broadcast_to(g, tuple(x.shape))


def _max_vjp(g: Any, x: Any, c: Any, out: Any) -> Any:
    # Ties share the gradient equally (as np.amax's subgradient in PyTorch's amax).
    axis = c[0]
    xd, od = data_of(x), data_of(out)
    shape = _keepdims_shape(xd.shape, axis)
    mask = xd == od.reshape(shape)
    share = mask / mask.sum(axis=axis, keepdims=True)
    return g.reshape(shape) * share.astype(xd.dtype, copy=False)


def _inverse(axes: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(int(i) for i in np.argsort(axes))


def _array_scatter(g: np.ndarray, c: Any) -> np.ndarray:
    shape, index = c
    out = np.zeros(shape, dtype=g.dtype)
    if _has_array_index(index):
        np.add.at(out, index, g)  # repeated indices must add up
    else:
        out[index] = g
    return out


def _array_sum(x: np.ndarray, c: Any) -> np.ndarray:
    return np.sum(x, axis=c[0], keepdims=c[1])


def _array_max(x: np.ndarray, c: Any) -> np.ndarray:
    return np.max(x, axis=c[0], keepdims=c[1])


def _array_getitem(x: np.ndarray, index: Any) -> np.ndarray:
    return x[index]


def _getitem_vjp(g: Any, x: Any, index: Any, out: Any) -> Any:
    return call(SCATTER, g, (tuple(x.shape), index))


def _has_array_index(index: Any) -> bool:
    parts = index if isinstance(index, tuple) else (index,)
    return any(isinstance(p, (np.ndarray, list)) for p in parts)


# fmt: off
MATMUL = Rule("matmul", "x @ y", None, np.matmul,
              ("g @ yᵀ", _matmul_dx),
              ("xᵀ @ g", _matmul_dy), elementwise=False)
SUM = Rule("sum", "sum(x, axis)", None, _array_sum,
           ("broadcast g back to x's shape", _sum_vjp), elementwise=False)
MAX = Rule("max", "max(x, axis)", None, _array_max,
           ("g where x is the max (ties share it equally), else 0", _max_vjp), elementwise=False)
BROADCAST = Rule("broadcast_to", "broadcast_to(x, shape)", None, np.broadcast_to,
                 ("sum g back to x's shape", lambda g, x, c, out: sum_to(g, tuple(x.shape))),
                 elementwise=False)
RESHAPE = Rule("reshape", "reshape(x, shape)", None, np.reshape,
               ("reshape g to x's shape", lambda g, x, c, out: g.reshape(tuple(x.shape))),
               elementwise=False)
TRANSPOSE = Rule("transpose", "transpose(x, axes)", None, np.transpose,
                 ("transpose g back", lambda g, x, c, out: g.transpose(_inverse(c))),
                 elementwise=False)
GETITEM = Rule("getitem", "x[index]", None, _array_getitem,
               ("g added into zeros at index", _getitem_vjp), elementwise=False)
SCATTER = Rule("scatter_add", "zeros(shape) with x added at index", None, _array_scatter,
               ("g[index]", lambda g, x, c, out: call(GETITEM, g, c[1])), elementwise=False)
# fmt: on

RULES: tuple[Rule, ...] = (
    ADD, SUB, MUL, DIV, NEG, POW, POWV, EXP, LOG, TANH, SIGMOID, RELU, SIN, COS, SQRT, ABS,
    MATMUL, SUM, MAX, BROADCAST, RESHAPE, TRANSPOSE, GETITEM, SCATTER,
)  # fmt: skip
"""Every primitive op, in the order the docs list them."""
