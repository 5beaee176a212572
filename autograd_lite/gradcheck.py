"""`gradcheck`: compare autodiff gradients with central differences, element by element.

$$\\frac{\\partial f}{\\partial x_i}
  \\approx \\frac{f(x + \\epsilon e_i) - f(x - \\epsilon e_i)}{2\\epsilon}$$

with error $O(\\epsilon^2)$ for smooth f, computed in float64. A mismatch is reported
with the input, the element, and both numbers, so a wrong rule or a graph cut by
`no_grad` shows exactly where it is.
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from .derivatives import grad
from .function import FunctionRule
from .graph import topological_order
from .tensor import Tensor
from .validators import check_function, check_interval
from .value import Value


def _as_array(x: Any, position: int) -> tuple[np.ndarray, str]:
    if isinstance(x, Value):
        return np.array(x.data), "Value"
    if isinstance(x, Tensor):
        return np.array(x.data), "Tensor"
    if isinstance(x, numbers.Real) and not isinstance(x, bool):
        return np.array(float(x)), "number"
    if isinstance(x, np.ndarray) and x.dtype.kind in "iuf":
        return np.array(x), "ndarray"
    raise TypeError(
        f"gradcheck: input {position} is {type(x).__name__} {x!r:.60}; pass numbers, "
        "ndarrays, Values or Tensors"
    )


def _rebuild(array: np.ndarray, kind: str) -> Any:
    if kind in ("Value", "number"):
        return float(array)
    return array


def _evaluate(f: Callable[..., Any], args: list[Any]) -> np.ndarray:
    # Recorded, not under no_grad: a second-order check calls grad inside f.
    out = f(*[Value(a) if isinstance(a, float) else Tensor(a) for a in args])
    if isinstance(out, (Value, Tensor)):
        return np.asarray(out.data, dtype=np.float64)
    return np.asarray(out, dtype=np.float64)


def _survey(f: Callable[..., Any], args: list[Any], eps: float) -> tuple[list[str], list[str]]:
    """Ops that sit within eps of a point where their derivative jumps (`Rule.kink`), and
    the names of the `ag.Function`s in the graph (their backward is hand-written)."""
    wrapped = [Value(a) if isinstance(a, float) else Tensor(a, requires_grad=True) for a in args]
    out = f(*wrapped)
    if not isinstance(out, (Value, Tensor)) or not out._op:
        return [], []
    kinks: list[str] = []
    functions: list[str] = []
    for node in topological_order(out):
        op = node._op
        if isinstance(op, FunctionRule) and op.name not in functions:
            functions.append(op.name)
        if op is None or op.kink is None:
            continue
        xs = tuple(np.asarray(p.data) for p in node._parents)
        if op.kink(xs, node._ctx, np.asarray(node.data), eps):
            kinks.append(f"{op.name} {op.kink_text}")
    return kinks, functions


def gradcheck(
    f: Callable[..., Any],
    *inputs: Any,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    second_order: bool = False,
) -> bool:
    """Check the autodiff gradient of `f` at `inputs` against central differences.

    Every element of every input is perturbed by ±eps in float64; the analytic and
    numeric partial derivatives must satisfy $|a - n| \\le atol + rtol\\,|n|$. A
    function with a vector output is checked through each of its elements.

    Args:
        f: the function, of numbers, arrays, Values or Tensors.
        *inputs: the point: one value per positional argument of f.
        eps: the finite-difference step.
        atol: absolute tolerance.
        rtol: relative tolerance.
        second_order: also check the gradient of the gradient (the Hessian-vector
            products along each input), which exercises `create_graph`.

    Returns:
        True when every element agrees.

    Raises:
        AssertionError: naming the input, the element's index, the analytic and the
            numeric value.
        TypeError: `eps`, `atol` or `rtol` is not a number.
        ValueError: `eps` is not a finite number > 0, `atol` or `rtol` is not a finite
            number >= 0; or a step of ±eps left the domain of f (it raised, or gave inf
            or nan where f(x) is finite), which the message names with the fix.

    Warns:
        UserWarning: an input is float32 (its differences are checked in float64), or the
            point sits on a kink (relu or abs at 0, a max with ties), where the numeric
            derivative averages the two one-sided slopes.

    Example:
        >>> import numpy as np, autograd_lite as ag
        >>> ag.gradcheck(lambda x: (x.tanh() * x).sum(), np.array([0.5, -1.0]))
        True
    """
    check_function("gradcheck", f, "ag.gradcheck(f, x), not ag.gradcheck(f(x), x)")
    if not inputs:
        raise ValueError("gradcheck: give at least one input, as in gradcheck(f, x)")
    eps = check_interval("gradcheck", "eps", eps, 0.0, None, "eps=1e-6", low_open=True)
    atol = check_interval("gradcheck", "atol", atol, 0.0, None, "atol=1e-5")
    rtol = check_interval("gradcheck", "rtol", rtol, 0.0, None, "rtol=1e-3")
    converted = [_as_array(x, i) for i, x in enumerate(inputs)]
    for i, (array, _) in enumerate(converted):
        if array.dtype == np.float32 or array.dtype == np.float16:
            warnings.warn(
                f"gradcheck: input {i} is {array.dtype}; central differences in that precision "
                "are too coarse, so the check runs in float64",
                UserWarning,
                stacklevel=2,
            )
    arrays = [array.astype(np.float64) for array, _ in converted]
    kinds = [kind for _, kind in converted]
    args = [_rebuild(a, k) for a, k in zip(arrays, kinds)]
    kinks, functions = _survey(f, args, eps)
    suspects = ""
    if functions:
        suspects = f"; check the hand-written backward of {', '.join(functions)}"
    for kink in kinks:
        warnings.warn(
            f"gradcheck: the point sits on a kink ({kink}); the derivative there is a "
            "convention and central differences average the two sides",
            UserWarning,
            stacklevel=2,
        )
    n_out = _evaluate(f, args).size
    for k in range(n_out):

        def component(*a: Any, k: int = k) -> Any:
            out = f(*a)
            if isinstance(out, Tensor) and out.data.size > 1:
                return out.reshape(-1)[k]
            return out

        _compare(component, arrays, kinds, eps, atol, rtol, "gradient",
                 k if n_out > 1 else None, suspects)  # fmt: skip
        if second_order:
            for i in range(len(arrays)):
                direction = np.random.default_rng(i).standard_normal(arrays[i].shape)

                def directional(*a: Any, i: int = i, v: np.ndarray = direction) -> Any:
                    g = grad(component, argnums=i)(*a)
                    return (g * v).sum() if isinstance(g, Tensor) else g * float(v)

                _compare(directional, arrays, kinds, eps, atol, rtol, "second-order", k, suspects)
    return True


def _stepped(
    f: Callable[..., Any],
    arrays: list[np.ndarray],
    kinds: list[str],
    where: str,
    sign: str,
    eps: float,
) -> np.ndarray:
    """f at the point moved by ±eps; a step that leaves f's domain is said so."""
    problem = ""
    try:
        with np.errstate(all="ignore"):  # an inf or nan is reported below, in words
            out = _evaluate(f, [_rebuild(x, k) for x, k in zip(arrays, kinds)])
    except (ArithmeticError, ValueError) as error:
        problem = f"f raised {type(error).__name__} ({error})"
    else:
        if np.all(np.isfinite(out)):
            return out
        problem = f"f gave {out.reshape(-1)[~np.isfinite(out.reshape(-1))][0]}"
    raise ValueError(
        f"gradcheck: the finite-difference step left the domain of f: at {where} moved by "
        f"{sign}eps = {sign}{eps:g}, {problem}; the point is within eps of where f is "
        "undefined, so pass a smaller eps or check a point further from that edge"
    )


def _compare(
    f: Callable[..., Any],
    arrays: list[np.ndarray],
    kinds: list[str],
    eps: float,
    atol: float,
    rtol: float,
    what: str,
    output: int | None,
    suspects: str = "",
) -> None:
    args = [_rebuild(a, k) for a, k in zip(arrays, kinds)]
    analytic = grad(f, argnums=tuple(range(len(arrays))))(*args)
    for i, (array, kind) in enumerate(zip(arrays, kinds)):
        a = np.asarray(analytic[i], dtype=np.float64).reshape(array.shape)
        for index in np.ndindex(array.shape):
            where = f"input {i} ({kind})" + (f", element {index}" if array.ndim else "")
            keep = array[index]
            try:
                array[index] = keep + eps
                up = _stepped(f, arrays, kinds, where, "+", eps)
                array[index] = keep - eps
                down = _stepped(f, arrays, kinds, where, "-", eps)
            finally:
                array[index] = keep
            numeric = float((up - down) / (2 * eps))
            value = float(a[index])
            if not abs(value - numeric) <= atol + rtol * abs(numeric):
                of = "" if output is None else f" of output element {output}"
                raise AssertionError(
                    f"gradcheck: {what}{of} mismatch at {where}: analytic {value!r}, "
                    f"numeric {numeric!r} (difference {abs(value - numeric):.3g}, "
                    f"tolerance {atol + rtol * abs(numeric):.3g}){suspects}"
                )


__all__ = ["gradcheck"]
