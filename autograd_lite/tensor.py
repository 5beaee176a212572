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

import numbers
from collections.abc import Iterator
from contextlib import nullcontext
from typing import Any

import numpy as np

from . import rules as R
from .grad_mode import _State, enable_grad
from .graph import topological_order
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
        parents[0].requires_grad or (len(parents) == 2 and parents[1].requires_grad)
    ):
        out.requires_grad = True
        out._parents = parents
        out._op = op
    else:
        out.requires_grad = False
        out._parents = ()
        out._op = None
    return out


def _constant(data: np.ndarray) -> Tensor:
    out = _new(Tensor)
    out.data = data
    out.grad = None
    out.label = ""
    out.requires_grad = False
    out._parents = ()
    out._op = None
    out._ctx = None
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
        raise TypeError(
            f"Tensor: expected numbers, got {type(data).__name__} {data!r:.60} which NumPy "
            f"reads as dtype {array.dtype}; a Tensor holds integers or floats"
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

    __slots__ = ("_ctx", "_op", "_parents", "_retain", "data", "grad", "label", "requires_grad")
    __array_ufunc__ = None  # ndarray @ Tensor and np.float32(2) * t defer to our operators
    __hash__ = object.__hash__  # == compares elements, but a Tensor is hashed by identity

    data: np.ndarray
    grad: Any
    label: str
    requires_grad: bool
    _parents: tuple[Tensor, ...] | None
    _op: R.Rule | None
    _ctx: Any
    _retain: bool

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
        if self.data.size != 1:
            raise ValueError(
                f"item: only a one-element tensor converts to a number, this one has shape "
                f"{self.shape}; index it first, or reduce it with .sum() or .mean()"
            )
        return float(self.data.reshape(()))

    def numpy(self) -> np.ndarray:
        """The ndarray itself (shared, not copied)."""
        return self.data

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
        """Apply a one-input rule (with its constant `c`: an exponent, axis, shape...)."""
        data = rule.array(self.data) if c is None else rule.array(self.data, c)
        return _make(data, rule, (self,), c)

    def _binary(self, rule: R.Rule, y: Tensor) -> Tensor:
        """Apply a two-input rule with NumPy broadcasting."""
        try:
            data = rule.array(self.data, y.data)
        except ValueError:
            raise _broadcast_error(rule.name, self, y) from None
        return _make(data, rule, (self, y))

    # ------------------------------------------------------------ arithmetic
    def __add__(self, other: Any) -> Tensor:
        """$x + y$: $\\partial/\\partial x = 1$, $\\partial/\\partial y = 1$."""
        return self._binary(R.ADD, _lift(other, self, "add"))

    def __radd__(self, other: Any) -> Tensor:
        return _lift(other, self, "add")._binary(R.ADD, self)

    def __sub__(self, other: Any) -> Tensor:
        """$x - y$: $\\partial/\\partial x = 1$, $\\partial/\\partial y = -1$."""
        return self._binary(R.SUB, _lift(other, self, "sub"))

    def __rsub__(self, other: Any) -> Tensor:
        return _lift(other, self, "sub")._binary(R.SUB, self)

    def __mul__(self, other: Any) -> Tensor:
        """$x y$ elementwise: $\\partial/\\partial x = y$, $\\partial/\\partial y = x$."""
        return self._binary(R.MUL, _lift(other, self, "mul"))

    def __rmul__(self, other: Any) -> Tensor:
        return _lift(other, self, "mul")._binary(R.MUL, self)

    def __truediv__(self, other: Any) -> Tensor:
        """$x / y$: $\\partial/\\partial x = 1/y$, $\\partial/\\partial y = -x/y^2$."""
        return self._binary(R.DIV, _lift(other, self, "div"))

    def __rtruediv__(self, other: Any) -> Tensor:
        return _lift(other, self, "div")._binary(R.DIV, self)

    def __neg__(self) -> Tensor:
        """$-x$: $\\partial/\\partial x = -1$."""
        return self._unary(R.NEG)

    def __pos__(self) -> Tensor:
        return self

    def __pow__(self, other: Any) -> Tensor:
        """$x^c$ for a number c ($\\partial/\\partial x = c x^{c-1}$); $x^y$ for an array y.

        With an array exponent, $\\partial x^y/\\partial y = x^y \\log x$.
        """
        if isinstance(other, numbers.Real) and not isinstance(other, bool):
            return self._unary(R.POW, float(other))
        return self._binary(R.POWV, _lift(other, self, "pow"))

    def __rpow__(self, other: Any) -> Tensor:
        return _lift(other, self, "pow")._binary(R.POWV, self)

    def __matmul__(self, other: Any) -> Tensor:
        """Matrix product $x y$ (1-D, 2-D and batched, as `np.matmul`).

        Backward: $\\partial L/\\partial x = g\\,y^T$, $\\partial L/\\partial y = x^T g$.
        """
        return _matmul(self, _lift(other, self, "matmul"))

    def __rmatmul__(self, other: Any) -> Tensor:
        return _matmul(_lift(other, self, "matmul"), self)

    # ------------------------------------------------------------ comparisons (not recorded)
    def __eq__(self, other: object) -> Any:
        return self.data == _data(other)

    def __ne__(self, other: object) -> Any:
        return self.data != _data(other)

    def __lt__(self, other: Any) -> np.ndarray:
        return self.data < _data(other)

    def __le__(self, other: Any) -> np.ndarray:
        return self.data <= _data(other)

    def __gt__(self, other: Any) -> np.ndarray:
        return self.data > _data(other)

    def __ge__(self, other: Any) -> np.ndarray:
        return self.data >= _data(other)

    # ------------------------------------------------------------ elementwise functions
    def exp(self) -> Tensor:
        """$e^x$ elementwise: $\\partial/\\partial x = e^x$."""
        return self._unary(R.EXP)

    def log(self) -> Tensor:
        """$\\ln x$ elementwise: $\\partial/\\partial x = 1/x$ (NumPy's nan/-inf outside x > 0)."""
        return self._unary(R.LOG)

    def tanh(self) -> Tensor:
        """$\\tanh x$ elementwise: $\\partial/\\partial x = 1 - \\tanh^2 x$."""
        return self._unary(R.TANH)

    def sigmoid(self) -> Tensor:
        """$\\sigma(x) = 1/(1 + e^{-x})$: $\\partial/\\partial x = \\sigma(1 - \\sigma)$.

        Computed as $e^{-\\log(1 + e^{-x})}$, which never overflows.
        """
        return self._unary(R.SIGMOID)

    def relu(self) -> Tensor:
        """$\\max(x, 0)$: $\\partial/\\partial x = 1$ where x > 0, else 0 (also at 0)."""
        return self._unary(R.RELU)

    def sin(self) -> Tensor:
        """$\\sin x$ elementwise: $\\partial/\\partial x = \\cos x$."""
        return self._unary(R.SIN)

    def cos(self) -> Tensor:
        """$\\cos x$ elementwise: $\\partial/\\partial x = -\\sin x$."""
        return self._unary(R.COS)

    def sqrt(self) -> Tensor:
        """$\\sqrt{x}$ elementwise: $\\partial/\\partial x = 1/(2\\sqrt{x})$."""
        return self._unary(R.SQRT)

    def abs(self) -> Tensor:
        """$|x|$ elementwise: $\\partial/\\partial x = \\mathrm{sign}(x)$, 0 at x = 0."""
        return self._unary(R.ABS)

    def __abs__(self) -> Tensor:
        return self._unary(R.ABS)

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
        """$\\frac1n\\sum_i x_i$ over `axis`: a `sum` divided by the count n."""
        axis = _check_axis(self, axis, "mean")
        axes = range(self.ndim) if axis is None else (axis if isinstance(axis, tuple) else (axis,))
        count = int(np.prod([self.shape[a] for a in axes]))
        return self.sum(axis=axis, keepdims=keepdims) / count

    def max(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Tensor:
        """$\\max_i x_i$ over `axis`.

        The gradient goes to the maximal elements; when several elements tie for the
        maximum they share it equally (each gets g / k for a k-way tie), so the
        gradient's total is g, as for `torch.amax`.
        """
        return self._unary(R.MAX, (_check_axis(self, axis, "max"), bool(keepdims)))

    def softmax(self, axis: int = -1) -> Tensor:
        """$\\mathrm{softmax}(x)_i = e^{x_i} / \\sum_j e^{x_j}$, as `exp(log_softmax(x))`.

        Finite for logits of any size (see `log_softmax`).
        """
        return self.log_softmax(axis).exp()

    def log_softmax(self, axis: int = -1) -> Tensor:
        """$\\log\\mathrm{softmax}(x)_i = (x_i - m) - \\log\\sum_j e^{x_j - m}$, m = max(x).

        Composed of primitives (sub, exp, sum, log), so it needs no derivative code of its
        own. Subtracting the max, a constant that changes neither the result nor its
        derivative, keeps exp finite for logits around ±1000, where a plain
        log(softmax(x)) gives -inf. (A dedicated rule was measured in a 784-256-128-10
        training step: 2% faster in float32, nothing in float64; not worth the code.)
        """
        axis = _check_axis(self, axis, "log_softmax")
        shifted = self - self.data.max(axis=axis, keepdims=True)
        return shifted - shifted.exp().sum(axis=axis, keepdims=True).log()

    # ------------------------------------------------------------ shape
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
        perm = (
            tuple(range(self.ndim))[::-1]
            if not axes
            else tuple(int(a) % max(self.ndim, 1) for a in axes)
        )
        if sorted(perm) != list(range(self.ndim)):
            raise ValueError(
                f"transpose: axes {axes} are not a permutation of the {self.ndim} axes of "
                f"shape {self.shape}"
            )
        return _make(self.data.transpose(perm), R.TRANSPOSE, (self,), perm)

    def __getitem__(self, index: Any) -> Tensor:
        """Basic and integer-array indexing; repeated indices add up in the gradient."""
        index = _index_of(index)
        try:
            data = self.data[index]
        except IndexError as error:
            raise IndexError(f"getitem: {error} (tensor of shape {self.shape})") from None
        return _make(data, R.GETITEM, (self,), index)

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
        grads = gradients(self, grad, create_graph, order)
        stored: set[int] = set()
        for node, g in grads.items():
            if not create_graph:
                g = _owned(g, node.data.dtype, stored)
            node.grad = g if node.grad is None else node.grad + g
        if not (retain_graph or create_graph):
            for node in order:  # cut the links: the graph's arrays are freed
                if node._op is not None:
                    node._parents = None


def _owned(g: Any, dtype: np.dtype[Any], stored: set[int]) -> np.ndarray:
    """`g` as an array that no other `.grad` or view shares, copied only when needed.

    The backward pass never writes into arrays, but the `.grad` it leaves is the user's:
    a view (of a broadcast or a reshape) or an array handed to two inputs (as `x + y`
    does) is copied; a fresh result (of `@`, `*`, ...) is kept as it is.
    """
    if (
        type(g) is not np.ndarray
        or g.dtype != dtype
        or not g.flags.owndata
        or not g.flags.writeable
        or id(g) in stored
    ):
        g = np.array(g, dtype=dtype)
    stored.add(id(g))
    return g


def _data(x: Any) -> Any:
    return x.data if isinstance(x, (Tensor, Value)) else x


def _index_of(index: Any) -> Any:
    """Make an index NumPy understands: Tensors become their arrays, masks integer arrays."""
    parts = index if isinstance(index, tuple) else (index,)
    out: list[Any] = []
    for part in parts:
        if isinstance(part, Tensor):
            part = part.data
        if isinstance(part, list):
            part = np.asarray(part)
        if isinstance(part, np.ndarray):
            if part.dtype == bool:
                out.extend(np.nonzero(part))
                continue
            if part.dtype.kind == "f":
                raise IndexError(
                    f"getitem: an index array must hold integers, got dtype {part.dtype}; "
                    "convert it with .astype(int)"
                )
        out.append(part)
    return tuple(out) if isinstance(index, tuple) or len(out) != 1 else out[0]


def _check_axis(x: Tensor, axis: Any, op: str) -> Any:
    if axis is None:
        return None
    axes = axis if isinstance(axis, tuple) else (axis,)
    for a in axes:
        if not isinstance(a, (int, np.integer)) or not -x.ndim <= a < max(x.ndim, 1):
            raise ValueError(f"{op}: axis {axis!r} is out of range for shape {x.shape}")
    return tuple(int(a) for a in axes) if isinstance(axis, tuple) else int(axis)


def _matmul(x: Tensor, y: Tensor) -> Tensor:
    if x.ndim == 0 or y.ndim == 0:
        raise ValueError(
            f"matmul: operands must have at least one dimension, got shapes {x.shape} and "
            f"{y.shape}; use * to multiply by a scalar"
        )
    inner_y = y.shape[0] if y.ndim == 1 else y.shape[-2]
    which = "first" if y.ndim == 1 else "second-to-last"
    if x.shape[-1] != inner_y:
        hint = ""
        if y.ndim >= 2 and x.shape[-1] == y.shape[-1]:
            hint = "; did you mean x @ W.T?"
        elif x.ndim >= 2 and x.shape[-2] == inner_y:
            hint = "; did you mean x.T @ W?"
        raise ValueError(
            f"matmul: shapes {x.shape} and {y.shape} do not align: the last dimension of "
            f"the first ({x.shape[-1]}) must equal the {which} of the second ({inner_y}){hint}"
        )
    try:
        data = np.matmul(x.data, y.data)
    except ValueError:
        raise _broadcast_error("matmul", x, y) from None
    return _make(data, R.MATMUL, (x, y))


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
        seed: Any = np.ones_like(root.data)
    else:
        seed = np.array(_data(grad), dtype=root.data.dtype)  # a copy: never the caller's
        if seed.shape != root.shape:
            raise ValueError(
                f"backward: grad has shape {seed.shape} but the tensor has shape "
                f"{root.shape}; pass one gradient per element, in the tensor's shape"
            )
    return Tensor(seed) if create_graph else seed


def gradients(
    root: Tensor,
    grad: Any = None,
    create_graph: bool = False,
    order: list[Tensor] | None = None,
) -> dict[Tensor, Any]:
    """Run the backward pass from `root`; return the gradients that reach kept nodes.

    Kept nodes are leaves with `requires_grad=True` and nodes that called
    `retain_grad()`. No `.grad` is touched, and the graph is not released: `backward()`
    and the derivatives toolkit build on this.

    Returns:
        A dict from node to $\\partial(\\sum grad \\cdot root)/\\partial node$: ndarrays, or
        Tensors recorded as a graph when `create_graph=True`.
    """
    seed = _seed(root, grad, create_graph)
    if order is None:
        order = topological_order(root)
    pending: dict[Tensor, Any] = {root: seed}
    kept: dict[Tensor, Any] = {}
    with enable_grad() if create_graph else nullcontext():
        for node in order:
            g = pending.pop(node, None)
            if g is None:
                continue
            op = node._op
            if op is None or node._retain:
                kept[node] = g
                if op is None:
                    continue
            parents = node._parents
            assert parents is not None  # topological_order raised for released graphs
            x = parents[0]
            second = parents[1] if len(parents) == 2 else node._ctx
            args: tuple[Any, Any, Any]
            if create_graph:
                args = (x, second, node)
            else:
                args = (x.data, second.data if len(parents) == 2 else second, node.data)
            for parent, partial in zip(parents, op.partials):
                if not parent.requires_grad:
                    continue
                if op.elementwise:
                    local = partial(*args)
                    c = g if type(local) is float and local == 1.0 else g * local
                    c = R.sum_to(c, parent.data.shape)
                else:
                    c = partial(g, *args)
                previous = pending.get(parent)
                pending[parent] = c if previous is None else previous + c
    return kept


__all__ = ["Tensor", "gradients"]
