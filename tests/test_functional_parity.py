"""`ag.nn.functional` against `torch.nn.functional`: forward and backward, float32 and
float64, odd shapes (stride 2, padding 1, non-square kernels, a batch of one).

Each case runs the same function on the same arrays in both libraries, takes the sum of
the output times a random upstream gradient, and compares the output and the gradient of
every input.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite.nn import functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional

DTYPES = [np.float64, np.float32]
TOLERANCE = {np.float64: {"rtol": 1e-10, "atol": 1e-12}, np.float32: {"rtol": 2e-4, "atol": 2e-5}}


def compare(
    ours: Callable[..., Any],
    theirs: Callable[..., Any],
    arrays: list[np.ndarray],
    dtype: Any,
    seed: int = 0,
) -> None:
    """Run both, backpropagate the same random upstream gradient, compare everything."""
    arrays = [a.astype(dtype) for a in arrays]
    ag_inputs = [ag.Tensor(a, requires_grad=True) for a in arrays]
    out = ours(*ag_inputs)
    t_inputs = [torch.tensor(a, requires_grad=True) for a in arrays]
    t_out = theirs(*t_inputs)
    assert out.shape == tuple(t_out.shape)
    assert out.dtype == dtype
    tol = TOLERANCE[dtype]
    np.testing.assert_allclose(out.data, t_out.detach().numpy(), **tol)
    g = np.random.default_rng(seed).normal(size=out.shape).astype(dtype)
    (out * g).sum().backward()
    (t_out * torch.tensor(g)).sum().backward()
    for i, (a, t) in enumerate(zip(ag_inputs, t_inputs)):
        assert a.grad is not None, f"input {i} got no gradient"
        assert a.grad.dtype == dtype
        np.testing.assert_allclose(a.grad, t.grad.numpy(), err_msg=f"input {i}", **tol)


rng = np.random.default_rng(0)

CONV_CASES = [
    # (N, C, H, W), (O, kh, kw), stride, padding
    ((2, 3, 7, 6), (4, 3, 2), 2, 1),
    ((1, 1, 5, 5), (2, 3, 3), 1, 0),
    ((3, 2, 8, 8), (5, 1, 3), (2, 1), (0, 1)),
    ((1, 2, 4, 9), (3, 4, 2), (1, 3), (2, 0)),
    ((2, 1, 8, 8), (6, 3, 3), 1, 1),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(("image", "kernel", "stride", "padding"), CONV_CASES)
def test_conv2d(dtype: Any, image: Any, kernel: Any, stride: Any, padding: Any) -> None:
    out_ch, kh, kw = kernel
    x = rng.normal(size=image)
    w = rng.normal(size=(out_ch, image[1], kh, kw))
    b = rng.normal(size=out_ch)
    compare(
        lambda x, w, b: F.conv2d(x, w, b, stride=stride, padding=padding),
        lambda x, w, b: TF.conv2d(x, w, b, stride=stride, padding=padding),
        [x, w, b],
        dtype,
    )


@pytest.mark.parametrize("dtype", DTYPES)
def test_conv2d_without_bias(dtype: Any) -> None:
    x, w = rng.normal(size=(1, 3, 6, 5)), rng.normal(size=(2, 3, 3, 2))
    compare(
        lambda x, w: F.conv2d(x, w, padding=1),
        lambda x, w: TF.conv2d(x, w, padding=1),
        [x, w],
        dtype,
    )


POOL_CASES = [
    # kernel, stride, padding, image
    (2, None, 0, (2, 3, 8, 8)),  # windows tile the image: the reshape path
    (2, None, 0, (1, 2, 7, 9)),  # a leftover row and column are dropped
    (3, 2, 1, (2, 3, 7, 8)),
    ((2, 3), (1, 2), (1, 1), (1, 1, 5, 6)),
    (3, 1, 0, (2, 2, 5, 4)),  # overlapping windows: gradients add up
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", ["max_pool2d", "avg_pool2d"])
@pytest.mark.parametrize(("kernel", "stride", "padding", "image"), POOL_CASES)
def test_pooling(
    dtype: Any, name: str, kernel: Any, stride: Any, padding: Any, image: Any
) -> None:
    x = rng.normal(size=image)  # no ties: where max ties, PyTorch picks one element
    compare(
        lambda x: getattr(F, name)(x, kernel, stride, padding),
        lambda x: getattr(TF, name)(x, kernel, stride, padding),
        [x],
        dtype,
    )


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(8, 5), (1, 5, 3), (4, 3, 2, 3)])
@pytest.mark.parametrize("training", [True, False])
def test_batch_norm(dtype: Any, shape: tuple[int, ...], training: bool) -> None:
    if training and shape[0] * int(np.prod(shape[2:])) < 2:
        pytest.skip("one value per channel")
    channels = shape[1]
    x = rng.normal(2.0, 3.0, size=shape)
    weight, bias = rng.normal(size=channels), rng.normal(size=channels)
    stats = (rng.normal(size=channels), rng.uniform(0.5, 2.0, channels))
    ours_stats = [s.astype(dtype) for s in stats]
    torch_stats = [torch.tensor(s.astype(dtype)) for s in stats]
    compare(
        lambda x, w, b: F.batch_norm(x, *ours_stats, w, b, training=training, momentum=0.3),
        lambda x, w, b: TF.batch_norm(x, *torch_stats, w, b, training=training, momentum=0.3),
        [x, weight, bias],
        dtype,
    )
    for mine, theirs in zip(ours_stats, torch_stats):  # the running statistics moved alike
        np.testing.assert_allclose(mine, theirs.numpy(), **TOLERANCE[dtype])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(("shape", "normalized"), [((4, 6), (6,)), ((1, 3, 2, 5), (2, 5))])
def test_layer_norm(dtype: Any, shape: tuple[int, ...], normalized: tuple[int, ...]) -> None:
    x = rng.normal(1.0, 2.0, size=shape)
    weight, bias = rng.normal(size=normalized), rng.normal(size=normalized)
    compare(
        lambda x, w, b: F.layer_norm(x, normalized, w, b),
        lambda x, w, b: TF.layer_norm(x, normalized, w, b),
        [x, weight, bias],
        dtype,
    )
    compare(
        lambda x: F.layer_norm(x, normalized), lambda x: TF.layer_norm(x, normalized), [x], dtype
    )


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("index_shape", [(5,), (2, 3), (1, 1)])
def test_embedding(dtype: Any, index_shape: tuple[int, ...]) -> None:
    index = rng.integers(0, 4, size=index_shape)  # small table: indices repeat, grads add
    weight = rng.normal(size=(4, 3))
    compare(
        lambda w: F.embedding(index, w),
        lambda w: TF.embedding(torch.tensor(index), w),
        [weight],
        dtype,
    )


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("approximate", ["tanh", "none"])
def test_gelu(dtype: Any, approximate: str) -> None:
    if approximate == "none" and not hasattr(ag, "gelu"):
        pytest.skip("the exact gelu needs the engine's erf (ag.gelu)")
    x = rng.normal(0.0, 3.0, size=(3, 7))
    compare(
        lambda x: F.gelu(x, approximate=approximate),
        lambda x: TF.gelu(x, approximate=approximate),
        [x],
        dtype,
    )


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@pytest.mark.parametrize("dim", [-1, 0, 1])
def test_softmax_family(dtype: Any, name: str, dim: int) -> None:
    x = rng.normal(0.0, 5.0, size=(3, 4, 5))
    compare(
        lambda x: getattr(F, name)(x, dim=dim), lambda x: getattr(TF, name)(x, dim=dim), [x], dtype
    )


@pytest.mark.parametrize("dtype", DTYPES)
def test_relu(dtype: Any) -> None:
    compare(F.relu, TF.relu, [rng.normal(size=(2, 3, 4))], dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("ignore", [False, True])
def test_cross_entropy(dtype: Any, reduction: str, ignore: bool) -> None:
    logits = rng.normal(0.0, 3.0, size=(7, 5))
    labels = rng.integers(0, 5, size=7)
    if ignore:
        labels[[1, 4]] = -1
    compare(
        lambda z: F.cross_entropy(z, labels, ignore_index=-1, reduction=reduction),
        lambda z: TF.cross_entropy(z, torch.tensor(labels), ignore_index=-1, reduction=reduction),
        [logits],
        dtype,
    )


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_mse_loss(dtype: Any, reduction: str) -> None:
    pred, target = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    compare(
        lambda p, t: F.mse_loss(p, t, reduction=reduction),
        lambda p, t: TF.mse_loss(p, t, reduction=reduction),
        [pred, target],
        dtype,
    )


@pytest.mark.parametrize("dtype", DTYPES)
def test_dropout_is_torchs_formula_on_its_own_mask(dtype: Any) -> None:
    """Random masks differ between libraries; given the mask, the numbers are PyTorch's."""
    x = rng.uniform(0.5, 2.0, size=(50, 40)).astype(dtype)  # no zeros in x: 0 means dropped
    p = 0.3
    mask = (F.dropout(x, p, generator=np.random.default_rng(1)).data != 0).astype(dtype)
    assert abs(mask.mean() - (1.0 - p)) < 0.03  # about 1 - p of the elements survive
    compare(
        lambda x: F.dropout(x, p, training=True, generator=np.random.default_rng(1)),
        lambda x: x * torch.tensor(mask) / (1.0 - p),
        [x],
        dtype,
    )
    t_eval = TF.dropout(torch.tensor(x), p, training=False).numpy()
    np.testing.assert_array_equal(F.dropout(x, p, training=False).data, t_eval)
