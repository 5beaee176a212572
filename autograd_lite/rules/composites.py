"""Ops written with other ops: no derivative code of their own (STYLE #2).

Each function here builds its op from primitives (`reshape`, `transpose`, `getitem`,
`concatenate`, `*`, `erf`, ...), so its gradient, its second derivative and its picture
come from theirs. Each works on whatever its primitives accept: Tensors (recorded), and
where it makes sense Values, Taylor series, numbers and ndarrays. The `Composite`
entries at the end give each its public names; `Value`, `Tensor` and `ag.*` call them.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from .base import Composite, Names, call
from .elementwise import ERF, WHERE
from .structural import CONCATENATE, GETITEM, LOG_SOFTMAX, Axis, reduced_count

ALL = "Value Tensor Series"
INV_SQRT2 = 1.0 / math.sqrt(2.0)


def _ndim(x: Any) -> int:
    return int(np.ndim(x.data if hasattr(x, "_parents") else x))


def _shape(x: Any) -> tuple[int, ...]:
    return tuple(np.shape(x.data if hasattr(x, "_parents") else x))


def _axis(x: Any, axis: int, op: str, extra: int = 0) -> int:
    """`axis` as a non-negative number, checked against x's dimensions (+ `extra`)."""
    n = _ndim(x) + extra
    if not isinstance(axis, (int, np.integer)) or isinstance(axis, bool) or not -n <= axis < n:
        raise ValueError(
            f"{op}: axis {axis!r} is out of range for shape {_shape(x)}; "
            f"use an axis from {-n} to {n - 1}"
        )
    return int(axis) % n


# ---------------------------------------------------------------- elementwise


def square(x: Any) -> Any:
    """$x^2$, as `x ** 2`: derivative $2x$."""
    return x**2


def reciprocal(x: Any) -> Any:
    """$1/x$, as `1 / x`: derivative $-1/x^2$."""
    return 1.0 / x


def gelu(x: Any) -> Any:
    """$\\mathrm{GELU}(x) = x\\,\\Phi(x) = \\frac{x}{2}(1 + \\mathrm{erf}(x/\\sqrt2))$,
    the exact GELU (PyTorch's default); derivative $\\Phi(x) + x\\,\\varphi(x)$."""
    return 0.5 * x * (1.0 + call(ERF, x * INV_SQRT2))


# ---------------------------------------------------------------- reductions


def var(x: Any, axis: Axis = None, ddof: int = 0, keepdims: bool = False) -> Any:
    """$\\frac{1}{n - ddof}\\sum_i (x_i - \\bar x)^2$ over `axis` (NumPy's default ddof=0)."""
    count = reduced_count(_shape(x), axis)
    n = count - ddof
    if n <= 0:
        raise ValueError(
            f"var: {count} elements with ddof={ddof} leave no degrees of freedom; "
            "use a smaller ddof or more elements"
        )
    centered = x - x.mean(axis=axis, keepdims=True)
    return (centered * centered).sum(axis=axis, keepdims=keepdims) / n


def std(x: Any, axis: Axis = None, ddof: int = 0, keepdims: bool = False) -> Any:
    """$\\sqrt{\\mathrm{var}(x)}$; its derivative is infinite where all elements are equal."""
    return var(x, axis=axis, ddof=ddof, keepdims=keepdims) ** 0.5


def logsumexp(x: Any, axis: Axis = None, keepdims: bool = False) -> Any:
    """$\\log\\sum_i e^{x_i} = m + \\log\\sum_i e^{x_i - m}$, with m = max(x) a constant.

    Any constant m gives the same value and derivative (softmax); the max keeps every
    exp at most 1, so logits of ±1000 stay finite.
    """
    m = np.max(x.data, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0).astype(x.data.dtype, copy=False)
    total = (x - m).exp().sum(axis=axis, keepdims=True).log() + m
    return total if keepdims else total.reshape(_shape(x.data.sum(axis=axis)))


def softmax(x: Any, axis: int = -1) -> Any:
    """$\\mathrm{softmax}(x)_i = e^{x_i}/\\sum_j e^{x_j}$, as `exp(log_softmax(x))`."""
    return call(LOG_SOFTMAX, x, axis).exp()


# ---------------------------------------------------------------- shape


def flatten(x: Any) -> Any:
    """The elements in one axis, in row-major order."""
    return x.reshape(-1)


def squeeze(x: Any, axis: Axis = None) -> Any:
    """Remove axes of length 1 (all of them, or those in `axis`)."""
    shape = _shape(x)
    if axis is None:
        axes = {i for i, n in enumerate(shape) if n == 1}
    else:
        axes = {_axis(x, a, "squeeze") for a in (axis if isinstance(axis, tuple) else (axis,))}
        wrong = [a for a in sorted(axes) if shape[a] != 1]
        if wrong:
            raise ValueError(
                f"squeeze: axis {wrong[0]} of shape {shape} has length {shape[wrong[0]]}, "
                "not 1; only axes of length 1 can be removed"
            )
    return x.reshape(tuple(n for i, n in enumerate(shape) if i not in axes))


def unsqueeze(x: Any, axis: int) -> Any:
    """Insert an axis of length 1 at `axis` (as `np.expand_dims`, `torch.unsqueeze`)."""
    shape = _shape(x)
    a = _axis(x, axis, "unsqueeze", extra=1)
    return x.reshape((*shape[:a], 1, *shape[a:]))


def swapaxes(x: Any, axis1: int, axis2: int) -> Any:
    """Exchange two axes."""
    a, b = _axis(x, axis1, "swapaxes"), _axis(x, axis2, "swapaxes")
    perm = list(range(_ndim(x)))
    perm[a], perm[b] = perm[b], perm[a]
    return x.transpose(tuple(perm))


def moveaxis(x: Any, source: int, destination: int) -> Any:
    """Move one axis to a new position, keeping the others in order."""
    s, d = _axis(x, source, "moveaxis"), _axis(x, destination, "moveaxis")
    perm = [i for i in range(_ndim(x)) if i != s]
    perm.insert(d, s)
    return x.transpose(tuple(perm))


def repeat(x: Any, repeats: int | Sequence[int], axis: int | None = None) -> Any:
    """Repeat each element `repeats` times along `axis` (flattened first when None)."""
    if axis is None:
        x, axis = x.reshape(-1), 0
    a = _axis(x, axis, "repeat")
    n = _shape(x)[a]
    try:
        picks = np.repeat(np.arange(n), repeats)
    except ValueError as error:
        raise ValueError(f"repeat: {error} (axis {a} has length {n})") from None
    return call(GETITEM, x, (slice(None),) * a + (picks,))


def tile(x: Any, reps: int | Sequence[int]) -> Any:
    """The whole array repeated `reps` times along each axis (as `np.tile`).

    Written as reshape, broadcast and reshape: each axis of length n becomes a pair
    (1, n), broadcast to (r, n), then merged into one axis of length r n.
    """
    from .structural import broadcast_to

    reps = (reps,) if isinstance(reps, (int, np.integer)) else tuple(reps)
    if any(int(r) < 0 for r in reps):
        raise ValueError(f"tile: reps {reps} must be >= 0")
    shape = _shape(x)
    d = max(len(shape), len(reps))
    shape = (1,) * (d - len(shape)) + shape
    reps = (1,) * (d - len(reps)) + tuple(int(r) for r in reps)
    pairs = [m for n in shape for m in (1, n)]
    wide = [m for r, n in zip(reps, shape) for m in (r, n)]
    out = broadcast_to(x.reshape(tuple(pairs)), tuple(wide))
    return out.reshape(tuple(r * n for r, n in zip(reps, shape)))


def _triangle(x: Any, k: int, upper: bool, op: str) -> Any:
    shape = _shape(x)
    if len(shape) < 2:
        raise ValueError(f"{op}: needs at least 2 dimensions, got shape {shape}")
    rows, cols = shape[-2:]
    keep = (np.triu if upper else np.tril)(np.ones((rows, cols), dtype=bool), k)
    return call(WHERE, x, (keep, 0.0))  # a select, so an inf outside gives 0, not nan


def triu(x: Any, k: int = 0) -> Any:
    """The upper triangle (on and above diagonal k) of the last two axes; zeros below."""
    return _triangle(x, k, True, "triu")


def tril(x: Any, k: int = 0) -> Any:
    """The lower triangle (on and below diagonal k) of the last two axes; zeros above."""
    return _triangle(x, k, False, "tril")


def diagonal(x: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Any:
    """The diagonal `offset` of the planes (axis1, axis2), as a last axis (as NumPy)."""
    return _diagonal(x, offset, axis1, axis2, "diagonal")


def trace(x: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Any:
    """$\\sum_i x_{i,i+offset}$: the sum of a diagonal."""
    return _diagonal(x, offset, axis1, axis2, "trace").sum(axis=-1)


def _diagonal(x: Any, offset: int, axis1: int, axis2: int, op: str) -> Any:
    """`diagonal`, with errors naming `op`, the op the user called."""
    if _ndim(x) < 2:
        raise ValueError(f"{op}: needs at least 2 dimensions, got shape {_shape(x)}")
    a, b = _axis(x, axis1, op), _axis(x, axis2, op)
    if a == b:
        raise ValueError(f"{op}: axis1 and axis2 must differ, both are {a}")
    moved = x.transpose((*(i for i in range(_ndim(x)) if i not in (a, b)), a, b))
    rows, cols = _shape(moved)[-2:]
    n = max(0, min(rows - max(0, -offset), cols - max(0, offset)))
    i = np.arange(n) + max(0, -offset)
    return call(GETITEM, moved, (Ellipsis, i, i + offset))


# ---------------------------------------------------------------- joining and splitting


def _as_tensors(seq: Any, op: str) -> list[Any]:
    """A sequence of Tensors, arrays, numbers or Values, as Tensors."""
    from ..tensor import Tensor
    from ..value import Value

    if isinstance(seq, (Tensor, np.ndarray)) or not isinstance(seq, (list, tuple)):
        raise TypeError(f"{op}: expected a list or tuple of tensors, got {type(seq).__name__}")
    if not seq:
        raise ValueError(f"{op}: needs at least one array to join, got an empty sequence")
    out = []
    for item in seq:
        if isinstance(item, Value):
            out.append(Tensor._of_value(item))
        elif isinstance(item, Tensor):
            out.append(item)
        else:
            out.append(Tensor(item))
    return out


def concatenate(seq: Sequence[Any], axis: int = 0) -> Any:
    """Join tensors along an existing axis; each gets back its own slice of g."""
    from ..tensor import nary

    tensors = _as_tensors(seq, "concatenate")
    first = tensors[0]
    a = _axis(first, axis, "concatenate")
    for k, t in enumerate(tensors[1:], start=1):
        if t.ndim != first.ndim or any(
            m != n for i, (m, n) in enumerate(zip(t.shape, first.shape)) if i != a
        ):
            raise ValueError(
                f"concatenate: array {k} has shape {t.shape} but array 0 has {first.shape}; "
                f"all shapes must agree except along axis {a}"
            )
    offsets = tuple(int(v) for v in np.cumsum([0] + [t.shape[a] for t in tensors]))
    return nary(CONCATENATE, tensors, (a, offsets))


def stack(seq: Sequence[Any], axis: int = 0) -> Any:
    """Join tensors (or Values) along a new axis: `concatenate` of `unsqueeze`d inputs."""
    tensors = _as_tensors(seq, "stack")
    shapes = {t.shape for t in tensors}
    if len(shapes) > 1:
        raise ValueError(f"stack: all inputs must have the same shape, got {sorted(shapes)}")
    a = _axis(tensors[0], axis, "stack", extra=1)
    return concatenate([unsqueeze(t, a) for t in tensors], axis=a)


def vstack(seq: Sequence[Any]) -> Any:
    """Stack rows: 1-D inputs become rows (1, n), then `concatenate` on axis 0."""
    tensors = _as_tensors(seq, "vstack")
    return concatenate([t.reshape(1, -1) if t.ndim < 2 else t for t in tensors], axis=0)


def hstack(seq: Sequence[Any]) -> Any:
    """Join along axis 1, or along axis 0 for 1-D inputs (as `np.hstack`)."""
    tensors = _as_tensors(seq, "hstack")
    return concatenate(tensors, axis=0 if tensors[0].ndim <= 1 else 1)


def split(x: Any, indices_or_sections: int | Sequence[int], axis: int = 0) -> list[Any]:
    """Cut a tensor into pieces along `axis` (as `np.split`): slices of one graph."""
    a = _axis(x, axis, "split")
    n = _shape(x)[a]
    cuts: list[int]
    if isinstance(indices_or_sections, (int, np.integer)):
        sections = int(indices_or_sections)
        if sections <= 0 or n % sections:
            raise ValueError(
                f"split: axis {a} of length {n} does not divide into {sections} equal pieces; "
                "give a number that divides it, or a list of cut positions"
            )
        cuts = list(range(0, n, n // sections))[1:]
    else:
        cuts = [int(cut) for cut in indices_or_sections]
    bounds = [0, *cuts, n]
    return [
        call(GETITEM, x, (slice(None),) * a + (slice(lo, hi),))
        for lo, hi in itertools.pairwise(bounds)
    ]


# ---------------------------------------------------------------- contractions


def tensordot(x: Any, y: Any, axes: int | Sequence[Any] = 2) -> Any:
    """$\\sum$ over paired axes of x and y, as NumPy computes it: transpose, reshape, `@`."""
    nx, ny = _ndim(x), _ndim(y)
    pairs: list[Any]
    if isinstance(axes, (int, np.integer)):
        pairs = [list(range(nx - int(axes), nx)), list(range(int(axes)))]
    else:
        pairs = [[a] if isinstance(a, (int, np.integer)) else list(a) for a in axes]
    ax = [_axis(x, a, "tensordot") for a in pairs[0]]
    ay = [_axis(y, a, "tensordot") for a in pairs[1]]
    sx, sy = _shape(x), _shape(y)
    if len(ax) != len(ay) or any(sx[a] != sy[b] for a, b in zip(ax, ay)):
        raise ValueError(
            f"tensordot: axes {ax} of shape {sx} and {ay} of shape {sy} do not pair up; "
            "paired axes must have the same lengths"
        )
    free_x = [a for a in range(nx) if a not in ax]
    free_y = [b for b in range(ny) if b not in ay]
    k = int(np.prod([sx[a] for a in ax]))
    left = x.transpose(tuple(free_x + ax)).reshape(-1, k)
    right = y.transpose(tuple(ay + free_y)).reshape(k, -1)
    return (left @ right).reshape(tuple(sx[a] for a in free_x) + tuple(sy[b] for b in free_y))


def dot(x: Any, y: Any) -> Any:
    """NumPy's `dot`: a product for scalars, `@` up to 2-D, else a sum over the last axis
    of x and the second-to-last of y."""
    nx, ny = _ndim(x), _ndim(y)
    if nx == 0 or ny == 0:
        return x * y
    if nx <= 2 and ny <= 2:
        return x @ y
    return tensordot(x, y, axes=([nx - 1], [0 if ny == 1 else ny - 2]))


def inner(x: Any, y: Any) -> Any:
    """$\\sum_k x_{\\dots k}\\,y_{\\dots k}$ over the last axes (a product for scalars)."""
    if _ndim(x) == 0 or _ndim(y) == 0:
        return x * y
    return tensordot(x, y, axes=([-1], [-1]))


def outer(x: Any, y: Any) -> Any:
    """$x_i y_j$ for the flattened x and y."""
    return x.reshape(-1, 1) * y.reshape(1, -1)


# fmt: off
SQUARE = Composite("square", "x ** 2", square,
          Names("square", "square", ALL, "square", (np.square,)), taylor=True)
RECIPROCAL = Composite("reciprocal", "1 / x", reciprocal,
          Names("reciprocal", "reciprocal", ALL, "reciprocal", (np.reciprocal,)),
          taylor=True)
GELU = Composite("gelu", "x Φ(x) = x (1 + erf(x/√2)) / 2", gelu,
          Names("gelu", "gelu", ALL, "gelu"), taylor=True)
VAR = Composite("var", "mean((x - mean(x))^2)", var, Names(None, "var", "Tensor", None, (np.var,)))
STD = Composite("std", "sqrt(var(x))", std, Names(None, "std", "Tensor", None, (np.std,)))
LOGSUMEXP = Composite("logsumexp", "m + log(sum(exp(x - m))), m = max(x)", logsumexp,
          Names(None, "logsumexp", "Tensor"))
SOFTMAX = Composite("softmax", "exp(log_softmax(x))", softmax, Names(None, "softmax", "Tensor"))
FLATTEN = Composite("flatten", "reshape(x, -1)", flatten, Names(None, "flatten", "Tensor"))
RAVEL = Composite("ravel", "reshape(x, -1)", flatten,
          Names(None, "ravel", "Tensor", None, (np.ravel,)))
SQUEEZE = Composite("squeeze", "reshape without axes of length 1", squeeze,
          Names(None, "squeeze", "Tensor", None, (np.squeeze,)))
UNSQUEEZE = Composite("unsqueeze", "reshape with a new axis of length 1", unsqueeze,
          Names(None, "unsqueeze", "Tensor"))
EXPAND_DIMS = Composite("expand_dims", "reshape with a new axis of length 1", unsqueeze,
          Names("expand_dims", "expand_dims", "Tensor", None, (np.expand_dims,)))
SWAPAXES = Composite("swapaxes", "transpose exchanging two axes", swapaxes,
          Names(None, "swapaxes", "Tensor", None, (np.swapaxes,)))
MOVEAXIS = Composite("moveaxis", "transpose moving one axis", moveaxis,
          Names(None, "moveaxis", "Tensor", None, (np.moveaxis,)))
REPEAT = Composite("repeat", "x[indices repeated]", repeat,
          Names(None, "repeat", "Tensor", None, (np.repeat,)))
TILE = Composite("tile", "reshape, broadcast_to, reshape", tile,
          Names(None, "tile", "Tensor", None, (np.tile,)))
TRIU = Composite("triu", "where(upper triangle, x, 0)", triu,
          Names(None, "triu", "Tensor", None, (np.triu,)))
TRIL = Composite("tril", "where(lower triangle, x, 0)", tril,
          Names(None, "tril", "Tensor", None, (np.tril,)))
DIAGONAL = Composite("diagonal", "x[..., i, i + offset]", diagonal,
          Names(None, "diagonal", "Tensor", None, (np.diagonal,)))
TRACE = Composite("trace", "sum(diagonal(x))", trace,
          Names(None, "trace", "Tensor", None, (np.trace,)))
STACK = Composite("stack", "concatenate of unsqueezed inputs", stack,
          Names("stack", None, "", None, (np.stack,)))
VSTACK = Composite("vstack", "concatenate(rows, axis=0)", vstack,
          Names("vstack", None, "", None, (np.vstack,)))
HSTACK = Composite("hstack", "concatenate(xs, axis=1)", hstack,
          Names("hstack", None, "", None, (np.hstack,)))
SPLIT = Composite("split", "slices along axis", split,
          Names("split", None, "", None, (np.split,)))
TENSORDOT = Composite("tensordot", "transpose, reshape, @", tensordot,
          Names("tensordot", None, "", None, (np.tensordot,)))
DOT = Composite("dot", "x * y, x @ y or tensordot", dot,
          Names("dot", None, "", None, (np.dot,)))
INNER = Composite("inner", "tensordot over the last axes", inner,
          Names("inner", None, "", None, (np.inner,)))
OUTER = Composite("outer", "x[:, None] * y[None, :]", outer,
          Names("outer", None, "", None, (np.outer,)))
# fmt: on

COMPOSITES: tuple[Composite, ...] = (
    SQUARE, RECIPROCAL, GELU, VAR, STD,
    LOGSUMEXP, SOFTMAX, FLATTEN, RAVEL, SQUEEZE,
    UNSQUEEZE, EXPAND_DIMS, SWAPAXES, MOVEAXIS, REPEAT, TILE,
    TRIU, TRIL, DIAGONAL, TRACE, STACK, VSTACK,
    HSTACK, SPLIT, TENSORDOT, DOT, INNER, OUTER,
)  # fmt: skip
"""Every composed op, in the order the docs list them."""
