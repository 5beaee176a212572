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
