"""Op overhead: 1,000 elementwise ops on tiny Tensors, forward and backward.

Workload: a chain of 1,000 ops on shape-(4,) float64 Tensors, cycling through five:
`y * 0.5` (a constant), `y + a` (a Tensor parameter, so the backward pass accumulates
into it 200 times), `tanh`, `sigmoid`, `exp`. The values stay in (1, e) after every
`exp` and the gradient at the input near 1e-230: finite, and not subnormal (which
would slow down NumPy). Then backward from the last node with an upstream gradient of
ones, to both leaves `x` and `a`. With four numbers per op the arithmetic is nothing: the
time is each engine's fixed cost per op.

Rows:
* `numpy by hand` (the reference): the same forward ufuncs (sigmoid computed as
  autograd_lite computes it, `exp(-logaddexp(0, -x))`), keeping what backward needs, and
  the same backward math by hand (`g * e`, `g * s(1 - s)`, `g * (1 - t^2)`, `ga += g`,
  `g * 0.5`). This is the floor: NumPy's own cost per call, with no graph.
* `autograd_lite`: `ag.Tensor`s, recording the graph, then `y.backward(ones)`.
* `torch`: the same chain on float64 `torch.tensor`s, then `y.backward(ones)`.

Columns: µs per op for forward + backward, the graph dropped at the end (its release
included), then the forward alone (recording the graph, which is kept until the clock
stops) and the backward alone (on a graph built beforehand; autograd_lite's backward
also cuts the graph's links, releasing it). Each is the time for the whole chain divided
by 1,000, best of N runs. `/ numpy` is a row's forward + backward time over NumPy's.
Targets for autograd_lite: at most 3 µs per op, forward + backward, and at most half of
PyTorch's time per op, measured in the same run.

Run: `python bench/op_overhead.py` (add `--quick` for a smoke run).
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import Any

import _timing
import numpy as np

import autograd_lite as ag

CYCLES = 200
OPS = 5 * CYCLES
TARGET_US = 3.0


def best_forward(build: Callable[[], Any], repeat: int) -> float:
    """Seconds for `build()`, the graph it returns kept until the clock has stopped."""
    build()  # warm-up
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        graph = build()
        best = min(best, time.perf_counter() - start)
        del graph
    return best


def best_backward(
    build: Callable[[], Any], backward: Callable[[Any], object], repeat: int
) -> float:
    """Seconds for `backward(graph)`, the graph built by `build()` outside the time."""
    backward(build())  # warm-up
    best = float("inf")
    for _ in range(repeat):
        # Collect before the build: a collection between build and clock would walk the
        # whole heap and evict the graph from the CPU caches (15-35% slower, measured).
        gc.collect()
        graph = build()
        start = time.perf_counter()
        backward(graph)
        best = min(best, time.perf_counter() - start)
        del graph
    return best


# ---------------------------------------------------------------- NumPy by hand
def numpy_sigmoid(x: np.ndarray) -> np.ndarray:
    return np.exp(-np.logaddexp(0.0, -x))


def numpy_forward(x: np.ndarray, a: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    saved: list[np.ndarray] = []
    y = x
    for _ in range(CYCLES):
        y = y * 0.5
        y = y + a
        t = np.tanh(y)
        s = numpy_sigmoid(t)
        y = np.exp(s)
        saved += (t, s, y)
    return y, saved


def numpy_backward(state: tuple[np.ndarray, list[np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    y, saved = state
    g = np.ones_like(y)
    ga = np.zeros_like(y)
    for i in range(len(saved) - 3, -1, -3):
        t, s, e = saved[i], saved[i + 1], saved[i + 2]
        g = g * e  # exp' = exp
        g = g * (s * (1.0 - s))  # sigmoid' = s(1 - s)
        g = g * (1.0 - t * t)  # tanh' = 1 - t^2
        ga = ga + g  # add: 1 to both inputs
        g = g * 0.5  # mul by a constant
    return g, ga


# ---------------------------------------------------------------- autograd_lite
def ours_forward(x: ag.Tensor, a: ag.Tensor) -> ag.Tensor:
    y = x
    for _ in range(CYCLES):
        y = y * 0.5
        y = y + a
        y = y.tanh()
        y = y.sigmoid()
        y = y.exp()
    return y


def ours_fns(x0: np.ndarray, a0: np.ndarray) -> tuple[Any, Any]:
    x = ag.Tensor(x0, requires_grad=True)
    a = ag.Tensor(a0, requires_grad=True)
    ones = np.ones(x.shape)

    def forward() -> ag.Tensor:
        return ours_forward(x, a)

    def backward(y: ag.Tensor) -> None:
        x.grad = a.grad = None
        y.backward(ones)

    return forward, backward


# ---------------------------------------------------------------- torch
def torch_fns(torch: Any, x0: np.ndarray, a0: np.ndarray) -> tuple[Any, Any]:
    x = torch.tensor(x0, requires_grad=True)
    a = torch.tensor(a0, requires_grad=True)
    ones = torch.ones(x.shape, dtype=torch.float64)

    def forward() -> Any:
        y = x
        for _ in range(CYCLES):
            y = y * 0.5
            y = y + a
            y = y.tanh()
            y = y.sigmoid()
            y = y.exp()
        return y

    def backward(y: Any) -> None:
        x.grad = a.grad = None
        y.backward(ones)

    return forward, backward


def check(x0: np.ndarray, a0: np.ndarray) -> float:
    """Max abs difference of d(sum y)/dx and /da, autograd_lite vs NumPy by hand."""
    x = ag.Tensor(x0, requires_grad=True)
    a = ag.Tensor(a0, requires_grad=True)
    ours_forward(x, a).backward(np.ones(x.shape))
    gx, ga = numpy_backward(numpy_forward(x0, a0))
    diff = max(float(np.max(np.abs(x.grad - gx))), float(np.max(np.abs(a.grad - ga))))
    return diff / float(np.max(np.abs(np.concatenate([gx, ga]))))


def main() -> None:
    args = _timing.parse_args(__doc__)
    _timing.print_machine("op_overhead: a chain of 1,000 elementwise ops on shape (4,)")
    rng = np.random.default_rng(0)
    x0 = rng.uniform(-1.0, 1.0, 4)
    a0 = rng.uniform(0.0, 0.2, 4)
    print(
        f"gradients, autograd_lite vs NumPy by hand: max relative difference {check(x0, a0):.2g}"
    )
    print()

    repeat, number = (3, 2) if args.quick else (30, 5)
    engines: dict[str, tuple[Callable[[], Any], Callable[[Any], object]]] = {
        "numpy by hand": (lambda: numpy_forward(x0, a0), numpy_backward),
        "autograd_lite": ours_fns(x0, a0),
    }
    torch = _timing.optional("torch")
    if torch is not None:
        torch.set_num_threads(1)  # four numbers: threads would only add overhead
        engines["torch"] = torch_fns(torch, x0, a0)

    def total(forward: Callable[[], Any], backward: Callable[[Any], object]) -> Callable[[], None]:
        def run() -> None:
            backward(forward())

        return run

    both = _timing.best_of_each({n: total(f, b) for n, (f, b) in engines.items()}, repeat, number)
    fwd = {n: best_forward(f, repeat * number) for n, (f, _) in engines.items()}
    bwd = {n: best_backward(f, b, repeat * number) for n, (f, b) in engines.items()}
    print(f"timed: best of {repeat} runs of {number} chains each; {_timing.load()}")
    print()

    us = 1e6 / OPS
    reference = both["numpy by hand"]
    table = [
        (
            name,
            both[name] * us,
            fwd[name] * us,
            bwd[name] * us,
            _timing.ratio(both[name], reference),
        )
        for name in engines
    ]
    _timing.print_table(
        ("engine", "µs/op fwd+bwd", "µs/op fwd", "µs/op bwd", "/ numpy (fwd+bwd)"), table
    )
    ours = both["autograd_lite"] * us
    target = f"target: at most {TARGET_US:g} µs"
    print(f"autograd_lite: {ours:.2f} µs per op, forward + backward ({target})")
    if "torch" in both:
        ratio = both["autograd_lite"] / both["torch"]
        print(f"autograd_lite / torch: {ratio:.3f}x the time per op (target: at most 0.5x)")
    _timing.print_end()


if __name__ == "__main__":
    main()
