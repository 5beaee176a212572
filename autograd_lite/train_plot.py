"""Pictures of a finished training run: the fitted model beside its loss curve.

`plot_result(result, path)` draws what `autograd-lite train --plot` and the demo write:
the decision regions of a 2-D classifier, the fitted line of a regression, or the
confusion matrix of the digits, next to the mean training loss per epoch. matplotlib is
imported only when a picture is drawn, on its file-only Agg backend (no window, no
display needed); without it, an ImportError names the extra to install.

Example:
    >>> from autograd_lite.train import fit_moons
    >>> from autograd_lite.train_plot import plot_result
    >>> plot_result(fit_moons(epochs=5), "moons.png")  # doctest: +SKIP
    'moons.png'
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from .atomic import atomic_write
from .grad_mode import no_grad
from .train import LINE_A, LINE_B, TrainResult, percent


def pyplot() -> Any:
    """matplotlib's pyplot on the file-only Agg backend, or an ImportError naming the extra."""
    try:
        import matplotlib
    except ImportError:
        raise ImportError(
            'plotting needs matplotlib, which is not installed: pip install "autograd_lite[plot]"'
        ) from None
    matplotlib.use("Agg")  # write files; never open a window or need a display
    import matplotlib.pyplot as plt

    return plt


def formats() -> list[str]:
    """The file extensions `plot_result` can write (`png`, `svg`, `pdf`, ...)."""
    pyplot()
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    return sorted(FigureCanvasAgg.get_supported_filetypes())


def output_path(path: str) -> str:
    """The file `plot_result(result, path)` writes: `.png` is added to a name without one.

    matplotlib adds its default format's extension to such a name; saying so up front
    lets `autograd-lite train --plot` check and report the file really written.

    Example:
        >>> output_path("train/p2"), output_path("moons.svg")
        ('train/p2.png', 'moons.svg')
    """
    return path if not path.strip() or os.path.splitext(path)[1] else f"{path}.png"


def plot_result(result: TrainResult, path: str) -> str:
    """Draw the fitted model and the loss curve side by side, and save them to `path`.

    Left: for 2-D classification, the decision regions with the training (dots) and test
    (crosses) points; for `line`, the points and the fitted line; for `digits`, the test
    set's confusion matrix. Right: the mean training loss per epoch (log scale).

    Args:
        result: a finished run (`run` or `fit_moons`).
        path: the image file; its extension picks the format (`.png`, `.svg`, `.pdf`).

    Returns:
        The path written: `output_path(path)`. The file is written atomically, as
        `ag.save` writes: an interrupted write leaves the previous picture in place.

    Raises:
        ImportError: matplotlib is not installed (the message names the `plot` extra).
    """
    plt = pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.5))
    try:
        title = f"{result.config.dataset}: "
        if not result.n_classes:
            _draw_line(left, result)
            title += f"R^2 test {result.test_r2:.3f}"
        elif result.X_train.shape[1] == 2:
            _draw_regions(left, result)
            title += f"test accuracy {percent(result.test_accuracy)}"
        else:
            _draw_confusion(left, result)
            title += f"test accuracy {percent(result.test_accuracy)}"
        left.set_title(title)
        epochs = np.arange(1, len(result.history.loss) + 1)
        right.plot(epochs, result.history.loss, color="tab:blue")
        right.set_yscale("log")
        right.set_xlabel("epoch")
        right.set_ylabel("mean training loss")
        right.set_title("loss curve")
        right.grid(alpha=0.3)
        fig.tight_layout()
        return save_figure(fig, path, dpi=110)
    finally:
        plt.close(fig)


def save_figure(fig: Any, path: str, dpi: int = 110) -> str:
    """Save a matplotlib figure to `path` atomically, as `ag.save` writes; return the path.

    The format comes from the extension; a name without one gets `.png` (see
    `output_path`). An interrupted write (a full disk, Ctrl-C) leaves the previous
    picture in place, never a truncated one.

    Args:
        fig: the figure.
        path: the image file (`.png`, `.svg`, `.pdf`, ...).
        dpi: dots per inch of a raster format.

    Returns:
        The path written: `output_path(path)`.
    """
    path = output_path(path)
    with atomic_write(path, "plot") as file:
        fig.savefig(file, format=os.path.splitext(path)[1][1:].lower(), dpi=dpi)
    return path


def _draw_regions(ax: Any, result: TrainResult) -> None:
    X = np.concatenate([result.X_train, result.X_test])
    low, high = X.min(axis=0) - 0.5, X.max(axis=0) + 0.5
    xs, ys = np.linspace(low[0], high[0], 250), np.linspace(low[1], high[1], 250)
    grid_x, grid_y = np.meshgrid(xs, ys)
    with no_grad():
        logits = result.model(np.column_stack([grid_x.ravel(), grid_y.ravel()])).data
    regions = logits.argmax(axis=1).reshape(grid_x.shape)
    from matplotlib.colors import ListedColormap

    k = result.n_classes
    colors = ListedColormap(["tab:blue", "tab:red", "tab:green", "tab:orange", "tab:purple"][:k])
    levels = np.arange(k + 1) - 0.5
    ax.contourf(grid_x, grid_y, regions, levels=levels, cmap=colors, alpha=0.25)
    for X_part, y_part, size, marker in (
        (result.X_train, result.y_train, 10, "o"),
        (result.X_test, result.y_test, 24, "x"),
    ):
        ax.scatter(
            *X_part.T, c=y_part, cmap=colors, vmin=-0.5, vmax=k - 0.5, s=size, marker=marker
        )
    ax.scatter([], [], c="gray", s=10, marker="o", label="train")
    ax.scatter([], [], c="gray", s=24, marker="x", label="test")
    ax.legend(loc="upper right")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")


def _draw_line(ax: Any, result: TrainResult) -> None:
    ax.scatter(result.X_train[:, 0], result.y_train[:, 0], s=10, label="train")
    ax.scatter(result.X_test[:, 0], result.y_test[:, 0], s=24, marker="x", label="test")
    xs = np.linspace(result.X_train.min(), result.X_train.max(), 100).reshape(-1, 1)
    with no_grad():
        fitted = result.model(xs).data[:, 0]
    label = "model"
    if result.slope is not None:
        label = f"fit: y = {result.slope:.3f} x + {result.intercept:.3f}"
    ax.plot(xs[:, 0], fitted, color="black", label=label)
    ax.plot(
        xs[:, 0],
        LINE_A * xs[:, 0] + LINE_B,
        "--",
        color="gray",
        label=f"true: y = {LINE_A:g} x + {LINE_B:g}",
    )
    ax.legend()
    ax.set_xlabel("x")
    ax.set_ylabel("y")


def _draw_confusion(ax: Any, result: TrainResult) -> None:
    with no_grad():
        predicted = result.model(result.X_test).data.argmax(axis=1)
    k = result.n_classes
    counts = np.zeros((k, k), dtype=int)
    np.add.at(counts, (result.y_test, predicted), 1)
    ax.imshow(counts, cmap="Blues")
    for (i, j), count in np.ndenumerate(counts):
        if count:
            ax.text(
                j,
                i,
                str(count),
                ha="center",
                va="center",
                fontsize=7,
                color="white" if count > counts.max() / 2 else "black",
            )
    ax.set_xticks(range(k))
    ax.set_yticks(range(k))
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
