"""Grad mode: whether operations record the graph that backward() walks.

Recording costs a node per operation. Evaluating a trained model, updating parameters
in an optimizer, or computing a metric needs no graph, so those run under `no_grad()`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from types import TracebackType
from typing import TypeVar

F = TypeVar("F", bound=Callable[..., object])


class _State:
    """Holds the one flag read by every operation (a class attribute: one lookup)."""

    enabled: bool = True


def is_grad_enabled() -> bool:
    """Return True when operations record the graph (the default)."""
    return _State.enabled


class no_grad:
    """Context manager and decorator in which no graph is recorded.

    Inside it every operation returns a plain leaf: `Value` results have no parents,
    `Tensor` results have `requires_grad=False`. Nesting is allowed; the previous mode
    is restored on exit, also when an exception escapes.

    Example:
        >>> import autograd_lite as ag
        >>> w = ag.Value(2.0)
        >>> with ag.no_grad():
        ...     y = w * 3
        >>> y._parents
        ()
    """

    def __init__(self) -> None:
        self._previous: list[bool] = []

    def __enter__(self) -> no_grad:
        self._previous.append(_State.enabled)
        _State.enabled = False
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        _State.enabled = self._previous.pop()

    def __call__(self, func: F) -> F:
        """Use as `@ag.no_grad()`: the decorated function runs without recording."""

        @functools.wraps(func)
        def wrapper(*args: object, **kwargs: object) -> object:
            with no_grad():
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


class enable_grad(no_grad):
    """The opposite of `no_grad`: record the graph, even inside a `no_grad` block."""

    def __enter__(self) -> enable_grad:
        self._previous.append(_State.enabled)
        _State.enabled = True
        return self

    def __call__(self, func: F) -> F:
        """Use as `@ag.enable_grad()`."""

        @functools.wraps(func)
        def wrapper(*args: object, **kwargs: object) -> object:
            with enable_grad():
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]
