r"""Convolution and pooling layers on images `(N, C, H, W)`: `Conv2d`, `MaxPool2d`, `AvgPool2d`.

A convolution slides a small learned filter over the image: the same few weights look at
every position, so a feature (an edge, a loop of a digit) is found wherever it is, with
far fewer weights than a `Linear` layer on all pixels. Pooling then shrinks the picture,
keeping the strongest (max) or average response of each window.

Example:
    >>> import numpy as np
    >>> import autograd_lite as ag
    >>> net = ag.nn.Sequential(
    ...     ag.nn.Conv2d(1, 8, kernel_size=3, padding=1, seed=0), ag.nn.ReLU(),
    ...     ag.nn.MaxPool2d(2), ag.nn.Flatten(), ag.nn.Linear(8 * 4 * 4, 10, seed=0))
    >>> net(ag.Tensor(np.zeros((5, 1, 8, 8)))).shape
    (5, 10)
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..tensor import Tensor
from ..validators import Seed, check_count, make_rng
from . import functional
from .functional import _pair
from .init import uniform
from .module import Module


class Conv2d(Module):
    r"""A 2-D convolution layer: `out_channels` filters of `in_channels` x kh x kw weights.

    $$y[n, o] = b_o + \sum_{c} W[o, c] \star x[n, c]$$

    ($\star$: cross-correlation with the given stride and zero padding; see
    `ag.nn.functional.conv2d`). Initialised as PyTorch: weights and biases from
    $\mathcal{U}(-k, k)$ with $k = 1/\sqrt{\text{in\_channels} \cdot k_h k_w}$.

    Args:
        in_channels: channels of the input (1 for grey images).
        out_channels: number of filters (channels of the output).
        kernel_size: an int or a pair `(kh, kw)`.
        stride: an int or a pair.
        padding: an int or a pair: zeros added on each side (`kernel_size // 2` keeps the
            size for an odd kernel and stride 1).
        bias: learn a bias per filter.
        seed: an int or `np.random.Generator`; None for fresh weights.
        dtype: the parameters' dtype.

    Attributes:
        weight: Tensor `(out_channels, in_channels, kh, kw)`.
        bias: Tensor `(out_channels,)`, or None.
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int | tuple[int, int],
        stride: int | tuple[int, int] = 1,
        padding: int | tuple[int, int] = 0,
        bias: bool = True,
        seed: Seed = None,
        dtype: Any = np.float64,
    ) -> None:
        self.in_channels = check_count("Conv2d", "in_channels", in_channels, example=1)
        self.out_channels = check_count("Conv2d", "out_channels", out_channels, example=16)
        self.kernel_size = _pair(kernel_size, "Conv2d", "kernel_size")
        self.stride = _pair(stride, "Conv2d", "stride")
        self.padding = _pair(padding, "Conv2d", "padding", minimum=0)
        rng = make_rng(seed, "Conv2d")
        fan_in = self.in_channels * self.kernel_size[0] * self.kernel_size[1]
        bound = 1.0 / math.sqrt(fan_in)
        shape = (self.out_channels, self.in_channels, *self.kernel_size)
        self.weight = Tensor(uniform(shape, bound, rng, dtype), requires_grad=True, label="weight")
        self.bias: Tensor | None = (
            Tensor(uniform((self.out_channels,), bound, rng, dtype), requires_grad=True)
            if bias
            else None
        )

    def forward(self, x: Any) -> Tensor:
        return functional.conv2d_in(
            repr(self), x, self.weight, self.bias, self.stride, self.padding
        )

    def extra_repr(self) -> str:
        text = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}"
        if self.stride != (1, 1):
            text += f", stride={self.stride}"
        if self.padding != (0, 0):
            text += f", padding={self.padding}"
        if self.bias is None:
            text += ", bias=False"
        return text


class MaxPool2d(Module):
    r"""The maximum of each `kernel_size` window (see `ag.nn.functional.max_pool2d`).

    Args:
        kernel_size: an int or a pair.
        stride: the step between windows; the kernel size by default.
        padding: at most half the kernel.
    """

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0) -> None:
        self.kernel_size = _pair(kernel_size, "MaxPool2d", "kernel_size")
        self.stride = self.kernel_size if stride is None else _pair(stride, "MaxPool2d", "stride")
        self.padding = _pair(padding, "MaxPool2d", "padding", minimum=0)

    def forward(self, x: Any) -> Tensor:
        return functional.pool2d_in(
            repr(self), "max", x, self.kernel_size, self.stride, self.padding
        )

    def extra_repr(self) -> str:
        return _pool_repr(self.kernel_size, self.stride, self.padding)


class AvgPool2d(Module):
    r"""The mean of each `kernel_size` window (see `ag.nn.functional.avg_pool2d`).

    Args:
        kernel_size: an int or a pair.
        stride: the step between windows; the kernel size by default.
        padding: zeros added on each side (they count in the mean), at most half the kernel.
    """

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0) -> None:
        self.kernel_size = _pair(kernel_size, "AvgPool2d", "kernel_size")
        self.stride = self.kernel_size if stride is None else _pair(stride, "AvgPool2d", "stride")
        self.padding = _pair(padding, "AvgPool2d", "padding", minimum=0)

    def forward(self, x: Any) -> Tensor:
        return functional.pool2d_in(
            repr(self), "avg", x, self.kernel_size, self.stride, self.padding
        )

    def extra_repr(self) -> str:
        return _pool_repr(self.kernel_size, self.stride, self.padding)


def _pool_repr(kernel: tuple[int, int], stride: tuple[int, int], padding: tuple[int, int]) -> str:
    text = f"kernel_size={kernel}"
    if stride != kernel:
        text += f", stride={stride}"
    if padding != (0, 0):
        text += f", padding={padding}"
    return text


__all__ = ["AvgPool2d", "Conv2d", "MaxPool2d"]
