r"""Check the gradient of the softmax cross-entropy, written by hand with NumPy.

For logits $z \in \mathbb{R}^{N \times C}$ and labels $y_n$, the mean loss
$L = \frac{1}{N}\sum_n \big(\log\sum_c e^{z_{nc}} - z_{n y_n}\big)$ has the gradient

$$\frac{\partial L}{\partial z_{nc}} = \frac{p_{nc} - [c = y_n]}{N},
\qquad p_n = \mathrm{softmax}(z_n),$$

the many-class form of the logistic $\sigma(z) - y$. The check compares the learner's
array with the engine's `ag.nn.cross_entropy` backward pass, confirmed by `ag.gradcheck`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..gradcheck import gradcheck
from ..nn.losses import cross_entropy
from ..tensor import Tensor
from .result import Result, close, fmt, name_of, run


def _cases() -> list[tuple[str, np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(0)
    return [
        ("one sample, 3 classes", np.array([[2.0, 1.0, 0.1]]), np.array([0])),
        ("4 samples, 5 classes", rng.normal(size=(4, 5)), np.array([3, 0, 4, 4])),
        (
            "large logits (about 800)",
            np.array([[800.0, 799.0, 795.0], [790.0, 801.0, 800.0]]),
            np.array([2, 1]),
        ),
    ]


def _engine(logits: np.ndarray, targets: np.ndarray) -> np.ndarray:
    z = Tensor(logits, requires_grad=True)
    cross_entropy(z, targets).backward()
    assert z.grad is not None
    return np.asarray(z.grad)


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return np.asarray(e / e.sum(axis=1, keepdims=True))


def check_softmax_cross_entropy_grad(answer: Callable[[np.ndarray, np.ndarray], Any]) -> Result:
    r"""Check `answer(logits, targets)`: $\partial L/\partial z = (p - \mathrm{onehot}(y))/N$.

    Args:
        answer: the learner's function of an `(N, C)` float array and `N` integer labels,
            returning an `(N, C)` array.

    Returns:
        A `Result`; on a wrong answer it names the case, the row and class, the value
        given and $(p - [c = y])/N$ with its numbers.

    Example:
        >>> import numpy as np
        >>> from autograd_lite import exercises as ex
        >>> def grad(z, y):
        ...     p = np.exp(z - z.max(axis=1, keepdims=True))
        ...     p /= p.sum(axis=1, keepdims=True)
        ...     p[np.arange(len(y)), y] -= 1
        ...     return p / len(y)
        >>> ex.check_softmax_cross_entropy_grad(grad).passed
        True
    """
    exercise = name_of(answer)
    for i, (case, logits, targets) in enumerate(_cases()):
        expected = _engine(logits, targets)
        if i == 1:  # the engine's gradient agrees with central differences
            gradcheck(lambda z, t=targets: cross_entropy(z, t), logits)
        got, problem = run(answer, logits.copy(), targets.copy())
        if problem:
            return Result(exercise, False, f"on {case}: {problem}")
        got = np.asarray(got, dtype=float) if got is not None else np.array(np.nan)
        if got.shape != logits.shape:
            return Result(
                exercise,
                False,
                f"on {case} it returned shape {got.shape}; the gradient has the logits' shape "
                f"{logits.shape}",
            )
        if close(got, expected):
            continue
        n = len(targets)
        p = _softmax(logits)
        bad = ~np.isclose(got, expected, rtol=1e-6, atol=1e-9)
        row, col = (int(k) for k in np.argwhere(bad)[0])
        target = col == targets[row]
        formula = (
            f"(p - 1)/N = ({fmt(p[row, col])} - 1)/{n}"
            if target
            else (f"p/N = {fmt(p[row, col])}/{n}")
        )
        where = f"row {row}, class {col}{' (the target)' if target else ''}"
        onehot = np.zeros_like(p)
        onehot[np.arange(n), targets] = 1
        if not np.all(np.isfinite(got)):
            cause = (
                "exp overflowed: subtract each row's max first, softmax(z) = softmax(z - max z)"
            )
        elif n > 1 and close(got, expected * n):
            cause = "the loss is a mean over the N rows, so divide by N"
        elif close(got, p / n) or close(got, p):
            cause = "the target class needs p - 1: the - z[y] term of the loss gives the -1"
        elif close(got, -expected):
            cause = "the sign is flipped: it is p - onehot, not onehot - p"
        elif close(got, p * (1 - p) / n) or close(got, (p * (1 - p) - onehot) / n):
            cause = "p(1 - p) is the derivative of one sigmoid; here the log cancels it"
        else:
            cause = "the gradient is (softmax(z) - onehot(y)) / N"
        return Result(
            exercise,
            False,
            f"on {case}, {where}: you gave {fmt(got[row, col])}, but the chain rule expects "
            f"{formula} = {fmt(expected[row, col])}; {cause}",
        )
    return Result(
        exercise,
        True,
        f"(softmax(z) - onehot(y)) / N in all {len(_cases())} cases (large logits too)",
    )
