"""`ag.detect_anomaly()`: find the op that first made a NaN or an infinity, and its line.

A NaN deep in a training step spreads to everything computed from it, so the loss says
only that something, somewhere, went wrong. In this mode every op checks its output as
it is made, and every step of the backward pass the gradient it passes on; the first
that turns finite numbers into a NaN or an infinity raises `FloatingPointError` with the
op, its formula, its inputs' values (for arrays: where), and the line of your code that
made the node. The mode costs nothing when off: only while a block is open (in any
thread) do the node constructors check their outputs (`hooks.py`), and only then is each
node's line noted on it.

A non-finite number that comes from the inputs (a leaf holding `inf`, a mask of `-inf`)
is not an anomaly of the op that passes it on: only an op whose inputs were all finite
is blamed.
"""

from __future__ import annotations

import functools
import linecache
import math
import sys
from collections.abc import Callable
from types import FrameType, TracebackType
from typing import Any, TypeVar

import numpy as np

from .grad_mode import _PACKAGE, _State, _thread, bare_decorator, count_block, settle
from .rules import EXP, LOG, input_name
from .tangent import note, noted

F = TypeVar("F", bound=Callable[..., object])


class detect_anomaly:
    """Context manager (and decorator) in which a NaN or an infinity raises at its source.

    Inside it, an op whose output holds a NaN or an infinity although its inputs were
    finite raises `FloatingPointError` naming the op, its formula, its inputs' values
    (for a Tensor, the first element that went wrong and the inputs there) and the file
    and line of your code that called it. The backward pass checks each gradient an op
    passes to an input in the same way, and names the line that made that op's node.

    It slows every op down (each output is checked, each node's line recorded): use it
    to find a bug, not to train. Nesting is allowed; the previous mode is restored on
    exit.

    Example:
        >>> import autograd_lite as ag
        >>> x = ag.Tensor([1.0, 0.0], requires_grad=True)
        >>> with ag.detect_anomaly():
        ...     y = x.sqrt().sum()
        ...     y.backward()  # sqrt'(0) = 1/(2 sqrt(0)) is infinite
        Traceback (most recent call last):
        ...
        FloatingPointError: detect_anomaly: in the backward pass, sqrt passed inf ...
    """

    def __new__(cls, func: Any = None) -> Any:
        """`detect_anomaly()` is the block; `@ag.detect_anomaly` without brackets decorates."""
        block = object.__new__(cls)
        return block if func is None else bare_decorator(block, func)

    def __init__(self, func: Any = None) -> None:
        self._previous: list[bool] = []
        self._quiet: list[Any] = []

    def __enter__(self) -> detect_anomaly:
        from .hooks import swap  # (hooks imports this module)

        swap(+1)
        count_block(+1)  # each thread reads its own modes while a block is open
        self._previous.append(_thread.anomaly)
        _thread.anomaly = True
        settle()
        # NumPy's own "divide by zero" warnings would only precede the error raised here,
        # which says more: silence them inside the block.
        quiet = np.errstate(all="ignore")
        quiet.__enter__()
        self._quiet.append(quiet)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._quiet.pop().__exit__(exc_type, exc, tb)
        _thread.anomaly = self._previous.pop()
        settle()
        count_block(-1)
        from .hooks import swap

        swap(-1)

    def __call__(self, func: F) -> F:
        """Use as `@ag.detect_anomaly()`: the decorated function runs in the mode."""

        @functools.wraps(func)
        def wrapper(*args: object, **kwargs: object) -> object:
            with detect_anomaly():
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


def is_anomaly_enabled() -> bool:
    """Return True inside `detect_anomaly()`."""
    return _State.anomaly


# ---------------------------------------------------------------- where in the user's code


def _user_frame() -> tuple[str, int, str] | None:
    """(file, line, function) of the innermost frame outside this package."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame = frame.f_back
    if frame is None:
        return None
    return frame.f_code.co_filename, frame.f_lineno, frame.f_code.co_name


def _where(site: tuple[str, int, str] | None) -> str:
    if site is None:
        return "an unknown line (made before detect_anomaly() was entered)"
    filename, line, function = site
    text = linecache.getline(filename, line).strip()
    return f"{filename}:{line}, in {function}" + (f": `{text}`" if text else "")


# ---------------------------------------------------------------- checks


def _finite(x: Any) -> bool:
    data = _raw(x)
    if type(data) is float:
        return math.isfinite(data)
    if isinstance(data, (np.ndarray, np.generic)) and data.dtype.kind in "fc":
        return bool(np.isfinite(data).all())
    if isinstance(data, (tuple, list)):
        return all(_finite(part) for part in data if isinstance(part, (float, np.ndarray)))
    return True


def watch(out: Any, op: Any, inputs: tuple[Any, ...], ctx: Any) -> None:
    """Check an op's new output (the engine calls this for every op in the mode)."""
    note(out, "line", _user_frame())
    if _finite(out.data):
        return
    if not all(_finite(x) for x in inputs if x is not None) or not _finite(ctx):
        return  # the non-finite number came in: not this op's doing
    raise FloatingPointError(_forward_message(out, op, [x for x in inputs if x is not None]))


def check_step(node: Any, i: int, parent: Any, g: Any, contribution: Any) -> None:
    """Check the gradient a backward step passes to input i (in the mode)."""
    if _finite(contribution) or not _finite(g):
        return
    raise FloatingPointError(_backward_message(node, i, parent, g, contribution))


def infinite_local(node: Any, i: int) -> FloatingPointError:
    """The error for a local derivative that divides by zero (on Python floats)."""
    parent = node._parents[i]
    return FloatingPointError(_backward_message(node, i, parent, 1.0, math.inf))


# ---------------------------------------------------------------- messages


def _first_bad(data: Any) -> tuple[tuple[int, ...], str]:
    """The index of the first non-finite element, and how many there are, in words."""
    array = np.asarray(_raw(data))
    bad = ~np.isfinite(array)
    index = tuple(int(i) for i in np.argwhere(bad)[0]) if array.ndim else ()
    return index, f"{int(bad.sum())} of {array.size} elements are not finite"


def _value_at(x: Any, index: tuple[int, ...], out_ndim: int) -> str:
    """An input's value at the output's index (through broadcasting), with its shape."""
    data = _raw(x)
    if isinstance(data, float):
        return f"{data!r}"
    array = np.asarray(data)
    if array.ndim == 0:
        return f"{float(array)!r}"
    offset = out_ndim - array.ndim
    if offset < 0 or len(index) != out_ndim:
        low, high = float(np.nanmin(array)), float(np.nanmax(array))
        return f"shape {array.shape}, from {low:.6g} to {high:.6g}"
    at = tuple(0 if n == 1 else index[k + offset] for k, n in enumerate(array.shape))
    return f"{float(array[at])!r} at {list(at)} (shape {array.shape})"


def _names(n: int) -> list[str]:
    return [input_name(k, n) for k in range(n)]


def _formula(op: Any, i: int | None = None) -> str:
    if i is None:
        parts = [f"∂out/∂{n} = {f}" for n, f in zip(_names(len(op.formulas)), op.formulas)]
        return f"out = {op.expr}, " + ", ".join(parts)
    name = input_name(i, max(len(op.formulas), i + 1))
    return f"out = {op.expr}, ∂out/∂{name} = {op.formula(i)}"


def _number(x: Any) -> tuple[str, str]:
    """The first non-finite number of x, and where it is in an array (or "")."""
    data = _raw(x)
    if isinstance(data, float):
        return repr(data), ""
    array = np.asarray(data)
    if array.ndim == 0:
        return repr(float(array)), ""
    index, count = _first_bad(array)
    return repr(float(array[index])), f", at {list(index)} ({count})"


def _hint(op: Any, inputs: list[Any]) -> str:
    if op is LOG and inputs and getattr(inputs[0], "_op", None) is EXP:
        return (
            "\n  hint: log of an exp that underflowed to 0 (exp(x) is 0.0 below x = -745); "
            "take the log in closed form instead: x.log_softmax() rather than "
            "x.softmax().log(), logsumexp rather than log(sum(exp))"
        )
    return ""


def _forward_message(out: Any, op: Any, inputs: list[Any]) -> str:
    index = _first_bad(out.data)[0]
    value, where = _number(out)
    lines = [
        f"detect_anomaly: {op.name} made {value} from finite inputs{where}",
        f"  op: {op.name}, {_formula(op)}",
    ]
    out_ndim = np.ndim(out.data)
    for name, x in zip(_names(len(inputs)), inputs):
        lines.append(f"  input {name} = {_value_at(x, index, out_ndim)}")
        if getattr(x, "_op", None) is not None:
            lines.append(f"    made by {x._op.name} at {_where(noted(x, 'line'))}")
    lines.append(f"  {op.name} was called at {_where(noted(out, 'line'))}")
    return "\n".join(lines) + _hint(op, inputs)


def _backward_message(node: Any, i: int, parent: Any, g: Any, contribution: Any) -> str:
    op = node._op
    names = _names(max(len(node._parents), 1))
    value, where = _number(contribution)
    raw = _raw(contribution)
    index = _first_bad(raw)[0] if np.ndim(raw) else ()
    lines = [
        f"detect_anomaly: in the backward pass, {op.name} passed {value} to its input "
        f"{names[i]}{where}",
        f"  op: {op.name}, {_formula(op, i)}",
    ]
    for name, x in zip(names, node._parents):
        lines.append(f"  input {name} = {_value_at(x, index, np.ndim(raw))}")
    lines.append(f"  the gradient it received is finite (shape {np.shape(_raw(g))})")
    lines.append(f"  {op.name} was called at {_where(noted(node, 'line'))}")
    return "\n".join(lines)


def _raw(x: Any) -> Any:
    """The number or array of a node; anything else as it is (`tensor.raw`, which this
    module, imported by the engine's core, cannot import)."""
    return x.data if hasattr(x, "_parents") else x


__all__ = ["detect_anomaly", "is_anomaly_enabled"]
