"""Exact derivatives of any order by Taylor-mode automatic differentiation.

Differentiating n times by nesting reverse mode builds a graph of the derivative, then
a graph of *its* derivative, and so on: the size grows geometrically with n. Taylor
mode carries instead the whole truncated Taylor series of every intermediate result,

$$u(x_0 + t) = u_0 + u_1 t + u_2 t^2 + \\dots + u_n t^n, \\qquad
  u^{(k)}(x_0) = k!\\,u_k,$$

and each op maps the series of its inputs to the series of its output in $O(n^2)$.

Sums, products and quotients have their classical recurrences (Cauchy products).
Every other op comes from the *same rule table* as the rest of the engine: an op
$u = \\varphi(x)$ satisfies $u' = \\varphi'(x)\\,x'$, so matching powers of t gives

$$u_k = \\frac{1}{k} \\sum_{j=1}^{k} j\\, x_j\\, d_{k-j}, \\qquad d = \\varphi'(x),$$

where the series d is the rule's partial derivative evaluated on series. Since
$d_{k-j}$ needs only $u_0 \\dots u_{k-1}$, the coefficients are computed one by one,
lazily, and cached.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from typing import Any

from . import rules as R


class Series:
    """A truncated Taylor series whose coefficients are computed on demand.

    `s[k]` is the k-th coefficient, $f^{(k)}(x_0)/k!$. Arithmetic with numbers and
    other Series, and the methods `exp log tanh ...`, return new Series, so a function
    written for Values also runs on a Series (that is how `derivative` calls it).

    Args:
        coefficient: a function k -> k-th coefficient, called once per k.
        label: shown in `repr`.
    """

    __slots__ = ("_cache", "_coefficient", "label")
    __array_ufunc__ = None

    def __init__(self, coefficient: Callable[[int], float], label: str = "") -> None:
        self._coefficient = coefficient
        self._cache: list[float] = []
        self.label = label

    @staticmethod
    def variable(x0: float) -> Series:
        """The series of the identity function at x0: $x_0 + t$."""
        x0 = float(x0)
        return Series(lambda k: x0 if k == 0 else (1.0 if k == 1 else 0.0), "x")

    @staticmethod
    def constant(c: float) -> Series:
        """The series of a constant: c, then zeros."""
        c = float(c)
        return Series(lambda k: c if k == 0 else 0.0)

    def __getitem__(self, k: int) -> float:
        cache = self._cache
        while len(cache) <= k:
            cache.append(float(self._coefficient(len(cache))))
        return cache[k]

    @property
    def data(self) -> float:
        """The value $u_0$ (so the rules' constants, such as relu's step, can read it)."""
        return self[0]

    def derivative(self, n: int) -> float:
        """$u^{(n)}(x_0) = n!\\,u_n$."""
        return math.factorial(n) * self[n]

    def __repr__(self) -> str:
        return f"Series({', '.join(f'{c:.6g}' for c in self._cache)}, ...)"

    # ------------------------------------------------------------ arithmetic
    def __add__(self, other: Any) -> Series:
        y = _lift(other)
        return Series(lambda k: self[k] + y[k])

    def __radd__(self, other: Any) -> Series:
        return self + other

    def __sub__(self, other: Any) -> Series:
        y = _lift(other)
        return Series(lambda k: self[k] - y[k])

    def __rsub__(self, other: Any) -> Series:
        return _lift(other) - self

    def __neg__(self) -> Series:
        return Series(lambda k: -self[k])

    def __pos__(self) -> Series:
        return self

    def __mul__(self, other: Any) -> Series:
        """Cauchy product: $(xy)_k = \\sum_{j=0}^{k} x_j y_{k-j}$."""
        if isinstance(other, numbers.Real):
            c = float(other)
            return Series(lambda k: c * self[k])
        y = _lift(other)
        return Series(lambda k: math.fsum(self[j] * y[k - j] for j in range(k + 1)))

    def __rmul__(self, other: Any) -> Series:
        return self * other

    def __truediv__(self, other: Any) -> Series:
        """Quotient: $q_k = (x_k - \\sum_{j=1}^{k} y_j q_{k-j}) / y_0$."""
        if isinstance(other, numbers.Real):
            return self * R.call(R.DIV, 1.0, float(other))  # 1/c; raises on zero
        y = _lift(other)
        q = Series(lambda k: 0.0)

        def coefficient(k: int) -> float:
            y0 = y[0]
            if y0 == 0.0:
                raise ZeroDivisionError(f"div: the divisor is 0 at the point ({self[0]!r} / 0)")
            return (self[k] - math.fsum(y[j] * q[k - j] for j in range(1, k + 1))) / y0

        q._coefficient = coefficient
        return q

    def __rtruediv__(self, other: Any) -> Series:
        return _lift(other) / self

    def __pow__(self, other: Any) -> Series:
        if isinstance(other, numbers.Real):
            return _from_rule(R.POW, self, float(other))
        return _from_rule(R.POWV, self, _lift(other))

    def __rpow__(self, other: Any) -> Series:
        return _from_rule(R.POWV, _lift(other), self)

    # ------------------------------------------------------------ comparisons (on the value)
    def __lt__(self, other: Any) -> bool:
        return self[0] < _value(other)

    def __le__(self, other: Any) -> bool:
        return self[0] <= _value(other)

    def __gt__(self, other: Any) -> bool:
        return self[0] > _value(other)

    def __ge__(self, other: Any) -> bool:
        return self[0] >= _value(other)

    def __float__(self) -> float:
        raise TypeError(
            "derivative: the function turned the variable into a plain float (math.exp, "
            "float(x), ...), which would lose its derivative; use ag.exp, ag.sin, ... or "
            "the methods x.exp(), x.sin(), ..."
        )

    # ------------------------------------------------------------ functions from the rule table
    def _unary(self, rule: R.Rule, c: Any = None) -> Series:
        return _from_rule(rule, self, c)

    def exp(self) -> Series:
        """Series of $e^x$ (rule `exp`)."""
        return _from_rule(R.EXP, self)

    def log(self) -> Series:
        """Series of $\\ln x$ (rule `log`)."""
        return _from_rule(R.LOG, self)

    def tanh(self) -> Series:
        """Series of $\\tanh x$ (rule `tanh`)."""
        return _from_rule(R.TANH, self)

    def sigmoid(self) -> Series:
        """Series of $\\sigma(x)$ (rule `sigmoid`)."""
        return _from_rule(R.SIGMOID, self)

    def relu(self) -> Series:
        """Series of $\\max(x, 0)$ (rule `relu`)."""
        return _from_rule(R.RELU, self)

    def sin(self) -> Series:
        """Series of $\\sin x$ (rule `sin`)."""
        return _from_rule(R.SIN, self)

    def cos(self) -> Series:
        """Series of $\\cos x$ (rule `cos`)."""
        return _from_rule(R.COS, self)

    def sqrt(self) -> Series:
        """Series of $\\sqrt{x}$ (rule `sqrt`)."""
        return _from_rule(R.SQRT, self)

    def abs(self) -> Series:
        """Series of $|x|$ (rule `abs`)."""
        return _from_rule(R.ABS, self)

    def __abs__(self) -> Series:
        return _from_rule(R.ABS, self)


def _lift(x: Any) -> Series:
    if isinstance(x, Series):
        return x
    if isinstance(x, numbers.Real) and not isinstance(x, bool):
        return Series.constant(float(x))
    raise TypeError(
        f"derivative: cannot combine the series of the variable with {type(x).__name__} "
        f"{x!r:.60}; the function may use numbers, operators and ag functions"
    )


def _value(x: Any) -> float:
    return x[0] if isinstance(x, Series) else float(x)


def _from_rule(rule: R.Rule, x: Series, y: Any = None) -> Series:
    """The series of `rule` applied to x (and y): $u_k = \\frac1k\\sum_j j\\,(x_j d^x_{k-j} +
    y_j d^y_{k-j})$, with $d = $ the rule's partials evaluated on series."""
    inputs: list[Series] = [x] + ([y] if isinstance(y, Series) else [])
    out = Series(lambda k: 0.0)
    partials: list[Series] = []

    def coefficient(k: int) -> float:
        if k == 0:
            args = [s[0] for s in inputs]
            if len(inputs) == 1:
                return float(rule.scalar(args[0]) if y is None else rule.scalar(args[0], y))  # type: ignore[misc]
            return float(rule.scalar(*args))  # type: ignore[misc]
        if not partials:  # built on first use: their series refer back to `out`
            partials.extend(_lift(partial(x, y, out)) for partial in rule.partials[: len(inputs)])
        return (
            math.fsum(
                j * s[j] * d[k - j] for s, d in zip(inputs, partials) for j in range(1, k + 1)
            )
            / k
        )

    out._coefficient = coefficient
    return out


def derivative(f: Callable[[Any], Any], x0: float, n: int = 1) -> float:
    """The exact n-th derivative $f^{(n)}(x_0)$, by Taylor-mode automatic differentiation.

    `f` is any function of one number written with operators, `ag` functions or the
    methods `exp log tanh sigmoid relu sin cos sqrt abs`. No step size, no truncation
    error: the result is exact up to floating-point rounding, for any order, in
    $O(n^2)$ work per op (nesting `grad` n times would grow geometrically with n).

    Args:
        f: the function.
        x0: the point.
        n: the order, an integer >= 0 (0 gives f(x0)).

    Returns:
        The n-th derivative as a float (0.0 when it is zero, never None).

    Raises:
        ValueError: n is negative or not an integer.

    Example:
        >>> import autograd_lite as ag
        >>> ag.derivative(lambda x: 3 * x**2, 2.0)        # 6x
        12.0
        >>> round(ag.derivative(lambda x: ag.exp(x**2), 3.0), 4)   # 2x e^(x^2)
        48618.5036
        >>> ag.derivative(lambda x: x**3, 2.0, n=3)
        6.0
    """
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 0:
        raise ValueError(
            f"derivative: n must be a whole number >= 0 (the order), got {n!r}; "
            "n=1 is the first derivative, n=0 the value f(x0)"
        )
    if not isinstance(x0, numbers.Real) or isinstance(x0, bool):
        raise TypeError(f"derivative: x0 must be a number, got {type(x0).__name__} {x0!r:.60}")
    out = f(Series.variable(float(x0)))
    if isinstance(out, Series):
        return out.derivative(int(n))
    if isinstance(out, numbers.Real):  # a constant function
        return float(out) if n == 0 else 0.0
    raise TypeError(
        f"derivative: f must return a number, got {type(out).__name__}; "
        "for functions of arrays use ag.grad, ag.jacobian or ag.hessian"
    )
