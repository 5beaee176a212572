"""`ag.nn`: models, layers and losses, shaped like PyTorch's `torch.nn` (and micrograd's).

* `Module` (the base class: parameters, buffers, train/eval, state dicts, forward hooks)
  and `Sequential`.
* Layers on Tensors, with PyTorch's names, shapes and initialisation: `Linear`, `Conv2d`,
  `MaxPool2d`, `AvgPool2d`, `Flatten`, `Dropout`, `BatchNorm1d`, `BatchNorm2d`,
  `LayerNorm`, `Embedding`, the activations `ReLU`, `Tanh`, `Sigmoid`, `GELU`, and `MLP`.
* `functional` (also `F`): the same computations as functions (`F.conv2d`, ...).
* `init`: Kaiming initialisation; `ShapeError`: an input a layer cannot take.
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

from . import functional, init
from . import functional as F
from .conv import AvgPool2d, Conv2d, MaxPool2d
from .layers import (
    ACTIVATIONS,
    GELU,
    MLP,
    Dropout,
    Embedding,
    Flatten,
    Linear,
    ReLU,
    Sigmoid,
    Tanh,
)
from .losses import binary_cross_entropy_with_logits, cross_entropy, mse_loss
from .module import HookHandle, LoadResult, Module, Sequential
from .norm import BatchNorm1d, BatchNorm2d, LayerNorm
from .scalar import Layer, Neuron, ValueMLP
from .shapes import ShapeError

__all__ = [
    "ACTIVATIONS",
    "GELU",
    "MLP",
    "AvgPool2d",
    "BatchNorm1d",
    "BatchNorm2d",
    "Conv2d",
    "Dropout",
    "Embedding",
    "F",
    "Flatten",
    "HookHandle",
    "Layer",
    "LayerNorm",
    "Linear",
    "LoadResult",
    "MaxPool2d",
    "Module",
    "Neuron",
    "ReLU",
    "Sequential",
    "ShapeError",
    "Sigmoid",
    "Tanh",
    "ValueMLP",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "functional",
    "init",
    "mse_loss",
]
