r"""The training loop: the plain mini-batch loop every framework teaches, written once.

    for each epoch:                       # a fresh shuffle of the training rows
        for each batch (X_b, y_b):
            loss = loss_fn(model(X_b), y_b)
            optimizer.zero_grad(); loss.backward(); optimizer.step()

with a progress bar (tqdm, when it is installed and the output is a terminal) or plain
lines, and a stop with a clear message if the loss stops being a finite number.

Example:
    >>> import autograd_lite as ag
    >>> from autograd_lite.train import fit
    >>> X, y = ag.data.make_moons(200, seed=0)
    >>> model = ag.nn.MLP(2, [16], 2, seed=0)
    >>> opt = ag.optim.Adam(model.parameters(), lr=0.01)
    >>> history = fit(model, ag.nn.cross_entropy, opt, X, y, epochs=3)
    >>> len(history.loss)
    3
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TextIO

import numpy as np

from .. import data, optim
from ..nn import Module
from ..tensor import Tensor


class TrainingDivergedError(FloatingPointError):
    """The loss became nan or infinite; training stopped before applying that step.

    Attributes:
        epoch: the epoch (from 1) in which it happened.
        batch: the batch (from 1) within that epoch.
        loss: the non-finite loss.
    """

    def __init__(self, epoch: int, batch: int, n_batches: int, loss: float, lr: float) -> None:
        self.epoch, self.batch, self.loss, self.lr = epoch, batch, loss, lr
        super().__init__(
            f"the loss became {loss} at epoch {epoch} (batch {batch} of {n_batches}), so "
            f"training stopped; the learning rate {lr:g} is probably too large: try a smaller "
            f"one, such as {lr / 10:g}"
        )


@dataclass
class History:
    """What `fit` records: the mean training loss of each epoch, and the time taken."""

    loss: list[float] = field(default_factory=list)
    seconds: float = 0.0


def fit(
    model: Module,
    loss_fn: Callable[[Any, Any], Tensor],
    optimizer: optim.Optimizer,
    X: np.ndarray,
    y: np.ndarray,
    epochs: int,
    batch_size: int = 32,
    seed: int | None = 0,
    progress: bool = False,
    file: TextIO | None = None,
    log_every: int | None = None,
    metric: Callable[[], str] | None = None,
) -> History:
    """Train `model` on `(X, y)` with mini-batches; return the loss of each epoch.

    Args:
        model: a batched model (Tensor in, Tensor out), e.g. `ag.nn.MLP`.
        loss_fn: `loss_fn(model(X_batch), y_batch)`, a one-element Tensor.
        optimizer: built on `model.parameters()`.
        X, y: the training rows and their targets.
        epochs: passes over the data, >= 1.
        batch_size: rows per step; the rows are reshuffled every epoch.
        seed: seed of the shuffling.
        progress: report progress: a tqdm bar when tqdm is installed and `file` is a
            terminal, else a plain line every `log_every` epochs. False prints nothing.
        file: where progress goes (default: `sys.stdout` at call time).
        log_every: epochs between plain lines (default: about 20 lines in all; the first
            and last epochs always get one).
        metric: called at each reported epoch for extra text, e.g. `"train acc 97.1%"`.

    Raises:
        TrainingDivergedError: the loss became nan or infinite (the step is not applied).
    """
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"fit: epochs must be an int >= 1, got {epochs!r}")
    out = sys.stdout if file is None else file
    loader = data.DataLoader(X, y, batch_size=batch_size, shuffle=True, seed=seed)
    every = log_every or max(1, epochs // 20)
    bar = _progress_bar(epochs, out) if progress else None
    history = History()
    start = time.perf_counter()
    model.train()
    try:
        for epoch in range(1, epochs + 1):
            history.loss.append(_epoch(model, loss_fn, optimizer, loader, epoch))
            report = epoch == 1 or epoch % every == 0 or epoch == epochs
            text = f"loss {history.loss[-1]:.4g}"
            if progress and report and metric is not None:
                model.eval()
                text += f"  {metric()}"
                model.train()
            if bar is not None:
                if report:
                    bar.set_postfix_str(text, refresh=False)
                bar.update(1)
            elif progress and report:
                seconds = time.perf_counter() - start
                width = len(str(epochs))
                print(f"epoch {epoch:>{width}}/{epochs}  {text}  ({seconds:.1f} s)", file=out)
    finally:
        if bar is not None:
            bar.close()
        model.eval()
        history.seconds = time.perf_counter() - start
    return history


def _epoch(
    model: Module,
    loss_fn: Callable[[Any, Any], Tensor],
    optimizer: optim.Optimizer,
    loader: data.DataLoader,
    epoch: int,
) -> float:
    """One pass over the loader; return the mean loss per row."""
    total, rows = 0.0, 0
    # Overflow shows up as a non-finite loss, reported with the epoch and a fix, so
    # NumPy's own warnings would only repeat it, less clearly.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for batch, (xb, yb) in enumerate(loader, 1):
            loss = loss_fn(model(xb), yb)
            value = loss.item()
            if not math.isfinite(value):
                raise TrainingDivergedError(epoch, batch, len(loader), value, optimizer.lr)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += value * len(yb)
            rows += len(yb)
    return total / rows


def _progress_bar(epochs: int, file: TextIO) -> Any:
    """A tqdm bar over the epochs, or None for plain lines (no tqdm, or not a terminal)."""
    isatty = getattr(file, "isatty", None)
    if not (callable(isatty) and isatty()):
        return None
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm(total=epochs, unit="epoch", file=file, dynamic_ncols=True, leave=True)
