r"""Normalisation layers: `BatchNorm1d`, `BatchNorm2d` and `LayerNorm`.

Deep networks train badly when the scale of the activations drifts from layer to layer:
tanh and sigmoid units saturate, gradients vanish or explode. A normalisation layer
standardises its input to mean 0 and variance 1 (then lets the network rescale it with a
learned $\gamma$ and $\beta$), so every layer sees inputs of the same scale whatever the
weights before it do.

* Batch norm standardises each channel over the batch: in training with the batch's own
  statistics (so the samples of a batch interact), in evaluation with running averages.
* Layer norm standardises each sample over its own features: the same in training and
  evaluation, the choice of Transformers.

Example:
    >>> import numpy as np
    >>> import autograd_lite as ag
    >>> bn = ag.nn.BatchNorm1d(3)
    >>> x = ag.Tensor(np.random.default_rng(0).normal(5.0, 2.0, (64, 3)))
    >>> y = bn(x)
    >>> np.abs(y.data.mean(axis=0)).max() < 1e-12, np.allclose(y.data.std(axis=0), 1, atol=1e-4)
    (np.True_, True)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..tensor import Tensor
from ..validators import check_count, check_interval
from . import functional
from .module import Module
from .shapes import ShapeError


class _BatchNorm(Module):
    """Batch normalisation over axis 1; `BatchNorm1d` and `BatchNorm2d` check the rank."""

    ranks: tuple[int, ...] = ()
    layout = ""

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float = 0.1,
        affine: bool = True,
        dtype: Any = np.float64,
    ) -> None:
        owner = type(self).__name__
        self.num_features = check_count(owner, "num_features", num_features, example=64)
        self.eps = check_interval(owner, "eps", eps, 0.0, None, "eps=1e-5", low_open=True)
        self.momentum = check_interval(
            owner, "momentum", momentum, 0.0, 1.0, "momentum=0.1", high_open=False
        )
        self.weight: Tensor | None = None
        self.bias: Tensor | None = None
        if affine:
            self.weight = Tensor(np.ones(num_features, dtype), requires_grad=True)
            self.bias = Tensor(np.zeros(num_features, dtype), requires_grad=True)
        self.register_buffer("running_mean", np.zeros(num_features, dtype))
        self.register_buffer("running_var", np.ones(num_features, dtype))
        self.register_buffer("num_batches_tracked", np.zeros((), np.int64))

    running_mean: np.ndarray
    running_var: np.ndarray
    num_batches_tracked: np.ndarray

    def forward(self, x: Any) -> Tensor:
        ndim = np.ndim(x.data if isinstance(x, Tensor) else x)
        shape = tuple(getattr(x, "shape", np.shape(x)))
        if ndim not in self.ranks or shape[1] != self.num_features:
            raise ShapeError(
                repr(self),
                self.layout.replace("C", str(self.num_features)),
                shape,
                f"set num_features={shape[1]}" if ndim in self.ranks else "",
            )
        if self.training:
            self.num_batches_tracked += 1
        return functional.batch_norm(
            x,
            self.running_mean,
            self.running_var,
            self.weight,
            self.bias,
            training=self.training,
            momentum=self.momentum,
            eps=self.eps,
        )

    def extra_repr(self) -> str:
        text = f"{self.num_features}"
        if self.eps != 1e-5:
            text += f", eps={self.eps:g}"
        if self.momentum != 0.1:
            text += f", momentum={self.momentum:g}"
        return text + ("" if self.weight is not None else ", affine=False")


class BatchNorm1d(_BatchNorm):
    r"""Batch normalisation of features `(N, C)` (or sequences `(N, C, L)`), per feature.

    $$y = \gamma\,\frac{x - \mu_B}{\sqrt{\sigma_B^2 + \epsilon}} + \beta,$$

    $\mu_B, \sigma_B^2$ the batch's mean and (biased) variance in training mode; the running
    estimates in evaluation mode (`model.eval()`), which training updates as
    $\hat\mu \leftarrow (1 - m)\hat\mu + m\mu_B$ (see `ag.nn.functional.batch_norm`).
    The `state_dict` holds `weight`, `bias`, `running_mean`, `running_var` and
    `num_batches_tracked`, as PyTorch's.

    Args:
        num_features: $C$.
        eps: $\epsilon > 0$.
        momentum: $m \in [0, 1]$ (PyTorch's 0.1 by default; makemore uses 0.001).
        affine: learn $\gamma$ (ones) and $\beta$ (zeros).
        dtype: the parameters' and statistics' dtype.
    """

    ranks = (2, 3)
    layout = "(N, C) or (N, C, L)"


class BatchNorm2d(_BatchNorm):
    r"""Batch normalisation of images `(N, C, H, W)`, per channel over the batch and pixels.

    The formula of `BatchNorm1d`, with $\mu_B, \sigma_B^2$ taken over $N \cdot H \cdot W$
    values per channel.

    Args:
        num_features: $C$, the channels.
        eps: $\epsilon > 0$.
        momentum: $m \in [0, 1]$.
        affine: learn $\gamma$ and $\beta$.
        dtype: the parameters' and statistics' dtype.
    """

    ranks = (4,)
    layout = "(N, C, H, W)"


class LayerNorm(Module):
    r"""Layer normalisation: each sample standardised over its last `normalized_shape` axes.

    $$y = \gamma \odot \frac{x - \mu}{\sqrt{\sigma^2 + \epsilon}} + \beta,$$

    $\mu, \sigma^2$ per sample (see `ag.nn.functional.layer_norm`); $\gamma$ starts at ones
    and $\beta$ at zeros.

    Args:
        normalized_shape: the trailing shape (an int for the last axis).
        eps: $\epsilon > 0$.
        elementwise_affine: learn $\gamma$ and $\beta$.
        dtype: the parameters' dtype.

    Example:
        >>> import autograd_lite as ag
        >>> ln = ag.nn.LayerNorm(4)
        >>> ln(ag.Tensor([[1.0, 2.0, 3.0, 4.0]])).data.round(3).tolist()
        [[-1.342, -0.447, 0.447, 1.342]]
    """

    def __init__(
        self,
        normalized_shape: int | Sequence[int],
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        dtype: Any = np.float64,
    ) -> None:
        if isinstance(normalized_shape, (int, np.integer)):
            normalized_shape = (int(normalized_shape),)
        self.normalized_shape = tuple(
            check_count("LayerNorm", "normalized_shape", n, example=64) for n in normalized_shape
        )
        self.eps = check_interval("LayerNorm", "eps", eps, 0.0, None, "eps=1e-5", low_open=True)
        self.weight: Tensor | None = None
        self.bias: Tensor | None = None
        if elementwise_affine:
            self.weight = Tensor(np.ones(self.normalized_shape, dtype), requires_grad=True)
            self.bias = Tensor(np.zeros(self.normalized_shape, dtype), requires_grad=True)

    def forward(self, x: Any) -> Tensor:
        shape = tuple(getattr(x, "shape", np.shape(x)))
        k = len(self.normalized_shape)
        if shape[len(shape) - k :] != self.normalized_shape or len(shape) < k:
            fix = f"set normalized_shape={shape[-1]}" if k == 1 and shape else ""
            trailing = ", ".join(map(str, self.normalized_shape))
            raise ShapeError(repr(self), f"(..., {trailing})", shape, fix)
        return functional.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        shape = self.normalized_shape
        text = f"{shape[0] if len(shape) == 1 else shape}"
        if self.eps != 1e-5:
            text += f", eps={self.eps:g}"
        return text + ("" if self.weight is not None else ", elementwise_affine=False")


__all__ = ["BatchNorm1d", "BatchNorm2d", "LayerNorm"]
