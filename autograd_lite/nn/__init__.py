"""`ag.nn`: models, layers and losses, shaped like PyTorch's `torch.nn` (and micrograd's).

* `Module` (the base class), `Sequential`, `Linear`, `ReLU`, `Tanh`, `Sigmoid`, `MLP`:
  models on Tensors, batched, with PyTorch's names, shapes and initialisation.
* `Neuron`, `Layer`, `ValueMLP`: micrograd's scalar models on Values, for teaching.
* `mse_loss`, `binary_cross_entropy_with_logits`, `cross_entropy`: losses, mean over
  the samples by default.

Example:
    >>> import autograd_lite as ag
    >>> model = ag.nn.MLP(2, [16, 16], 2, seed=0)
    >>> loss = ag.nn.cross_entropy(model(ag.Tensor([[0.0, 1.0]])), [1])
    >>> loss.backward()
    >>> model[0].weight.grad.shape
    (16, 2)
"""

from .layers import ACTIVATIONS, MLP, Linear, ReLU, Sigmoid, Tanh
from .losses import binary_cross_entropy_with_logits, cross_entropy, mse_loss
from .module import LoadResult, Module, Sequential
from .scalar import Layer, Neuron, ValueMLP

__all__ = [
    "ACTIVATIONS",
    "MLP",
    "Layer",
    "Linear",
    "LoadResult",
    "Module",
    "Neuron",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "Tanh",
    "ValueMLP",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "mse_loss",
]
