"""The structural rules (Tensor only): ops that move, sum or pick numbers.

Their Jacobians are never formed. Each rule's `vjp(g, xs, c, out, i)` returns the
gradient for input i: `g` is the upstream gradient (the shape of `out`), `xs` the inputs
and `c` the op's constants (an axis, a shape, an index). Every vjp is written with
`.reshape`, `.transpose`, `.sum`, `@` (which ndarrays and Tensors share) and
`call(RULE, ...)`, so it runs on arrays and, under `create_graph=True`, records itself.

Each rule's `jvp(ts, xs, c, out)` is its forward mode: the tangent of `out` from the
tangents `ts` of the inputs (None for an input that does not move). A tangent carries a
leading *batch* axis of k directions, shape `(k, *x.shape)`, so that `jacfwd` pushes all
n directions of an input through the graph in one pass. The linear ops (`sum`,
`reshape`, `getitem`, ...) apply themselves to the tangent, with their axes shifted by
one; `matmul` and `einsum` are bilinear ($d(xy) = dx\\,y + x\\,dy$); `max`, `min` and
`prod` weigh the tangent by their local derivatives.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .base import PRODUCT_LEVEL, Example, Names, Show, Structural, call, call_many, data_of
from .elementwise import EXP

Axis = int | tuple[int, ...] | None
# Rules named by the vjps of others before their own lines.
BROADCAST: Structural
GETITEM: Structural
SCATTER: Structural
CUMSUM: Structural
FLIP: Structural
ROLL: Structural
EINSUM: Structural
ASTYPE: Structural
IM2COL: Structural


# ---------------------------------------------------------------- helpers shared by the vjps


def unsqueeze(a: Any, axis: int) -> Any:
    """Insert an axis of length 1 at `axis` (negative counts from the end)."""
    shape = tuple(a.shape)
    axis = axis % (len(shape) + 1)
    return a.reshape((*shape[:axis], 1, *shape[axis:]))


def matrix_transpose(a: Any) -> Any:
    """Swap the last two axes: $A^T$ for a stack of matrices."""
    if a.ndim == 2:
        return a.T
    axes = list(range(a.ndim))
    axes[-1], axes[-2] = axes[-2], axes[-1]
    return a.transpose(tuple(axes))


def sum_to(a: Any, shape: tuple[int, ...]) -> Any:
    """Sum `a` down to `shape`: the backward of broadcasting `shape` up to `a.shape`."""
    if a.shape == shape:
        return a
    lead = a.ndim - len(shape)
    if a.shape[lead:] == shape:  # only axes added in front (a bias): sum them away
        return a.sum(axis=0) if lead == 1 else a.sum(axis=tuple(range(lead)))
    stretched = tuple([i + lead for i, n in enumerate(shape) if n == 1 and a.shape[i + lead] != 1])
    return a.sum(axis=tuple(range(lead)) + stretched, keepdims=True).reshape(shape)


SHORT_ROW = 32
"""Up to this length, a reduction along the last axis of at least 64 rows runs on a
transposed copy (`reduce_rows`)."""


def reduce_rows(ufunc: np.ufunc, x: np.ndarray, axis: int) -> np.ndarray:
    """`ufunc.reduce(x, axis, keepdims=True)` (a sum or a max), fast along a short last
    axis of many rows: a softmax over 10 classes or 27 letters, attention over 16 places.

    NumPy reduces such an array one row at a time, a call of its inner loop for each
    row: over (128, 10) float32 the max takes 6.6 µs and the sum 3.4, over (1024, 27) 49
    and 25 µs. Instead the max runs over the first axis of a transposed copy, one loop
    across all rows (2.7 and 21 µs, the copy included), and the sum is `einsum`'s, which
    adds a row in one loop of its own (1.6 and 6.1 µs). Long rows (more than
    `SHORT_ROW`) and few rows (fewer than 64) stay as they are. The max is the same
    either way; the sum adds the same numbers in another order.
    """
    last = x.ndim - 1
    n = x.shape[axis] if last >= 1 else 0
    if last >= 1 and axis % x.ndim == last and n <= SHORT_ROW and x.size >= 64 * n:
        if ufunc is np.add:
            return np.einsum("...i->...", x)[..., None]
        return ufunc.reduce(x.transpose((last, *range(last))).copy(), axis=0)[..., None]
    return ufunc.reduce(x, axis=axis, keepdims=True)


WRITE_OUT = 1 << 16
"""Up to this many elements, `broadcast_to` of an array writes the result out: a view
from `np.broadcast_to` costs 2-9 µs a call (it sets up an iterator in Python), as much as
filling 64 Ki floats. Larger arrays stay views, which cost no memory."""


def broadcast_to(a: Any, shape: tuple[int, ...]) -> Any:
    """Broadcast `a` up to `shape` (a differentiable op on Tensors)."""
    if tuple(a.shape) == shape:
        return a
    if isinstance(a, np.ndarray | np.generic) and math.prod(shape) <= WRITE_OUT:
        out = np.empty(shape, a.dtype)
        out[...] = a
        return out
    return call(BROADCAST, a, shape)


def keepdims_shape(shape: tuple[int, ...], axis: Axis) -> tuple[int, ...]:
    """`shape` with the reduced axes kept as length 1."""
    if axis is None:
        return (1,) * len(shape)
    axes = {ax % len(shape) for ax in (axis if isinstance(axis, tuple) else (axis,))}
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


def has_array_index(index: Any) -> bool:
    """True when an index holds integer arrays (so repeated positions must add up)."""
    for part in index if isinstance(index, tuple) else (index,):
        if isinstance(part, (np.ndarray, list)):
            return True
    return False


def _inverse(axes: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(int(i) for i in np.argsort(axes))


def _axis_text(c: tuple[Axis, bool]) -> str:
    axis, keepdims = c
    text = "" if axis is None else f"axis={axis}"
    return ", ".join(part for part in (text, "keepdims" if keepdims else "") if part)


# ---------------------------------------------------------------- helpers shared by the jvps


def batch_size(ts: tuple[Any, ...]) -> int:
    """k, the number of directions the tangents carry (their leading axis)."""
    return next(int(t.shape[0]) for t in ts if t is not None)


def shifted(axis: Axis, ndim: int) -> tuple[int, ...]:
    """The axes of an op on an array of `ndim` axes, on its tangent (one axis in front)."""
    if axis is None:
        return tuple(range(1, ndim + 1))
    axes = axis if isinstance(axis, tuple) else (axis,)
    return tuple(a % ndim + 1 for a in axes)


def lead(t: Any, ndim: int) -> Any:
    """A tangent `(k, *shape)` with axes of length 1 after k, up to `ndim` axes after it:
    so that it broadcasts against an array of `ndim` axes as its point does."""
    missing = ndim - (t.ndim - 1)
    if missing <= 0:
        return t
    shape = tuple(t.shape)
    return t.reshape((shape[0], *(1,) * missing, *shape[1:]))


def _add(a: Any, b: Any) -> Any:
    return b if a is None else a + b


def _zeros(x: Any, k: int, like: Any) -> Any:
    """The tangent of an input that does not move: zeros `(k, *x.shape)` (a constant)."""
    zeros = np.zeros((k, *x.shape), dtype=data_of(x).dtype)
    if isinstance(like, np.ndarray):
        return zeros
    from ..tensor import Tensor

    return Tensor(zeros)


def _batch_index(index: Any) -> tuple[Any, int]:
    """`index` for a tangent: a slice for the batch axis in front. Also how many axes an
    array index puts first when slices separate its arrays (NumPy moves them ahead of
    everything, the batch axis included), or 0."""
    parts = index if isinstance(index, tuple) else (index,)
    arrays = [i for i, p in enumerate(parts) if isinstance(p, np.ndarray)]
    moved = 0
    if arrays and arrays[-1] - arrays[0] + 1 != len(arrays):
        moved = len(np.broadcast_shapes(*(parts[i].shape for i in arrays)))
    return (slice(None), *parts), moved


def index_text(index: Any) -> str:
    """An index as written in Python: `0, 1:3, …` (arrays as `[…]`)."""
    parts = index if isinstance(index, tuple) else (index,)
    texts = []
    for part in parts:
        if isinstance(part, slice):
            texts.append(
                ":".join("" if v is None else str(v) for v in (part.start, part.stop))
                + ("" if part.step is None else f":{part.step}")
            )
        elif isinstance(part, (int, np.integer)):
            texts.append(str(int(part)))
        elif part is None:
            texts.append("None")
        elif part is Ellipsis:
            texts.append("...")
        else:
            texts.append("[…]")
    return ", ".join(texts)


# ---------------------------------------------------------------- matmul


def _matmul_vjp(g: Any, xs: tuple[Any, Any], c: Any, out: Any, i: int) -> Any:
    x, y = xs
    if x.ndim == 2 and y.ndim == 2:  # two matrices, the usual case: g yᵀ and xᵀ g
        return g @ y.T if i == 0 else x.T @ g
    if i == 0:
        if y.ndim == 1:  # out[..., i] = sum_k x[..., i, k] y[k]
            return unsqueeze(g, -1) * y
        if x.ndim == 1:  # out[..., j] = sum_k x[k] y[..., k, j]
            return sum_to((y @ unsqueeze(g, -1)).reshape(tuple(y.shape[:-1])), tuple(x.shape))
        return sum_to(g @ matrix_transpose(y), tuple(x.shape))
    if x.ndim == 1:
        if y.ndim == 1:
            return g * x
        return sum_to(unsqueeze(x, -1) * unsqueeze(g, -2), tuple(y.shape))
    if y.ndim == 1:
        gy = matrix_transpose(x) @ unsqueeze(g, -1)
        return sum_to(gy.reshape(tuple(gy.shape[:-1])), tuple(y.shape))
    return sum_to(matrix_transpose(x) @ g, tuple(y.shape))


def _matmul_jvp(ts: tuple[Any, Any], xs: tuple[Any, Any], c: Any, out: Any) -> Any:
    """$d(xy) = dx\\,y + x\\,dy$, each product with the batch axis of k directions kept
    in front (matrices padded with axes of length 1 so that batches line up)."""
    (tx, ty), (x, y) = ts, xs
    k, out_shape = batch_size(ts), tuple(out.shape)
    total = None
    if tx is not None:
        if x.ndim == 1 and y.ndim >= 2:  # k row vectors, one per direction
            tx = tx.reshape((k, *(1,) * (y.ndim - 2), 1, x.shape[0]))
        elif y.ndim >= 2:
            tx = lead(tx, len(out_shape))
        total = (tx @ y).reshape((k, *out_shape))
    if ty is not None:
        if y.ndim == 1:
            if x.ndim == 1:
                term = ty @ x
            else:  # k column vectors
                term = x @ ty.reshape((k, *(1,) * (x.ndim - 2), y.shape[0], 1))
        else:
            term = x @ (ty if x.ndim == 1 else lead(ty, len(out_shape)))
        total = _add(total, term.reshape((k, *out_shape)))
    return total


# ---------------------------------------------------------------- reductions


def _sum_vjp(g: Any, xs: tuple[Any], c: tuple[Axis, bool], out: Any, i: int) -> Any:
    axis, keepdims = c
    shape = tuple(xs[0].shape)
    if not keepdims and axis is not None:  # (a total over all axes broadcasts as it is)
        g = g.reshape(keepdims_shape(shape, axis))
    return broadcast_to(g, shape)


def _sum_jvp(ts: tuple[Any], xs: tuple[Any], c: tuple[Axis, bool], out: Any) -> Any:
    axis, keepdims = c
    if xs[0].ndim == 0:
        return ts[0]
    return ts[0].sum(axis=shifted(axis, xs[0].ndim), keepdims=keepdims)


def reduced_count(shape: tuple[int, ...], axis: Axis) -> int:
    """How many elements a reduction over `axis` adds up into each output element."""
    if axis is None:
        return math.prod(shape)
    return math.prod([shape[a] for a in (axis if isinstance(axis, tuple) else (axis,))])


def _mean(x: np.ndarray, c: tuple[Axis, bool]) -> Any:
    total = np.add.reduce(x, axis=c[0], keepdims=c[1])  # type: ignore[call-overload]
    return total / reduced_count(x.shape, c[0])


def _mean_vjp(g: Any, xs: tuple[Any], c: tuple[Axis, bool], out: Any, i: int) -> Any:
    return _sum_vjp(g / reduced_count(tuple(xs[0].shape), c[0]), xs, c, out, i)


def _mean_jvp(ts: tuple[Any], xs: tuple[Any], c: tuple[Axis, bool], out: Any) -> Any:
    return _sum_jvp(ts, xs, c, out) / reduced_count(tuple(xs[0].shape), c[0])


def _log_softmax(x: np.ndarray, axis: int) -> np.ndarray:
    """$(x_i - m) - \\log\\sum_j e^{x_j - m}$ with m = max(x): every exp at most 1, so
    logits of ±1000 stay finite."""
    shifted = x - reduce_rows(np.maximum, x, axis)
    return shifted - np.log(reduce_rows(np.add, np.exp(shifted), axis))


def _log_softmax_vjp(g: Any, xs: tuple[Any], axis: int, out: Any, i: int) -> Any:
    # d out_i / d x_j = [i = j] - softmax_j, and softmax = exp(out).
    if type(g) is np.ndarray:
        total = reduce_rows(np.add, g, axis)
    else:  # a Tensor, under create_graph
        total = g.sum(axis=axis, keepdims=True)
    return g - call(EXP, out) * total


def _log_softmax_jvp(ts: tuple[Any], xs: tuple[Any], axis: int, out: Any) -> Any:
    t = ts[0]
    return t - (call(EXP, out) * t).sum(axis=axis % xs[0].ndim + 1, keepdims=True)


def _tie_share(x: Any, out: Any, axis: Axis) -> np.ndarray:
    """$\\partial \\max/\\partial x_i$: 1/k at each of the k tied extremes of a reduced
    slice, 0 elsewhere (as torch.amax and torch.amin share the gradient), in x's shape
    with the reduced axes kept."""
    xd, od = data_of(x), data_of(out)
    mask = xd == od.reshape(keepdims_shape(xd.shape, axis))
    return (mask / mask.sum(axis=axis, keepdims=True)).astype(xd.dtype, copy=False)


def _extreme_vjp(g: Any, xs: tuple[Any], c: tuple[Axis, bool], out: Any, i: int) -> Any:
    x = xs[0]
    return g.reshape(keepdims_shape(tuple(x.shape), c[0])) * _tie_share(x, out, c[0])


def _extreme_jvp(ts: tuple[Any], xs: tuple[Any], c: tuple[Axis, bool], out: Any) -> Any:
    # The tangent of the max: the mean of the tangents of the tied maxima.
    axis, keepdims = c
    share = _tie_share(xs[0], out, axis)
    if share.ndim == 0:
        return ts[0]
    return (ts[0] * share).sum(axis=shifted(axis, share.ndim), keepdims=keepdims)


def _exclusive_product(x: np.ndarray, axis: Axis) -> np.ndarray:
    """The product of all other elements of each reduced slice, exact with zeros."""
    if axis is None:
        return _exclusive_product(x.reshape(-1), 0).reshape(x.shape)
    axes = axis if isinstance(axis, tuple) else (axis,)
    axes = tuple(a % x.ndim for a in axes)
    rest = tuple(a for a in range(x.ndim) if a not in axes)
    moved = x.transpose(rest + axes)
    flat = moved.reshape(*moved.shape[: len(rest)], -1)
    ones = np.ones_like(flat[..., :1])
    left = np.cumprod(np.concatenate([ones, flat[..., :-1]], axis=-1), axis=-1)
    right = np.cumprod(np.concatenate([ones, flat[..., :0:-1]], axis=-1), axis=-1)[..., ::-1]
    return (left * right).reshape(moved.shape).transpose(_inverse(rest + axes))


def _other_factors(x: Any, out: Any, axis: Axis, unsupported: str) -> Any:
    """$\\partial\\,\\mathrm{prod}/\\partial x_i = \\prod_{j \\ne i} x_j$, in x's shape:
    out / x where no factor is 0 (differentiable again on nodes); with a zero, exact from
    the factors on arrays, and on nodes the NotImplementedError `unsupported`."""
    xd = data_of(x)
    if np.all(xd != 0):
        return out.reshape(keepdims_shape(tuple(x.shape), axis)) / x
    if not isinstance(x, np.ndarray):
        raise NotImplementedError(unsupported)
    return _exclusive_product(xd, axis)


def _prod_vjp(g: Any, xs: tuple[Any], c: tuple[Axis, bool], out: Any, i: int) -> Any:
    axis = c[0]
    x = xs[0]
    g = g.reshape(keepdims_shape(tuple(x.shape), axis))
    return g * _other_factors(x, out, axis, (
        "prod: the second derivative of a product with a zero among its factors is not "
        "supported; shift the input away from 0, or differentiate once"))  # fmt: skip


def _prod_jvp(ts: tuple[Any], xs: tuple[Any], c: tuple[Axis, bool], out: Any) -> Any:
    # d prod(x) = sum_i (prod_{j != i} x_j) dx_i
    axis, keepdims = c
    x = xs[0]
    if x.ndim == 0:
        return ts[0]
    others = _other_factors(x, out, axis, (
        "prod: forward mode through a product with a zero among its factors is not "
        "supported when nested; shift the input away from 0"))  # fmt: skip
    return (ts[0] * others).sum(axis=shifted(axis, x.ndim), keepdims=keepdims)


def _cumsum_vjp(g: Any, xs: tuple[Any], axis: int | None, out: Any, i: int) -> Any:
    # out_j = sum_{k <= j} x_k, so x_k gets sum_{j >= k} g_j: a cumsum from the end.
    x = xs[0]
    if axis is None:
        g = g.reshape(-1)
        return call(FLIP, call(CUMSUM, call(FLIP, g, (0,)), 0), (0,)).reshape(tuple(x.shape))
    return call(FLIP, call(CUMSUM, call(FLIP, g, (axis,)), axis), (axis,))


def _cumsum_jvp(ts: tuple[Any], xs: tuple[Any], axis: int | None, out: Any) -> Any:
    t = ts[0]
    if axis is None:  # along the flattened array
        return call(CUMSUM, t.reshape((t.shape[0], -1)), 1)
    return call(CUMSUM, t, axis % xs[0].ndim + 1)


# ---------------------------------------------------------------- shape and indexing


def _array_scatter(g: np.ndarray, c: Any) -> np.ndarray:
    shape, index = c
    out = np.zeros(shape, dtype=g.dtype)
    if has_array_index(index):
        np.add.at(out, index, g)  # repeated indices must add up
    else:
        out[index] = g
    return out


def _concatenate(xs: tuple[np.ndarray, ...], c: tuple[int, tuple[int, ...]]) -> np.ndarray:
    return np.concatenate(xs, axis=c[0])


def _concatenate_vjp(g: Any, xs: Any, c: tuple[int, tuple[int, ...]], out: Any, i: int) -> Any:
    axis, offsets = c
    index = (slice(None),) * axis + (slice(offsets[i], offsets[i + 1]),)
    return call(GETITEM, g, index)


def _concatenate_jvp(ts: Any, xs: Any, c: tuple[int, tuple[int, ...]], out: Any) -> Any:
    k = batch_size(ts)
    like = next(t for t in ts if t is not None)
    parts = tuple(_zeros(x, k, like) if t is None else t for t, x in zip(ts, xs))
    return call_many(CONCATENATE, parts, (c[0] + 1, c[1]))


def _pad(x: np.ndarray, c: tuple[tuple[tuple[int, int], ...], float]) -> np.ndarray:
    widths, value = c
    return np.pad(x, widths, constant_values=value)


def _pad_vjp(g: Any, xs: Any, c: Any, out: Any, i: int) -> Any:
    widths = c[0]
    index = tuple(slice(before, n - after) for (before, after), n in zip(widths, g.shape))
    return call(GETITEM, g, index)


def _pad_jvp(ts: tuple[Any], xs: Any, c: Any, out: Any) -> Any:
    return call(PAD, ts[0], (((0, 0), *c[0]), 0.0))  # the padding is constant


def _roll_vjp(g: Any, xs: Any, c: Any, out: Any, i: int) -> Any:
    shift, axis = c
    back = tuple(-s for s in shift) if isinstance(shift, tuple) else -shift
    return call(ROLL, g, (back, axis))


def _roll_jvp(ts: tuple[Any], xs: Any, c: Any, out: Any) -> Any:
    shift, axis = c
    t = ts[0]
    if axis is None:  # along the flattened array, then back to the shape
        shape = tuple(t.shape)
        return call(ROLL, t.reshape((shape[0], -1)), (shift, 1)).reshape(shape)
    return call(ROLL, t, (shift, shifted(axis, xs[0].ndim)))


def _getitem_jvp(ts: tuple[Any], xs: Any, index: Any, out: Any) -> Any:
    t = ts[0]
    batched, moved = _batch_index(index)
    picked = call(GETITEM, t, batched)
    if moved:  # NumPy put the array index's axes before the batch axis: move it back
        order = (moved, *range(moved), *range(moved + 1, picked.ndim))
        picked = picked.transpose(order)
    return picked


def _scatter_jvp(ts: tuple[Any], xs: Any, c: Any, out: Any) -> Any:
    shape, index = c
    t = ts[0]
    k = int(t.shape[0])
    batched, moved = _batch_index(index)
    if moved:  # the order NumPy's indexing gives: the array index's axes first
        order = (*range(1, moved + 1), 0, *range(moved + 1, t.ndim))
        t = t.transpose(order)
    return call(SCATTER, t, ((k, *shape), batched))


# ---------------------------------------------------------------- einsum


def _einsum(xs: tuple[np.ndarray, ...], spec: str) -> np.ndarray:
    return np.einsum(spec, *xs, optimize=len(xs) > 2)


def _einsum_vjp(g: Any, xs: tuple[Any, ...], spec: str, out: Any, i: int) -> Any:
    """$\\partial/\\partial x_i$ of an einsum: the einsum of g with the other operands,
    written back to x_i's subscripts, then broadcast over the letters only x_i has."""
    inputs, output = spec.split("->")
    terms = inputs.split(",")
    mine = terms[i]
    others = [t for k, t in enumerate(terms) if k != i]
    seen = set(output).union(*others)
    kept = "".join(letter for letter in mine if letter in seen)
    grad = _einsum_apply(",".join([output, *others]) + "->" + kept, g, xs, i)
    if kept != mine:  # letters summed only inside x_i: every element gets the same g
        shape = tuple(xs[i].shape)
        expanded = tuple(shape[k] if letter in seen else 1 for k, letter in enumerate(mine))
        grad = broadcast_to(grad.reshape(expanded), shape)
    return grad


def _einsum_apply(spec: str, g: Any, xs: tuple[Any, ...], i: int) -> Any:
    return call_many(EINSUM, (g, *[x for k, x in enumerate(xs) if k != i]), spec)


def _einsum_jvp(ts: tuple[Any, ...], xs: tuple[Any, ...], spec: str, out: Any) -> Any:
    """$d\\,\\mathrm{einsum}(x_1, \\dots) = \\sum_i \\mathrm{einsum}(\\dots, dx_i, \\dots)$,
    with a letter of its own for the batch axis, on $dx_i$ and on the output."""
    inputs, output = spec.split("->")
    terms = inputs.split(",")
    z = next(letter for letter in "zyxwvutsrqponmlkjihgfedcbaZYXWVUTSRQPONMLKJIHGFEDCBA"
             if letter not in spec)  # fmt: skip
    total = None
    for i, t in enumerate(ts):
        if t is None:
            continue
        batched = ",".join(z + term if k == i else term for k, term in enumerate(terms))
        operands = tuple(t if k == i else x for k, x in enumerate(xs))
        total = _add(total, call_many(EINSUM, operands, batched + "->" + z + output))
    return total


# ---------------------------------------------------------------- image patches (conv, pool)


def _im2col(x: np.ndarray, c: tuple[int, int, int, int, int, int, float]) -> np.ndarray:
    """The patches of `x` `(N, C, H, W)`: `(N, OH, OW, C, kh, kw)`, contiguous.

    The padded image is laid out channels last, `(N, H, W, C)`: then the windows' view is
    already in the patches' axis order, and a convolution's output (channels last in
    memory, see `conv2d`) is read in order. (Measured on a 32x32x4x4 batch: 1.4 times
    faster than padding channels first.)
    """
    kh, kw, sh, sw, ph, pw, fill = c
    n, ch, h, w = x.shape
    padded = np.full((n, h + 2 * ph, w + 2 * pw, ch), fill, dtype=x.dtype)
    padded[:, ph : ph + h, pw : pw + w, :] = x.transpose(0, 2, 3, 1)
    windows = np.lib.stride_tricks.sliding_window_view(padded, (kh, kw), (1, 2))
    return np.ascontiguousarray(windows[:, ::sh, ::sw])  # one copy: (N, OH, OW, C, kh, kw)


def _im2col_vjp(g: Any, xs: tuple[Any], c: Any, out: Any, i: int) -> Any:
    """Columns back to image (col2im): each patch's g added where the patch came from.

    One strided slice per kernel offset (kh * kw of them) added into a zero image, then
    the padding dropped. The image is laid out channels last and g's offsets first, so
    each addition reads and writes whole rows of channels (4 times faster than channels
    first). On nodes (`create_graph=True`) the same sum is recorded with `scatter_add`,
    so it can be differentiated again.
    """
    kh, kw, sh, sw, ph, pw, _ = c
    n, ch, h, w = tuple(xs[0].shape)
    oh, ow = g.shape[1], g.shape[2]
    if isinstance(g, np.ndarray):
        image = np.zeros((n, h + 2 * ph, w + 2 * pw, ch), dtype=g.dtype)
        by_offset = np.ascontiguousarray(g.transpose(4, 5, 0, 1, 2, 3))  # (kh, kw, N, OH, OW, C)
        for a in range(kh):
            for b in range(kw):
                image[:, a : a + sh * (oh - 1) + 1 : sh, b : b + sw * (ow - 1) + 1 : sw] += (
                    by_offset[a, b]
                )
        return image[:, ph : ph + h, pw : pw + w].transpose(0, 3, 1, 2)
    padded = (n, ch, h + 2 * ph, w + 2 * pw)
    total: Any = None
    for a in range(kh):
        for b in range(kw):
            piece = g[:, :, :, :, a, b].transpose(0, 3, 1, 2)  # (N, C, OH, OW)
            where = (
                slice(None),
                slice(None),
                slice(a, a + sh * (oh - 1) + 1, sh),
                slice(b, b + sw * (ow - 1) + 1, sw),
            )
            part = call(SCATTER, piece, (padded, where))
            total = part if total is None else total + part
    return total[:, :, ph : ph + h, pw : pw + w]


def _im2col_jvp(ts: tuple[Any], xs: tuple[Any], c: Any, out: Any) -> Any:
    """The patches of the tangent (im2col is linear), with the k directions folded into
    the batch axis N; the padding is a constant, so its tangent is 0 whatever its value."""
    t = ts[0]
    k, n = int(t.shape[0]), int(t.shape[1])
    patches = call(IM2COL, t.reshape((k * n, *tuple(t.shape[2:]))), (*c[:6], 0.0))
    return patches.reshape((k, n, *tuple(patches.shape[1:])))


def _im2col_text(c: Any) -> str:
    kh, kw, sh, sw, ph, pw, _ = c
    return f"kernel=({kh}, {kw}), stride=({sh}, {sw}), padding=({ph}, {pw})"


# fmt: off
MATMUL = Structural("matmul", "x @ y", np.matmul, _matmul_vjp,
                    "g @ yᵀ", "xᵀ @ g",
                    jvp=_matmul_jvp,
                    show=Show("infix", " @ ", PRODUCT_LEVEL, strict=True),
                    names=Names("matmul", "__matmul__", "Tensor", None, (np.matmul,)),
                    example=Example((2, 3, 4), (4, 5)))
# The reductions call NumPy's ufuncs directly: `np.add.reduce` is `np.sum` without the
# Python wrapper around it, which costs 1-3 µs a call.
SUM = Structural("sum", "sum(x, axis)", lambda x, c: np.add.reduce(x, axis=c[0], keepdims=c[1]),
                 _sum_vjp,
                 "broadcast g back to x's shape",
                 jvp=_sum_jvp,
                 show=Show("call", "sum", consts=_axis_text),
                 names=Names(None, "sum", "Tensor", None, (np.sum,)),
                 example=Example((2, 3, 4), consts=((0, 2), False)))
MEAN = Structural("mean", "sum(x, axis) / n", _mean, _mean_vjp,
                  "broadcast g / n back to x's shape",
                  jvp=_mean_jvp,
                  show=Show("call", "mean", consts=_axis_text),
                  names=Names(None, "mean", "Tensor", None, (np.mean,)),
                  doc="A primitive: as sum then divide it is two nodes, and a loss is "
                      "usually a mean.",
                  example=Example((2, 3, 4), consts=((0, 2), False)))
LOG_SOFTMAX = Structural("log_softmax", "x - log(sum(exp(x), axis))", _log_softmax,
                         _log_softmax_vjp,
                         "g - softmax(x) * sum(g, axis)",
                         jvp=_log_softmax_jvp,
                         show=Show("call", "log_softmax", consts=lambda a: f"axis={a}"),
                         names=Names(None, "log_softmax", "Tensor"),
                         doc="A primitive: composed of sub, exp, sum and log it was five "
                             "nodes, each a step of Python in backward, where its own "
                             "vector-Jacobian product is one; it is the loss of most "
                             "classifiers.",
                         example=Example((3, 5), consts=1))
MAX = Structural("max", "max(x, axis)",
                 lambda x, c: np.maximum.reduce(x, axis=c[0], keepdims=c[1]),
                 _extreme_vjp,
                 "g where x is the max (ties share it equally), else 0",
                 jvp=_extreme_jvp,
                 show=Show("call", "max", consts=_axis_text),
                 names=Names(None, "max", "Tensor", None, (np.max, np.amax)),
                 kink=lambda xs, c, out, eps: _ties(xs[0], c, out, eps),
                 kink_text="with tied elements",
                 example=Example((3, 5), consts=(1, False)))
MIN = Structural("min", "min(x, axis)",
                 lambda x, c: np.minimum.reduce(x, axis=c[0], keepdims=c[1]),
                 _extreme_vjp,
                 "g where x is the min (ties share it equally), else 0",
                 jvp=_extreme_jvp,
                 show=Show("call", "min", consts=_axis_text),
                 names=Names(None, "min", "Tensor", None, (np.min, np.amin)),
                 kink=lambda xs, c, out, eps: _ties(xs[0], c, out, eps),
                 kink_text="with tied elements",
                 example=Example((3, 5), consts=(0, True)))
PROD = Structural("prod", "prod(x, axis)",
                  lambda x, c: np.multiply.reduce(x, axis=c[0], keepdims=c[1]),
                  _prod_vjp,
                  "g times the product of the other elements",
                  jvp=_prod_jvp,
                  show=Show("call", "prod", consts=_axis_text),
                  names=Names(None, "prod", "Tensor", None, (np.prod,)),
                  doc="A primitive: exp(sum(log x)) fails at zeros and negative numbers.",
                  example=Example((3, 4), consts=(1, False)))
CUMSUM = Structural("cumsum", "cumsum(x, axis)", lambda x, axis=None: np.cumsum(x, axis=axis),
                    _cumsum_vjp,
                    "cumsum of g from the end",
                    jvp=_cumsum_jvp,
                    show=Show("call", "cumsum", consts=lambda a: "" if a is None else f"axis={a}"),
                    names=Names(None, "cumsum", "Tensor", None, (np.cumsum,)),
                    example=Example((3, 4), consts=1))
BROADCAST = Structural("broadcast_to", "broadcast_to(x, shape)", np.broadcast_to,
                       lambda g, xs, c, out, i: sum_to(g, tuple(xs[0].shape)),
                       "sum g back to x's shape",
                       jvp=lambda ts, xs, c, out: call(
                           BROADCAST, lead(ts[0], len(c)), (ts[0].shape[0], *c)),
                       show=Show("call", "broadcast_to", consts=lambda s: f"shape={tuple(s)}"),
                       names=Names(),
                       example=Example((3, 1), consts=(2, 3, 4)))
RESHAPE = Structural("reshape", "reshape(x, shape)", np.reshape,
                     lambda g, xs, c, out, i: g.reshape(tuple(xs[0].shape)),
                     "reshape g to x's shape",
                     jvp=lambda ts, xs, c, out: ts[0].reshape((ts[0].shape[0], *out.shape)),
                     show=Show("call", "reshape", consts=lambda s: f"shape={tuple(s)}"),
                     names=Names(None, "reshape", "Tensor", None, (np.reshape,)),
                     example=Example((2, 3, 4), consts=(4, 6)))
TRANSPOSE = Structural("transpose", "transpose(x, axes)", np.transpose,
                       lambda g, xs, c, out, i: g.transpose(_inverse(c)),
                       "transpose g back",
                       jvp=lambda ts, xs, c, out: ts[0].transpose((0, *(a + 1 for a in c))),
                       show=Show("postfix", "ᵀ", consts=lambda a: f"axes={tuple(a)}"),
                       names=Names(None, "transpose", "Tensor", None, (np.transpose,)),
                       example=Example((2, 3, 4), consts=(2, 0, 1)))
GETITEM = Structural("getitem", "x[index]", lambda x, index: x[index],
                     lambda g, xs, c, out, i: call(SCATTER, g, (tuple(xs[0].shape), c)),
                     "g added into zeros at index",
                     jvp=_getitem_jvp,
                     show=Show("index", "[]", consts=index_text),
                     names=Names(None, "__getitem__", "Tensor"),
                     example=Example((3, 4), consts=(np.array([0, 2, 0]), slice(1, None))))
SCATTER = Structural("scatter_add", "zeros(shape) with x added at index", _array_scatter,
                     lambda g, xs, c, out, i: call(GETITEM, g, c[1]),
                     "g[index]",
                     jvp=_scatter_jvp,
                     show=Show("call", "scatter_add",
                               consts=lambda c: f"index={index_text(c[1])}"),
                     example=Example((3, 3), consts=((4, 3), np.array([1, 1, 3]))))
CONCATENATE = Structural("concatenate", "concatenate(xs, axis)", _concatenate,
                         _concatenate_vjp,
                         "g's slice along axis where x sits",
                         jvp=_concatenate_jvp,
                         variadic=True,
                         show=Show("call", "concatenate", consts=lambda c: f"axis={c[0]}"),
                         names=Names("concatenate", None, "", None, (np.concatenate,)),
                         example=Example((2, 3), (4, 3), consts=(0, (0, 2, 6))))
FLIP = Structural("flip", "flip(x, axis)", lambda x, axes: np.flip(x, axes),
                  lambda g, xs, axes, out, i: call(FLIP, g, axes),
                  "flip g back",
                  jvp=lambda ts, xs, axes, out: call(FLIP, ts[0], shifted(axes, xs[0].ndim)),
                  show=Show("call", "flip", consts=lambda a: f"axis={a}"),
                  names=Names(None, "flip", "Tensor", None, (np.flip,)),
                  example=Example((2, 3), consts=(1,)))
ROLL = Structural("roll", "roll(x, shift, axis)", lambda x, c: np.roll(x, c[0], c[1]),
                  _roll_vjp,
                  "roll g back by -shift",
                  jvp=_roll_jvp,
                  show=Show("call", "roll", consts=lambda c: f"shift={c[0]}, axis={c[1]}"),
                  names=Names(None, "roll", "Tensor", None, (np.roll,)),
                  example=Example((2, 3), consts=(1, 1)))
PAD = Structural("pad", "pad(x, widths, value)", _pad, _pad_vjp,
                 "g without the padding",
                 jvp=_pad_jvp,
                 show=Show("call", "pad", consts=lambda c: f"widths={c[0]}"),
                 names=Names(None, "pad", "Tensor", None, (np.pad,)),
                 example=Example((2, 3), consts=(((1, 0), (0, 2)), 0.5)))
EINSUM = Structural("einsum", "einsum(subscripts, *xs)", _einsum, _einsum_vjp,
                    "einsum of g with the other operands, to x's subscripts",
                    jvp=_einsum_jvp,
                    variadic=True,
                    show=Show("call", "einsum", consts=lambda spec: repr(spec)),
                    names=Names("einsum", None, "", None, (np.einsum,)),
                    doc="A primitive: its backward is an einsum too, one per operand.",
                    example=Example((2, 3), (3, 4, 2), consts="ij,jkl->ikl"))
FROM_VALUE = Structural("tensor", "a Value x as a 0-d Tensor", lambda x: np.asarray(x),
                        lambda g, xs, c, out, i: _to_number(g),
                        "g as a number",
                        jvp=lambda ts, xs, c, out: _batch_of_number(ts[0]),
                        names=Names(),
                        example=Example((), consts=None))
ASTYPE = Structural("astype", "x as dtype", lambda x, dtype: x.astype(dtype),
                    lambda g, xs, c, out, i: call(ASTYPE, g, data_of(xs[0]).dtype),
                    "g converted back to x's dtype",
                    jvp=lambda ts, xs, c, out: call(ASTYPE, ts[0], c),
                    show=Show("call", "astype", consts=lambda d: str(np.dtype(d))),
                    names=Names(None, "astype", "Tensor"),
                    example=Example((2, 3), consts=np.dtype(np.float64)))
IM2COL = Structural("im2col", "p[n, i, j, c, a, b] = x_pad[n, c, i*sh + a, j*sw + b]",
                    _im2col, _im2col_vjp,
                    "add each patch's g back where the patch came from (col2im)",
                    jvp=_im2col_jvp,
                    show=Show("call", "im2col", consts=_im2col_text),
                    names=Names(),
                    doc="A primitive: gathering the patches with indexing would record one "
                        "node per kernel offset; conv2d and the pools are im2col then a "
                        "matrix product, a max or a mean.",
                    example=Example((2, 3, 5, 4), consts=(3, 2, 2, 1, 1, 0, 0.0)))
# fmt: on


def _batch_of_number(t: Any) -> Any:
    """The tangent of a Value, as the tangent of a 0-d Tensor: one direction, shape (1,)."""
    if isinstance(t, (float, int, np.generic, np.ndarray)):
        return np.reshape(np.asarray(t, dtype=np.float64), (1,))
    from ..tensor import Tensor

    return Tensor._of_value(t).reshape((1,))


def _to_number(g: Any) -> float:
    if not isinstance(g, np.ndarray):
        raise NotImplementedError(
            "stack: second derivatives through a stack of Values are not supported; "
            "build the graph from Tensors (ag.Tensor(v.data, requires_grad=True))"
        )
    return float(g)


def _ties(x: np.ndarray, c: tuple[Axis, bool], out: np.ndarray, eps: float) -> bool:
    axis = c[0]
    shape = keepdims_shape(x.shape, axis)
    return bool(np.any((np.abs(x - out.reshape(shape)) <= eps).sum(axis=axis) > 1))


STRUCTURAL: tuple[Structural, ...] = (
    MATMUL, SUM, MEAN, LOG_SOFTMAX, MAX, MIN, PROD, CUMSUM, BROADCAST, RESHAPE, TRANSPOSE,
    GETITEM, SCATTER, CONCATENATE, FLIP, ROLL, PAD, EINSUM, FROM_VALUE, ASTYPE, IM2COL,
)  # fmt: skip
