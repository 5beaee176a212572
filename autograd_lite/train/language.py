r"""Language models on names, end to end: the runner behind `autograd-lite train --dataset names`.

The experiment of Karpathy's makemore: the 32,033 names are shuffled with a fixed seed
and split 80/10/10 into training, dev and test words; a model learns to predict each
character from the ones before it; its quality is the mean negative log-likelihood per
character on the test words (the *test loss*: $\ln 27 \approx 3.30$ for a uniform
guess, about 2.45 for the best bigram table). Then it writes new names.

`LanguageConfig` holds the settings, `LANGUAGE_DEFAULTS` good ones per model, and
`run_language` does the rest; `save_language_model` and `load_language_model` keep the
model with what is needed to sample from it again (`autograd-lite sample`).

Example:
    >>> from autograd_lite.train.language import language_config, run_language
    >>> result = run_language(language_config("bigram", steps=200), progress=False)
    >>> 2.4 < result.test_loss < 2.8
    True
    >>> len(result.samples)
    10
"""

from __future__ import annotations

import sys
from dataclasses import asdict, dataclass, fields, replace
from typing import Any, TextIO

import numpy as np

from .. import optim
from ..data.datasets import load_names
from ..data.text import Vocabulary, context_windows, padded_sequences, train_dev_test_split
from ..grad_mode import no_grad
from ..models.language import bigram_model, mlp_model, sample
from ..models.transformer import Transformer
from ..nn import Module, cross_entropy
from ..optim.lr_scheduler import CosineAnnealingLR, LRScheduler, StepLR
from ..serialization import load, read_metadata, save
from ..tensor import Tensor
from .diagnose import Diagnostics
from .experiment import choose
from .loop import History, fit_steps

LANGUAGE_MODELS = ("bigram", "mlp", "transformer")
FORMAT = "autograd_lite language model"
"""What `save_language_model` writes as the metadata's `format`."""


@dataclass(frozen=True)
class LanguageConfig:
    """One language-model run on the names (see `LANGUAGE_DEFAULTS` for each model's).

    Attributes:
        model: `"bigram"`, `"mlp"` or `"transformer"`.
        block_size: characters of context (1 for the bigram; 16 for the Transformer: the
            longest name and its end token).
        n_embd: length of each character's vector (MLP, Transformer).
        n_hidden: hidden units (MLP).
        batchnorm: `BatchNorm1d` before the tanh (MLP).
        init: `"default"` or `"kaiming"` (MLP; see `ag.models.mlp_model`).
        n_layer: blocks (Transformer).
        n_head: attention heads per block (Transformer).
        optimizer: `"sgd"`, `"adam"` or `"adamw"`.
        lr: the starting learning rate.
        schedule: `"step"` (lr / 10 for the last half of the steps, makemore's),
            `"cosine"` (annealed to lr / 10) or `"constant"`.
        weight_decay: AdamW's decoupled weight decay.
        steps: optimizer steps.
        batch_size: rows per step (windows for bigram/MLP, whole words for the
            Transformer), drawn at random with replacement.
        seed: fixes the split's shuffle, the weights and the batches.
        dtype: `"float64"` or `"float32"`.
    """

    model: str = "mlp"
    block_size: int = 3
    n_embd: int = 10
    n_hidden: int = 200
    batchnorm: bool = False
    init: str = "default"
    n_layer: int = 3
    n_head: int = 4
    optimizer: str = "sgd"
    lr: float = 0.1
    schedule: str = "step"
    weight_decay: float = 0.0
    steps: int = 200_000
    batch_size: int = 32
    seed: int = 42
    dtype: str = "float64"


LANGUAGE_DEFAULTS: dict[str, LanguageConfig] = {
    "bigram": LanguageConfig(
        "bigram", block_size=1, optimizer="adam", lr=0.1, schedule="cosine", steps=3000,
        batch_size=512,
    ),
    "mlp": LanguageConfig("mlp"),
    "transformer": LanguageConfig(
        "transformer", block_size=16, n_embd=64, n_layer=3, n_head=4, optimizer="adamw",
        lr=2e-3, schedule="cosine", weight_decay=0.01, steps=4000, batch_size=64,
        dtype="float32",
    ),
}  # fmt: skip
"""Each model's settings. The MLP's are makemore part 2's (200,000 SGD steps of 32, lr 0.1
then 0.01); add `batchnorm=True, init="kaiming"` for part 3's."""


def language_config(model: str = "mlp", **overrides: Any) -> LanguageConfig:
    """The defaults for `model`, with `overrides` (those given as None are ignored).

    Raises:
        ValueError: an unknown model or setting, listing the choices.
    """
    base = LANGUAGE_DEFAULTS[choose("model", model, LANGUAGE_MODELS)]
    names = {f.name for f in fields(LanguageConfig)}
    unknown = sorted(set(overrides) - names)
    if unknown:
        raise ValueError(f"unknown setting(s) {unknown}; the settings are {sorted(names)}")
    return replace(base, **{k: v for k, v in overrides.items() if v is not None})


@dataclass
class NamesData:
    """The names, split and encoded for one model: `(X, Y)` per split, and the vocabulary."""

    vocab: Vocabulary
    train: tuple[np.ndarray, np.ndarray]
    dev: tuple[np.ndarray, np.ndarray]
    test: tuple[np.ndarray, np.ndarray]
    words: tuple[list[str], list[str], list[str]]


def names_data(config: LanguageConfig) -> NamesData:
    """Split the names 80/10/10 (seed `config.seed`) and encode them for `config.model`:
    context windows for the bigram and the MLP, padded words for the Transformer."""
    names = load_names()
    vocab = Vocabulary.from_words(names)
    splits = train_dev_test_split(names, seed=config.seed)
    if config.model == "transformer":
        encoded = [padded_sequences(words, vocab, config.block_size) for words in splits]
    else:
        encoded = [context_windows(words, vocab, config.block_size) for words in splits]
    return NamesData(vocab, encoded[0], encoded[1], encoded[2], splits)


def build_language_model(config: LanguageConfig, vocab_size: int) -> Module:
    """The config's model, seeded (see `ag.models`)."""
    kind = choose("model", config.model, LANGUAGE_MODELS)
    dtype = np.dtype(config.dtype)
    if kind == "bigram":
        return bigram_model(vocab_size, seed=config.seed, dtype=dtype)
    if kind == "mlp":
        return mlp_model(
            vocab_size,
            config.block_size,
            config.n_embd,
            config.n_hidden,
            batchnorm=config.batchnorm,
            kaiming=choose("init", config.init, ("default", "kaiming")) == "kaiming",
            seed=config.seed,
            dtype=dtype,
        )
    return Transformer(
        vocab_size,
        config.block_size,
        config.n_layer,
        config.n_head,
        config.n_embd,
        seed=config.seed,
        dtype=dtype,
    )


def language_loss(logits: Tensor, targets: np.ndarray) -> Tensor:
    """Mean cross-entropy per predicted character; -1 targets (padding) are left out."""
    vocab_size = logits.shape[-1]
    return cross_entropy(
        logits.reshape(-1, vocab_size), np.asarray(targets).reshape(-1), ignore_index=-1
    )


def evaluate(model: Module, X: np.ndarray, Y: np.ndarray, chunk: int = 4096) -> float:
    """The mean loss per character of `model` (in evaluation mode) on all of `(X, Y)`."""
    model.eval()
    total, count = 0.0, 0
    with no_grad():
        for start in range(0, len(X), chunk):
            y = Y[start : start + chunk]
            n = int((y >= 0).sum())
            if n:
                total += language_loss(model(X[start : start + chunk]), y).item() * n
                count += n
    return total / max(count, 1)


def build_language_optimizer(
    config: LanguageConfig, model: Module
) -> tuple[optim.Optimizer, LRScheduler | None]:
    """The config's optimizer and its per-step learning-rate schedule."""
    name = choose("optimizer", config.optimizer, ("sgd", "adam", "adamw"))
    params = model.parameters()
    opt: optim.Optimizer
    if name == "sgd":
        opt = optim.SGD(params, lr=config.lr)
    elif name == "adamw":
        opt = optim.AdamW(params, lr=config.lr, weight_decay=config.weight_decay)
    else:
        opt = optim.Adam(params, lr=config.lr)
    schedule = choose("schedule", config.schedule, ("step", "cosine", "constant"))
    if schedule == "step":
        return opt, StepLR(opt, step_size=max(config.steps // 2, 1), gamma=0.1)
    if schedule == "cosine":
        return opt, CosineAnnealingLR(opt, T_max=config.steps, eta_min=config.lr / 10)
    return opt, None


@dataclass
class LanguageResult:
    """A finished language-model run: the model, its losses per split, and samples."""

    config: LanguageConfig
    model: Module
    vocab: Vocabulary
    history: History
    train_loss: float
    dev_loss: float
    test_loss: float
    samples: list[str]
    diagnostics: Diagnostics | None = None

    def summary(self) -> str:
        """The losses in two lines, the last `test loss X`."""
        return (
            f"train loss {self.train_loss:.4f}  dev loss {self.dev_loss:.4f}  "
            f"({self.history.seconds:.1f} s, {len(self.history.loss)} steps)\n"
            f"test loss {self.test_loss:.4f}"
        )


def describe_language(config: LanguageConfig, model: Module, data: NamesData) -> str:
    """One line naming the model, the data and the optimizer of a run."""
    n_parameters = sum(np.size(p.data) for p in model.parameters())
    if config.model == "bigram":
        name = "a bigram model"
    elif config.model == "mlp":
        extras = (", BatchNorm" if config.batchnorm else "") + (
            ", Kaiming init" if config.init == "kaiming" else ""
        )
        name = (
            f"an MLP language model (context {config.block_size}, embedding {config.n_embd}, "
            f"hidden {config.n_hidden}{extras})"
        )
    else:
        name = (
            f"a Transformer ({config.n_layer} layers, {config.n_head} heads, width "
            f"{config.n_embd}, context {config.block_size})"
        )
    words = " / ".join(str(len(w)) for w in data.words)
    return (
        f"training {name}, {n_parameters:,} parameters, on names ({words} train / dev / test "
        f"words): {config.optimizer} lr={config.lr:g} ({config.schedule}), {config.steps} "
        f"steps, batch size {config.batch_size}, seed {config.seed}"
    )


def run_language(
    config: LanguageConfig,
    progress: bool = True,
    file: TextIO | None = None,
    watch: bool | Diagnostics = False,
    n_samples: int = 10,
) -> LanguageResult:
    """Train `config`'s language model on the names; score it on each split; sample names.

    Args:
        config: the settings, e.g. `language_config("mlp", steps=20000)`.
        progress: print the description, then the loss (and dev loss) about 20 times.
        file: where progress goes (default `sys.stdout`).
        watch: True (or a `Diagnostics`) to record the layers' health.
        n_samples: names to draw at the end.

    Raises:
        ValueError: a bad setting.
        TrainingDivergedError: the loss became nan or infinite.
    """
    data = names_data(config)
    model = build_language_model(config, len(data.vocab))
    optimizer, scheduler = build_language_optimizer(config, model)
    diagnostics = Diagnostics(model, every=max(config.steps // 200, 1)) if watch is True else None
    diagnostics = diagnostics or (watch if isinstance(watch, Diagnostics) else None)
    out = sys.stdout if file is None else file
    dev_X, dev_Y = data.dev
    if progress:
        print(describe_language(config, model, data), file=out)

    def metric() -> str:
        return f"dev loss {evaluate(model, dev_X, dev_Y):.4f}"

    history = fit_steps(
        model,
        language_loss,
        optimizer,
        *data.train,
        steps=config.steps,
        batch_size=config.batch_size,
        seed=config.seed,
        progress=progress,
        file=file,
        metric=metric,
        scheduler=scheduler,
        watch=diagnostics,
    )
    if diagnostics is not None:
        diagnostics.close()
    train_loss, dev_loss, test_loss = (
        evaluate(model, X, Y) for X, Y in (data.train, data.dev, data.test)
    )
    names = sample(model, data.vocab, config.block_size, n_samples, seed=config.seed)
    return LanguageResult(
        config, model, data.vocab, history, train_loss, dev_loss, test_loss, names, diagnostics
    )


def save_language_model(result: LanguageResult, path: str) -> None:
    """Write the model's weights with its config and vocabulary (`ag.save`'s metadata)."""
    metadata = {"format": FORMAT, "vocabulary": result.vocab.chars[1:], **asdict(result.config)}
    save(result.model, path, metadata=metadata)


def load_language_model(path: str) -> tuple[Module, Vocabulary, LanguageConfig]:
    """Rebuild a model saved by `save_language_model`: `(model, vocabulary, config)`.

    Raises:
        ValueError: the file is not a language model saved by `save_language_model`
            (another model, or a plain `ag.save`), or its weights do not fit.
        FileNotFoundError: no such file.
    """
    metadata = read_metadata(path)
    if metadata.get("format") != FORMAT:
        raise ValueError(
            f"{path} is not a language model: it has no {FORMAT!r} metadata; save one with "
            "autograd-lite train --dataset names --model mlp --save PATH"
        )
    known = {f.name for f in fields(LanguageConfig)}
    config = LanguageConfig(**{k: v for k, v in metadata.items() if k in known})
    vocab = Vocabulary(metadata["vocabulary"])
    model = build_language_model(config, len(vocab))
    return load(model, path), vocab, config


__all__ = [
    "FORMAT",
    "LANGUAGE_DEFAULTS",
    "LANGUAGE_MODELS",
    "LanguageConfig",
    "LanguageResult",
    "NamesData",
    "build_language_model",
    "build_language_optimizer",
    "describe_language",
    "evaluate",
    "language_config",
    "language_loss",
    "load_language_model",
    "names_data",
    "run_language",
    "save_language_model",
]
