r"""`im2col`: the patches a convolution or a pooling layer looks at, as one structural rule.

A 2-D convolution with a $k_h \times k_w$ kernel looks at one patch of the (padded) image
per output pixel. Copying every patch into a row ("image to columns") turns the whole
convolution into a single matrix product, which BLAS does fast:

$$\text{patches}[n, i, j, c, a, b] = x_\text{pad}[n, c,\; i s_h + a,\; j s_w + b],$$

for output pixel $(i, j)$, channel $c$ and kernel offset $(a, b)$, where $x_\text{pad}$
is $x$ with `padding` rows and columns of `fill` added on each side and $s$ the stride.
Pooling takes the max or the mean over the last two axes instead.

Composing this from indexing would record one node per kernel offset; written as one
rule of the table (`rules.IM2COL`) it is one node, a strided view copied once. Its
vector-Jacobian product, "columns to image", adds each patch's gradient back where the
patch came from: a loop over the $k_h k_w$ kernel offsets, each adding one strided slice
of the gradient into a zero image (overlapping patches add up, as the chain rule says),
then dropping the padding.

Example:
    >>> import numpy as np
    >>> import autograd_lite as ag
    >>> from autograd_lite.nn.im2col import im2col
    >>> x = ag.Tensor(np.arange(16.0).reshape(1, 1, 4, 4), requires_grad=True)
    >>> p = im2col(x, (2, 2), stride=(2, 2))
    >>> p.shape                        # (N, out_h, out_w, C, kh, kw)
    (1, 2, 2, 1, 2, 2)
    >>> p.data[0, 0, 1, 0].tolist()    # the top-right 2x2 patch
    [[2.0, 3.0], [6.0, 7.0]]
    >>> p.sum().backward()
    >>> int(x.grad.sum())              # each pixel in exactly one patch
    16
"""

from __future__ import annotations

from .. import rules as R
from ..tensor import Tensor

Pair = tuple[int, int]


def output_size(size: int, kernel: int, stride: int, padding: int) -> int:
    r"""Output length along one axis: $\lfloor (n + 2p - k) / s \rfloor + 1$ (PyTorch's)."""
    return (size + 2 * padding - kernel) // stride + 1


def im2col(
    x: Tensor,
    kernel_size: Pair,
    stride: Pair = (1, 1),
    padding: Pair = (0, 0),
    fill: float = 0.0,
) -> Tensor:
    r"""The patches of `x` that a `kernel_size` window visits, one row of numbers per position.

    Args:
        x: a Tensor of shape `(N, C, H, W)`.
        kernel_size: $(k_h, k_w)$.
        stride: $(s_h, s_w)$, the step between windows.
        padding: $(p_h, p_w)$, rows and columns of `fill` added on each side first.
        fill: the padding's value (0 for convolution; $-\infty$ for max pooling).

    Returns:
        A Tensor of shape `(N, OH, OW, C, kh, kw)`, with
        $OH = \lfloor (H + 2p_h - k_h)/s_h \rfloor + 1$ (and $OW$ alike).

    Raises:
        ValueError: the window does not fit in the padded input (`output_size` < 1).
    """
    kh, kw = kernel_size
    sh, sw = stride
    ph, pw = padding
    _, _, h, w = x.shape
    if output_size(h, kh, sh, ph) < 1 or output_size(w, kw, sw, pw) < 1:
        raise ValueError(
            f"im2col: a {kh}x{kw} window does not fit in an input of {h}x{w} padded by "
            f"{ph}x{pw}; pad more or use a smaller window"
        )
    return x._unary(R.IM2COL, (kh, kw, sh, sw, ph, pw, float(fill)))


__all__ = ["im2col", "output_size"]
