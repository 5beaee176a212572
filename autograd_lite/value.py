"""`Value`: a scalar node of the computation graph, and its backward pass.

Every operation on Values returns a new Value that remembers its inputs (`_parents`),
its op (`_op`, a `Rule` from `rules.py`) and, for `x ** c`, the constant (`_ctx`).
`backward()` walks the graph output-first and applies the chain rule at every node:

$$\\frac{\\partial L}{\\partial x} \\mathrel{+}= \\frac{\\partial L}{\\partial out}
\\cdot \\frac{\\partial out}{\\partial x}$$

that is, `x.grad += g * local`, with `g` the upstream gradient and `local` the rule's
partial derivative. Nodes point only to their inputs, so a graph that is no longer
referenced is freed at once by reference counting.
"""

from __future__ import annotations

import numbers
from contextlib import nullcontext
from operator import attrgetter
from typing import Any

from . import rules as R
from .grad_mode import _State, _thread, dual, enable_grad, note_float
from .graph import gradients, topological_order
from .hooks import observe
from .tangent import noted

Number = int | float
_new = object.__new__
_grad_of = attrgetter("grad")


def _node(data: float, op: R.Rule, x: Value, y: Value | None = None, ctx: Any = None) -> Value:
    """Make the output of an op on x (and y), recording the graph unless grad mode is off.

    The inputs sit in two slots rather than a tuple: one object per node instead of two
    for the cycle collector to track, which halves its cost on large graphs.
    """
    out = _new(Value)
    out.data = data
    out.grad = 0.0
    out.label = ""
    if _State.enabled:
        out._x = x
        out._y = y
        out._op = op
    else:
        out._x = out._y = out._op = None
    out._ctx = ctx
    return out


_record = _node


def _checked_node(
    data: float, op: R.Elementwise, x: Value, y: Value | None = None, ctx: Any = None
) -> Value:
    """The node constructor while some thread has a watching mode on.

    `hooks.swap` puts it in `_node`'s place, and puts `_node` back after: the ops pay
    nothing for the modes when no one uses them. It makes the node `_node` makes, then:

    * in a plain `ag.jvp` (`grad_mode.dual`), gives it its tangent, a float, from the
      rule's partials: $\\dot u = \\partial u/\\partial x\\,\\dot x + \\partial
      u/\\partial y\\,\\dot y$. This is `tangent.push` on numbers, written out here so
      that a scalar op's tangent costs about what the op does (`bench/forward_mode.py`;
      a test pins the two together);
    * else hands it to this thread's modes (`hooks.observe`).
    """
    level = dual()
    if level is not None:
        notes: Any
        try:
            notes = x._notes
        except AttributeError:  # made before any mode was on: no tangent
            notes = None
        # its tangent: the node's one note, a pair (`tangent.note`); else `noted` looks
        tx = notes[1] if type(notes) is tuple and notes[0] is level else notes and noted(x, level)
        if y is None:
            t = None if tx is None else tx * op.partials[0](x.data, ctx, data)
        else:
            try:
                notes = y._notes
            except AttributeError:
                notes = None
            ty = (
                notes[1]
                if type(notes) is tuple and notes[0] is level
                else notes and noted(y, level)
            )
            partials, xd, yd = op.partials, x.data, y.data
            if ty is None:
                t = None if tx is None else tx * partials[0](xd, yd, data)
            elif tx is None:
                t = ty * partials[1](xd, yd, data)
            else:
                t = tx * partials[0](xd, yd, data) + ty * partials[1](xd, yd, data)
        if t is not None or _thread.dual is level:  # else a copied context: see `dual`
            out = _new(Value)  # as `_node` makes it, recording nothing (a plain jvp never does)
            out.data = data
            out.grad = 0.0
            out.label = ""
            out._x = out._y = out._op = None
            out._ctx = ctx
            out._notes = None if t is None else (level, t)
            return out
    out = _record(data, op, x, y, ctx)
    observe(out, op, (x, y), ctx)
    return out


def _mix_error(op: str, other: object) -> TypeError:
    kind = type(other).__name__
    if kind == "Tensor":
        hint = (
            "a Value holds one number and a Tensor an array; turn the Value into a Tensor "
            "with ag.Tensor(v.data), or the one-element Tensor into a number with t.item()"
        )
    else:
        hint = "a Value combines with Values and numbers (int, float); for arrays use ag.Tensor"
    return TypeError(f"{op}: cannot combine a Value with {kind} {other!r:.60}; {hint}")


def _number(other: object, op: str) -> float:
    """A plain number as the float constant of an op; refuse anything else."""
    if type(other) is float:
        return other
    if isinstance(other, numbers.Real) and not isinstance(other, bool):
        return float(other)
    raise _mix_error(op, other)


class Value:
    """A scalar that records the operations applied to it, for reverse-mode autodiff.

    Args:
        data: the number (int, float or a NumPy scalar); stored as a Python float.
        label: a name shown by the visualizer and in error messages.

    Attributes:
        data: the value, a Python float.
        grad: $\\partial L / \\partial$ this node after `L.backward()`; 0.0 before.
        label: the name given, or "".

    Example:
        >>> import autograd_lite as ag
        >>> x = ag.Value(3.0, label="x")
        >>> y = x * x + 2 * x        # dy/dx = 2x + 2
        >>> y.backward()
        >>> x.grad
        8.0
    """

    # `_notes`: what a watching mode notes on the node (hooks.py): the line that made it,
    # its tangents in forward mode: None (or not set) for nothing, else as `tangent.note`
    # says.
    __slots__ = ("_ctx", "_notes", "_op", "_x", "_y", "data", "grad", "label")
    requires_grad = True  # every Value takes part in backward (read by the shared loops)
    _retain = False  # and keeps its grad
    __array_ufunc__ = None  # NumPy scalars defer to our operators: np.float64(2) * v is a Value

    data: float
    grad: Any  # a float, or a Value after backward(create_graph=True)
    label: str
    _x: Value | None
    _y: Value | None
    _op: R.Rule | None
    _ctx: Any
    _notes: tuple[Any, Any] | dict[Any, Any] | None

    def __init__(self, data: float, label: str = "") -> None:
        if type(data) is float:  # the common case; numbers.Real's check is slow
            pass
        elif isinstance(data, Value):
            data = data.data
        elif not isinstance(data, numbers.Real) or isinstance(data, bool):
            raise TypeError(
                f"Value: expected a real number, got {type(data).__name__} {data!r:.60}; "
                "for arrays use ag.Tensor"
            )
        if not isinstance(label, str):
            raise TypeError(f"Value: label must be a str, got {type(label).__name__}")
        self.data = float(data)
        self.grad = 0.0
        self.label = label
        self._x = self._y = None
        self._op = None
        self._ctx = None
        self._notes = None

    # ------------------------------------------------------------ ops, each one Rule
    # A plain number operand is kept as the op's constant (`_ctx`), not made a node:
    # `y * 1.0001 + 0.0001` costs two nodes, not four.
    def _unary(self, rule: R.Rule, c: Any = None) -> Value:
        """Apply a one-input rule (with its constants `c`, as the exponent of `x ** c`)."""
        data = rule.scalar(self.data) if c is None else rule.scalar(self.data, c)  # type: ignore[misc]
        return _node(data, rule, self, None, c)

    def _binary(self, rule: R.Rule, other: Value | Number) -> Value:
        """Apply a two-input rule to this node and `other`, a Value or a constant."""
        if isinstance(other, Value):
            return _node(rule.scalar(self.data, other.data), rule, self, other)  # type: ignore[misc]
        return self._unary(rule, _number(other, rule.name))

    def __add__(self, other: Value | Number) -> Value:
        """$x + y$: $\\partial/\\partial x = 1$, $\\partial/\\partial y = 1$."""
        if type(other) is Value:
            return _node(self.data + other.data, R.ADD, self, other)
        if type(other) is float:
            return _node(self.data + other, R.ADD, self, None, other)
        return self._binary(R.ADD, other)

    def __radd__(self, other: Number) -> Value:
        return self.__add__(other)

    def __sub__(self, other: Value | Number) -> Value:
        """$x - y$: $\\partial/\\partial x = 1$, $\\partial/\\partial y = -1$."""
        if type(other) is Value:
            return _node(self.data - other.data, R.SUB, self, other)
        if type(other) is float:
            return _node(self.data - other, R.SUB, self, None, other)
        return self._binary(R.SUB, other)

    def __rsub__(self, other: Number) -> Value:
        """$c - x$ for a number c: $\\partial/\\partial x = -1$."""
        return self._unary(R.RSUB, _number(other, "sub"))

    def __mul__(self, other: Value | Number) -> Value:
        """$x y$: $\\partial/\\partial x = y$, $\\partial/\\partial y = x$."""
        if type(other) is Value:
            return _node(self.data * other.data, R.MUL, self, other)
        if type(other) is float:
            return _node(self.data * other, R.MUL, self, None, other)
        return self._binary(R.MUL, other)

    def __rmul__(self, other: Number) -> Value:
        return self.__mul__(other)

    def __truediv__(self, other: Value | Number) -> Value:
        """$x / y$: $\\partial/\\partial x = 1/y$, $\\partial/\\partial y = -x/y^2$."""
        return self._binary(R.DIV, other)

    def __rtruediv__(self, other: Number) -> Value:
        """$c / x$ for a number c: $\\partial/\\partial x = -c/x^2$."""
        return self._unary(R.RDIV, _number(other, "div"))

    def __mod__(self, other: Value | Number) -> Value:
        """$x \\bmod y = x - y\\lfloor x/y \\rfloor$ (the sign of y, as Python):
        $\\partial/\\partial x = 1$, $\\partial/\\partial y = -\\lfloor x/y \\rfloor$."""
        return self._binary(R.MOD, other)

    def __rmod__(self, other: Number) -> Value:
        return Value(_number(other, "mod"))._binary(R.MOD, self)

    def __neg__(self) -> Value:
        """$-x$: $\\partial/\\partial x = -1$."""
        return _node(-self.data, R.NEG, self)

    def __pos__(self) -> Value:
        return self

    def __pow__(self, other: Value | Number) -> Value:
        """$x^c$ for a number c ($\\partial/\\partial x = c x^{c-1}$), or $x^y$ for a Value y.

        For a Value exponent, $\\partial x^y/\\partial y = x^y \\log x$ (0 where x = 0).
        """
        if isinstance(other, bool) or not isinstance(other, (Value, numbers.Real)):
            raise _mix_error("pow", other)
        return self._binary(R.POW, other)

    def __rpow__(self, other: Number) -> Value:
        """$c^x$ for a number c: $\\partial/\\partial x = c^x \\log c$ (0 for c = 0)."""
        return self._unary(R.RPOW, _number(other, "pow"))

    def exp(self) -> Value:
        """$e^x$: $\\partial/\\partial x = e^x$."""
        return self._unary(R.EXP)

    def log(self) -> Value:
        """$\\ln x$ for x > 0: $\\partial/\\partial x = 1/x$."""
        return self._unary(R.LOG)

    def tanh(self) -> Value:
        """$\\tanh x$: $\\partial/\\partial x = 1 - \\tanh^2 x$."""
        return self._unary(R.TANH)

    def sigmoid(self) -> Value:
        """$\\sigma(x) = 1/(1+e^{-x})$: $\\partial/\\partial x = \\sigma(x)(1-\\sigma(x))$."""
        return self._unary(R.SIGMOID)

    def relu(self) -> Value:
        """$\\max(x, 0)$: $\\partial/\\partial x = 1$ for x > 0, else 0 (also at x = 0)."""
        return self._unary(R.RELU)

    def sin(self) -> Value:
        """$\\sin x$: $\\partial/\\partial x = \\cos x$."""
        return self._unary(R.SIN)

    def cos(self) -> Value:
        """$\\cos x$: $\\partial/\\partial x = -\\sin x$."""
        return self._unary(R.COS)

    def tan(self) -> Value:
        """$\\tan x$: $\\partial/\\partial x = 1 + \\tan^2 x$."""
        return self._unary(R.TAN)

    def arcsin(self) -> Value:
        """$\\arcsin x$ for $|x| \\le 1$: $\\partial/\\partial x = 1/\\sqrt{1 - x^2}$."""
        return self._unary(R.ARCSIN)

    def arccos(self) -> Value:
        """$\\arccos x$ for $|x| \\le 1$: $\\partial/\\partial x = -1/\\sqrt{1 - x^2}$."""
        return self._unary(R.ARCCOS)

    def arctan(self) -> Value:
        """$\\arctan x$: $\\partial/\\partial x = 1/(1 + x^2)$."""
        return self._unary(R.ARCTAN)

    def sinh(self) -> Value:
        """$\\sinh x$: $\\partial/\\partial x = \\cosh x$."""
        return self._unary(R.SINH)

    def cosh(self) -> Value:
        """$\\cosh x$: $\\partial/\\partial x = \\sinh x$."""
        return self._unary(R.COSH)

    def arcsinh(self) -> Value:
        """$\\operatorname{arsinh} x$: $\\partial/\\partial x = 1/\\sqrt{x^2 + 1}$."""
        return self._unary(R.ARCSINH)

    def arccosh(self) -> Value:
        """$\\operatorname{arcosh} x$ for x >= 1: $\\partial/\\partial x = 1/\\sqrt{x^2 - 1}$."""
        return self._unary(R.ARCCOSH)

    def arctanh(self) -> Value:
        """$\\operatorname{artanh} x$ for $|x| < 1$: $\\partial/\\partial x = 1/(1 - x^2)$."""
        return self._unary(R.ARCTANH)

    def cbrt(self) -> Value:
        """$\\sqrt[3]{x}$, for x of either sign: $\\partial/\\partial x = 1/(3\\sqrt[3]{x}^2)$."""
        return self._unary(R.CBRT)

    def sqrt(self) -> Value:
        """$\\sqrt{x}$ for x >= 0: $\\partial/\\partial x = 1/(2\\sqrt{x})$."""
        return self._unary(R.SQRT)

    def abs(self) -> Value:
        """$|x|$: $\\partial/\\partial x = \\mathrm{sign}(x)$, taken as 0 at x = 0."""
        return self._unary(R.ABS)

    def log1p(self) -> Value:
        """$\\ln(1 + x)$, exact for tiny x: $\\partial/\\partial x = 1/(1 + x)$."""
        return self._unary(R.LOG1P)

    def expm1(self) -> Value:
        """$e^x - 1$, exact for tiny x: $\\partial/\\partial x = e^x$."""
        return self._unary(R.EXPM1)

    def log2(self) -> Value:
        """$\\log_2 x$: $\\partial/\\partial x = 1/(x \\ln 2)$."""
        return self._unary(R.LOG2)

    def log10(self) -> Value:
        """$\\log_{10} x$: $\\partial/\\partial x = 1/(x \\ln 10)$."""
        return self._unary(R.LOG10)

    def exp2(self) -> Value:
        """$2^x$: $\\partial/\\partial x = 2^x \\ln 2$."""
        return self._unary(R.EXP2)

    def sign(self) -> Value:
        """$\\mathrm{sign}(x)$, one of -1, 0, 1: $\\partial/\\partial x = 0$ (as NumPy)."""
        return self._unary(R.SIGN)

    def floor(self) -> Value:
        """$\\lfloor x \\rfloor$: $\\partial/\\partial x = 0$ (as NumPy and PyTorch)."""
        return self._unary(R.FLOOR)

    def ceil(self) -> Value:
        """$\\lceil x \\rceil$: $\\partial/\\partial x = 0$ (as NumPy and PyTorch)."""
        return self._unary(R.CEIL)

    def erf(self) -> Value:
        """$\\mathrm{erf}(x) = \\frac{2}{\\sqrt\\pi}\\int_0^x e^{-t^2}dt$.

        $\\partial/\\partial x = \\frac{2}{\\sqrt\\pi}e^{-x^2}$.
        """
        return self._unary(R.ERF)

    def softplus(self) -> Value:
        """$\\ln(1 + e^x)$, finite for any x: $\\partial/\\partial x = \\sigma(x)$."""
        return self._unary(R.SOFTPLUS)

    def __abs__(self) -> Value:
        return self._unary(R.ABS)

    def leaky_relu(self, negative_slope: float = 0.01) -> Value:
        """$x$ for x > 0, else $s x$: $\\partial/\\partial x = 1$ or $s$ (s = negative_slope)."""
        return self._unary(R.LEAKY_RELU, float(negative_slope))

    def clip(self, lo: float, hi: float) -> Value:
        """$\\min(\\max(x, lo), hi)$: $\\partial/\\partial x = 1$ for lo <= x <= hi, else 0."""
        return self._unary(R.CLIP, R.clip_bounds(lo, hi))

    def square(self) -> Value:
        """$x^2$ (as `x ** 2`): $\\partial/\\partial x = 2x$."""
        return R.SQUARE(self)

    def reciprocal(self) -> Value:
        """$1/x$ (as `1 / x`): $\\partial/\\partial x = -1/x^2$."""
        return R.RECIPROCAL(self)

    def gelu(self) -> Value:
        """$x\\,\\Phi(x)$, the exact GELU: $\\partial/\\partial x = \\Phi(x) + x\\,\\varphi(x)$."""
        return R.GELU(self)

    @property
    def _parents(self) -> tuple[Value, ...]:
        """The inputs of the op that made this node: (), (x,) or (x, y)."""
        x, y = self._x, self._y
        if y is not None:
            return (x, y)  # type: ignore[return-value]
        return () if x is None else (x,)

    # ------------------------------------------------------------ comparisons and conversion
    def __lt__(self, other: Value | Number) -> bool:
        return self.data < float(other)

    def __le__(self, other: Value | Number) -> bool:
        return self.data <= float(other)

    def __gt__(self, other: Value | Number) -> bool:
        return self.data > float(other)

    def __ge__(self, other: Value | Number) -> bool:
        return self.data >= float(other)

    def __float__(self) -> float:
        """`float(v)`, and what `math.sin(v)` calls: the number (inside a transform, noted:
        `grad_mode.note_float`, as what comes of it has no derivative)."""
        note_float()
        return self.data

    def __int__(self) -> int:
        """`int(v)`: the number truncated toward zero, as `int(v.data)`."""
        note_float()
        return int(self.data)

    def __format__(self, spec: str) -> str:
        """`f"{loss:.4f}"` formats the number; with no format spec, `str(v)`."""
        return format(self.data, spec) if spec else str(self)

    def __repr__(self) -> str:
        label = f"{self.label!r}, " if self.label else ""
        grad = self.grad
        shown = f"{grad:.6g}" if type(grad) is float else f"Value({grad.data:.6g})"
        return f"Value({label}data={self.data:.6g}, grad={shown})"

    def draw(self, **options: Any) -> Any:
        """A picture of the graph that made this node, with the local derivative on every edge.

        Jupyter shows it inline; `.save("graph.svg")` writes it. Needs no Graphviz.
        Options are those of `ag.viz.draw` (rankdir, show, max_nodes, step, ...).
        """
        from .viz import draw  # the engine never imports the visualizer at import time

        return draw(self, **options)

    # ------------------------------------------------------------ backward
    def backward(self, create_graph: bool = False) -> None:
        """Apply the chain rule from this node to every node it depends on.

        Seeds $\\partial L/\\partial L = 1$ at this node, then visits the graph in
        reverse topological order, adding `g * local` to each input's `.grad`. Every
        node keeps its `.grad`. A second call adds the same gradients again
        (accumulation, as in PyTorch); reset with `zero_grad()` on a model or by hand.

        Args:
            create_graph: make every `.grad` a Value recorded as a graph of its own,
                so it can be differentiated again (higher-order derivatives).

        Example:
            >>> import autograd_lite as ag
            >>> x = ag.Value(2.0)
            >>> y = x ** 3
            >>> y.backward(create_graph=True)
            >>> dydx = x.grad          # 3x^2 = 12, itself a Value
            >>> x.grad = 0.0
            >>> dydx.backward()
            >>> x.grad                 # d2y/dx2 = 6x = 12
            12.0
        """
        order = topological_order(self)
        if create_graph or _State.anomaly:  # the general loop (it checks each step)
            with enable_grad() if create_graph else nullcontext():
                grads = gradients(self, 1.0, order, create_graph=create_graph)
            for node in order:
                if node in grads:
                    g, before = grads[node], node.grad
                    # Assign onto a fresh 0.0: no `0 + ...` node in the gradient's graph.
                    node.grad = g if type(before) is float and before == 0.0 else before + g
            return
        # Each pass adds only its own contribution: grads left by an earlier pass are set
        # aside, or they would be pushed through the graph a second time. (The list of
        # them is made only when there are some: it would cost 8 bytes a node.)
        accumulated = any(map(_grad_of, order))
        previous = [node.grad for node in order] if accumulated else []
        if accumulated:
            for node in order:
                node.grad = 0.0
        self.grad = 1.0
        try:
            for node in order:
                op = node._op
                if op is None:
                    continue
                g = node.grad
                x = node._x
                y = node._y
                if y is not None:
                    partials = op.partials
                    x.grad += g * partials[0](x.data, y.data, node.data)
                    y.grad += g * partials[1](x.data, y.data, node.data)
                elif x is not None:
                    x.grad += g * op.partials[0](x.data, node._ctx, node.data)
                else:  # an op of any number of inputs (ag.Function): its rule's vjp
                    _many_step(node, g)
        except ZeroDivisionError:
            if x is None:
                raise
            raise ZeroDivisionError(
                f"backward: the derivative of {op.name} ({op.expr}) is infinite at "
                f"x = {x.data!r}; its formula {op.formulas} divides by zero there"
            ) from None
        finally:
            if accumulated:
                for node, before in zip(order, previous):
                    node.grad += before


class ManyInputs(Value):
    """A Value made by an op of any number of inputs (an `ag.Function`): they sit in a
    tuple, and its rule is structural (a `vjp`, called once per input)."""

    __slots__ = ("_inputs",)
    _inputs: tuple[Any, ...]

    @property
    def _parents(self) -> tuple[Any, ...]:
        return self._inputs


def _many_step(node: ManyInputs, g: float) -> None:
    """The backward step of a `ManyInputs` node, on numbers: each input gets its vjp."""
    op, parents = node._op, node._inputs
    xs = tuple(p.data for p in parents)
    for i, parent in enumerate(parents):
        parent.grad += op.vjp(g, xs, node._ctx, node.data, i)  # type: ignore[union-attr]
