"""Forward mode, op by op: each new node's tangent, computed as the node is made.

In forward mode every value u carries its tangent $\\dot u$, the derivative of u along a
direction of the inputs: u is a dual number $u + \\dot u\\,\\varepsilon$ with
$\\varepsilon^2 = 0$. While a forward pass is running (a `Level`, opened by `ag.jvp` or
`ag.jacfwd`), the node constructors call `push` for every op: it reads the tangents of
the op's inputs and writes the output's, from the rule table:

* an elementwise op multiplies each input's tangent by its local derivative (the same
  `partials[i](x, y, out)` the backward pass multiplies `g` by) and adds them up:
  $\\dot u = \\sum_i \\frac{\\partial u}{\\partial x_i}\\dot x_i$;
* a structural op applies its rule's `jvp`.

Nothing is kept for later: a node's tangent lives on the node (in its `_notes`, under
the level: `note`) and dies with it, so a forward pass needs no more memory than the function.
In a plain `ag.jvp` (one level, on numbers, nothing recorded: `grad_mode.dual`) the
constructors skip `push`'s dispatch: `tensor._checked_make` calls `dual_notes`, or for an
elementwise op writes `_elementwise` out, as `value._checked_node` does for floats.

In `jacfwd` the tangents of Tensors carry a leading axis of k directions, `(k, *shape)`,
so that all the columns of a Jacobian go through in one pass; in `jvp` (one direction)
each is shaped like its node (`Level.batched`); tangents of Values are numbers. When
several levels are open (`jacfwd(jacfwd(f))`), each level's tangent is computed with
only the levels outside it open, so that they see its ops (an outer level
differentiates what the inner ones compute, never its own work), and the outer levels
first, so that the new node already has their tangents when an inner level's formula
uses it (tanh's is $1 - out^2$).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .grad_mode import _thread
from .rules import broadcast_to, lead


class Level:
    """One forward pass (one call of jvp or jacfwd): the key of its tangents on the nodes.

    Attributes:
        nested: compute the tangents on nodes, recorded, so that an outer transform can
            differentiate them; else on their numbers and arrays.
        batched: the tangents of Tensors carry a leading axis of directions, `(k,
            *shape)` (jacfwd's n columns); else each is shaped like its node (jvp's one
            direction: NumPy multiplies a `(1, n)` array by an `(n,)` one three times
            slower than two `(n,)` arrays, which on small arrays is most of a step).
    """

    __slots__ = ("batched", "nested")

    def __init__(self, nested: bool, batched: bool = True) -> None:
        self.nested = nested
        self.batched = batched


def note(node: Any, key: Any, value: Any) -> None:
    """Write what a mode notes on a node: its tangent of a level, the line that made it.

    A node's `_notes` is None (or not set) when nothing is noted, the pair `(key, what)`
    for one note, which is nearly always (a tuple is made in half a dict's time, and a
    plain jvp makes one per op), and a dict for several."""
    notes = getattr(node, "_notes", None)
    if notes is None:
        node._notes = (key, value)
    elif type(notes) is tuple:
        node._notes = (key, value) if notes[0] == key else {notes[0]: notes[1], key: value}
    else:
        notes[key] = value


def noted(node: Any, key: Any) -> Any:
    """What a mode noted on the node under `key` (`note`), or None."""
    notes = getattr(node, "_notes", None)
    if type(notes) is tuple:
        return notes[1] if notes[0] == key else None
    return None if notes is None else notes.get(key)


tangent_of = noted
"""`tangent_of(node, level)`: the node's tangent in `level`, its note under the level, or
None where the level's inputs do not reach it."""


def push(out: Any, op: Any, inputs: tuple[Any, ...], ctx: Any) -> None:
    """Give a new node its tangent in every open level (the node constructors call this,
    before anything else notes on the node)."""
    levels = _thread.levels
    if len(levels) == 1 and not levels[0].nested:  # one pass, on numbers: nothing records
        out._notes = dual_notes(out, op, inputs, ctx, levels[0])
        return
    rule = _elementwise if op.elementwise else _structural
    try:
        for i, level in enumerate(levels):  # the outermost first, as said above
            _thread.levels = levels[:i]
            t = rule(op, inputs, ctx, out, level)
            if t is not None:  # noted at once: an inner level's formula may use it
                note(out, level, t)
    finally:
        _thread.levels = levels


def dual_notes(out: Any, op: Any, inputs: tuple[Any, ...], ctx: Any, level: Level) -> Any:
    """A new node's notes in a forward pass on numbers, its only level: `(level, tangent)`,
    or None where the level's inputs do not reach it. (`push` and `tensor._checked_make`
    call it directly in a plain `ag.jvp` or `ag.jacfwd`; `value._checked_node`, and
    `tensor._checked_make` for a jvp's elementwise ops, write the same out.)"""
    t = (_elementwise if op.elementwise else _structural)(op, inputs, ctx, out, level)
    return None if t is None else (level, t)


def times(local: Any, t: Any) -> Any:
    """One term of a tangent, local * t: None where local is the number 0 (no term), t
    itself where it is 1, -t where it is -1 (cheaper than a product by a Python number)."""
    if type(local) is float:
        if local == 1.0:
            return t
        if local == 0.0:
            return None
        if local == -1.0:
            return -t
    return t * local


def _elementwise(op: Any, inputs: tuple[Any, ...], ctx: Any, out: Any, level: Level) -> Any:
    """$\\dot u = \\sum_i \\partial u/\\partial x_i\\;\\dot x_i$, with the rule's partials
    (`times`); with a batch axis, each tangent's axes lined up with the output's after it
    (`lead`)."""
    x = inputs[0]
    y = inputs[1] if len(inputs) > 1 else None
    tx = tangent_of(x, level)
    ty = None if y is None else tangent_of(y, level)
    if tx is None and ty is None:
        return None
    data = out.data
    if level.nested:
        second, result = (ctx if y is None else y), out
    else:
        x, second, result = x.data, (ctx if y is None else y.data), data
    batched = level.batched and type(data) is not float
    total = None
    if tx is not None:
        if batched and tx.ndim <= data.ndim:
            tx = lead(tx, data.ndim)
        total = times(op.partials[0](x, second, result), tx)
    if ty is not None:
        if batched and ty.ndim <= data.ndim:
            ty = lead(ty, data.ndim)
        term = times(op.partials[1](x, second, result), ty)
        if total is None or term is None:
            total = term if total is None else total
        elif (  # total is this step's own product (not tx itself, nor a view of it): add
            type(total) is np.ndarray  # into it rather than into a new array
            and total is not tx
            and total.base is None
            and total.shape == term.shape
            and total.dtype == term.dtype
        ):
            total += term
        else:
            total = total + term
    if total is None or type(data) is float:
        return total
    if batched:
        if total.shape[1:] != data.shape:  # an input broadcast up to the output's shape
            total = broadcast_to(lead(total, data.ndim), (total.shape[0], *data.shape))
    elif total.shape != data.shape:
        total = broadcast_to(total, data.shape)
    return total


def _structural(op: Any, inputs: tuple[Any, ...], ctx: Any, out: Any, level: Level) -> Any:
    """The rule's `jvp`, given the inputs' tangents (None where an input does not move).
    A rule's jvp takes and gives tangents with the batch axis; a jvp's, shaped like their
    nodes, get one of length 1 for the call."""
    ts = []
    for x in inputs:
        t = tangent_of(x, level)
        if t is not None and not level.batched and type(x.data) is np.ndarray:
            t = t.reshape((1, *t.shape))
        ts.append(t)
    if all(t is None for t in ts):
        return None
    if level.nested:
        t = op.jvp(tuple(ts), inputs, ctx, out)
    else:
        t = op.jvp(tuple(ts), tuple(x.data for x in inputs), ctx, out.data)
    if level.batched or type(out.data) is not np.ndarray:  # a Value's: a number
        return t
    return t.reshape(out.data.shape)


__all__ = ["Level", "dual_notes", "note", "noted", "push", "tangent_of", "times"]
