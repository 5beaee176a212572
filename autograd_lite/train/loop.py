r"""The training loop: the plain mini-batch loop every framework teaches, written once.

    for each epoch:                       # a fresh shuffle of the training rows
        for each batch (X_b, y_b):
            loss = loss_fn(model(X_b), y_b)
            optimizer.zero_grad(); loss.backward(); optimizer.step()

with a progress bar (tqdm, when it is installed and the output is a terminal) or plain
lines, and a stop with a clear message if the loss stops being a finite number. Both
loops first ask the C library to keep freed memory for reuse (`memory.py`).

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
from ..memory import keep_freed_memory
from ..nn import Module
from ..optim.lr_scheduler import LRScheduler
from ..tensor import Tensor
from .diagnose import Diagnostics


class TrainingDivergedError(FloatingPointError):
    """The loss became nan or infinite; training stopped before applying that step.

    Attributes:
        epoch: the epoch (from 1) in which it happened.
        batch: the batch (from 1) within that epoch.
        loss: the non-finite loss.
    """

    def __init__(
        self,
        epoch: int,
        batch: int,
        n_batches: int,
        loss: float,
        lr: float,
        where: str | None = None,
    ) -> None:
        self.epoch, self.batch, self.loss, self.lr = epoch, batch, loss, lr
        where = where or f"at epoch {epoch} (batch {batch} of {n_batches})"
        super().__init__(
            f"the loss became {loss} {where}, so training stopped; the learning rate {lr:g} "
            f"is probably too large: try a smaller one, such as {lr / 10:g}"
        )


@dataclass
class History:
    """What the loops record: the training loss and the time taken.

    `fit` records the mean loss of each epoch; `fit_steps` the loss of each step.
    """

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
    scheduler: LRScheduler | None = None,
    watch: Diagnostics | None = None,
    drop_last: bool = False,
) -> History:
    """Train `model` on `(X, y)` with mini-batches; return the loss of each epoch.

    Args:
        model: a batched model (Tensor in, Tensor out), e.g. `ag.nn.MLP`.
        loss_fn: `loss_fn(model(X_batch), y_batch)`, a one-element Tensor.
        optimizer: built on `model.parameters()`.
        X: the training rows.
        y: their targets.
        epochs: passes over the data, >= 1.
        batch_size: rows per step; the rows are reshuffled every epoch.
        seed: seed of the shuffling.
        progress: report progress: a tqdm bar when tqdm is installed and `file` is a
            terminal, else a plain line every `log_every` epochs. False prints nothing.
        file: where progress goes (default: `sys.stdout` at call time).
        log_every: epochs between plain lines (default: about 20 lines in all; the first
            and last epochs always get one).
        metric: called at each reported epoch for extra text, e.g. `"train acc 97.1%"`.
        scheduler: a learning-rate schedule (`ag.optim.lr_scheduler`), stepped after
            every epoch.
        watch: a `Diagnostics` to record the layers' health as training goes.
        drop_last: skip each epoch's last, smaller batch (BatchNorm cannot train on a
            batch of one).

    Raises:
        TrainingDivergedError: the loss became nan or infinite (the step is not applied).
    """
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"fit: epochs must be an int >= 1, got {epochs!r}")
    out = sys.stdout if file is None else file
    keep_freed_memory()  # see memory.py: each step's arrays reuse the last step's memory
    loader = data.DataLoader(
        X, y, batch_size=batch_size, shuffle=True, seed=seed, drop_last=drop_last
    )
    every = log_every or max(1, epochs // 20)
    bar = _progress_bar(epochs, out) if progress else None
    history = History()
    start = time.perf_counter()
    model.train()
    try:
        for epoch in range(1, epochs + 1):
            history.loss.append(
                _epoch(model, loss_fn, optimizer, loader, epoch, watch, (epoch - 1) * len(loader))
            )
            if scheduler is not None:
                scheduler.step()
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
    watch: Diagnostics | None = None,
    steps_before: int = 0,
) -> float:
    """One pass over the loader; return the mean loss per row."""
    total, rows = 0.0, 0
    # Overflow shows up as a non-finite loss, reported with the epoch and a fix, so
    # NumPy's own warnings would only repeat it, less clearly.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for batch, (xb, yb) in enumerate(loader, 1):
            if watch is not None:
                watch.start_step(steps_before + batch)
            loss = loss_fn(model(xb), yb)
            value = loss.item()
            if not math.isfinite(value):
                raise TrainingDivergedError(epoch, batch, len(loader), value, optimizer.lr)
            optimizer.zero_grad()
            loss.backward()
            if watch is None:
                optimizer.step()
            else:
                watch.before_update()
                optimizer.step()
                watch.after_update()
            total += value * len(yb)
            rows += len(yb)
    return total / rows


def fit_steps(
    model: Module,
    loss_fn: Callable[[Any, Any], Tensor],
    optimizer: optim.Optimizer,
    X: np.ndarray,
    y: np.ndarray,
    steps: int,
    batch_size: int = 32,
    seed: int | None = 0,
    progress: bool = False,
    file: TextIO | None = None,
    log_every: int | None = None,
    metric: Callable[[], str] | None = None,
    scheduler: LRScheduler | None = None,
    watch: Diagnostics | None = None,
) -> History:
    """Train for a number of steps, each on `batch_size` rows drawn at random (makemore's loop).

    Each step draws its rows uniformly with replacement, `X[ix], y[ix]` with
    `ix = rng.integers(0, len(X), batch_size)`: for a large data set there are no
    epochs to speak of, only steps.

    Args:
        model: the model to train (Tensor in, Tensor out).
        loss_fn: `loss_fn(model(X_batch), y_batch)`, a one-element Tensor.
        optimizer: built on `model.parameters()`.
        X: the training rows.
        y: their targets.
        steps: the number of optimizer steps, >= 1.
        batch_size: rows per step.
        seed: seed of the row draws.
        progress: print a line every `log_every` steps (a tqdm bar on a terminal).
        file: where progress goes (default `sys.stdout`).
        log_every: steps between lines (default: about 20 lines in all).
        metric: called at each reported step for extra text (e.g. the dev loss).
        scheduler: a learning-rate schedule, stepped after every step.
        watch: a `Diagnostics` to record the layers' health.

    Returns:
        `History` with the loss of every step.

    Raises:
        TrainingDivergedError: the loss became nan or infinite (the step is not applied).
    """
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"fit_steps: steps must be an int >= 1, got {steps!r}")
    if len(X) != len(y) or len(X) == 0:
        raise ValueError(f"fit_steps: X has {len(X)} rows and y {len(y)}; pass one target per row")
    out = sys.stdout if file is None else file
    keep_freed_memory()  # see memory.py
    rng = np.random.default_rng(seed)
    every = log_every or max(1, steps // 20)
    bar = _progress_bar(steps, out, unit="step") if progress else None
    history = History()
    start = time.perf_counter()
    model.train()
    try:
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            for step in range(1, steps + 1):
                ix = rng.integers(0, len(X), batch_size)
                if watch is not None:
                    watch.start_step(step)
                loss = loss_fn(model(X[ix]), y[ix])
                value = loss.item()
                if not math.isfinite(value):
                    raise TrainingDivergedError(
                        1, step, steps, value, optimizer.lr, f"at step {step} of {steps}"
                    )
                optimizer.zero_grad()
                loss.backward()
                if watch is None:
                    optimizer.step()
                else:
                    watch.before_update()
                    optimizer.step()
                    watch.after_update()
                if scheduler is not None:
                    scheduler.step()
                history.loss.append(value)
                if progress and (step == 1 or step % every == 0 or step == steps):
                    recent = float(np.mean(history.loss[-every:]))
                    text = f"loss {recent:.4f}"
                    if metric is not None:
                        model.eval()
                        text += f"  {metric()}"
                        model.train()
                    if bar is not None:
                        bar.set_postfix_str(text, refresh=False)
                        bar.update(step - bar.n)
                    else:
                        seconds = time.perf_counter() - start
                        width = len(str(steps))
                        print(f"step {step:>{width}}/{steps}  {text}  ({seconds:.1f} s)", file=out)
    finally:
        if bar is not None:
            bar.close()
        model.eval()
        history.seconds = time.perf_counter() - start
    return history


def _progress_bar(epochs: int, file: TextIO, unit: str = "epoch") -> Any:
    """A tqdm bar over the epochs, or None for plain lines (no tqdm, or not a terminal)."""
    isatty = getattr(file, "isatty", None)
    if not (callable(isatty) and isatty()):
        return None
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm(total=epochs, unit=unit, file=file, dynamic_ncols=True, leave=True)
