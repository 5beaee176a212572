r"""Seeded random initialisation, shared by every layer.

A model built twice with the same `seed` has the same weights, so a training run can be
repeated exactly. `seed` may be an int, a `np.random.Generator` (handed from layer to layer
by `MLP`, so one seed fixes the whole model) or None for fresh randomness (as PyTorch
without `torch.manual_seed`).

Example:
    >>> from autograd_lite.nn.init import make_rng, uniform
    >>> uniform((2, 3), bound=0.5, rng=make_rng(0)).shape
    (2, 3)
"""

from __future__ import annotations

import numbers
from typing import Any, TypeAlias

import numpy as np

Seed: TypeAlias = "int | np.random.Generator | None"


def make_rng(seed: Seed, owner: str = "init") -> np.random.Generator:
    """Return the generator to draw initial weights from.

    Args:
        seed: an int >= 0, a `np.random.Generator` (used as is, so layers sharing it draw
            one stream), or None for fresh randomness.
        owner: the name shown in error messages (the layer being built).

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
            f"{owner}: seed must be an int, a np.random.Generator or None, got "
            f"{type(seed).__name__} {seed!r:.40}; pass seed=0 for repeatable weights"
        )
    if seed < 0:
        raise ValueError(f"{owner}: seed must be >= 0, got {seed}; pass seed=0 or another int")
    return np.random.default_rng(int(seed))


def uniform(
    shape: tuple[int, ...], bound: float, rng: np.random.Generator, dtype: Any = np.float64
) -> np.ndarray:
    r"""Draw an array of `shape` from $\mathcal{U}(-\text{bound}, \text{bound})$ in `dtype`."""
    return rng.uniform(-bound, bound, shape).astype(dtype, copy=False)


def check_count(owner: str, name: str, value: object, example: int, minimum: int = 1) -> int:
    """Return `value` as an int >= `minimum`, or raise an error naming it and the fix."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{owner}: {name} must be an int, got {type(value).__name__} {value!r:.40}; "
            f"pass a whole number such as {name}={example}"
        )
    if value < minimum:
        raise ValueError(
            f"{owner}: {name} must be at least {minimum}, got {value}; "
            f"pass a whole number such as {name}={example}"
        )
    return int(value)
