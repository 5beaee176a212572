"""Scalar MLP: one training step of micrograd's two-moons demo, on Values.

Workload: the training step of micrograd's demo notebook (`demo.ipynb`), unchanged. An
MLP 2-16-16-1 of scalar nodes (ReLU hidden layers, linear output), 337 parameters, on
100 two-moons points (noise 0.1, labels ±1, both NumPy float64 arrays as in the demo):
wrap every input number in a node, forward all 100 points, the SVM max-margin loss
`mean((1 - y_i score_i).relu())` plus `1e-4 * sum(p * p)`, the accuracy, zero the grads,
backward, the SGD update `p.data -= lr * p.grad` with the demo's learning-rate schedule,
and the release of the graph. Releasing is part of the time: the step drops its
references before returning, which frees autograd_lite's and PyTorch's graphs at once;
micrograd's graph is a web of closure cycles that only the cycle collector frees, so its
timed runs end with a `gc.collect()`. About 66,000 nodes per step. PyTorch is imported
only after the other engines are timed: its ~150,000 Python objects would make each full
pass of the garbage collector during their steps ~80 ms longer.

Rows:
* `micrograd`: micrograd 0.1.0's own `nn.MLP`, the demo's model (the reference).
* `autograd_lite inline`: the same model written here on `ag.Value`, in micrograd's shape
  (`Neuron` sums `wi * xi` onto `b`, then ReLU unless in the last layer).
* `autograd_lite ag.nn.ValueMLP`: the package's own scalar MLP, when it exists.
* `torch scalar-style`: PyTorch on the *same graph shape*, one 0-d float64
  `torch.tensor(..., requires_grad=True)` per weight. This is not how PyTorch is meant to
  be used; it measures PyTorch's per-node overhead (dispatcher, autograd node) against
  ours, not its speed on this model (a batched tensor MLP would be far faster). One
  intra-op thread (`torch.set_num_threads(1)`): threads cannot help a 0-d tensor.

All models start from the same weights (micrograd's `random.uniform(-1, 1)`, seed 1337);
the first step's loss is printed for each, to show they compute the same thing.

Reading the table: ms/step and steps/s are the best of N runs (the engines' runs
interleaved); `micrograd / this` is how many times faster a row is than micrograd (target
for autograd_lite: at least 14x, with the garbage collector on, as a training loop runs).
The same is then measured with the collector off, because both Python engines spend a
large share of a step in its full passes over the growing graph: those columns show
the engines' own per-node cost.

Run: `python bench/scalar_mlp.py` (add `--quick` for a smoke run).
"""

from __future__ import annotations

import functools
import gc
import importlib
import itertools
import math
import random
from collections.abc import Callable, Sequence
from typing import Any

import _timing
import numpy as np

import autograd_lite as ag

SIZES = (2, 16, 16, 1)
N_POINTS = 100
SEED = 1337
TARGET = 14.0


def make_moons(n: int = N_POINTS, noise: float = 0.1, seed: int = SEED) -> tuple[Any, Any]:
    """Two interleaved half circles; labels -1 (outer) and +1 (inner), as NumPy floats."""
    rng = np.random.default_rng(seed)
    n_outer = n // 2
    n_inner = n - n_outer
    t_outer = rng.uniform(0.0, math.pi, n_outer)
    t_inner = rng.uniform(0.0, math.pi, n_inner)
    outer = np.stack([np.cos(t_outer), np.sin(t_outer)], axis=1)
    inner = np.stack([1.0 - np.cos(t_inner), 1.0 - np.sin(t_inner) - 0.5], axis=1)
    X = np.concatenate([outer, inner]) + rng.normal(0.0, noise, size=(n, 2))
    y = np.concatenate([-np.ones(n_outer), np.ones(n_inner)])
    return X, y


def initial_parameters(seed: int = SEED) -> list[float]:
    """micrograd's initialisation, flattened in its `parameters()` order.

    Per layer, per neuron: `nin` weights `random.uniform(-1, 1)`, then the bias 0.
    """
    rng = random.Random(seed)
    flat: list[float] = []
    for nin, nout in itertools.pairwise(SIZES):
        for _ in range(nout):
            flat.extend(rng.uniform(-1.0, 1.0) for _ in range(nin))
            flat.append(0.0)
    return flat


# ---------------------------------------------------------------- the inline model
class Neuron:
    """micrograd's `Neuron`, on any scalar node type made by `leaf`."""

    def __init__(self, w: list[Any], b: Any, nonlin: bool) -> None:
        self.w = w
        self.b = b
        self.nonlin = nonlin

    def __call__(self, x: Sequence[Any]) -> Any:
        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        return act.relu() if self.nonlin else act


class Layer:
    """micrograd's `Layer`: a list of neurons, one output each."""

    def __init__(self, neurons: list[Neuron]) -> None:
        self.neurons = neurons

    def __call__(self, x: Sequence[Any]) -> Any:
        out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out


class MLP:
    """micrograd's `MLP` (2-16-16-1 here), its parameters made by `leaf` from `flat`."""

    def __init__(self, flat: Sequence[float], leaf: Callable[[float], Any], zero: Any) -> None:
        values = iter(flat)
        self.layers: list[Layer] = []
        for i, (nin, nout) in enumerate(itertools.pairwise(SIZES)):
            nonlin = i != len(SIZES) - 2
            neurons = []
            for _ in range(nout):
                w = [leaf(next(values)) for _ in range(nin)]
                neurons.append(Neuron(w, leaf(next(values)), nonlin))
            self.layers.append(Layer(neurons))
        self.zero = zero  # what zero_grad writes: 0.0 for Values, None for torch

    def __call__(self, x: Any) -> Any:
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self) -> list[Any]:
        return [p for layer in self.layers for n in layer.neurons for p in (*n.w, n.b)]

    def zero_grad(self) -> None:
        for p in self.parameters():
            p.grad = self.zero


# ---------------------------------------------------------------- the demo's step
def train_step(
    model: Any, node: Callable[[Any], Any], X: Any, y: Any, k: int
) -> tuple[float, float]:
    """One step of micrograd's demo (its `loss()` and training loop), for any engine.

    `node` wraps an input number (`Value` in the demo). Returns (loss, accuracy); the graph is
    dropped when this function returns.
    """
    inputs = [list(map(node, xrow)) for xrow in X]
    scores = list(map(model, inputs))
    losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    alpha = 1e-4
    reg_loss = alpha * sum(p * p for p in model.parameters())
    total_loss = data_loss + reg_loss
    accuracy = [(yi > 0) == (float(scorei.data) > 0) for yi, scorei in zip(y, scores)]
    acc = sum(accuracy) / len(accuracy)
    model.zero_grad()
    total_loss.backward()
    learning_rate = 1.0 - 0.9 * (k % 100) / 100
    for p in model.parameters():
        p.data -= learning_rate * p.grad
    return float(total_loss.data), float(acc)


class Engine:
    """A row of the table: how to make its model, how to wrap an input, a step counter."""

    def __init__(
        self,
        name: str,
        make_model: Callable[[], Any],
        node: Callable[[Any], Any],
        cycles: bool = False,
    ) -> None:
        self.name = name
        self.make_model = make_model
        self.node = node
        self.cycles = cycles  # graphs freed only by the cycle collector: collect in the time
        self.reset()

    def reset(self) -> None:
        """A fresh model with the shared initial weights, at step 0."""
        self.model = self.make_model()
        self.k = 0

    def steps(self, n: int, X: Any, y: Any) -> float:
        """Run `n` steps and release everything they made; return the last loss."""
        loss = 0.0
        for _ in range(n):
            loss, _ = train_step(self.model, self.node, X, y, self.k)
            self.k += 1
        if self.cycles:
            gc.collect()
        return loss


def load_parameters(model: Any, flat: Sequence[float]) -> None:
    params = model.parameters()
    if len(params) != len(flat):
        raise ValueError(f"expected {len(flat)} parameters, the model has {len(params)}")
    for p, v in zip(params, flat):
        p.data = v


def engines(flat: list[float]) -> list[Engine]:
    """micrograd (if installed) and autograd_lite's models, made with the same weights."""
    rows = []
    micrograd = _timing.optional("micrograd")
    if micrograd is not None:
        micrograd_nn = importlib.import_module("micrograd.nn")
        micrograd_value = importlib.import_module("micrograd.engine").Value

        def micrograd_mlp() -> Any:
            model = micrograd_nn.MLP(SIZES[0], list(SIZES[1:]))
            load_parameters(model, flat)
            return model

        rows.append(Engine("micrograd", micrograd_mlp, micrograd_value, cycles=True))

    rows.append(Engine("autograd_lite inline", lambda: MLP(flat, ag.Value, 0.0), ag.Value))

    if _value_mlp(flat) is not None:
        rows.append(Engine("autograd_lite ag.nn.ValueMLP", lambda: _value_mlp(flat), ag.Value))
    return rows


def torch_engine(flat: list[float]) -> Engine | None:
    """PyTorch scalar-style, imported only after the other engines are timed.

    Importing torch adds ~150,000 Python objects, which would make every full garbage
    collection during the other engines' steps ~80 ms slower.
    """
    torch = _timing.optional("torch")
    if torch is None:
        return None
    torch.set_num_threads(1)  # 0-d tensors: threads would only add overhead

    def leaf(v: float) -> Any:
        return torch.tensor(v, dtype=torch.float64, requires_grad=True)

    def node(v: float) -> Any:
        return torch.tensor(v, dtype=torch.float64)

    return Engine("torch scalar-style", lambda: MLP(flat, leaf, None), node)


def _value_mlp(flat: list[float]) -> Any:
    try:
        ValueMLP = importlib.import_module("autograd_lite.nn").ValueMLP
    except (ImportError, AttributeError):
        print("note: autograd_lite.nn.ValueMLP does not exist yet, so its row is skipped")
        return None
    try:
        model = ValueMLP(SIZES[0], list(SIZES[1:]))
        load_parameters(model, flat)
    except (TypeError, ValueError, AttributeError) as error:
        print(f"note: ag.nn.ValueMLP(2, [16, 16, 1]) could not be set up ({error}); skipped")
        return None
    return _FirstOutput(model)


class _FirstOutput:
    """Wrap a model whose last layer returns a one-element list, as micrograd's does not."""

    def __init__(self, model: Any) -> None:
        self.model = model

    def __call__(self, x: Any) -> Any:
        out = self.model(x)
        return out[0] if isinstance(out, list | tuple) else out

    def parameters(self) -> list[Any]:
        return list(self.model.parameters())

    def zero_grad(self) -> None:
        self.model.zero_grad()


def count_nodes(model: Any, X: Any, y: Any) -> int:
    """Nodes in one step's graph on autograd_lite (constants included)."""
    from autograd_lite.graph import topological_order

    inputs = [list(map(ag.Value, xrow)) for xrow in X]
    scores = list(map(model, inputs))
    losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores)]
    total = sum(losses) * (1.0 / len(losses)) + 1e-4 * sum(p * p for p in model.parameters())
    return len(topological_order(total))


def main() -> None:
    args = _timing.parse_args(__doc__)
    _timing.print_machine("scalar_mlp: micrograd's moons training step (MLP 2-16-16-1)")
    X, y = make_moons()
    flat = initial_parameters()
    nodes = count_nodes(MLP(flat, ag.Value, 0.0), X, y)
    print(f"nodes per step on autograd_lite, constants included: {nodes:,}")
    print()

    # Steps per timed run: a second or two each. The engines' runs are interleaved.
    steps = {"micrograd": 2, "torch scalar-style": 2}
    default_steps, repeat = (1, 2) if args.quick else (8, 7)
    first_loss: dict[str, float] = {}
    timings: dict[str, float] = {}

    timings_gc_off: dict[str, float] = {}

    def measure(group: list[Engine]) -> None:
        fns = {}
        for e in group:
            # The first step from the shared weights: every engine should give the same loss.
            first_loss[e.name] = e.steps(1, X, y)
            e.reset()
            n = 1 if args.quick else steps.get(e.name, default_steps)
            fns[e.name] = functools.partial(e.steps, n, X, y)
        for name, seconds in _timing.best_of_each(fns, repeat).items():
            timings[name] = seconds / fns[name].args[0]
            print(f"timed {name}: best of {repeat} runs of {fns[name].args[0]} steps")
        gc.disable()
        try:
            for name, seconds in _timing.best_of_each(fns, repeat).items():
                timings_gc_off[name] = seconds / fns[name].args[0]
        finally:
            gc.enable()
        print(f"  and again with the garbage collector off; {_timing.load()}")

    measure(engines(flat))
    torch = torch_engine(flat)
    if torch is not None:
        measure([torch])
    print()

    print("loss at the first step (same weights, same data: these should agree):")
    for name, loss in first_loss.items():
        print(f"  {name:30s} {loss:.15f}")
    print()

    reference = timings.get("micrograd")
    reference_off = timings_gc_off.get("micrograd")
    table = []
    for name, seconds in timings.items():
        off = timings_gc_off[name]
        speedup = "-" if reference is None else f"{reference / seconds:.2f}x"
        speedup_off = "-" if reference_off is None else f"{reference_off / off:.2f}x"
        table.append((name, seconds * 1e3, 1.0 / seconds, speedup, off * 1e3, speedup_off))
    print("GC on: Python's defaults, as in a training loop (the figures the target is for).")
    print("GC off: the collector disabled during the steps (micrograd's runs still end with")
    print("one gc.collect()): the engines' own cost, without the collector's full passes.")
    _timing.print_table(
        (
            "engine",
            "ms/step",
            "steps/s",
            "micrograd / this",
            "GC off: ms/step",
            "micrograd / this",
        ),
        table,
    )
    ours = timings["autograd_lite inline"]
    if reference is not None:
        print(
            f"autograd_lite inline is {reference / ours:.2f}x micrograd's steps/s "
            f"(target: at least {TARGET:g}x)"
        )
    else:
        print(f"no micrograd: no ratio (target: at least {TARGET:g}x micrograd's steps/s)")
    if "torch scalar-style" in timings:
        print(
            f"torch scalar-style takes {timings['torch scalar-style'] / ours:.2f}x the time of "
            "autograd_lite inline per step: per-node overhead, not PyTorch's tensor speed"
        )
    _timing.print_end()


if __name__ == "__main__":
    main()
