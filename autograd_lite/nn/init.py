r"""Initialisation: seeded random weights, and Kaiming's scaling for deep networks.

A model built twice with the same `seed` has the same weights, so a training run can be
repeated exactly. `seed` may be an int, a `np.random.Generator` (handed from layer to layer
by `MLP`, so one seed fixes the whole model) or None for fresh randomness (as PyTorch
without `torch.manual_seed`).

Why the scale matters: a layer $y = W x$ with $n$ inputs of variance 1 and weights of
variance $\sigma^2$ gives outputs of variance $n \sigma^2$. Layer after layer that factor
multiplies, so activations (and gradients) shrink to nothing or blow up unless
$\sigma^2 \approx \text{gain}^2 / n$. Kaiming He et al. (2015) take the gain that undoes
the activation's own squashing: $\sqrt 2$ for ReLU (it zeroes half its inputs), $5/3$ for
tanh, 1 for a linear layer (`calculate_gain`, PyTorch's values).

Example:
    >>> import autograd_lite as ag
    >>> layer = ag.nn.Linear(200, 200, seed=0)
    >>> _ = ag.nn.init.kaiming_normal_(layer.weight, nonlinearity="tanh", seed=0)
    >>> round(float(layer.weight.data.std() * 200 ** 0.5), 1)     # gain 5/3
    1.7
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..tensor import Tensor
from ..validators import Seed, make_rng

GAINS = {
    "linear": 1.0,
    "conv2d": 1.0,
    "sigmoid": 1.0,
    "tanh": 5.0 / 3.0,
    "relu": math.sqrt(2.0),
    "gelu": math.sqrt(2.0),
}
"""The gain of each nonlinearity (PyTorch's `calculate_gain`; gelu as relu)."""


def uniform(
    shape: tuple[int, ...], bound: float, rng: np.random.Generator, dtype: Any = np.float64
) -> np.ndarray:
    r"""Draw an array of `shape` from $\mathcal{U}(-\text{bound}, \text{bound})$ in `dtype`."""
    return rng.uniform(-bound, bound, shape).astype(dtype, copy=False)


def calculate_gain(nonlinearity: str) -> float:
    r"""The factor by which Kaiming initialisation scales $1/\sqrt{\text{fan\_in}}$.

    Args:
        nonlinearity: `"linear"`, `"conv2d"`, `"sigmoid"`, `"tanh"` ($5/3$), `"relu"`
            ($\sqrt 2$) or `"gelu"` (taken as relu's).

    Raises:
        ValueError: an unknown name, listing the known ones.
    """
    key = str(nonlinearity).lower()
    if key not in GAINS:
        raise ValueError(
            f"calculate_gain: unknown nonlinearity {nonlinearity!r}; choose one of "
            f"{', '.join(GAINS)}"
        )
    return GAINS[key]


def _fan(tensor: Tensor, mode: str, owner: str) -> int:
    """Fan-in (or fan-out) of a weight `(out, in, *kernel)`: in (out) times the kernel size."""
    if tensor.ndim < 2:
        raise ValueError(
            f"{owner}: a weight of shape {tensor.shape} has no fan-in; Kaiming initialisation "
            "is for weights of shape (out_features, in_features) or (out, in, kh, kw)"
        )
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"{owner}: mode must be 'fan_in' or 'fan_out', got {mode!r}")
    receptive = int(np.prod(tensor.shape[2:])) if tensor.ndim > 2 else 1
    return (tensor.shape[1] if mode == "fan_in" else tensor.shape[0]) * receptive


def kaiming_normal_(
    tensor: Tensor, nonlinearity: str = "relu", mode: str = "fan_in", seed: Seed = None
) -> Tensor:
    r"""Fill `tensor` in place from $\mathcal{N}(0, \sigma^2)$ with $\sigma = g/\sqrt{\text{fan}}$.

    $g$ is the activation's gain (`calculate_gain`), and the fan is the number of inputs
    of each output unit (`in_features`, or in_channels * kh * kw for a convolution).

    Args:
        tensor: a weight of shape `(out, in)` or `(out, in, kh, kw)`.
        nonlinearity: the activation after the layer (see `calculate_gain`).
        mode: `"fan_in"` (keeps the forward pass's scale, the default) or `"fan_out"`
            (keeps the backward pass's).
        seed: an int or a `np.random.Generator`; None for fresh randomness.

    Returns:
        `tensor`, filled.
    """
    std = calculate_gain(nonlinearity) / math.sqrt(_fan(tensor, mode, "kaiming_normal_"))
    rng = make_rng(seed, "kaiming_normal_")
    tensor.data[...] = rng.normal(0.0, std, tensor.shape)
    return tensor


def kaiming_uniform_(
    tensor: Tensor, nonlinearity: str = "relu", mode: str = "fan_in", seed: Seed = None
) -> Tensor:
    r"""Fill `tensor` in place from $\mathcal{U}(-b, b)$, $b = \text{gain}\sqrt{3/\text{fan}}$.

    The uniform distribution with the same variance as `kaiming_normal_`'s.

    Returns:
        `tensor`, filled.
    """
    bound = calculate_gain(nonlinearity) * math.sqrt(3.0 / _fan(tensor, mode, "kaiming_uniform_"))
    rng = make_rng(seed, "kaiming_uniform_")
    tensor.data[...] = rng.uniform(-bound, bound, tensor.shape)
    return tensor


__all__ = ["GAINS", "calculate_gain", "kaiming_normal_", "kaiming_uniform_", "uniform"]
