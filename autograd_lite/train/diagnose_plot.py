r"""Pictures of `Diagnostics`: the health of each layer, as makemore part 3 draws it.

Four panels, one line per layer (darker = deeper):

* activations: histograms of the recent outputs of each activation layer, with the last
  record's mean, spread and saturated (or dead) fraction in the legend;
* gradients of those outputs: histograms of $\log_{10}|g|$; when they slide left toward
  the first layers, the gradient vanishes on its way back;
* weight gradients: histograms of $\log_{10}|g|$ of each weight's gradient;
* updates: $\log_{10}(\|\Delta W\| / \|W\|)$ of each weight over the steps, with the
  healthy level $-3$ dashed.

matplotlib is imported only here, on its file-only backend; without it the ImportError
names the extra to install (`pip install "autograd_lite[plot]"`).

Example:
    >>> from autograd_lite.train import Diagnostics
    >>> watch.plot("health.png")  # doctest: +SKIP
    'health.png'
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..train_plot import pyplot, save_figure
from .diagnose import Diagnostics


def _colors(plt: Any, n: int) -> list[Any]:
    cmap = plt.get_cmap("viridis")
    return [cmap(0.15 + 0.7 * i / max(n - 1, 1)) for i in range(n)]


def _histogram(ax: Any, samples: np.ndarray, color: Any, label: str) -> None:
    finite = samples[np.isfinite(samples)]
    if finite.size == 0:
        return
    counts, edges = np.histogram(finite, bins=40)
    centers = (edges[:-1] + edges[1:]) / 2
    ax.plot(centers, counts / max(counts.sum(), 1), color=color, label=label, linewidth=1.4)


def _magnitudes(samples: np.ndarray) -> np.ndarray:
    """log10 |g| of the nonzero samples: layers whose gradients differ by orders of
    magnitude sit side by side instead of all in one spike at 0."""
    nonzero = samples[samples != 0]
    return np.log10(np.abs(nonzero))


def plot_diagnostics(watch: Diagnostics, path: str, dpi: int = 110) -> str:
    """Draw `watch`'s records (see the module docstring) and save them to `path`.

    Args:
        watch: a `Diagnostics` after training.
        path: the image file; its extension picks the format (`.png`, `.svg`, `.pdf`).
        dpi: dots per inch of a `.png` (the figure is 13 x 8.5 inches).

    Returns:
        The path written (`.png` is added to a name without an extension).

    Raises:
        ImportError: matplotlib is not installed (naming the `plot` extra).
        ValueError: nothing was recorded yet.
    """
    if not any(a.steps for a in watch.activations) and not any(w.ratio for w in watch.weights):
        raise ValueError("plot_diagnostics: nothing recorded yet; train with watch=... first")
    plt = pyplot()
    fig, axes = plt.subplots(2, 2, figsize=(13, 8.5))
    (ax_act, ax_grad), (ax_wgrad, ax_ratio) = axes
    recorded = [a for a in watch.activations if a.steps]
    for a, color in zip(recorded, _colors(plt, len(recorded))):
        what = "dead" if a.kind in ("relu", "gelu") else "saturated"
        label = (
            f"{a.name}: mean {a.mean[-1]:+.2f}, std {a.std[-1]:.2f}, {what} {a.saturated[-1]:.0%}"
        )
        _histogram(ax_act, a.values, color, label)
        _histogram(ax_grad, _magnitudes(a.grads), color, f"{a.name}: std {a.grad_std[-1]:.2e}")
    ax_act.set_title("activations (recent steps)")
    ax_grad.set_title("gradients of the activations: log10 |g|")
    weights = [w for w in watch.weights if w.ratio]
    for w, color in zip(weights, _colors(plt, len(weights))):
        _histogram(ax_wgrad, _magnitudes(w.grads), color, f"{w.name}: norm {w.grad_norm[-1]:.2e}")
        ratios = np.array(w.ratio, dtype=np.float64)
        ratios[~np.isfinite(ratios)] = np.nan
        ax_ratio.plot(w.steps, ratios, color=color, label=w.name, linewidth=1.4)
    ax_wgrad.set_title("weight gradients: log10 |g|")
    ax_ratio.axhline(-3.0, color="black", linestyle="--", linewidth=1, label="healthy: -3")
    ax_ratio.set_title("updates: log10(|update| / |weight|)")
    ax_ratio.set_xlabel("step")
    for ax in (ax_act, ax_grad, ax_wgrad, ax_ratio):
        ax.legend(fontsize=7, loc="best")
        ax.grid(alpha=0.3)
    verdicts = watch.verdicts()
    fig.suptitle(
        "; ".join(v.split(":")[0] for v in verdicts) if verdicts else "every layer looks healthy",
        fontsize=11,
    )
    fig.tight_layout()
    try:
        return save_figure(fig, path, dpi)  # atomically, as ag.save writes
    finally:
        plt.close(fig)


__all__ = ["plot_diagnostics"]
