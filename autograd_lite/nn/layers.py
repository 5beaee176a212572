r"""Layers on Tensors: `Linear`, the activations `ReLU Tanh Sigmoid`, and `MLP`.

Shapes, names and initialisation follow PyTorch, so a model ports both ways: `Linear`
holds `weight` of shape `(out_features, in_features)` and `bias` of shape
`(out_features,)`, and computes $y = x W^T + b$ on a batch `x` of shape
`(batch, in_features)`.

Example:
    >>> import autograd_lite as ag
    >>> model = ag.nn.MLP(2, [16, 16], 2, seed=0)
    >>> model(ag.Tensor([[0.5, -1.0]])).shape
    (1, 2)
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from .. import functions as F
from ..tensor import Tensor
from ..validators import Seed, check_count, check_interval, make_rng
from . import functional
from .init import uniform
from .module import Module, Sequential
from .shapes import ShapeError


class Linear(Module):
    r"""An affine map $y = x W^T + b$ on the last axis of `x`.

    Initialisation (PyTorch's): every weight and bias is drawn from
    $\mathcal{U}(-k, k)$ with $k = 1/\sqrt{\text{in\_features}}$, which keeps the output's
    scale close to the input's whatever the width.

    Args:
        in_features: size of each input row.
        out_features: size of each output row.
        bias: add the learnable bias $b$ (True) or not.
        seed: an int or `np.random.Generator` for repeatable weights; None for fresh ones.
        dtype: the parameters' dtype (float64 by default; float32 for speed on big data).

    Attributes:
        weight: Tensor of shape `(out_features, in_features)`.
        bias: Tensor of shape `(out_features,)`, or None.

    Example:
        >>> import autograd_lite as ag
        >>> layer = ag.nn.Linear(3, 2, seed=0)
        >>> layer
        Linear(in_features=3, out_features=2, bias=True)
        >>> layer(ag.Tensor([[1.0, 2.0, 3.0]])).shape
        (1, 2)
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        seed: Seed = None,
        dtype: Any = np.float64,
    ) -> None:
        self.in_features = check_count("Linear", "in_features", in_features, example=2)
        self.out_features = check_count("Linear", "out_features", out_features, example=16)
        rng = make_rng(seed, "Linear")
        dtype = np.dtype(dtype)
        if dtype.kind != "f":
            raise TypeError(f"Linear: dtype must be a float type, got {dtype}; use np.float64")
        bound = 1.0 / math.sqrt(self.in_features)
        shape = (self.out_features, self.in_features)
        self.weight = Tensor(uniform(shape, bound, rng, dtype), requires_grad=True, label="weight")
        self.bias: Tensor | None = (
            Tensor(
                uniform((self.out_features,), bound, rng, dtype), requires_grad=True, label="bias"
            )
            if bias
            else None
        )

    def forward(self, x: Any) -> Tensor:
        """$x W^T + b$ for `x` of shape `(..., in_features)` (a Tensor or an array)."""
        shape = getattr(x, "shape", None)
        if shape is None:
            x = np.asarray(x, dtype=self.weight.dtype)
            shape = x.shape
        if not shape or shape[-1] != self.in_features:
            fix = (
                f"set in_features={shape[-1]} to take these inputs"
                if shape
                else f"pass a batch of rows, shape (N, {self.in_features})"
            )
            raise ShapeError(repr(self), f"(N, {self.in_features})", tuple(shape), fix)
        if len(shape) > 2:
            # (B, T, in) as one (B*T, in) matrix: one BLAS product instead of B small ones,
            # and a weight gradient that needs no sum over B afterwards.
            flat = x.reshape(-1, self.in_features) @ self.weight.T
            out = (flat if self.bias is None else flat + self.bias).reshape(
                *shape[:-1], self.out_features
            )
            return out
        out = x @ self.weight.T
        return out if self.bias is None else out + self.bias

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}"
        )


class ReLU(Module):
    r"""$\max(x, 0)$ elementwise; works on Tensors, Values, arrays and numbers."""

    def forward(self, x: Any) -> Any:
        return F.relu(x)


class Tanh(Module):
    r"""$\tanh x$ elementwise; works on Tensors, Values, arrays and numbers."""

    def forward(self, x: Any) -> Any:
        return F.tanh(x)


class Sigmoid(Module):
    r"""$\sigma(x) = 1/(1 + e^{-x})$ elementwise; works on Tensors, Values, arrays and numbers."""

    def forward(self, x: Any) -> Any:
        return F.sigmoid(x)


class GELU(Module):
    r"""$x\,\Phi(x)$ elementwise (see `ag.nn.functional.gelu`).

    Args:
        approximate: `"none"` (the exact form, PyTorch's default) or `"tanh"` (GPT-2's).
    """

    def __init__(self, approximate: str = "none") -> None:
        if approximate not in ("none", "tanh"):
            raise ValueError(f"GELU: approximate must be 'none' or 'tanh', got {approximate!r}")
        self.approximate = approximate

    def forward(self, x: Any) -> Tensor:
        return functional.gelu(x, approximate=self.approximate)

    def extra_repr(self) -> str:
        return "" if self.approximate == "none" else f"approximate={self.approximate!r}"


ACTIVATIONS: dict[str, type[Module]] = {
    "relu": ReLU,
    "tanh": Tanh,
    "sigmoid": Sigmoid,
    "gelu": GELU,
}
"""The activations `MLP` and `autograd-lite train` accept by name."""


def activation_class(activation: str | type[Module], owner: str = "MLP") -> type[Module]:
    """Resolve an activation name (`"relu"`, `"tanh"`, `"sigmoid"`) or Module class.

    Raises:
        ValueError: an unknown name, listing the choices.
        TypeError: neither a name nor a Module subclass.
    """
    if isinstance(activation, str):
        found = ACTIVATIONS.get(activation.lower())
        if found is None:
            raise ValueError(
                f"{owner}: unknown activation {activation!r}; choose one of "
                f"{', '.join(ACTIVATIONS)}, or pass a Module class such as ag.nn.Tanh"
            )
        return found
    if isinstance(activation, type) and issubclass(activation, Module):
        return activation
    raise TypeError(
        f"{owner}: activation must be a name ({', '.join(ACTIVATIONS)}) or a Module class, "
        f"got {type(activation).__name__} {activation!r:.40}"
    )


class MLP(Sequential):
    r"""A multi-layer perceptron: `Linear` layers with an activation between them.

    For sizes $n_0 \to n_1 \to \dots \to n_L$ (input, hidden..., output) it computes
    $h_{i} = \phi(h_{i-1} W_i^T + b_i)$ for the hidden layers and a plain affine last
    layer (logits or a regression output; put the loss's nonlinearity in the loss).
    It is a `Sequential`, so its parameters are named `0.weight, 0.bias, 2.weight, ...`,
    the names of the same `torch.nn.Sequential`.

    Args:
        in_features: size of each input row.
        hidden_sizes: the width of each hidden layer (an int for one layer; empty for a
            linear model).
        out_features: size of each output row (classes, or 1 for regression).
        activation: `"relu"`, `"tanh"`, `"sigmoid"` or a Module class.
        bias: give every `Linear` a bias.
        seed: an int or `np.random.Generator`; one seed fixes every layer's weights.
        dtype: the parameters' dtype.

    Example:
        >>> import autograd_lite as ag
        >>> ag.nn.MLP(2, [8], 1, activation="tanh", seed=0)
        MLP(
          (0): Linear(in_features=2, out_features=8, bias=True)
          (1): Tanh()
          (2): Linear(in_features=8, out_features=1, bias=True)
        )
    """

    def __init__(
        self,
        in_features: int,
        hidden_sizes: Sequence[int] | int,
        out_features: int,
        activation: str | type[Module] = "relu",
        bias: bool = True,
        seed: Seed = None,
        dtype: Any = np.float64,
    ) -> None:
        in_features = check_count("MLP", "in_features", in_features, example=2)
        out_features = check_count("MLP", "out_features", out_features, example=1)
        if isinstance(hidden_sizes, int) and not isinstance(hidden_sizes, bool):
            hidden_sizes = [hidden_sizes]
        if isinstance(hidden_sizes, (str, bytes)) or not isinstance(hidden_sizes, Sequence):
            raise TypeError(
                f"MLP: hidden_sizes must be a list of layer widths, got "
                f"{type(hidden_sizes).__name__} {hidden_sizes!r:.40}; pass e.g. [16, 16]"
            )
        hidden = [
            check_count("MLP", f"hidden_sizes[{i}]", size, example=16)
            for i, size in enumerate(hidden_sizes)
        ]
        act = activation_class(activation)
        rng = make_rng(seed, "MLP")
        sizes = [in_features, *hidden, out_features]
        layers: list[Module] = []
        for i, (n_in, n_out) in enumerate(itertools.pairwise(sizes)):
            layers.append(Linear(n_in, n_out, bias=bias, seed=rng, dtype=dtype))
            if i < len(sizes) - 2:
                layers.append(act())
        super().__init__(*layers)
        self.sizes = tuple(sizes)


class Flatten(Module):
    r"""Merge the axes from `start_dim` to `end_dim` into one: `(N, C, H, W)` -> `(N, C*H*W)`.

    Put it between the convolutional part of a network and its `Linear` layers. The
    `Linear` after it needs `in_features` = the product of the merged sizes; if it is
    wrong, the error shows the shape `Flatten` produced.

    Example:
        >>> import numpy as np
        >>> import autograd_lite as ag
        >>> ag.nn.Flatten()(ag.Tensor(np.zeros((2, 3, 4, 4)))).shape
        (2, 48)
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        self.start_dim = int(start_dim)
        self.end_dim = int(end_dim)

    def forward(self, x: Any) -> Tensor:
        if not isinstance(x, Tensor):
            x = Tensor(x)
        ndim = max(x.ndim, 1)
        start, end = self.start_dim % ndim, self.end_dim % ndim
        if not (-ndim <= self.start_dim < ndim and -ndim <= self.end_dim < ndim) or start > end:
            raise ShapeError(
                repr(self),
                f"at least {max(self.start_dim, self.end_dim) + 1} axes",
                x.shape,
                "check start_dim and end_dim",
            )
        shape = x.shape
        return x.reshape(*shape[:start], -1, *shape[end + 1 :])

    def extra_repr(self) -> str:
        if (self.start_dim, self.end_dim) == (1, -1):
            return ""
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Dropout(Module):
    r"""Zero each element with probability `p` in training, scaling the rest by $1/(1-p)$.

    A regulariser: no unit can rely on one particular other unit being there. In
    evaluation mode (`model.eval()`) it passes its input through unchanged.

    Args:
        p: the probability of zeroing, in [0, 1].
        seed: an int or `np.random.Generator` for repeatable masks; None for fresh ones.

    Example:
        >>> import numpy as np
        >>> import autograd_lite as ag
        >>> drop = ag.nn.Dropout(0.5, seed=0)
        >>> drop(ag.Tensor(np.ones(6))).data.tolist()
        [2.0, 0.0, 0.0, 0.0, 2.0, 2.0]
        >>> drop.eval()(ag.Tensor(np.ones(3))).data.tolist()
        [1.0, 1.0, 1.0]
    """

    def __init__(self, p: float = 0.5, seed: Seed = None) -> None:
        self.p = check_interval("Dropout", "p", p, 0.0, 1.0, "p=0.5", high_open=False)
        self.rng = make_rng(seed, "Dropout")

    def forward(self, x: Any) -> Tensor:
        return functional.dropout(x, self.p, self.training, generator=self.rng)

    def extra_repr(self) -> str:
        return f"p={self.p:g}"


class Embedding(Module):
    r"""A table of learned vectors, one row per index: `Embedding(27, 10)` for 27 characters.

    $y[\dots, :] = W[\text{idx}[\dots], :]$: the same as multiplying a one-hot vector by
    $W$, without building it. Initialised from $\mathcal{N}(0, 1)$, as PyTorch.

    Args:
        num_embeddings: how many indices (the vocabulary's size).
        embedding_dim: the length of each vector.
        seed: an int or `np.random.Generator`; None for fresh weights.
        dtype: the table's dtype.

    Attributes:
        weight: Tensor of shape `(num_embeddings, embedding_dim)`.

    Example:
        >>> import numpy as np
        >>> import autograd_lite as ag
        >>> emb = ag.nn.Embedding(27, 10, seed=0)
        >>> emb(np.array([[0, 5, 13]])).shape          # a batch of one 3-character context
        (1, 3, 10)
    """

    def __init__(
        self, num_embeddings: int, embedding_dim: int, seed: Seed = None, dtype: Any = np.float64
    ) -> None:
        self.num_embeddings = check_count("Embedding", "num_embeddings", num_embeddings, 27)
        self.embedding_dim = check_count("Embedding", "embedding_dim", embedding_dim, 10)
        rng = make_rng(seed, "Embedding")
        shape = (self.num_embeddings, self.embedding_dim)
        self.weight = Tensor(
            rng.standard_normal(shape).astype(dtype), requires_grad=True, label="weight"
        )

    def forward(self, idx: Any) -> Tensor:
        return functional.embedding_in(repr(self), idx, self.weight)

    def extra_repr(self) -> str:
        return f"{self.num_embeddings}, {self.embedding_dim}"
