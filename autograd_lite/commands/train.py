"""`autograd-lite train`: train an MLP on a toy data set and report its scores.

Every option has a per-data-set default (`autograd_lite.train.DEFAULTS`) chosen to reach
a good score in a second or two; an option given on the command line overrides it. All
input is checked before training starts, so a typo never costs a training run.
"""

from __future__ import annotations

import argparse
import math
import os
from typing import Any

from .. import train as T
from .. import train_plot
from ..nn.layers import ACTIVATIONS
from ..serialization import save
from . import UsageError

EXAMPLES = """examples:
  autograd-lite train --dataset moons
  autograd-lite train --dataset spirals --hidden 64,64 --epochs 300 --plot spirals.png
  autograd-lite train --dataset line --optimizer sgd --lr 0.1
  autograd-lite train --dataset digits --save digits.npz
"""


def defaults_table() -> str:
    """The per-data-set defaults (`train.DEFAULTS`) as the table `--help` ends with."""
    head = ["dataset", "--hidden", "--activation", "--optimizer", "--lr", "--epochs",
            "--batch-size", "--samples", "--noise"]  # fmt: skip
    rows = [
        [
            name,
            ",".join(map(str, c.hidden)) or "none",
            c.activation,
            c.optimizer,
            f"{c.lr:g}",
            str(c.epochs),
            str(c.batch_size),
            "1797 (fixed)" if name == "digits" else str(c.n_samples),
            "-" if name == "digits" else f"{c.noise:g}",
        ]
        for name, c in T.DEFAULTS.items()
    ]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    lines = ["  " + "  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip()
             for r in [head, *rows]]  # fmt: skip
    return "defaults per data set (an option given overrides its default):\n" + "\n".join(lines)


PER_DATASET = " (default: per data set, see below)"


def add_parser(sub: Any) -> None:
    """Register `train`."""
    parser = sub.add_parser(
        "train",
        help="train an MLP on a toy data set (moons, spirals, digits, ...)",
        description="Train an MLP on a toy data set and print its train and test scores.",
        epilog=defaults_table() + "\n\n" + EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add = parser.add_argument
    add(
        "--dataset",
        default="moons",
        metavar="NAME",
        help=f"{' | '.join(T.DATASETS)} (default: %(default)s)",
    )
    add(
        "--hidden",
        metavar="SIZES",
        help="hidden layer widths, comma-separated, e.g. 16,16; 'none' for a linear model"
        + PER_DATASET,
    )
    add("--activation", metavar="NAME", help=" | ".join(ACTIVATIONS) + PER_DATASET)
    add("--optimizer", metavar="NAME", help=" | ".join(T.OPTIMIZERS) + PER_DATASET)
    add("--lr", type=_number("--lr"), metavar="RATE", help="learning rate, > 0" + PER_DATASET)
    add(
        "--epochs",
        type=_integer("--epochs"),
        metavar="N",
        help="passes over the data, >= 1" + PER_DATASET,
    )
    add(
        "--batch-size",
        type=_integer("--batch-size"),
        metavar="N",
        help="rows per step, >= 1" + PER_DATASET,
    )
    add(
        "--seed",
        type=_integer("--seed"),
        default=0,
        metavar="N",
        help="fixes data, split, weights and shuffling (default: %(default)s)",
    )
    add(
        "--samples",
        type=_integer("--samples"),
        metavar="N",
        help="points to generate (not for digits)" + PER_DATASET,
    )
    add(
        "--noise",
        type=_number("--noise"),
        metavar="SD",
        help="the data generator's noise" + PER_DATASET,
    )
    add("--save", metavar="PATH", help="write the trained parameters to PATH (.npz)")
    add("--plot", metavar="PATH", help="draw the model and the loss curve to PATH (.png, .svg)")
    parser.set_defaults(run=run)


def _number(flag: str) -> Any:
    def parse(text: str) -> float:
        try:
            return float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{flag} takes a number, got {text!r}") from None

    return parse


def _integer(flag: str) -> Any:
    def parse(text: str) -> int:
        try:
            return int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{flag} takes a whole number, got {text!r}"
            ) from None

    return parse


def parse_hidden(text: str) -> tuple[int, ...]:
    """`"16,16"` -> `(16, 16)`; `""`, `"none"` or `"0"` -> `()` (a linear model).

    Raises:
        UsageError: naming every field that is not a positive integer.
    """
    if text.strip().lower() in ("", "none", "0"):
        return ()
    fields = text.split(",")
    sizes: list[int] = []
    bad: list[str] = []
    for i, field in enumerate(fields, 1):
        field = field.strip()
        if not field:
            bad.append(f"field {i} is empty")
        elif not field.isdigit() or int(field) < 1:
            bad.append(f"field {i} ({field!r}) is not a positive whole number")
        else:
            sizes.append(int(field))
    if bad:
        raise UsageError(
            f"--hidden {text!r}: {'; '.join(bad)}; give layer widths separated by commas, "
            "e.g. --hidden 16,16 (or 'none' for a linear model)"
        )
    return tuple(sizes)


def _choice(kind: str, value: str | None, choices: tuple[str, ...]) -> str | None:
    return None if value is None else T.choose(kind, value, choices)


def _config(args: argparse.Namespace) -> T.TrainConfig:
    """Check every option and build the run's config; raise UsageError on the first problem."""
    try:
        dataset = T.choose("dataset", args.dataset, T.DATASETS)
        activation = _choice("activation", args.activation, tuple(ACTIVATIONS))
        optimizer = _choice("optimizer", args.optimizer, T.OPTIMIZERS)
    except ValueError as error:
        raise UsageError(str(error)) from None
    hidden = None if args.hidden is None else parse_hidden(args.hidden)
    if args.lr is not None and not (math.isfinite(args.lr) and args.lr > 0):
        raise UsageError(f"--lr must be a number > 0, got {args.lr:g}; try --lr 0.01")
    for flag, value in (
        ("--epochs", args.epochs),
        ("--batch-size", args.batch_size),
        ("--samples", args.samples),
    ):
        if value is not None and value < 1:
            raise UsageError(f"{flag} must be at least 1, got {value}")
    if args.seed < 0:
        raise UsageError(f"--seed must be >= 0, got {args.seed}")
    if args.noise is not None and not (math.isfinite(args.noise) and args.noise >= 0):
        raise UsageError(f"--noise must be a number >= 0, got {args.noise:g}")
    if args.samples is not None and dataset == "digits":
        raise UsageError("--samples does not apply to digits, which has its 1,797 images")
    if args.samples is not None and args.samples < 8:
        raise UsageError(f"--samples {args.samples} is too few to split into train and test")
    return T.default_config(
        dataset,
        hidden=hidden,
        activation=activation,
        optimizer=optimizer,
        lr=args.lr,
        epochs=args.epochs,
        batch_size=args.batch_size,
        seed=args.seed,
        n_samples=args.samples,
        noise=args.noise,
    )


def _check_output(flag: str, path: str | None) -> None:
    if path is None:
        return
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise UsageError(f"{flag} {path}: the folder {folder} does not exist; create it first")
    if os.path.isdir(path):
        raise UsageError(f"{flag} {path} is a folder; give a file name, e.g. {path}/model")


def run(args: argparse.Namespace) -> int:
    """Train as the options say; print progress, the scores, and what was written."""
    config = _config(args)
    _check_output("--save", args.save)
    _check_output("--plot", args.plot)
    if args.plot:
        try:
            train_plot.pyplot()
        except ImportError as error:
            raise UsageError(f"--plot: {error}") from None
        suffix = os.path.splitext(args.plot)[1].lower().lstrip(".")
        formats = train_plot.formats()
        if suffix and suffix not in formats:
            raise UsageError(
                f"--plot {args.plot}: cannot write .{suffix} pictures; end the name with one of "
                + ", ".join(f".{f}" for f in formats)
            )
    try:
        result = T.run(config, progress=True)
    except ImportError as error:  # digits without scikit-learn
        raise UsageError(f"--dataset {config.dataset}: {error}") from None
    except T.TrainingDivergedError as error:
        raise UsageError(f"{error} (--lr {error.lr / 10:g})") from None
    except ValueError as error:  # a generator refusing --noise or --samples
        raise UsageError(str(error)) from None
    print(result.summary())
    if args.save:
        save(result.model, args.save)
        print(f"saved the parameters to {args.save} (load with ag.load(model, path))")
    if args.plot:
        train_plot.plot_result(result, args.plot)
        print(f"wrote the plot to {args.plot}")
    return 0
