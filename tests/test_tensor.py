"""Tensor: broadcasting, matmul, reductions, indexing, dtypes, the graph's lifetime, errors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_lite as ag
from autograd_lite import Tensor

rng = np.random.default_rng(0)


def leaf(*shape: int, dtype: type = np.float64) -> Tensor:
    return Tensor(rng.normal(size=shape).astype(dtype), requires_grad=True)


def test_broadcast_gradient_sums_back_to_each_shape() -> None:
    x, b = leaf(4, 3), leaf(3)
    c = leaf(4, 1)
    ((x + b) * c).sum().backward()
    np.testing.assert_allclose(b.grad, c.data.sum() * np.ones(3))
    np.testing.assert_allclose(c.grad, (x.data + b.data).sum(axis=1, keepdims=True))
    np.testing.assert_allclose(x.grad, np.broadcast_to(c.data, (4, 3)))


@pytest.mark.parametrize(
    ("sx", "sy"),
    [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)), ((5, 2, 3), (3, 4)),
     ((3,), (5, 3, 4)), ((5, 2, 3), (5, 3, 4)), ((5, 2, 3), (3,)), ((1, 2, 3), (5, 3, 2))],
)  # fmt: skip
def test_matmul_gradients_for_1d_2d_and_batched(sx, sy) -> None:  # type: ignore[no-untyped-def]
    x, y = leaf(*sx), leaf(*sy)
    out = x @ y
    g = rng.normal(size=out.shape)
    out.backward(g)
    # Reference: d/dx sum(g * (x @ y)) by einsum-free brute force over unit vectors.
    for t, other_first in ((x, True), (y, False)):
        want = np.zeros(t.shape)
        for i in np.ndindex(t.shape):
            e = np.zeros(t.shape)
            e[i] = 1.0
            want[i] = np.sum(g * (np.matmul(e, y.data) if other_first else np.matmul(x.data, e)))
        np.testing.assert_allclose(t.grad, want, atol=1e-12)


@pytest.mark.parametrize("axis", [None, 0, 1, -1, (0, 2), (2, 0, 1)])
@pytest.mark.parametrize("keepdims", [False, True])
def test_sum_and_mean_over_any_axes(axis, keepdims) -> None:  # type: ignore[no-untyped-def]
    x = leaf(2, 3, 4)
    s = x.sum(axis=axis, keepdims=keepdims)
    np.testing.assert_allclose(s.data, x.data.sum(axis=axis, keepdims=keepdims))
    m = x.mean(axis=axis, keepdims=keepdims)
    np.testing.assert_allclose(m.data, x.data.mean(axis=axis, keepdims=keepdims))
    count = x.data.size / m.data.size
    m.backward(np.ones(m.shape))
    np.testing.assert_allclose(x.grad, np.full(x.shape, 1 / count))


def test_max_ties_share_the_gradient_equally() -> None:
    x = Tensor([[1.0, 3.0, 3.0], [2.0, 0.0, 2.0]], requires_grad=True)
    x.max(axis=1).backward(np.array([1.0, 10.0]))
    np.testing.assert_allclose(x.grad, [[0, 0.5, 0.5], [5.0, 0, 5.0]])
    y = Tensor([2.0, 2.0, 2.0, 1.0], requires_grad=True)
    y.max().backward()
    np.testing.assert_allclose(y.grad, [1 / 3, 1 / 3, 1 / 3, 0])
    z = leaf(2, 3, 4)
    assert z.max(axis=(0, 2), keepdims=True).shape == (1, 3, 1)


def test_reshape_transpose_and_T() -> None:
    x = leaf(2, 3, 4)
    y = x.reshape(6, 4).T.reshape((2, 2, 6)).transpose(2, 0, 1)
    assert y.shape == (6, 2, 2)
    g = rng.normal(size=y.shape)
    y.backward(g)
    want = g.transpose(1, 2, 0).reshape(4, 6).T.reshape(2, 3, 4)
    np.testing.assert_allclose(x.grad, want)


def test_indexing_with_slices_integer_arrays_masks_and_repeats() -> None:
    x = leaf(4, 3)
    x[np.array([0, 0, 3, 0]), 1:].sum().backward()
    want = np.zeros((4, 3))
    want[0, 1:] = 3.0
    want[3, 1:] = 1.0
    np.testing.assert_allclose(x.grad, want)
    x.grad = None
    x[x.data > 0].sum().backward()
    np.testing.assert_allclose(x.grad, (x.data > 0).astype(float))
    x.grad = None
    x[1].sum().backward()
    np.testing.assert_allclose(x.grad, np.eye(4)[1][:, None] * np.ones((1, 3)))
    x.grad = None
    labels = Tensor(np.array([2, 0, 1, 2]))
    x[np.arange(4), labels.data.astype(int)].sum().backward()
    assert x.grad.sum() == 4.0
    with pytest.raises(IndexError, match="integers"):
        x[np.array([0.0, 1.0])]


def test_softmax_and_log_softmax_are_finite_for_huge_logits() -> None:
    logits = Tensor([[1000.0, -1000.0, 999.0], [-1000.0, -1001.0, -1000.0]], requires_grad=True)
    ls = logits.log_softmax(axis=1)
    shifted = logits.data - logits.data.max(axis=1, keepdims=True)
    want = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    np.testing.assert_allclose(ls.data, want)
    assert np.isfinite(ls.data).all()
    ls[:, 0].sum().backward()
    assert np.isfinite(logits.grad).all()
    p = logits.softmax(axis=1)
    np.testing.assert_allclose(p.data.sum(axis=1), 1.0)
    np.testing.assert_allclose(logits.grad, np.eye(3)[[0, 0]] - p.data)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_sum_to_is_the_adjoint_of_broadcasting(data: st.DataObject) -> None:
    # sum_to(a, shape) is the backward of broadcasting `shape` up to a.shape, so for
    # every v of that shape: <sum_to(a, shape), v> = <a, broadcast_to(v, a.shape)>.
    from autograd_lite.rules.structural import sum_to

    sizes = st.integers(min_value=1, max_value=3)
    shape = tuple(data.draw(st.lists(sizes, max_size=3)))
    lead = tuple(data.draw(st.lists(sizes, max_size=2)))
    big = lead + tuple(data.draw(sizes) if n == 1 else n for n in shape)
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    a, v = rng.standard_normal(big), rng.standard_normal(shape)
    got = sum_to(a, shape)
    assert np.shape(got) == shape
    np.testing.assert_allclose(np.sum(got * v), np.sum(a * np.broadcast_to(v, big)), atol=1e-12)


@pytest.mark.parametrize(
    ("shape", "axis"),
    [
        ((128, 10), -1),  # short rows, many: the fast paths (a transposed copy, einsum)
        ((128, 10), 1),
        ((4, 64, 27), -1),
        ((2, 3, 16, 16), 3),
        ((8, 10), -1),  # few rows: as it is
        ((128, 64), -1),  # long rows: as it is
        ((128, 10), 0),  # not the last axis: as it is
        ((5, 0), -1),
    ],
)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_reduce_rows_is_numpys_reduce(shape: tuple[int, ...], axis: int, dtype: Any) -> None:
    from autograd_lite.rules.structural import reduce_rows

    x = np.random.default_rng(0).standard_normal(shape).astype(dtype)
    if x.size:
        got = reduce_rows(np.maximum, x, axis)
        want = np.maximum.reduce(x, axis=axis, keepdims=True)
        assert got.dtype == want.dtype
        assert got.shape == want.shape
        np.testing.assert_array_equal(got, want)  # a max is exact, in any order
    got = reduce_rows(np.add, x, axis)
    want = np.add.reduce(x, axis=axis, keepdims=True)
    assert got.dtype == want.dtype
    assert got.shape == want.shape
    # the same numbers added in another order: rounding apart, near 0 as well
    tol = 1e-5 if dtype == np.float32 else 1e-13
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol)


def test_log_softmax_of_many_short_rows_is_the_closed_form() -> None:
    x = np.random.default_rng(1).standard_normal((256, 27)) * 30.0
    want = x - x.max(axis=1, keepdims=True)
    want -= np.log(np.exp(want).sum(axis=1, keepdims=True))
    t = Tensor(x, requires_grad=True)
    out = t.log_softmax(axis=-1)
    np.testing.assert_allclose(out.data, want, rtol=1e-13, atol=1e-13)
    # L = sum(w * log_softmax(x)): dL/dx = w - softmax(x) * (row sums of w)
    w = np.random.default_rng(2).standard_normal(x.shape)
    (out * w).sum().backward()
    grad = w - np.exp(want) * w.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(t.grad, grad, rtol=1e-12, atol=1e-13)


def test_float32_stays_float32_including_grads() -> None:
    x, W = leaf(5, 4, dtype=np.float32), leaf(4, 3, dtype=np.float32)
    y = ((x @ W + 1.0) * 2).tanh().log_softmax().mean()
    assert y.dtype == np.float32
    y.backward()
    assert x.grad.dtype == np.float32
    assert W.grad.dtype == np.float32
    assert Tensor([1, 2]).dtype == np.float64
    assert Tensor([1, 2], dtype=np.float32).dtype == np.float32


def test_leaf_and_non_leaf_grads_and_retain_grad() -> None:
    x = leaf(3)
    h = x * 2
    h2 = h * 3
    h2.retain_grad()
    h2.sum().backward()
    assert x.is_leaf
    assert not h.is_leaf
    assert h.grad is None
    np.testing.assert_allclose(h2.grad, np.ones(3))
    np.testing.assert_allclose(x.grad, np.full(3, 6.0))
    with pytest.raises(RuntimeError, match="does not require grad"):
        Tensor([1.0]).retain_grad()


def test_grads_accumulate_across_passes() -> None:
    x = leaf(3)
    for _ in range(3):
        (x * x).sum().backward()
    np.testing.assert_allclose(x.grad, 6 * x.data)


def test_released_graph_raises_and_retain_graph_keeps_it() -> None:
    x = leaf(3)
    y = (x.exp() * 2).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(x.grad, 4 * np.exp(x.data))
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.backward()


def test_detach_item_numpy() -> None:
    x = leaf(2)
    d = (x * 2).detach()
    assert not d.requires_grad
    assert d.is_leaf
    assert Tensor([[3.5]]).item() == 3.5
    assert x.numpy() is x.data
    with pytest.raises(ValueError, match=r"shape \(2,\)"):
        x.item()


def test_create_graph_gives_a_hessian_vector_product() -> None:
    A = rng.normal(size=(3, 3))
    A = A + A.T
    x = Tensor(rng.normal(size=3), requires_grad=True)
    f = (x @ Tensor(A) @ x) * 0.5 + x.sin().sum()  # grad = A x + cos x; H = A - diag(sin x)
    f.backward(create_graph=True)
    g = x.grad
    assert isinstance(g, Tensor)
    np.testing.assert_allclose(g.data, A @ x.data + np.cos(x.data))
    v = rng.normal(size=3)
    x.grad = None
    (g * v).sum().backward()
    np.testing.assert_allclose(x.grad, A @ v - np.sin(x.data) * v, atol=1e-12)


def test_nan_follows_numpy_and_backward_still_runs() -> None:
    x = Tensor([-1.0, 4.0], requires_grad=True)
    with pytest.warns(RuntimeWarning):
        y = x.log().sum()
    assert np.isnan(y.data)
    with pytest.warns(RuntimeWarning):
        x.sqrt().sum().backward()
    assert x.grad[1] == 0.25


def test_bad_input_gets_a_clear_error() -> None:
    with pytest.raises(TypeError, match=r"dtype <U1"):
        Tensor(["a"])
    with pytest.raises(TypeError, match="dtype object"):
        Tensor(np.array([object()], dtype=object))
    with pytest.raises(TypeError, match="cannot make an array"):
        Tensor([[1.0], [2.0, 3.0]])
    with pytest.raises(TypeError, match=r"ag.Tensor\(v.data\)"):
        Tensor(ag.Value(1.0))
    with pytest.raises(TypeError, match="floating-point"):
        Tensor([1, 2], dtype=np.int64, requires_grad=True)
    with pytest.raises(ValueError, match=r"add: shapes \(3,\) and \(4,\) do not broadcast"):
        leaf(3) + leaf(4)
    with pytest.raises(ValueError, match=r"matmul: shapes \(3, 2\) and \(3, 4\).*x.T @ W"):
        leaf(3, 2) @ leaf(3, 4)
    with pytest.raises(ValueError, match=r"matmul: shapes \(5, 3\) and \(4, 3\).*x @ W.T"):
        leaf(5, 3) @ leaf(4, 3)
    with pytest.raises(ValueError, match=r"grad can be omitted only .* shape \(3,\)"):
        (leaf(3) * 2).backward()
    with pytest.raises(ValueError, match=r"grad has shape \(2,\) but the tensor has shape \(3,\)"):
        (leaf(3) * 2).backward(np.ones(2))
    with pytest.raises(RuntimeError, match="does not require grad"):
        Tensor([1.0]).sum().backward()
    with pytest.raises(ValueError, match=r"reshape: cannot reshape shape \(2, 3\)"):
        leaf(2, 3).reshape(4)
    with pytest.raises(ValueError, match="axis 2 is out of range"):
        leaf(2, 3).sum(axis=2)
    with pytest.raises(TypeError, match="mul: cannot combine a Tensor with str"):
        leaf(2) * "a"


def test_comparisons_return_arrays_and_hash_is_identity() -> None:
    x = Tensor([1.0, 2.0])
    np.testing.assert_array_equal(x > 1.5, [False, True])
    np.testing.assert_array_equal(x == Tensor([1.0, 0.0]), [True, False])
    assert len({x, Tensor([1.0, 2.0])}) == 2


def test_numpy_on_the_left() -> None:
    x = leaf(3)
    y = np.ones(3) * x + np.float32(2) - np.arange(3.0) @ x
    assert isinstance(y, Tensor)
    y.sum().backward()
    np.testing.assert_allclose(x.grad, 1 - 3 * np.arange(3.0))


def test_zero_dimensional_results_stay_differentiable() -> None:
    # NumPy returns 0-d results as scalars; indexing's backward must still take them.
    t = Tensor([1.0, 2.0], requires_grad=True)
    (t[0] * t[1]).backward()
    np.testing.assert_allclose(t.grad, [2.0, 1.0])
    np.testing.assert_allclose(ag.hessian(lambda v: v[0] ** 2 * v[1])(np.array([1.0, 2.0])),
                               [[4.0, 2.0], [2.0, 0.0]])  # fmt: skip


def test_grads_never_share_memory() -> None:
    x, y = leaf(3), leaf(3)
    (x + y).sum().backward()  # one upstream array reaches both leaves
    assert not np.shares_memory(x.grad, y.grad)
    b = leaf(1, 3)
    (b + np.zeros((2, 3))).sum().backward()  # the broadcast's backward is a view
    assert b.grad.flags.owndata
    assert b.grad.flags.writeable
    seed = np.ones(3)
    z = leaf(3)
    z.backward(seed)
    assert not np.shares_memory(z.grad, seed)
    z.grad[0] = 5.0
    assert seed[0] == 1.0


def test_sigmoid_and_softplus_of_integers_give_floats_and_relu_keeps_integers() -> None:
    """sigmoid(1) is 0.73: an integer result (0) would be silently wrong, as it once was."""
    x = ag.Tensor([1, -2, 0], dtype=np.int64)
    np.testing.assert_allclose(x.sigmoid().data, 1.0 / (1.0 + np.exp([-1.0, 2.0, 0.0])))
    np.testing.assert_allclose(x.softplus().data, np.log1p(np.exp([1.0, -2.0, 0.0])))
    relu = x.relu()
    assert relu.dtype == np.int64
    np.testing.assert_array_equal(relu.data, [1, 0, 0])


def test_sigmoid_keeps_float32_and_float16() -> None:
    for dtype in (np.float16, np.float32):
        x = ag.Tensor([-30.0, 0.0, 3.0], dtype=dtype)
        assert x.sigmoid().dtype == dtype
        assert x.softplus().dtype == dtype
        assert x.relu().dtype == dtype


def test_the_gradient_of_a_sum_and_a_mean_on_both_sides_of_the_written_out_size() -> None:
    """Up to WRITE_OUT elements the backward broadcast is a new array, beyond it a view:
    both give the gradient, and the .grad the user gets is theirs to change."""
    from autograd_lite.rules.structural import WRITE_OUT

    for n in (WRITE_OUT, WRITE_OUT + 2):
        x = ag.Tensor(np.arange(n, dtype=np.float32), requires_grad=True)
        (x.sum() * 3.0).backward()
        np.testing.assert_array_equal(x.grad, np.full(n, 3.0, np.float32))
        x.grad += 1.0  # writeable, and not shared with anything else
        y = ag.Tensor(np.arange(n, dtype=np.float32), requires_grad=True)
        y.reshape(2, -1).mean(axis=1).sum().backward()  # each half's mean: 2/n each
        np.testing.assert_allclose(y.grad, np.full(n, 2.0 / n, np.float32), rtol=1e-6)
        assert y.grad.dtype == np.float32


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("shape", [(), (3,)])
def test_tanh_and_sigmoid_gradients_keep_the_dtype(dtype: Any, shape: tuple[int, ...]) -> None:
    """Their partials combine with a 1 of the array's own dtype (one_like)."""
    x0 = np.full(shape, 0.5, dtype=dtype)
    for op, derivative in (
        ("tanh", lambda v: 1.0 - np.tanh(v) ** 2),
        ("sigmoid", lambda v: np.exp(-v) / (1.0 + np.exp(-v)) ** 2),
    ):
        x = ag.Tensor(x0, requires_grad=True)
        getattr(x, op)().sum().backward()
        assert x.grad.dtype == dtype, op
        want = derivative(x0.astype(np.float64))
        np.testing.assert_allclose(x.grad, want, rtol=2e-3 if dtype == np.float16 else 1e-6)


def test_a_one_element_tensor_converts_and_formats_as_a_number() -> None:
    loss = ag.Tensor(3.75, requires_grad=True)
    assert float(loss) == 3.75
    assert int(ag.Tensor([-2.5])) == -2
    assert f"loss {loss:.2f}" == "loss 3.75"  # as PyTorch's 0-d tensors print
    assert f"{loss}" == str(loss)
    several = ag.Tensor([1.0, 2.0])
    for convert in (float, int, lambda t: f"{t:.2f}"):
        with pytest.raises(ValueError, match=r"only a one-element tensor converts.*\(2,\)"):
            convert(several)
    assert f"{several}" == str(several)


def test_a_list_of_values_is_refused_pointing_to_stack() -> None:
    values = [ag.Value(1.0), ag.Value(2.0)]
    with pytest.raises(TypeError, match=r"keeps their gradients, use ag\.stack"):
        ag.Tensor(values)
    assert ag.stack(values).requires_grad
