"""Language models on names (makemore): test loss against PyTorch, and time per step.

Workload: `autograd-lite train --dataset names --model ...` with its defaults: the 32,033
names shipped with the package, shuffled with seed 42 and split 80/10/10 by words; the
loss is the mean negative log-likelihood per character (end token included).

* `mlp`: makemore part 2: context 3, embedding 10, hidden 200 (tanh), 11,897 parameters,
  float64, SGD lr 0.1 then 0.01 for the second half, 200,000 steps of 32 windows.
* `mlp-bn`: the same with BatchNorm1d (momentum 0.001) before the tanh, no bias in the first
  layer, Kaiming initialisation for tanh and a last layer scaled by 0.1 (makemore part 3).
* `transformer`: 3 blocks, 4 heads, width 64, context 16 (154,560 parameters), float32,
  AdamW (lr 0.002 cosine-annealed to 0.0002, weight decay 0.01), 4,000 steps of 64 words.

Each model is trained twice in this run: by autograd_lite (`run_language`, the command's
own code) and by the same architecture in `torch.nn` (`tests/torch_twins.py`), starting
from the same initial weights (copied through the state dict), on the same batches (the
same row draws), with the same optimizer and schedule; both are then scored on the whole
dev and test sets in evaluation mode. Time per step is the training loop's wall time
divided by its steps (evaluations excluded), and a best-of-N interleaved measurement of 50
steps on the trained models; torch uses as many threads as NumPy's BLAS (`--threads N`
sets both).

Targets: test loss at most 2.20 (mlp), 2.15 (mlp-bn), 2.05 (transformer); each within 0.03
of PyTorch's; at most 1.5x PyTorch's time per step. The full run takes about 15 minutes on
2 cores; `--quick` runs 1% of the steps (a smoke run: the losses are not the targets');
`--models mlp,transformer` picks models.

Run: `python bench/train_names.py` (add `--quick` for a smoke run).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import _timing
import numpy as np

from autograd_lite.memory import keep_freed_memory
from autograd_lite.train.language import (
    LanguageConfig,
    build_language_model,
    language_config,
    names_data,
    run_language,
)

sys.path.insert(0, str(_timing.ROOT / "tests"))

TARGETS = {"mlp": 2.20, "mlp-bn": 2.15, "transformer": 2.05}
TARGET_GAP = 0.03
TARGET_RATIO = 1.5
CONFIGS: dict[str, Callable[[], LanguageConfig]] = {
    "mlp": lambda: language_config("mlp"),
    "mlp-bn": lambda: language_config("mlp", batchnorm=True, init="kaiming"),
    "transformer": lambda: language_config("transformer"),
}


def torch_model(torch: Any, config: LanguageConfig, state: dict[str, np.ndarray]) -> Any:
    """The torch twin of `config`'s model, loaded with autograd_lite's initial weights."""
    import torch_twins

    if config.model == "transformer":
        model = torch_twins.Transformer(
            27, config.block_size, config.n_layer, config.n_head, config.n_embd
        )
    else:
        model = torch_twins.mlp_model(
            27, config.block_size, config.n_embd, config.n_hidden, batchnorm=config.batchnorm
        )
    model = model.to(getattr(torch, config.dtype))
    return torch_twins.load_from(model, state)


def torch_train(
    torch: Any, config: LanguageConfig, model: Any, X: np.ndarray, Y: np.ndarray
) -> tuple[float, Callable[[], float]]:
    """Train like `fit_steps` does (same draws, optimizer, schedule); return (seconds, step)."""
    params = list(model.parameters())
    if config.optimizer == "sgd":
        opt = torch.optim.SGD(params, lr=config.lr)
        sched = torch.optim.lr_scheduler.StepLR(opt, step_size=config.steps // 2, gamma=0.1)
    else:
        opt = torch.optim.AdamW(params, lr=config.lr, weight_decay=config.weight_decay)
        sched = torch.optim.lr_scheduler.CosineAnnealingLR(
            opt, T_max=config.steps, eta_min=config.lr / 10
        )
    X_t, Y_t = torch.from_numpy(X), torch.from_numpy(Y)
    rng = np.random.default_rng(config.seed)
    cross_entropy = torch.nn.functional.cross_entropy

    def step(rows: np.ndarray) -> float:
        index = torch.from_numpy(rows)
        logits = model(X_t[index])
        loss = cross_entropy(
            logits.reshape(-1, logits.shape[-1]), Y_t[index].reshape(-1), ignore_index=-1
        )
        opt.zero_grad()
        loss.backward()
        opt.step()
        return float(loss.item())

    model.train()
    start = time.perf_counter()
    for _ in range(config.steps):
        step(rng.integers(0, len(X), config.batch_size))
        sched.step()
    seconds = time.perf_counter() - start
    return seconds, lambda: step(rng.integers(0, len(X), config.batch_size))


def torch_loss(torch: Any, model: Any, X: np.ndarray, Y: np.ndarray) -> float:
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for start in range(0, len(X), 4096):
            x, y = (
                torch.from_numpy(X[start : start + 4096]),
                torch.from_numpy(Y[start : start + 4096]),
            )
            logits = model(x)
            loss = torch.nn.functional.cross_entropy(
                logits.reshape(-1, logits.shape[-1]), y.reshape(-1), ignore_index=-1,
                reduction="sum",
            )  # fmt: skip
            total += float(loss)
            count += int((y >= 0).sum())
    return total / count


def ours_step(result: Any, X: np.ndarray, Y: np.ndarray) -> Callable[[], float]:
    """One more training step of the trained model (for the interleaved timing)."""
    from autograd_lite.optim import SGD, AdamW
    from autograd_lite.train.language import language_loss

    config, model = result.config, result.model
    params = model.parameters()
    opt = SGD(params, lr=config.lr / 10) if config.optimizer == "sgd" else AdamW(params)
    rng = np.random.default_rng(1)

    def step() -> float:
        rows = rng.integers(0, len(X), config.batch_size)
        loss = language_loss(model(X[rows]), Y[rows])
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss.item()

    return step


def bench(name: str, quick: bool, torch: Any, threads: int | None) -> list[Any]:
    config = CONFIGS[name]()
    if quick:
        config = replace(config, steps=max(config.steps // 100, 20))
    data = names_data(config)
    initial = build_language_model(config, len(data.vocab)).state_dict()
    result = run_language(config, progress=False)
    ours_seconds = result.history.seconds
    row: list[Any] = [name, config.steps, result.test_loss]
    if torch is None:
        return [*row, "-", "-", ours_seconds / config.steps * 1e3, "-", "-"]
    model = torch_model(torch, config, initial)
    torch_seconds, t_step = torch_train(torch, config, model, *data.train)
    t_test = torch_loss(torch, model, *data.test)
    result.model.train()
    model.train()
    best = _timing.best_of_each(
        {"ours": ours_step(result, *data.train), "torch": t_step},
        repeat=3 if quick else 7,
        number=10 if quick else 50,
    )
    return [
        *row,
        t_test,
        f"{result.test_loss - t_test:+.4f}",
        ours_seconds / config.steps * 1e3,
        torch_seconds / config.steps * 1e3,
        f"{ours_seconds / torch_seconds:.2f}x / {best['ours'] / best['torch']:.2f}x",
    ]


def main() -> None:
    def options(parser: Any) -> None:
        parser.add_argument("--threads", type=int, default=None)
        parser.add_argument("--models", default="mlp,mlp-bn,transformer")

    args = _timing.parse_args(__doc__, extra=options)
    if args.threads is not None:
        from threadpoolctl import threadpool_limits

        threadpool_limits(args.threads)
    threads = _timing.blas_threads()  # before torch loads a BLAS of its own
    keep_freed_memory()  # what the training loops do; in effect for both libraries here
    _timing.print_machine("train_names: makemore, an MLP, an MLP with BatchNorm, a Transformer")
    torch = _timing.optional("torch")
    if torch is not None and threads:
        torch.set_num_threads(threads)
    start = time.perf_counter()
    rows = [bench(name, args.quick, torch, threads) for name in args.models.split(",")]
    print(f"test loss and time per step ({threads} BLAS/torch threads; {_timing.load()}):")
    _timing.print_table(
        ("model", "steps", "test loss", "torch", "difference", "ms/step", "torch ms/step",
         "ratio (run / best of)"),
        rows,
    )  # fmt: skip
    for row in rows:
        name, loss = row[0], row[2]
        parts = [f"test loss {loss:.4f} {'<=' if loss <= TARGETS[name] else 'ABOVE'} "
                 f"{TARGETS[name]}"]  # fmt: skip
        if row[3] != "-":
            gap = abs(loss - row[3])
            parts.append(f"{gap:.3f} {'within' if gap <= TARGET_GAP else 'OUTSIDE'} {TARGET_GAP}")
            ratio = float(row[7].split("x")[0])
            parts.append(
                f"{ratio:.2f}x {'<=' if ratio <= TARGET_RATIO else 'ABOVE'} {TARGET_RATIO}"
            )
        print(
            f"{name}: "
            + "; ".join(parts)
            + (" (quick run: not the targets' steps)" if args.quick else "")
        )
    print(f"(the script took {time.perf_counter() - start:.0f} s)")
    _timing.print_end()


if __name__ == "__main__":
    main()
