r"""Seeing a network's health while it trains: activations, gradients and update sizes per layer.

Why a deep network trains badly usually shows in three numbers per layer (Karpathy,
makemore part 3):

* **Activations**: their mean and spread, and the fraction *saturated*, where tanh is
  beyond $\pm 0.97$ or the sigmoid below 0.03 or above 0.97: there the derivative is
  nearly 0, so almost no gradient passes. For ReLU, the fraction of units that are *dead*:
  0 for every sample of the batch, so they pass no gradient at all.
* **Gradients** reaching each layer's output: if they shrink layer after layer toward the
  input, the first layers learn nothing (vanishing gradients).
* The **update-to-data ratio** of each weight, $\log_{10}(\|\Delta W\| / \|W\|)$, the
  size of one optimizer step relative to the weights (for SGD,
  $\|\eta\,\nabla W\| / \|W\|$). About $-3$ is healthy; far below, the layer barely moves;
  far above, it thrashes.

`Diagnostics` records these every `every` steps through forward hooks (nothing is changed
in the model); `verdicts()` turns them into sentences, and `plot()` draws them.

Example:
    >>> import autograd_lite as ag
    >>> from autograd_lite.train import Diagnostics, fit
    >>> X, y = ag.data.make_moons(200, seed=0)
    >>> model = ag.nn.MLP(2, [16, 16], 2, activation="tanh", seed=0)
    >>> watch = Diagnostics(model, every=5)
    >>> opt = ag.optim.SGD(model.parameters(), lr=0.1)
    >>> _ = fit(model, ag.nn.cross_entropy, opt, X, y, epochs=2, watch=watch)
    >>> [layer.name for layer in watch.activations]
    ['1 Tanh', '3 Tanh']
    >>> watch.verdicts()
    []
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..nn import GELU, Conv2d, Embedding, Linear, Module, ReLU, Sigmoid, Tanh
from ..tensor import Tensor

SATURATED = 0.97
"""|tanh| above this (sigmoid below 1 - this or above this) counts as saturated."""

THRESHOLDS = {"saturated": 0.2, "dead": 0.25, "barely updating": -4.0, "thrashing": -1.0}
"""When a verdict is given: saturated or dead fraction above, ratio (log10) below/above."""

HISTOGRAM_SAMPLES = 2000
"""Values kept per layer per record for the histograms (a random sample of them)."""

HISTOGRAM_RECORDS = 5
"""The histograms pool the samples of this many most recent records."""


@dataclass
class ActivationRecord:
    """What one activation layer's output looked like, step by step.

    Attributes:
        name: the layer's position and class, e.g. `"3 Tanh"`.
        kind: `"tanh"`, `"sigmoid"`, `"relu"` or `"gelu"`.
        steps: the steps recorded.
        mean: of the output, per step.
        std: of the output, per step.
        saturated: fraction saturated (tanh, sigmoid), or of units dead on that batch
            (relu, gelu), per step.
        grad_mean: of the gradient reaching the output, per step.
        grad_std: of the gradient reaching the output, per step.
        values: samples of the recent outputs (histograms).
        grads: samples of the recent outputs' gradients (histograms).
        alive: per step (relu, gelu), which units were positive for some sample.
    """

    name: str
    kind: str
    steps: list[int] = field(default_factory=list)
    mean: list[float] = field(default_factory=list)
    std: list[float] = field(default_factory=list)
    saturated: list[float] = field(default_factory=list)
    grad_mean: list[float] = field(default_factory=list)
    grad_std: list[float] = field(default_factory=list)
    values: np.ndarray = field(default_factory=lambda: np.zeros(0))
    grads: np.ndarray = field(default_factory=lambda: np.zeros(0))
    alive: list[np.ndarray] = field(default_factory=list)

    def dead_fraction(self, last: int = 5) -> float:
        """Fraction of units never positive over the last `last` records' batches together."""
        if not self.alive:
            return 0.0
        seen = np.logical_or.reduce(self.alive[-last:])
        return float(1.0 - seen.mean())


@dataclass
class WeightRecord:
    """One weight matrix's gradient and update sizes, step by step.

    Attributes:
        name: the parameter's name in `named_parameters()`, e.g. `"0.weight"`.
        steps: the steps recorded.
        grad_norm: $\\|\\nabla W\\|$ per step.
        ratio: $\\log_{10}(\\|\\Delta W\\| / \\|W\\|)$ per step.
        grads: a sample of the recent gradients (histograms).
    """

    name: str
    steps: list[int] = field(default_factory=list)
    grad_norm: list[float] = field(default_factory=list)
    ratio: list[float] = field(default_factory=list)
    grads: np.ndarray = field(default_factory=lambda: np.zeros(0))


KINDS: dict[type[Module], str] = {Tanh: "tanh", Sigmoid: "sigmoid", ReLU: "relu", GELU: "gelu"}


def _sample(values: np.ndarray, rng: np.random.Generator, pool: np.ndarray) -> np.ndarray:
    """A random sample of `values`, appended to `pool` (the recent records' samples)."""
    flat = values.reshape(-1)
    if flat.size > HISTOGRAM_SAMPLES:
        flat = flat[rng.choice(flat.size, HISTOGRAM_SAMPLES, replace=False)]
    kept = np.concatenate([pool, np.asarray(flat, dtype=np.float64)])
    return kept[-HISTOGRAM_SAMPLES * HISTOGRAM_RECORDS :]


def _alive(out: np.ndarray) -> np.ndarray:
    """Per unit (a feature, or a channel of an image), whether it is positive anywhere."""
    units = out.reshape(out.shape[0], out.shape[1], -1) if out.ndim > 2 else out
    alive = np.asarray((units > 0).any(axis=0))
    return np.asarray(alive.any(axis=-1)) if alive.ndim > 1 else alive


def _saturation(kind: str, out: np.ndarray) -> float:
    """Saturated fraction (tanh, sigmoid), or fraction of units dead on this batch (relu)."""
    if kind == "tanh":
        return float(np.mean(np.abs(out) > SATURATED))
    if kind == "sigmoid":
        return float(np.mean((out < 1.0 - SATURATED) | (out > SATURATED)))
    return float(1.0 - _alive(out).mean())


class Diagnostics:
    """Records activation, gradient and update statistics of a model while it trains.

    Pass it to `ag.train.fit` (or `fit_steps`) as `watch=`; every `every` steps it reads
    the output and output gradient of each activation layer (`Tanh`, `Sigmoid`, `ReLU`,
    `GELU`) and the gradient and update of each weight of a `Linear`, `Conv2d` or
    `Embedding` layer. Between records it costs nothing.

    Args:
        model: the model to watch (its layers found with `named_modules()`).
        every: steps between records.
        seed: seed of the sampling for histograms.

    Attributes:
        activations: an `ActivationRecord` per activation layer, in order.
        weights: a `WeightRecord` per weight, in order.
    """

    def __init__(self, model: Module, every: int = 10, seed: int = 0) -> None:
        if isinstance(every, bool) or not isinstance(every, int) or every < 1:
            raise ValueError(f"Diagnostics: every must be an int >= 1, got {every!r}")
        self.model = model
        self.every = every
        self.activations: list[ActivationRecord] = []
        self.weights: list[WeightRecord] = []
        self._rng = np.random.default_rng(seed)
        self._recording = False
        self._step = 0
        self._outputs: dict[int, Tensor] = {}
        self._before: list[np.ndarray] = []
        self._params: list[Tensor] = []
        self._handles: list[Any] = []
        for name, module in model.named_modules():
            kind = KINDS.get(type(module))
            if kind is not None:
                index = len(self.activations)
                label = f"{name} {type(module).__name__}".strip()
                self.activations.append(ActivationRecord(label, kind))
                self._handles.append(module.register_forward_hook(self._hook(index)))
            elif isinstance(module, (Linear, Conv2d, Embedding)):
                prefix = f"{name}." if name else ""
                self.weights.append(WeightRecord(f"{prefix}weight"))
                self._params.append(module.weight)

    def _hook(self, index: int) -> Any:
        def keep(module: Module, args: Any, out: Any) -> None:
            if self._recording and isinstance(out, Tensor):
                if out.requires_grad:
                    out.retain_grad()
                self._outputs[index] = out

        return keep

    # ------------------------------------------------------------ called by the loop
    def start_step(self, step: int) -> None:
        """Before the forward pass of `step` (from 1): decide whether to record it."""
        self._step = step
        self._recording = step == 1 or step % self.every == 0
        self._outputs.clear()

    def before_update(self) -> None:
        """After backward, before `optimizer.step()`: read activations and gradients."""
        if not self._recording:
            return
        step = self._step
        for index, record in enumerate(self.activations):
            out = self._outputs.get(index)
            if out is None:
                continue
            data = out.data
            record.steps.append(step)
            record.mean.append(float(data.mean()))
            record.std.append(float(data.std()))
            record.saturated.append(_saturation(record.kind, data))
            if record.kind in ("relu", "gelu") and data.ndim >= 2:
                record.alive.append(_alive(data))
            record.values = _sample(data, self._rng, record.values)
            grad = out.grad
            if grad is None:
                record.grad_mean.append(math.nan)
                record.grad_std.append(math.nan)
            else:
                record.grad_mean.append(float(grad.mean()))
                record.grad_std.append(float(grad.std()))
                record.grads = _sample(grad, self._rng, record.grads)
        self._before = [p.data.copy() for p in self._params]
        for param, weight in zip(self._params, self.weights):
            grad = param.grad
            norm = math.nan if grad is None else float(np.linalg.norm(grad))
            weight.grad_norm.append(norm)
            if grad is not None:
                weight.grads = _sample(np.asarray(grad), self._rng, weight.grads)

    def after_update(self) -> None:
        """After `optimizer.step()`: the update-to-data ratio of each weight."""
        if not self._recording:
            return
        self._outputs.clear()  # let the graph go
        for param, before, record in zip(self._params, self._before, self.weights):
            change = float(np.linalg.norm(param.data - before))
            size = float(np.linalg.norm(before))
            ratio = math.log10(change / size) if change > 0 and size > 0 else -math.inf
            record.steps.append(self._step)
            record.ratio.append(ratio)
        self._before = []
        self._recording = False

    def close(self) -> None:
        """Stop watching: remove the hooks from the model's layers."""
        for handle in self._handles:
            handle.remove()
        self._handles = []

    # ------------------------------------------------------------ reading the records
    def summary(self) -> str:
        """A table of the last record of each layer, one line each."""
        lines = ["layer            mean     std  saturated/dead  grad std"]
        for a in self.activations:
            if not a.steps:
                continue
            what = "dead" if a.kind in ("relu", "gelu") else "sat."
            lines.append(
                f"{a.name:<14} {a.mean[-1]:>7.3f} {a.std[-1]:>7.3f}  {a.saturated[-1]:>9.1%} "
                f"{what}  {a.grad_std[-1]:>9.2e}"
            )
        lines.append("weight             grad norm  log10(update/data)")
        for weight in self.weights:
            if weight.ratio:
                lines.append(
                    f"{weight.name:<17} {weight.grad_norm[-1]:>9.2e}  {weight.ratio[-1]:>8.2f}"
                )
        return "\n".join(lines)

    def verdicts(self, last: int = 5) -> list[str]:
        """Sentences about unhealthy layers, judged on the mean of the last `last` records.

        A layer is called *saturated* when more than 20% of its tanh or sigmoid outputs
        are saturated; *dead* when more than 25% of its ReLU units fired on none of the
        last `last` recorded batches;
        a weight is *barely updating* when its update-to-data ratio is below $10^{-4}$ and
        *thrashing* when above $10^{-1}$. An empty list means nothing looked wrong.
        """
        found = []
        for a in self.activations:
            if not a.saturated:
                continue
            level = float(np.mean(a.saturated[-last:]))
            if a.kind in ("relu", "gelu"):
                level = a.dead_fraction(last)
            if a.kind in ("tanh", "sigmoid") and level > THRESHOLDS["saturated"]:
                found.append(
                    f"{a.name} is saturated: {level:.0%} of its outputs sit where the "
                    f"{a.kind}'s slope is nearly 0, so little gradient flows back; use "
                    "Kaiming initialisation, smaller inputs or BatchNorm before it"
                )
            elif a.kind in ("relu", "gelu") and level > THRESHOLDS["dead"]:
                found.append(
                    f"{a.name} has dead units: {level:.0%} of them were never positive in the "
                    f"last {min(last, len(a.alive))} recorded batches, so they pass no "
                    "gradient; lower the learning rate or use Kaiming initialisation"
                )
        for w in self.weights:
            if not w.ratio:
                continue
            finite = [r for r in w.ratio[-last:] if math.isfinite(r)]
            level = float(np.mean(finite)) if finite else -math.inf
            if level < THRESHOLDS["barely updating"]:
                found.append(
                    f"{w.name} is barely updating: each step changes it by "
                    f"10^{level:.1f} of its size (about 10^-3 is healthy); its gradient "
                    "vanishes on the way back (see the gradient histograms) or the learning "
                    "rate is too small"
                )
            elif level > THRESHOLDS["thrashing"]:
                found.append(
                    f"{w.name} is thrashing: each step changes it by 10^{level:.1f} of its "
                    "size (about 10^-3 is healthy); lower the learning rate"
                )
        return found

    def plot(self, path: str, dpi: int = 110) -> str:
        """Draw the records to `path` (see `ag.train.diagnose_plot.plot_diagnostics`)."""
        from .diagnose_plot import plot_diagnostics

        return plot_diagnostics(self, path, dpi)


__all__ = [
    "SATURATED",
    "THRESHOLDS",
    "ActivationRecord",
    "Diagnostics",
    "WeightRecord",
]
