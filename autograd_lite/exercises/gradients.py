r"""Check a derivative or a gradient written by hand, at a few points.

The learner writes the formula (`d/dx e^{x^2} = 2x e^{x^2}`); the check compares it with
reverse mode (`ag.grad`) and with central differences (`ag.gradcheck`'s method), and says
at which point, for which input, what was given and what was expected.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any

from ..derivatives import grad
from ..gradcheck import gradcheck
from .result import Result, close, factor, fmt, is_number, name_of, run


def _central(f: Callable[..., Any], point: tuple[float, ...], i: int, h: float = 1e-6) -> float:
    up = list(point)
    down = list(point)
    up[i] += h
    down[i] -= h
    return (float(f(*up)) - float(f(*down))) / (2 * h)


def _hint(got: float, expected: float) -> str:
    ratio = factor(got, expected)
    if ratio is not None and close(ratio, -1.0):
        return "the sign is flipped"
    if ratio is not None and not close(ratio, 1.0, rtol=1e-3):
        return (
            f"yours is {fmt(ratio)} times the right value: is a factor of the chain rule "
            "(an inner derivative) missing or extra?"
        )
    return "compare your formula with the rules, step by step"


def check_gradient(
    answer: Callable[..., Any],
    f: Callable[..., Any],
    points: Sequence[Any],
) -> Result:
    r"""Check a hand-written derivative or gradient of `f` at `points`.

    `answer(*point)` must return $f'(x)$ (a number) when `f` has one input, or the tuple
    of partial derivatives $(\partial f/\partial a, \partial f/\partial b, \dots)$ in the
    order of `f`'s arguments. Each point is compared with `ag.grad(f)` (reverse mode) and
    with central differences, which `ag.gradcheck` confirms agree.

    Args:
        answer: the learner's function.
        f: the function differentiated, written with `ag` functions (`ag.exp`, ...).
        points: numbers (one input) or tuples (several inputs).

    Returns:
        A `Result`; on a wrong answer its message names the point, the input, the value
        given and the value expected.

    Raises:
        ValueError: no points.

    Example:
        >>> import autograd_lite as ag
        >>> from autograd_lite import exercises as ex
        >>> def f(x):
        ...     return ag.exp(x**2)
        >>> def df(x):
        ...     return ag.exp(x**2)          # the inner derivative 2x is missing
        >>> result = ex.check_gradient(df, f, [1.5])
        >>> result.passed
        False
        >>> print(result.message.split(";")[0])
        at x = 1.5 you gave 9.488, but the chain rule gives 28.46 (central differences: 28.46)
    """
    if not points:
        raise ValueError("check_gradient: give at least one point, as in points=[0.5, 2.0]")
    names = list(inspect.signature(f).parameters)
    exercise = name_of(answer)
    for raw in points:
        point = tuple(float(p) for p in raw) if isinstance(raw, (tuple, list)) else (float(raw),)
        n = len(point)
        where = ", ".join(
            f"{names[i] if i < len(names) else i} = {fmt(p)}" for i, p in enumerate(point)
        )
        where = f"({where})" if n > 1 else where
        expected = grad(f, argnums=tuple(range(n)))(*point)
        gradcheck(f, *point)  # the reference itself agrees with central differences
        got, problem = run(answer, *point)
        if problem:
            return Result(exercise, False, problem)
        gots = (got,) if n == 1 and is_number(got) else got
        if not isinstance(gots, (tuple, list)) or len(gots) != n:
            wanted = "a number" if n == 1 else f"a tuple of {n} partial derivatives"
            return Result(exercise, False, f"at {where} it returned {got!r:.60}; return {wanted}")
        for i, (g, e) in enumerate(zip(gots, expected)):
            if not is_number(g):
                return Result(exercise, False, f"at {where} it returned {g!r:.60}, not a number")
            if not close(g, e):
                numeric = _central(f, point, i)
                what = "" if n == 1 else f"∂{name_of(f)}/∂{names[i]}: "
                return Result(
                    exercise,
                    False,
                    f"at {where} {what}you gave {fmt(g)}, but the chain rule gives {fmt(e)} "
                    f"(central differences: {fmt(numeric)}); {_hint(float(g), float(e))}",
                )
    count = "the point" if len(points) == 1 else f"all {len(points)} points"
    return Result(exercise, True, f"right at {count}")
