r"""`ag.nn.functional` (also `ag.nn.F`): the layers' computations as functions, PyTorch's way.

Each function takes Tensors (or arrays) in PyTorch's layouts and argument names (images
NCHW, convolution weights `(out_channels, in_channels, kh, kw)`), so code ports both ways.
All are composed from the engine's primitive ops and carry no derivative code of their
own, except that convolution and pooling gather their patches with one structural rule,
`im2col` (see `autograd_lite.nn.im2col`): composed from indexing it would be one node per
kernel offset.

Example:
    >>> import numpy as np
    >>> import autograd_lite as ag
    >>> import autograd_lite.nn.functional as F
    >>> x = ag.Tensor(np.ones((1, 1, 4, 4)))
    >>> w = ag.Tensor(np.ones((2, 1, 3, 3)), requires_grad=True)
    >>> y = F.conv2d(x, w, padding=1)      # each output sums the 3x3 window around it
    >>> y.shape, y.data[0, 0, 0, 0], y.data[0, 0, 1, 1]
    ((1, 2, 4, 4), np.float64(4.0), np.float64(9.0))
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..tensor import Tensor
from . import losses
from .im2col import im2col, output_size
from .shapes import ShapeError


def _pair(value: Any, owner: str, name: str, minimum: int = 1) -> tuple[int, int]:
    """`3` -> `(3, 3)`; `(3, 2)` stays; anything else raises naming the argument."""
    pair = (value, value) if isinstance(value, numbers.Integral) else value
    if (
        not isinstance(pair, (tuple, list))
        or len(pair) != 2
        or not all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in pair)
    ):
        raise TypeError(
            f"{owner}: {name} must be an int or a pair of ints (height, width), got {value!r}"
        )
    if min(pair) < minimum:
        raise ValueError(f"{owner}: {name} must be at least {minimum}, got {value!r}")
    return int(pair[0]), int(pair[1])


def _images(x: Tensor, owner: str) -> None:
    if x.ndim != 4:
        hint = ""
        if x.ndim == 3:
            hint = f"; for one image use x.reshape(1, {', '.join(map(str, x.shape))})"
        elif x.ndim == 2:
            side = math.isqrt(x.shape[1])
            if side * side == x.shape[1]:
                hint = f"; for rows of {x.shape[1]} pixels use x.reshape(-1, 1, {side}, {side})"
        raise ShapeError(owner, "(N, C, H, W), a batch of images", x.shape, hint.lstrip("; "))


def _window_fits(
    x: Tensor, kernel: tuple[int, int], stride: tuple[int, int], pad: tuple[int, int], owner: str
) -> tuple[int, int]:
    _, _, h, w = x.shape
    oh = output_size(h, kernel[0], stride[0], pad[0])
    ow = output_size(w, kernel[1], stride[1], pad[1])
    if oh < 1 or ow < 1:
        hp, wp = h + 2 * pad[0], w + 2 * pad[1]
        raise ShapeError(
            owner,
            f"images of at least {kernel[0]}x{kernel[1]} (the kernel) after padding",
            x.shape,
            f"this input is {hp}x{wp} after padding {pad[0]}x{pad[1]}; use a smaller "
            "kernel_size, more padding, or fewer pooling layers before this one",
        )
    return oh, ow


# ---------------------------------------------------------------- convolution and pooling


def conv2d(input: Any, weight: Any, bias: Any = None, stride: Any = 1, padding: Any = 0) -> Tensor:
    r"""2-D convolution (cross-correlation, as every framework computes it).

    $$y[n, o, i, j] = b_o + \sum_{c, a, b} W[o, c, a, b]\;
      x_\text{pad}[n, c,\; i s_h + a,\; j s_w + b]$$

    Computed as one matrix product: the patches (`im2col`), shape
    `(N * OH * OW, C * kh * kw)`, times the weight reshaped to `(O, C * kh * kw)`
    transposed. Backward: $\partial L/\partial W$ is the patches' transpose times the
    upstream gradient; $\partial L/\partial x$ adds every patch's gradient back in place.

    Args:
        input: `(N, C, H, W)`.
        weight: `(O, C, kh, kw)`.
        bias: `(O,)` or None.
        stride: an int or a pair `(sh, sw)`.
        padding: an int or a pair `(ph, pw)`, zeros added on each side.

    Returns:
        `(N, O, OH, OW)` with $OH = \lfloor (H + 2p_h - k_h)/s_h \rfloor + 1$.

    Raises:
        ShapeError: the input is not a batch of images, its channels differ from the
            weight's, or the kernel is larger than the padded input.
    """
    return conv2d_in("conv2d", input, weight, bias, stride, padding)


def conv2d_in(owner: str, input: Any, weight: Any, bias: Any, stride: Any, padding: Any) -> Tensor:
    """`conv2d`, with errors naming `owner` (the layer calling it)."""
    x = losses.as_tensor(input, owner)
    w = losses.as_tensor(weight, owner, "weight")
    if w.ndim != 4:
        raise ShapeError(owner, "a weight (out_channels, in_channels, kh, kw)", w.shape)
    _images(x, owner)
    out_ch, in_ch, kh, kw = w.shape
    if x.shape[1] != in_ch:
        raise ShapeError(
            owner,
            f"(N, {in_ch}, H, W): {in_ch} input channels",
            x.shape,
            f"the input has {x.shape[1]} channels; set in_channels={x.shape[1]}",
        )
    s = _pair(stride, owner, "stride")
    p = _pair(padding, owner, "padding", minimum=0)
    oh, ow = _window_fits(x, (kh, kw), s, p, owner)
    n = x.shape[0]
    cols = im2col(x, (kh, kw), s, p).reshape(n * oh * ow, in_ch * kh * kw)
    out = cols @ w.reshape(out_ch, in_ch * kh * kw).T
    if bias is not None:
        out = out + bias
    return out.reshape(n, oh, ow, out_ch).transpose(0, 3, 1, 2)


def _pool_arguments(
    x: Tensor, kernel_size: Any, stride: Any, padding: Any, owner: str
) -> tuple[tuple[int, int], tuple[int, int], tuple[int, int]]:
    _images(x, owner)
    k = _pair(kernel_size, owner, "kernel_size")
    s = k if stride is None else _pair(stride, owner, "stride")
    p = _pair(padding, owner, "padding", minimum=0)
    if 2 * p[0] > k[0] or 2 * p[1] > k[1]:
        raise ValueError(
            f"{owner}: padding {p} is more than half the kernel {k}, so some windows would "
            "hold padding only; use padding <= kernel_size // 2"
        )
    return k, s, p


def pool2d_in(
    owner: str, how: str, input: Any, kernel_size: Any, stride: Any, padding: Any
) -> Tensor:
    """`max_pool2d` (`how="max"`) or `avg_pool2d` (`"avg"`), errors naming `owner`."""
    x = losses.as_tensor(input, owner)
    k, s, p = _pool_arguments(x, kernel_size, stride, padding, owner)
    n, c, h, w = x.shape
    oh, ow = _window_fits(x, k, s, p, owner)
    if s == k and p == (0, 0):
        # Windows that tile the image: a reshape (rows beyond the last window dropped, as
        # PyTorch does) instead of copying patches.
        if (h, w) != (oh * k[0], ow * k[1]):
            x = x[:, :, : oh * k[0], : ow * k[1]]
        if not x.data.flags.c_contiguous and x.data.transpose(0, 2, 3, 1).flags.c_contiguous:
            # Channels last in memory (as conv2d leaves them): pool in that layout, where
            # the reshape is a view and each reduction runs along contiguous channels.
            blocks = x.transpose(0, 2, 3, 1).reshape(n, oh, k[0], ow, k[1], c)
            pooled = blocks.max(axis=(2, 4)) if how == "max" else blocks.mean(axis=(2, 4))
            return pooled.transpose(0, 3, 1, 2)
        blocks = x.reshape(n, c, oh, k[0], ow, k[1])
        return blocks.max(axis=(3, 5)) if how == "max" else blocks.mean(axis=(3, 5))
    fill = -np.inf if how == "max" else 0.0
    windows = im2col(x, k, s, p, fill=fill).reshape(n, oh, ow, c, k[0] * k[1])
    pooled = windows.max(axis=-1) if how == "max" else windows.mean(axis=-1)
    return pooled.transpose(0, 3, 1, 2)


def max_pool2d(input: Any, kernel_size: Any, stride: Any = None, padding: Any = 0) -> Tensor:
    r"""The largest value of each window: $y[n, c, i, j] = \max_{a, b} x_\text{pad}[n, c,
    i s_h + a, j s_w + b]$, padding with $-\infty$.

    The gradient goes to the window's maximum; elements tying for it share it equally
    (as `max` does; PyTorch gives it to one of them).

    Args:
        input: `(N, C, H, W)`.
        kernel_size: an int or a pair.
        stride: the step between windows; the kernel size by default.
        padding: at most half the kernel.

    Returns:
        `(N, C, OH, OW)`.
    """
    return pool2d_in("max_pool2d", "max", input, kernel_size, stride, padding)


def avg_pool2d(input: Any, kernel_size: Any, stride: Any = None, padding: Any = 0) -> Tensor:
    r"""The mean of each window, $\frac{1}{k_h k_w}\sum_{a, b} x_\text{pad}[n, c, i s_h + a,
    j s_w + b]$ (zero padding counts in the mean, PyTorch's default
    `count_include_pad=True`).

    Returns:
        `(N, C, OH, OW)`.
    """
    return pool2d_in("avg_pool2d", "avg", input, kernel_size, stride, padding)


# ---------------------------------------------------------------- regularisation, normalisation

_dropout_rng = np.random.default_rng()


def dropout(
    input: Any,
    p: float = 0.5,
    training: bool = True,
    generator: np.random.Generator | None = None,
) -> Tensor:
    r"""Zero each element with probability $p$ and scale the rest by $1/(1-p)$ (training only).

    $y = x \odot m / (1 - p)$ with $m_i \sim \text{Bernoulli}(1 - p)$, so $E[y] = x$ and
    the next layer sees the same scale in training and in evaluation, where dropout is the
    identity. The gradient flows through the kept elements, scaled alike.

    Args:
        input: any shape.
        p: the probability of zeroing, in [0, 1].
        training: apply dropout (True) or return the input unchanged.
        generator: where the mask is drawn from (`ag.nn.Dropout` passes its own seeded
            one); None uses a module-wide generator.
    """
    if isinstance(p, bool) or not isinstance(p, numbers.Real) or not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout: p must be a probability in [0, 1], got {p!r}")
    x = losses.as_tensor(input, "dropout")
    if not training or p == 0.0:
        return x
    rng = _dropout_rng if generator is None else generator
    if p == 1.0:
        return x * np.zeros(x.shape, dtype=x.dtype)
    keep = rng.random(x.shape) >= p
    return x * (keep * (1.0 / (1.0 - p))).astype(x.dtype, copy=False)


def _normalize(x: Tensor, axes: tuple[int, ...], eps: float) -> tuple[Tensor, Tensor, Tensor]:
    r"""$(x - \mu)/\sqrt{\sigma^2 + \epsilon}$ over `axes`; also returns $\mu$ and $\sigma^2$.

    `x.var()` would compute the same variance, but its own $x - \mu$ too: written out, the
    centred input is made once and serves both the variance and the output.
    """
    mean = x.mean(axis=axes, keepdims=True)
    centered = x - mean
    var = (centered * centered).mean(axis=axes, keepdims=True)  # biased, as PyTorch
    return centered / (var + eps).sqrt(), mean, var


def batch_norm(
    input: Any,
    running_mean: np.ndarray | None,
    running_var: np.ndarray | None,
    weight: Any = None,
    bias: Any = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    r"""Batch normalisation: each channel standardised over the batch, then scaled and shifted.

    For channel $c$ (axis 1), with the mean $\mu_c$ and the biased variance $\sigma_c^2$
    over every other axis (the batch, and the pixels of images):

    $$y = \gamma_c\,\frac{x - \mu_c}{\sqrt{\sigma_c^2 + \epsilon}} + \beta_c.$$

    In training the statistics are the batch's, and the gradient flows through them too;
    the running estimates are updated in place as
    $\hat\mu \leftarrow (1 - m)\hat\mu + m\mu$ and
    $\hat\sigma^2 \leftarrow (1 - m)\hat\sigma^2 + m\sigma^2 \frac{n}{n-1}$ (the unbiased
    variance, as PyTorch). In evaluation the running estimates are used, as constants.

    Args:
        input: `(N, C)`, `(N, C, L)` or `(N, C, H, W)`.
        running_mean: an array of shape `(C,)` (updated in training), or None.
        running_var: an array of shape `(C,)` (updated in training), or None.
        weight: $\gamma$ of shape `(C,)`, or None.
        bias: $\beta$ of shape `(C,)`, or None.
        training: use (and update) batch statistics.
        momentum: $m$.
        eps: $\epsilon$.

    Raises:
        ValueError: training on one value per channel, or evaluating without running
            statistics.
    """
    x = losses.as_tensor(input, "batch_norm")
    if x.ndim < 2:
        raise ShapeError("batch_norm", "(N, C) or (N, C, ...)", x.shape)
    channels = x.shape[1]
    axes = (0, *range(2, x.ndim))
    shape = (1, channels) + (1,) * (x.ndim - 2)
    if training:
        count = x.data.size // max(channels, 1)
        if count < 2:
            raise ValueError(
                f"batch_norm: training needs more than one value per channel to measure a "
                f"variance, got input of shape {x.shape}; use a batch of 2 or more, or "
                "call model.eval() first"
            )
        out, mean, var = _normalize(x, axes, eps)
        if running_mean is not None:
            running_mean *= 1.0 - momentum
            running_mean += momentum * mean.data.reshape(channels)
        if running_var is not None:
            running_var *= 1.0 - momentum
            running_var += (momentum * count / (count - 1)) * var.data.reshape(channels)
    else:
        if running_mean is None or running_var is None:
            raise ValueError(
                "batch_norm: evaluation uses the running statistics, but none were given; "
                "pass running_mean and running_var, or training=True"
            )
        scale = 1.0 / np.sqrt(running_var + eps)
        out = (x - running_mean.reshape(shape)) * scale.reshape(shape).astype(x.dtype)
    if weight is not None:
        out = out * (weight if x.ndim == 2 else weight.reshape(shape))
    if bias is not None:
        out = out + (bias if x.ndim == 2 else bias.reshape(shape))
    return out


def layer_norm(
    input: Any,
    normalized_shape: int | Sequence[int],
    weight: Any = None,
    bias: Any = None,
    eps: float = 1e-5,
) -> Tensor:
    r"""Layer normalisation: each sample standardised over its last dimensions.

    With the mean $\mu$ and biased variance $\sigma^2$ over the trailing
    `normalized_shape` axes of each sample (not over the batch, so training and evaluation
    compute the same thing):

    $$y = \gamma \odot \frac{x - \mu}{\sqrt{\sigma^2 + \epsilon}} + \beta.$$

    Args:
        input: `(..., *normalized_shape)`.
        normalized_shape: the trailing shape to normalise over (an int for the last axis).
        weight: $\gamma$ of shape `normalized_shape`, or None.
        bias: $\beta$ of shape `normalized_shape`, or None.
        eps: $\epsilon$.
    """
    x = losses.as_tensor(input, "layer_norm")
    shape = (
        (int(normalized_shape),)
        if isinstance(normalized_shape, (int, np.integer))
        else tuple(int(n) for n in normalized_shape)
    )
    if tuple(x.shape[x.ndim - len(shape) :]) != shape or x.ndim < len(shape):
        raise ShapeError(
            "layer_norm",
            f"(..., {', '.join(map(str, shape))}): normalized_shape {shape} as the last axes",
            x.shape,
        )
    axes = tuple(range(x.ndim - len(shape), x.ndim))
    out = _normalize(x, axes, eps)[0]
    if weight is not None:
        out = out * weight
    if bias is not None:
        out = out + bias
    return out


def embedding(input: Any, weight: Any) -> Tensor:
    r"""Look up rows of `weight`: $y[\dots, :] = W[\text{input}[\dots], :]$.

    Equivalent to a one-hot vector times $W$, without building it; the gradient adds
    $\partial L/\partial y$ into the rows that were looked up (repeated indices add up).

    Args:
        input: an integer array (any shape) of indices in `0 .. num_embeddings - 1`.
        weight: `(num_embeddings, embedding_dim)`.

    Returns:
        Shape `input.shape + (embedding_dim,)`.

    Raises:
        TypeError: the indices are not integers.
        IndexError: an index out of range, naming it.
    """
    return embedding_in("embedding", input, weight)


def embedding_in(owner: str, input: Any, weight: Any) -> Tensor:
    """`embedding`, with errors naming `owner` (the layer calling it)."""
    index = np.asarray(input.data if isinstance(input, Tensor) else input)
    w = losses.as_tensor(weight, owner, "weight")
    if index.dtype.kind not in "iu":
        raise TypeError(
            f"{owner}: indices must be integers, got dtype {index.dtype}; convert them "
            "with .astype(int)"
        )
    if index.size and (index.min() < 0 or index.max() >= w.shape[0]):
        bad = int(index[(index < 0) | (index >= w.shape[0])].flat[0])
        raise IndexError(
            f"{owner}: index {bad} is out of range for {w.shape[0]} embeddings (valid: "
            f"0..{w.shape[0] - 1}); is num_embeddings the vocabulary's size?"
        )
    return w[index]


# ---------------------------------------------------------------- activations and losses


def relu(input: Any) -> Tensor:
    r"""$\max(x, 0)$ elementwise."""
    return losses.as_tensor(input, "relu").relu()


def gelu(input: Any, approximate: str = "none") -> Tensor:
    r"""The Gaussian error linear unit, $x\,\Phi(x)$ (PyTorch's default `nn.GELU`).

    $\Phi$ is the standard normal's distribution function, so large positive inputs pass
    unchanged and large negative ones go to 0, smoothly. With `approximate="tanh"`, the
    form of GPT-2 and makemore, composed from `tanh`:

    $$\tfrac12 x \left(1 + \tanh\!\left(\sqrt{2/\pi}\,(x + 0.044715\,x^3)\right)\right).$$

    Raises:
        ValueError: `approximate` is neither `"none"` nor `"tanh"`.
    """
    x = losses.as_tensor(input, "gelu")
    if approximate == "tanh":
        # sqrt(2/pi) (x + 0.044715 x^3) as x (a x^2 + b): two nodes fewer, 16% faster.
        b = math.sqrt(2.0 / math.pi)
        inner = x * (x * x * (0.044715 * b) + b)
        return x * 0.5 * (inner.tanh() + 1.0)
    if approximate != "none":
        raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
    return x.gelu()  # the engine's composite, x (1 + erf(x / sqrt 2)) / 2


def softmax(input: Any, dim: int = -1) -> Tensor:
    r"""$e^{x_i} / \sum_j e^{x_j}$ along `dim`, computed without overflow."""
    return losses.as_tensor(input, "softmax").softmax(axis=dim)


def log_softmax(input: Any, dim: int = -1) -> Tensor:
    r"""$x_i - \log\sum_j e^{x_j}$ along `dim`, computed without overflow."""
    return losses.as_tensor(input, "log_softmax").log_softmax(axis=dim)


def cross_entropy(
    input: Any, target: Any, ignore_index: int = -100, reduction: str = "mean"
) -> Tensor:
    r"""Cross-entropy of logits `(N, C)` against class labels `(N,)`; see `ag.nn.cross_entropy`.

    Rows whose label is `ignore_index` count neither in the sum nor in the mean (PyTorch's
    default, -100; `ag.data.padded_sequences` marks padding with -1).
    """
    return losses.cross_entropy(input, target, reduction=reduction, ignore_index=ignore_index)


def mse_loss(input: Any, target: Any, reduction: str = "mean") -> Any:
    r"""Mean squared error $\frac1n\sum_i(\hat y_i - y_i)^2$; see `ag.nn.mse_loss`."""
    return losses.mse_loss(input, target, reduction=reduction)


__all__ = [
    "avg_pool2d",
    "batch_norm",
    "conv2d",
    "cross_entropy",
    "dropout",
    "embedding",
    "gelu",
    "layer_norm",
    "log_softmax",
    "max_pool2d",
    "mse_loss",
    "relu",
    "softmax",
]
