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
import re
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


def _numpy_name(func: Any) -> str:
    """How a user wrote a NumPy function: `np.sum`, `np.fft.fft`, `np.linalg.norm`."""
    name = getattr(func, "__name__", None) or str(func)
    module = getattr(func, "__module__", None) or "numpy"
    if module == "numpy" or not module.startswith("numpy."):  # ufuncs have no module
        return f"np.{name}"
    return f"np.{module[len('numpy.') :]}.{name}"


def _refuse(name: str) -> TypeError:
    return TypeError(
        f"{name} has no rule in autograd_lite, so it cannot be recorded on a Tensor; use an "
        f"ag function or Tensor method with the same meaning, or {name}(t.data) for its "
        "numbers without a gradient"
    )


# A ufunc's methods other than the plain call, with the Tensor method that does the same.
_UFUNC_METHODS: dict[tuple[Any, str], str] = {
    (np.add, "reduce"): "t.sum(axis)",
    (np.multiply, "reduce"): "t.prod(axis)",
    (np.maximum, "reduce"): "t.max(axis)",
    (np.minimum, "reduce"): "t.min(axis)",
    (np.add, "accumulate"): "t.cumsum(axis)",
}

# Why a keyword of a ufunc cannot be recorded, and what to write instead.
_UFUNC_KEYWORDS = {
    "out": "out= writes into an array the graph does not see: assign the result instead",
    "dtype": "dtype= casts outside the graph: cast the input first, with t.astype(dtype)",
    "where": "where= leaves holes the graph does not see: use ag.where(cond, a, b)",
}


def _refuse_call(ufunc: np.ufunc, method: str, kwargs: dict[str, Any]) -> TypeError:
    """A ufunc that has a rule, called in a way the rule does not record."""
    name = f"np.{ufunc.__name__}"
    if method != "__call__":
        instead = _UFUNC_METHODS.get((ufunc, method))
        numbers = f"call {name}.{method}(t.data) for its numbers without a gradient"
        return TypeError(
            f"{name}.{method} is not recorded on a Tensor: autograd_lite records the plain "
            f"call {name}(...) only; " + (f"use {instead}, or {numbers}" if instead else numbers)
        )
    reasons = [_UFUNC_KEYWORDS.get(key, f"{key}= is not supported") for key in kwargs]
    return TypeError(
        f"{name}(..., {', '.join(f'{key}=' for key in kwargs)}) is not recorded on a Tensor: "
        f"autograd_lite records {name}(...) without keyword arguments; " + "; ".join(reasons)
    )


def array_ufunc(ufunc: np.ufunc, method: str, inputs: tuple[Any, ...], kwargs: Any) -> Any:
    """What `Tensor.__array_ufunc__` does: record the op of `ufunc`, or refuse it."""
    if ufunc in _READERS:
        return getattr(ufunc, method)(*_data(inputs), **kwargs)
    handler = table().get(ufunc)
    if handler is None:
        raise _refuse(_numpy_name(ufunc))
    if method != "__call__" or kwargs:
        raise _refuse_call(ufunc, method, kwargs)
    return handler(*inputs)


def array_function(func: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """What `Tensor.__array_function__` does: record the op of `func`, or refuse it."""
    if func in _READERS:
        return func(*_data(args), **_data_values(kwargs))
    handler = table().get(func)
    if handler is None:
        raise _refuse(_numpy_name(func))
    if kwargs.get("out", 0) is None:  # NumPy's default, passed along: nothing to refuse
        kwargs = {key: value for key, value in kwargs.items() if key != "out"}
    try:
        return handler(*args, **kwargs)
    except TypeError as error:
        unexpected = re.search(r"unexpected keyword argument '(\w+)'", str(error))
        if unexpected is None:
            raise
        key, name = unexpected.group(1), _numpy_name(func)
        reason = _UFUNC_KEYWORDS.get(key, f"drop {key}=")
        raise TypeError(
            f"{name}(..., {key}=) is not recorded on a Tensor: autograd_lite's {name[3:]} "
            f"takes no {key}=; {reason}; or call {name} on t.data for its numbers without "
            "a gradient"
        ) from None


def _data_values(kwargs: dict[str, Any]) -> dict[str, Any]:
    return {key: _data(value) for key, value in kwargs.items()}
