"""`ag.checkpoint`: the same gradients, without the segment's graph between the passes."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite.graph import topological_order

rng = np.random.default_rng(2)
WEIGHTS = [rng.normal(size=(5, 5)) * 0.5 for _ in range(6)]


def segment(h: Any, layers: list[Any]) -> Any:
    for W in layers:
        h = (h @ W).tanh()
    return h


def model(x: Any, layers: list[Any], every: int | None) -> Any:
    h = x
    for start in range(0, len(layers), every or len(layers)):
        part = layers[start : start + (every or len(layers))]
        h = ag.checkpoint(segment, h, part) if every else segment(h, part)
    return (h**2).mean()


def test_the_same_gradients_as_without() -> None:
    x = rng.normal(size=(3, 5))
    grads = []
    for every in (None, 2, 3):
        layers = [ag.Tensor(W, requires_grad=True) for W in WEIGHTS]
        xt = ag.Tensor(x, requires_grad=True)
        model(xt, layers, every).backward()
        grads.append([xt.grad] + [W.grad for W in layers])
    for other in grads[1:]:
        for a, b in zip(grads[0], other):
            np.testing.assert_allclose(a, b, rtol=1e-13, atol=1e-15)


def test_the_graph_between_the_passes_is_only_the_segments_ends() -> None:
    layers = [ag.Tensor(W, requires_grad=True) for W in WEIGHTS]
    x = ag.Tensor(rng.normal(size=(3, 5)))
    plain = topological_order(model(x, layers, None))
    kept = topological_order(model(x, layers, 3))
    assert len(plain) == 2 + 2 * 6 + 7  # pow, mean; (matmul, tanh) x 6; x and 6 W
    assert len(kept) == 2 + 2 + 7  # the segments' ops replaced by two Checkpoint nodes
    assert [n._op.name for n in kept if n._op is not None].count("Checkpoint") == 2
    assert not any(n._op is not None and n._op.name == "tanh" for n in kept)


def test_the_segment_runs_again_in_backward() -> None:
    calls = []

    def counted(h: Any) -> Any:
        calls.append(1)
        return h.sin() * h

    x = ag.Tensor([0.5, 1.0], requires_grad=True)
    y = ag.checkpoint(counted, x).sum()
    assert len(calls) == 1
    y.backward()
    assert len(calls) == 2
    np.testing.assert_allclose(x.grad, np.cos(x.data) * x.data + np.sin(x.data))


def test_values_outputs_keywords_and_higher_order() -> None:
    w = ag.Value(0.5)
    out = ag.checkpoint(lambda a, scale: {"y": ag.tanh(a * w) * scale, "a": a}, ag.Value(2.0),
                        scale=3.0)  # fmt: skip
    (out["y"] + out["a"]).backward()
    assert w.grad == pytest.approx(3.0 * 2.0 * (1 - np.tanh(1.0) ** 2))
    assert ag.grad(ag.grad(lambda v: ag.checkpoint(lambda u: u**3, v)))(2.0) == 12.0
    assert ag.gradcheck(lambda t: ag.checkpoint(segment, t, WEIGHTS[:2]).sum(),
                        rng.normal(size=(2, 5)), second_order=True)  # fmt: skip
    np.testing.assert_allclose(
        ag.hessian(lambda t: ag.checkpoint(lambda u: (u**3).sum(), t))(np.array([1.0, 2.0])),
        np.diag([6.0, 12.0]),
    )
