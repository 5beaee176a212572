"""`Diagnostics`: the health of each layer while a network trains, and its verdicts.

The demonstration of makemore part 3: a 6-layer sigmoid MLP with PyTorch's default
initialisation stalls (its first layers barely move, because the gradient vanishes on
the way back), while the same net with ReLU and Kaiming initialisation, or with
BatchNorm, trains. Small runs on two moons, fixed seeds.
"""

from __future__ import annotations

import itertools
import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite.cli import main
from autograd_lite.train import Diagnostics, default_config, fit, run

X, Y = ag.data.make_moons(300, noise=0.1, seed=0)
DEEP = (32, 32, 32, 32, 32)  # five hidden layers: six Linear layers in all


def _run(activation: str, init: str = "default", batchnorm: bool = False) -> Any:
    config = default_config(
        "moons",
        hidden=DEEP,
        activation=activation,
        init=init,
        batchnorm=batchnorm,
        optimizer="sgd",
        lr=0.1,
        epochs=12,
        n_samples=300,
    )
    return run(config, progress=False, watch=True)


def _kinds(verdicts: list[str]) -> dict[str, set[str]]:
    """Verdict kind -> the layers it names (`{"barely updating": {"0.weight"}}`)."""
    found: dict[str, set[str]] = {}
    for verdict in verdicts:
        match = re.match(
            r"(.+?) (is barely updating|is saturated|has dead units|is thrash)", verdict
        )
        assert match, verdict
        kind = match.group(2).removeprefix("is ").removeprefix("has ")
        found.setdefault(kind, set()).add(match.group(1))
    return found


def test_a_deep_sigmoid_net_with_default_init_stalls_and_says_why() -> None:
    result = _run("sigmoid")
    watch = result.diagnostics
    assert min(result.history.loss) > 0.69  # stuck at log 2 = 0.693: it learns nothing
    assert result.test_accuracy < 0.6
    kinds = _kinds(watch.verdicts())
    assert {"0.weight", "2.weight"} <= kinds["barely updating"]
    # The gradient shrinks layer by layer on its way back to the input.
    grads = [a.grad_std[-1] for a in watch.activations]
    assert all(earlier < later / 3 for earlier, later in itertools.pairwise(grads))
    assert watch.weights[0].ratio[-1] < -5.0


def test_the_same_net_with_relu_and_kaiming_init_trains() -> None:
    result = _run("relu", init="kaiming")
    assert max(result.history.loss[-3:]) < 0.3
    assert result.test_accuracy > 0.9
    kinds = _kinds(result.diagnostics.verdicts())
    assert "barely updating" not in kinds
    assert "saturated" not in kinds


def test_the_same_sigmoid_net_with_batchnorm_trains() -> None:
    result = _run("sigmoid", batchnorm=True)
    assert max(result.history.loss[-3:]) < 0.35
    assert result.test_accuracy > 0.8
    kinds = _kinds(result.diagnostics.verdicts())
    assert "barely updating" not in kinds
    assert all(r > -4 for w in result.diagnostics.weights for r in w.ratio[1:])


def test_saturated_tanh_and_dead_relu_are_named() -> None:
    saturated = ag.nn.MLP(2, [64, 64], 2, activation="tanh", seed=0)
    for layer in saturated:
        if isinstance(layer, ag.nn.Linear):
            layer.weight.data *= 8.0  # far too large: tanh lives at +-1
    watch = Diagnostics(saturated, every=5)
    fit(saturated, ag.nn.cross_entropy, ag.optim.SGD(saturated.parameters(), lr=0.01), X, Y, 2,
        watch=watch)  # fmt: skip
    assert "saturated" in _kinds(watch.verdicts())
    assert watch.activations[1].saturated[-1] > 0.5
    dead = ag.nn.MLP(2, [64, 64], 2, seed=0)
    dead[2].bias.data[:48] = -50.0  # 48 of 64 units never fire
    watch = Diagnostics(dead, every=5)
    fit(dead, ag.nn.cross_entropy, ag.optim.SGD(dead.parameters(), lr=0.01), X, Y, 2, watch=watch)
    assert _kinds(watch.verdicts())["dead units"] == {"3 ReLU"}
    assert watch.activations[1].dead_fraction() >= 0.75


def test_records_follow_the_every_setting_and_hooks_are_removed() -> None:
    model = ag.nn.MLP(2, [8], 2, activation="tanh", seed=0)
    watch = Diagnostics(model, every=4)
    fit(model, ag.nn.cross_entropy, ag.optim.SGD(model.parameters(), lr=0.1), X[:64], Y[:64],
        epochs=1, batch_size=8, watch=watch)  # fmt: skip
    assert watch.activations[0].steps == [1, 4, 8]
    assert watch.weights[0].steps == [1, 4, 8]
    assert all(math.isfinite(r) for r in watch.weights[0].ratio)
    watch.close()
    assert not model[1]._forward_hooks
    with pytest.raises(ValueError, match="every must be an int >= 1"):
        Diagnostics(model, every=0)


def test_the_update_ratio_is_lr_times_grad_over_data_for_sgd() -> None:
    model = ag.nn.MLP(2, [4], 2, seed=0)
    watch = Diagnostics(model, every=1)
    opt = ag.optim.SGD(model.parameters(), lr=0.05)
    before = model[0].weight.data.copy()
    fit(model, ag.nn.cross_entropy, opt, X[:16], Y[:16], epochs=1, batch_size=16, watch=watch)
    grad = (before - model[0].weight.data) / 0.05
    want = math.log10(np.linalg.norm(0.05 * grad) / np.linalg.norm(before))
    assert watch.weights[0].ratio[0] == pytest.approx(want, rel=1e-9)
    assert watch.weights[0].grad_norm[0] == pytest.approx(np.linalg.norm(grad), rel=1e-6)


def test_the_pictures_are_drawn(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    watch = _run("sigmoid").diagnostics
    path = str(tmp_path / "health.png")
    assert watch.plot(path) == path
    assert Path(path).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(ValueError, match="nothing recorded yet"):
        Diagnostics(ag.nn.MLP(2, [4], 2)).plot(str(tmp_path / "empty.png"))


def test_the_pictures_name_the_plot_extra_without_matplotlib(monkeypatch: Any) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "matplotlib", None)
    watch = _run("sigmoid").diagnostics
    with pytest.raises(ImportError, match=r'pip install "autograd_lite\[plot\]"'):
        watch.plot("never.png")


def test_train_diagnose_prints_the_table_and_the_verdict(capsys: Any, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    path = tmp_path / "health.png"
    code = main(
        ["train", "--dataset", "moons", "--samples", "300", "--hidden", "32,32,32,32,32",
         "--activation", "sigmoid", "--optimizer", "sgd", "--lr", "0.1", "--epochs", "12",
         "--diagnose", str(path)]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    assert "layer            mean     std  saturated/dead  grad std" in out
    assert "verdict:" in out
    assert "0.weight is barely updating" in out
    assert f"wrote the diagnosis pictures to {path}" in out
    assert path.exists()
    assert re.search(r"test accuracy \d+\.\d%", out.strip().splitlines()[-1])
