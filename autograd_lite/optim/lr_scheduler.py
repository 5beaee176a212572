r"""Learning-rate schedules, as `torch.optim.lr_scheduler`: `StepLR`, `CosineAnnealingLR`.

A scheduler wraps an optimizer and, each time its `step()` is called (once per epoch, or
once per training step: you choose the unit), sets `optimizer.lr` from the schedule's
formula at the count $t$ of steps taken so far. It remembers the optimizer's learning rate
when it was made, $\eta_0$, as the schedule's start. Call it after `optimizer.step()`, as
in PyTorch:

    for epoch in range(epochs):
        train_one_epoch(model, optimizer)   # optimizer.step() inside
        scheduler.step()

Example:
    >>> import autograd_lite as ag
    >>> w = ag.Tensor([1.0], requires_grad=True)
    >>> opt = ag.optim.SGD([w], lr=0.1)
    >>> sched = ag.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    >>> lrs = []
    >>> for epoch in range(5):
    ...     lrs.append(opt.lr)
    ...     sched.step()
    >>> lrs
    [0.1, 0.1, 0.05, 0.05, 0.025]
"""

from __future__ import annotations

import math

from ..validators import check_count, check_interval
from .optimizers import Optimizer


class LRScheduler:
    """Base class: holds the optimizer, the starting rate and the step count.

    Subclasses define `lr_at(t)`, the learning rate after `t` calls of `step()`.

    Attributes:
        optimizer: the optimizer whose `lr` is set.
        base_lr: $\\eta_0$, the optimizer's learning rate when the scheduler was made.
        last_epoch: $t$, how many times `step()` has been called (PyTorch's name).
    """

    def __init__(self, optimizer: Optimizer) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(
                f"{type(self).__name__}: expected an optimizer, got "
                f"{type(optimizer).__name__}; pass e.g. ag.optim.SGD(model.parameters(), lr=0.1)"
            )
        self.optimizer = optimizer
        self.base_lr = optimizer.lr
        self.last_epoch = 0

    def lr_at(self, t: int) -> float:
        """The learning rate after `t` steps of the schedule."""
        raise NotImplementedError

    def step(self) -> None:
        """Advance the schedule by one and set the optimizer's learning rate."""
        self.last_epoch += 1
        self.optimizer.lr = self.lr_at(self.last_epoch)

    def get_last_lr(self) -> list[float]:
        """The learning rate the last `step()` set, in a list (PyTorch's one per group)."""
        return [self.optimizer.lr]

    def __repr__(self) -> str:
        return f"{type(self).__name__}(last_epoch={self.last_epoch}, lr={self.optimizer.lr:g})"


class StepLR(LRScheduler):
    r"""Multiply the learning rate by `gamma` every `step_size` steps.

    $$\eta_t = \eta_0\,\gamma^{\lfloor t / \text{step\_size} \rfloor}$$

    Args:
        optimizer: the optimizer to schedule.
        step_size: steps between decays, >= 1.
        gamma: the factor, in (0, 1] (0.1 by default, as PyTorch).

    Example:
        >>> import autograd_lite as ag
        >>> opt = ag.optim.SGD([ag.Value(1.0)], lr=0.1)
        >>> sched = ag.optim.lr_scheduler.StepLR(opt, step_size=3)
        >>> [round(sched.lr_at(t), 4) for t in (0, 2, 3, 6)]
        [0.1, 0.1, 0.01, 0.001]
    """

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1) -> None:
        super().__init__(optimizer)
        self.step_size = check_count("StepLR", "step_size", step_size, example=10)
        self.gamma = check_interval(
            "StepLR", "gamma", gamma, 0.0, 1.0, "gamma=0.1", low_open=True, high_open=False
        )

    def lr_at(self, t: int) -> float:
        """$\\eta_0\\,\\gamma^{\\lfloor t / \\text{step\\_size} \\rfloor}$."""
        return self.base_lr * self.gamma ** (t // self.step_size)


class CosineAnnealingLR(LRScheduler):
    r"""Lower the learning rate along half a cosine, from $\eta_0$ to `eta_min` in `T_max` steps.

    $$\eta_t = \eta_{\min} + \tfrac12(\eta_0 - \eta_{\min})
      \left(1 + \cos\frac{\pi t}{T_{\max}}\right)$$

    Fast at first, gentle at the end. After `T_max` steps the cosine continues (it rises
    again), as in PyTorch; schedule exactly `T_max` steps to end at `eta_min`.

    Args:
        optimizer: the optimizer to schedule.
        T_max: steps to reach `eta_min`, >= 1.
        eta_min: the final learning rate, >= 0.

    Example:
        >>> import autograd_lite as ag
        >>> opt = ag.optim.SGD([ag.Value(1.0)], lr=0.1)
        >>> sched = ag.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=4)
        >>> [round(sched.lr_at(t), 4) for t in range(5)]
        [0.1, 0.0854, 0.05, 0.0146, 0.0]
    """

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0) -> None:
        super().__init__(optimizer)
        self.T_max = check_count("CosineAnnealingLR", "T_max", T_max, example=100)
        self.eta_min = check_interval(
            "CosineAnnealingLR", "eta_min", eta_min, 0.0, None, "eta_min=0.0"
        )

    def lr_at(self, t: int) -> float:
        """$\\eta_{\\min} + (\\eta_0 - \\eta_{\\min})(1 + \\cos(\\pi t / T_{\\max}))/2$."""
        cosine = 1.0 + math.cos(math.pi * t / self.T_max)
        return self.eta_min + (self.base_lr - self.eta_min) * cosine / 2.0


__all__ = ["CosineAnnealingLR", "LRScheduler", "StepLR"]
