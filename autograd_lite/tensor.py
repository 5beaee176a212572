"""`Tensor`: a NumPy array that records the operations applied to it.

The same idea as `Value`, one array at a time: every op returns a Tensor remembering its
inputs, its `Rule` and any constant (an axis, a shape, an index). The backward pass
visits nodes output-first; for an elementwise op it multiplies the upstream gradient by
the local derivative and sums the result back to the input's shape (undoing NumPy
broadcasting); for a structural op (`@`, `sum`, indexing, ...) it calls the rule's
vector-Jacobian product. Only leaves with `requires_grad=True` (and nodes that asked
with `retain_grad()`) keep a `.grad`; the gradients of intermediate nodes are dropped as
soon as they have been passed on.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import nullcontext
from typing import Any

import numpy as np

from . import dispatch
from . import rules as R
from .grad_mode import _State, _thread, dual, enable_grad, note_float
from .graph import gradients as graph_gradients
from .graph import topological_order
from .hooks import observe
from .memory import keep_freed_memory
from .tangent import dual_notes, noted, times
from .value import Value

_new = object.__new__


def _make(data: Any, op: R.Rule, parents: tuple[Tensor, ...], ctx: Any = None) -> Tensor:
    """Make an op's output; record the graph if grad mode is on and an input needs it."""
    out = _new(Tensor)
    out.data = data if type(data) is np.ndarray else np.asarray(data)
    out.grad = None
    out.label = ""
    out._ctx = ctx
    out._retain = False
    if _State.enabled and (
        parents[0].requires_grad
        or (len(parents) == 2 and parents[1].requires_grad)
        or (len(parents) > 2 and any(p.requires_grad for p in parents[1:]))
    ):
        out.requires_grad = True
        out._parents = parents
        out._op = op
    else:
        out.requires_grad = False
        out._parents = ()
        out._op = None
    return out


_record = _make


def _checked_make(data: Any, op: R.Rule, parents: tuple[Tensor, ...], ctx: Any = None) -> Tensor:
    """`_make`, then what the watching modes of this thread do with the new node (in
    `_make`'s place while some thread has such a mode on, as `value._checked_node`).

    In a plain `ag.jvp` or `ag.jacfwd` (`grad_mode.dual`) that is the tangent alone,
    given at once (`tangent.dual_notes`); for a jvp's elementwise op (one direction,
    shaped like its node) written out here, as `tangent._elementwise` computes it: on
    small arrays the Python around the products is most of the step
    (`bench/forward_mode.py`; a test pins the two together).
    """
    level = dual()
    if level is not None:
        # As `_make` makes it, recording nothing (a plain jvp never does):
        out = _constant(data if type(data) is np.ndarray else np.asarray(data), ctx)
        if not op.elementwise or level.batched:
            notes = dual_notes(out, op, parents, ctx, level)
        else:  # the inputs' tangents, each shaped like its node
            data = out.data
            partials = op.partials  # type: ignore[attr-defined]  # an Elementwise rule's
            x = parents[0]
            try:
                notes = x._notes
            except AttributeError:  # made before any mode was on: no tangent
                notes = None
            # its tangent: the node's one note, a pair (`tangent.note`); else `noted` looks
            tx = (
                notes[1]
                if type(notes) is tuple and notes[0] is level
                else notes and noted(x, level)
            )
            if len(parents) == 1:  # the tangent has the input's shape, which is the output's
                t = None
                if tx is not None:
                    local = partials[0](x.data, ctx, data)  # `tangent.times`, inline: most ops
                    if type(local) is not float:
                        t = tx * local
                    elif local == 1.0:
                        t = tx
                    elif local == -1.0:
                        t = -tx
                    elif local != 0.0:
                        t = tx * local
            else:
                y = parents[1]
                try:
                    notes = y._notes
                except AttributeError:
                    notes = None
                ty = (
                    notes[1]
                    if type(notes) is tuple and notes[0] is level
                    else notes and noted(y, level)
                )
                xd, yd = x.data, y.data
                t = None if tx is None else times(partials[0](xd, yd, data), tx)
                u = None if ty is None else times(partials[1](xd, yd, data), ty)
                if u is not None:
                    t = u if t is None else t + u
                if t is not None and t.shape != data.shape:  # an input broadcast up to it
                    t = R.broadcast_to(t, data.shape)
            notes = None if t is None else (level, t)
        if notes is not None or _thread.dual is level:  # else a copied context: see `dual`
            out._notes = notes
            return out
    out = _record(data, op, parents, ctx)
    observe(out, op, parents, ctx)
    return out


def _constant(data: np.ndarray, ctx: Any = None) -> Tensor:
    """A Tensor of `data` that records nothing: a leaf, or an op's output kept off the
    graph (with the op's constants `ctx`)."""
    out = _new(Tensor)
    out.data = data
    out.grad = None
    out.label = ""
    out.requires_grad = False
    out._parents = ()
    out._op = None
    out._ctx = ctx
    out._retain = False
    return out


def _lift(other: object, like: Tensor, op: str) -> Tensor:
    """Turn a number or an array into a constant Tensor; refuse a Value or a non-number."""
    if isinstance(other, Tensor):
        return other
    if isinstance(other, Value):
        raise TypeError(
            f"{op}: cannot combine a Tensor with a Value; turn the Value into a Tensor with "
            "ag.Tensor(v.data), or a one-element Tensor into a number with t.item()"
        )
    if isinstance(other, (int, float)) and not isinstance(other, bool):
        # A Python number takes the Tensor's dtype, so float32 stays float32.
        return _constant(np.asarray(other, dtype=like.data.dtype))
    array = np.asarray(other)
    if array.dtype.kind not in "biuf":
        raise TypeError(
            f"{op}: cannot combine a Tensor with {type(other).__name__} {other!r:.60} "
            f"(dtype {array.dtype}); use numbers, NumPy arrays or Tensors"
        )
    return _constant(array)


def _is_number(other: object) -> bool:
    """A plain number, kept as an op's constant rather than made a node."""
    return type(other) is float or (
        isinstance(other, (int, float)) and not isinstance(other, bool)
    )


def nary(rule: R.Rule, inputs: Any, c: Any = None) -> Tensor:
    """Apply a rule of any number of Tensor inputs (`concatenate`, `einsum`)."""
    return _make(rule.array(tuple(t.data for t in inputs), c), rule, tuple(inputs), c)


def _broadcast_error(op: str, x: Tensor, y: Tensor) -> ValueError:
    return ValueError(
        f"{op}: shapes {x.shape} and {y.shape} do not broadcast: aligned from the right, "
        "each pair of dimensions must be equal or one of them 1; reshape one operand "
        "(for example x.reshape(-1, 1)) so they line up"
    )


def _to_array(data: object, dtype: Any) -> np.ndarray:
    if isinstance(data, Value):
        raise TypeError(
            "Tensor: got a Value; a Tensor holds an array: use ag.Tensor(v.data) to copy "
            "its number"
        )
    try:
        array = np.array(data, dtype=dtype, copy=True)
    except (ValueError, TypeError) as error:
        raise TypeError(
            f"Tensor: cannot make an array of numbers from {data!r:.80}: {error}"
        ) from None
    if array.dtype.kind in "biu" and dtype is None:
        return array.astype(np.float64)
    if array.dtype.kind not in "biuf":
        hint = "a Tensor holds integers or floats"
        if isinstance(data, (list, tuple)) and any(isinstance(v, Value) for v in data):
            hint = "to join Values into a Tensor that keeps their gradients, use ag.stack"
        raise TypeError(
            f"Tensor: expected numbers, got {type(data).__name__} {data!r:.60} which NumPy "
            f"reads as dtype {array.dtype}; {hint}"
        )
    return array


class Tensor:
    """An n-dimensional array that records operations, for reverse-mode autodiff.

    Args:
        data: numbers, nested lists or an ndarray (copied). float32 stays float32;
            integers and lists of integers become float64 unless `dtype` says otherwise.
        requires_grad: True for the leaves you want $\\partial L/\\partial$ of
            (parameters, inputs to check).
        dtype: a NumPy dtype to convert to.
        label: a name shown by the visualizer.

    Attributes:
        data: the `np.ndarray`.
        grad: None, or after `backward()` an ndarray of the same shape and dtype,
            $\\partial L/\\partial\\,$data (a Tensor after `backward(create_graph=True)`).

    Example:
        >>> import autograd_lite as ag
        >>> W = ag.Tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        >>> x = ag.Tensor([1.0, -1.0])
        >>> loss = (W @ x).sum()           # dloss/dW[i, j] = x[j]
        >>> loss.backward()
        >>> W.grad
        array([[ 1., -1.],
               [ 1., -1.]])
    """

    # `_notes`: what a watching mode notes on the node (hooks.py): the line that made it,
    # its tangents in forward mode: None (or not set) for nothing, else as `tangent.note`
    # says.
    __slots__ = (
        "_ctx",
        "_notes",
        "_op",
        "_parents",
        "_retain",
        "data",
        "grad",
        "label",
        "requires_grad"
    )  # fmt: skip
    __hash__ = object.__hash__  # == compares elements, but a Tensor is hashed by identity

    data: np.ndarray
    grad: Any
    label: str
    requires_grad: bool
    _parents: tuple[Tensor, ...] | None
    _op: R.Rule | None
    _ctx: Any
    _retain: bool
    _notes: tuple[Any, Any] | dict[Any, Any] | None

    def __init__(
        self, data: Any, requires_grad: bool = False, dtype: Any = None, label: str = ""
    ) -> None:
        array = _to_array(data.data if isinstance(data, Tensor) else data, dtype)
        if requires_grad and array.dtype.kind != "f":
            raise TypeError(
                f"Tensor: only floating-point tensors can require gradients, got dtype "
                f"{array.dtype}; drop dtype= or use dtype=np.float64"
            )
        self.data = array
        self.grad = None
        self.label = label
        self.requires_grad = bool(requires_grad)
        self._parents = ()
        self._op = None
        self._ctx = None
        self._retain = False

    # ------------------------------------------------------------ NumPy's own functions
    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        """`np.exp(t)`, `ndarray + t`: recorded as the op of the table with that ufunc."""
        return dispatch.array_ufunc(ufunc, method, inputs, kwargs)

    def __array_function__(
        self, func: Any, types: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Any:
        """`np.sum(t, axis=0)`, `np.concatenate([t, u])`: recorded as the table's op."""
        return dispatch.array_function(func, args, kwargs)

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        """`np.asarray(t)`: the data (never an array of nodes), without a gradient."""
        return self.data if dtype is None else self.data.astype(dtype)

    # ------------------------------------------------------------ properties
    @property
    def shape(self) -> tuple[int, ...]:
        """The array's shape."""
        return self.data.shape

    @property
    def ndim(self) -> int:
        """The number of dimensions."""
        return self.data.ndim

    @property
    def dtype(self) -> np.dtype[Any]:
        """The array's dtype."""
        return self.data.dtype

    @property
    def T(self) -> Tensor:
        """The transpose, all axes reversed (for a matrix, $X^T$)."""
        return self.transpose()

    @property
    def is_leaf(self) -> bool:
        """True for a node made by the user rather than by an op (or with no graph)."""
        return self._op is None

    def item(self) -> float:
        """The one number of a one-element tensor, as a Python float."""
        return self._number("item")

    def _number(self, caller: str) -> float:
        if self.data.size != 1:
            raise ValueError(
                f"{caller}: only a one-element tensor converts to a number, this one has shape "
                f"{self.shape}; index it first, or reduce it with .sum() or .mean()"
            )
        return float(self.data.reshape(()))

    def __float__(self) -> float:
        """`float(loss)` of a one-element tensor, as `loss.item()` (inside a transform,
        noted: `grad_mode.note_float`)."""
        note_float()
        return self._number("float")

    def __int__(self) -> int:
        """`int(t)` of a one-element tensor: its number truncated toward zero."""
        note_float()
        return int(self._number("int"))

    def __format__(self, spec: str) -> str:
        """`f"{loss:.4f}"`: a format spec formats a one-element tensor's number (as
        PyTorch does); with no spec, `str(t)`."""
        return format(self._number("format"), spec) if spec else str(self)

    def numpy(self) -> np.ndarray:
        """The ndarray itself (shared, not copied)."""
        return self.data

    @staticmethod
    def _of_value(v: Value) -> Tensor:
        """A 0-d Tensor computed from a Value, through which the gradient reaches it."""
        return _make(np.asarray(v.data), R.FROM_VALUE, (v,))  # type: ignore[arg-type]

    def detach(self) -> Tensor:
        """A new leaf sharing `data`, cut from the graph (`requires_grad=False`)."""
        return _constant(self.data)

    def retain_grad(self) -> None:
        """Keep `.grad` on this non-leaf node after backward (leaves always keep it)."""
        if not self.requires_grad:
            raise RuntimeError(
                "retain_grad: this tensor does not require grad, so no gradient reaches it"
            )
        self._retain = True

    def __len__(self) -> int:
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return len(self.data)

    def __iter__(self) -> Iterator[Tensor]:
        for i in range(len(self)):
            yield self[i]

    def __repr__(self) -> str:
        body = np.array2string(self.data, prefix="Tensor(", separator=", ")
        extra = "".join(
            [
                f", label={self.label!r}" if self.label else "",
                f", dtype={self.dtype}" if self.dtype != np.float64 else "",
                ", requires_grad=True" if self.requires_grad else "",
            ]
        )
        return f"Tensor({body}{extra})"

    # ------------------------------------------------------------ op plumbing
    def _unary(self, rule: R.Rule, c: Any = None) -> Tensor:
        """Apply a one-input rule (with its constants `c`: an exponent, axis, shape...)."""
        data = rule.array(self.data) if c is None else rule.array(self.data, c)
        return _make(data, rule, (self,), c)

    def _binary(self, rule: R.Rule, other: Any) -> Tensor:
        """Apply a two-input rule with NumPy broadcasting; a plain number is a constant."""
        if type(other) is Tensor:
            y = other
        elif type(other) is float:  # the op's constant: no node for it
            return _make(rule.array(self.data, other), rule, (self,), other)
        elif _is_number(other):
            return self._unary(rule, float(other))
        else:
            y = _lift(other, self, rule.name)
        try:
            data = rule.array(self.data, y.data)
        except ValueError:
            raise _broadcast_error(rule.name, self, y) from None
        return _make(data, rule, (self, y))

    def _swapped(self, rule: R.Rule, reversed_rule: R.Rule, other: Any) -> Tensor:
        """`other OP self`: a number takes the reversed rule (`c - x`), an array a node."""
        if _is_number(other):
            return self._unary(reversed_rule, float(other))
        return _lift(other, self, rule.name)._binary(rule, self)

    # ------------------------------------------------------------ arithmetic
    def __add__(self, other: Any) -> Tensor:
        """$x + y$: $\\partial/\\partial x = 1$, $\\partial/\\partial y = 1$."""
        return self._binary(R.ADD, other)

    def __radd__(self, other: Any) -> Tensor:
        return self._swapped(R.ADD, R.ADD, other)

    def __sub__(self, other: Any) -> Tensor:
        """$x - y$: $\\partial/\\partial x = 1$, $\\partial/\\partial y = -1$."""
        return self._binary(R.SUB, other)

    def __rsub__(self, other: Any) -> Tensor:
        """$c - x$: $\\partial/\\partial x = -1$."""
        return self._swapped(R.SUB, R.RSUB, other)

    def __mul__(self, other: Any) -> Tensor:
        """$x y$ elementwise: $\\partial/\\partial x = y$, $\\partial/\\partial y = x$."""
        return self._binary(R.MUL, other)

    def __rmul__(self, other: Any) -> Tensor:
        return self._swapped(R.MUL, R.MUL, other)

    def __truediv__(self, other: Any) -> Tensor:
        """$x / y$: $\\partial/\\partial x = 1/y$, $\\partial/\\partial y = -x/y^2$."""
        return self._binary(R.DIV, other)

    def __rtruediv__(self, other: Any) -> Tensor:
        """$c / x$: $\\partial/\\partial x = -c/x^2$."""
        return self._swapped(R.DIV, R.RDIV, other)

    def __mod__(self, other: Any) -> Tensor:
        """$x \\bmod y = x - y\\lfloor x/y \\rfloor$: $\\partial/\\partial x = 1$,
        $\\partial/\\partial y = -\\lfloor x/y \\rfloor$."""
        return self._binary(R.MOD, other)

    def __rmod__(self, other: Any) -> Tensor:
        return _lift(other, self, "mod")._binary(R.MOD, self)

    def __neg__(self) -> Tensor:
        """$-x$: $\\partial/\\partial x = -1$."""
        return self._unary(R.NEG)

    def __pos__(self) -> Tensor:
        return self

    def __pow__(self, other: Any) -> Tensor:
        """$x^y$: $\\partial/\\partial x = y x^{y-1}$, $\\partial/\\partial y = x^y \\log x$
        (0 where x = 0); a number y is a constant."""
        return self._binary(R.POW, other)

    def __rpow__(self, other: Any) -> Tensor:
        """$c^x$: $\\partial/\\partial x = c^x \\log c$ (0 for c = 0)."""
        return self._swapped(R.POW, R.RPOW, other)

    def __matmul__(self, other: Any) -> Tensor:
        """Matrix product $x y$ (1-D, 2-D and batched, as `np.matmul`).

        Backward: $\\partial L/\\partial x = g\\,y^T$, $\\partial L/\\partial y = x^T g$.
        """
        return _matmul(self, _lift(other, self, "matmul"))

    def __rmatmul__(self, other: Any) -> Tensor:
        return _matmul(_lift(other, self, "matmul"), self)

    # ------------------------------------------------------------ comparisons (not recorded)
    def __eq__(self, other: object) -> Any:
        return self.data == raw(other)

    def __ne__(self, other: object) -> Any:
        return self.data != raw(other)

    def __lt__(self, other: Any) -> np.ndarray:
        return self.data < raw(other)

    def __le__(self, other: Any) -> np.ndarray:
        return self.data <= raw(other)

    def __gt__(self, other: Any) -> np.ndarray:
        return self.data > raw(other)

    def __ge__(self, other: Any) -> np.ndarray:
        return self.data >= raw(other)

    def __bool__(self) -> bool:
        if self.data.size != 1:
            raise ValueError(
                f"bool: the truth value of a tensor of shape {self.shape} is ambiguous; "
                "use (t > 0).any() or .all() on its comparison"
            )
        return bool(self.data.reshape(()))

    # ------------------------------------------------------------ elementwise functions
    def exp(self) -> Tensor:
        """$e^x$: $\\partial/\\partial x = e^x$."""
        return self._unary(R.EXP)

    def log(self) -> Tensor:
        """$\\ln x$ for x > 0: $\\partial/\\partial x = 1/x$."""
        return self._unary(R.LOG)

    def tanh(self) -> Tensor:
        """$\\tanh x$: $\\partial/\\partial x = 1 - \\tanh^2 x$."""
        return self._unary(R.TANH)

    def sigmoid(self) -> Tensor:
        """$\\sigma(x) = 1/(1+e^{-x})$: $\\partial/\\partial x = \\sigma(x)(1-\\sigma(x))$."""
        return self._unary(R.SIGMOID)

    def relu(self) -> Tensor:
        """$\\max(x, 0)$: $\\partial/\\partial x = 1$ for x > 0, else 0 (also at x = 0)."""
        return self._unary(R.RELU)

    def sin(self) -> Tensor:
        """$\\sin x$: $\\partial/\\partial x = \\cos x$."""
        return self._unary(R.SIN)

    def cos(self) -> Tensor:
        """$\\cos x$: $\\partial/\\partial x = -\\sin x$."""
        return self._unary(R.COS)

    def tan(self) -> Tensor:
        """$\\tan x$: $\\partial/\\partial x = 1 + \\tan^2 x$."""
        return self._unary(R.TAN)

    def arcsin(self) -> Tensor:
        """$\\arcsin x$ for $|x| \\le 1$: $\\partial/\\partial x = 1/\\sqrt{1 - x^2}$."""
        return self._unary(R.ARCSIN)

    def arccos(self) -> Tensor:
        """$\\arccos x$ for $|x| \\le 1$: $\\partial/\\partial x = -1/\\sqrt{1 - x^2}$."""
        return self._unary(R.ARCCOS)

    def arctan(self) -> Tensor:
        """$\\arctan x$: $\\partial/\\partial x = 1/(1 + x^2)$."""
        return self._unary(R.ARCTAN)

    def sinh(self) -> Tensor:
        """$\\sinh x$: $\\partial/\\partial x = \\cosh x$."""
        return self._unary(R.SINH)

    def cosh(self) -> Tensor:
        """$\\cosh x$: $\\partial/\\partial x = \\sinh x$."""
        return self._unary(R.COSH)

    def arcsinh(self) -> Tensor:
        """$\\operatorname{arsinh} x$: $\\partial/\\partial x = 1/\\sqrt{x^2 + 1}$."""
        return self._unary(R.ARCSINH)

    def arccosh(self) -> Tensor:
        """$\\operatorname{arcosh} x$ for x >= 1: $\\partial/\\partial x = 1/\\sqrt{x^2 - 1}$."""
        return self._unary(R.ARCCOSH)

    def arctanh(self) -> Tensor:
        """$\\operatorname{artanh} x$ for $|x| < 1$: $\\partial/\\partial x = 1/(1 - x^2)$."""
        return self._unary(R.ARCTANH)

    def cbrt(self) -> Tensor:
        """$\\sqrt[3]{x}$, for x of either sign: $\\partial/\\partial x = 1/(3\\sqrt[3]{x}^2)$."""
        return self._unary(R.CBRT)

    def sqrt(self) -> Tensor:
        """$\\sqrt{x}$ for x >= 0: $\\partial/\\partial x = 1/(2\\sqrt{x})$."""
        return self._unary(R.SQRT)

    def abs(self) -> Tensor:
        """$|x|$: $\\partial/\\partial x = \\mathrm{sign}(x)$, taken as 0 at x = 0."""
        return self._unary(R.ABS)

    def log1p(self) -> Tensor:
        """$\\ln(1 + x)$, exact for tiny x: $\\partial/\\partial x = 1/(1 + x)$."""
        return self._unary(R.LOG1P)

    def expm1(self) -> Tensor:
        """$e^x - 1$, exact for tiny x: $\\partial/\\partial x = e^x$."""
        return self._unary(R.EXPM1)

    def log2(self) -> Tensor:
        """$\\log_2 x$: $\\partial/\\partial x = 1/(x \\ln 2)$."""
        return self._unary(R.LOG2)

    def log10(self) -> Tensor:
        """$\\log_{10} x$: $\\partial/\\partial x = 1/(x \\ln 10)$."""
        return self._unary(R.LOG10)

    def exp2(self) -> Tensor:
        """$2^x$: $\\partial/\\partial x = 2^x \\ln 2$."""
        return self._unary(R.EXP2)

    def sign(self) -> Tensor:
        """$\\mathrm{sign}(x)$, one of -1, 0, 1: $\\partial/\\partial x = 0$ (as NumPy)."""
        return self._unary(R.SIGN)

    def floor(self) -> Tensor:
        """$\\lfloor x \\rfloor$: $\\partial/\\partial x = 0$ (as NumPy and PyTorch)."""
        return self._unary(R.FLOOR)

    def ceil(self) -> Tensor:
        """$\\lceil x \\rceil$: $\\partial/\\partial x = 0$ (as NumPy and PyTorch)."""
        return self._unary(R.CEIL)

    def erf(self) -> Tensor:
        """$\\mathrm{erf}(x) = \\frac{2}{\\sqrt\\pi}\\int_0^x e^{-t^2}dt$.

        $\\partial/\\partial x = \\frac{2}{\\sqrt\\pi}e^{-x^2}$.
        """
        return self._unary(R.ERF)

    def softplus(self) -> Tensor:
        """$\\ln(1 + e^x)$, finite for any x: $\\partial/\\partial x = \\sigma(x)$."""
        return self._unary(R.SOFTPLUS)

    def __abs__(self) -> Tensor:
        return self._unary(R.ABS)

    def leaky_relu(self, negative_slope: float = 0.01) -> Tensor:
        """$x$ for x > 0, else $s x$: $\\partial/\\partial x = 1$ or $s$ (s = negative_slope)."""
        return self._unary(R.LEAKY_RELU, float(negative_slope))

    def clip(self, lo: float, hi: float) -> Tensor:
        """$\\min(\\max(x, lo), hi)$: $\\partial/\\partial x = 1$ for lo <= x <= hi, else 0."""
        return self._unary(R.CLIP, R.clip_bounds(lo, hi))

    def square(self) -> Tensor:
        """$x^2$ (as `x ** 2`): $\\partial/\\partial x = 2x$."""
        return R.SQUARE(self)

    def reciprocal(self) -> Tensor:
        """$1/x$ (as `1 / x`): $\\partial/\\partial x = -1/x^2$."""
        return R.RECIPROCAL(self)

    def gelu(self) -> Tensor:
        """$x\\,\\Phi(x)$, the exact GELU: $\\partial/\\partial x = \\Phi(x) + x\\,\\varphi(x)$."""
        return R.GELU(self)

    # ------------------------------------------------------------ reductions
    def sum(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Tensor:
        """$\\sum_i x_i$ over `axis` (all axes if None); backward broadcasts g back.

        Example:
            >>> import autograd_lite as ag
            >>> ag.Tensor([[1.0, 2.0], [3.0, 4.0]]).sum(axis=0)
            Tensor([4., 6.])
        """
        return self._unary(R.SUM, (_check_axis(self, axis, "sum"), bool(keepdims)))

    def mean(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Tensor:
        """$\\frac1n\\sum_i x_i$ over `axis`; backward spreads g/n over the n elements."""
        return self._unary(R.MEAN, (_check_axis(self, axis, "mean"), bool(keepdims)))

    def max(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Tensor:
        """$\\max_i x_i$ over `axis`; tied maxima share the gradient equally (g/k each).

        The gradient's total is g, as for `torch.amax`.
        """
        return self._unary(R.MAX, (_check_axis(self, axis, "max"), bool(keepdims)))

    def min(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Tensor:
        """$\\min_i x_i$ over `axis`; tied minima share the gradient equally."""
        return self._unary(R.MIN, (_check_axis(self, axis, "min"), bool(keepdims)))

    def prod(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Tensor:
        """$\\prod_i x_i$ over `axis`: $\\partial/\\partial x_i = \\prod_{j \\ne i} x_j$,
        exact when some $x_j$ are 0."""
        return self._unary(R.PROD, (_check_axis(self, axis, "prod"), bool(keepdims)))

    def var(
        self, axis: int | tuple[int, ...] | None = None, ddof: int = 0, keepdims: bool = False
    ) -> Tensor:
        """$\\frac{1}{n - ddof}\\sum_i (x_i - \\bar x)^2$ (ddof=0 as NumPy; torch uses 1)."""
        return R.VAR(self, _check_axis(self, axis, "var"), ddof, keepdims)

    def std(
        self, axis: int | tuple[int, ...] | None = None, ddof: int = 0, keepdims: bool = False
    ) -> Tensor:
        """$\\sqrt{\\mathrm{var}(x)}$ over `axis`."""
        return R.STD(self, _check_axis(self, axis, "std"), ddof, keepdims)

    def logsumexp(
        self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False
    ) -> Tensor:
        """$\\log\\sum_i e^{x_i}$ over `axis`, finite for any logits; derivative softmax."""
        return R.LOGSUMEXP(self, _check_axis(self, axis, "logsumexp"), keepdims)

    def cumsum(self, axis: int | None = None) -> Tensor:
        """$out_j = \\sum_{k \\le j} x_k$ along `axis` (flattened if None)."""
        return self._unary(R.CUMSUM, _check_axis(self, axis, "cumsum"))

    def argmax(self, axis: int | None = None) -> np.ndarray:
        """The index of the max along `axis`: a plain integer array, with no gradient."""
        return np.argmax(self.data, axis=_check_axis(self, axis, "argmax"))

    def argmin(self, axis: int | None = None) -> np.ndarray:
        """The index of the min along `axis`: a plain integer array, with no gradient."""
        return np.argmin(self.data, axis=_check_axis(self, axis, "argmin"))

    def softmax(self, axis: int = -1) -> Tensor:
        """$\\mathrm{softmax}(x)_i = e^{x_i} / \\sum_j e^{x_j}$, as `exp(log_softmax(x))`."""
        return R.SOFTMAX(self, _check_axis(self, axis, "softmax"))

    def log_softmax(self, axis: int = -1) -> Tensor:
        """$\\log\\mathrm{softmax}(x)_i = (x_i - m) - \\log\\sum_j e^{x_j - m}$, m = max(x).

        Backward: $g - \\mathrm{softmax}(x) \\sum_j g_j$. Finite for logits around ±1000.
        """
        return self._unary(R.LOG_SOFTMAX, _check_axis(self, axis, "log_softmax"))

    # ------------------------------------------------------------ shape
    @property
    def size(self) -> int:
        """The number of elements."""
        return int(self.data.size)

    def astype(self, dtype: Any) -> Tensor:
        """The same numbers in another dtype.

        To a float dtype the op is recorded, and the gradient converts back to this
        tensor's dtype. To an integer or bool dtype the result is a constant, off the
        graph (as in PyTorch): rounding has derivative 0 wherever it has one, so no
        gradient would flow through it anyway. Complex and other dtypes are refused.
        """
        try:
            target = np.dtype(dtype)
        except TypeError as error:
            raise TypeError(f"astype: {error}; pass a NumPy dtype such as np.float32") from None
        if target.kind in "biu":
            return _constant(self.data.astype(target))
        if target.kind != "f":
            raise TypeError(
                f"astype: a Tensor holds real numbers, so it cannot become {target}; use a "
                "float dtype (np.float32, np.float64), or an integer or bool one for a constant"
            )
        return self._unary(R.ASTYPE, target)

    def reshape(self, *shape: Any) -> Tensor:
        """The same numbers in a new shape (one dimension may be -1)."""
        target = (
            tuple(shape[0]) if len(shape) == 1 and isinstance(shape[0], tuple | list) else shape
        )
        try:
            data = self.data.reshape(target)
        except ValueError:
            raise ValueError(
                f"reshape: cannot reshape shape {self.shape} ({self.data.size} elements) "
                f"into {target}; the number of elements must stay the same"
            ) from None
        return _make(data, R.RESHAPE, (self,), target)

    def transpose(self, *axes: Any) -> Tensor:
        """Permute the axes (reverse them when none are given)."""
        if len(axes) == 1 and isinstance(axes[0], tuple | list):
            axes = tuple(axes[0])
        n = self.ndim
        if any(not isinstance(a, (int, np.integer)) or not -n <= a < max(n, 1) for a in axes):
            raise ValueError(
                f"transpose: axes {axes} are out of range for the {n} axes of shape "
                f"{self.shape}; use axes from {-n} to {n - 1}"
            )
        perm = tuple(range(n))[::-1] if not axes else tuple(int(a) % max(n, 1) for a in axes)
        if sorted(perm) != list(range(n)):
            raise ValueError(
                f"transpose: axes {axes} are not a permutation of the {n} axes of shape "
                f"{self.shape}"
            )
        return _make(self.data.transpose(perm), R.TRANSPOSE, (self,), perm)

    def flatten(self) -> Tensor:
        """The elements in one axis, in row-major order (`reshape(-1)`)."""
        return R.FLATTEN(self)

    def ravel(self) -> Tensor:
        """The same as `flatten()`."""
        return R.RAVEL(self)

    def squeeze(self, axis: int | tuple[int, ...] | None = None) -> Tensor:
        """Remove axes of length 1 (all, or those in `axis`)."""
        return R.SQUEEZE(self, axis)

    def unsqueeze(self, axis: int) -> Tensor:
        """Insert an axis of length 1 at `axis`."""
        return R.UNSQUEEZE(self, axis)

    def expand_dims(self, axis: int) -> Tensor:
        """Insert an axis of length 1 at `axis` (NumPy's name for `unsqueeze`)."""
        return R.EXPAND_DIMS(self, axis)

    def swapaxes(self, axis1: int, axis2: int) -> Tensor:
        """Exchange two axes (a `transpose`)."""
        return R.SWAPAXES(self, axis1, axis2)

    def moveaxis(self, source: int, destination: int) -> Tensor:
        """Move one axis to a new position (a `transpose`)."""
        return R.MOVEAXIS(self, source, destination)

    def repeat(self, repeats: Any, axis: int | None = None) -> Tensor:
        """Repeat each element along `axis`; the gradient sums over the copies."""
        return R.REPEAT(self, repeats, axis)

    def tile(self, reps: Any) -> Tensor:
        """Repeat the whole tensor `reps` times along each axis."""
        return R.TILE(self, reps)

    def roll(self, shift: Any, axis: Any = None) -> Tensor:
        """Shift elements cyclically along `axis` (flattened if None); g rolls back."""
        if axis is not None:
            for a in axis if isinstance(axis, tuple) else (axis,):
                _check_axis(self, a, "roll")
        shift = tuple(int(s) for s in shift) if isinstance(shift, (tuple, list)) else int(shift)
        return self._unary(R.ROLL, (shift, axis))

    def flip(self, axis: int | tuple[int, ...] | None = None) -> Tensor:
        """Reverse the order of elements along `axis` (all axes if None)."""
        axes = tuple(range(self.ndim)) if axis is None else _check_axis(self, axis, "flip")
        return self._unary(R.FLIP, axes if isinstance(axes, tuple) else (axes,))

    def pad(self, pad_width: Any, mode: str = "constant", constant_values: float = 0.0) -> Tensor:
        """Pad with a constant (as `np.pad(x, pad_width, constant_values=...)`)."""
        if mode != "constant":
            raise ValueError(f"pad: only mode='constant' is supported, got mode={mode!r}")
        try:
            widths = np.broadcast_to(np.asarray(pad_width, dtype=int), (self.ndim, 2))
        except ValueError:
            raise ValueError(
                f"pad: pad_width {pad_width!r} does not fit the {self.ndim} axes of shape "
                f"{self.shape}; give one (before, after) pair per axis"
            ) from None
        if (widths < 0).any():
            raise ValueError(f"pad: pad_width {pad_width!r} must be >= 0")
        pairs = tuple((int(a), int(b)) for a, b in widths)
        return self._unary(R.PAD, (pairs, float(constant_values)))

    def triu(self, k: int = 0) -> Tensor:
        """The upper triangle of the last two axes (on and above diagonal k), zeros below."""
        return R.TRIU(self, k)

    def tril(self, k: int = 0) -> Tensor:
        """The lower triangle of the last two axes (on and below diagonal k), zeros above."""
        return R.TRIL(self, k)

    def diagonal(self, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Tensor:
        """The diagonal `offset` of the planes (axis1, axis2), as a last axis."""
        return R.DIAGONAL(self, offset, axis1, axis2)

    def trace(self, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Tensor:
        """$\\sum_i x_{i,i+offset}$, the sum of a diagonal."""
        return R.TRACE(self, offset, axis1, axis2)

    def __getitem__(self, index: Any) -> Tensor:
        """Basic and integer-array indexing; repeated indices add up in the gradient."""
        raw = _numpy_index(index)
        try:
            data = self.data[raw]  # NumPy checks the index, boolean masks included
        except IndexError as error:
            raise IndexError(f"getitem: {error} (tensor of shape {self.shape})") from None
        return _make(data, R.GETITEM, (self,), _integer_index(raw))

    def draw(self, **options: Any) -> Any:
        """A picture of the graph that made this node, with the local derivative on every edge.

        Jupyter shows it inline; `.save("graph.svg")` writes it. Needs no Graphviz.
        Options are those of `ag.viz.draw` (rankdir, show, max_nodes, step, ...).
        """
        from .viz import draw  # the engine never imports the visualizer at import time

        return draw(self, **options)

    # ------------------------------------------------------------ backward
    def backward(
        self, grad: Any = None, retain_graph: bool = False, create_graph: bool = False
    ) -> None:
        """Apply the chain rule from this tensor to every leaf that requires grad.

        Seeds $\\partial L/\\partial L$ with `grad` (ones when this tensor has one
        element), then visits the graph in reverse topological order. Leaves with
        `requires_grad=True` add the result to their `.grad`; other nodes keep it only
        after `retain_grad()`.

        The first backward pass in a process asks glibc to keep freed memory for reuse
        (`autograd_lite.memory`: a float64 MLP step ran 1.5 times faster), unless the
        environment sets glibc's malloc itself.

        Args:
            grad: $\\partial L/\\partial$ this tensor, same shape; needed unless it holds
                one element.
            retain_graph: keep the graph for another backward pass. Without it, the
                graph's links are released (freeing the arrays they hold) and a second
                pass raises RuntimeError.
            create_graph: make each `.grad` a Tensor recorded as a graph, so it can be
                differentiated again. Implies `retain_graph`.

        Raises:
            RuntimeError: this tensor does not require grad, or its graph was released.
            ValueError: `grad` is missing for a tensor of several elements, or has the
                wrong shape.
        """
        order = topological_order(self)
        if create_graph or _State.anomaly:  # the general loop (it checks each step)
            grads = gradients(self, grad, create_graph, order)
            if not (retain_graph or create_graph):  # released, as the fast loop does
                for node in order:
                    if node._op is not None and type(node) is Tensor:
                        node._parents = None
        else:
            release = not retain_graph
            grads = _backward_pass(self, _seed(self, grad, False), order, release)
        stored: set[int] = set()
        for node, g in grads.items():
            if isinstance(node, Value):  # a Value that an ag.stack of Values brought in
                node.grad += float(g)
                continue
            if not create_graph:
                g = _owned(g, node.data.dtype, stored)
            node.grad = g if node.grad is None else node.grad + g


def _owned(g: Any, dtype: np.dtype[Any], stored: set[int]) -> np.ndarray:
    """`g` as an array that no other `.grad` or view shares, copied only when needed.

    The backward pass never writes into arrays, but the `.grad` it leaves is the user's:
    a view (of a broadcast or a reshape) or an array handed to two inputs (as `x + y`
    does) is copied; a fresh result (of `@`, `*`, ...) is kept as it is.
    """
    if type(g) is not np.ndarray or g.dtype != dtype or g.base is not None or id(g) in stored:
        g = np.array(g, dtype=dtype)
    stored.add(id(g))
    return g


def raw(x: Any) -> Any:
    """The number or array of a node; anything else as it is."""
    return x.data if isinstance(x, (Tensor, Value)) else x


def _numpy_index(index: Any) -> Any:
    """An index NumPy understands: Tensors become their arrays, lists arrays."""
    parts = index if isinstance(index, tuple) else (index,)
    out: list[Any] = []
    for part in parts:
        if isinstance(part, Tensor):
            part = part.data
        if isinstance(part, list):
            part = np.asarray(part)
        if isinstance(part, np.ndarray) and part.dtype.kind == "f":
            raise IndexError(
                f"getitem: an index array must hold integers, got dtype {part.dtype}; "
                "convert it with .astype(int)"
            )
        out.append(part)
    return tuple(out) if isinstance(index, tuple) else out[0]


def _integer_index(index: Any) -> Any:
    """The same index with boolean masks as integer arrays (for the gradient's scatter)."""
    parts = index if isinstance(index, tuple) else (index,)
    for part in parts:
        if isinstance(part, np.ndarray) and part.dtype.kind == "b":
            break
    else:
        return index  # no boolean mask
    out: list[Any] = []
    for part in parts:
        if isinstance(part, np.ndarray) and part.dtype.kind == "b":
            out.extend(np.nonzero(part))
        else:
            out.append(part)
    return tuple(out)


def _check_axis(x: Tensor, axis: Any, op: str) -> Any:
    """`axis` as an int or a tuple of ints (a list is taken as a tuple), each in range for
    x and none twice; None stays None."""
    if axis is None:
        return None
    several = isinstance(axis, (tuple, list))
    axes = tuple(axis) if several else (axis,)
    for a in axes:
        if isinstance(a, bool) or not isinstance(a, (int, np.integer)):
            raise TypeError(f"{op}: axis {axis!r} is not an integer or a tuple of integers")
        if not -x.ndim <= a < max(x.ndim, 1):
            raise ValueError(f"{op}: axis {axis!r} is out of range for shape {x.shape}")
    if len(axes) > 1 and len({int(a) % max(x.ndim, 1) for a in axes}) < len(axes):
        raise ValueError(f"{op}: axis {axis!r} names the same axis twice (shape {x.shape})")
    return tuple(int(a) for a in axes) if several else int(axis)


def _matmul(x: Tensor, y: Tensor) -> Tensor:
    try:
        data = np.matmul(x.data, y.data)
    except ValueError:  # NumPy's message names neither the shapes nor the fix: ours does
        raise _matmul_error(x, y) from None
    return _make(data, R.MATMUL, (x, y))


def _matmul_error(x: Tensor, y: Tensor) -> ValueError:
    """Why `x @ y` failed, with the shapes and the likely fix."""
    a, b = x.data, y.data
    if a.ndim == 0 or b.ndim == 0:
        return ValueError(
            f"matmul: operands must have at least one dimension, got shapes {a.shape} and "
            f"{b.shape}; use * to multiply by a scalar"
        )
    inner_b = b.shape[0] if b.ndim == 1 else b.shape[-2]
    if a.shape[-1] != inner_b:
        which = "first" if b.ndim == 1 else "second-to-last"
        hint = ""
        if b.ndim >= 2 and a.shape[-1] == b.shape[-1]:
            hint = "; did you mean x @ W.T?"
        elif a.ndim >= 2 and a.shape[-2] == inner_b:
            hint = "; did you mean x.T @ W?"
        return ValueError(
            f"matmul: shapes {a.shape} and {b.shape} do not align: the last dimension of "
            f"the first ({a.shape[-1]}) must equal the {which} of the second ({inner_b}){hint}"
        )
    return _broadcast_error("matmul", x, y)


def _seed(root: Tensor, grad: Any, create_graph: bool) -> Any:
    if not root.requires_grad:
        raise RuntimeError(
            "backward: this tensor does not require grad: no input of the ops that made it "
            "had requires_grad=True, or it was made under no_grad()"
        )
    if grad is None:
        if root.data.size != 1:
            raise ValueError(
                f"backward: grad can be omitted only for a one-element tensor; this one has "
                f"shape {root.shape}: call .sum() or .mean() first, or pass "
                f"grad=np.ones({root.shape}) for the gradient of its sum"
            )
        seed: Any = np.array(1, root.data.dtype).reshape(root.shape)  # a one-element 1
    else:
        seed = np.array(raw(grad), dtype=root.data.dtype)  # a copy: never the caller's
        if seed.shape != root.shape:
            raise ValueError(
                f"backward: grad has shape {seed.shape} but the tensor has shape "
                f"{root.shape}; pass one gradient per element, in the tensor's shape"
            )
    return Tensor(seed) if create_graph else seed


def _backward_pass(
    root: Tensor, seed: np.ndarray, order: list[Any], release: bool = False
) -> dict[Any, Any]:
    """The backward pass on arrays: the fast loop behind `backward()`.

    The same steps as `graph.chain_rule` (a property test pins the two together), with
    each gradient dropped as soon as it has been passed on, and with `release` each
    node's links cut as soon as its op is done (its saved arrays freed during the pass).
    Returns the gradients of the kept nodes: leaves, and nodes that asked with
    `retain_grad()`. The first pass in a process asks glibc to keep freed memory
    (`memory.keep_freed_memory`): each step's arrays then reuse the last step's pages.
    """
    keep_freed_memory()
    pending: dict[Any, Any] = {root: seed}
    kept: dict[Any, Any] = {}
    pop, get = pending.pop, pending.get
    for node in order:
        g = pop(node, None)
        if g is None:
            continue
        op = node._op
        if op is None or node._retain:
            kept[node] = g
            if op is None:
                continue
        parents = node._parents
        out = node.data
        if op.elementwise and len(parents) == 1:  # most nodes: no broadcasting to undo
            parent = parents[0]
            if parent.requires_grad:
                local = op.partials[0](parent.data, node._ctx, out)
                c = g if type(local) is float and local == 1.0 else g * local
                previous = get(parent)
                pending[parent] = c if previous is None else previous + c
        elif op.elementwise:
            x = parents[0].data
            second = parents[1].data
            for parent, partial in zip(parents, op.partials):
                if not parent.requires_grad:
                    continue
                local = partial(x, second, out)
                c = g if type(local) is float and local == 1.0 else g * local
                if type(parent) is Tensor:  # a Value (from ag.stack) has no shape
                    shape = parent.data.shape
                    if c.shape != shape:  # undo broadcasting
                        c = R.sum_to(c, shape)
                previous = get(parent)
                pending[parent] = c if previous is None else previous + c
        else:
            xs = (parents[0].data,) if len(parents) == 1 else tuple([p.data for p in parents])
            vjp, ctx = op.vjp, node._ctx
            for i, parent in enumerate(parents):
                if parent.requires_grad:
                    c = vjp(g, xs, ctx, out, i)
                    previous = get(parent)
                    pending[parent] = c if previous is None else previous + c
        if release and type(node) is Tensor:
            node._parents = None
    return kept


def gradients(
    root: Tensor,
    grad: Any = None,
    create_graph: bool = False,
    order: list[Any] | None = None,
) -> dict[Any, Any]:
    """Run the backward pass from `root`; return the gradients that reach kept nodes.

    Kept nodes are leaves with `requires_grad=True` and nodes that called
    `retain_grad()`. No `.grad` is touched, and the graph is not released: the
    derivatives toolkit builds on this. Built on `graph.chain_rule`.

    Returns:
        A dict from node to $\\partial(\\sum grad \\cdot root)/\\partial node$: ndarrays, or
        Tensors recorded as a graph when `create_graph=True`.
    """
    keep_freed_memory()  # as `_backward_pass`
    seed = _seed(root, grad, create_graph)
    if order is None:
        order = topological_order(root)
    with enable_grad() if create_graph else nullcontext():
        everything = graph_gradients(root, seed, order, create_graph)
    return {
        node: g
        for node, g in everything.items()
        if node._op is None or getattr(node, "_retain", False)
    }


__all__ = ["Tensor", "gradients"]
