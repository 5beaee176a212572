r"""Check a backward rule written micrograd's way: add `out.grad * local` to each input.

The learner writes, for one op, the step that the backward pass takes through it:

    def mul_backward(x, y, out):      # out = x * y
        x.grad += y.data * out.grad   # ∂out/∂x = y
        y.grad += x.data * out.grad   # ∂out/∂y = x

The checks run it on real `Value`s, some of which already hold a gradient from another
path (so `=` in place of `+=` loses it), with an upstream gradient other than 1 (so a
missing `out.grad` shows), and with the same node as both inputs (`x * x`); each result
is compared with the engine's own backward pass, which `ag.gradcheck` confirms.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from ..gradcheck import gradcheck
from ..value import Value
from .result import Result, close, fmt, name_of, par, run

# (x, upstream gradient g, the grad x already holds): simplest first, so the first case
# that fails points at the simplest mistake.
_TANH_CASES = ((0.5, 1.0, 0.0), (-1.3, 2.0, 0.0), (0.8, -0.5, 0.25))
# (x, y, g, grad of x before, grad of y before)
_MUL_CASES = ((3.0, -2.0, 1.0, 0.0, 0.0), (3.0, -2.0, 0.5, 0.0, 0.0), (1.5, 4.0, 2.0, 0.25, -1.0))


def _engine_tanh(x: float, g: float) -> float:
    """g * ∂tanh(x)/∂x from the engine's own backward pass."""
    node = Value(x)
    (node.tanh() * g).backward()
    return float(node.grad)


def check_tanh_backward(answer: Callable[[Value, Value], Any]) -> Result:
    r"""Check `answer(x, out)`, the backward step of $out = \tanh x$.

    It must add $g \cdot (1 - out^2)$ to `x.grad`, where $g$ = `out.grad` is the upstream
    gradient and $1 - \tanh^2 x = 1 - out^2$ the local derivative.

    Args:
        answer: the learner's function of two `Value`s, the input and the output.

    Returns:
        A `Result` naming, on a wrong answer, the case and what the chain rule expected,
        with a likely cause (`=` for `+=`, a missing `out.grad`, `x` for `out`).

    Example:
        >>> from autograd_lite import exercises as ex
        >>> def tanh_backward(x, out):
        ...     x.grad += (1 - out.data**2) * out.grad
        >>> ex.check_tanh_backward(tanh_backward).passed
        True
    """
    exercise = name_of(answer)
    for xv, g, before in _TANH_CASES:
        gradcheck(lambda t: t.tanh(), xv)  # the engine's rule agrees with central differences
        x = Value(xv, label="x")
        out = x.tanh()
        out.grad = g
        x.grad = before
        _, problem = run(answer, x, out)
        if problem:
            return Result(exercise, False, problem)
        got = x.grad
        if not isinstance(got, (int, float)):
            return Result(exercise, False, f"x.grad became {got!r:.60}, not a number")
        local = 1 - out.data**2
        step = _engine_tanh(xv, g)
        expected = before + step
        if close(got, expected):
            continue
        case = (
            f"with x = {fmt(xv)}, out = tanh(x) = {fmt(out.data)}, out.grad = {fmt(g)} and "
            f"x.grad = {fmt(before)} before"
        )
        wanted = (
            f"the chain rule expects x.grad + out.grad·(1 - out²) = {fmt(before)} + "
            f"{par(g)}·{par(local)} = {fmt(expected)}"
        )
        added = got - before
        if close(got, before):
            cause = "x.grad did not change: the rule must add to it"
        elif before != 0 and close(got, step):
            cause = "the gradient x already held was lost: write += where you wrote ="
        elif g != 1 and close(added, local):
            cause = "the local derivative was added without the factor out.grad"
        elif close(added, g * (1 - xv**2)):
            cause = "1 - x² was used where the derivative of tanh is 1 - tanh(x)² = 1 - out²"
        elif close(added, g * (1 - out.data)):
            cause = "1 - out was used; the derivative of tanh is 1 - out², squared"
        else:
            cause = "compare each factor of your formula with 1 - tanh(x)²"
        return Result(exercise, False, f"{case}, x.grad became {fmt(got)}, but {wanted}; {cause}")
    return Result(exercise, True, f"x.grad += out.grad·(1 - out²) in all {len(_TANH_CASES)} cases")


def _engine_mul(x: float, y: float, g: float) -> tuple[float, float]:
    a, b = Value(x), Value(y)
    (a * b * g).backward()
    return float(a.grad), float(b.grad)


def check_mul_backward(answer: Callable[[Value, Value, Value], Any]) -> Result:
    r"""Check `answer(x, y, out)`, the backward step of $out = x \cdot y$.

    It must add $g \cdot y$ to `x.grad` and $g \cdot x$ to `y.grad` (each input's local
    derivative is the *other* input), with $g$ = `out.grad`; and when both inputs are the
    same node (`x * x`) the two contributions must add up to $2 g x$.

    Args:
        answer: the learner's function of three `Value`s.

    Returns:
        A `Result`; on a wrong answer it names the case, the input, and the expected sum.

    Example:
        >>> from autograd_lite import exercises as ex
        >>> def mul_backward(x, y, out):
        ...     x.grad = y.data * out.grad       # = where += is needed
        ...     y.grad = x.data * out.grad
        >>> ex.check_mul_backward(mul_backward).passed
        False
    """
    exercise = name_of(answer)
    gradcheck(lambda a, b: a * b, 3.0, -2.0)
    for xv, yv, g, bx, by in _MUL_CASES:
        x, y = Value(xv, label="x"), Value(yv, label="y")
        out = x * y
        out.grad = g
        x.grad, y.grad = bx, by
        _, problem = run(answer, x, y, out)
        if problem:
            return Result(exercise, False, problem)
        step_x, step_y = _engine_mul(xv, yv, g)
        case = (
            f"with x = {fmt(xv)}, y = {fmt(yv)}, out.grad = {fmt(g)}, and x.grad = {fmt(bx)}, "
            f"y.grad = {fmt(by)} before"
        )
        for name, node, before, other, step, own in (
            ("x", x, bx, yv, step_x, xv),
            ("y", y, by, xv, step_y, yv),
        ):
            got = node.grad
            if not isinstance(got, (int, float)):
                return Result(exercise, False, f"{name}.grad became {got!r:.60}, not a number")
            expected = before + step
            if close(got, expected):
                continue
            other_name = "y" if name == "x" else "x"
            wanted = (
                f"the chain rule expects {name}.grad + out.grad·{other_name} = {fmt(before)} + "
                f"{par(g)}·{par(other)} = {fmt(expected)}"
            )
            added = got - before
            if close(got, before):
                cause = f"{name}.grad did not change: the rule must add to it"
            elif before != 0 and close(got, step):
                cause = f"the gradient {name} already held was lost: write += where you wrote ="
            elif close(added, g * own) and own != other:
                cause = f"{name} got its own value; the local derivative is the *other* input"
            elif g != 1 and close(added, other):
                cause = "the local derivative was added without the factor out.grad"
            else:
                cause = "each input gets out.grad times the other input"
            return Result(
                exercise,
                False,
                f"{case}, {name}.grad became {fmt(got)}, but {wanted}; {cause}",
            )
    # The same node on both sides: out = x * x, so ∂out/∂x = 2x.
    xv, g = 3.0, 1.0
    x = Value(xv, label="x")
    out = x * x
    out.grad = g
    _, problem = run(answer, x, x, out)
    if problem:
        return Result(exercise, False, f"for out = x * x, {problem}")
    if not math.isclose(float(x.grad), 2 * g * xv):
        return Result(
            exercise,
            False,
            f"for out = x * x with x = {fmt(xv)}, x.grad became {fmt(x.grad)}, but both uses "
            f"of x add out.grad·x, so the chain rule expects 2·x = {fmt(2 * g * xv)}; "
            "the second write erased the first: write += where you wrote =",
        )
    return Result(
        exercise,
        True,
        f"each input gets out.grad × the other input, added with +=, in all "
        f"{len(_MUL_CASES) + 1} cases (x * x included)",
    )
