"""autograd_lite: a tiny, exact, fast reverse-mode automatic differentiation engine.

`Value` is a scalar and `Tensor` a NumPy array; both record every operation into a
graph, each op carries its local derivative (from the one table in `rules.py`), and
`backward()` applies the chain rule in reverse topological order.

Example:
    >>> import autograd_lite as ag
    >>> x = ag.Value(3.0)
    >>> y = ag.exp(x**2)          # dy/dx = 2x e^(x^2)
    >>> y.backward()
    >>> round(x.grad, 1)
    48618.5
"""

from importlib import import_module
from typing import Any

from . import nn, optim
from .anomaly import detect_anomaly
from .checkpoint import checkpoint
from .derivatives import elementwise_grad, grad, jacobian, jacrev, value_and_grad, vjp
from .forward import hessian, hvp, jacfwd, jvp
from .function import Function
from .functions import (
    abs,
    arccos,
    arccosh,
    arcsin,
    arcsinh,
    arctan,
    arctan2,
    arctanh,
    cbrt,
    ceil,
    clip,
    concatenate,
    cos,
    cosh,
    dot,
    einsum,
    erf,
    exp,
    exp2,
    expand_dims,
    expm1,
    floor,
    gelu,
    hstack,
    inner,
    leaky_relu,
    log,
    log1p,
    log2,
    log10,
    logaddexp,
    matmul,
    maximum,
    minimum,
    mod,
    outer,
    reciprocal,
    relu,
    sigmoid,
    sign,
    sin,
    sinh,
    softplus,
    split,
    sqrt,
    square,
    stack,
    tan,
    tanh,
    tensordot,
    vstack,
    where,
)
from .grad_mode import enable_grad, is_grad_enabled, no_grad
from .gradcheck import gradcheck
from .numeric import numeric_derivative
from .serialization import load, save
from .taylor import derivative
from .tensor import Tensor
from .value import Value

_ON_FIRST_USE = ("data", "exercises", "models", "train", "viz")
"""Parts that load when first used (`ag.viz.draw`), so `import autograd_lite` stays light."""


def __getattr__(name: str) -> Any:
    """Load `ag.data`, `ag.exercises`, `ag.models`, `ag.train` and `ag.viz` on first use."""
    if name in _ON_FIRST_USE:
        module = import_module(f".{name}", __name__)
        globals()[name] = module
        return module
    raise AttributeError(f"module 'autograd_lite' has no attribute {name!r}")


__all__ = [
    "Function",
    "Tensor",
    "Value",
    "abs",
    "arccos",
    "arccosh",
    "arcsin",
    "arcsinh",
    "arctan",
    "arctan2",
    "arctanh",
    "cbrt",
    "ceil",
    "checkpoint",
    "clip",
    "concatenate",
    "cos",
    "cosh",
    "data",
    "derivative",
    "detect_anomaly",
    "dot",
    "einsum",
    "elementwise_grad",
    "enable_grad",
    "erf",
    "exp",
    "exp2",
    "expand_dims",
    "expm1",
    "floor",
    "gelu",
    "grad",
    "gradcheck",
    "hessian",
    "hstack",
    "hvp",
    "inner",
    "is_grad_enabled",
    "jacfwd",
    "jacobian",
    "jacrev",
    "jvp",
    "leaky_relu",
    "load",
    "log",
    "log1p",
    "log2",
    "log10",
    "logaddexp",
    "matmul",
    "maximum",
    "minimum",
    "mod",
    "models",
    "nn",
    "no_grad",
    "numeric_derivative",
    "optim",
    "outer",
    "reciprocal",
    "relu",
    "save",
    "sigmoid",
    "sign",
    "sin",
    "sinh",
    "softplus",
    "split",
    "sqrt",
    "square",
    "stack",
    "tan",
    "tanh",
    "tensordot",
    "value_and_grad",
    "viz",
    "vjp",
    "vstack",
    "where",
]
__version__ = "0.1.0"
