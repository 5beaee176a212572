"""The CNN on 8x8 digits: test accuracy and time of a full run, and time per step vs PyTorch.

Workload: `autograd-lite train --dataset digits --model cnn` with its defaults:
scikit-learn's 1,797 8x8 digits (pixels scaled to [0, 1]) as images (N, 1, 8, 8), a
stratified 75/25 split, `ag.models.digits_cnn` in float32 (conv 3x3 32 + ReLU + max pool 2,
conv 3x3 64 + ReLU + max pool 2, dropout 0.25, linear 256-128 + ReLU, dropout 0.25, linear
128-10; 53,002 parameters), cross-entropy, Adam from lr 0.002 annealed to 0 by a cosine over
30 epochs, mini-batches of 32 reshuffled every epoch.

Part 1, the full run, as the command line does it, for seeds 0-4 (0-1 with `--quick`):
test accuracy and seconds. Targets: at least 98.3% test accuracy, in at most 60 s.

Part 2, seconds per training step: one step (forward, loss, zero_grad, backward, Adam
step) of the same model on the same batches, against `torch.nn` with the same layers and
initial weights (`tests/torch_twins.py`), float32 both; torch uses as many threads as
NumPy's BLAS (`--threads N` sets both). Rows timed interleaved, best of N. Target:
autograd_lite / torch at most 1.5x.

Run: `python bench/train_cnn.py` (add `--quick` for a smoke run, `--threads 1` to pin).
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import _timing
import numpy as np

import autograd_lite as ag
from autograd_lite import train
from autograd_lite.memory import keep_freed_memory
from autograd_lite.models import digits_cnn

sys.path.insert(0, str(_timing.ROOT / "tests"))

TARGET_ACCURACY = 0.983
TARGET_SECONDS = 60.0
TARGET_RATIO = 1.5
BATCH = 32


def set_threads(threads: int | None) -> int | None:
    """Pin NumPy's BLAS (through threadpoolctl) to `threads`; return the count in use."""
    if threads is not None:
        try:
            from threadpoolctl import threadpool_limits
        except ImportError:
            print("note: threadpoolctl is not installed, so --threads cannot pin NumPy's BLAS")
        else:
            threadpool_limits(threads)
    return _timing.blas_threads()


def full_runs(seeds: range) -> None:
    rows, accuracies, times = [], [], []
    for seed in seeds:
        result = train.run(train.default_config("digits", model="cnn", seed=seed), progress=False)
        assert result.test_accuracy is not None
        accuracies.append(result.test_accuracy)
        times.append(result.history.seconds)
        rows.append((seed, f"{100 * result.test_accuracy:.1f}%", result.history.seconds))
    rows.append(("mean", f"{100 * statistics.mean(accuracies):.1f}%", statistics.mean(times)))
    print(f"full runs (30 epochs, {_timing.load()}):")
    _timing.print_table(("seed", "test accuracy", "seconds"), rows)
    worst, slowest = min(accuracies), max(times)
    ok = worst >= TARGET_ACCURACY and slowest <= TARGET_SECONDS
    print(
        f"worst seed {100 * worst:.1f}%, slowest {slowest:.1f} s: {'meets' if ok else 'MISSES'} "
        f"the target of at least {100 * TARGET_ACCURACY:.1f}% within {TARGET_SECONDS:g} s\n"
    )


def ours_step(X: np.ndarray, y: np.ndarray, batches: list[np.ndarray]) -> Callable[[], None]:
    model = digits_cnn(seed=0)
    model.train()
    opt = ag.optim.Adam(model.parameters(), lr=0.002)
    state = {"i": 0}

    def step() -> None:
        rows = batches[state["i"] % len(batches)]
        state["i"] += 1
        loss = ag.nn.cross_entropy(model(X[rows]), y[rows])
        opt.zero_grad()
        loss.backward()
        opt.step()
        loss.item()

    return step


def torch_step(
    torch: Any, X: np.ndarray, y: np.ndarray, batches: list[np.ndarray]
) -> Callable[[], None]:
    import torch_twins

    model = torch_twins.load_from(torch_twins.digits_cnn(), digits_cnn(seed=0).state_dict())
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=0.002)
    X_t, y_t = torch.from_numpy(X), torch.from_numpy(y).long()
    cross_entropy = torch.nn.functional.cross_entropy
    state = {"i": 0}

    def step() -> None:
        rows = torch.from_numpy(batches[state["i"] % len(batches)])
        state["i"] += 1
        loss = cross_entropy(model(X_t[rows]), y_t[rows])
        opt.zero_grad()
        loss.backward()
        opt.step()
        loss.item()

    return step


def step_times(quick: bool, threads: int | None) -> None:
    config = train.default_config("digits", model="cnn")
    X, y, _ = train.load_dataset(config)
    X_train, _, y_train, _ = ag.data.train_test_split(X, y, test_size=0.25, seed=0, stratify=y)
    order = np.random.default_rng(0).permutation(len(X_train))
    batches = [order[i : i + BATCH] for i in range(0, len(order) - BATCH + 1, BATCH)]
    rows: dict[str, Callable[[], None]] = {"autograd_lite": ours_step(X_train, y_train, batches)}
    torch = _timing.optional("torch")
    if torch is not None:
        if threads:
            torch.set_num_threads(threads)
        rows["torch"] = torch_step(torch, X_train, y_train, batches)
    repeat, number = (2, 5) if quick else (7, 42)
    best = _timing.best_of_each(rows, repeat=repeat, number=number, warmup=number)
    print(
        f"seconds per training step (batch {BATCH}, float32, {threads} BLAS/torch threads; best "
        f"of {repeat} runs of {number} steps; {_timing.load()}):"
    )
    reference = best.get("torch")
    table = [
        (name, seconds * 1e3, "-" if reference is None else _timing.ratio(seconds, reference))
        for name, seconds in best.items()
    ]
    _timing.print_table(("engine", "ms/step", "/ torch"), table)
    if reference is not None:
        ratio = best["autograd_lite"] / reference
        verdict = "meets" if ratio <= TARGET_RATIO else "MISSES"
        print(
            f"autograd_lite takes {ratio:.2f}x PyTorch's time per step: {verdict} the target "
            f"of at most {TARGET_RATIO:g}x\n"
        )


def main() -> None:
    args = _timing.parse_args(
        __doc__, extra=lambda p: p.add_argument("--threads", type=int, default=None)
    )
    threads = set_threads(args.threads)  # before torch loads a BLAS of its own
    keep_freed_memory()  # what the training loops do; in effect for both libraries here
    _timing.print_machine("train_cnn: a small CNN on 8x8 digits, Adam, batch 32")
    try:
        import sklearn  # noqa: F401  (load_digits reads its copy of the data)
    except ImportError:
        print('note: scikit-learn is not installed: pip install "autograd_lite[digits]"')
        return
    start = time.perf_counter()
    full_runs(range(2 if args.quick else 5))
    step_times(args.quick, threads)
    print(f"(the script took {time.perf_counter() - start:.0f} s)")
    _timing.print_end()


if __name__ == "__main__":
    main()
