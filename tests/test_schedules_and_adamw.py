"""AdamW and the learning-rate schedules: closed forms, and step-for-step parity with PyTorch."""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite.optim import SGD, AdamW
from autograd_lite.optim.lr_scheduler import CosineAnnealingLR, StepLR

rng = np.random.default_rng(0)


def test_adamw_decays_the_weights_apart_from_the_gradient() -> None:
    """With a zero gradient only the decay acts: w <- w (1 - lr wd), step after step."""
    w = ag.Tensor([2.0, -1.0], requires_grad=True)
    opt = AdamW([w], lr=0.1, weight_decay=0.5)
    for _ in range(3):
        w.grad = np.zeros(2)
        opt.step()
    np.testing.assert_allclose(w.data, [2.0 * 0.95**3, -(0.95**3)])


def test_adamw_with_no_decay_is_adam() -> None:
    a, b = (ag.Tensor([1.0, -2.0, 3.0], requires_grad=True) for _ in range(2))
    adam, adamw = ag.optim.Adam([a], lr=0.01), AdamW([b], lr=0.01, weight_decay=0.0)
    for _ in range(5):
        for p in (a, b):
            p.grad = p.data * p.data
        adam.step()
        adamw.step()
    np.testing.assert_array_equal(a.data, b.data)


def test_adamw_on_values_too() -> None:
    v = ag.Value(1.0)
    opt = AdamW([v], lr=0.1, weight_decay=0.5)
    v.grad = 0.0
    opt.step()
    assert v.data == pytest.approx(0.95)


def test_step_lr_closed_form() -> None:
    opt = SGD([ag.Value(0.0)], lr=0.5)
    sched = StepLR(opt, step_size=3, gamma=0.5)
    seen = []
    for _ in range(7):
        seen.append(opt.lr)
        sched.step()
    assert seen == [0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.125]
    assert sched.get_last_lr() == [0.125]


def test_cosine_closed_form() -> None:
    opt = SGD([ag.Value(0.0)], lr=1.0)
    sched = CosineAnnealingLR(opt, T_max=10, eta_min=0.1)
    lrs = [opt.lr]
    for _ in range(10):
        sched.step()
        lrs.append(opt.lr)
    want = [0.1 + 0.9 * (1 + math.cos(math.pi * t / 10)) / 2 for t in range(11)]
    np.testing.assert_allclose(lrs, want, rtol=1e-15)
    assert lrs[5] == pytest.approx(0.55)
    assert lrs[-1] == pytest.approx(0.1)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda o: StepLR(o, step_size=0), "step_size must be at least 1"),
        (lambda o: StepLR(o, step_size=2, gamma=0.0), r"gamma must be in \(0, 1\]"),
        (lambda o: CosineAnnealingLR(o, T_max=0), "T_max must be at least 1"),
        (lambda o: CosineAnnealingLR(o, T_max=5, eta_min=-1.0), "eta_min must be in"),
        (lambda o: AdamW(o.params, weight_decay=-1.0), "AdamW: weight_decay must be in"),
    ],
)
def test_bad_settings_name_the_fix(make: object, message: str) -> None:
    opt = SGD([ag.Value(0.0)], lr=0.1)
    with pytest.raises((ValueError, TypeError), match=message):
        make(opt)  # type: ignore[operator]
    with pytest.raises(TypeError, match="expected an optimizer"):
        StepLR("sgd", step_size=1)  # type: ignore[arg-type]


# ---------------------------------------------------------------- against PyTorch


def test_adamw_matches_torch_step_for_step() -> None:
    torch = pytest.importorskip("torch")
    start = rng.normal(size=(3, 4))
    grads = [rng.normal(size=(3, 4)) for _ in range(6)]
    ours = ag.Tensor(start, requires_grad=True)
    opt = AdamW([ours], lr=0.05, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)
    theirs = torch.tensor(start, requires_grad=True)
    t_opt = torch.optim.AdamW([theirs], lr=0.05, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)
    for g in grads:
        ours.grad = g.copy()
        opt.step()
        theirs.grad = torch.tensor(g)
        t_opt.step()
        np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("kind", ["step", "cosine"])
def test_schedules_match_torch(kind: str) -> None:
    torch = pytest.importorskip("torch")
    ours_opt = SGD([ag.Value(0.0)], lr=0.3)
    param = torch.zeros(1, requires_grad=True)
    t_opt = torch.optim.SGD([param], lr=0.3)
    if kind == "step":
        ours = StepLR(ours_opt, step_size=4, gamma=0.3)
        theirs = torch.optim.lr_scheduler.StepLR(t_opt, step_size=4, gamma=0.3)
    else:
        ours = CosineAnnealingLR(ours_opt, T_max=12, eta_min=0.01)
        theirs = torch.optim.lr_scheduler.CosineAnnealingLR(t_opt, T_max=12, eta_min=0.01)
    for _ in range(12):
        t_opt.step()
        theirs.step()
        ours.step()
        assert ours_opt.lr == pytest.approx(theirs.get_last_lr()[0], rel=1e-12, abs=1e-15)
