"""`ag.Function`: an op of your own, with the backward you write, shaped like PyTorch's.

    class Exp(ag.Function):
        @staticmethod
        def forward(ctx, x):
            out = x.exp()
            ctx.save_for_backward(out)
            return out

        @staticmethod
        def backward(ctx, g):
            (out,) = ctx.saved_tensors
            return g * out

    y = Exp.apply(x)

`forward` runs under `no_grad` on the inputs as given (Values, Tensors, and any other
arguments), so nothing inside it is recorded: the graph gets one node for the whole call,
drawn with the class's name. `backward` gets one upstream gradient per output (a node
of the output's kind) and returns one gradient per input of `forward` (None for an input
that needs none). Written with the library's ops on `ctx.saved_tensors`, it is
differentiable again: under `create_graph=True` it is recorded like any other op.

Each Function class gets one `FunctionRule`, a structural rule of the table's kind, whose
`vjp` calls `backward` and checks what it returns, and whose `jvp` calls the class's
`jvp(ctx, *tangents)` if it has one, or else transposes `backward` (the tangent $J t$ is
the gradient of $\\langle \\mathrm{backward}(g), t \\rangle$ with respect to g).
"""

from __future__ import annotations

import inspect
import numbers
from typing import Any, ClassVar

import numpy as np

from . import tensor as T
from .grad_mode import _State, enable_grad, no_grad
from .hooks import observe
from .rules import STACK, Show, Structural, sum_to
from .tensor import Tensor, _constant, raw
from .transforms import pullback
from .value import ManyInputs, Value

Node = Value | Tensor


class FunctionCtx:
    """What `forward` leaves for `backward`: saved tensors and any attributes you set.

    Attributes:
        saved_tensors: the tuple given to `save_for_backward`.
        needs_input_grad: per input of `forward`, whether it needs a gradient.
    """

    def __init__(self, needs_input_grad: tuple[bool, ...]) -> None:
        self.saved_tensors: tuple[Any, ...] = ()
        self.needs_input_grad = needs_input_grad

    def save_for_backward(self, *tensors: Any) -> None:
        """Keep inputs or outputs for `backward` (read them as `ctx.saved_tensors`)."""
        self.saved_tensors = tensors


class _Call:
    """One call of `apply`: what every output node's backward step needs.

    The user's `backward` computes the gradients of all inputs at once; the engine asks
    for them one input at a time, so the result is kept until the last node input that
    needs a gradient (`final`) has had its own, then dropped.
    """

    __slots__ = ("cls", "ctx", "final", "last", "outputs", "positions")

    def __init__(
        self, cls: type[Function], ctx: FunctionCtx, positions: tuple[int, ...], final: int
    ) -> None:
        self.cls = cls
        self.ctx = ctx
        self.positions = positions  # where each node input sits among forward's inputs
        self.final = final
        self.outputs: list[Any] = []  # the data of each output (zeros for the others' g)
        self.last: tuple[Any, int, list[Any]] | None = None

    @property
    def n_inputs(self) -> int:
        """How many inputs forward takes (nodes or not)."""
        return len(self.ctx.needs_input_grad)

    def gradients(self, g: Any, j: int, xs: tuple[Any, ...]) -> list[Any]:
        """backward's gradient for each node input, given g for output j (0 for others)."""
        if self.last is not None and self.last[0] is g and self.last[1] == j:
            return self.last[2]
        # Under create_graph the engine passes the inputs as nodes: record backward then.
        recorded = isinstance(g, (Value, Tensor)) or any(
            isinstance(x, (Value, Tensor)) for x in xs
        )
        grads = [_as_node(g if k == j else _zero(out)) for k, out in enumerate(self.outputs)]
        with enable_grad() if recorded else no_grad():
            returned = self.cls.backward(self.ctx, *grads)
        result = _check(self.cls, returned, self.n_inputs, self.positions, xs, recorded)
        self.last = (g, j, result)
        return result


def _zero(out: Any) -> Any:
    return 0.0 if isinstance(out, float) else np.zeros_like(out)


def _as_node(g: Any) -> Any:
    """An upstream gradient as a node of its kind, as PyTorch hands backward tensors."""
    if isinstance(g, (Value, Tensor)):
        return g
    if isinstance(g, np.ndarray):
        return _constant(g)
    return Value(float(g))


def _input_names(cls: type[Function]) -> list[str]:
    try:
        params = list(inspect.signature(cls.forward).parameters.values())[1:]
    except (TypeError, ValueError):
        return []
    return [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]


def _named(cls: type[Function], position: int) -> str:
    names = _input_names(cls)
    return f"input {position}" + (f" ({names[position]})" if position < len(names) else "")


def _check(
    cls: type[Function],
    returned: Any,
    n_inputs: int,
    positions: tuple[int, ...],
    xs: tuple[Any, ...],
    recorded: bool,
) -> list[Any]:
    """The gradient of each node input from what backward returned, or a sentence."""
    grads = returned if isinstance(returned, tuple) else (returned,)
    if len(grads) != n_inputs:
        raise RuntimeError(
            f"{cls.__name__}.backward returned {len(grads)} gradient(s), but forward takes "
            f"{n_inputs} input(s); return one per input of forward, in order (None for an "
            "input that needs no gradient)"
        )
    result = []
    for position, x in zip(positions, xs):
        g = grads[position]
        data = raw(x)
        if g is None:
            g = _zero(data)
        elif not recorded and isinstance(g, (Value, Tensor)):
            g = g.data
        shape = np.shape(raw(g))
        if isinstance(data, float):
            if shape not in ((), (1,)):
                raise RuntimeError(
                    f"{cls.__name__}.backward: the gradient for {_named(cls, position)} has "
                    f"shape {shape}, but that input is a Value; return a number"
                )
            if not recorded:
                g = float(np.asarray(g).reshape(()))
        elif shape != data.shape:
            try:
                fits = np.broadcast_shapes(data.shape, shape) == shape
            except ValueError:
                fits = False
            if not fits:
                raise RuntimeError(
                    f"{cls.__name__}.backward: the gradient for {_named(cls, position)} has "
                    f"shape {shape}, but that input has shape {data.shape}; return a "
                    "gradient shaped like its input"
                )
            g = sum_to(g, data.shape)  # a broadcast gradient, summed back as PyTorch does
        result.append(g)
    return result


class FunctionRule(Structural):
    """The table entry of one `Function` class: drawn with the class's name.

    Its `vjp` runs the class's `backward` (once per call, kept for the other inputs);
    its `jvp` runs the class's `jvp`, or transposes `backward`.
    """

    __slots__ = ()

    def __init__(self, cls: type[Function]) -> None:
        doc = inspect.getdoc(cls.forward) or ""
        expr = doc.splitlines()[0] if doc and cls.forward is not Function.forward else ""
        super().__init__(
            cls.__name__,
            expr or f"{cls.__name__}.forward(ctx, ...)",
            _no_array,
            self._vjp,
            f"{cls.__name__}.backward(ctx, g)",
            jvp=self._jvp,
            variadic=True,
            show=Show("call", cls.__name__),
            doc=inspect.getdoc(cls) or "",
        )

    def _vjp(self, g: Any, xs: tuple[Any, ...], c: tuple[_Call, int], out: Any, i: int) -> Any:
        call, j = c
        grads = call.gradients(g, j, xs)
        if i >= call.final:  # every input that needs a gradient has had it
            call.last = None
        return grads[i]

    def _jvp(
        self, ts: tuple[Any, ...], xs: tuple[Any, ...], c: tuple[_Call, int], out: Any
    ) -> Any:
        call, j = c
        shaped = isinstance(raw(out), np.ndarray)
        k = next(int(t.shape[0]) for t in ts if t is not None) if shaped else 1
        directions = [
            [None if t is None else (t[b] if shaped else t) for t in ts] for b in range(k)
        ]
        columns = _tangents(call, j, directions, xs, out)
        if not shaped:
            return columns[0]
        if all(isinstance(col, np.ndarray) for col in columns):
            return np.stack(columns)
        return STACK([col if isinstance(col, Tensor) else Tensor(col) for col in columns], 0)


def _no_array(*args: Any) -> Any:
    raise TypeError("a Function's forward runs through Function.apply, not the rule table")


def _tangents(
    call: _Call, j: int, directions: list[list[Any]], xs: tuple[Any, ...], out: Any
) -> list[Any]:
    """The tangent of output j for each direction (one tangent per input, None where it
    does not move): the class's jvp, or backward transposed."""
    cls = call.cls
    nodes = isinstance(out, (Value, Tensor))
    if cls.jvp is not Function.jvp:
        found = []
        for ts in directions:
            tangents: list[Any] = [None] * call.n_inputs
            for position, t in zip(call.positions, ts):
                tangents[position] = t
            with enable_grad() if nodes else no_grad():
                returned = cls.jvp(call.ctx, *tangents)
            t_out = (returned if isinstance(returned, tuple) else (returned,))[j]
            found.append(t_out if nodes else raw(t_out))
        return found
    # J t = d/dg <backward(g), t>: backward is linear in g, so differentiate it once more.
    # backward runs once, recorded; each direction is one pass back through it.
    data = raw(out)
    g = Value(0.0) if isinstance(data, float) else Tensor(np.zeros_like(data), requires_grad=True)
    with enable_grad():
        grads = call.gradients(g, j, xs)
    call.last = None  # the recorded gradients are not the engine's
    found = []
    for ts in directions:
        with enable_grad():
            pairs = [(grad, t) for grad, t in zip(grads, ts) if t is not None]
            if any(not isinstance(grad, (Value, Tensor)) for grad, _ in pairs):
                raise NotImplementedError(
                    f"{cls.__name__}: forward mode needs a staticmethod jvp(ctx, *tangents), "
                    "or a backward written with the library's ops on g (it returned plain "
                    "numbers)"
                )
            total: Any = 0.0
            for grad, t in pairs:
                product = grad * t
                total = total + (product.sum() if isinstance(product, Tensor) else product)
        seed = np.ones_like(total.data) if isinstance(total, Tensor) else 1.0
        (tangent,) = pullback(total, seed, [g], nodes)
        found.append(_zero(data) if tangent is None else tangent)
    return found


class Function:
    """A differentiable op of your own: subclass it, write `forward` and `backward`.

    Shaped like `torch.autograd.Function`: both are static methods taking a context
    `ctx` first; call the op as `MyOp.apply(*inputs)`. The result is one node (or a tuple
    of nodes, if `forward` returns a tuple) whose op is drawn with the class's name.

    `forward(ctx, *inputs)` gets the inputs as given and runs without recording. Save
    what backward needs with `ctx.save_for_backward(...)`; set any other attribute on ctx.
    It returns a Value or a number (for Value inputs), or a Tensor or an array.

    `backward(ctx, *grads)` gets $\\partial L/\\partial\\,out$ for each output and returns
    $\\partial L/\\partial\\,input$ for each input of forward, in order: a vector-Jacobian
    product. Return None for an input that needs none. A gradient of the wrong shape or
    the wrong number of them raises, naming the class and the input.

    `jvp(ctx, *tangents)` (optional) gives forward mode: the output's tangent from the
    inputs' (None for an input that does not move). Without it, forward mode
    (`ag.jvp`, `ag.jacfwd`) transposes `backward`, which then has to be written with the
    library's ops on g.

    Example:
        >>> import autograd_lite as ag
        >>> class Cube(ag.Function):
        ...     @staticmethod
        ...     def forward(ctx, x):
        ...         ctx.save_for_backward(x)
        ...         return x ** 3
        ...     @staticmethod
        ...     def backward(ctx, g):
        ...         (x,) = ctx.saved_tensors
        ...         return g * 3 * x ** 2
        >>> x = ag.Value(2.0)
        >>> y = Cube.apply(x)
        >>> y.backward()
        >>> (y.data, x.grad, y._op.name)
        (8.0, 12.0, 'Cube')
    """

    _rule: ClassVar[FunctionRule]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._rule = FunctionRule(cls)

    def __new__(cls, *args: Any, **kwargs: Any) -> Function:
        """Refused: a Function is its static methods, used as `MyOp.apply(x)`; `MyOp(x)`
        and `MyOp()(x)` are the older PyTorch spellings."""
        raise TypeError(
            f"{cls.__name__}(...): an ag.Function is not instantiated; call "
            f"{cls.__name__}.apply(...) with the inputs of its forward"
        )

    @staticmethod
    def forward(ctx: FunctionCtx, *inputs: Any) -> Any:
        """The op's result from its inputs (no graph is recorded here)."""
        raise NotImplementedError("subclass ag.Function and write a static forward(ctx, ...)")

    @staticmethod
    def backward(ctx: FunctionCtx, *grads: Any) -> Any:
        """One gradient per input of forward, from one upstream gradient per output."""
        raise NotImplementedError("subclass ag.Function and write a static backward(ctx, g)")

    @staticmethod
    def jvp(ctx: FunctionCtx, *tangents: Any) -> Any:
        """The output's tangent from the inputs' (optional: forward mode)."""
        raise NotImplementedError

    @classmethod
    def apply(cls, *inputs: Any) -> Any:
        """Run the op on `inputs`: a node whose backward is `backward`."""
        if cls is Function:
            raise TypeError("ag.Function.apply: subclass ag.Function and call MyOp.apply(...)")
        for method, signature in (
            ("forward", "forward(ctx, *inputs)"),
            ("backward", "backward(ctx, *grads)"),
        ):
            if getattr(cls, method) is getattr(Function, method):
                raise TypeError(
                    f"{cls.__name__}.apply: {cls.__name__} has no {method}; write it as a "
                    f"static method, @staticmethod def {signature}"
                )
        nodes = tuple(x for x in inputs if isinstance(x, (Value, Tensor)))
        positions = tuple(i for i, x in enumerate(inputs) if isinstance(x, (Value, Tensor)))
        needs = tuple(isinstance(x, (Value, Tensor)) and bool(x.requires_grad) for x in inputs)
        ctx = FunctionCtx(needs)
        with no_grad():
            returned = cls.forward(ctx, *inputs)
        several = isinstance(returned, tuple)
        outputs = returned if several else (returned,)
        wanted = [k for k, x in enumerate(nodes) if x.requires_grad]
        call = _Call(cls, ctx, positions, wanted[-1] if wanted else -1)
        made = []
        for j, out in enumerate(outputs):
            data = _data(cls, out, nodes)
            call.outputs.append(data)
            made.append(_output(cls._rule, data, nodes, (call, j)))
        return tuple(made) if several else made[0]


def _data(cls: type[Function], out: Any, nodes: tuple[Node, ...]) -> Any:
    """What forward returned, as a float (a Value's) or an ndarray (a Tensor's)."""
    if isinstance(out, Value) or (isinstance(out, numbers.Real) and not isinstance(out, bool)):
        if any(isinstance(x, Tensor) for x in nodes):
            raise TypeError(
                f"{cls.__name__}.forward returned a number, but it takes Tensors; return a "
                "Tensor (or an array), which may hold one element"
            )
        return float(raw(out))
    if isinstance(out, (Tensor, np.ndarray)):
        data = out.data if isinstance(out, Tensor) else out
        if data.dtype.kind != "f":
            data = data.astype(np.float64)
        return data
    raise TypeError(
        f"{cls.__name__}.forward returned {type(out).__name__}; return a Value or a number "
        "(for Values), a Tensor or an array, or a tuple of them"
    )


def _output(rule: FunctionRule, data: Any, nodes: tuple[Node, ...], ctx: Any) -> Node:
    if isinstance(data, np.ndarray):
        if not nodes:
            return _constant(data)
        return T._make(data, rule, nodes, ctx)  # type: ignore[arg-type]  # Values too (stack)
    out = ManyInputs.__new__(ManyInputs)
    out.data = data
    out.grad = 0.0
    out.label = ""
    out._x = out._y = None
    if _State.enabled and nodes:
        out._inputs = nodes
        out._op = rule
    else:
        out._inputs = ()
        out._op = None
    out._ctx = ctx
    if _State.anomaly or _State.levels:
        observe(out, rule, nodes, ctx)
    return out


__all__ = ["Function", "FunctionCtx", "FunctionRule"]
