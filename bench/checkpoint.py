"""Checkpointing: the memory a deep MLP's training step saves, and the time it costs.

Workload: an MLP of 32 blocks `Linear(256, 256)` then `tanh`, float64, batch 256, the
loss `mean(out^2)`; one step is the forward pass, `loss.backward()` and the release of
the graph. Rows: no checkpoint (the reference), then `ag.checkpoint` around every
segment of k blocks, for k = 2, 4, 8 and 16. With segments of k blocks, the graph kept
between the passes holds the 32/k segment outputs instead of every block's arrays, and
backward recomputes one segment at a time (its arrays live only while it is processed):
about 32/k + k blocks' worth of activations instead of 32, for one more forward pass.

Memory is the peak of `tracemalloc` (NumPy reports its arrays to it) during one step,
above what was allocated before it (the weights, the input): the arrays of the forward
pass, the gradients and what backward allocates. Time is the best of N steps, the rows
interleaved, with glibc keeping freed memory for reuse as `ag.train`'s loops do. `saved`
is 1 - peak / the reference's peak; `time` is the step's time over the reference's. The
gradients of every row equal the reference's (checked).

Run: `python bench/checkpoint.py` (`--quick` for a smoke run).
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from typing import Any

import _timing
import numpy as np

import autograd_lite as ag
from autograd_lite.memory import keep_freed_memory

DEPTH, WIDTH, BATCH = 32, 256, 256


def make_model(seed: int = 0) -> list[Any]:
    blocks = []
    for i in range(DEPTH):
        blocks.append(ag.nn.Sequential(ag.nn.Linear(WIDTH, WIDTH, seed=seed + i), ag.nn.Tanh()))
    return blocks


def step(blocks: list[Any], x: Any, every: int | None) -> None:
    """Forward, backward, release: one training step (the update left out)."""
    h = x
    if every is None:
        for block in blocks:
            h = block(h)
    else:
        for start in range(0, DEPTH, every):
            segment = ag.nn.Sequential(*blocks[start : start + every])
            h = ag.checkpoint(segment, h)
    loss = (h * h).mean()
    loss.backward()


def peak_bytes(fn: Callable[[], object]) -> int:
    """The peak traced allocation during fn, above the allocation before it."""
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    tracemalloc.reset_peak()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak - before


def main() -> None:
    args = _timing.parse_args(__doc__)
    repeat = 3 if args.quick else 10
    keep_freed_memory()  # as the training loops do: fresh pages for every array cost faults
    _timing.print_machine(f"checkpoint: MLP of {DEPTH} blocks Linear({WIDTH}, {WIDTH}) + tanh")
    rng = np.random.default_rng(0)
    x = ag.Tensor(rng.normal(size=(BATCH, WIDTH)))
    blocks = make_model()
    params = [p for block in blocks for p in block.parameters()]
    rows_k: list[int | None] = [None, 2, 4, 8, 16]

    def zero() -> None:
        for p in params:
            p.grad = None

    reference: list[np.ndarray] = []
    for every in rows_k:
        zero()
        step(blocks, x, every)
        grads = [p.grad.copy() for p in params]
        if every is None:
            reference = grads
        worst = max(float(np.max(np.abs(a - b))) for a, b in zip(grads, reference))
        assert worst < 1e-12, f"checkpoint every {every}: gradients differ by {worst}"
    print("gradients with every checkpointing equal those without (to 1e-12)")

    memory = {}
    for every in rows_k:
        zero()
        memory[every] = peak_bytes(lambda every=every: step(blocks, x, every))

    def timed(every: int | None) -> Callable[[], None]:
        def run() -> None:
            zero()
            step(blocks, x, every)

        return run

    times = _timing.best_of_each({str(k): timed(k) for k in rows_k}, repeat)
    print(f"timed: best of {repeat} steps per row, the rows interleaved; {_timing.load()}\n")
    rows = []
    for every in rows_k:
        t, m = times[str(every)], memory[every]
        rows.append([
            "none" if every is None else f"every {every} blocks",
            m / 2**20,
            f"{1 - m / memory[None]:.0%}",
            t * 1e3,
            f"{t / times['None']:.2f}x",
        ])  # fmt: skip
    _timing.print_table(["checkpoint", "peak MiB", "saved", "ms/step", "time"], rows)
    best = min(rows_k[1:], key=lambda k: memory[k])
    print(
        f"every {best} blocks: {1 - memory[best] / memory[None]:.0%} less peak memory for "
        f"{times[str(best)] / times['None']:.2f}x the time of a step"
    )
    _timing.print_end()


if __name__ == "__main__":
    main()
