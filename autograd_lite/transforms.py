"""What every transform shares: the arguments made leaves, the nesting, the way back.

A transform (`grad`, `vjp`, `jacrev`, `jvp`, `jacfwd`, ...) makes a fresh leaf node of
each argument it differentiates (`Inputs`; an argument that is a tuple, list or dict is
flattened into its leaves), runs f on them, and converts what it found back into the
kind of thing the argument was (`result`). Inside another transform, or when an argument
is already a node of an outer graph, it is *nested*: its results stay nodes, recorded,
so that the outer transform can differentiate them. `_Depth` counts the transforms
running in this thread, and `floats` reports a node that f turned into a plain number.
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

import numpy as np

from .grad_mode import _Depth, _State, enable_grad
from .graph import gradients, topological_order
from .pytree import flatten, unflatten
from .tensor import Tensor
from .tensor import _backward_pass as backward_pass
from .value import Value

Argnums = int | tuple[int, ...]


class Scope:
    """One call of f by a transform: transforms called inside it nest, and `floated` is
    where f turned a node into a plain number (`grad_mode.note_float`), or None."""

    __slots__ = ("floated", "outer")
    floated: str | None
    outer: str | None

    def __enter__(self) -> Scope:
        _Depth.active += 1
        self.outer, _Depth.floated = _Depth.floated, None
        self.floated = None
        return self

    def __exit__(self, *exc: object) -> None:
        _Depth.active -= 1
        self.floated, _Depth.floated = _Depth.floated, self.outer


def _recorded() -> Any:
    """`enable_grad()` where recording is off; else nothing (no block: the ops keep reading
    the fast, shared grad mode)."""
    return nullcontext() if _State.enabled else enable_grad()


@contextmanager
def recording() -> Iterator[Scope]:
    """The scope of a reverse-mode transform's call of f: nested, and f's graph recorded
    (even under `no_grad`, or inside a forward pass that records nothing)."""
    with Scope() as scope, _recorded():
        yield scope


def floats(scope: Scope, returned: Any, name: str) -> None:
    """Report a node that f turned into a plain number (`math.sin(x)`, `float(x)`): its
    derivative is lost. Raise if nothing f returned is a node (the result would be 0,
    silently); else warn, at f's line (a print of `float(loss)` is harmless, and `.data`
    or `.item()` say so)."""
    if scope.floated is None:
        return
    where = scope.floated
    fix = (
        "use ag.sin(x), ag.exp(x), ... or x.sin(), x.exp(), ... (math and NumPy functions "
        "see only the number); to read the number on purpose, write x.data (or t.item())"
    )
    if not any(isinstance(out, (Value, Tensor)) for out in flatten(returned)[0]):
        raise TypeError(
            f"{name}: f turned its input into a plain number at {where} (math.sin(x), "
            f"float(x), ...), so it returned a number with no derivative; {fix}"
        )
    file, _, line = where.rpartition(":")
    message = (
        f"{name}: f turned a node into a plain number at {where} (math.sin(x), float(x), "
        f"...); whatever it computed from that number has no derivative; {fix}"
    )
    warnings.warn_explicit(message, UserWarning, file, int(line), registry=_WARNED)


_WARNED: dict[Any, Any] = {}
"""`warnings`' registry for `floats`: each line is reported once, not at every step of a
training loop that calls the transform."""


def check_argnums(argnums: Argnums, nargs: int, name: str) -> tuple[int, ...]:
    """`argnums` as a tuple of non-negative positions, or a ValueError naming the call."""
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    for i in nums:
        if not isinstance(i, int) or not -nargs <= i < nargs:
            raise ValueError(
                f"{name}: argnums {argnums!r} does not fit a call with {nargs} positional "
                f"argument(s); argnums counts them from 0"
            )
    return tuple(i % nargs for i in nums)


def leaf(x: Any, name: str, in_tree: bool = False) -> tuple[Value | Tensor, bool]:
    """A fresh node for argument x, and whether x was itself a node (nested call).

    A number becomes a Value, except inside a tuple, list or dict (`in_tree`): there it
    becomes a 0-d Tensor, so that it combines with the arrays beside it.
    """
    if type(x) is float and not in_tree:  # the common case, before the slower checks
        return Value(x), False
    if in_tree and isinstance(x, numbers.Real) and not isinstance(x, bool):
        return Tensor(np.asarray(float(x)), requires_grad=True), False
    if isinstance(x, Value):
        with _recorded():  # a node of its own, still connected to the outer graph
            return x + 0.0, True
    if isinstance(x, Tensor):
        if x.requires_grad:
            with _recorded():
                inner = x + 0.0
            inner.retain_grad()
            return inner, True
        return Tensor(x.data, requires_grad=True), False
    if isinstance(x, numbers.Real) and not isinstance(x, bool):
        return Value(float(x)), False
    if isinstance(x, (np.ndarray, np.generic, list, tuple)):
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
        "pass a number, an ndarray, a Value or a Tensor (or a tuple, list or dict of them)"
    )


class Inputs:
    """The arguments a transform differentiates, as fresh leaf nodes.

    Each argument in `nums` is flattened (`pytree.flatten`) unless `arrays` says it is one
    array-like; each leaf becomes a node. `call_args` are the arguments to call `f` with.

    Attributes:
        call_args: the positional arguments, the differentiated ones made of nodes.
        leaves: every leaf node, in order.
        originals: what the caller passed for each leaf.
        nested: True inside an outer transform, or when an argument is an outer node.
    """

    def __init__(self, args: Any, nums: tuple[int, ...], name: str, arrays: bool = False):
        self.call_args = list(args)
        self.nested = _Depth.active > 0
        self.leaves: list[Any] = []
        self.originals: list[Any] = []
        self._parts: list[tuple[Any, int, int]] = []
        for i in nums:
            items, structure = ([args[i]], None) if arrays else flatten(args[i])
            in_tree = structure is not None and len(structure) > 1
            start = len(self.leaves)
            for item in items:
                node, inner = leaf(item, name, in_tree)
                self.leaves.append(node)
                self.originals.append(item)
                self.nested = self.nested or inner
            made = self.leaves[start:]
            self.call_args[i] = made[0] if structure is None else unflatten(structure, made)
            self._parts.append((structure, start, len(self.leaves)))

    def rebuild(self, values: list[Any]) -> list[Any]:
        """One value per leaf, put back into the structure of each argument."""
        return [
            values[start] if structure is None else unflatten(structure, values[start:stop])
            for structure, start, stop in self._parts
        ]


def pullback(out: Any, seed: Any, leaves: list[Any], nested: bool) -> list[Any]:
    """$\\sum$ seed $\\cdot\\,\\partial out/\\partial\\,leaf$ for each leaf (None where out
    does not depend on it): numbers and arrays, or nodes when `nested`."""
    if not isinstance(out, (Value, Tensor)) or not out.requires_grad:
        return [None] * len(leaves)
    if nested and isinstance(out, Tensor) and not isinstance(seed, Tensor):
        seed = Tensor(np.asarray(seed, dtype=out.data.dtype))
    if not nested and isinstance(out, Tensor) and all(n._op is None for n in leaves):
        # The fast loop of Tensor.backward: each gradient dropped once passed on.
        kept = backward_pass(out, np.asarray(seed), topological_order(out))
        return [kept.get(node) for node in leaves]
    with _recorded() if nested else nullcontext():
        grads = gradients(out, seed, create_graph=nested)
    return [grads.get(node) for node in leaves]


def pullback_sum(outs: list[Any], seeds: list[Any], leaves: list[Any], nested: bool) -> list[Any]:
    """$\\sum_j$ seed$_j \\cdot\\,\\partial out_j/\\partial\\,leaf$ for each leaf (None
    where no output depends on it): `pullback` over several outputs, added up."""
    total: list[Any] = [None] * len(leaves)
    for out, seed in zip(outs, seeds):
        for k, g in enumerate(pullback(out, seed, leaves, nested)):
            if g is not None:
                total[k] = g if total[k] is None else total[k] + g
    return total


def result(g: Any, node: Any, original: Any, nested: bool) -> Any:
    """Convert a gradient back to the kind of thing the argument was.

    Inside an outer differentiation (`nested`), a gradient that is a node stays a node,
    so the outer call can differentiate it.
    """
    if isinstance(node, Value):
        if g is None:
            return 0.0
        return g if nested else float(g)
    if g is None:
        g = np.zeros_like(node.data)
    if nested:
        return g if isinstance(g, Tensor) else Tensor(g)
    if isinstance(original, numbers.Real):  # a number in a pytree: a 0-d Tensor inside
        return float(np.asarray(g).reshape(()))
    if isinstance(original, Tensor):
        return Tensor(np.asarray(g, dtype=node.data.dtype))
    return np.asarray(g, dtype=node.data.dtype).reshape(node.shape)


def plain(x: Any) -> Any:
    """A node as its number or array (a copy); anything else as it is."""
    if isinstance(x, Value):
        return x.data
    if isinstance(x, Tensor):
        return np.array(x.data)
    return x


def _as_node(out: Any, name: str) -> Any:
    """f's output, which must be a node: a plain number or array has lost its graph."""
    if isinstance(out, (Value, Tensor)):
        return out
    hint = ""
    if isinstance(out, (numbers.Real, np.ndarray, np.generic)):
        hint = (
            " (a plain number or array: .item(), float() or np.asarray cut the graph; "
            "for a scalar function use ag.grad)"
        )
    raise TypeError(f"{name}: f must return a Tensor or a Value, got {type(out).__name__}{hint}")


def shape_of(node: Any) -> tuple[int, ...]:
    """The shape of a node's data (() for a Value)."""
    return () if isinstance(node, Value) else tuple(node.data.shape)
