r"""Optimizers: `SGD`, `Adam`, `AdamW`, and `clip_grad_norm_`, with PyTorch's update rules.

An optimizer holds a list of parameters (leaf Tensors with `requires_grad=True`, and
Values, mixed freely) and, at each `step()`, moves each one against its gradient, in
place on `.data`. A parameter whose gradient is None (no backward pass reached it) is
skipped. The numbers match `torch.optim` step for step, so results port both ways.

Example:
    >>> import autograd_lite as ag
    >>> w = ag.Value(3.0)
    >>> opt = ag.optim.SGD([w], lr=0.1)
    >>> for _ in range(100):               # minimise w^2
    ...     opt.zero_grad()
    ...     (w * w).backward()
    ...     opt.step()
    >>> abs(w.data) < 1e-8
    True
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from ..grad_mode import no_grad
from ..tensor import Tensor
from ..validators import check_interval
from ..value import Value

Parameter = Tensor | Value


def _check_params(params: Any, owner: str) -> list[Parameter]:
    if isinstance(params, (Tensor, Value)):
        params = [params]
    if hasattr(params, "parameters") and callable(params.parameters):
        raise TypeError(
            f"{owner}: got the model {type(params).__name__} itself; pass its parameters: "
            f"{owner}(model.parameters(), ...)"
        )
    if not isinstance(params, Iterable):
        raise TypeError(
            f"{owner}: params must be a list of Tensors or Values, got {type(params).__name__}"
        )
    out = list(params)
    if not out:
        raise ValueError(
            f"{owner}: got an empty list of parameters; pass model.parameters() of a model "
            "that has some"
        )
    seen: set[int] = set()
    for i, p in enumerate(out):
        if isinstance(p, Tensor):
            if not p.requires_grad or not p.is_leaf:
                what = "does not require grad" if not p.requires_grad else "is not a leaf"
                raise ValueError(
                    f"{owner}: parameter {i} (shape {p.shape}) {what}, so no gradient is "
                    "kept for it; create parameters with ag.Tensor(..., requires_grad=True)"
                )
        elif not isinstance(p, Value):
            raise TypeError(
                f"{owner}: parameter {i} is {type(p).__name__} {p!r:.40}; parameters must be "
                "Tensors (requires_grad=True) or Values"
            )
        if id(p) in seen:
            raise ValueError(
                f"{owner}: parameter {i} appears twice in the list, so it would be updated "
                "twice per step; pass each parameter once"
            )
        seen.add(id(p))
    return out


def _grad_of(p: Parameter) -> Any:
    """The parameter's gradient as a float or ndarray (None if there is none)."""
    g = p.grad
    if g is None or type(g) is float or isinstance(g, np.ndarray):
        return g
    return g.data  # a Value or Tensor gradient from backward(create_graph=True)


class Optimizer:
    """Base class: holds the parameters; subclasses define `step()`.

    Attributes:
        params: the parameters, in the order given.
        lr: the learning rate; assign to it to schedule it.
    """

    def __init__(self, params: Iterable[Parameter], lr: float) -> None:
        owner = type(self).__name__
        self.params = _check_params(params, owner)
        self.lr = check_interval(owner, "lr", lr, 0.0, None, "lr=0.01", low_open=True)

    def zero_grad(self) -> None:
        """Reset gradients: a Tensor's `.grad` to None, a Value's `.grad` to 0.0."""
        for p in self.params:
            if type(p) is Value:
                p.grad = 0.0
            else:
                p.grad = None

    def step(self) -> None:
        """Update every parameter once from its current gradient."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}({len(self.params)} parameters, lr={self.lr:g})"


class SGD(Optimizer):
    r"""Stochastic gradient descent, with momentum and weight decay as in `torch.optim.SGD`.

    With gradient $g_t$ of parameter $\theta$, weight decay $\lambda$ and momentum $\mu$:

    $$g_t \leftarrow g_t + \lambda\theta_{t-1}, \qquad
      b_t = \begin{cases} g_t & t = 1 \\ \mu b_{t-1} + g_t & t > 1 \end{cases}, \qquad
      \theta_t = \theta_{t-1} - \eta\, b_t$$

    (with `nesterov=True`, the step uses $g_t + \mu b_t$ instead of $b_t$). Without momentum
    this is plain $\theta \leftarrow \theta - \eta g$.

    Args:
        params: parameters to update (Tensors and/or Values).
        lr: learning rate $\eta > 0$.
        momentum: $\mu \in [0, 1)$.
        weight_decay: $\lambda \ge 0$, an L2 penalty $\frac{\lambda}{2}\|\theta\|^2$ added
            through the gradient.
        nesterov: Nesterov momentum (needs momentum > 0).

    Example:
        >>> import autograd_lite as ag
        >>> w = ag.Tensor([1.0, -2.0], requires_grad=True)
        >>> opt = ag.optim.SGD([w], lr=0.1)
        >>> (w * w).sum().backward()       # grad 2w
        >>> opt.step()
        >>> float(w.data[0]), float(w.data[1])     # w - 0.1 * 2w
        (0.8, -1.6)
    """

    def __init__(
        self,
        params: Iterable[Parameter],
        lr: float,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
    ) -> None:
        super().__init__(params, lr)
        self.momentum = check_interval("SGD", "momentum", momentum, 0.0, 1.0, "0.9")
        self.weight_decay = check_interval(
            "SGD", "weight_decay", weight_decay, 0.0, None, "weight_decay=1e-4"
        )
        if nesterov and self.momentum == 0.0:
            raise ValueError("SGD: nesterov=True needs momentum > 0, e.g. momentum=0.9")
        self.nesterov = bool(nesterov)
        self.buffers: list[Any] = [None] * len(self.params)

    def step(self) -> None:
        """$\\theta \\leftarrow \\theta - \\eta b$ for every parameter with a gradient."""
        lr, mu, wd = self.lr, self.momentum, self.weight_decay
        with no_grad():
            for i, p in enumerate(self.params):
                g = _grad_of(p)
                if g is None:
                    continue
                if wd:
                    g = g + wd * p.data
                if mu:
                    buf = self.buffers[i]
                    if buf is None:
                        buf = g if type(g) is float else np.array(g, copy=True)
                    elif type(buf) is float:
                        buf = mu * buf + g
                    else:
                        buf *= mu
                        buf += g
                    self.buffers[i] = buf
                    g = g + mu * buf if self.nesterov else buf
                p.data -= lr * g  # in place for an array; a Value's float is replaced


class Adam(Optimizer):
    r"""Adam, with bias correction and L2 weight decay, as `torch.optim.Adam`.

    With gradient $g_t$ (plus $\lambda\theta_{t-1}$ for weight decay), the moment
    estimates and the update at step $t$ are

    $$m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t, \qquad
      v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2,$$
    $$\theta_t = \theta_{t-1} - \frac{\eta}{1-\beta_1^t}\,
      \frac{m_t}{\sqrt{v_t}/\sqrt{1-\beta_2^t} + \epsilon},$$

    i.e. $\eta\,\hat m_t / (\sqrt{\hat v_t} + \epsilon)$ with the bias-corrected
    $\hat m_t = m_t/(1-\beta_1^t)$ and $\hat v_t = v_t/(1-\beta_2^t)$, in PyTorch's order of
    operations. Each parameter counts its own steps $t$ (skipped steps do not count).

    Args:
        params: parameters to update (Tensors and/or Values).
        lr: learning rate $\eta > 0$.
        betas: $(\beta_1, \beta_2)$, each in $[0, 1)$.
        eps: $\epsilon \ge 0$, added to the denominator.
        weight_decay: $\lambda \ge 0$, L2 added to the gradient (not AdamW's decoupled decay).

    Example:
        >>> import autograd_lite as ag
        >>> w = ag.Value(1.0)
        >>> opt = ag.optim.Adam([w], lr=0.1)
        >>> (w * w).backward()
        >>> opt.step()                     # the first step moves by lr, whatever the grad
        >>> round(w.data, 6)
        0.9
    """

    def __init__(
        self,
        params: Iterable[Parameter],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        owner = type(self).__name__
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise TypeError(f"{owner}: betas must be a pair (beta1, beta2), got {betas!r}")
        b1 = check_interval(owner, "betas[0]", betas[0], 0.0, 1.0, "betas=(0.9, 0.999)")
        b2 = check_interval(owner, "betas[1]", betas[1], 0.0, 1.0, "betas=(0.9, 0.999)")
        self.betas = (b1, b2)
        self.eps = check_interval(owner, "eps", eps, 0.0, None, "eps=1e-8")
        self.weight_decay = check_interval(
            owner, "weight_decay", weight_decay, 0.0, None, "weight_decay=1e-4"
        )
        n = len(self.params)
        self.steps = [0] * n
        self.m: list[Any] = [None] * n
        self.v: list[Any] = [None] * n

    decoupled = False
    """False: weight decay is added to the gradient (L2); `AdamW` sets True."""

    def step(self) -> None:
        """One Adam update of every parameter with a gradient."""
        lr, eps, wd = self.lr, self.eps, self.weight_decay
        b1, b2 = self.betas
        with no_grad():
            for i, p in enumerate(self.params):
                g = _grad_of(p)
                if g is None:
                    continue
                if wd and self.decoupled:
                    # AdamW: shrink the weights directly, apart from the gradient's moments
                    # (in place for an array; a Value's float is replaced).
                    p.data *= 1.0 - lr * wd
                elif wd:
                    g = g + wd * p.data
                t = self.steps[i] = self.steps[i] + 1
                step_size = lr / (1.0 - b1**t)
                root_bc2 = math.sqrt(1.0 - b2**t)
                if type(p) is Value:
                    m = self.m[i] = b1 * (self.m[i] or 0.0) + (1.0 - b1) * g
                    v = self.v[i] = b2 * (self.v[i] or 0.0) + (1.0 - b2) * g * g
                    p.data -= step_size * m / (math.sqrt(v) / root_bc2 + eps)
                    continue
                m, v = self.m[i], self.v[i]
                if m is None:
                    m = self.m[i] = np.zeros_like(p.data)
                    v = self.v[i] = np.zeros_like(p.data)
                m *= b1
                m += (1.0 - b1) * g
                v *= b2
                v += (1.0 - b2) * (g * g)
                denom = np.sqrt(v)
                denom /= root_bc2
                denom += eps
                p.data -= step_size * (m / denom)


class AdamW(Adam):
    r"""Adam with decoupled weight decay (Loshchilov & Hutter), as `torch.optim.AdamW`.

    Adam's L2 decay adds $\lambda\theta$ to the gradient, where the moment estimates then
    rescale it: weights with large gradients are barely decayed. AdamW instead shrinks every
    weight by the same factor before the Adam step of the plain gradient:

    $$\theta \leftarrow \theta\,(1 - \eta\lambda), \qquad
      \theta \leftarrow \theta - \eta\,\hat m_t / (\sqrt{\hat v_t} + \epsilon).$$

    Args:
        params: parameters to update (Tensors and/or Values).
        lr: learning rate $\eta > 0$.
        betas: $(eta_1, eta_2)$, each in $[0, 1)$.
        eps: $\epsilon \ge 0$.
        weight_decay: $\lambda \ge 0$; 0.01 by default, as PyTorch.

    Example:
        >>> import autograd_lite as ag
        >>> w = ag.Tensor([1.0], requires_grad=True)
        >>> opt = ag.optim.AdamW([w], lr=0.1, weight_decay=0.5)
        >>> w.grad = w.data * 0.0           # no gradient: only the decay acts
        >>> opt.step()
        >>> float(w.data[0])                # 1 * (1 - 0.1 * 0.5)
        0.95
    """

    decoupled = True

    def __init__(
        self,
        params: Iterable[Parameter],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay)


def clip_grad_norm_(
    params: Iterable[Parameter] | Parameter,
    max_norm: float,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
) -> float:
    r"""Scale all gradients together so that their joint norm is at most `max_norm`.

    The total norm is $\|g\|_p = \left(\sum_k |g_k|^p\right)^{1/p}$ over every element of
    every gradient ($\max_k |g_k|$ for `norm_type=inf`). When it exceeds `max_norm`, every
    gradient is multiplied by $\text{max\_norm} / (\|g\|_p + 10^{-6})$, in place, as
    `torch.nn.utils.clip_grad_norm_`. Parameters without a gradient are ignored.

    Args:
        params: parameters (Tensors and/or Values), or a single one.
        max_norm: the largest norm allowed, > 0.
        norm_type: $p$, a positive number or `float("inf")`.
        error_if_nonfinite: raise if the total norm is nan or inf (by default the
            gradients are then scaled to nan, as in PyTorch).

    Returns:
        The total norm before clipping, a float.

    Example:
        >>> import autograd_lite as ag
        >>> w = ag.Tensor([3.0, 4.0], requires_grad=True)
        >>> w.grad = w.data.copy()                 # norm 5
        >>> ag.optim.clip_grad_norm_([w], max_norm=1.0)
        5.0
        >>> round(float(w.grad[0]), 4), round(float(w.grad[1]), 4)
        (0.6, 0.8)
    """
    items = [params] if isinstance(params, (Tensor, Value)) else list(params)
    max_norm = check_interval(
        "clip_grad_norm_", "max_norm", max_norm, 0.0, None, "max_norm=1.0", low_open=True
    )
    p_norm = float(norm_type)
    if not (p_norm > 0):
        raise ValueError(f"clip_grad_norm_: norm_type must be > 0 or inf, got {norm_type!r}")
    grads = [(p, _grad_of(p)) for p in items]
    grads = [(p, g) for p, g in grads if g is not None]
    if not grads:
        return 0.0
    if math.isinf(p_norm):
        total = max(float(np.max(np.abs(g))) if np.size(g) else 0.0 for _, g in grads)
    else:
        total = sum(float(np.sum(np.abs(g) ** p_norm)) for _, g in grads) ** (1.0 / p_norm)
    if error_if_nonfinite and not math.isfinite(total):
        raise FloatingPointError(
            f"clip_grad_norm_: the total gradient norm is {total}; a loss or a gradient is "
            "non-finite (try a smaller learning rate), or pass error_if_nonfinite=False"
        )
    coef = max_norm / (total + 1e-6)
    if coef < 1.0 or not math.isfinite(total):
        for p, g in grads:
            if type(p) is Value:
                p.grad = g * coef
            elif isinstance(p.grad, np.ndarray):
                p.grad *= coef
            else:
                p.grad = g * coef
    return total


__all__ = ["SGD", "Adam", "AdamW", "Optimizer", "clip_grad_norm_"]
