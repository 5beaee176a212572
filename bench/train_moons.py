"""Training on two moons: seconds to 97% test accuracy, and seconds per epoch vs PyTorch.

Workload: `autograd-lite train --dataset moons` with its defaults: 1,000 points of
`ag.data.make_moons` (noise 0.1), a stratified 75/25 split, an MLP 2-16-16-2 (ReLU) in
float64, cross-entropy, Adam (lr 0.01), mini-batches of 32 reshuffled every epoch.

Part 1, time to target: from building the model to the end of the first epoch after which
the test accuracy is >= 97% (the accuracy checked after every epoch, and counted in the
time), for seeds 0-4; the table shows each seed and the median. Target: under 2 s.

Part 2, seconds per epoch: one epoch of the training loop of `autograd_lite.train` (the
loop `autograd-lite train` runs: batches from `ag.data.DataLoader`, forward, loss,
`zero_grad`, `backward`, `step`, the loss read back with `.item()`), against the same
model, loss, optimizer and batches in PyTorch CPU, written the way a PyTorch user would
(`torch.nn.Sequential`, `F.cross_entropy`, `torch.optim.Adam`), in float64 like ours and
in float32 (PyTorch's default) for reference; torch uses as many threads as NumPy's BLAS.
Rows are timed interleaved, best of N. Target: autograd_lite / torch float64 <= 1.2x.

Run: `python bench/train_moons.py` (add `--quick` for a smoke run).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

import _timing
import numpy as np

import autograd_lite as ag
from autograd_lite import train

TARGET_ACCURACY = 0.97
TARGET_SECONDS = 2.0
TARGET_RATIO = 1.2


def time_to_accuracy(
    config: train.TrainConfig, target: float, max_epochs: int = 500
) -> tuple[float, int, float]:
    """Train from scratch; return (seconds, epochs, accuracy) when test accuracy >= target.

    The data set is made before the clock starts; the model, the optimizer, every epoch
    and every evaluation are timed.
    """
    X, y, n_classes = train.load_dataset(config)
    X_train, X_test, y_train, y_test = ag.data.train_test_split(
        X, y, test_size=config.test_size, seed=config.seed, stratify=y
    )
    start = time.perf_counter()
    model = train.build_model(config, X.shape[1], n_classes)
    opt = train.build_optimizer(config, model)
    loader = ag.data.DataLoader(X_train, y_train, config.batch_size, seed=config.seed)
    accuracy = 0.0
    for epoch in range(1, max_epochs + 1):
        model.train()
        train._epoch(model, ag.nn.cross_entropy, opt, loader, epoch)
        accuracy = train.accuracy(model, X_test, y_test)
        if accuracy >= target:
            return time.perf_counter() - start, epoch, accuracy
    return float("inf"), max_epochs, accuracy


def report_time_to_accuracy(
    dataset: str, target: float, target_seconds: float, seeds: range
) -> None:
    rows, times = [], []
    for seed in seeds:
        config = train.default_config(dataset, seed=seed)
        seconds, epochs, accuracy = time_to_accuracy(config, target)
        times.append(seconds)
        rows.append((seed, epochs, f"{100 * accuracy:.1f}%", seconds))
    median = statistics.median(times)
    rows.append(("median", "", "", median))
    print(f"time to {100 * target:.0f}% test accuracy ({dataset} defaults, {_timing.load()}):")
    _timing.print_table(("seed", "epochs", "test accuracy", "seconds"), rows)
    verdict = "meets" if median < target_seconds else "MISSES"
    print(f"median {median:.2f} s: {verdict} the target of under {target_seconds:g} s\n")


# ---------------------------------------------------------------- seconds per epoch


def ours_epoch(
    config: train.TrainConfig, X: np.ndarray, y: np.ndarray, n_out: int
) -> Callable[[], object]:
    """One epoch of autograd_lite's training loop, on a model kept between calls."""
    model = train.build_model(config, X.shape[1], n_out)
    opt = train.build_optimizer(config, model)
    loader = ag.data.DataLoader(X, y, config.batch_size, seed=config.seed)

    def epoch() -> float:
        return train._epoch(model, ag.nn.cross_entropy, opt, loader, 1)

    return epoch


def torch_epoch(
    torch: Any, config: train.TrainConfig, X: np.ndarray, y: np.ndarray, n_out: int, dtype: Any
) -> Callable[[], object]:
    """The same epoch in PyTorch: same sizes, initial weights, batches and Adam."""
    ours = train.build_model(config, X.shape[1], n_out)
    activations = {"ReLU": torch.nn.ReLU, "Tanh": torch.nn.Tanh, "Sigmoid": torch.nn.Sigmoid}
    layers: list[Any] = []
    for module in ours:  # type: ignore[attr-defined]
        if isinstance(module, ag.nn.Linear):
            layers.append(torch.nn.Linear(module.in_features, module.out_features))
        else:
            layers.append(activations[type(module).__name__]())
    model = torch.nn.Sequential(*layers).to(dtype)
    model.load_state_dict({k: torch.from_numpy(v).to(dtype) for k, v in ours.state_dict().items()})
    opt = torch.optim.Adam(model.parameters(), lr=config.lr)
    X_t = torch.from_numpy(X).to(dtype)
    y_t = torch.from_numpy(y).long()
    loader = ag.data.DataLoader(X, y, config.batch_size, seed=config.seed)
    cross_entropy = torch.nn.functional.cross_entropy

    def epoch() -> float:
        total = 0.0
        for rows in _row_batches(loader):
            idx = torch.from_numpy(rows)
            loss = cross_entropy(model(X_t[idx]), y_t[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(rows)
        return total / len(X)

    return epoch


def _row_batches(loader: ag.data.DataLoader) -> Any:
    """The loader's batches as row numbers (the same shuffles as the loader would make)."""
    n = len(loader.X)
    order = loader._rng.permutation(n)
    for start in range(0, n, loader.batch_size):
        yield order[start : start + loader.batch_size]


def report_epoch_times(dataset: str, quick: bool, target_ratio: float) -> None:
    config = train.default_config(dataset)
    X, y, n_classes = train.load_dataset(config)
    X_train, _, y_train, _ = ag.data.train_test_split(
        X, y, test_size=config.test_size, seed=config.seed, stratify=y
    )
    rows: dict[str, Callable[[], object]] = {
        "autograd_lite float64": ours_epoch(config, X_train, y_train, n_classes)
    }
    torch = _timing.optional("torch")
    if torch is not None:
        threads = _timing.blas_threads()
        if threads:
            torch.set_num_threads(threads)
        rows["torch float64"] = torch_epoch(
            torch, config, X_train, y_train, n_classes, torch.float64
        )
        rows["torch float32"] = torch_epoch(
            torch, config, X_train, y_train, n_classes, torch.float32
        )
    repeat, number = (2, 1) if quick else (7, 3)
    best = _timing.best_of_each(rows, repeat=repeat, number=number)
    steps = -(-len(X_train) // config.batch_size)
    print(
        f"seconds per epoch ({len(X_train)} rows, {steps} steps of batch {config.batch_size}; "
        f"best of {repeat} runs of {number} epochs; {_timing.load()}):"
    )
    reference = best.get("torch float64")
    table = []
    for name, seconds in best.items():
        ratio = "-" if reference is None else _timing.ratio(seconds, reference)
        table.append((name, seconds * 1e3, seconds / steps * 1e6, ratio))
    _timing.print_table(("engine", "ms/epoch", "us/step", "/ torch float64"), table)
    if reference is not None:
        ratio = best["autograd_lite float64"] / reference
        verdict = "meets" if ratio <= target_ratio else "MISSES"
        print(
            f"autograd_lite takes {ratio:.2f}x PyTorch's time per epoch (float64): {verdict} "
            f"the target of at most {target_ratio:g}x\n"
        )


def main() -> None:
    args = _timing.parse_args(__doc__)
    _timing.print_machine("train_moons: MLP 2-16-16-2 on two moons, Adam, batch 32")
    report_time_to_accuracy(
        "moons", TARGET_ACCURACY, TARGET_SECONDS, range(2 if args.quick else 5)
    )
    report_epoch_times("moons", args.quick, TARGET_RATIO)
    _timing.print_end()


if __name__ == "__main__":
    main()
