"""The round-two ops at their edges: stable numerics, ties, zeros, shapes and the errors
a learner meets, NumPy dispatch, and Taylor mode on long chains."""

from __future__ import annotations

import gc
import math
import weakref
from typing import Any

import numpy as np
import pytest

import autograd_lite as ag

# ---------------------------------------------------------------- numerics as the references


def test_log1p_expm1_softplus_logaddexp_are_stable_at_the_extremes() -> None:
    tiny = 1e-18
    assert ag.log1p(tiny) == tiny
    assert ag.expm1(tiny) == tiny
    assert ag.softplus(1000.0) == 1000.0
    assert ag.softplus(-1000.0) == 0.0
    assert ag.logaddexp(1000.0, 1000.0) == pytest.approx(1000.0 + math.log(2))
    t = ag.Tensor([1000.0, -1000.0, 0.0], requires_grad=True)
    t.softplus().sum().backward()
    np.testing.assert_allclose(t.grad, [1.0, 0.0, 0.5])
    x = ag.Value(800.0)
    y = ag.logaddexp(x, 799.0)
    y.backward()
    assert x.grad == pytest.approx(1 / (1 + math.exp(-1)))


def test_logsumexp_is_finite_for_logits_of_a_thousand() -> None:
    t = ag.Tensor([[1000.0, 1000.0], [-1000.0, -1001.0]], requires_grad=True)
    out = t.logsumexp(axis=1)
    np.testing.assert_allclose(out.data, [1000 + math.log(2), -1000 + math.log1p(math.exp(-1))])
    out.sum().backward()
    np.testing.assert_allclose(t.grad.sum(axis=1), [1.0, 1.0])
    with np.errstate(divide="ignore"):  # log(0), as NumPy warns for it
        assert np.isneginf(ag.Tensor([-np.inf, -np.inf]).logsumexp().data)


def test_prod_with_zeros_has_the_exact_gradient() -> None:
    t = ag.Tensor([[0.0, 2.0, 3.0], [0.0, 0.0, 5.0], [1.0, 2.0, 4.0]], requires_grad=True)
    t.prod(axis=1).sum().backward()
    np.testing.assert_array_equal(t.grad, [[6.0, 0, 0], [0, 0, 0], [8.0, 4.0, 2.0]])
    with pytest.raises(NotImplementedError, match="second derivative of a product with a zero"):
        ag.grad(lambda x: ag.grad(lambda y: y.prod())(x).sum())(np.array([0.0, 1.0]))


def test_maximum_and_minimum_ties_share_the_gradient() -> None:
    a, b = ag.Value(2.0), ag.Value(2.0)
    ag.maximum(a, b).backward()
    assert (a.grad, b.grad) == (0.5, 0.5)
    t = ag.Tensor([1.0, 2.0, 3.0], requires_grad=True)
    ag.minimum(t, 2.0).sum().backward()
    np.testing.assert_array_equal(t.grad, [1.0, 0.5, 0.0])


def test_a_constant_zero_base_differentiates_to_zero() -> None:
    y = ag.Value(2.0)
    (0.0**y).backward()
    assert y.grad == 0.0
    t = ag.Tensor([0.0, 2.0], requires_grad=True)
    e = ag.Tensor([3.0, 3.0], requires_grad=True)
    (t**e).sum().backward()
    np.testing.assert_array_equal(e.grad, [0.0, 8 * math.log(2)])
    np.testing.assert_array_equal(t.grad, [0.0, 12.0])


def test_where_keeps_an_infinity_that_is_not_chosen_out_of_the_gradient() -> None:
    scores = ag.Tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    mask = np.tril(np.ones((2, 2), dtype=bool))
    masked = ag.where(mask, scores, -np.inf)
    masked.softmax(axis=-1).sum().backward()
    assert np.isfinite(scores.grad).all()
    np.testing.assert_array_equal(masked.data[0], [1.0, -np.inf])


def test_gelu_is_x_times_the_normal_cdf() -> None:
    for x in (-3.0, -0.5, 0.0, 0.7, 4.0):
        assert ag.gelu(x) == pytest.approx(x * 0.5 * (1 + math.erf(x / math.sqrt(2))), rel=1e-15)
    t = ag.Tensor(np.linspace(-4, 4, 9).astype(np.float32))
    assert t.gelu().dtype == np.float32


# ---------------------------------------------------------------- shapes and the errors


def test_transpose_refuses_axes_out_of_range() -> None:
    t = ag.Tensor(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"transpose: axes \(0, 5\) are out of range"):
        t.transpose(0, 5)
    assert t.transpose(-1, -2).shape == (3, 2)


def test_a_boolean_mask_of_the_wrong_length_raises_as_numpy_does() -> None:
    t = ag.Tensor(np.arange(4.0), requires_grad=True)
    with pytest.raises(IndexError, match="getitem: boolean index did not match"):
        t[np.array([True, False])]
    t[np.array([True, False, True, True])].sum().backward()
    np.testing.assert_array_equal(t.grad, [1.0, 0.0, 1.0, 1.0])


def test_bool_of_several_elements_raises_and_asarray_gives_the_data() -> None:
    t = ag.Tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(ValueError, match="ambiguous"):
        bool(t)
    assert bool(ag.Tensor([3.0]))
    array = np.asarray(t)
    assert array.dtype == np.float64
    assert array is t.data


def test_joining_and_splitting_refuse_what_does_not_fit() -> None:
    a, b = ag.Tensor(np.zeros((2, 3))), ag.Tensor(np.zeros((2, 4)))
    with pytest.raises(ValueError, match=r"array 1 has shape \(2, 4\) but array 0 has \(2, 3\)"):
        ag.concatenate([a, b], axis=0)
    assert ag.concatenate([a, b], axis=1).shape == (2, 7)
    with pytest.raises(ValueError, match="same shape"):
        ag.stack([a, b])
    with pytest.raises(ValueError, match="does not divide into 4 equal pieces"):
        ag.split(a, 4, axis=1)
    with pytest.raises(ValueError, match="needs at least one array"):
        ag.concatenate([])
    pieces = ag.split(np.arange(6.0), 3)
    assert [p.tolist() for p in pieces] == [[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]]


def test_einsum_spells_out_ellipsis_and_implicit_output_and_refuses_diagonals() -> None:
    x, y = np.arange(6.0).reshape(2, 3), np.arange(12.0).reshape(3, 4)
    np.testing.assert_allclose(ag.einsum("ij,jk", x, y), x @ y)
    np.testing.assert_allclose(ag.einsum("...j,jk->...k", x, y), x @ y)
    with pytest.raises(ValueError, match="repeated within one operand"):
        ag.einsum("ii->i", np.eye(2))
    with pytest.raises(ValueError, match="names 1 operand"):
        ag.einsum("ij", x, y)


def test_plain_numbers_and_arrays_go_in_and_come_out() -> None:
    assert isinstance(ag.tan(0.5), float)
    assert isinstance(ag.concatenate([np.ones(2), np.zeros(1)]), np.ndarray)
    assert isinstance(ag.dot(np.ones(3), np.ones(3)), (float, np.floating, np.ndarray))
    assert ag.clip(5.0, None, 2.0) == 2.0
    with pytest.raises(ValueError, match="lo = 3 is above hi = 1"):
        ag.clip(2.0, 3, 1)


_T = ag.Tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: _T.sum(axis=(0, -2)), ValueError, r"sum: axis \(0, -2\) names the same axis"),
        (lambda: _T.logsumexp(axis=(1, 1)), ValueError, r"logsumexp: .* same axis twice"),
        (lambda: _T.mean(axis=1.5), TypeError, r"mean: axis 1\.5 is not an integer"),
        (lambda: ag.Tensor([1.0]).trace(), ValueError,
         r"trace: needs at least 2 dimensions, got shape \(1,\)"),
        (lambda: ag.einsum("ij->k", _T), ValueError, r"einsum: the output 'k' .* names k"),
        (lambda: ag.einsum("ij->ii", _T), ValueError, r"einsum: .* repeats a letter"),
        (lambda: ag.where(np.ones(4, bool), _T, 0.0), ValueError,
         r"where: the condition, x and y have shapes \(4,\), \(2, 3\) and \(\)"),
        (lambda: _T.astype(complex), TypeError, r"astype: .* cannot become complex128"),
        (lambda: _T.astype("foo"), TypeError, r"astype: data type 'foo' not understood"),
    ],
)  # fmt: skip
def test_a_bad_argument_is_refused_naming_the_op(call: Any, error: type, words: str) -> None:
    with pytest.raises(error, match=words):
        call()


def test_axis_may_be_a_list_as_a_tuple() -> None:
    np.testing.assert_array_equal(_T.sum(axis=[0]).data, [3.0, 5.0, 7.0])


def test_a_cast_to_integers_is_a_constant_as_in_pytorch() -> None:
    t = ag.Tensor([1.5, -2.5], requires_grad=True)
    for dtype in (np.int64, bool, np.uint8):
        cast = t.astype(dtype)
        assert cast.dtype == np.dtype(dtype)
        assert not cast.requires_grad
    loss = (t.astype(np.int64) * t).sum()  # the gradient flows only through the float t
    loss.backward()
    np.testing.assert_array_equal(t.grad, [1.0, -2.0])
    assert t.astype(np.float32).requires_grad


# ---------------------------------------------------------------- NumPy dispatch


def test_numpy_functions_on_tensors_are_recorded() -> None:
    t = ag.Tensor([[1.0, -2.0], [3.0, 4.0]], requires_grad=True)
    loss = np.sum(np.exp(np.maximum(t, 0.0)) * np.array([1.0, 2.0]), axis=0).sum()
    loss = loss + np.concatenate([t, t]).mean() + (np.ones(2) @ t).sum()
    loss.backward()
    want = np.exp(np.maximum(t.data, 0)) * (t.data > 0) * [1.0, 2.0] + 2 / 8 + 1
    np.testing.assert_allclose(t.grad, want)


def test_a_numpy_function_with_no_rule_is_refused_by_name() -> None:
    t = ag.Tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(TypeError, match=r"np\.sinc has no rule"):
        np.sinc(t)
    with pytest.raises(TypeError, match=r"np\.fft\.fft has no rule.*np\.fft\.fft\(t\.data\)"):
        np.fft.fft(t)
    with pytest.raises(TypeError, match=r"np\.linalg\.norm has no rule"):
        np.linalg.norm(t)
    np.testing.assert_array_equal(np.isnan(t), [False, False])  # readers see the data


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda t: np.add.reduce(t), r"np\.add\.reduce is not recorded.*use t\.sum\(axis\)"),
        (lambda t: np.add.accumulate(t), r"np\.add\.accumulate .*use t\.cumsum\(axis\)"),
        (lambda t: np.maximum.accumulate(t), r"only; call np\.maximum\.accumulate\(t\.data\)"),
        (lambda t: np.exp(t, out=np.empty(2)), r"np\.exp\(\.\.\., out=\).*assign the result"),
        (lambda t: np.exp(t, dtype=np.float32), r"dtype=\).*t\.astype\(dtype\)"),
        (lambda t: np.add(t, 1.0, where=True), r"where=\).*ag\.where"),
        (lambda t: np.sum(t, where=t.data > 1), r"np\.sum\(\.\.\., where=\).*takes no where="),
        (lambda t: np.mean(t, dtype=np.float32), r"np\.mean\(\.\.\., dtype=\).*t\.astype"),
        (
            lambda t: np.reshape(t, (2, 1), order="F"),
            r"np\.reshape\(\.\.\., order=\).*drop order=",
        ),
    ],
)
def test_a_ufunc_with_a_rule_called_another_way_is_refused_with_the_fix(
    call: Any, words: str
) -> None:
    t = ag.Tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(TypeError, match=words):
        call(t)


# ---------------------------------------------------------------- Taylor mode on long chains


def test_taylor_mode_runs_a_chain_of_a_hundred_thousand_ops() -> None:
    def chain(x):  # type: ignore[no-untyped-def]
        for _ in range(100_000):
            x = x * 0.999999 + 1e-6
        return x.sin()

    got = ag.derivative(chain, 0.3, n=2)
    a = 0.999999**100_000
    y = 0.3 * a + 1e-6 * (1 - a) / (1 - 0.999999)
    assert got == pytest.approx(-math.sin(y) * a * a, rel=1e-9)


def test_taylor_mode_leaves_no_cycles_behind() -> None:
    from autograd_lite.taylor import Series

    seen: list[weakref.ref[Series]] = []

    def f(x):  # type: ignore[no-untyped-def]
        seen.append(weakref.ref(x))
        return (x.sin() * x).tanh()

    gc.disable()
    try:
        ag.derivative(f, 0.4, n=5)
        assert seen[0]() is None  # freed by reference counting alone
    finally:
        gc.enable()


def test_high_orders_are_exact_and_refused_past_the_limit() -> None:
    assert ag.derivative(lambda x: x.sin(), 0.5, n=400) == pytest.approx(math.sin(0.5), rel=1e-12)
    assert ag.derivative(lambda x: x * x, 1.0, n=200) == 0.0
    with pytest.raises(ValueError, match="above the highest order computed"):
        ag.derivative(lambda x: x, 1.0, n=10**6)
    with pytest.raises(OverflowError, match="larger than the largest float"):
        ag.derivative(lambda x: ag.exp(x * x), 3.0, n=300)


def test_where_broadcasts_its_input_and_sums_the_gradient_back() -> None:
    x = ag.Tensor([1.0, 2.0], requires_grad=True)
    mask = np.array([[True, False], [True, True]])
    ag.where(mask, x, -np.inf).exp().sum().backward()
    np.testing.assert_allclose(x.grad, [2 * math.e, math.exp(2)])


def test_einsum_names_the_letter_whose_lengths_disagree() -> None:
    with pytest.raises(ValueError, match=r"einsum: `j` has length 3 in operand 0 but 4"):
        ag.einsum("ij,jk->ik", np.ones((2, 3)), np.ones((4, 2)))


def test_a_numpy_default_passed_along_is_not_refused() -> None:
    t = ag.Tensor([1.0, 2.0], requires_grad=True)
    np.clip(t, 0.0, 1.5, out=None).sum().backward()  # out=None is NumPy's own default
    np.testing.assert_array_equal(t.grad, [1.0, 0.0])
