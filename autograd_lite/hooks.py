"""The modes that watch every op as it is made: anomaly detection and forward mode.

Every node is made by one of two constructors, `value._node` and `tensor._make`. While
some thread has a watching mode on (`ag.detect_anomaly()`, or a forward pass of
`ag.jvp` / `ag.jacfwd`), they are swapped for `value._checked_node` and
`tensor._checked_make`, which make the same node and then call `observe` (or, in a
plain `ag.jvp`, give the node its tangent directly: `tangent.dual_notes`); when no
thread needs them, the plain constructors are put back. So the ops pay nothing for these
modes when they are off, which is nearly always (a flag read per op would cost about 1%
of a step of scalar ops). Which thread is watching is read from the per-thread flags
`_thread.anomaly` and `_thread.levels`, and a plain jvp from `grad_mode.dual` (a context
variable, checked against `_thread.dual` where it could be a copy).
"""

from __future__ import annotations

import threading
from typing import Any

from .anomaly import watch
from .grad_mode import _thread
from .tangent import push

_users = 0  # watching modes open, in all threads
_lock = threading.Lock()


def observe(out: Any, op: Any, inputs: tuple[Any, ...], ctx: Any) -> None:
    """What the checking constructors do after making a node: the modes of this thread."""
    # This thread's modes, read from the thread's own record (`_State` would read the
    # same through a property while any block is open, which is whenever a mode is).
    if _thread.levels:  # first: push writes the new node's notes, watch adds to them
        push(out, op, inputs, ctx)
    if _thread.anomaly:
        watch(out, op, inputs, ctx)


_modules: tuple[Any, ...] = ()


def _find_modules() -> tuple[Any, ...]:
    """The modules whose constructors `swap` swaps (they import this one: found late)."""
    global _modules
    from . import tensor, value

    _modules = (tensor, value)
    return _modules


def swap(change: int) -> None:
    """Count a watching mode opened (+1) or closed (-1); swap the constructors to match."""
    tensor, value = _modules or _find_modules()
    global _users
    _lock.acquire()  # as `grad_mode.count_block`
    try:
        _users += change
        on = _users > 0
        value._node = value._checked_node if on else value._record
        tensor._make = tensor._checked_make if on else tensor._record
    finally:
        _lock.release()


__all__ = ["observe", "swap"]
