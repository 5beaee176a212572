"""Grad mode: whether operations record the graph that backward() walks.

Recording costs a node per operation. Evaluating a trained model, updating parameters
in an optimizer, or computing a metric needs no graph, so those run under `no_grad()`.

The mode belongs to the thread that sets it, as in PyTorch: a `no_grad()` block in one
thread never stops another thread from recording its graph.
"""

from __future__ import annotations

import functools
import inspect
import os
import sys
import threading
from collections.abc import Callable, Generator
from contextvars import ContextVar
from types import TracebackType
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., object])


class _ThreadMode(threading.local):
    """Each thread's own modes, and the grad modes its open blocks will restore.

    The class attributes are every thread's defaults, so a thread that never entered a
    block reads them without any set-up.

    Attributes:
        enabled: record the graph (`no_grad` turns it off).
        anomaly: check every op's output for NaN and infinity (`ag.detect_anomaly`).
        levels: the forward-mode passes open (`ag.jvp`, `ag.jacfwd`), outermost first.
        dual: the level of a plain `ag.jvp` (one level, on numbers) while it is this
            thread's only mode and nothing is recorded, else None; kept by `settle`,
            which also sets the context variable `dual` that the node constructors read.
    """

    enabled: bool = True
    anomaly: bool = False
    levels: tuple[Any, ...] = ()
    dual: Any = None

    def __init__(self) -> None:
        self.previous: list[bool] = []


_thread = _ThreadMode()


class _Everywhere:
    """The mode while no thread is inside a `no_grad` or `enable_grad` block: on.

    A class attribute read through an instance without a `__dict__`: as fast as the
    plain class attribute the engine read before the mode was per thread. A
    `threading.local` read costs about 40 ns more per operation, 10% of a scalar op.
    """

    __slots__ = ()
    enabled = True
    anomaly = False
    levels: tuple[Any, ...] = ()


class _PerThread:
    """The modes while some thread is inside a block: each thread reads its own.

    Each mode is a property whose getter is `getattr(_thread, name)` bound with
    `functools.partial`: C calls only, about 20 ns a read less than a Python getter.
    """

    __slots__ = ()
    enabled = property(functools.partial(getattr, _thread, "enabled"))
    anomaly = property(functools.partial(getattr, _thread, "anomaly"))
    levels = property(functools.partial(getattr, _thread, "levels"))


_State = _Everywhere()
"""Read by every operation as `_State.enabled` (and by the watching modes, `hooks.py`, as
`_State.anomaly` and `_State.levels`). Its class is `_Everywhere` while no block is open
in any thread (the common case, and the fast one), and `_PerThread` while one is."""
_lock = threading.Lock()
_open_blocks = 0


def count_block(change: int) -> None:
    """Count a block opened (+1) or closed (-1) in some thread: while any is open, each
    thread reads its own modes (`_thread`), which the block sets."""
    global _open_blocks
    _lock.acquire()  # not `with _lock`, which costs four times as much, on every block
    try:
        _open_blocks += change
        _State.__class__ = _PerThread if _open_blocks else _Everywhere  # type: ignore[assignment]
    finally:
        _lock.release()


_dual: ContextVar[Any] = ContextVar("autograd_lite.dual", default=None)
dual = _dual.get
"""`dual()`: `_thread.dual`, as a context variable, read by the node constructors at every
op while a watching mode is on (`hooks.py`): 9 ns a read against a thread-local's 35, a
saving of a tenth of what a scalar op's tangent costs. A new thread starts with an empty
context, so with None. Where it may disagree with the thread's own `_thread.dual` (a
context copied during a jvp: a task, or a thread on a Python that lets threads inherit
their starter's context), the constructors trust it only for an op whose input carries
the level's tangent, and ask the thread for the others."""


def settle() -> None:
    """After this thread's modes changed: is it in a plain `ag.jvp`, recording nothing?
    (`_thread.dual`, and the context variable `dual` the node constructors read.)"""
    levels = _thread.levels
    plain = len(levels) == 1 and not levels[0].nested
    quiet = not (_thread.anomaly or _thread.enabled)
    level = levels[0] if plain and quiet else None
    _thread.dual = level
    if _dual.get() is not level:
        _dual.set(level)


def _enter(mode: bool) -> None:
    """Open a block in this thread: set its mode, remembering the one to restore."""
    count_block(+1)
    _thread.previous.append(_thread.enabled)
    _thread.enabled = mode
    settle()


def _exit() -> None:
    """Close this thread's innermost block: restore the mode it found."""
    _thread.enabled = _thread.previous.pop()
    settle()
    count_block(-1)


def bare_decorator(block: Any, func: Any) -> Any:
    """`block(func)`, the function decorated: how a mode's class takes `@ag.no_grad` as
    well as `@ag.no_grad()` (its `__new__` returns the block itself for no `func`)."""
    name = type(block).__name__
    if not callable(func):
        raise TypeError(
            f"ag.{name}() takes no arguments, got {type(func).__name__} {func!r:.40}; write "
            f"`with ag.{name}():`, or put @ag.{name} above a function"
        )
    return block(func)


class _NestingDepth(threading.local):
    """How many transforms are running in this thread: inside one, results must stay nodes.

    Per thread: another thread's `grad` call must not make this thread's results nodes.
    `floated` is the line (`file:line`) where f last turned a node into a plain number
    during the innermost transform's call (`note_float`).
    """

    active = 0
    floated: str | None = None


_Depth = _NestingDepth()
_PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep
"""This package's folder: frames in it are the engine's, not the user's code."""


def note_float() -> None:
    """Inside a transform, remember the user's line that turned a node into a plain number:
    `math.sin(x)`, `float(x)`, `np.float64(x)` call the node's `__float__`, and whatever
    is computed from that number carries no derivative. Called by `__float__` and
    `__int__` (not by `.item()` or `.data`, which read the number on purpose); a call
    from inside this package (a comparison `x > y`), or outside every transform, is not
    noted."""
    if not _Depth.active:
        return
    frame = sys._getframe(2)  # the caller of `__float__`
    code = frame.f_code
    if not code.co_filename.startswith(_PACKAGE):
        _Depth.floated = f"{code.co_filename}:{frame.f_lineno}"


def is_grad_enabled() -> bool:
    """Return True when operations record the graph in this thread (the default)."""
    return _State.enabled


class no_grad:
    """Context manager and decorator in which no graph is recorded.

    Inside it every operation returns a plain leaf: `Value` results have no parents,
    `Tensor` results have `requires_grad=False`. Nesting is allowed; the previous mode
    is restored on exit, also when an exception escapes. The mode is per thread: other
    threads keep recording (one `no_grad()` object may even be shared between threads).

    As a decorator it also works on a generator function, as in PyTorch: the body runs
    without recording each time the generator resumes, whatever the caller's mode.

    Example:
        >>> import autograd_lite as ag
        >>> w = ag.Value(2.0)
        >>> with ag.no_grad():
        ...     y = w * 3
        >>> y._parents
        ()
    """

    _mode = False

    def __new__(cls, func: Any = None) -> Any:
        """`no_grad()` is the block; `no_grad(f)`, from `@ag.no_grad` without brackets (as
        PyTorch takes it), is `no_grad()(f)`."""
        block = object.__new__(cls)
        return block if func is None else bare_decorator(block, func)

    def __enter__(self) -> no_grad:
        _enter(self._mode)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        _exit()

    def __call__(self, func: F) -> F:
        """Use as `@ag.no_grad()`: the decorated function runs without recording.

        Raises:
            TypeError: `func` is an `async` function, whose body would run later, outside
                the block.
        """
        kind = type(self)
        name = f"@ag.{kind.__name__}()"
        if inspect.iscoroutinefunction(func) or inspect.isasyncgenfunction(func):
            raise TypeError(
                f"{name} cannot decorate the async function {func.__name__}: its body runs "
                f"later, outside the block; use `with ag.{kind.__name__}():` inside it"
            )
        if inspect.isgeneratorfunction(func):
            return _generator_in_mode(func, kind)  # type: ignore[return-value]

        @functools.wraps(func)
        def wrapper(*args: object, **kwargs: object) -> object:
            with kind():
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


class enable_grad(no_grad):
    """The opposite of `no_grad`: record the graph, even inside a `no_grad` block.

    Per thread, and usable as a decorator (of generator functions too), as `no_grad`.
    """

    _mode = True

    def __enter__(self) -> enable_grad:
        super().__enter__()
        return self


def _generator_in_mode(
    func: Callable[..., Generator[Any, Any, Any]], kind: type[no_grad]
) -> Callable[..., Generator[Any, Any, Any]]:
    """Wrap a generator function so that its body runs in `kind`'s mode at every resumption.

    Entering the mode around the call alone would do nothing: a generator's body runs only
    when it is resumed (`next`, `send`, `throw`, `close`), long after the call returned.
    So each resumption is wrapped, and the caller's own mode is back between them.
    """

    @functools.wraps(func)
    def generator(*args: Any, **kwargs: Any) -> Generator[Any, Any, Any]:
        inner = func(*args, **kwargs)
        try:
            with kind():
                response = inner.send(None)
            while True:
                try:
                    request = yield response
                except GeneratorExit:
                    with kind():
                        inner.close()
                    raise
                except BaseException as error:  # thrown in by the caller: pass it on
                    with kind():
                        response = inner.throw(error)
                else:
                    with kind():
                        response = inner.send(request)
        except StopIteration as stop:
            return stop.value

    return generator
