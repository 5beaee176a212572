"""Derivatives of Python functions by reverse mode: `grad`, `value_and_grad`, `vjp`,
`jacrev` (also `jacobian`) and `elementwise_grad`.

These wrap a function of plain numbers or arrays: the arguments become leaves of a
graph (a `Value` for a number, a `Tensor` for an array), the function runs, the backward
pass computes the partial derivatives, and plain numbers and arrays come back out. An
argument may be a tuple, list or dict of them (a *pytree*): its gradient has the same
structure. Keyword arguments are passed through, and not differentiated.

Every transform nests in every other, to any depth (`grad(grad(f))`,
`jacfwd(jacrev(f))`): when an argument is already a node of an outer graph, or the call
runs inside an outer transform, the derivative is computed with `create_graph=True`, so
it stays a node the outer call can differentiate. Each call differentiates through a
fresh node of its own, so an outer variable that `f` also uses directly is not confused
with the inner one. Forward mode (`jvp`, `jacfwd`, `hessian`, `hvp`) is in `forward.py`.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from typing import Any

import numpy as np

from . import rules as R
from .graph import gradients, topological_order
from .pytree import flatten, tree_map, unflatten
from .tensor import Tensor, raw
from .transforms import (
    Argnums,
    Inputs,
    _as_node,
    _Depth,
    check_argnums,
    floats,
    plain,
    pullback,
    pullback_sum,
    recording,
    result,
    shape_of,
)
from .validators import check_function
from .value import Value


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
    hint = ""
    if isinstance(out, np.ndarray):
        hint = " (use ag.jacobian)"
    elif isinstance(out, tuple) and len(out) == 2:
        hint = " (does f return (value, aux)? pass has_aux=True)"
    raise TypeError(
        f"{name}: f must return a Value, a one-element Tensor or a number, got "
        f"{type(out).__name__}{hint}"
    )


def split_aux(result: Any, name: str) -> tuple[Any, Any]:
    """`(value, aux)` from what f returned with `has_aux=True`."""
    if not (isinstance(result, (tuple, list)) and len(result) == 2):
        raise TypeError(
            f"{name}: with has_aux=True, f must return a pair (value, aux), got "
            f"{type(result).__name__}"
        )
    return result[0], result[1]


def _plain(out: Value | Tensor) -> float:
    return out.data if isinstance(out, Value) else float(out.data.reshape(()))


def value_and_grad(
    f: Callable[..., Any], argnums: Argnums = 0, has_aux: bool = False
) -> Callable[..., tuple[Any, Any]]:
    """Return a function computing `(f(*args), gradient)` in one forward and backward pass.

    The gradient is $\\partial f/\\partial x$ for the argument `argnums` (a tuple of them
    gives a tuple of partial derivatives $(\\partial f/\\partial x_i, \\dots)$). An
    argument that is a tuple, list or dict of numbers and arrays gets a gradient of the
    same structure. Keyword arguments are passed to f and not differentiated.

    Args:
        f: a scalar-valued function of numbers, arrays, Values or Tensors.
        argnums: which positional argument(s) to differentiate with respect to.
        has_aux: f returns a pair `(value, aux)`; the result is then
            `((value, aux), gradient)`, with aux's nodes as numbers and arrays.

    Example:
        >>> import autograd_lite as ag
        >>> ag.value_and_grad(lambda a, b: a * b + b, argnums=(0, 1))(2.0, 3.0)
        (9.0, (3.0, 3.0))
    """
    check_function("value_and_grad", f)

    def wrapped(*args: Any, **kwargs: Any) -> tuple[Any, Any]:
        inputs = Inputs(args, check_argnums(argnums, len(args), "grad"), "grad")
        with recording() as scope:
            returned = f(*inputs.call_args, **kwargs)
        aux = None
        if has_aux:
            returned, aux = split_aux(returned, "grad")
        floats(scope, returned, "grad")
        out = _as_output(returned, "grad")
        nested = inputs.nested
        if isinstance(out, float):
            grads: list[Any] = [None] * len(inputs.leaves)
            value: Any = out
        else:
            seed = 1.0 if isinstance(out, Value) else np.ones_like(out.data)
            grads = pullback(out, seed, inputs.leaves, nested)
            value = out if nested else _plain(out)
        results = inputs.rebuild(
            [result(*each, nested) for each in zip(grads, inputs.leaves, inputs.originals)]
        )
        gradient = tuple(results) if isinstance(argnums, tuple) else results[0]
        if has_aux:
            return (value, aux if nested else tree_map(plain, aux)), gradient
        return value, gradient

    return wrapped


def grad(f: Callable[..., Any], argnums: Argnums = 0, has_aux: bool = False) -> Callable[..., Any]:
    """Return a function computing the gradient of scalar-valued `f`.

    $$\\mathrm{grad}(f)(x) = \\nabla f(x)
      = \\left(\\frac{\\partial f}{\\partial x_1}, \\dots\\right)$$

    Numbers in give floats out; ndarrays in give ndarrays of the same shape and dtype; a
    tuple, list or dict of them gives the same structure of gradients (a number inside
    one is a 0-d Tensor for f, so that it combines with arrays, and its gradient a float).
    With a tuple `argnums`, returns the tuple of partial derivatives. Keyword arguments
    are passed to f. Nests to any depth: `grad(grad(f))` is the second derivative.

    Args:
        f: a function returning a scalar (a Value, a one-element Tensor, or a number).
        argnums: the positional argument(s) to differentiate with respect to.
        has_aux: f returns `(value, aux)`; the result is `(gradient, aux)`.

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
        >>> ag.grad(lambda p, x: p["w"] * x + p["b"])({"w": 2.0, "b": 1.0}, x=3.0)
        {'w': 3.0, 'b': 1.0}
    """
    check_function("grad", f)
    value_and_gradient = value_and_grad(f, argnums, has_aux)

    def gradient(*args: Any, **kwargs: Any) -> Any:
        value, g = value_and_gradient(*args, **kwargs)
        return (g, value[1]) if has_aux else g

    gradient.__doc__ = f"The gradient of {getattr(f, '__name__', 'f')}."
    return gradient


def vjp(f: Callable[..., Any], *primals: Any) -> tuple[Any, Callable[[Any], tuple[Any, ...]]]:
    """Run f at `primals`; return its output and the function $u \\mapsto u^T J$.

    The vector-Jacobian product is what one backward pass computes: for an output
    cotangent $u$ (the shape of f's output), the gradient of $\\sum u \\cdot f(x)$ with
    respect to each primal, $u^T \\partial f/\\partial x_i$. The graph is kept, so the
    function can be called with many cotangents (one per row of the Jacobian).

    Args:
        f: a function of the primals (numbers, arrays, or pytrees of them) returning a
            Value, a Tensor, or a tuple, list or dict of them.
        *primals: the point.

    Returns:
        `(f(*primals), vjp_fn)`; `vjp_fn(u)` returns a tuple with one gradient per primal,
        each shaped like its primal. `u` has the structure and shapes of the output.

    Example:
        >>> import numpy as np, autograd_lite as ag
        >>> out, vjp_fn = ag.vjp(lambda x: x ** 2, np.array([1.0, 2.0, 3.0]))
        >>> vjp_fn(np.array([1.0, 0.0, 1.0]))
        (array([2., 0., 6.]),)
    """
    check_function("vjp", f, "ag.vjp(f, x)")
    inputs = Inputs(primals, tuple(range(len(primals))), "vjp")
    with recording() as scope:
        returned = f(*inputs.call_args)
    floats(scope, returned, "vjp")
    outs, structure = flatten(returned)

    def vjp_fn(cotangent: Any) -> tuple[Any, ...]:
        cotangents = flatten(cotangent)[0]
        if len(cotangents) != len(outs):
            raise ValueError(
                f"vjp: the cotangent has {len(cotangents)} part(s) but f returned "
                f"{len(outs)}; pass one array shaped like each output"
            )
        nested = inputs.nested or _Depth.active > 0
        seeds = [_cotangent(out, u) for out, u in zip(outs, cotangents)]
        total = pullback_sum(outs, seeds, inputs.leaves, nested)
        grads = [result(*each, nested) for each in zip(total, inputs.leaves, inputs.originals)]
        return tuple(inputs.rebuild(grads))

    if inputs.nested:
        return returned, vjp_fn
    return unflatten(structure, [plain(out) for out in outs]), vjp_fn


def _cotangent(out: Any, u: Any) -> Any:
    if isinstance(u, (Value, Tensor)) and (_Depth.active > 0 or u._op is not None):
        return u  # a node: the product stays differentiable in u
    data = u.data if isinstance(u, (Value, Tensor)) else u
    if isinstance(out, Value):
        return float(data)
    shape = tuple(np.shape(out.data))
    array = np.asarray(data, dtype=np.asarray(out.data).dtype)
    if array.shape != shape:
        raise ValueError(
            f"vjp: the cotangent has shape {array.shape} but the output has shape {shape}; "
            "pass one number per element of the output"
        )
    return array


def jacrev(f: Callable[..., Any], argnums: Argnums = 0) -> Callable[..., Any]:
    """Return a function computing the Jacobian of `f` by reverse mode, row by row.

    $$J_{ij} = \\frac{\\partial f_i}{\\partial x_j}$$

    of shape `f(x).shape + x.shape`, one backward pass per output element: cheap for few
    outputs and many inputs (`jacfwd` is the other way round). Inside another transform
    it returns a Tensor node, so `jacrev(jacrev(f))` and `jacfwd(jacrev(f))` work.

    Args:
        f: a function of numbers or arrays returning a Value or a Tensor.
        argnums: the positional argument(s) to differentiate with respect to; a tuple
            gives a tuple of Jacobians.

    Example:
        >>> import numpy as np, autograd_lite as ag
        >>> ag.jacrev(lambda x: x**2)(np.array([1.0, 2.0]))
        array([[2., 0.],
               [0., 4.]])
    """
    check_function("jacrev", f)

    def jac(*args: Any, **kwargs: Any) -> Any:
        inputs = Inputs(args, check_argnums(argnums, len(args), "jacrev"), "jacrev", True)
        with recording() as scope:
            returned = f(*inputs.call_args, **kwargs)
        floats(scope, returned, "jacrev")
        out = _as_node(returned, "jacrev")
        jacobians = _rows(out, inputs.leaves, inputs.nested)
        return tuple(jacobians) if isinstance(argnums, tuple) else jacobians[0]

    return jac


jacobian = jacrev
"""`ag.jacobian` is `ag.jacrev`: the Jacobian by reverse mode."""


def _rows(out: Any, leaves: list[Any], nested: bool) -> list[Any]:
    """The Jacobian of `out` with respect to each leaf, one backward pass per element."""
    out_shape = shape_of(out)
    if isinstance(out, Value):
        seeds: list[Any] = [1.0]
        order = topological_order(out)
    else:
        eye = np.eye(out.data.size, dtype=out.data.dtype)
        seeds = [row.reshape(out_shape) for row in eye]
        order = topological_order(out) if out.requires_grad else []
    rows: list[list[Any]] = [[] for _ in leaves]
    for seed in seeds:
        if not order:
            grads: list[Any] = [None] * len(leaves)
        elif nested:
            grads = pullback(out, seed, leaves, True)
        else:
            found = gradients(out, seed, order)
            grads = [found.get(node) for node in leaves]
        for k, g in enumerate(grads):
            rows[k].append(g)
    return [_assemble(column, node, out_shape, nested) for column, node in zip(rows, leaves)]


def _assemble(rows: list[Any], node: Any, out_shape: tuple[int, ...], nested: bool) -> Any:
    """The rows $\\partial out_i/\\partial x$ as one array of shape out.shape + x.shape."""
    x_shape = shape_of(node)
    dtype = np.float64 if isinstance(node, Value) else node.data.dtype
    if nested and any(isinstance(r, (Value, Tensor)) for r in rows):
        zero = 0.0 if isinstance(node, Value) else Tensor(np.zeros(x_shape, dtype=dtype))
        nodes = [zero if r is None else r for r in rows]
        if isinstance(node, Value) and not out_shape:
            return nodes[0]
        return R.STACK(nodes, 0).reshape(out_shape + x_shape)
    array = np.zeros((len(rows), int(np.prod(x_shape, dtype=int))), dtype=dtype)
    for i, r in enumerate(rows):
        if r is not None:
            array[i] = np.asarray(raw(r), dtype=dtype).reshape(-1)
    jacobian = array.reshape(out_shape + x_shape)
    if not jacobian.shape:
        return float(jacobian) if not nested else (Value(float(jacobian)))
    return Tensor(jacobian) if nested else jacobian


def elementwise_grad(f: Callable[..., Any], argnums: int = 0) -> Callable[..., Any]:
    """Return a function computing $\\sum_i \\partial f_i/\\partial x$: the vjp of f with a
    cotangent of ones.

    For an f that works element by element (`ag.tanh`, `lambda x: x**2 * ag.sin(x)`),
    whose Jacobian is diagonal, that is the derivative at every element at once, in one
    backward pass: the way to plot f' over a grid.

    Example:
        >>> import numpy as np, autograd_lite as ag
        >>> ag.elementwise_grad(lambda x: x**3)(np.array([1.0, 2.0, 3.0]))
        array([ 3., 12., 27.])
    """
    check_function("elementwise_grad", f)

    def derivative(*args: Any, **kwargs: Any) -> Any:
        inputs = Inputs(args, check_argnums(argnums, len(args), "elementwise_grad"),
                        "elementwise_grad", True)  # fmt: skip
        with recording() as scope:
            returned = f(*inputs.call_args, **kwargs)
        floats(scope, returned, "elementwise_grad")
        out = _as_node(returned, "elementwise_grad")
        seed = 1.0 if isinstance(out, Value) else np.ones_like(out.data)
        (g,) = pullback(out, seed, inputs.leaves, inputs.nested)
        return result(g, inputs.leaves[0], inputs.originals[0], inputs.nested)

    return derivative


__all__ = ["elementwise_grad", "grad", "jacobian", "jacrev", "value_and_grad", "vjp"]
