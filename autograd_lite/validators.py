r"""Argument checks shared by the data sets, the layers, the optimizers and the transforms.

Every check returns the value in its plain Python type, or raises one error in one format:
the owner (the function or layer being called), the argument, the value with its type, and
the fix, as a sentence a learner can act on:

    make_moons: n_samples must be at least 1, got 0; pass a whole number such as
    n_samples=100

Example:
    >>> from autograd_lite.validators import check_count, make_rng
    >>> check_count("Linear", "in_features", 3, example=2)
    3
    >>> int(make_rng(0, "Linear").integers(10))
    8
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from typing import Any, TypeAlias

import numpy as np

Seed: TypeAlias = "int | np.random.Generator | None"


def _got(value: object) -> str:
    """`2.5 (float)`: the value as typed, then its type (values cut at 40 characters)."""
    return f"{value!r:.40} ({type(value).__name__})"


def check_count(owner: str, name: str, value: object, example: int, minimum: int = 1) -> int:
    """Return `value` as an int >= `minimum`, or raise an error naming it and the fix.

    Raises:
        TypeError: `value` is not an integer (a bool is not one either).
        ValueError: `value` < `minimum`.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{owner}: {name} must be an int, got {_got(value)}; "
            f"pass a whole number such as {name}={example}"
        )
    if value < minimum:
        raise ValueError(
            f"{owner}: {name} must be at least {minimum}, got {value}; "
            f"pass a whole number such as {name}={example}"
        )
    return int(value)


def check_real(owner: str, name: str, value: object, example: float) -> float:
    """Return `value` as a finite float, or raise an error naming it and the fix.

    Raises:
        TypeError: `value` is not a real number.
        ValueError: `value` is nan or infinite.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{owner}: {name} must be a real number, got {_got(value)}; "
            f"pass a number such as {name}={example}"
        )
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(
            f"{owner}: {name} must be finite, got {value!r}; pass a number such as "
            f"{name}={example}"
        )
    return number


def check_interval(
    owner: str,
    name: str,
    value: object,
    low: float,
    high: float | None,
    example: str,
    low_open: bool = False,
    high_open: bool = True,
) -> float:
    r"""Return `value` as a float in the interval from `low` to `high`, or raise.

    The interval is $[low, high)$ by default; `low_open` makes it $(low, \dots$ and
    `high_open=False` makes it $\dots, high]$. `high=None` means no upper bound.

    Raises:
        TypeError: `value` is not a real number.
        ValueError: `value` lies outside the interval (or is nan), naming it and `example`.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{owner}: {name} must be a number, got {_got(value)}; try {example}")
    x = float(value)
    too_low = x <= low if low_open else x < low
    too_high = high is not None and (x >= high if high_open else x > high)
    if math.isnan(x) or too_low or too_high or (high is None and math.isinf(x)):
        left = "(" if low_open else "["
        right = "inf)" if high is None else f"{high:g}{')' if high_open else ']'}"
        raise ValueError(
            f"{owner}: {name} must be in {left}{low:g}, {right}, got {value!r}; try {example}"
        )
    return x


def check_function(owner: str, f: Any, example: str | None = None) -> Callable[..., Any]:
    """Return `f` if it can be called, or raise an error naming `owner` and the right call
    (`example`; by default that of a transform, `ag.grad(f)(x)`).

    The usual slip is passing a function's value for the function: `ag.grad(f(x))` for
    `ag.grad(f)(x)`, which would otherwise fail later as "'float' object is not callable".

    Raises:
        TypeError: `f` is not callable.
    """
    if not callable(f):
        raise TypeError(
            f"{owner}: expected a function, got {_got(f)}; pass the function itself, as in "
            + (example or f"ag.{owner}(f)(x), not ag.{owner}(f(x))")
        )
    return f


def make_rng(seed: Seed, owner: str = "init") -> np.random.Generator:
    """Return the random generator that `seed` names.

    Args:
        seed: an int >= 0 (the same int gives the same numbers), a `np.random.Generator`
            (used as it is, so several layers can draw from one stream), or None for fresh
            randomness.
        owner: the name shown in error messages.

    Raises:
        TypeError: `seed` is neither an int, a Generator nor None.
        ValueError: `seed` is a negative int.
    """
    if seed is None:
        return np.random.default_rng()
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(
            f"{owner}: seed must be an int, a np.random.Generator or None, got {_got(seed)}; "
            "pass seed=0 (or any int >= 0) for repeatable results, or seed=None for fresh ones"
        )
    if seed < 0:
        raise ValueError(
            f"{owner}: seed must be >= 0, got seed={seed}; pass seed=0 or another int >= 0"
        )
    return np.random.default_rng(int(seed))


__all__ = ["Seed", "check_count", "check_interval", "check_real", "make_rng"]
