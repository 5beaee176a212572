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

from . import data, nn, optim, viz
from .derivatives import grad, hessian, hvp, jacobian, value_and_grad
from .functions import abs, cos, exp, log, relu, sigmoid, sin, sqrt, tanh
from .grad_mode import enable_grad, is_grad_enabled, no_grad
from .gradcheck import gradcheck
from .numeric import numeric_derivative
from .serialization import load, save
from .taylor import derivative
from .tensor import Tensor
from .value import Value

__all__ = [
    "Tensor",
    "Value",
    "abs",
    "cos",
    "data",
    "derivative",
    "enable_grad",
    "exp",
    "grad",
    "gradcheck",
    "hessian",
    "hvp",
    "is_grad_enabled",
    "jacobian",
    "load",
    "log",
    "nn",
    "no_grad",
    "numeric_derivative",
    "optim",
    "relu",
    "save",
    "sigmoid",
    "sin",
    "sqrt",
    "tanh",
    "value_and_grad",
    "viz",
]
__version__ = "0.1.0"


def __getattr__(name: str) -> object:
    """Load `ag.exercises` on first use: the engine itself never needs it."""
    if name == "exercises":
        import importlib

        return importlib.import_module(".exercises", __name__)
    raise AttributeError(f"module 'autograd_lite' has no attribute {name!r}")
