"""`autograd-lite sample MODEL.npz`: new names from a language model saved by `train --save`.

The file holds the weights and, as JSON metadata, the model's settings and vocabulary
(`autograd_lite.train.language.save_language_model`), so the model is rebuilt exactly as
it was trained. A file that is not a language model is refused with exit code 2.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from ..models.language import sample
from ..train import language as L
from . import UsageError


def add_parser(sub: Any) -> None:
    """Register `sample`."""
    parser = sub.add_parser(
        "sample",
        help="draw new names from a language model saved by `train --dataset names --save`",
        description="Draw new names, one per line, from a saved character-level language model.",
        epilog="example:\n  autograd-lite train --dataset names --model mlp --save names.npz\n"
        "  autograd-lite sample names.npz -n 20",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("model", metavar="MODEL.npz", help="the file `train --save` wrote")
    parser.add_argument(
        "-n", type=int, default=10, metavar="N", help="how many names (default: 10)"
    )
    parser.add_argument(
        "--seed", type=int, default=None, metavar="N", help="fix the draws (default: fresh)"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Load the model, draw `-n` names, print one per line."""
    if args.n < 1:
        raise UsageError(f"-n must be at least 1, got {args.n}")
    if args.seed is not None and args.seed < 0:
        raise UsageError(f"--seed must be >= 0, got {args.seed}")
    if not os.path.exists(args.model):
        raise UsageError(f"no file {args.model}")
    try:
        model, vocab, config = L.load_language_model(args.model)
    except (ValueError, OSError) as error:
        raise UsageError(str(error).replace("\n", " ")) from None
    for name in sample(model, vocab, config.block_size, args.n, seed=args.seed):
        print(name)
    return 0
