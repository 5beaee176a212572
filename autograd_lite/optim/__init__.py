r"""`ag.optim`: optimizers (`SGD`, `Adam`, `AdamW`), `clip_grad_norm_`, and learning-rate
schedules in `ag.optim.lr_scheduler`, all with PyTorch's update rules and names.

An optimizer holds a list of parameters (leaf Tensors with `requires_grad=True`, and
Values, mixed freely) and, at each `step()`, moves each one against its gradient, in
place on `.data`. The numbers match `torch.optim` step for step, so results port both ways.

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

from . import lr_scheduler
from .optimizers import SGD, Adam, AdamW, Optimizer, clip_grad_norm_

__all__ = ["SGD", "Adam", "AdamW", "Optimizer", "clip_grad_norm_", "lr_scheduler"]
