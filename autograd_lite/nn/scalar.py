r"""Scalar teaching models on `Value`s, shaped like micrograd's `nn.py`.

A `Neuron` computes $\phi\left(b + \sum_i w_i x_i\right)$ with one `Value` per weight; a
`Layer` is a list of neurons; `ValueMLP(nin, nouts)` stacks layers, ReLU everywhere but
in the last layer. The call pattern is micrograd's, so its lecture runs unchanged with
`from autograd_lite.nn import ValueMLP as MLP`. These are for seeing every number; for
real data use the Tensor `MLP`, hundreds of times faster.

Initialisation (micrograd's): each weight from $\mathcal{U}(-1, 1)$, each bias 0.

Example:
    >>> import autograd_lite as ag
    >>> model = ag.nn.ValueMLP(3, [4, 4, 1], seed=0)
    >>> out = model([2.0, 3.0, -1.0])
    >>> len(model.parameters())   # (3*4 + 4) + (4*4 + 4) + (4*1 + 1)
    41
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..validators import Seed, check_count, make_rng
from ..value import Value
from .module import Module


class Neuron(Module):
    r"""One neuron: $\mathrm{relu}\left(b + \sum_i w_i x_i\right)$, or linear without `nonlin`.

    Args:
        nin: number of inputs.
        nonlin: apply ReLU (True) or return the weighted sum itself.
        seed: an int or `np.random.Generator` for repeatable weights; None for fresh ones.

    Attributes:
        w: list of `nin` weight Values, labelled `w0, w1, ...`.
        b: the bias Value, labelled `b`.

    Example:
        >>> import autograd_lite as ag
        >>> n = ag.nn.Neuron(2, seed=0)
        >>> n
        Neuron(2, relu)
        >>> n([1.0, -2.0]).data >= 0.0
        True
    """

    def __init__(self, nin: int, nonlin: bool = True, seed: Seed = None) -> None:
        nin = check_count("Neuron", "nin", nin, example=2)
        rng = make_rng(seed, "Neuron")
        self.w = [Value(float(w), label=f"w{i}") for i, w in enumerate(rng.uniform(-1, 1, nin))]
        self.b = Value(0.0, label="b")
        self.nonlin = nonlin

    def __call__(self, x: Sequence[Any]) -> Any:
        # One positional argument and nothing to pack (Module's takes *args, **kwargs):
        # the scalar path makes this call once per neuron per sample.
        return self.forward(x)

    def forward(self, x: Sequence[Any]) -> Value:
        """$b + \\sum_i w_i x_i$, then ReLU if `nonlin`; `x` holds Values or numbers."""
        w = self.w
        if len(x) != len(w):
            raise ValueError(
                f"Neuron: got {len(x)} inputs but the neuron has {len(w)} weights; "
                f"pass a list of {len(w)} Values or numbers"
            )
        act = self.b
        for wi, xi in zip(w, x):
            act = act + wi * xi
        return act.relu() if self.nonlin else act

    def __repr__(self) -> str:
        return f"Neuron({len(self.w)}, {'relu' if self.nonlin else 'linear'})"


class Layer(Module):
    """A layer of `nout` neurons, each seeing all `nin` inputs.

    Args:
        nin: number of inputs.
        nout: number of neurons (outputs).
        seed: an int or `np.random.Generator`; None for fresh weights.
        **kwargs: passed to every `Neuron` (`nonlin=False` for a linear layer).

    Returns (when called):
        A list of `nout` Values; a single Value when `nout == 1` (as micrograd).
    """

    def __init__(self, nin: int, nout: int, seed: Seed = None, **kwargs: Any) -> None:
        nout = check_count("Layer", "nout", nout, example=16)
        rng = make_rng(seed, "Layer")
        self.neurons = [Neuron(nin, seed=rng, **kwargs) for _ in range(nout)]

    def __call__(self, x: Sequence[Any]) -> Any:
        # One positional argument and nothing to pack (Module's takes *args, **kwargs):
        # the scalar path makes this call once per neuron per sample.
        return self.forward(x)

    def forward(self, x: Sequence[Any]) -> Any:
        """Each neuron's output, in order."""
        out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def __repr__(self) -> str:
        first = self.neurons[0]
        kind = "relu" if first.nonlin else "linear"
        return f"Layer({len(first.w)} -> {len(self.neurons)}, {kind})"


class ValueMLP(Module):
    """micrograd's `MLP(nin, nouts)`: layers of neurons, ReLU in all but the last.

    Args:
        nin: number of inputs.
        nouts: the size of each layer, the last one being the output.
        seed: an int or `np.random.Generator`; one seed fixes every weight.

    Example:
        >>> import autograd_lite as ag
        >>> model = ag.nn.ValueMLP(2, [16, 16, 1], seed=0)
        >>> model
        ValueMLP(
          (layers.0): Layer(2 -> 16, relu)
          (layers.1): Layer(16 -> 16, relu)
          (layers.2): Layer(16 -> 1, linear)
        )
        >>> type(model([1.0, -1.0])).__name__
        'Value'
    """

    def __init__(self, nin: int, nouts: Sequence[int], seed: Seed = None) -> None:
        nin = check_count("ValueMLP", "nin", nin, example=2)
        if isinstance(nouts, int) or not isinstance(nouts, Sequence) or not nouts:
            raise TypeError(
                f"ValueMLP: nouts must be a non-empty list of layer sizes, got {nouts!r:.40}; "
                "pass e.g. [16, 16, 1]"
            )
        rng = make_rng(seed, "ValueMLP")
        sizes = [nin, *nouts]
        self.layers = [
            Layer(sizes[i], sizes[i + 1], seed=rng, nonlin=i != len(nouts) - 1)
            for i in range(len(nouts))
        ]

    def __call__(self, x: Sequence[Any]) -> Any:
        # One positional argument and nothing to pack (Module's takes *args, **kwargs):
        # the scalar path makes this call once per neuron per sample.
        return self.forward(x)

    def forward(self, x: Sequence[Any]) -> Any:
        """Apply each layer in turn."""
        for layer in self.layers:
            x = layer(x)
        return x
