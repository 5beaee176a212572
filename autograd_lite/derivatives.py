"""Derivatives of Python functions: `grad`, `value_and_grad`, `jacobian`, `hessian`, `hvp`.

These wrap a function of plain numbers or arrays: the arguments become leaves of a
graph (a `Value` for a number, a `Tensor` for an array), the function runs, the backward
pass computes the partial derivatives, and plain numbers and arrays come back out.

Nesting works to any depth (`grad(grad(f))`): when an argument is already a node of an
outer graph, the inner derivative is computed with `create_graph=True`, so it stays a
node the outer call can differentiate. Each call differentiates through a fresh node
of its own, so an outer variable that `f` also uses directly is not confused with the
inner one.
"""

from __future__ import annotations

import numbers
import threading
from collections.abc import Callable
from contextlib import nullcontext
from typing import Any

import numpy as np

from . import tensor as T
from .grad_mode import enable_grad
from .graph import gradients
from .tensor import Tensor
from .value import Value

Argnums = int | tuple[int, ...]


def _check_argnums(argnums: Argnums, nargs: int, name: str) -> tuple[int, ...]:
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    for i in nums:
        if not isinstance(i, int) or not -nargs <= i < nargs:
            raise ValueError(
                f"{name}: argnums {argnums!r} does not fit a call with {nargs} positional "
                f"argument(s); argnums counts them from 0"
            )
    return tuple(i % nargs for i in nums)


def _leaf(x: Any, name: str) -> tuple[Value | Tensor, bool]:
    """A fresh node for argument x, and whether x was itself a node (nested call)."""
    if isinstance(x, Value):
        return x + 0.0, True  # a node of its own, still connected to the outer graph
    if isinstance(x, Tensor):
        if x.requires_grad:
            inner = x + 0.0
            inner.retain_grad()
            return inner, True
        return Tensor(x.data, requires_grad=True), False
    if isinstance(x, numbers.Real) and not isinstance(x, bool):
        return Value(float(x)), False
    if isinstance(x, (np.ndarray, list, tuple)):
        array = np.asarray(x)
        if array.dtype.kind not in "iuf":
            raise TypeError(
                f"{name}: cannot differentiate with respect to an array of {array.dtype}"
            )
        if array.dtype.kind != "f":
            array = array.astype(np.float64)
        return Tensor(array, requires_grad=True), False
    raise TypeError(
        f"{name}: cannot differentiate with respect to {type(x).__name__} {x!r:.60}; "
        "pass a number, an ndarray, a Value or a Tensor"
    )


def _as_output(out: Any, name: str) -> Value | Tensor | float:
    if isinstance(out, Value):
        return out
    if isinstance(out, Tensor):
        if out.data.size != 1:
            raise ValueError(
                f"{name}: f must return a scalar, but it returned shape {out.shape}; "
                "reduce it (.sum(), .mean()) or use ag.jacobian for vector outputs"
            )
        return out
    if isinstance(out, numbers.Real) and not isinstance(out, bool):
        return float(out)
    if isinstance(out, np.ndarray) and out.size == 1:
        return float(out.reshape(()))
    raise TypeError(
        f"{name}: f must return a Value, a one-element Tensor or a number, got "
        f"{type(out).__name__}" + (" (use ag.jacobian)" if isinstance(out, np.ndarray) else "")
    )


def _gradients(out: Value | Tensor, leaves: list[Any], nested: bool) -> list[Any]:
    """d out / d leaf for every leaf: nodes when nested, plain numbers or arrays otherwise."""
    if isinstance(out, Value):
        with enable_grad() if nested else nullcontext():
            grads = gradients(out, 1.0, create_graph=nested)
        return [grads.get(leaf, 0.0) if isinstance(leaf, Value) else None for leaf in leaves]
    if not out.requires_grad:
        found: dict[Any, Any] = {}
    else:
        found = T.gradients(out, np.ones_like(out.data), create_graph=nested)
    return [found.get(leaf) for leaf in leaves]


def _result(g: Any, leaf: Any, original: Any, nested: bool) -> Any:
    """Convert a gradient back to the kind of thing the argument was.

    Inside an outer differentiation (`nested`), a gradient that is a node stays a node,
    so the outer call can differentiate it.
    """
    if isinstance(leaf, Value):
        if g is None:
            return 0.0
        return g if nested else float(g)
    if g is None:
        g = np.zeros_like(leaf.data)
    if nested:
        return g if isinstance(g, Tensor) else Tensor(g)
    if isinstance(original, Tensor):
        return Tensor(np.asarray(g, dtype=leaf.data.dtype))
    return np.asarray(g, dtype=leaf.data.dtype).reshape(leaf.shape)


class _NestingDepth(threading.local):
    """How many `grad` calls are running in this thread: inside one, results must stay nodes.

    Per thread: another thread's `grad` call must not make this thread's results nodes.
    """

    active = 0


_Depth = _NestingDepth()


def value_and_grad(f: Callable[..., Any], argnums: Argnums = 0) -> Callable[..., tuple[Any, Any]]:
    """Return a function computing `(f(*args), gradient)` in one forward and backward pass.

    The gradient is $\\partial f/\\partial x$ for the argument `argnums` (a tuple of them
    gives a tuple of partial derivatives $(\\partial f/\\partial x_i, \\dots)$).

    Args:
        f: a scalar-valued function of numbers, arrays, Values or Tensors.
        argnums: which positional argument(s) to differentiate with respect to.

    Example:
        >>> import autograd_lite as ag
        >>> ag.value_and_grad(lambda a, b: a * b + b, argnums=(0, 1))(2.0, 3.0)
        (9.0, (3.0, 3.0))
    """

    def wrapped(*args: Any) -> tuple[Any, Any]:
        nums = _check_argnums(argnums, len(args), "grad")
        call_args = list(args)
        # Nested when an argument is a node of an outer graph, or when f runs inside an
        # outer grad (it may close over the outer variable: grad(lambda y: x * y)).
        leaves, nested = [], _Depth.active > 0
        for i in nums:
            leaf, inner = _leaf(args[i], "grad")
            call_args[i] = leaf
            leaves.append(leaf)
            nested = nested or inner
        _Depth.active += 1
        try:
            out = _as_output(f(*call_args), "grad")
        finally:
            _Depth.active -= 1
        if isinstance(out, float):
            grads: list[Any] = [None] * len(leaves)
            value: Any = out
        else:
            grads = _gradients(out, leaves, nested)
            value = out if nested else _plain(out)
        results = tuple(
            _result(g, leaf, args[i], nested) for g, leaf, i in zip(grads, leaves, nums)
        )
        return value, (results if isinstance(argnums, tuple) else results[0])

    return wrapped


def _plain(out: Value | Tensor) -> float:
    return out.data if isinstance(out, Value) else float(out.data.reshape(()))


def grad(f: Callable[..., Any], argnums: Argnums = 0) -> Callable[..., Any]:
    """Return a function computing the gradient of scalar-valued `f`.

    $$\\mathrm{grad}(f)(x) = \\nabla f(x)
      = \\left(\\frac{\\partial f}{\\partial x_1}, \\dots\\right)$$

    Numbers in give floats out; ndarrays in give ndarrays of the same shape and dtype.
    With a tuple `argnums`, returns the tuple of partial derivatives. Nests to any
    depth: `grad(grad(f))` is the second derivative.

    Args:
        f: a function returning a scalar (a Value, a one-element Tensor, or a number).
        argnums: the positional argument(s) to differentiate with respect to.

    Raises:
        ValueError: f returns a non-scalar Tensor (use `jacobian`).

    Example:
        >>> import autograd_lite as ag
        >>> ag.grad(lambda x: x**3)(2.0)
        12.0
        >>> ag.grad(ag.grad(lambda x: x**3))(2.0)
        12.0
        >>> ag.grad(lambda a, b: a * b, argnums=(0, 1))(2.0, 5.0)
        (5.0, 2.0)
    """
    value_and_gradient = value_and_grad(f, argnums)

    def gradient(*args: Any) -> Any:
        return value_and_gradient(*args)[1]

    gradient.__doc__ = f"The gradient of {getattr(f, '__name__', 'f')}."
    return gradient


def jacobian(f: Callable[[Any], Any]) -> Callable[[Any], np.ndarray]:
    """Return a function computing the Jacobian matrix of array-valued `f`.

    $$J_{ij} = \\frac{\\partial f_i}{\\partial x_j}$$

    of shape `f(x).shape + x.shape`, one backward pass per output element (reverse mode
    suits few outputs and many inputs).

    Example:
        >>> import numpy as np, autograd_lite as ag
        >>> ag.jacobian(lambda x: x**2)(np.array([1.0, 2.0]))
        array([[2., 0.],
               [0., 4.]])
    """

    def jac(x: Any) -> np.ndarray:
        leaf, _ = _leaf(x.data if isinstance(x, Tensor) else np.asarray(x), "jacobian")
        assert isinstance(leaf, Tensor)
        out = f(leaf)
        if isinstance(out, Value) or not isinstance(out, Tensor):
            raise TypeError(
                f"jacobian: f must return a Tensor, got {type(out).__name__}; "
                "for scalar functions use ag.grad"
            )
        rows = np.zeros((out.data.size, leaf.data.size), dtype=leaf.data.dtype)
        if out.requires_grad:
            order = T.topological_order(out)
            for i in range(out.data.size):
                seed = np.zeros(out.data.size, dtype=out.data.dtype)
                seed[i] = 1.0
                g = T.gradients(out, seed.reshape(out.shape), order=order).get(leaf)
                if g is not None:
                    rows[i] = np.asarray(g).reshape(-1)
        return rows.reshape(out.shape + leaf.shape)

    return jac


def hessian(f: Callable[[Any], Any]) -> Callable[[Any], np.ndarray]:
    """Return a function computing the Hessian of scalar-valued `f` of an array.

    $$H_{ij} = \\frac{\\partial^2 f}{\\partial x_i \\partial x_j}$$

    computed as the Jacobian of the gradient (reverse over reverse), shape
    `x.shape + x.shape`.

    Example:
        >>> import numpy as np, autograd_lite as ag
        >>> ag.hessian(lambda x: (x**3).sum())(np.array([1.0, 2.0]))
        array([[ 6.,  0.],
               [ 0., 12.]])
    """
    return jacobian(grad(f))


def hvp(f: Callable[[Any], Any]) -> Callable[[Any, Any], np.ndarray]:
    """Return a function computing the Hessian-vector product $H(x)\\,v$ of scalar `f`.

    $$Hv = \\nabla_x\\,(\\nabla f(x) \\cdot v)$$

    in two backward passes, without forming H (cost independent of the size of x).

    Example:
        >>> import numpy as np, autograd_lite as ag
        >>> ag.hvp(lambda x: (x**3).sum())(np.array([1.0, 2.0]), np.array([1.0, 1.0]))
        array([ 6., 12.])
    """
    gradient = grad(f)

    def product(x: Any, v: Any) -> np.ndarray:
        v = np.asarray(v.data if isinstance(v, Tensor) else v)
        x = np.asarray(x.data if isinstance(x, Tensor) else x, dtype=float)
        if v.shape != x.shape:
            raise ValueError(f"hvp: v has shape {v.shape} but x has shape {x.shape}")
        return grad(lambda t: (gradient(t) * v).sum())(x)

    return product


__all__ = ["grad", "hessian", "hvp", "jacobian", "value_and_grad"]
