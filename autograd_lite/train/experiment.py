r"""Experiments from a config: the runner behind `autograd-lite train` and the demo.

`run` turns a `TrainConfig` into a finished experiment: the data set, a train/test split,
the model (an MLP, with Kaiming initialisation or BatchNorm on request, or the digits
CNN), the optimizer and its schedule, the training loop (`fit`) and the final scores.
`fit_moons` is the demo's one-liner. The language models on names have their own runner,
`ag.train.language`.

Example:
    >>> from autograd_lite.train import default_config, run
    >>> result = run(default_config("moons", epochs=5), progress=False)
    >>> result.test_accuracy > 0.8
    True
"""

from __future__ import annotations

import difflib
import sys
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from typing import Any, TextIO

import numpy as np

from .. import data, optim
from ..grad_mode import no_grad
from ..nn import MLP, BatchNorm1d, Linear, Module, Sequential, cross_entropy, mse_loss
from ..nn.init import kaiming_normal_
from ..nn.layers import ACTIVATIONS
from ..optim.lr_scheduler import CosineAnnealingLR, LRScheduler
from ..tensor import Tensor
from .diagnose import Diagnostics
from .loop import History, fit

DATASETS = ("moons", "circles", "spirals", "xor", "line", "digits")
"""The data sets `run` knows (the names have their own runner, `ag.train.language`)."""
OPTIMIZERS = ("sgd", "adam", "adamw")
"""The optimizers a config may name."""
MODELS = ("mlp", "cnn")
"""The models `run` builds: an MLP, or the digits CNN."""
INITS = ("default", "kaiming")
"""PyTorch's default initialisation, or Kaiming's for the activation."""
SCHEDULES = ("constant", "cosine")
"""A constant learning rate, or cosine annealing to 0 over the epochs."""


def choose(kind: str, value: str, choices: tuple[str, ...] | list[str]) -> str:
    """Return `value` (lower-cased) if it is one of `choices`, else raise naming them all.

    Raises:
        ValueError: "unknown dataset 'mons'; choose one of moons, circles, ... (did you
            mean 'moons'?)".
    """
    key = value.strip().lower()
    if key in choices:
        return key
    close = difflib.get_close_matches(key, choices, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise ValueError(f"unknown {kind} {value!r}; choose one of {', '.join(choices)}{hint}")


# ---------------------------------------------------------------- experiments from a config


@dataclass(frozen=True)
class TrainConfig:
    """One training run, as `autograd-lite train` describes it (see `DEFAULTS`).

    Attributes:
        dataset: one of `DATASETS`.
        hidden: hidden layer widths; empty for a linear model.
        activation: `"relu"`, `"tanh"` or `"sigmoid"`.
        optimizer: `"sgd"` or `"adam"`.
        lr: learning rate, > 0.
        epochs: passes over the training set, >= 1.
        batch_size: rows per step, >= 1 (larger than the training set: full batch).
        seed: fixes the data, the split, the initial weights and the shuffling.
        n_samples: points generated (ignored for digits, which has 1,797).
        noise: the generator's noise (see `ag.data`).
        test_size: fraction of the rows held out for testing.
        model: `"mlp"`, or `"cnn"` (digits only: `ag.models.digits_cnn`).
        init: `"default"` (PyTorch's) or `"kaiming"` (`ag.nn.init.kaiming_normal_` for the
            activation) for the MLP's weights.
        batchnorm: put a `BatchNorm1d` after each hidden `Linear` of the MLP.
        schedule: `"constant"` learning rate, or `"cosine"` annealing to 0 over the epochs.
    """

    dataset: str = "moons"
    hidden: tuple[int, ...] = (16, 16)
    activation: str = "relu"
    optimizer: str = "adam"
    lr: float = 0.01
    epochs: int = 30
    batch_size: int = 32
    seed: int = 0
    n_samples: int = 1000
    noise: float = 0.1
    test_size: float = 0.25
    model: str = "mlp"
    init: str = "default"
    batchnorm: bool = False
    schedule: str = "constant"


DEFAULTS: dict[str, TrainConfig] = {
    "moons": TrainConfig("moons", (16, 16), "relu", "adam", 0.01, 30, 32, noise=0.1),
    "circles": TrainConfig("circles", (16, 16), "relu", "adam", 0.01, 30, 32, noise=0.05),
    "spirals": TrainConfig("spirals", (32, 32), "relu", "adam", 0.01, 150, 32, noise=0.1),
    "xor": TrainConfig("xor", (16, 16), "relu", "adam", 0.01, 40, 32, noise=0.1),
    "line": TrainConfig("line", (), "relu", "sgd", 0.5, 200, 1000, noise=0.1),
    "digits": TrainConfig("digits", (128,), "relu", "adam", 0.003, 20, 32),
}
"""Settings per data set that train to a good score in a second or two on one core."""

CNN_DEFAULTS = TrainConfig(
    "digits", (), "relu", "adam", 0.002, 30, 32, model="cnn", schedule="cosine"
)
"""The digits CNN's settings: Adam from 0.002 annealed to 0 over 30 epochs (about 10 s)."""


def default_config(dataset: str = "moons", **overrides: Any) -> TrainConfig:
    """The defaults for `dataset` (and `model`), with `overrides` (None values are ignored).

    Raises:
        ValueError: an unknown data set, model or field name (listing the choices), or
            the CNN on a data set that is not made of images.
    """
    dataset = choose("dataset", dataset, DATASETS)
    model = choose("model", overrides.get("model") or "mlp", MODELS)
    if model == "cnn" and dataset != "digits":
        raise ValueError(
            f"the cnn model reads 8x8 images, and {dataset} has points; use --dataset digits "
            "with --model cnn, or --model mlp"
        )
    base = CNN_DEFAULTS if model == "cnn" else DEFAULTS[dataset]
    names = {f.name for f in fields(TrainConfig)}
    unknown = sorted(set(overrides) - names)
    if unknown:
        raise ValueError(f"unknown setting(s) {unknown}; the settings are {sorted(names)}")
    given = {k: v for k, v in overrides.items() if v is not None}
    if "hidden" in given:
        given["hidden"] = tuple(given["hidden"])
    return replace(base, **given)


@dataclass
class TrainResult:
    """A finished run: the model, its data, its loss curve and its scores.

    Classification runs fill `train_accuracy`/`test_accuracy` (fractions in [0, 1]);
    `line` fills `train_r2`/`test_r2` and, for a linear model, `slope` and `intercept`.
    `diagnostics` holds the layers' health when the run was watched.
    """

    config: TrainConfig
    model: Module
    history: History
    X_train: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray
    n_classes: int
    train_accuracy: float | None = None
    test_accuracy: float | None = None
    train_r2: float | None = None
    test_r2: float | None = None
    slope: float | None = None
    intercept: float | None = None
    diagnostics: Diagnostics | None = None

    def summary(self) -> str:
        """The final scores in one line."""
        seconds = f"({self.history.seconds:.1f} s, {len(self.history.loss)} epochs)"
        if self.n_classes:
            return (
                f"train accuracy {percent(self.train_accuracy)}  test accuracy "
                f"{percent(self.test_accuracy)}  {seconds}"
            )
        text = f"R^2 train {self.train_r2:.4f}  test {self.test_r2:.4f}"
        if self.slope is not None:
            text += (
                f"  fitted y = a x + b: a = {self.slope:.4f}, b = {self.intercept:.4f}"
                f" (true a = {LINE_A:g}, b = {LINE_B:g})"
            )
        return f"{text}  {seconds}"


def percent(x: float | None) -> str:
    """A fraction as a percentage with one decimal (`0.9733` -> `"97.3%"`), or "-" for None."""
    return "-" if x is None else f"{100 * x:.1f}%"


LINE_A = 2.0
"""The true slope of the `line` data set."""
LINE_B = 1.0
"""The true intercept of the `line` data set."""


def load_dataset(config: TrainConfig) -> tuple[np.ndarray, np.ndarray, int]:
    """`(X, y, n_classes)` for the config's data set; `n_classes` is 0 for regression.

    Raises:
        ImportError: `digits` without scikit-learn (naming the extra to install).
    """
    n, noise, seed = config.n_samples, config.noise, config.seed
    if config.dataset == "moons":
        X, y = data.make_moons(n, noise=noise, seed=seed)
    elif config.dataset == "circles":
        X, y = data.make_circles(n, noise=noise, seed=seed)
    elif config.dataset == "spirals":
        X, y = data.make_spirals(n, noise=noise, n_classes=3, seed=seed)
    elif config.dataset == "xor":
        X, y = data.make_xor(n, noise=noise, seed=seed)
    elif config.dataset == "line":
        X, y_line = data.make_line(n, a=LINE_A, b=LINE_B, noise=noise, seed=seed)
        return X, y_line.reshape(-1, 1), 0
    else:
        X, y = data.load_digits()
        if config.model == "cnn":  # images (N, 1, 8, 8), float32 as the CNN's weights
            X = X.reshape(-1, 1, 8, 8).astype(np.float32)
    return X, y, int(y.max()) + 1


def accuracy(model: Module, X: np.ndarray, y: np.ndarray) -> float:
    """The fraction of rows whose largest logit is at the true class."""
    with no_grad():
        logits = model(X).data
    return float(np.mean(logits.argmax(axis=-1) == y))


def r2_score(model: Module, X: np.ndarray, y: np.ndarray) -> float:
    r"""$R^2 = 1 - \sum_i (y_i - \hat y_i)^2 / \sum_i (y_i - \bar y)^2$ (1 is a perfect fit)."""
    with no_grad():
        pred = model(X).data
    total = float(np.sum((y - y.mean()) ** 2))
    return 1.0 - float(np.sum((y - pred) ** 2)) / total if total > 0 else 0.0


def build_model(config: TrainConfig, n_in: int, n_out: int) -> Module:
    """The config's model, seeded: the digits CNN, or an MLP (a single `Linear` layer when
    `hidden` is empty), with Kaiming initialisation and BatchNorm if the config says so."""
    if choose("model", config.model, MODELS) == "cnn":
        from ..models import digits_cnn

        return digits_cnn(seed=config.seed)
    if not config.hidden:
        return MLP(n_in, [], n_out, seed=config.seed)
    activation = choose("activation", config.activation, tuple(ACTIVATIONS))
    model = MLP(n_in, list(config.hidden), n_out, activation=activation, seed=config.seed)
    if choose("init", config.init, INITS) == "kaiming":
        rng = np.random.default_rng(config.seed)
        linears = [layer for layer in model if isinstance(layer, Linear)]
        for layer in linears[:-1]:
            kaiming_normal_(layer.weight, nonlinearity=activation, seed=rng)
        kaiming_normal_(linears[-1].weight, nonlinearity="linear", seed=rng)
    if config.batchnorm:
        layers: list[Module] = []
        last = model[len(model) - 1]
        for module in model:
            layers.append(module)
            if isinstance(module, Linear) and module is not last:
                layers.append(BatchNorm1d(module.out_features, dtype=module.weight.dtype))
        return Sequential(*layers)
    return model


def build_optimizer(config: TrainConfig, model: Module) -> optim.Optimizer:
    """SGD, Adam or AdamW on the model's parameters, at the config's learning rate."""
    name = choose("optimizer", config.optimizer, OPTIMIZERS)
    if name == "sgd":
        return optim.SGD(model.parameters(), lr=config.lr)
    if name == "adamw":
        return optim.AdamW(model.parameters(), lr=config.lr)
    return optim.Adam(model.parameters(), lr=config.lr)


def build_scheduler(config: TrainConfig, optimizer: optim.Optimizer) -> LRScheduler | None:
    """None for a constant learning rate; cosine annealing over the epochs otherwise."""
    if choose("schedule", config.schedule, SCHEDULES) == "cosine":
        return CosineAnnealingLR(optimizer, T_max=config.epochs)
    return None


def run(
    config: TrainConfig,
    progress: bool = True,
    file: TextIO | None = None,
    watch: bool | Diagnostics = False,
) -> TrainResult:
    """Run the experiment `config` describes: data, split, model, training, scores.

    Args:
        config: the settings, e.g. `default_config("moons", epochs=20)`.
        progress: show a progress bar or per-epoch lines on `file` (see `fit`).
        file: where progress goes (default `sys.stdout`).
        watch: True to record the layers' health (`result.diagnostics`, a `Diagnostics`).

    Raises:
        ValueError: a bad setting (unknown name, lr <= 0, epochs < 1, ...).
        TrainingDivergedError: the loss became nan or infinite.
        ImportError: `digits` without scikit-learn.
    """
    X, y, n_classes = load_dataset(config)
    stratify = y if n_classes else None
    X_train, X_test, y_train, y_test = data.train_test_split(
        X, y, test_size=config.test_size, seed=config.seed, stratify=stratify
    )
    model = build_model(config, X.shape[1], n_classes or 1)
    optimizer = build_optimizer(config, model)
    scheduler = build_scheduler(config, optimizer)
    diagnostics = Diagnostics(model) if watch is True else (watch or None)
    loss_fn: Callable[[Any, Any], Tensor] = cross_entropy if n_classes else mse_loss

    def metric() -> str:
        # A diverging run is reported by `fit` in one sentence; NumPy's overflow
        # warnings from scoring its huge weights would only bury it.
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            if n_classes:
                return f"train acc {percent(accuracy(model, X_train, y_train))}"
            return f"train R^2 {r2_score(model, X_train, y_train):.4g}"

    if progress:
        print(
            describe(config, model, len(X_train), len(X_test)),
            file=sys.stdout if file is None else file,
        )
    history = fit(
        model,
        loss_fn,
        optimizer,
        X_train,
        y_train,
        config.epochs,
        config.batch_size,
        seed=config.seed,
        progress=progress,
        file=file,
        metric=metric,
        scheduler=scheduler,
        watch=diagnostics,
        drop_last=config.batchnorm and len(X_train) > config.batch_size,
    )
    if diagnostics is not None:
        diagnostics.close()
    result = TrainResult(config, model, history, X_train, X_test, y_train, y_test, n_classes)
    result.diagnostics = diagnostics
    if n_classes:
        result.train_accuracy = accuracy(model, X_train, y_train)
        result.test_accuracy = accuracy(model, X_test, y_test)
    else:
        result.train_r2 = r2_score(model, X_train, y_train)
        result.test_r2 = r2_score(model, X_test, y_test)
        first = model.layers[0] if len(model.layers) == 1 else None  # type: ignore[attr-defined]
        if isinstance(first, Linear) and first.bias is not None:
            result.slope = float(first.weight.data[0, 0])
            result.intercept = float(first.bias.data[0])
    return result


def describe(config: TrainConfig, model: Module, n_train: int, n_test: int) -> str:
    """One line naming the model, the data and the optimizer of a run."""
    n_parameters = sum(np.size(p.data) for p in model.parameters())
    widths = "-".join(str(w) for w in config.hidden)
    extras = "".join(
        [
            ", Kaiming init" if config.init == "kaiming" else "",
            ", BatchNorm" if config.batchnorm else "",
        ]
    )
    if config.model == "cnn":
        name = "a CNN (2 conv 3x3 + max pool, 2 linear)"
    elif config.hidden:
        name = f"an MLP ({widths}, {config.activation}{extras})"
    else:
        name = "a linear model"
    schedule = ", cosine schedule" if config.schedule == "cosine" else ""
    return (
        f"training {name}, {n_parameters:,} parameters, on {config.dataset} "
        f"({n_train} train / {n_test} test rows): {config.optimizer} lr={config.lr:g}"
        f"{schedule}, {config.epochs} epochs, batch size {config.batch_size}, seed {config.seed}"
    )


def fit_moons(
    epochs: int | None = None,
    seed: int = 0,
    progress: bool = False,
    file: TextIO | None = None,
    **overrides: Any,
) -> TrainResult:
    """Train the default MLP on two moons (the demo's run); see `run` and `DEFAULTS`.

    Example:
        >>> result = fit_moons(epochs=3)
        >>> len(result.history.loss)
        3
    """
    return run(default_config("moons", epochs=epochs, seed=seed, **overrides), progress, file)
