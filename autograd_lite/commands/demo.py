"""`autograd-lite demo`: the main job, a tour of the engine in a few seconds.

1. micrograd's neuron $\\tanh(x_1 w_1 + x_2 w_2 + b)$: the forward values, every chain-rule
   step of the backward pass as a table, and the graph as a picture with the local
   derivative on every edge (SVG, drawn without Graphviz if need be) and an HTML page
   that steps through the backward pass.
2. An MLP trained on two moons with Adam, with a progress bar, its accuracy, and the
   decision boundary and loss curve as a picture (when matplotlib is installed).

Everything is written to one folder, named at the end. No network, no input.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from .. import train as T
from .. import viz
from ..atomic import check_writable
from ..value import Value
from . import UsageError


def add_parser(sub: Any) -> None:
    """Register `demo`."""
    parser = sub.add_parser(
        "demo",
        help="a tour: backpropagation through a neuron, step by step, then an MLP on two moons",
        description="Backpropagate through a neuron step by step, draw its graph, then "
        "train an MLP on two moons. Writes its pictures to --out.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument(
        "--out", default="autograd-lite-demo", metavar="DIR", help="folder for the pictures"
    )
    parser.add_argument(
        "--epochs",
        type=int,
        default=T.DEFAULTS["moons"].epochs,
        metavar="N",
        help="training epochs of the MLP on two moons, >= 1",
    )
    parser.set_defaults(run=run)


def neuron() -> Value:
    """micrograd's lecture neuron, with its values: out = tanh(x1*w1 + x2*w2 + b) = 0.7071."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    out = (x1 * w1 + x2 * w2 + b).tanh()
    out.label = "out"
    return out


def _output_folder(out: str) -> Path:
    """`--out`, created if need be and checked writable before anything is drawn."""
    folder = Path(out)
    if not out.strip():
        raise UsageError("--out needs a folder name, as in --out demo; got an empty one")
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"--out {out} is a file, not a folder; give a folder name")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        check_writable(folder / "neuron.svg", "--out")
    except OSError as error:
        raise UsageError(
            f"--out {out}: cannot write there ({error.strerror or error}); pick another folder"
        ) from None
    return folder


def run(args: argparse.Namespace) -> int:
    """Run the tour; return 0."""
    if args.epochs is not None and args.epochs < 1:
        raise UsageError(f"--epochs must be at least 1, got {args.epochs}")
    folder = _output_folder(args.out)
    written: list[Path] = []

    print("== 1. Backpropagation through one neuron: out = tanh(x1*w1 + x2*w2 + b)")
    out = neuron()
    out.backward()
    print(f"forward: out = {out.data:.4f}")
    print("backward, one chain-rule step per line (contribution = local derivative × node.grad):")
    print(viz.explain(out).table())
    written.append(
        viz.draw(out, title="out = tanh(x1*w1 + x2*w2 + b)").save(folder / "neuron.svg")
    )
    written.append(viz.save(out, folder / "neuron_steps.html"))
    print()

    print("== 2. An MLP learns two moons")
    sys.stdout.flush()
    result = T.fit_moons(epochs=args.epochs, progress=True)
    print(result.summary())
    try:
        from ..train_plot import plot_result

        written.append(Path(plot_result(result, str(folder / "moons.png"))))
    except ImportError as error:
        print(f"(no moons picture: {error})")
    print()
    print(f"pictures written to {folder.resolve()}:")
    for path in written:
        print(f"  {path.name}")
    return 0
