"""Forward mode: `jvp` and `jacfwd`, and the Hessian tools built on it, `hessian` and `hvp`.

Reverse mode runs f, then one backward pass per *output* element. Forward mode carries,
beside every intermediate value u, its tangent $\\dot u$: the derivative of u along a
direction $v$ of the inputs. It is the arithmetic of dual numbers $u + \\dot u\\,\\varepsilon$
with $\\varepsilon^2 = 0$: $(u + \\dot u\\varepsilon)(w + \\dot w\\varepsilon) = uw +
(\\dot u w + u \\dot w)\\varepsilon$. One pass gives $J v$, a column of the Jacobian per
direction, so it is cheap for few *inputs*.

A call opens a forward pass (a `tangent.Level`), seeds the inputs' tangents and runs f:
every op made meanwhile gets its tangent at once (`tangent.push`), and nothing else is
kept, so no graph is recorded for it (unless an outer transform needs one). All n
directions of an input travel together, as a leading axis of every tangent, so `jacfwd`
is one pass, not n.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .derivatives import grad, jacrev
from .grad_mode import _enter, _exit, _thread
from .hooks import swap
from .pytree import flatten, unflatten
from .tangent import Level, note, tangent_of
from .tensor import Tensor, raw
from .transforms import Argnums, Inputs, Scope, _as_node, check_argnums, floats, plain, shape_of
from .validators import check_function
from .value import Value


class forward_pass:  # lower case, as no_grad: a context manager
    """Open a forward-mode level in this thread; f runs inside it (`Level` says what
    `nested` and `batched` mean): `with forward_pass(nested) as level: ...`.

    Outside every transform (`nested` False) nothing needs f's graph, so none is
    recorded: each intermediate array is freed as soon as f lets go of it. (A class
    rather than a generator: its 1 µs is a tenth of a small jvp's set-up.)
    """

    __slots__ = ("level", "previous", "scope")

    def __init__(self, nested: bool, batched: bool = True) -> None:
        self.level = Level(nested, batched)
        self.scope = Scope()  # transforms called inside f nest; what f floated

    def __enter__(self) -> Level:
        level = self.level
        self.previous = _thread.levels
        swap(+1)  # the checking constructors (hooks.py): they call `tangent.push`
        _thread.levels = (*self.previous, level)
        _enter(_thread.enabled and level.nested)  # a block (modes per thread); records if nested
        self.scope.__enter__()
        return level

    def __exit__(self, *exc: object) -> None:
        self.scope.__exit__()
        _thread.levels = self.previous
        _exit()
        swap(-1)


def _seed(node: Any, t: Any, nested: bool) -> Any:
    """The tangent of a leaf: a number for a Value; for a Tensor, t shaped like it (jvp's
    one direction), or when t is None the n directions of the identity, `(n, *shape)`
    (jacfwd's)."""
    if isinstance(node, Value):
        if isinstance(t, Value):
            return t
        return 1.0 if t is None else float(raw(t))
    if t is None:
        n = node.data.size
        seed: Any = np.eye(n, dtype=node.data.dtype).reshape((n, *node.shape))
        return Tensor(seed) if nested else seed
    if isinstance(t, Tensor) and (nested or t.requires_grad):
        seed = t
    else:
        seed = np.asarray(raw(t), dtype=node.data.dtype)
    if seed.shape != node.shape:
        raise ValueError(
            f"jvp: a tangent has shape {seed.shape} but its primal has shape "
            f"{node.shape}; pass one tangent shaped like each primal"
        )
    if nested and not isinstance(seed, Tensor):
        return Tensor(seed)
    return seed


def _tangent_out(out: Any, t: Any, nested: bool) -> Any:
    """The tangent of one output, one direction, shaped like the output."""
    if not isinstance(out, (Value, Tensor)):
        return np.zeros_like(out) if isinstance(out, np.ndarray) else 0.0
    if isinstance(out, Value):
        if t is None:
            return 0.0
        return t if nested else float(raw(t))
    if t is None:
        zeros = np.zeros_like(out.data)
        return Tensor(zeros) if nested else zeros
    return t if nested else np.array(t)


def jvp(f: Callable[..., Any], primals: Any, tangents: Any) -> tuple[Any, Any]:
    """Run f at `primals` and push `tangents` through it: `(f(x), J v)` by forward mode.

    $$\\mathrm{jvp}(f, x, v) = \\Big(f(x),\\ \\frac{\\partial f}{\\partial x}\\,v\\Big)
      = \\Big(f(x),\\ \\lim_{h \\to 0} \\frac{f(x + h v) - f(x)}{h}\\Big)$$

    the derivative of f along the direction v, at the cost of about one more forward
    pass (no backward pass, whatever the number of outputs).

    Args:
        f: a function of the primals, returning a Value, a Tensor, a number, or a tuple,
            list or dict of them.
        primals: a tuple (or list) of f's arguments: numbers, arrays, or pytrees of them.
        tangents: a tuple of the same length, each tangent shaped like its primal.

    Returns:
        `(output, tangent of the output)`, the tangent with the output's structure.

    Example:
        >>> import numpy as np, autograd_lite as ag
        >>> ag.jvp(lambda x: x ** 2, (np.array([1.0, 2.0]),), (np.array([1.0, 10.0]),))
        (array([1., 4.]), array([ 2., 40.]))
    """
    check_function("jvp", f, "ag.jvp(f, (x,), (v,))")
    for name, given in (("primals", primals), ("tangents", tangents)):
        if not isinstance(given, (tuple, list)):
            raise TypeError(
                f"jvp: {name} must be a tuple of f's arguments, as in "
                f"ag.jvp(f, (x,), (v,)); got {type(given).__name__}"
            )
    if len(primals) != len(tangents):
        raise ValueError(
            f"jvp: {len(primals)} primal(s) but {len(tangents)} tangent(s); pass one "
            "tangent per argument of f"
        )
    inputs = Inputs(primals, tuple(range(len(primals))), "jvp")
    directions: list[Any] = []
    for primal, tangent in zip(primals, tangents):
        items, structure = flatten(tangent)
        if structure != flatten(primal)[1]:
            raise ValueError(
                "jvp: a tangent is not shaped like its primal (the same tuples, lists and "
                "dicts, with one array per array)"
            )
        directions += items
    passing = forward_pass(inputs.nested, batched=False)
    with passing as level:
        for node, t in zip(inputs.leaves, directions):
            note(node, level, _seed(node, t, inputs.nested))
        returned = f(*inputs.call_args)
    floats(passing.scope, returned, "jvp")
    outs, structure = flatten(returned)
    out_tangents = [_tangent_out(o, tangent_of(o, level), inputs.nested) for o in outs]
    primal_out = outs if inputs.nested else [plain(o) for o in outs]
    return unflatten(structure, primal_out), unflatten(structure, out_tangents)


def jacfwd(f: Callable[..., Any], argnums: Argnums = 0) -> Callable[..., Any]:
    """Return a function computing the Jacobian of `f` by forward mode, in one pass.

    $$J_{ij} = \\frac{\\partial f_i}{\\partial x_j}$$

    of shape `f(x).shape + x.shape`. The n directions $e_1, \\dots, e_n$ of the input
    travel through the graph together (each tangent has a leading axis of n), so the
    cost grows with the number of inputs, not outputs: the mirror image of `jacrev`.
    Inside another transform it returns a Tensor node: `jacfwd(jacrev(f))` is the
    Hessian.

    Args:
        f: a function of numbers or arrays returning a Value or a Tensor.
        argnums: the positional argument(s) to differentiate with respect to; a tuple
            gives a tuple of Jacobians.

    Example:
        >>> import numpy as np, autograd_lite as ag
        >>> ag.jacfwd(lambda x: x * x[0])(np.array([2.0, 3.0]))   # (x0^2, x1 x0)
        array([[4., 0.],
               [3., 2.]])
    """
    check_function("jacfwd", f)

    def jac(*args: Any, **kwargs: Any) -> Any:
        inputs = Inputs(args, check_argnums(argnums, len(args), "jacfwd"), "jacfwd", True)
        nested = inputs.nested
        jacobians = []
        for node in inputs.leaves:  # one pass per argument, all its directions at once
            passing = forward_pass(nested, batched=True)
            with passing as level:
                note(node, level, _seed(node, None, nested))
                returned = f(*inputs.call_args, **kwargs)
            floats(passing.scope, returned, "jacfwd")
            out = _as_node(returned, "jacfwd")
            jacobians.append(_columns(out, node, tangent_of(out, level), nested))
        return tuple(jacobians) if isinstance(argnums, tuple) else jacobians[0]

    return jac


def _columns(out: Any, node: Any, t: Any, nested: bool) -> Any:
    """The tangents `(n, *out.shape)` of the n directions as a Jacobian `out.shape +
    x.shape`."""
    out_shape, x_shape = shape_of(out), shape_of(node)
    if t is None:
        zeros = np.zeros(out_shape + x_shape)
        if not zeros.shape:
            return Value(0.0) if nested else 0.0
        return Tensor(zeros) if nested else zeros
    if isinstance(out, Value):  # a Value's tangent: a number, for a Value input
        return t if nested else float(raw(t))
    n = int(t.shape[0])
    columns = t.reshape((n, -1)).transpose((1, 0)).reshape(out_shape + x_shape)
    if nested:
        return columns
    return float(columns) if not out_shape + x_shape else np.array(columns)


def hessian(f: Callable[..., Any], argnums: int = 0) -> Callable[..., Any]:
    """Return a function computing the Hessian of scalar-valued `f` of an array.

    $$H_{ij} = \\frac{\\partial^2 f}{\\partial x_i \\partial x_j}$$

    as `jacfwd(jacrev(f))`: the gradient by one backward pass (recorded), then its
    Jacobian by forward mode, all n columns in one pass. Shape `x.shape + x.shape`.

    Example:
        >>> import numpy as np, autograd_lite as ag
        >>> ag.hessian(lambda x: (x**3).sum())(np.array([1.0, 2.0]))
        array([[ 6.,  0.],
               [ 0., 12.]])
    """
    check_function("hessian", f)
    return jacfwd(jacrev(f, argnums), argnums)


def hvp(f: Callable[[Any], Any]) -> Callable[[Any, Any], Any]:
    """Return a function computing the Hessian-vector product $H(x)\\,v$ of scalar `f`.

    $$Hv = \\frac{\\partial}{\\partial h}\\nabla f(x + h v)\\Big|_{h=0}$$

    forward mode over reverse mode: one backward pass for the gradient, one tangent pass
    along v, without forming H (cost independent of the size of x).

    Example:
        >>> import numpy as np, autograd_lite as ag
        >>> ag.hvp(lambda x: (x**3).sum())(np.array([1.0, 2.0]), np.array([1.0, 1.0]))
        array([ 6., 12.])
    """
    check_function("hvp", f, "ag.hvp(f)(x, v), not ag.hvp(f(x))")
    gradient = grad(f)

    def product(x: Any, v: Any) -> Any:
        vs = np.shape(raw(v))
        xs = np.shape(raw(x))
        if vs != xs:
            raise ValueError(f"hvp: v has shape {vs} but x has shape {xs}")
        if not isinstance(x, (Value, Tensor)):
            x = np.asarray(x, dtype=float)
        return jvp(gradient, (x,), (v,))[1]

    return product


__all__ = ["hessian", "hvp", "jacfwd", "jvp"]
