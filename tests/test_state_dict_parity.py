"""State dicts move between autograd_lite and torch.nn: same keys, same shapes, same outputs.

Each model of `autograd_lite.models` is written again in `torch.nn` (`torch_twins.py`);
its weights go one way, then another set goes back, and both models compute the same
outputs (in evaluation mode, so Dropout is off and BatchNorm uses running statistics).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite.models import Transformer, bigram_model, digits_cnn, mlp_model

torch = pytest.importorskip("torch")
import torch_twins as twins  # noqa: E402  (needs torch, skipped above without it)

rng = np.random.default_rng(0)


def _keys_and_shapes(state: dict[str, Any]) -> list[tuple[str, tuple[int, ...]]]:
    return [(key, tuple(np.shape(value))) for key, value in state.items()]


def _torch_out(model: Any, x: np.ndarray) -> np.ndarray:
    model.eval()
    with torch.no_grad():
        return model(torch.from_numpy(x)).double().numpy()


def _ours_out(model: Any, x: np.ndarray) -> np.ndarray:
    model.eval()
    with ag.no_grad():
        return np.asarray(model(x).data, dtype=np.float64)


def _warm_up_batchnorm(model: Any, x: np.ndarray) -> None:
    """A few forward passes in training mode, so running statistics are not the defaults."""
    model.train()
    with ag.no_grad():
        for _ in range(3):
            model(x)


CASES = [
    ("cnn", lambda: digits_cnn(seed=0, dtype=np.float64), lambda: twins.digits_cnn(), "images"),
    ("bigram", lambda: bigram_model(27, seed=0), lambda: twins.bigram_model(27), "contexts1"),
    ("mlp", lambda: mlp_model(27, seed=0), lambda: twins.mlp_model(27), "contexts3"),
    (
        "mlp+batchnorm",
        lambda: mlp_model(27, batchnorm=True, kaiming=True, seed=0),
        lambda: twins.mlp_model(27, batchnorm=True),
        "contexts3",
    ),
    (
        "transformer",
        lambda: Transformer(27, 16, n_layer=2, seed=0, dtype=np.float64),
        lambda: twins.Transformer(27, 16, n_layer=2),
        "sequences",
    ),
]


def _inputs(kind: str) -> np.ndarray:
    if kind == "images":
        return rng.uniform(0.0, 1.0, (5, 1, 8, 8))
    if kind == "contexts1":
        return rng.integers(0, 27, (6, 1))
    if kind == "contexts3":
        return rng.integers(0, 27, (6, 3))
    return rng.integers(0, 27, (3, 16))


@pytest.mark.parametrize(("name", "ours", "theirs", "inputs"), CASES)
def test_weights_move_both_ways(name: str, ours: Any, theirs: Any, inputs: str) -> None:
    x = _inputs(inputs)
    torch.manual_seed(0)  # the torch models' own initialisation: the same at every run
    model = ours()
    if name == "mlp+batchnorm":
        _warm_up_batchnorm(model, x)
    state = model.state_dict()
    torch_model = theirs().double()
    assert _keys_and_shapes(state) == _keys_and_shapes(twins.state_of(torch_model))
    # ours -> torch
    twins.load_from(torch_model, state)
    # In float64 the two differ by rounding only: about 1e-15, which is relative 1e-10 to
    # an output that comes out near 1e-6 (a torch initialisation in 300 made one).
    np.testing.assert_allclose(
        _torch_out(torch_model, x), _ours_out(model, x), rtol=1e-10, atol=1e-12
    )
    # torch -> ours: a fresh torch model (its own initialisation), loaded into a fresh copy
    other = theirs().double()
    if name == "mlp+batchnorm":
        other.train()
        with torch.no_grad():
            other(torch.from_numpy(x))
    fresh = ours()
    fresh.load_state_dict(twins.state_of(other))
    np.testing.assert_allclose(_ours_out(fresh, x), _torch_out(other, x), rtol=1e-10, atol=1e-12)


def test_float32_weights_from_torch_load_into_float32_models() -> None:
    model = Transformer(27, 16, n_layer=1, seed=0)  # float32 by default, as torch
    other = twins.Transformer(27, 16, n_layer=1)
    model.load_state_dict(twins.state_of(other))
    x = rng.integers(0, 27, (2, 16))
    np.testing.assert_allclose(_ours_out(model, x), _torch_out(other, x), rtol=2e-4, atol=2e-5)


def test_one_training_step_matches_torch() -> None:
    """The same MLP with BatchNorm, the same batch and SGD: the same loss and new weights."""
    model = mlp_model(27, batchnorm=True, kaiming=True, seed=0)
    other = twins.load_from(twins.mlp_model(27, batchnorm=True).double(), model.state_dict())
    x, y = rng.integers(0, 27, (32, 3)), rng.integers(0, 27, 32)
    loss = ag.nn.cross_entropy(model(x), y)
    loss.backward()
    ag.optim.SGD(model.parameters(), lr=0.1).step()
    t_loss = torch.nn.functional.cross_entropy(other(torch.from_numpy(x)), torch.from_numpy(y))
    t_loss.backward()
    torch.optim.SGD(other.parameters(), lr=0.1).step()
    assert loss.item() == pytest.approx(t_loss.item(), rel=1e-12)
    for key, value in twins.state_of(other).items():
        np.testing.assert_allclose(model.state_dict()[key], value, rtol=1e-10, err_msg=key)
