"""The round-two layers without PyTorch: gradients by central differences, hand values,
train/eval behaviour, buffers, hooks, and errors that name the layer and the fix."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite import nn
from autograd_lite.nn import functional as F
from autograd_lite.nn.im2col import im2col

rng = np.random.default_rng(0)


# ------------------------------------------------------------------ im2col and convolution


def test_im2col_by_hand() -> None:
    x = ag.Tensor(np.arange(12.0).reshape(1, 1, 3, 4), requires_grad=True)
    p = im2col(x, (2, 2), stride=(1, 2), padding=(0, 0))
    assert p.shape == (1, 2, 2, 1, 2, 2)
    assert p.data[0, 1, 1, 0].tolist() == [[6.0, 7.0], [10.0, 11.0]]
    p.sum().backward()
    # Stride 1 down the rows: the middle row is in two windows, the others in one.
    assert x.grad.tolist() == [[[[1, 1, 1, 1], [2, 2, 2, 2], [1, 1, 1, 1]]]]


def test_conv2d_by_hand() -> None:
    """A 2x2 kernel of ones sums each window; padding adds zeros around."""
    x = np.arange(9.0).reshape(1, 1, 3, 3)
    y = F.conv2d(x, np.ones((1, 1, 2, 2)), bias=np.array([0.5]), padding=1)
    assert y.shape == (1, 1, 4, 4)
    assert y.data[0, 0].tolist() == [
        [0.5, 1.5, 3.5, 2.5],
        [3.5, 8.5, 12.5, 7.5],
        [9.5, 20.5, 24.5, 13.5],
        [6.5, 13.5, 15.5, 8.5],
    ]


@pytest.mark.parametrize(("stride", "padding"), [(1, 0), (2, 1), ((2, 1), (1, 0))])
def test_conv2d_gradients_match_central_differences(stride: object, padding: object) -> None:
    x, w, b = rng.normal(size=(2, 2, 5, 4)), rng.normal(size=(3, 2, 3, 2)), rng.normal(size=3)
    g = rng.normal(size=F.conv2d(x, w, b, stride, padding).shape)
    assert ag.gradcheck(lambda x, w, b: (F.conv2d(x, w, b, stride, padding) * g).sum(), x, w, b)


def test_conv2d_second_derivative_through_col2im() -> None:
    """create_graph=True records col2im with differentiable ops, so it differentiates again."""
    x, w = rng.normal(size=(1, 2, 4, 4)), rng.normal(size=(2, 2, 3, 3))

    def grad_norm(x: ag.Tensor, w: ag.Tensor) -> ag.Tensor:
        (gx,) = [ag.grad(lambda x: (F.conv2d(x, w, padding=1).tanh()).sum())(x)]
        return (gx * gx).sum()

    assert ag.gradcheck(grad_norm, x, w)


@pytest.mark.parametrize("name", ["max_pool2d", "avg_pool2d"])
@pytest.mark.parametrize(("kernel", "stride", "padding"), [(2, None, 0), (3, 2, 1), (2, 1, 0)])
def test_pooling_gradients(name: str, kernel: int, stride: object, padding: int) -> None:
    x = rng.normal(size=(2, 2, 5, 6))
    pool = getattr(F, name)
    g = rng.normal(size=pool(x, kernel, stride, padding).shape)
    assert ag.gradcheck(lambda x: (pool(x, kernel, stride, padding) * g).sum(), x)


def test_max_pool_ties_share_the_gradient() -> None:
    x = ag.Tensor(np.ones((1, 1, 2, 2)), requires_grad=True)
    F.max_pool2d(x, 2).sum().backward()
    assert x.grad.tolist() == [[[[0.25, 0.25], [0.25, 0.25]]]]


# ------------------------------------------------------------------ normalisation, embedding


def test_batch_norm_gradients_in_training() -> None:
    x, w, b = rng.normal(size=(6, 3)), rng.normal(size=3), rng.normal(size=3)
    g = rng.normal(size=(6, 3))
    assert ag.gradcheck(
        lambda x, w, b: (F.batch_norm(x, None, None, w, b, training=True) * g).sum(), x, w, b
    )
    images = rng.normal(size=(2, 3, 2, 2))
    g4 = rng.normal(size=images.shape)
    assert ag.gradcheck(
        lambda x, w: (F.batch_norm(x, None, None, w, None, training=True) * g4).sum(), images, w
    )


def test_batchnorm_layer_standardises_in_training_and_uses_running_stats_in_eval() -> None:
    bn = nn.BatchNorm1d(4, momentum=0.5)
    x = rng.normal(3.0, 2.0, size=(256, 4))
    y = bn(x).data
    np.testing.assert_allclose(y.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(y.var(axis=0), 1.0, atol=1e-3)
    np.testing.assert_allclose(bn.running_mean, 0.5 * x.mean(axis=0))
    np.testing.assert_allclose(bn.running_var, 0.5 + 0.5 * x.var(axis=0, ddof=1))
    assert int(bn.num_batches_tracked) == 1
    bn.eval()
    one = bn(x[:1]).data  # a batch of one works in evaluation
    expected = (x[:1] - bn.running_mean) / np.sqrt(bn.running_var + 1e-5)
    np.testing.assert_allclose(one, expected)
    assert int(bn.num_batches_tracked) == 1  # evaluation does not count


def test_batchnorm_refuses_a_batch_of_one_in_training() -> None:
    with pytest.raises(ValueError, match=r"more than one value per channel.*model\.eval\(\)"):
        nn.BatchNorm1d(3)(np.zeros((1, 3)))


def test_layer_norm_gradients_and_values() -> None:
    x, w, b = rng.normal(size=(3, 5)), rng.normal(size=5), rng.normal(size=5)
    g = rng.normal(size=(3, 5))
    assert ag.gradcheck(lambda x, w, b: (F.layer_norm(x, 5, w, b) * g).sum(), x, w, b)
    y = nn.LayerNorm(5)(x).data
    np.testing.assert_allclose(y.mean(axis=-1), 0.0, atol=1e-12)


def test_embedding_looks_up_rows_and_adds_repeated_gradients() -> None:
    emb = nn.Embedding(5, 3, seed=0)
    idx = np.array([[1, 1], [4, 0]])
    out = emb(idx)
    assert out.shape == (2, 2, 3)
    np.testing.assert_array_equal(out.data[0, 1], emb.weight.data[1])
    out.sum().backward()
    assert emb.weight.grad[:, 0].tolist() == [1.0, 2.0, 0.0, 0.0, 1.0]


# ------------------------------------------------------------------ dropout, modes, hooks


def test_dropout_keeps_the_expected_value_and_is_off_in_eval() -> None:
    drop = nn.Dropout(0.25, seed=0)
    y = drop(np.ones(100_000)).data
    assert set(np.unique(y).tolist()) == {0.0, 1.0 / 0.75}
    assert abs(y.mean() - 1.0) < 0.01
    model = nn.Sequential(nn.Linear(3, 3, seed=0), drop)
    model.eval()
    assert not drop.training
    x = rng.normal(size=(2, 3))
    np.testing.assert_array_equal(model(x).data, model[0](x).data)
    model.train()
    assert drop.training


def test_dropout_seed_repeats_the_masks() -> None:
    a, b = nn.Dropout(0.5, seed=3), nn.Dropout(0.5, seed=3)
    np.testing.assert_array_equal(a(np.ones(20)).data, b(np.ones(20)).data)


def test_forward_hooks_see_every_output_and_can_be_removed() -> None:
    model = nn.Sequential(nn.Linear(2, 3, seed=0), nn.Tanh())
    seen: list[tuple[str, tuple[int, ...]]] = []
    handle = model[1].register_forward_hook(
        lambda module, args, out: seen.append((type(module).__name__, out.shape))
    )
    model(np.zeros((4, 2)))
    handle.remove()
    handle.remove()  # twice is harmless
    model(np.zeros((4, 2)))
    assert seen == [("Tanh", (4, 3))]
    doubled = nn.ReLU()
    doubled.register_forward_hook(lambda module, args, out: out * 2.0)
    assert doubled(ag.Tensor([1.0])).data.tolist() == [2.0]


def test_buffers_are_in_the_state_dict_after_the_parameters() -> None:
    model = nn.Sequential(nn.Linear(2, 3, seed=0), nn.BatchNorm1d(3))
    assert list(model.state_dict()) == [
        "0.weight",
        "0.bias",
        "1.weight",
        "1.bias",
        "1.running_mean",
        "1.running_var",
        "1.num_batches_tracked",
    ]
    assert [name for name, _ in model.named_buffers()] == [
        "1.running_mean",
        "1.running_var",
        "1.num_batches_tracked",
    ]
    assert len(model.parameters()) == 4  # buffers are not trained
    model(rng.normal(size=(8, 2)))
    state = model.state_dict()
    fresh = nn.Sequential(nn.Linear(2, 3, seed=1), nn.BatchNorm1d(3))
    fresh.load_state_dict(state)
    np.testing.assert_array_equal(fresh[1].running_mean, model[1].running_mean)
    assert int(fresh[1].num_batches_tracked) == 1
    state["1.num_batches_tracked"] = np.zeros((), np.float64)
    with pytest.raises(ValueError, match="counts in integers"):
        fresh.load_state_dict(state)


def test_saving_and_loading_keep_the_running_statistics(tmp_path: object) -> None:
    model = nn.Sequential(nn.Linear(2, 3, seed=0), nn.BatchNorm1d(3))
    model(rng.normal(size=(8, 2)))
    path = f"{tmp_path}/bn.npz"
    ag.save(model, path)
    copy = ag.load(nn.Sequential(nn.Linear(2, 3, seed=1), nn.BatchNorm1d(3)), path)
    np.testing.assert_array_equal(copy[1].running_var, model[1].running_var)


# ------------------------------------------------------------------ shapes that do not fit


def test_errors_name_the_layer_the_shapes_and_the_fix() -> None:
    model = nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1, seed=0), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(10, 3)
    )
    with pytest.raises(nn.ShapeError) as info:
        model(np.zeros((2, 1, 8, 8)))
    assert str(info.value) == (
        "Linear(in_features=10, out_features=3, bias=True): expected input of shape (N, 10), "
        "got (2, 64); set in_features=64 to take these inputs (layer (3) of the Sequential; "
        "its input is the output of (2) Flatten(), of shape (2, 64))"
    )
    kernel_too_big = (
        r"Conv2d\(1, 2, kernel_size=\(5, 5\)\): expected .* got \(1, 1, 3, 3\); this input is "
        r"3x3 after padding 0x0"
    )
    with pytest.raises(ValueError, match=kernel_too_big):
        nn.Conv2d(1, 2, 5)(np.zeros((1, 1, 3, 3)))
    with pytest.raises(ValueError, match=r"input has 3 channels; set in_channels=3"):
        nn.Conv2d(1, 2, 3)(np.zeros((1, 3, 5, 5)))
    with pytest.raises(ValueError, match=r"for rows of 64 pixels use x\.reshape\(-1, 1, 8, 8\)"):
        nn.Conv2d(1, 2, 3)(np.zeros((5, 64)))
    with pytest.raises(ValueError, match=r"BatchNorm1d\(4\): .*\(N, 4\).*set num_features=3"):
        nn.BatchNorm1d(4)(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"LayerNorm\(4\): .*set normalized_shape=3"):
        nn.LayerNorm(4)(np.zeros((2, 3)))
    with pytest.raises(IndexError, match=r"index 27 is out of range for 27 embeddings"):
        nn.Embedding(27, 2)(np.array([0, 27]))
    with pytest.raises(TypeError, match=r"indices must be integers"):
        nn.Embedding(27, 2)(np.array([0.0]))
    with pytest.raises(ValueError, match=r"padding \(2, 2\) is more than half the kernel"):
        F.max_pool2d(np.zeros((1, 1, 4, 4)), 2, padding=2)
    with pytest.raises(ValueError, match=r"Dropout: p must be in \[0, 1\]"):
        nn.Dropout(1.5)


def test_reprs_read_like_pytorchs() -> None:
    assert (
        repr(nn.Conv2d(1, 8, 3, padding=1)) == "Conv2d(1, 8, kernel_size=(3, 3), padding=(1, 1))"
    )
    assert repr(nn.BatchNorm2d(8)) == "BatchNorm2d(8)"
    assert repr(nn.Embedding(27, 10)) == "Embedding(27, 10)"
    assert repr(nn.Dropout(0.2)) == "Dropout(p=0.2)"
    assert repr(nn.GELU(approximate="tanh")) == "GELU(approximate='tanh')"
