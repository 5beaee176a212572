r"""Loss functions, composed from the engine's primitives (no derivative code of their own).

Each takes the model's output first and the targets second, as PyTorch's functional losses,
and by default returns the mean over the samples. `mse_loss` and
`binary_cross_entropy_with_logits` also take a `Value` or a list of Values (the scalar
teaching models' outputs); `cross_entropy` takes Tensors.

Example:
    >>> import autograd_lite as ag
    >>> logits = ag.Tensor([[2.0, 0.0], [0.0, 2.0]], requires_grad=True)
    >>> round(ag.nn.cross_entropy(logits, [0, 1]).item(), 4)   # -log(e^2 / (e^2 + 1))
    0.1269
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor
from ..value import Value

REDUCTIONS = ("mean", "sum", "none")


def _check_reduction(reduction: str, name: str) -> None:
    if reduction not in REDUCTIONS:
        raise ValueError(
            f"{name}: unknown reduction {reduction!r}; choose one of {', '.join(REDUCTIONS)}"
        )


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def _is_scalar_input(x: object) -> bool:
    """True for a Value, or a list/tuple whose first item is a Value (the scalar models)."""
    return isinstance(x, Value) or (
        isinstance(x, (list, tuple)) and len(x) > 0 and isinstance(x[0], Value)
    )


def _as_values(x: Any, name: str, what: str) -> list[Any]:
    items = list(x) if isinstance(x, (list, tuple)) else [x]
    for i, item in enumerate(items):
        if not isinstance(item, Value) and (
            isinstance(item, bool) or not isinstance(item, (int, float, np.floating, np.integer))
        ):
            raise TypeError(
                f"{name}: {what}[{i}] is {type(item).__name__} {item!r:.40}; with Values, "
                "pass a Value or a list of Values and numbers"
            )
    return items


def as_tensor(x: Any, owner: str, name: str = "input") -> Tensor:
    """`x` as a Tensor (an array becomes a constant one), or a TypeError naming `owner`."""
    if isinstance(x, Tensor):
        return x
    try:
        return Tensor(x)
    except TypeError as error:
        raise TypeError(f"{owner}: {name} must be a Tensor or an array: {error}") from None


def _target_like(target: Any, pred: Tensor, name: str) -> Any:
    """The target as a Tensor (which may itself need grad) or a constant array of pred's dtype."""
    if isinstance(target, Tensor):
        array: Any = target
        shape = target.shape
    else:
        array = np.asarray(target, dtype=pred.dtype)
        shape = array.shape
    if shape != pred.shape:
        hint = ""
        if len(shape) == 1 and pred.shape == (*shape, 1):
            hint = "; the model outputs a column: use pred.reshape(-1), or target.reshape(-1, 1)"
        raise ValueError(
            f"{name}: prediction has shape {pred.shape} but target has shape {shape}; they "
            f"must be equal (broadcasting here silently compares every pair){hint}"
        )
    return array


def mse_loss(pred: Any, target: Any, reduction: str = "mean") -> Any:
    r"""Mean squared error $\frac{1}{n}\sum_i (\hat y_i - y_i)^2$.

    Args:
        pred: a Tensor, or a Value / list of Values from a scalar model.
        target: the same shape as `pred` (numbers, an array, a Tensor; or Values/numbers
            when `pred` is made of Values).
        reduction: `"mean"` (default), `"sum"`, or `"none"` for the per-element
            squares (Tensors only).

    Returns:
        A one-element Tensor, or a Value when `pred` is made of Values.

    Raises:
        ValueError: shapes (or lengths) differ: unlike PyTorch there is no broadcasting,
            since comparing a column with a row silently computes an n-by-n error.

    Example:
        >>> import autograd_lite as ag
        >>> ag.nn.mse_loss(ag.Tensor([1.0, 2.0]), [1.0, 4.0]).item()     # (0 + 4) / 2
        2.0
        >>> ag.nn.mse_loss([ag.Value(1.0), ag.Value(3.0)], [0.0, 1.0]).data   # (1 + 4) / 2
        2.5
    """
    _check_reduction(reduction, "mse_loss")
    if _is_scalar_input(pred):
        preds = _as_values(pred, "mse_loss", "pred")
        targets = _as_values(target, "mse_loss", "target")
        if len(preds) != len(targets):
            raise ValueError(
                f"mse_loss: {len(preds)} predictions but {len(targets)} targets; pass one "
                "target per prediction"
            )
        total: Any = 0.0
        for p, t in zip(preds, targets):
            d = p - t
            total = d * d + total
        if reduction == "sum":
            return total
        if reduction != "mean":
            raise ValueError(
                f"mse_loss: with Values the reduction must be 'mean' or 'sum', got {reduction!r}"
            )
        return total * (1.0 / len(preds))
    pred = as_tensor(pred, "mse_loss", "pred")
    diff = pred - _target_like(target, pred, "mse_loss")
    return _reduce(diff * diff, reduction)


def binary_cross_entropy_with_logits(logits: Any, targets: Any, reduction: str = "mean") -> Any:
    r"""Binary cross-entropy on raw scores $z$ (logits), for targets $y \in [0, 1]$.

    $-[y \log\sigma(z) + (1-y)\log(1-\sigma(z))]$, computed in the stable form

    $$\ell(z, y) = \max(z, 0) - z y + \log(1 + e^{-|z|}),$$

    which never overflows (the exponent is never positive). Here $\max(z, 0) = z m$ and
    $|z| = z s$ with the constants $m = [z \ge 0]$ and $s = 2m - 1$ read from the data, so
    the gradient is exactly $\sigma(z) - y$ everywhere, at $z = 0$ too (where the
    subgradients of `relu` and `abs` would give $-y$).

    Args:
        logits: a Tensor of scores, or a Value / list of Values.
        targets: labels 0/1 (or probabilities) of the same shape.
        reduction: `"mean"` (default), `"sum"`, or `"none"` (Tensors only).

    Raises:
        ValueError: shapes differ, or a target lies outside [0, 1].

    Example:
        >>> import autograd_lite as ag
        >>> z = ag.Tensor([0.0], requires_grad=True)
        >>> loss = ag.nn.binary_cross_entropy_with_logits(z, [1.0])   # log 2
        >>> loss.backward()
        >>> round(loss.item(), 4), z.grad                             # sigma(0) - 1
        (0.6931, array([-0.5]))
    """
    name = "binary_cross_entropy_with_logits"
    _check_reduction(reduction, name)
    if _is_scalar_input(logits):
        zs = [v if isinstance(v, Value) else Value(v) for v in _as_values(logits, name, "logits")]
        ys = [
            float(y.data if isinstance(y, Value) else y)
            for y in _as_values(targets, name, "targets")
        ]
        if len(zs) != len(ys):
            raise ValueError(f"{name}: {len(zs)} logits but {len(ys)} targets; pass one per logit")
        _check_probabilities(np.asarray(ys), name)
        total: Any = 0.0
        for zi, yi in zip(zs, ys):
            pos = 1.0 if zi.data >= 0.0 else 0.0  # the same constants as for Tensors
            total = zi * (pos - yi) + (1.0 + (-(zi * (2.0 * pos - 1.0))).exp()).log() + total
        if reduction == "sum":
            return total
        if reduction != "mean":
            raise ValueError(f"{name}: with Values the reduction must be 'mean' or 'sum'")
        return total * (1.0 / len(zs))
    z = as_tensor(logits, name, "logits")
    y = _target_like(targets, z, name)
    y_data = y.data if isinstance(y, Tensor) else y
    _check_probabilities(y_data, name)
    mask = (z.data >= 0).astype(z.dtype)  # [z >= 0], a constant
    sign = 2.0 * mask - 1.0  # so |z| = z * sign
    loss = z * (mask - y) + ((-(z * sign)).exp() + 1.0).log()
    return _reduce(loss, reduction)


def _check_probabilities(y: np.ndarray, name: str) -> None:
    if y.size and not (np.all(y >= 0.0) and np.all(y <= 1.0)):
        bad = float(y[(y < 0.0) | (y > 1.0) | np.isnan(y)].reshape(-1)[0])
        raise ValueError(
            f"{name}: targets must lie in [0, 1] (labels 0/1 or probabilities), found {bad!r}; "
            "for labels -1/+1 pass (y + 1) / 2"
        )


def cross_entropy(
    logits: Any, targets: Any, reduction: str = "mean", ignore_index: int = -100
) -> Tensor:
    r"""Cross-entropy of logits against integer class labels (softmax regression's loss).

    For $N$ samples, $C$ classes, logits $z \in \mathbb{R}^{N \times C}$ and labels
    $y_n \in \{0, \dots, C-1\}$:

    $$L = -\frac{1}{N}\sum_{n} \log\mathrm{softmax}(z_n)_{y_n}
        = \frac{1}{N}\sum_n \Big(\log\sum_c e^{z_{nc}} - z_{n y_n}\Big),$$

    computed with `log_softmax` (stable for logits of any size) and integer-array indexing.
    The gradient is $(\mathrm{softmax}(z) - \mathrm{onehot}(y)) / N$. Rows labelled
    `ignore_index` are left out, and $N$ counts the others (PyTorch's rule), so padded
    positions of a sequence cost nothing.

    Args:
        logits: Tensor of shape `(N, C)` (or `(C,)` for one sample), unnormalised scores.
        targets: `N` integer labels in `[0, C)` (an int for one sample); a float array of
            whole numbers is accepted too.
        reduction: `"mean"` (default), `"sum"` or `"none"` (the `N` per-sample losses, 0
            for ignored rows).
        ignore_index: a label meaning "no target here" (-100 by default, as PyTorch).

    Raises:
        ValueError: wrong shapes (naming both), labels that are not whole numbers, or out
            of range (naming the label and C).

    Example:
        >>> import autograd_lite as ag
        >>> z = ag.Tensor([[0.0, 0.0, 0.0]], requires_grad=True)
        >>> loss = ag.nn.cross_entropy(z, [2])        # log 3
        >>> loss.backward()
        >>> round(loss.item(), 4), z.grad.round(3)    # softmax - onehot
        (1.0986, array([[ 0.333,  0.333, -0.667]]))
    """
    name = "cross_entropy"
    _check_reduction(reduction, name)
    if _is_scalar_input(logits):
        raise TypeError(
            f"{name}: takes a Tensor of logits, got Values; build ag.Tensor of the scores, or "
            "use binary_cross_entropy_with_logits / mse_loss, which take Values"
        )
    z = as_tensor(logits, name, "logits")
    labels = np.asarray(targets.data if isinstance(targets, Tensor) else targets)
    if z.ndim == 1:
        if labels.ndim != 0:
            raise ValueError(
                f"{name}: logits of shape {z.shape} are one sample, so targets must be one "
                f"label, got shape {labels.shape}"
            )
        out = cross_entropy(z.reshape(1, -1), labels.reshape(1), reduction, ignore_index)
        return out.reshape(()) if reduction == "none" else out
    if z.ndim != 2:
        raise ValueError(
            f"{name}: logits must have shape (N, C), samples by classes, got shape {z.shape}"
        )
    n, c = z.shape
    if n == 0 or c == 0:
        raise ValueError(f"{name}: logits of shape {z.shape} hold no samples or no classes")
    if labels.shape != (n,):
        raise ValueError(
            f"{name}: logits have shape {z.shape}, so targets must have shape ({n},), one "
            f"class label per row, got shape {labels.shape}"
            + ("; use y.reshape(-1)" if labels.size == n else "")
        )
    if labels.dtype.kind not in "iu":
        if labels.dtype.kind != "f" or not np.all(np.mod(labels, 1) == 0):
            raise ValueError(
                f"{name}: targets must be integer class labels, got dtype {labels.dtype}"
                + (
                    f" with value {float(labels[np.mod(labels, 1) != 0][0])!r}"
                    if labels.dtype.kind == "f"
                    else ""
                )
                + "; for probabilities per class, compute -(y * z.log_softmax()).sum(axis=1)"
            )
        labels = labels.astype(np.int64)
    rows = np.arange(n)
    kept = labels != ignore_index
    some_ignored = not kept.all()
    if some_ignored:
        if reduction == "none":
            labels = np.where(kept, labels, 0)  # any valid class: the row is zeroed below
        else:
            rows, labels = rows[kept], labels[kept]
    if labels.size and (labels.min() < 0 or labels.max() >= c):
        bad = labels[(labels < 0) | (labels >= c)][0]
        raise ValueError(
            f"{name}: label {int(bad)} is out of range for logits with {c} classes (shape "
            f"{z.shape}); labels must lie in 0..{c - 1} (or be ignore_index={ignore_index})"
        )
    picked = z.log_softmax(axis=-1)[rows, labels]
    if reduction == "mean":
        # An empty mean is nan, as in PyTorch: there is nothing to average.
        return picked.sum() * (-1.0 / len(rows) if len(rows) else float("nan"))
    if reduction == "sum":
        return -picked.sum()
    return -(picked * kept.astype(z.dtype)) if some_ignored else -picked
