"""`ag.exp`, `ag.maximum`, `ag.concatenate`, ...: one function for nodes, numbers and arrays.

A learner can write `ag.tanh(x)` whether `x` is a `Value`, a `Tensor`, a Python number
or an ndarray: nodes record the op (the same as `x.tanh()`), a number gives a float and
an array gives an array, both computed by the same rule as the nodes use. Each function
is named in its op's entry of the table (`rules`), and `tests/test_op_table.py` checks
that every name there is here and calls that op.
"""

from __future__ import annotations

import numbers
import string
from collections.abc import Sequence
from typing import Any

import numpy as np

from . import rules as R
from .rules.composites import concatenate as _join
from .taylor import Series
from .tensor import Tensor, nary
from .value import Value

NODES = (Value, Tensor, Series)


def _is_number(x: Any) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, (bool, np.ndarray))


def _refuse(op: str, x: Any) -> TypeError:
    return TypeError(
        f"{op}: expected a Value, a Tensor, a number or an ndarray, got "
        f"{type(x).__name__} {x!r:.60}"
        + ("; wrap a list with np.asarray" if isinstance(x, list) else "")
    )


def _apply(rule: R.Rule, x: Any, c: Any = None) -> Any:
    """A one-input rule (with constants c) on a node, a number or an array."""
    if isinstance(x, NODES):
        return x._unary(rule, c)
    if isinstance(x, np.ndarray):
        return rule.array(x) if c is None else rule.array(x, c)
    if _is_number(x):
        if rule.scalar is None:
            return (
                rule.array(np.asarray(float(x)))
                if c is None
                else rule.array(np.asarray(float(x)), c)
            )
        return float(rule.scalar(float(x)) if c is None else rule.scalar(float(x), c))
    raise _refuse(rule.name, x)


def _node_like(x: Any, like: Any) -> Any:
    """A constant `x` as a node of the kind of `like` (for an op with no constant form)."""
    if isinstance(like, Value):
        if not _is_number(x):
            raise TypeError(f"cannot combine a Value with {type(x).__name__} {x!r:.60}")
        return Value(float(x))
    if isinstance(like, Series):
        return like * 0.0 + float(x)
    return Tensor(x, dtype=like.dtype if _is_number(x) else None)


def _apply2(rule: R.Rule, x: Any, y: Any, commutative: bool = False) -> Any:
    """A two-input rule on nodes, numbers and arrays, a node on either side."""
    if isinstance(x, NODES):
        return x._binary(rule, y)
    if isinstance(y, NODES):
        if commutative:
            return y._binary(rule, x)
        return _node_like(x, y)._binary(rule, y)
    if _is_number(x) and _is_number(y):
        return float(rule.scalar(float(x), float(y)))  # type: ignore[misc]
    for value in (x, y):
        if not (_is_number(value) or isinstance(value, np.ndarray)):
            raise _refuse(rule.name, value)
    return rule.array(np.asarray(x), np.asarray(y))


def _any_node(items: Sequence[Any]) -> bool:
    return any(isinstance(item, NODES) for item in items)


def _plain(out: Any) -> Any:
    """The arrays of a result computed on constant Tensors."""
    if isinstance(out, list):
        return [_plain(item) for item in out]
    return out.data if isinstance(out, Tensor) else out


# ---------------------------------------------------------------- elementwise, one input


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


def tan(x: Any) -> Any:
    """$\\tan x$; derivative $1 + \\tan^2 x$."""
    return _apply(R.TAN, x)


def arcsin(x: Any) -> Any:
    """$\\arcsin x$ ($|x| \\le 1$); derivative $1/\\sqrt{1 - x^2}$."""
    return _apply(R.ARCSIN, x)


def arccos(x: Any) -> Any:
    """$\\arccos x$ ($|x| \\le 1$); derivative $-1/\\sqrt{1 - x^2}$."""
    return _apply(R.ARCCOS, x)


def arctan(x: Any) -> Any:
    """$\\arctan x$; derivative $1/(1 + x^2)$."""
    return _apply(R.ARCTAN, x)


def sinh(x: Any) -> Any:
    """$\\sinh x$; derivative $\\cosh x$."""
    return _apply(R.SINH, x)


def cosh(x: Any) -> Any:
    """$\\cosh x$; derivative $\\sinh x$."""
    return _apply(R.COSH, x)


def arcsinh(x: Any) -> Any:
    """$\\operatorname{arsinh} x$; derivative $1/\\sqrt{x^2 + 1}$."""
    return _apply(R.ARCSINH, x)


def arccosh(x: Any) -> Any:
    """$\\operatorname{arcosh} x$ (x >= 1); derivative $1/\\sqrt{x^2 - 1}$."""
    return _apply(R.ARCCOSH, x)


def arctanh(x: Any) -> Any:
    """$\\operatorname{artanh} x$ ($|x| < 1$); derivative $1/(1 - x^2)$."""
    return _apply(R.ARCTANH, x)


def cbrt(x: Any) -> Any:
    """$\\sqrt[3]{x}$, for x of either sign; derivative $1/(3\\sqrt[3]{x}^2)$."""
    return _apply(R.CBRT, x)


def sqrt(x: Any) -> Any:
    """$\\sqrt{x}$ (x >= 0); derivative $1/(2\\sqrt{x})$."""
    return _apply(R.SQRT, x)


def abs(x: Any) -> Any:
    """$|x|$; derivative $\\mathrm{sign}(x)$, taken as 0 at x = 0."""
    return _apply(R.ABS, x)


def log1p(x: Any) -> Any:
    """$\\ln(1 + x)$, exact for tiny x; derivative $1/(1 + x)$."""
    return _apply(R.LOG1P, x)


def expm1(x: Any) -> Any:
    """$e^x - 1$, exact for tiny x; derivative $e^x$."""
    return _apply(R.EXPM1, x)


def log2(x: Any) -> Any:
    """$\\log_2 x$; derivative $1/(x \\ln 2)$."""
    return _apply(R.LOG2, x)


def log10(x: Any) -> Any:
    """$\\log_{10} x$; derivative $1/(x \\ln 10)$."""
    return _apply(R.LOG10, x)


def exp2(x: Any) -> Any:
    """$2^x$; derivative $2^x \\ln 2$."""
    return _apply(R.EXP2, x)


def sign(x: Any) -> Any:
    """$\\mathrm{sign}(x)$: -1, 0 or 1; derivative 0 (as NumPy and PyTorch)."""
    return _apply(R.SIGN, x)


def floor(x: Any) -> Any:
    """$\\lfloor x \\rfloor$; derivative 0 (as NumPy and PyTorch)."""
    return _apply(R.FLOOR, x)


def ceil(x: Any) -> Any:
    """$\\lceil x \\rceil$; derivative 0 (as NumPy and PyTorch)."""
    return _apply(R.CEIL, x)


def erf(x: Any) -> Any:
    """$\\mathrm{erf}(x) = \\frac{2}{\\sqrt\\pi}\\int_0^x e^{-t^2}dt$.

    Derivative $\\frac{2}{\\sqrt\\pi}e^{-x^2}$.
    """
    return _apply(R.ERF, x)


def softplus(x: Any) -> Any:
    """$\\ln(1 + e^x)$, finite for any x; derivative $\\sigma(x)$."""
    return _apply(R.SOFTPLUS, x)


def leaky_relu(x: Any, negative_slope: float = 0.01) -> Any:
    """$x$ for x > 0, else $s x$ (s = negative_slope); derivative 1 or s."""
    if not _is_number(negative_slope):
        what = (
            "an expression of the variables"
            if isinstance(negative_slope, NODES)
            else type(negative_slope).__name__
        )
        raise TypeError(
            f"leaky_relu: negative_slope must be a constant number, not {what}; "
            "write leaky_relu(x, 0.01)"
        )
    return _apply(R.LEAKY_RELU, x, float(negative_slope))


def clip(x: Any, lo: Any, hi: Any) -> Any:
    """$\\min(\\max(x, lo), hi)$; derivative 1 where lo <= x <= hi, else 0.

    Number bounds are constants of one op (None means no bound on that side); Tensor or
    array bounds are composed as `minimum(maximum(x, lo), hi)`.
    """
    if (lo is None or _is_number(lo)) and (hi is None or _is_number(hi)):
        bounds = R.clip_bounds(-np.inf if lo is None else lo, np.inf if hi is None else hi)
        return _apply(R.CLIP, x, bounds)
    return minimum(maximum(x, lo), hi)


def square(x: Any) -> Any:
    """$x^2$ (as `x ** 2`); derivative $2x$."""
    return R.SQUARE(x) if not isinstance(x, np.ndarray) else np.square(x)


def reciprocal(x: Any) -> Any:
    """$1/x$ (as `1 / x`); derivative $-1/x^2$."""
    return R.RECIPROCAL(x) if not isinstance(x, np.ndarray) else 1.0 / x


def gelu(x: Any) -> Any:
    """$x\\,\\Phi(x) = \\frac{x}{2}(1 + \\mathrm{erf}(x/\\sqrt 2))$, the exact GELU (PyTorch's
    default); derivative $\\Phi(x) + x\\,\\varphi(x)$."""
    if _is_number(x):
        return float(R.GELU(float(x)))
    if not isinstance(x, (*NODES, np.ndarray)):
        raise _refuse("gelu", x)
    return R.GELU(x)


# ---------------------------------------------------------------- elementwise, two inputs


def maximum(x: Any, y: Any) -> Any:
    """$\\max(x, y)$ elementwise; derivative 1 to the larger, 0 to the other, 1/2 each on a
    tie (ties share the gradient, as `max` does)."""
    return _apply2(R.MAXIMUM, x, y, commutative=True)


def minimum(x: Any, y: Any) -> Any:
    """$\\min(x, y)$ elementwise; derivative 1 to the smaller, 1/2 each on a tie."""
    return _apply2(R.MINIMUM, x, y, commutative=True)


def logaddexp(x: Any, y: Any) -> Any:
    """$\\log(e^x + e^y)$ without overflow; derivatives $e^{x - out}$ and $e^{y - out}$."""
    return _apply2(R.LOGADDEXP, x, y, commutative=True)


def arctan2(y: Any, x: Any) -> Any:
    """The angle of the point (x, y), in $(-\\pi, \\pi]$ (NumPy's argument order: y first);
    derivatives $\\partial/\\partial y = x/(x^2 + y^2)$, $\\partial/\\partial x = -y/(x^2+y^2)$."""
    return _apply2(R.ARCTAN2, y, x)


def mod(x: Any, y: Any) -> Any:
    """$x \\bmod y = x - y\\lfloor x/y \\rfloor$ (the sign of y, as Python and NumPy);
    derivatives 1 and $-\\lfloor x/y \\rfloor$."""
    return _apply2(R.MOD, x, y)


def where(cond: Any, x: Any, y: Any) -> Any:
    """x where `cond` holds, else y (broadcast together); the gradient goes to the one
    chosen. A select, not `cond*x + (1-cond)*y`, so an inf or nan not chosen stays out.

    Example:
        >>> import autograd_lite as ag, numpy as np
        >>> t = ag.Tensor([-1.0, 2.0], requires_grad=True)
        >>> ag.where(t.data > 0, t, 0.0)
        Tensor([0., 2.], requires_grad=True)
    """
    mask = np.asarray(cond.data if isinstance(cond, (Value, Tensor)) else cond, dtype=bool)
    if isinstance(x, Value) or isinstance(y, Value):
        if mask.ndim != 0:
            raise ValueError("where: with Values the condition must be a single bool")
        return x if bool(mask) else y
    nodes = [v for v in (x, y) if isinstance(v, Tensor)]
    if not nodes:
        return np.where(mask, x, y)
    shapes = (mask.shape, np.shape(_plain(x)), np.shape(_plain(y)))
    try:
        shape = np.broadcast_shapes(*shapes)
    except ValueError:
        raise ValueError(
            f"where: the condition, x and y have shapes {shapes[0]}, {shapes[1]} and "
            f"{shapes[2]}, which do not broadcast together; each axis must match or be 1"
        ) from None
    # A one-input elementwise op keeps its input's shape: broadcast the inputs first.
    x, y = (R.broadcast_to(v, shape) if isinstance(v, Tensor) else v for v in (x, y))
    if isinstance(x, Tensor) and isinstance(y, Tensor):
        return x._unary(R.WHERE, (mask, 0.0)) + y._unary(R.WHERE, (~mask, 0.0, "~cond"))
    if isinstance(x, Tensor):
        return x._unary(R.WHERE, (mask, np.asarray(y)))
    return y._unary(R.WHERE, (~mask, np.asarray(x), "~cond"))


# ---------------------------------------------------------------- shape, joining, splitting


def expand_dims(x: Any, axis: int) -> Any:
    """x with a new axis of length 1 at `axis` (`unsqueeze` in PyTorch)."""
    return R.EXPAND_DIMS(x, axis) if isinstance(x, Tensor) else np.expand_dims(x, axis)


def concatenate(seq: Sequence[Any], axis: int = 0) -> Any:
    """Join tensors along an existing axis; each gets back its own slice of the gradient.

    Example:
        >>> import autograd_lite as ag
        >>> ag.concatenate([ag.Tensor([1.0, 2.0]), ag.Tensor([3.0])]).data
        array([1., 2., 3.])
    """
    out = _join(seq, axis)
    return out if _any_node(seq) else _plain(out)


def stack(seq: Sequence[Any], axis: int = 0) -> Any:
    """Join tensors, arrays or Values along a new axis; Values give a Tensor whose
    gradient flows back to each Value."""
    out = R.STACK(seq, axis)
    return out if _any_node(seq) else _plain(out)


def vstack(seq: Sequence[Any]) -> Any:
    """Join rows (1-D inputs become rows) along axis 0."""
    out = R.VSTACK(seq)
    return out if _any_node(seq) else _plain(out)


def hstack(seq: Sequence[Any]) -> Any:
    """Join along axis 1 (axis 0 for 1-D inputs)."""
    out = R.HSTACK(seq)
    return out if _any_node(seq) else _plain(out)


def split(x: Any, indices_or_sections: Any, axis: int = 0) -> list[Any]:
    """Cut x into pieces along `axis`: a number of equal pieces, or cut positions."""
    if isinstance(x, Tensor):
        return R.SPLIT(x, indices_or_sections, axis)
    return _plain(R.SPLIT(Tensor(x), indices_or_sections, axis))


# ---------------------------------------------------------------- contractions


def _pair(x: Any, y: Any) -> tuple[Any, Any, bool]:
    """x and y as Tensors when either is a node (constants lifted), and whether one was."""
    if isinstance(x, Tensor) or isinstance(y, Tensor):
        lift = [v if isinstance(v, Tensor) else Tensor(v) for v in (x, y)]
        return lift[0], lift[1], True
    return Tensor(x), Tensor(y), False


def matmul(x: Any, y: Any) -> Any:
    """The matrix product `x @ y` (1-D, 2-D and batched, as `np.matmul`)."""
    a, b, node = _pair(x, y)
    return a @ b if node else (a @ b).data


def dot(x: Any, y: Any) -> Any:
    """NumPy's `dot`: a product for scalars, `@` up to 2-D, else the sum over the last
    axis of x and the second-to-last of y."""
    a, b, node = _pair(x, y)
    out = R.DOT(a, b)
    return out if node else _plain(out)


def inner(x: Any, y: Any) -> Any:
    """$\\sum_k x_{\\dots k} y_{\\dots k}$ over the last axes."""
    a, b, node = _pair(x, y)
    out = R.INNER(a, b)
    return out if node else _plain(out)


def outer(x: Any, y: Any) -> Any:
    """$x_i y_j$ of the flattened inputs."""
    a, b, node = _pair(x, y)
    out = R.OUTER(a, b)
    return out if node else _plain(out)


def tensordot(x: Any, y: Any, axes: Any = 2) -> Any:
    """The sum over paired axes (`axes`: a count of last/first axes, or two lists)."""
    a, b, node = _pair(x, y)
    out = R.TENSORDOT(a, b, axes)
    return out if node else _plain(out)


def einsum(subscripts: str, *operands: Any) -> Any:
    """Einstein summation (as `np.einsum`), recorded as one op whose backward is one einsum
    per operand. Supports `...` and implicit output; a letter repeated inside one operand
    (a diagonal, `"ii->i"`) is refused: use `ag.diagonal`.

    Example:
        >>> import autograd_lite as ag, numpy as np
        >>> ag.einsum("ij,jk->ik", np.eye(2), np.ones((2, 3))).shape
        (2, 3)
    """
    tensors = [op if isinstance(op, Tensor) else Tensor(op) for op in operands]
    spec = _einsum_spec(subscripts, [t.ndim for t in tensors])
    sizes: dict[str, tuple[int, int]] = {}  # letter -> (length, operand that set it)
    for k, (term, t) in enumerate(zip(spec.split("->")[0].split(","), tensors)):
        for letter, n in zip(term, t.shape):
            m, first = sizes.setdefault(letter, (n, k))
            if m != n and 1 not in (m, n):
                raise ValueError(
                    f"einsum: `{letter}` has length {m} in operand {first} but {n} in operand "
                    f"{k} (shapes {[x.shape for x in tensors]}); a letter names one length"
                )
    out = nary(R.EINSUM, tensors, spec)
    return out if _any_node(operands) else out.data


def _einsum_spec(subscripts: str, ndims: list[int]) -> str:
    """Subscripts made explicit: `...` spelled out, the output written after `->`."""
    if not isinstance(subscripts, str):
        raise TypeError("einsum: the first argument must be the subscripts, as in 'ij,jk->ik'")
    text = subscripts.replace(" ", "")
    inputs, arrow, output = text.partition("->")
    terms = inputs.split(",")
    if len(terms) != len(ndims):
        raise ValueError(
            f"einsum: {subscripts!r} names {len(terms)} operand(s) but {len(ndims)} were given"
        )
    used = set(text) - set(",->.")
    spare = [c for c in string.ascii_letters if c not in used]
    widest = max(
        (n - len(t.replace("...", "")) for t, n in zip(terms, ndims) if "..." in t), default=0
    )
    fill = "".join(spare[:widest])
    explicit: list[str] = []
    for term, n in zip(terms, ndims):
        if "..." in term:
            k = n - len(term.replace("...", ""))
            term = term.replace("...", fill[widest - k :] if k else "")
        if len(term) != n:
            raise ValueError(
                f"einsum: operand {len(explicit)} has {n} axes but {term!r} names {len(term)}"
            )
        if len(set(term)) != len(term):
            raise ValueError(
                f"einsum: a letter repeated within one operand ({term!r}) takes a diagonal; "
                "its gradient is not supported here: use ag.diagonal, then einsum"
            )
        explicit.append(term)
    if arrow:
        output = output.replace("...", fill)
        stray = sorted(set(output) - set("".join(explicit)))
        if stray or len(set(output)) != len(output):
            what = f"names {', '.join(stray)}, in no operand" if stray else "repeats a letter"
            raise ValueError(
                f"einsum: the output {output!r} of {subscripts!r} {what}; each output letter "
                "must appear once, and in some operand"
            )
    else:
        counts = {c: "".join(explicit).count(c) for c in "".join(explicit)}
        output = fill + "".join(sorted(c for c, k in counts.items() if k == 1 and c not in fill))
    return ",".join(explicit) + "->" + output
