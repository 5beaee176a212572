"""NumPy's own functions on Tensors: `np.exp(t)`, `np.sum(t, axis=0)`, `np.concatenate`.

NumPy hands a call on a Tensor to `Tensor.__array_ufunc__` (ufuncs such as `np.exp`,
`np.add`) or `Tensor.__array_function__` (functions such as `np.sum`). Both look the
NumPy function up in one table, made from the `numpy` names of the op table's entries,
and call the op it belongs to, so the call is recorded like `t.exp()` or `t.sum(0)`.
A NumPy function that only reads numbers (`np.shape`, `np.isnan`, comparisons) runs on
the data; any other raises a TypeError naming it, never an unrecorded result.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

import numpy as np

from . import rules as R

# Ufuncs and functions that read numbers without making new ones to differentiate:
# their results are plain arrays, as those of `t > 0` are.
_READERS: frozenset[Any] = frozenset(
    {
        np.equal, np.not_equal, np.less, np.less_equal, np.greater, np.greater_equal,
        np.isnan, np.isinf, np.isfinite, np.signbit, np.logical_and, np.logical_or,
        np.logical_not, np.logical_xor,
        np.shape, np.ndim, np.size, np.argmax, np.argmin, np.argsort, np.nonzero,
        np.allclose, np.isclose, np.array_equal, np.any, np.all, np.count_nonzero,
        np.result_type, np.can_cast, np.copy, np.array_repr, np.array_str, np.unique,
    }
)  # fmt: skip

_TABLE: dict[Any, Callable[..., Any]] = {}


def _data(x: Any) -> Any:
    if isinstance(x, (list, tuple)):
        return type(x)(_data(item) for item in x)
    return x.data if hasattr(x, "_parents") and hasattr(x, "requires_grad") else x


def _operator(method: str) -> Callable[..., Any]:
    """`np.add(a, b)` as `a + b` with a Tensor on either side (never back into NumPy)."""
    if method == "__neg__":
        return operator.neg
    reflected = "__r" + method[2:]

    def call(x: Any, y: Any) -> Any:
        from .tensor import Tensor

        if isinstance(x, Tensor):
            return getattr(x, method)(y)
        return getattr(y, reflected)(x)

    return call


def _method(name: str) -> Callable[..., Any]:
    def call(x: Any, *args: Any, **kwargs: Any) -> Any:
        from .tensor import Tensor

        node = x if isinstance(x, Tensor) else Tensor(x)
        return getattr(node, name)(*args, **kwargs)

    return call


def table() -> dict[Any, Callable[..., Any]]:
    """NumPy function or ufunc -> the call that records its op, built once from the table."""
    if not _TABLE:
        from . import functions

        for op in R.OPS:
            names = op.names
            for numpy_function in names.numpy:
                if names.function is not None:
                    _TABLE[numpy_function] = getattr(functions, names.function)
                elif names.method is not None and names.method.startswith("__"):
                    _TABLE[numpy_function] = _operator(names.method)
                elif names.method is not None:
                    _TABLE[numpy_function] = _method(names.method)
    return _TABLE


def _refuse(name: str) -> TypeError:
    return TypeError(
        f"np.{name} has no rule in autograd_lite, so it cannot be recorded on a Tensor; "
        "use an ag function or Tensor method with the same meaning, or np.{name}(t.data) "
        "for its numbers without a gradient".replace("{name}", name)
    )


def array_ufunc(ufunc: np.ufunc, method: str, inputs: tuple[Any, ...], kwargs: Any) -> Any:
    """What `Tensor.__array_ufunc__` does: record the op of `ufunc`, or refuse it."""
    if ufunc in _READERS:
        return getattr(ufunc, method)(*_data(inputs), **kwargs)
    handler = table().get(ufunc)
    if handler is None or method != "__call__" or kwargs:
        extra = "" if handler is None else f" (np.{ufunc.__name__}.{method} with {kwargs})"
        raise _refuse(ufunc.__name__ + extra)
    return handler(*inputs)


def array_function(func: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """What `Tensor.__array_function__` does: record the op of `func`, or refuse it."""
    if func in _READERS:
        return func(*_data(args), **_data_values(kwargs))
    handler = table().get(func)
    if handler is None:
        raise _refuse(getattr(func, "__name__", str(func)))
    return handler(*args, **kwargs)


def _data_values(kwargs: dict[str, Any]) -> dict[str, Any]:
    return {key: _data(value) for key, value in kwargs.items()}
