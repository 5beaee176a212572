"""Tensor MLP: one SGD step of a 784-256-128-10 ReLU MLP, against hand-written NumPy.

Workload: a batch of 128 random inputs (784 features, standard normal) with random
labels 0-9, fixed seed; an MLP 784-256-128-10 with ReLU hidden layers; the loss is
cross-entropy written as `-(logits.log_softmax(axis=-1)[rows, labels]).mean()`;
backward; the SGD update `W.data -= lr * W.grad` and `W.grad = None`; the graph dropped.
In float32 and in float64.

Rows:
* `numpy by hand`: the same math written out in NumPy (the reference): the matmuls,
  the ReLU masks, the stable log-softmax, its gradient `(softmax - onehot) / B`, the
  weight gradients and the update. This is the floor for any engine built on NumPy: the
  same BLAS calls with no graph at all.
* `autograd_lite`: `ag.Tensor`s, the graph recorded and walked by the engine.
* `torch`: PyTorch on the same math (`torch.log_softmax`, indexing, `mean`), with
  `torch.set_num_threads` set to NumPy's BLAS thread count, so both use as many cores.
  Timed after the other two, not interleaved with them: its threads and OpenBLAS's
  spin-wait after each call and slow each other down when they take turns.

Before timing, one step from identical weights checks that autograd_lite's gradients
equal the NumPy reference's (max abs difference printed; expected below 1e-5 in float32
and 1e-10 in float64), so the table compares the same computation.

Reading the table: ms/step is the best of N runs (NumPy's and ours interleaved);
`/ numpy` is this row's time over NumPy's: the engine's overhead on top of the
arithmetic (target for autograd_lite: at most 1.05x).

The float64 step's weight gradient and its update are arrays of 1.6 MB. With glibc's
default settings, whether their pages are kept for the next step or faulted in afresh
(752 page faults a step) depends on where they land in the heap, so either row's time
swung by up to 1.5x between processes. The engine's first backward pass (here, in the
gradient check) asks glibc to keep freed memory (`autograd_lite.memory`), for the whole
process: both rows run with it, as a learner's own loop does.

Two cores do the BLAS work by default; when other jobs share them, a BLAS thread that
waits for its core slows every matmul, and the figures swing. `--blas-threads 1` gives
steadier ones.

Run: `python bench/tensor_mlp.py` (add `--quick` for a smoke run, `--blas-threads N`).
"""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Callable
from typing import Any

import _timing
import numpy as np

import autograd_lite as ag
from autograd_lite.memory import keep_freed_memory

SIZES = (784, 256, 128, 10)
BATCH = 128
LR = 0.01
SEED = 0
TARGET = 1.05
TOLERANCE = {np.float32: 1e-5, np.float64: 1e-10}


def make_problem(dtype: Any) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """Inputs, labels and He-initialised weights and biases [W1, b1, W2, b2, W3, b3]."""
    rng = np.random.default_rng(SEED)
    x = rng.standard_normal((BATCH, SIZES[0])).astype(dtype)
    labels = rng.integers(0, SIZES[-1], size=BATCH)
    params: list[np.ndarray] = []
    for nin, nout in itertools.pairwise(SIZES):
        params.append((rng.standard_normal((nin, nout)) * np.sqrt(2.0 / nin)).astype(dtype))
        params.append(np.zeros(nout, dtype=dtype))
    return x, labels, params


# ---------------------------------------------------------------- NumPy by hand
def numpy_grads(params: list[np.ndarray], x: np.ndarray, labels: np.ndarray) -> list[np.ndarray]:
    """Forward and backward of the MLP and its cross-entropy, written out."""
    W1, b1, W2, b2, W3, b3 = params
    rows = np.arange(len(labels))
    z1 = x @ W1 + b1
    a1 = np.maximum(z1, 0)
    z2 = a1 @ W2 + b2
    a2 = np.maximum(z2, 0)
    logits = a2 @ W3 + b3
    shifted = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    total = e.sum(axis=1, keepdims=True)
    logp = shifted - np.log(total)
    loss = -logp[rows, labels].mean()
    # d loss / d logits = (softmax - onehot) / B
    d3 = e / total
    d3[rows, labels] -= 1
    d3 /= len(labels)
    d2 = (d3 @ W3.T) * (z2 > 0)
    d1 = (d2 @ W2.T) * (z1 > 0)
    del loss
    return [x.T @ d1, d1.sum(axis=0), a1.T @ d2, d2.sum(axis=0), a2.T @ d3, d3.sum(axis=0)]


def numpy_step(params: list[np.ndarray], x: np.ndarray, labels: np.ndarray) -> None:
    for p, g in zip(params, numpy_grads(params, x, labels)):
        p -= LR * g


# ---------------------------------------------------------------- autograd_lite
def ours_loss(params: list[ag.Tensor], x: ag.Tensor, labels: np.ndarray) -> ag.Tensor:
    W1, b1, W2, b2, W3, b3 = params
    h1 = (x @ W1 + b1).relu()
    h2 = (h1 @ W2 + b2).relu()
    logits = h2 @ W3 + b3
    return -logits.log_softmax(axis=-1)[np.arange(len(labels)), labels].mean()


def ours_step(params: list[ag.Tensor], x: ag.Tensor, labels: np.ndarray) -> None:
    ours_loss(params, x, labels).backward()
    for p in params:
        p.data -= LR * p.grad
        p.grad = None


# ---------------------------------------------------------------- torch
def torch_step_fn(
    torch: Any, arrays: list[np.ndarray], x: np.ndarray, labels: np.ndarray
) -> Callable[[], None]:
    params = [torch.tensor(a, requires_grad=True) for a in arrays]
    tx = torch.from_numpy(x.copy())
    tlabels = torch.from_numpy(labels)
    rows = torch.arange(len(labels))

    def step() -> None:
        W1, b1, W2, b2, W3, b3 = params
        h1 = (tx @ W1 + b1).relu()
        h2 = (h1 @ W2 + b2).relu()
        logits = h2 @ W3 + b3
        loss = -torch.log_softmax(logits, dim=-1)[rows, tlabels].mean()
        loss.backward()
        with torch.no_grad():
            for p in params:
                p -= LR * p.grad
                p.grad = None

    return step


def check_gradients(dtype: Any) -> float:
    """Max abs difference between our gradients and the NumPy reference's, one step."""
    x, labels, arrays = make_problem(dtype)
    params = [ag.Tensor(a, requires_grad=True) for a in arrays]
    ours_loss(params, ag.Tensor(x), labels).backward()
    reference = numpy_grads(arrays, x, labels)
    for p, g in zip(params, reference):
        if p.grad.dtype != g.dtype or p.grad.shape != g.shape:
            raise RuntimeError(f"gradient {p.grad.dtype}{p.grad.shape} vs {g.dtype}{g.shape}")
    return max(float(np.max(np.abs(p.grad - g))) for p, g in zip(params, reference))


def add_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--blas-threads",
        type=int,
        help="limit NumPy's BLAS (and torch) to this many threads, via threadpoolctl: "
        "1 gives steadier figures when other jobs share the cores",
    )


def time_ours_and_numpy(number: int, repeat: int) -> dict[str, dict[str, float]]:
    """Seconds per step of NumPy by hand and autograd_lite, interleaved, per dtype."""
    timings: dict[str, dict[str, float]] = {}
    for dtype in (np.float32, np.float64):
        x, labels, arrays = make_problem(dtype)
        np_params = [a.copy() for a in arrays]
        ag_params = [ag.Tensor(a, requires_grad=True) for a in arrays]
        ag_x = ag.Tensor(x)
        fns = {
            "numpy by hand": lambda p=np_params, x=x, y=labels: numpy_step(p, x, y),
            "autograd_lite": lambda p=ag_params, x=ag_x, y=labels: ours_step(p, x, y),
        }
        timings[np.dtype(dtype).name] = _timing.best_of_each(fns, repeat, number, warmup=3)
        runs = f"best of {repeat} runs of {number} steps, the two rows interleaved"
        print(f"timed {np.dtype(dtype).name}: {runs}; {_timing.load()}")
    return timings


def print_ratios(timings: dict[str, dict[str, float]]) -> None:
    for dtype_name, rows in timings.items():
        ratio = rows["autograd_lite"] / rows["numpy by hand"]
        target = f"target: at most {TARGET:.2f}x"
        print(f"{dtype_name}: autograd_lite takes {ratio:.3f}x NumPy's time ({target})")


def main() -> None:
    args = _timing.parse_args(__doc__, extra=add_options)
    if args.blas_threads is not None:
        try:
            from threadpoolctl import threadpool_limits
        except ImportError:
            raise SystemExit(
                "--blas-threads needs threadpoolctl: pip install threadpoolctl"
            ) from None
        threadpool_limits(limits=args.blas_threads, user_api="blas")
    _timing.print_machine("tensor_mlp: MLP 784-256-128-10, batch 128, cross-entropy, SGD")
    threads = _timing.blas_threads()

    print("gradients, autograd_lite vs NumPy by hand (one step, same weights):")
    for dtype in (np.float32, np.float64):
        diff = check_gradients(dtype)
        name, tolerance = np.dtype(dtype).name, TOLERANCE[dtype]
        print(f"  {name}: max abs difference {diff:.3g} (expected < {tolerance:g})")
    print()

    number, repeat = (2, 2) if args.quick else (10, 15)
    timings = time_ours_and_numpy(number, repeat)
    # torch runs after, not interleaved: its thread pool and OpenBLAS's both spin-wait
    # after a call, so on two cores, taking turns, each slowed the other (up to 5x).
    torch = _timing.optional("torch")
    if torch is not None:
        if threads is not None:
            torch.set_num_threads(threads)
        print(f"torch.set_num_threads({torch.get_num_threads()}), as NumPy's BLAS has {threads}")
        for dtype in (np.float32, np.float64):
            x, labels, arrays = make_problem(dtype)
            step = torch_step_fn(torch, arrays, x, labels)
            name = np.dtype(dtype).name
            timings[name]["torch"] = _timing.best_of(step, repeat, number, warmup=3)
            print(f"timed torch {name}: best of {repeat} runs of {number} steps; {_timing.load()}")
    print()

    table = []
    for dtype_name, rows in timings.items():
        reference = rows["numpy by hand"]
        for engine, seconds in rows.items():
            table.append((dtype_name, engine, seconds * 1e3, _timing.ratio(seconds, reference)))
    _timing.print_table(("dtype", "engine", "ms/step", "/ numpy"), table)
    print_ratios(timings)
    kept = "keeps freed memory" if keep_freed_memory() else "runs with the system's settings"
    print(f"allocator: glibc {kept} (asked for at the first backward pass)")
    _timing.print_end()


if __name__ == "__main__":
    main()
