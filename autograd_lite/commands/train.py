"""`autograd-lite train`: train a model on a toy data set and report its scores.

Every option has a per-data-set (and per-model) default chosen to reach a good score
quickly; an option given on the command line overrides it. All input is checked before
training starts, so a typo never costs a training run.

* points and digits: an MLP (`--model mlp`), or for digits the CNN (`--model cnn`);
  the run ends with `test accuracy X%`.
* names: a language model (`--model bigram|mlp|transformer`, see
  `autograd_lite.train.language`); the run ends with `test loss X` and 10 new names.

`--diagnose` records every layer's health as it trains, prints a table and a verdict, and
with a file name draws the pictures.
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
from dataclasses import replace
from typing import Any

from .. import train as T
from .. import train_plot
from ..atomic import check_writable
from ..nn.layers import ACTIVATIONS
from ..serialization import save
from ..train import language as L
from . import UsageError

EXAMPLES = """examples:
  autograd-lite train --dataset moons
  autograd-lite train --dataset spirals --hidden 64,64 --epochs 300 --plot spirals.png
  autograd-lite train --dataset line --optimizer sgd --lr 0.1
  autograd-lite train --dataset digits --model cnn --save digits.npz
  autograd-lite train --dataset names --model mlp --save names.npz
  autograd-lite train --dataset names --model mlp --batchnorm --init kaiming
  autograd-lite train --dataset names --model transformer
  autograd-lite train --dataset moons --hidden 32,32,32,32,32 --activation sigmoid \\
      --optimizer sgd --lr 0.1 --diagnose health.png

--model cnn (digits) and the names' models have defaults of their own:
autograd_lite.train.CNN_DEFAULTS and autograd_lite.train.language.LANGUAGE_DEFAULTS.
"""

DATASETS = (*T.DATASETS, "names")
MODELS = ("mlp", "cnn", "bigram", "transformer")


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
        help="train a model on a toy data set (moons, digits, names, ...)",
        description="Train a model (an MLP, a CNN, or a language model) on a toy data set "
        "and print its train and test scores.",
        epilog=defaults_table() + "\n\n" + EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add = parser.add_argument
    add(
        "--dataset",
        default="moons",
        metavar="NAME",
        help=f"{' | '.join(DATASETS)} (default: %(default)s)",
    )
    add(
        "--model",
        metavar="NAME",
        help="mlp (default) | cnn (digits) | bigram, mlp, transformer (names)",
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
        "--steps",
        type=_integer("--steps"),
        metavar="N",
        help="optimizer steps, >= 1 (names only; default: per model)",
    )
    add(
        "--seed",
        type=_integer("--seed"),
        metavar="N",
        help="fixes data, split, weights and shuffling (default: 0; 42 for names, makemore's)",
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
    add("--init", metavar="NAME", help="default | kaiming: the initialisation of the weights")
    add("--batchnorm", action="store_true", help="BatchNorm after each hidden Linear layer")
    add("--save", metavar="PATH", help="write the trained parameters to PATH (.npz)")
    add("--plot", metavar="PATH", help="draw the model and the loss curve to PATH (.png, .svg)")
    add(
        "--diagnose",
        nargs="?",
        const="",
        metavar="PATH",
        help="record each layer's activations, gradients and updates; print a verdict, and "
        "draw them to PATH (.png, .svg) if given",
    )
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
        elif not (field.isascii() and field.isdigit()) or int(field) < 1:  # not "²"
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


def _common_checks(args: argparse.Namespace) -> None:
    if args.lr is not None and not (math.isfinite(args.lr) and args.lr > 0):
        raise UsageError(f"--lr must be a number > 0, got {args.lr:g}; try --lr 0.01")
    for flag, value in (
        ("--epochs", args.epochs),
        ("--steps", args.steps),
        ("--batch-size", args.batch_size),
        ("--samples", args.samples),
    ):
        if value is not None and value < 1:
            raise UsageError(f"{flag} must be at least 1, got {value}")
    if args.seed is not None and args.seed < 0:
        raise UsageError(f"--seed must be >= 0, got {args.seed}")


def _config(args: argparse.Namespace) -> T.TrainConfig:
    """Check every option and build the run's config; raise UsageError on the first problem."""
    try:
        dataset = T.choose("dataset", args.dataset, T.DATASETS)
        model = _choice("model", args.model, T.MODELS)
        activation = _choice("activation", args.activation, tuple(ACTIVATIONS))
        optimizer = _choice("optimizer", args.optimizer, T.OPTIMIZERS)
        init = _choice("init", args.init, T.INITS)
    except ValueError as error:
        raise UsageError(str(error)) from None
    hidden = None if args.hidden is None else parse_hidden(args.hidden)
    _common_checks(args)
    if args.steps is not None:
        raise UsageError(f"--steps is for --dataset names; {dataset} trains by --epochs")
    if args.noise is not None and not (math.isfinite(args.noise) and args.noise >= 0):
        raise UsageError(f"--noise must be a number >= 0, got {args.noise:g}")
    if args.samples is not None and dataset == "digits":
        raise UsageError("--samples does not apply to digits, which has its 1,797 images")
    if args.samples is not None and args.samples < 8:
        raise UsageError(f"--samples {args.samples} is too few to split into train and test")
    if model == "cnn" and (hidden is not None or activation or init or args.batchnorm):
        raise UsageError(
            "--hidden, --activation, --init and --batchnorm shape the MLP; the cnn model "
            "has its own layers (see autograd_lite.models.digits_cnn)"
        )
    try:
        return T.default_config(
            dataset,
            hidden=hidden,
            activation=activation,
            optimizer=optimizer,
            lr=args.lr,
            epochs=args.epochs,
            batch_size=args.batch_size,
            seed=0 if args.seed is None else args.seed,
            n_samples=args.samples,
            noise=args.noise,
            model=model,
            init=init,
            batchnorm=args.batchnorm or None,
        )
    except ValueError as error:  # the CNN on points
        raise UsageError(str(error)) from None


def _language_config(args: argparse.Namespace) -> L.LanguageConfig:
    """The names run's config from the options; refuses those that do not apply."""
    try:
        model = T.choose("model", args.model or "mlp", L.LANGUAGE_MODELS)
        optimizer = _choice("optimizer", args.optimizer, T.OPTIMIZERS)
        init = _choice("init", args.init, T.INITS)
    except ValueError as error:
        raise UsageError(
            f"{error} (names takes bigram, mlp or transformer)"
            if "model" in str(error)
            else str(error)
        ) from None
    _common_checks(args)
    for flag, value in (
        ("--epochs", args.epochs),
        ("--activation", args.activation),
        ("--samples", args.samples),
        ("--noise", args.noise),
        ("--plot", args.plot),
    ):
        if value is not None:
            hint = "; it trains by --steps" if flag == "--epochs" else ""
            raise UsageError(f"{flag} does not apply to --dataset names{hint}")
    if (init or args.batchnorm) and model != "mlp":
        raise UsageError("--init and --batchnorm apply to --model mlp")
    n_hidden = None
    if args.hidden is not None:
        sizes = parse_hidden(args.hidden)
        if len(sizes) != 1 or model != "mlp":
            raise UsageError("--hidden for names takes one width, for --model mlp: --hidden 200")
        n_hidden = sizes[0]
    return L.language_config(
        model,
        optimizer=optimizer,
        lr=args.lr,
        steps=args.steps,
        batch_size=args.batch_size,
        seed=args.seed,
        init=init,
        batchnorm=args.batchnorm or None,
        n_hidden=n_hidden,
    )


def _check_output(flag: str, path: str | None) -> None:
    """Refuse an output path that cannot be written, before a minute of training is spent."""
    if path is None:
        return
    if not path.strip():
        raise UsageError(f"{flag} needs a file name, as in {flag} model.npz; got an empty one")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise UsageError(f"{flag} {path}: the folder {folder} does not exist; create it first")
    if os.path.isdir(path):
        raise UsageError(f"{flag} {path} is a folder; give a file name, e.g. {path}/model")
    try:
        check_writable(path, flag)
    except OSError as error:
        raise UsageError(
            f"{flag} {path}: cannot write in the folder {folder} "
            f"({error.strerror or error}); pick another path"
        ) from None


def _bytes(size: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB", "TB", "PB"):
        if size < 1000 or unit == "PB":
            return f"{size:,.0f} {unit}" if unit == "bytes" else f"{size:,.1f} {unit}"
        size /= 1000
    raise AssertionError("unreachable")  # pragma: no cover


def available_memory() -> int | None:
    """Bytes of memory a run may use: Linux's MemAvailable, else the machine's total."""
    try:
        with open("/proc/meminfo", encoding="ascii") as info:
            for line in info:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return None


def memory_estimate(config: T.TrainConfig, plot: bool) -> tuple[int, str]:
    """Bytes an MLP run will need, roughly, and what takes most of them (float64 throughout).

    The parameters count five times (weights, gradients, Adam's two moments, the saved
    copy), the data three times (generated, split, shuffled), and each layer's
    activations four times for the largest batch pushed through at once: a training
    batch, the whole training set when it is scored, or the plot's 250 x 250 grid.
    """
    if config.dataset == "digits":
        rows, n_in, n_out = 1_797, 64, 10
    else:
        X, y, n_classes = T.load_dataset(replace(config, n_samples=8))
        rows, n_in, n_out = config.n_samples, X.shape[1], n_classes or y.shape[1]
    widths = [n_in, *config.hidden, n_out]
    weights = sum((a + 1) * b for a, b in itertools.pairwise(widths))
    batch = max(config.batch_size, rows, 250 * 250 if plot else 0)
    parts = {
        "the weights, their gradients and the optimizer's state": 5 * 8 * weights,
        "the data": 3 * 8 * rows * (n_in + n_out),
        "the activations": 4 * 8 * batch * sum(widths),
    }
    largest = max(parts, key=lambda k: parts[k])
    return sum(parts.values()), f"{largest}: {_bytes(parts[largest])}"


def _check_memory(args: argparse.Namespace, config: T.TrainConfig) -> None:
    if config.model != "mlp":  # the CNN's layers are fixed, and sized for the digits
        return
    need, largest = memory_estimate(config, bool(args.plot))
    free = available_memory()
    if free is not None and need > free:
        raise UsageError(
            f"this run needs about {_bytes(need)} of memory ({largest}), more than the "
            f"{_bytes(free)} available; use smaller --hidden layers or fewer --samples"
        )


def _check_picture(flag: str, path: str | None) -> None:
    if not path:
        return
    try:
        train_plot.pyplot()
    except ImportError as error:
        raise UsageError(f"{flag}: {error}") from None
    suffix = os.path.splitext(path)[1].lower().lstrip(".")
    formats = train_plot.formats()
    if suffix and suffix not in formats:
        raise UsageError(
            f"{flag} {path}: cannot write .{suffix} pictures; end the name with one of "
            + ", ".join(f".{f}" for f in formats)
        )


def _report_diagnosis(watch: T.Diagnostics | None, path: str | None) -> None:
    if watch is None:
        return
    print(watch.summary())
    verdicts = watch.verdicts()
    if verdicts:
        print("verdict:")
        for verdict in verdicts:
            print(f"  - {verdict}")
    else:
        print("verdict: every layer looks healthy")
    if path:
        watch.plot(path)
        print(f"wrote the diagnosis pictures to {path}")


def run(args: argparse.Namespace) -> int:
    """Train as the options say; print progress, the scores, and what was written."""
    try:
        dataset = T.choose("dataset", args.dataset, DATASETS)
    except ValueError as error:
        raise UsageError(str(error)) from None
    if dataset == "names":
        return _run_names(args)
    config = _config(args)
    _check_output("--save", args.save)
    plot = None if args.plot is None else train_plot.output_path(args.plot)
    diagnose = train_plot.output_path(args.diagnose) if args.diagnose else None
    _check_output("--plot", plot)
    _check_output("--diagnose", diagnose)
    _check_picture("--plot", plot)
    _check_picture("--diagnose", diagnose)
    _check_memory(args, config)
    try:
        result = T.run(config, progress=True, watch=args.diagnose is not None)
    except ImportError as error:  # digits without scikit-learn
        raise UsageError(f"--dataset {config.dataset}: {error}") from None
    except T.TrainingDivergedError as error:
        raise UsageError(f"{error} (--lr {error.lr / 10:g})") from None
    except ValueError as error:  # a generator refusing --noise or --samples
        raise UsageError(str(error)) from None
    _report_diagnosis(result.diagnostics, diagnose)
    if args.save is not None:
        save(result.model, args.save)
        print(f"saved the parameters to {args.save} (load with ag.load(model, path))")
    if plot:
        written = train_plot.plot_result(result, plot)
        print(f"wrote the plot to {written}")
    print(result.summary())
    return 0


def _run_names(args: argparse.Namespace) -> int:
    """A language model on the names: ends with `test loss X` and 10 sampled names."""
    config = _language_config(args)
    _check_output("--save", args.save)
    diagnose = train_plot.output_path(args.diagnose) if args.diagnose else None
    _check_output("--diagnose", diagnose)
    _check_picture("--diagnose", diagnose)
    try:
        result = L.run_language(config, progress=True, watch=args.diagnose is not None)
    except T.TrainingDivergedError as error:
        raise UsageError(f"{error} (--lr {error.lr / 10:g})") from None
    _report_diagnosis(result.diagnostics, diagnose)
    if args.save is not None:
        L.save_language_model(result, args.save)
        print(f"saved the model to {args.save} (sample from it: autograd-lite sample {args.save})")
    print(result.summary())
    for name in result.samples:
        print(name)
    return 0
