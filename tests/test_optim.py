"""ag.optim: SGD and Adam against hand-computed steps, clipping, and argument checks.

The two-parameter problem throughout: f(a, b) = a^2 + a b, so df/da = 2a + b, df/db = a,
starting from a = 1, b = -2.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite.optim import SGD, Adam, clip_grad_norm_


def value_params() -> list[Any]:
    return [ag.Value(1.0), ag.Value(-2.0)]


def tensor_params() -> list[Any]:
    return [ag.Tensor([1.0], requires_grad=True), ag.Tensor([-2.0], requires_grad=True)]


def run(
    make_opt: Callable[[list[Any]], Any], params: list[Any], steps: int
) -> list[tuple[float, float]]:
    """Take `steps` optimizer steps on f; return (a, b) after each."""
    opt = make_opt(params)
    a, b = params
    path = []
    for _ in range(steps):
        opt.zero_grad()
        loss = a * a + a * b
        (loss if isinstance(loss, ag.Value) else loss.sum()).backward()
        opt.step()
        path.append((float(np.asarray(a.data).item()), float(np.asarray(b.data).item())))
    return path


KINDS = pytest.mark.parametrize(
    "make_params", [value_params, tensor_params], ids=["Value", "Tensor"]
)


@KINDS
def test_sgd_plain_step(make_params: Callable[[], list[Any]]) -> None:
    # g = (2*1 - 2, 1) = (0, 1): a stays, b -= 0.1
    assert run(lambda p: SGD(p, lr=0.1), make_params(), 1) == [(1.0, -2.1)]


@KINDS
def test_sgd_with_momentum_and_weight_decay_matches_hand_computation(
    make_params: Callable[[], list[Any]],
) -> None:
    # step 1: g = (0, 1) + 0.1*(1, -2) = (0.1, 0.8) = buf; (a, b) = (0.99, -2.08)
    # step 2: g = (-0.1, 0.99) + 0.1*(0.99, -2.08) = (-0.001, 0.782);
    #         buf = 0.9*(0.1, 0.8) + g = (0.089, 1.502); (a, b) = (0.9811, -2.2302)
    path = run(lambda p: SGD(p, lr=0.1, momentum=0.9, weight_decay=0.1), make_params(), 2)
    np.testing.assert_allclose(path, [(0.99, -2.08), (0.9811, -2.2302)], rtol=1e-13)


@KINDS
def test_adam_matches_hand_computation(make_params: Callable[[], list[Any]]) -> None:
    # step 1: m_hat = g and v_hat = g^2, so each parameter with g != 0 moves by lr
    #         (1e-8 short, for eps): a (g = 0) stays, b -> -2 - 0.1 / (1 + 1e-8)
    # steps 2-3: m_hat / (sqrt(v_hat) + eps) written out with plain floats (Kingma & Ba)
    path = run(lambda p: Adam(p, lr=0.1), make_params(), 3)
    expected = [
        (1.0, -2.0 - 0.1 / (1 + 1e-8)),
        (1.074413671835647, -2.199999997999999),
        (1.1547275384842244, -2.300197870863457),
    ]
    np.testing.assert_allclose(path, expected, rtol=1e-12)


@KINDS
def test_adam_weight_decay_is_added_to_the_gradient(make_params: Callable[[], list[Any]]) -> None:
    # g = (0, 1) + 0.5 * (1, -2) = (0.5, 0): a moves by lr, b (g = 0) stays
    path = run(lambda p: Adam(p, lr=0.01, weight_decay=0.5), make_params(), 1)
    np.testing.assert_allclose(path, [(1.0 - 0.01 * 0.5 / (0.5 + 1e-8), -2.0)], rtol=1e-14)


def test_a_parameter_without_gradient_is_skipped_and_keeps_its_adam_clock() -> None:
    used, unused = ag.Tensor([1.0], requires_grad=True), ag.Tensor([5.0], requires_grad=True)
    opt = Adam([used, unused], lr=0.1)
    for _ in range(2):
        opt.zero_grad()
        (used * used).sum().backward()
        opt.step()
    assert unused.grad is None
    assert unused.data[0] == 5.0
    assert opt.steps == [2, 0]
    sgd = SGD([unused], lr=0.1, momentum=0.9)
    sgd.step()
    assert unused.data[0] == 5.0


def test_zero_grad_resets_values_to_zero_and_tensors_to_none() -> None:
    params = value_params() + tensor_params()
    for p in params:
        p.grad = 1.0 if isinstance(p, ag.Value) else np.ones(1)
    SGD(params, lr=0.1).zero_grad()
    assert [p.grad for p in params] == [0.0, 0.0, None, None]


def test_updates_keep_float32_and_stay_in_place() -> None:
    w = ag.Tensor(np.ones(3, np.float32), requires_grad=True)
    array = w.data
    for opt in (
        SGD([w], lr=0.1, momentum=0.5, weight_decay=0.1),
        Adam([w], lr=0.1, weight_decay=0.1),
    ):
        for _ in range(2):
            opt.zero_grad()
            (w * w).sum().backward()
            opt.step()
    assert w.data is array
    assert w.data.dtype == np.float32


def test_optimizers_work_after_create_graph() -> None:
    x = ag.Value(3.0)
    (x * x).backward(create_graph=True)  # x.grad is a Value: 6
    SGD([x], lr=0.1).step()
    assert math.isclose(x.data, 2.4)


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (
            lambda p: SGD(p, lr=0.0),
            ValueError,
            r"SGD: lr must be in \(0, inf\), got 0.0; try lr=0.01",
        ),
        (lambda p: SGD(p, lr=-1), ValueError, "lr must be in"),
        (lambda p: Adam(p, lr=float("nan")), ValueError, "lr must be in"),
        (lambda p: SGD(p, lr="0.1"), TypeError, r"lr must be a number, got .0\.1. \(str\)"),
        (lambda p: SGD(p, lr=0.1, momentum=1.0), ValueError, r"momentum must be in \[0, 1\)"),
        (lambda p: SGD(p, lr=0.1, weight_decay=-1e-4), ValueError, "weight_decay must be in"),
        (lambda p: SGD(p, lr=0.1, nesterov=True), ValueError, "nesterov=True needs momentum > 0"),
        (lambda p: Adam(p, betas=(0.9, 1.0)), ValueError, r"betas\[1\] must be in \[0, 1\)"),
        (lambda p: Adam(p, betas=0.9), TypeError, "betas must be a pair"),
        (lambda p: Adam(p, eps=-1.0), ValueError, "eps must be in"),
    ],
)
def test_bad_hyperparameters_are_refused_with_the_fix(
    make: Any, error: type, message: str
) -> None:
    with pytest.raises(error, match=message):
        make(value_params())


def test_bad_parameter_lists_are_refused() -> None:
    model = ag.nn.Linear(2, 1)
    with pytest.raises(TypeError, match=r"got the model Linear itself; pass its parameters"):
        SGD(model, lr=0.1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="empty list of parameters"):
        Adam([])
    with pytest.raises(ValueError, match=r"parameter 0 \(shape \(2,\)\) does not require grad"):
        SGD([ag.Tensor([1.0, 2.0])], lr=0.1)
    w = ag.Tensor([1.0], requires_grad=True)
    with pytest.raises(ValueError, match="is not a leaf"):
        SGD([w * 2.0], lr=0.1)
    with pytest.raises(ValueError, match="parameter 1 appears twice"):
        SGD([w, w], lr=0.1)
    with pytest.raises(TypeError, match="parameter 0 is float"):
        SGD([1.0], lr=0.1)  # type: ignore[list-item]
    assert SGD(w, lr=0.1).params == [w]  # a single parameter is fine


# ---------------------------------------------------------------- clipping


def test_clip_grad_norm_scales_to_max_norm_and_returns_the_norm() -> None:
    w = ag.Tensor([3.0, 0.0], requires_grad=True)
    v = ag.Value(0.0)
    w.grad, v.grad = np.array([3.0, 0.0]), 4.0  # joint norm 5
    assert clip_grad_norm_([w, v], max_norm=1.0) == 5.0
    np.testing.assert_allclose(w.grad, [3.0 / (5 + 1e-6), 0.0])
    assert math.isclose(v.grad, 4.0 / (5 + 1e-6))
    w.grad = np.array([0.3, 0.4])
    assert math.isclose(clip_grad_norm_(w, max_norm=1.0), 0.5)
    np.testing.assert_array_equal(w.grad, [0.3, 0.4])  # under the limit: untouched


def test_clip_grad_norm_other_norms_and_edge_cases() -> None:
    w = ag.Tensor([-3.0, 2.0], requires_grad=True)
    w.grad = np.array([-3.0, 2.0])
    assert clip_grad_norm_([w], 10.0, norm_type=float("inf")) == 3.0
    assert math.isclose(clip_grad_norm_([w], 10.0, norm_type=1), 5.0)
    assert clip_grad_norm_([ag.Tensor([1.0], requires_grad=True)], 1.0) == 0.0  # no grads
    w.grad = np.array([np.nan, 1.0])
    with pytest.raises(FloatingPointError, match="total gradient norm is nan"):
        clip_grad_norm_([w], 1.0, error_if_nonfinite=True)
    with pytest.raises(ValueError, match="max_norm must be in"):
        clip_grad_norm_([w], 0.0)


# ---------------------------------------------------------------- PyTorch parity


@pytest.mark.parametrize(
    "config",
    [
        ("SGD", {"lr": 0.1}),
        ("SGD", {"lr": 0.05, "momentum": 0.9, "weight_decay": 0.01}),
        ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True}),
        ("Adam", {"lr": 0.01}),
        ("Adam", {"lr": 0.02, "betas": (0.8, 0.99), "eps": 1e-6, "weight_decay": 0.1}),
    ],
)
def test_steps_match_pytorch(config: tuple[str, dict[str, Any]]) -> None:
    torch = pytest.importorskip("torch")
    name, kwargs = config
    rng = np.random.default_rng(0)
    W0, X = rng.standard_normal((3, 4)), rng.standard_normal((5, 4))
    ours = ag.Tensor(W0, requires_grad=True)
    theirs = torch.tensor(W0, requires_grad=True)
    opt = getattr(ag.optim, name)([ours], **kwargs)
    reference = getattr(torch.optim, name)([theirs], **kwargs)
    for _ in range(5):
        opt.zero_grad()
        ((X @ ours.T).tanh() ** 2).sum().backward()
        opt.step()
        reference.zero_grad()
        ((torch.from_numpy(X) @ theirs.T).tanh() ** 2).sum().backward()
        reference.step()
    np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=1e-10, atol=1e-12)
