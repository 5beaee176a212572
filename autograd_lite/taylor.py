"""Exact derivatives of any order by Taylor-mode automatic differentiation.

Differentiating n times by nesting reverse mode builds a graph of the derivative, then
a graph of *its* derivative, and so on: the size grows geometrically with n. Taylor
mode carries instead the first n derivatives of every intermediate result at the point,
$u_k = u^{(k)}(x_0)$, and each op maps its inputs' derivatives to its output's.

Sums scale and add; products and quotients follow Leibniz's rule,
$(xy)_k = \\sum_j \\binom{k}{j} x_j\\,y_{k-j}$. Every other op comes from the *same rule
table* as the rest of the engine: an op $u = \\varphi(x)$ satisfies
$u' = \\varphi'(x)\\,x'$, so differentiating k - 1 times gives

$$u_k = \\sum_{j=0}^{k-1} \\binom{k-1}{j}\\, x_{j+1}\\, d_{k-1-j}, \\qquad d = \\varphi'(x),$$

where d is the rule's partial derivative evaluated on series: more nodes on the same
tape, which need one order less than u. (Derivatives rather than Taylor coefficients
$u_k/k!$, which underflow to 0 beyond k = 170 for sin.)

The function runs once on `Series` nodes, recording a tape (a list of nodes in the
order they were made); the derivatives are then filled order by order, each order in
one pass over the tape. No recursion, no closure per node: a chain of 100,000 ops
works, and the tape's links are cut when the result is read.
"""

from __future__ import annotations

import math
import numbers
import threading
from collections.abc import Callable
from typing import Any

from . import rules as R
from .validators import check_function

MAX_ORDER = 1000
"""The highest order `derivative` computes (n^2 work per op; binomials stay finite)."""


class _Tape:
    """The nodes of one `derivative` call, in the order they were made."""

    __slots__ = ("level", "made", "nodes")

    def __init__(self, level: int) -> None:
        self.nodes: list[Series] = []
        self.level = level  # the order that nodes made now will need
        # Each (op, inputs, constant) is made once: sin's derivative cos(x) has the
        # derivative -sin(x), which is sin(x) again, so the tape stays three nodes long
        # instead of growing by one node per order (n^2 work instead of n^3).
        self.made: dict[Any, Series] = {}


class Series:
    """A node of Taylor mode: one intermediate result and its derivatives at the point.

    `s[k]` is its k-th derivative $u^{(k)}(x_0)$. Arithmetic with numbers and
    other Series, and the methods `exp log tanh ...`, record new nodes, so a function
    written for Values also runs on Series (that is how `derivative` calls it).

    Attributes:
        coefficients: $u_0, u_1, \\dots$ (the value, then the derivatives) as far as
            they are computed.
        need: the highest order this node must reach.
    """

    __slots__ = (
        "__weakref__",
        "_ctx",
        "_op",
        "_parents",
        "_partials",
        "_tape",
        "coefficients",
        "label",
        "need",
    )
    __array_ufunc__ = None

    coefficients: list[float]
    need: int
    label: str
    _op: R.Rule | None
    _parents: tuple[Series, ...]
    _ctx: Any
    _tape: _Tape
    _partials: list[Any] | None

    @staticmethod
    def variable(x0: float, tape: _Tape) -> Series:
        """The series of the identity function at x0: $x_0 + t$."""
        node = Series._make(None, (), None, tape, [float(x0), 1.0])
        node.label = "x"
        return node

    @staticmethod
    def _make(
        op: R.Rule | None, parents: tuple[Series, ...], ctx: Any, tape: _Tape, first: Any
    ) -> Series:
        node = object.__new__(Series)
        node._op = op
        node._parents = parents
        node._ctx = ctx
        node._tape = tape
        node._partials = None
        node.need = tape.level
        node.label = ""
        node.coefficients = first if isinstance(first, list) else [float(first)]
        tape.nodes.append(node)
        return node

    def __getitem__(self, k: int) -> float:
        coefficients = self.coefficients
        if k < len(coefficients):
            return coefficients[k]
        if self._op is None:  # the variable: x0 + t, then zeros
            return 0.0
        raise IndexError(f"derivative: coefficient {k} of this node is not computed yet")

    @property
    def data(self) -> float:
        """The value $u_0$ (so the rules' constants, such as relu's step, can read it)."""
        return self.coefficients[0]

    def __repr__(self) -> str:
        return f"Series({', '.join(f'{c:.6g}' for c in self.coefficients)}, ...)"

    # ------------------------------------------------------------ recording
    def _new(self, op: R.Rule, parents: tuple[Series, ...], ctx: Any) -> Series:
        tape = self._tape
        key: Any = (op, parents, ctx)
        try:
            node = tape.made.get(key)
        except TypeError:  # an unhashable constant: not shared
            key, node = None, None
        if node is not None:
            node.need = max(node.need, tape.level)
            return node
        values = [p.coefficients[0] for p in parents]
        if ctx is not None:
            values.append(ctx)
        node = Series._make(op, parents, ctx, tape, op.scalar(*values))  # type: ignore[misc]
        if key is not None:
            tape.made[key] = node
        return node

    def _unary(self, rule: R.Rule, c: Any = None) -> Series:
        """Record a one-input rule (a two-input rule with a constant second input)."""
        return self._new(rule, (self,), c)

    def _binary(self, rule: R.Rule, other: Any) -> Series:
        """Record a two-input rule; a number is kept as the constant."""
        if isinstance(other, Series):
            return self._new(rule, (self, other), None)
        return self._unary(rule, _number(other))

    def _swapped(self, rule: R.Rule, other: Any) -> Series:
        """`other OP self` for a number `other`, with the reversed rule (`c - x`)."""
        return self._unary(rule, _number(other))

    # ------------------------------------------------------------ arithmetic
    def __add__(self, other: Any) -> Series:
        return self._binary(R.ADD, other)

    def __radd__(self, other: Any) -> Series:
        return self._binary(R.ADD, other)

    def __sub__(self, other: Any) -> Series:
        return self._binary(R.SUB, other)

    def __rsub__(self, other: Any) -> Series:
        return self._swapped(R.RSUB, other)

    def __neg__(self) -> Series:
        return self._unary(R.NEG)

    def __pos__(self) -> Series:
        return self

    def __mul__(self, other: Any) -> Series:
        """Leibniz's rule: $(xy)_k = \\sum_{j=0}^{k} \\binom{k}{j} x_j y_{k-j}$."""
        return self._binary(R.MUL, other)

    def __rmul__(self, other: Any) -> Series:
        return self._binary(R.MUL, other)

    def __truediv__(self, other: Any) -> Series:
        """Quotient, from $x = q y$: $q_k = (x_k - \\sum_{j<k}\\binom{k}{j} q_j y_{k-j})/y_0$."""
        return self._binary(R.DIV, other)

    def __rtruediv__(self, other: Any) -> Series:
        return self._swapped(R.RDIV, other)

    def __mod__(self, other: Any) -> Series:
        return self._binary(R.MOD, other)

    def __pow__(self, other: Any) -> Series:
        return self._binary(R.POW, other)

    def __rpow__(self, other: Any) -> Series:
        return self._swapped(R.RPOW, other)

    # ------------------------------------------------------------ comparisons (on the value)
    def __lt__(self, other: Any) -> bool:
        return self.coefficients[0] < _value(other)

    def __le__(self, other: Any) -> bool:
        return self.coefficients[0] <= _value(other)

    def __gt__(self, other: Any) -> bool:
        return self.coefficients[0] > _value(other)

    def __ge__(self, other: Any) -> bool:
        return self.coefficients[0] >= _value(other)

    def __float__(self) -> float:
        raise TypeError(
            "derivative: the function turned the variable into a plain float (math.exp, "
            "float(x), ...), which would lose its derivative; use ag.exp, ag.sin, ... or "
            "the methods x.exp(), x.sin(), ..."
        )

    # ------------------------------------------------------------ functions from the rule table
    def exp(self) -> Series:
        """$e^x$: $\\partial/\\partial x = e^x$."""
        return self._unary(R.EXP)

    def log(self) -> Series:
        """$\\ln x$ for x > 0: $\\partial/\\partial x = 1/x$."""
        return self._unary(R.LOG)

    def tanh(self) -> Series:
        """$\\tanh x$: $\\partial/\\partial x = 1 - \\tanh^2 x$."""
        return self._unary(R.TANH)

    def sigmoid(self) -> Series:
        """$\\sigma(x) = 1/(1+e^{-x})$: $\\partial/\\partial x = \\sigma(x)(1-\\sigma(x))$."""
        return self._unary(R.SIGMOID)

    def relu(self) -> Series:
        """$\\max(x, 0)$: $\\partial/\\partial x = 1$ for x > 0, else 0 (also at x = 0)."""
        return self._unary(R.RELU)

    def sin(self) -> Series:
        """$\\sin x$: $\\partial/\\partial x = \\cos x$."""
        return self._unary(R.SIN)

    def cos(self) -> Series:
        """$\\cos x$: $\\partial/\\partial x = -\\sin x$."""
        return self._unary(R.COS)

    def tan(self) -> Series:
        """$\\tan x$: $\\partial/\\partial x = 1 + \\tan^2 x$."""
        return self._unary(R.TAN)

    def arcsin(self) -> Series:
        """$\\arcsin x$ for $|x| \\le 1$: $\\partial/\\partial x = 1/\\sqrt{1 - x^2}$."""
        return self._unary(R.ARCSIN)

    def arccos(self) -> Series:
        """$\\arccos x$ for $|x| \\le 1$: $\\partial/\\partial x = -1/\\sqrt{1 - x^2}$."""
        return self._unary(R.ARCCOS)

    def arctan(self) -> Series:
        """$\\arctan x$: $\\partial/\\partial x = 1/(1 + x^2)$."""
        return self._unary(R.ARCTAN)

    def sinh(self) -> Series:
        """$\\sinh x$: $\\partial/\\partial x = \\cosh x$."""
        return self._unary(R.SINH)

    def cosh(self) -> Series:
        """$\\cosh x$: $\\partial/\\partial x = \\sinh x$."""
        return self._unary(R.COSH)

    def arcsinh(self) -> Series:
        """$\\operatorname{arsinh} x$: $\\partial/\\partial x = 1/\\sqrt{x^2 + 1}$."""
        return self._unary(R.ARCSINH)

    def arccosh(self) -> Series:
        """$\\operatorname{arcosh} x$ for x >= 1: $\\partial/\\partial x = 1/\\sqrt{x^2 - 1}$."""
        return self._unary(R.ARCCOSH)

    def arctanh(self) -> Series:
        """$\\operatorname{artanh} x$ for $|x| < 1$: $\\partial/\\partial x = 1/(1 - x^2)$."""
        return self._unary(R.ARCTANH)

    def cbrt(self) -> Series:
        """$\\sqrt[3]{x}$, for x of either sign: $\\partial/\\partial x = 1/(3\\sqrt[3]{x}^2)$."""
        return self._unary(R.CBRT)

    def sqrt(self) -> Series:
        """$\\sqrt{x}$ for x >= 0: $\\partial/\\partial x = 1/(2\\sqrt{x})$."""
        return self._unary(R.SQRT)

    def abs(self) -> Series:
        """$|x|$: $\\partial/\\partial x = \\mathrm{sign}(x)$, taken as 0 at x = 0."""
        return self._unary(R.ABS)

    def log1p(self) -> Series:
        """$\\ln(1 + x)$, exact for tiny x: $\\partial/\\partial x = 1/(1 + x)$."""
        return self._unary(R.LOG1P)

    def expm1(self) -> Series:
        """$e^x - 1$, exact for tiny x: $\\partial/\\partial x = e^x$."""
        return self._unary(R.EXPM1)

    def log2(self) -> Series:
        """$\\log_2 x$: $\\partial/\\partial x = 1/(x \\ln 2)$."""
        return self._unary(R.LOG2)

    def log10(self) -> Series:
        """$\\log_{10} x$: $\\partial/\\partial x = 1/(x \\ln 10)$."""
        return self._unary(R.LOG10)

    def exp2(self) -> Series:
        """$2^x$: $\\partial/\\partial x = 2^x \\ln 2$."""
        return self._unary(R.EXP2)

    def sign(self) -> Series:
        """$\\mathrm{sign}(x)$, one of -1, 0, 1: $\\partial/\\partial x = 0$ (as NumPy)."""
        return self._unary(R.SIGN)

    def floor(self) -> Series:
        """$\\lfloor x \\rfloor$: $\\partial/\\partial x = 0$ (as NumPy and PyTorch)."""
        return self._unary(R.FLOOR)

    def ceil(self) -> Series:
        """$\\lceil x \\rceil$: $\\partial/\\partial x = 0$ (as NumPy and PyTorch)."""
        return self._unary(R.CEIL)

    def erf(self) -> Series:
        """$\\mathrm{erf}(x) = \\frac{2}{\\sqrt\\pi}\\int_0^x e^{-t^2}dt$.

        $\\partial/\\partial x = \\frac{2}{\\sqrt\\pi}e^{-x^2}$.
        """
        return self._unary(R.ERF)

    def softplus(self) -> Series:
        """$\\ln(1 + e^x)$, finite for any x: $\\partial/\\partial x = \\sigma(x)$."""
        return self._unary(R.SOFTPLUS)

    def __abs__(self) -> Series:
        return self._unary(R.ABS)

    def leaky_relu(self, negative_slope: float = 0.01) -> Series:
        """$x$ for x > 0, else $s x$: $\\partial/\\partial x = 1$ or $s$ (s = negative_slope)."""
        return self._unary(R.LEAKY_RELU, float(negative_slope))

    def clip(self, lo: float, hi: float) -> Series:
        """$\\min(\\max(x, lo), hi)$: $\\partial/\\partial x = 1$ for lo <= x <= hi, else 0."""
        return self._unary(R.CLIP, R.clip_bounds(lo, hi))

    def square(self) -> Series:
        """$x^2$ (as `x ** 2`): $\\partial/\\partial x = 2x$."""
        return R.SQUARE(self)

    def reciprocal(self) -> Series:
        """$1/x$ (as `1 / x`): $\\partial/\\partial x = -1/x^2$."""
        return R.RECIPROCAL(self)

    def gelu(self) -> Series:
        """$x\\,\\Phi(x)$, the exact GELU: $\\partial/\\partial x = \\Phi(x) + x\\,\\varphi(x)$."""
        return R.GELU(self)


def _number(x: Any) -> float:
    if isinstance(x, numbers.Real) and not isinstance(x, bool):
        return float(x)
    raise TypeError(
        f"derivative: cannot combine the series of the variable with {type(x).__name__} "
        f"{x!r:.60}; the function may use numbers, operators and ag functions"
    )


def _value(x: Any) -> float:
    return x.coefficients[0] if isinstance(x, Series) else float(x)


_ROWS: list[tuple[float, ...]] = [(1.0,)]
_ROWS_LOCK = threading.Lock()  # two threads extending the list at once would misnumber it


def _binomials(k: int) -> tuple[float, ...]:
    """$\\binom{k}{j}$ for j = 0..k, as floats (below 2.7e299 for k <= 1000), each row
    from the one before by Pascal's rule, kept for the next call."""
    rows = _ROWS
    if k >= len(rows):
        with _ROWS_LOCK:
            while len(rows) <= k:
                above = rows[-1]
                rows.append((1.0, *[above[j - 1] + above[j] for j in range(1, len(above))], 1.0))
    return rows[k]


def _leibniz(x: list[float], y: list[float], k: int) -> float:
    """$\\sum_{j=0}^{k} \\binom{k}{j} x_j y_{k-j}$."""
    c = _binomials(k)
    return math.fsum([c[j] * x[j] * y[k - j] for j in range(k + 1)])


def _coefficient(node: Series, k: int) -> float:
    """The k-th derivative of `node` (k >= 1), its inputs known to order k."""
    op, parents, c = node._op, node._parents, node._ctx
    x = parents[0].coefficients
    y = parents[1].coefficients if len(parents) == 2 else None
    if op is R.ADD:
        return x[k] + (y[k] if y is not None else 0.0)
    if op is R.SUB:
        return x[k] - (y[k] if y is not None else 0.0)
    if op is R.RSUB or op is R.NEG:
        return -x[k]
    if op is R.MUL:
        return _leibniz(x, y, k) if y is not None else c * x[k]
    if op is R.DIV or op is R.RDIV:
        if y is None and op is R.DIV:
            return x[k] / c
        # q y = x (or q x = c): q_k = (x_k - sum_{j<k} C(k,j) q_j y_{k-j}) / y_0
        top, below = (x[k], y) if op is R.DIV else (0.0, x)
        b = _binomials(k)
        q = node.coefficients
        assert below is not None
        return (top - math.fsum([b[j] * q[j] * below[k - j] for j in range(k)])) / below[0]
    if node._partials is None:
        node._partials = _partials(node)
    b = _binomials(k - 1)
    total = 0.0
    for parent, d in zip(parents, node._partials):
        s = parent.coefficients
        if isinstance(d, Series):
            dk = d.coefficients
            total += math.fsum([b[j] * s[j + 1] * dk[k - 1 - j] for j in range(k)])
        elif d != 0.0:  # a constant derivative: only d_0 is nonzero
            total += s[k] * d
    return total


def _partials(node: Series) -> list[Any]:
    """The rule's partial derivatives evaluated on series: new nodes, one order lower."""
    tape = node._tape
    level, tape.level = tape.level, node.need - 1
    try:
        op, parents = node._op, node._parents
        assert op is not None
        second = parents[1] if len(parents) == 2 else node._ctx
        found = []
        for partial in op.partials[: len(parents)]:  # type: ignore[attr-defined]
            d = partial(parents[0], second, node)
            found.append(d if isinstance(d, Series) else float(d))
        return found
    finally:
        tape.level = level


def derivative(f: Callable[[Any], Any], x0: float, n: int = 1) -> float:
    """The exact n-th derivative $f^{(n)}(x_0)$, by Taylor-mode automatic differentiation.

    `f` is any function of one number written with operators, `ag` functions or the
    methods `exp log tanh sin ...` of the rule table. No step size, no truncation
    error: the result is exact up to floating-point rounding, for any order up to
    `MAX_ORDER`, in $O(n)$ work per op and order (nesting `grad` n times would grow
    geometrically with n).

    Args:
        f: the function.
        x0: the point.
        n: the order, a whole number from 0 (f(x0) itself) to `MAX_ORDER`.

    Returns:
        The n-th derivative as a float (0.0 when it is zero, never None).

    Raises:
        ValueError: n is negative, not an integer, or above `MAX_ORDER`.
        OverflowError: the derivative is larger than the largest float.

    Example:
        >>> import autograd_lite as ag
        >>> ag.derivative(lambda x: 3 * x**2, 2.0)        # 6x
        12.0
        >>> round(ag.derivative(lambda x: ag.exp(x**2), 3.0), 4)   # 2x e^(x^2)
        48618.5036
        >>> ag.derivative(lambda x: x**3, 2.0, n=3)
        6.0
    """
    check_function("derivative", f, "ag.derivative(f, x0, n), not ag.derivative(f(x0), x0)")
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 0:
        raise ValueError(
            f"derivative: n must be a whole number >= 0 (the order), got {n!r}; "
            "n=1 is the first derivative, n=0 the value f(x0)"
        )
    if n > MAX_ORDER:
        raise ValueError(
            f"derivative: n = {n} is above the highest order computed, {MAX_ORDER} "
            "(the work grows as n^3 per op)"
        )
    if not isinstance(x0, numbers.Real) or isinstance(x0, bool):
        raise TypeError(f"derivative: x0 must be a number, got {type(x0).__name__} {x0!r:.60}")
    n = int(n)
    tape = _Tape(level=n)
    try:
        out = f(Series.variable(float(x0), tape))
        if isinstance(out, numbers.Real) and not isinstance(out, bool):  # a constant
            return float(out) if n == 0 else 0.0
        if not isinstance(out, Series):
            raise TypeError(
                f"derivative: f must return a number, got {type(out).__name__}; "
                "for functions of arrays use ag.grad, ag.jacobian or ag.hessian"
            )
        nodes = tape.nodes
        nodes[0].coefficients.extend([0.0] * (n - 1))  # the variable: x0 + t
        for k in range(1, n + 1):
            i = 0
            while i < len(nodes):  # grows while partials are recorded, in order
                node = nodes[i]
                if node._op is not None and node.need >= k:
                    node.coefficients.append(_coefficient(node, k))
                i += 1
        coefficient = out.coefficients[n]
    finally:
        for node in tape.nodes:  # cut the links (out -> partial -> out): freed at once
            node._parents = ()
            node._partials = None
        tape.nodes.clear()
        tape.made.clear()
    return _finite(coefficient, n)


def _finite(value: float, n: int) -> float:
    """The n-th derivative, refusing one that overflowed on the way (inf, or the nan of
    inf - inf: every op's forward refuses a point outside its domain)."""
    if not math.isfinite(value):
        raise OverflowError(
            f"derivative: the {n}-th derivative is larger than the largest float (or a "
            "step on the way to it was); try a lower order or a point nearer 0"
        )
    return value
