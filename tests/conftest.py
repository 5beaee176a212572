"""Shared test references: central differences in float64, independent of the engine."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def central_difference(
    f: Callable[..., float], *inputs: np.ndarray, eps: float = 1e-6
) -> list[np.ndarray]:
    """Numerical gradient of scalar `f(*inputs)` with respect to every input.

    $\\partial f/\\partial x_i \\approx (f(x + \\epsilon e_i) - f(x - \\epsilon e_i))
    / 2\\epsilon$, with error $O(\\epsilon^2)$; computed in float64 on copies of the inputs.
    """
    arrays = [np.array(x, dtype=np.float64) for x in inputs]
    grads = []
    for array in arrays:
        grad = np.zeros_like(array)
        flat, gflat = array.reshape(-1), grad.reshape(-1)
        for i in range(flat.size):
            keep = flat[i]
            flat[i] = keep + eps
            up = float(f(*arrays))
            flat[i] = keep - eps
            down = float(f(*arrays))
            flat[i] = keep
            gflat[i] = (up - down) / (2 * eps)
        grads.append(grad)
    return grads
