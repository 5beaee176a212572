"""Parity with PyTorch where it is installed: the same graphs give the same gradients."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_lite as ag

torch = pytest.importorskip("torch")
rng = np.random.default_rng(0)

UNARY = ["exp", "log", "tanh", "sigmoid", "relu", "sin", "cos", "sqrt", "abs"]


@pytest.mark.parametrize("name", UNARY)
def test_unary_ops_match_torch(name: str) -> None:
    data = rng.uniform(0.2, 2.0, (3, 4)) * (
        1 if name in ("log", "sqrt") else rng.choice([-1, 1], (3, 4))
    )
    weight = rng.normal(size=(3, 4))
    ours = ag.Tensor(data, requires_grad=True)
    (getattr(ours, name)() * weight).sum().backward()
    theirs = torch.tensor(data, requires_grad=True)
    (getattr(theirs, name)() * torch.tensor(weight)).sum().backward()
    np.testing.assert_allclose(ours.grad, theirs.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_mlp_with_cross_entropy_matches_torch() -> None:
    x = rng.normal(size=(8, 5))
    labels = rng.integers(0, 3, 8)
    W1, b1, W2 = rng.normal(size=(5, 7)), rng.normal(size=7), rng.normal(size=(7, 3))
    ours = [ag.Tensor(a, requires_grad=True) for a in (W1, b1, W2)]
    logits = (ag.Tensor(x) @ ours[0] + ours[1]).relu() @ ours[2]
    loss = -logits.log_softmax(axis=1)[np.arange(8), labels].mean()
    loss.backward()
    theirs = [torch.tensor(a, requires_grad=True) for a in (W1, b1, W2)]
    t_logits = (torch.tensor(x) @ theirs[0] + theirs[1]).relu() @ theirs[2]
    t_loss = torch.nn.functional.cross_entropy(t_logits, torch.tensor(labels))
    t_loss.backward()
    assert loss.item() == pytest.approx(t_loss.item(), rel=1e-12)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a.grad, b.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_broadcast_max_and_indexing_match_torch() -> None:
    a, b = rng.normal(size=(2, 1, 4)), rng.normal(size=(3, 1))
    ours = [ag.Tensor(v, requires_grad=True) for v in (a, b)]
    out = (ours[0] * ours[1]).max(axis=2) + ours[0][:, 0, [0, 0, 3]].sum(axis=1, keepdims=True)
    out.sum().backward()
    theirs = [torch.tensor(v, requires_grad=True) for v in (a, b)]
    t_out = (theirs[0] * theirs[1]).amax(dim=2) + theirs[0][:, 0, [0, 0, 3]].sum(
        dim=1, keepdim=True
    )
    t_out.sum().backward()
    np.testing.assert_allclose(out.data, t_out.detach().numpy())
    for x, y in zip(ours, theirs):
        np.testing.assert_allclose(x.grad, y.grad.numpy(), rtol=1e-12)


def test_second_derivative_matches_torch() -> None:
    x = ag.Value(0.7)
    (x.tanh() * x.sin()).backward(create_graph=True)
    g = x.grad
    x.grad = 0.0
    g.backward()
    t = torch.tensor(0.7, dtype=torch.float64, requires_grad=True)
    (dt,) = torch.autograd.grad(t.tanh() * t.sin(), t, create_graph=True)
    (d2,) = torch.autograd.grad(dt, t)
    assert g.data == pytest.approx(dt.item(), rel=1e-14)
    assert x.grad == pytest.approx(d2.item(), rel=1e-13)


# ---------------------------------------------------------------- the round-two ops
# name -> (ours, theirs, domain): each applied to a (3, 4) float64 tensor.
NEW_UNARY = {
    "tan": ("tan", "tan", (-1.2, 1.2)),
    "arcsin": ("arcsin", "asin", (-0.9, 0.9)),
    "arccos": ("arccos", "acos", (-0.9, 0.9)),
    "arctan": ("arctan", "atan", (-3, 3)),
    "sinh": ("sinh", "sinh", (-3, 3)),
    "cosh": ("cosh", "cosh", (-3, 3)),
    "arcsinh": ("arcsinh", "asinh", (-3, 3)),
    "arccosh": ("arccosh", "acosh", (1.1, 4)),
    "arctanh": ("arctanh", "atanh", (-0.9, 0.9)),
    "log1p": ("log1p", "log1p", (-0.9, 3)),
    "expm1": ("expm1", "expm1", (-3, 3)),
    "log2": ("log2", "log2", (0.1, 3)),
    "log10": ("log10", "log10", (0.1, 3)),
    "exp2": ("exp2", "exp2", (-3, 3)),
    "square": ("square", "square", (-3, 3)),
    "reciprocal": ("reciprocal", "reciprocal", (0.2, 3)),
    "sign": ("sign", "sign", (-3, 3)),
    "floor": ("floor", "floor", (-3, 3)),
    "ceil": ("ceil", "ceil", (-3, 3)),
    "erf": ("erf", "erf", (-3, 3)),
}


@pytest.mark.parametrize("name", sorted(NEW_UNARY))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_new_unary_ops_match_torch(name: str, dtype: type) -> None:
    ours_name, theirs_name, (lo, hi) = NEW_UNARY[name]
    data = rng.uniform(lo, hi, (3, 4)).astype(dtype)
    weight = rng.normal(size=(3, 4)).astype(dtype)
    ours = ag.Tensor(data, requires_grad=True)
    out = getattr(ours, ours_name)()
    (out * weight).sum().backward()
    theirs = torch.tensor(data, requires_grad=True)
    t_out = getattr(torch, theirs_name)(theirs)
    (t_out * torch.tensor(weight)).sum().backward()
    tol = 1e-12 if dtype == np.float64 else 2e-5
    assert out.dtype == dtype
    assert ours.grad.dtype == dtype
    np.testing.assert_allclose(out.data, t_out.detach().numpy(), rtol=tol, atol=tol)
    np.testing.assert_allclose(ours.grad, theirs.grad.numpy(), rtol=tol, atol=tol)


F = torch.nn.functional
# name -> (ours on Tensors, theirs on torch tensors, input shapes)
NEW_FUNCTIONS = {
    "softplus": (lambda x: x.softplus(), F.softplus, [(3, 4)]),
    "leaky_relu": (lambda x: x.leaky_relu(0.2), lambda x: F.leaky_relu(x, 0.2), [(3, 4)]),
    "gelu": (lambda x: x.gelu(), F.gelu, [(3, 4)]),
    "maximum": (ag.maximum, torch.maximum, [(3, 4), (4,)]),
    "minimum": (ag.minimum, torch.minimum, [(3, 1), (3, 4)]),
    "logaddexp": (ag.logaddexp, torch.logaddexp, [(3, 4), (3, 4)]),
    "arctan2": (ag.arctan2, torch.atan2, [(3, 4), (3, 4)]),
    "clip": (lambda x: x.clip(-0.5, 0.5), lambda x: x.clamp(-0.5, 0.5), [(3, 4)]),
    "where": (
        lambda x, y: ag.where(x.data > 0, x, y),
        lambda x, y: torch.where(x > 0, x, y),
        [(3, 4), (3, 4)],
    ),
    "min": (lambda x: x.min(axis=1), lambda x: x.amin(dim=1), [(3, 4)]),
    "prod": (lambda x: x.prod(axis=0), lambda x: x.prod(dim=0), [(3, 4)]),
    "var": (lambda x: x.var(axis=1, ddof=1), lambda x: x.var(dim=1), [(3, 4)]),
    "std": (lambda x: x.std(), lambda x: x.std(unbiased=False), [(3, 4)]),
    "logsumexp": (lambda x: x.logsumexp(axis=1), lambda x: x.logsumexp(dim=1), [(3, 4)]),
    "cumsum": (lambda x: x.cumsum(axis=1), lambda x: x.cumsum(dim=1), [(3, 4)]),
    "flip": (lambda x: x.flip(0), lambda x: x.flip(0), [(3, 4)]),
    "roll": (lambda x: x.roll(2, 1), lambda x: x.roll(2, 1), [(3, 4)]),
    "tile": (lambda x: x.tile((2, 1)), lambda x: x.tile((2, 1)), [(3, 4)]),
    "repeat": (lambda x: x.repeat(2, 0), lambda x: x.repeat_interleave(2, 0), [(3, 4)]),
    "triu": (lambda x: x.triu(1), lambda x: x.triu(1), [(3, 4)]),
    "tril": (lambda x: x.tril(-1), lambda x: x.tril(-1), [(3, 4)]),
    "diagonal": (lambda x: x.diagonal(1), lambda x: x.diagonal(1), [(3, 4)]),
    "trace": (lambda x: x.trace(), lambda x: x.trace(), [(3, 4)]),
    "pad": (lambda x: x.pad(((1, 0), (2, 1))), lambda x: F.pad(x, (2, 1, 1, 0)), [(3, 4)]),
    "squeeze": (lambda x: x.squeeze(1), lambda x: x.squeeze(1), [(3, 1)]),
    "unsqueeze": (lambda x: x.unsqueeze(1), lambda x: x.unsqueeze(1), [(3, 4)]),
    "swapaxes": (lambda x: x.swapaxes(0, 1), lambda x: x.swapaxes(0, 1), [(3, 4)]),
    "moveaxis": (lambda x: x.moveaxis(0, 2), lambda x: x.moveaxis(0, 2), [(2, 3, 4)]),
    "flatten": (lambda x: x.flatten(), lambda x: x.flatten(), [(2, 3, 4)]),
    "concatenate": (
        lambda x, y: ag.concatenate([x, y], axis=1),
        lambda x, y: torch.cat([x, y], dim=1),
        [(3, 4), (3, 2)],
    ),
    "stack": (lambda x, y: ag.stack([x, y], 1), lambda x, y: torch.stack([x, y], 1), [(3, 4)] * 2),
    "split": (
        lambda x: ag.split(x, [1], axis=1)[1],
        lambda x: torch.split(x, [1, 3], dim=1)[1],
        [(3, 4)],
    ),
    "dot": (ag.dot, torch.matmul, [(3, 4), (4,)]),
    "outer": (ag.outer, torch.outer, [(3,), (4,)]),
    "inner": (ag.inner, torch.inner, [(3, 4), (2, 4)]),
    "tensordot": (
        lambda x, y: ag.tensordot(x, y, axes=([1, 2], [0, 1])),
        lambda x, y: torch.tensordot(x, y, dims=([1, 2], [0, 1])),
        [(2, 3, 4), (3, 4, 5)],
    ),
    "einsum": (
        lambda x, y: ag.einsum("bij,bjk->bik", x, y),
        lambda x, y: torch.einsum("bij,bjk->bik", x, y),
        [(2, 3, 4), (2, 4, 5)],
    ),
    "einsum_ellipsis": (
        lambda x, y: ag.einsum("...i,i", x, y),
        lambda x, y: torch.einsum("...i,i", x, y),
        [(2, 3, 4), (4,)],
    ),
}


@pytest.mark.parametrize("name", sorted(NEW_FUNCTIONS))
def test_new_functions_match_torch(name: str) -> None:
    ours_fn, theirs_fn, shapes = NEW_FUNCTIONS[name]
    arrays = [rng.normal(size=s) for s in shapes]
    ours = [ag.Tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    out, t_out = ours_fn(*ours), theirs_fn(*theirs)
    weight = rng.normal(size=out.shape)
    (out * weight).sum().backward()
    (t_out * torch.tensor(weight)).sum().backward()
    np.testing.assert_allclose(out.data, t_out.detach().numpy(), rtol=1e-12, atol=1e-12)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a.grad, b.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_ties_share_the_gradient_like_torch_amax() -> None:
    data = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]])
    ours = ag.Tensor(data, requires_grad=True)
    ours.min(axis=1).sum().backward()
    theirs = torch.tensor(data, requires_grad=True)
    theirs.amin(dim=1).sum().backward()
    np.testing.assert_allclose(ours.grad, theirs.grad.numpy())


def test_prod_with_zeros_matches_torch() -> None:
    data = np.array([[0.0, 2.0, 3.0], [0.0, 0.0, 5.0], [1.0, 2.0, 4.0]])
    ours = ag.Tensor(data, requires_grad=True)
    ours.prod(axis=1).sum().backward()
    theirs = torch.tensor(data, requires_grad=True)
    theirs.prod(dim=1).sum().backward()
    np.testing.assert_allclose(ours.grad, theirs.grad.numpy())


def test_zero_base_power_matches_torch() -> None:
    y = ag.Tensor([0.5, 2.0, 3.0], requires_grad=True)
    (0.0**y).sum().backward()
    t = torch.tensor([0.5, 2.0, 3.0], requires_grad=True)
    (torch.tensor(0.0) ** t).sum().backward()
    np.testing.assert_allclose(y.grad, t.grad.numpy())
