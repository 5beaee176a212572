r"""Check forward mode written by hand: a dual number's product rule, and a Jacobian built
column by column from `ag.jvp`.

In forward mode every value carries its tangent: $x + \dot x\varepsilon$ with
$\varepsilon^2 = 0$. The product of two dual numbers is
$xy + (\dot x\,y + x\,\dot y)\varepsilon$; one `jvp` along the direction $e_j$ gives the
column $j$ of the Jacobian, $\partial f/\partial x_j$. The checks compare with the
engine's `ag.jvp` and `ag.jacrev` and say which term or which axis went wrong.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..derivatives import jacrev
from ..forward import jvp
from ..functions import sin, tanh
from ..tensor import Tensor
from .result import Result, close, fmt, is_number, name_of, run

POINTS = ((2.0, 1.0, 3.0, 0.0), (2.0, 0.0, 3.0, 1.0), (-1.5, 0.5, 0.25, 2.0))


def check_jvp_mul(answer: Callable[..., Any]) -> Result:
    r"""Check `answer(x, dx, y, dy)`: the tangent of $x y$, given values and tangents.

    The product rule on dual numbers: $(x + \dot x\varepsilon)(y + \dot y\varepsilon) =
    xy + (\dot x\,y + x\,\dot y)\varepsilon$, so the answer is `dx * y + x * dy`. Compared
    with `ag.jvp` of `x * y` at three points, one moving only x, one only y, one both.

    Example:
        >>> import autograd_lite as ag
        >>> def jvp_mul(x, dx, y, dy):
        ...     return dx * y + x * dy
        >>> print(ag.exercises.check_jvp_mul(jvp_mul))
        ✓ jvp_mul: the product rule, at all 3 points
    """
    exercise = name_of(answer)
    for x, dx, y, dy in POINTS:
        expected = jvp(lambda a, b: a * b, (x, y), (dx, dy))[1]
        got, problem = run(answer, x, dx, y, dy)
        if problem:
            return Result(exercise, False, problem)
        where = f"x = {fmt(x)}, dx = {fmt(dx)}, y = {fmt(y)}, dy = {fmt(dy)}"
        if not is_number(got):
            return Result(exercise, False, f"at {where} it returned {got!r:.60}, not a number")
        if not close(got, expected):
            return Result(
                exercise,
                False,
                f"at {where} you gave {fmt(got)}, but forward mode gives {fmt(expected)}; "
                + _diagnosis(answer),
            )
    return Result(exercise, True, f"the product rule, at all {len(POINTS)} points")


def _diagnosis(answer: Callable[..., Any]) -> str:
    """Which usual mistake the answer makes, told apart where every term differs."""
    x, dx, y, dy = POINTS[-1]
    got, _ = run(answer, x, dx, y, dy)
    mistakes = (
        (dx * y, "the term x·dy is missing: each input that moves contributes"),
        (x * dy, "the term dx·y is missing: each input that moves contributes"),
        (dx * dy, "dx·dy is the ε² term, which is 0"),
        (x * y, "x·y is the value, not its tangent"),
        (dx * x + y * dy, "each tangent goes with the other input's value (dx with y)"),
    )
    for wrong, hint in mistakes:
        if is_number(got) and close(got, wrong):
            return f"{hint}: the tangent is dx·y + x·dy"
    return "the tangent is dx·y + x·dy, one term for each input that moves"


def _curve(x: Any) -> Any:
    """R^3 -> R^2: (tanh(x0 x1), sin(x2) + x0), whose Jacobian is not symmetric or square."""
    from ..rules import STACK

    return STACK([tanh(x[0] * x[1]), sin(x[2]) + x[0]], 0)


def check_jacobian_from_jvps(answer: Callable[..., Any]) -> Result:
    r"""Check `answer(f, x)`: the Jacobian of f at x, one `ag.jvp` per input direction.

    `ag.jvp(f, (x,), (e_j,))[1]` is column j, $\partial f/\partial x_j$; the Jacobian
    stacks the n columns side by side, shape `(m, n)` for $f: \mathbb{R}^n \to
    \mathbb{R}^m$. Compared with `ag.jacrev` on $f(x) = (\tanh(x_0 x_1), \sin x_2 + x_0)$
    at a point of $\mathbb{R}^3$.

    Example:
        >>> import numpy as np, autograd_lite as ag
        >>> def jacobian(f, x):
        ...     columns = [ag.jvp(f, (x,), (e,))[1] for e in np.eye(len(x))]
        ...     return np.stack(columns, axis=1)
        >>> print(ag.exercises.check_jacobian_from_jvps(jacobian))
        ✓ jacobian: the 2 × 3 Jacobian, column by column
    """
    exercise = name_of(answer)
    x = np.array([0.5, -1.0, 2.0])
    expected = jacrev(_curve)(x)
    got, problem = run(answer, _curve, x.copy())
    if problem:
        return Result(exercise, False, problem)
    got = got.data if isinstance(got, Tensor) else got
    try:
        array = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return Result(exercise, False, f"it returned {got!r:.60}, not an array")
    shape = "2 × 3"
    if array.shape == expected.T.shape and close(array, expected.T):
        return Result(
            exercise,
            False,
            "you returned the transpose, 3 × 2: each jvp gives a column ∂f/∂x_j, so stack "
            "them side by side (np.stack(columns, axis=1))",
        )
    if array.shape != expected.shape:
        return Result(
            exercise,
            False,
            f"it has shape {array.shape}, but f: R^3 -> R^2 has a {shape} Jacobian (one row per "
            "output, one column per input)",
        )
    if not close(array, expected):
        i, j = np.unravel_index(np.argmax(np.abs(array - expected)), array.shape)
        return Result(
            exercise,
            False,
            f"entry ({i}, {j}) is {fmt(array[i, j])}, but ∂f_{i}/∂x_{j} = "
            f"{fmt(expected[i, j])}; the direction for column j is e_j (1 at j, 0 elsewhere)",
        )
    return Result(exercise, True, f"the {shape} Jacobian, column by column")


__all__ = ["check_jacobian_from_jvps", "check_jvp_mul"]
