"""The `autograd-lite` command line (also `python -m autograd_lite`).

Each subcommand lives in its own module under `commands/`, with `add_parser` and `run`.
Usage errors exit with code 2 and one line on stderr, never a traceback; Ctrl-C prints
one line and exits with 130 (128 + SIGINT, as shells do), and every file is written
atomically, so an interrupted command leaves no partial file.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence

from .commands import UsageError, demo, derivative, graph, sample, train


class _Parser(argparse.ArgumentParser):
    """argparse, reading `-1e-3` as a negative number rather than an unknown option.

    argparse takes an argument starting with `-` for an option unless it looks like a
    negative number, and its pattern knows no exponent, so `--at -1e-3` failed. The
    subparsers are made of this class too (argparse uses the parent's class).
    """

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._negative_number_matcher = re.compile(r"^-(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with every subcommand."""
    parser = _Parser(
        prog="autograd-lite",
        description="Exact derivatives and the chain rule made visible.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in (demo, derivative, graph, train, sample):
        module.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (0 success, 2 usage error, 130 Ctrl-C)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    name = f"autograd-lite {args.command}"
    try:
        return int(args.run(args))
    except UsageError as error:
        print(f"{name}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        if sys.stdout.isatty():  # end the progress bar's line first
            print(flush=True)
        print(f"{name}: interrupted (Ctrl-C); no file was left half-written", file=sys.stderr)
        return 130
    except MemoryError:
        print(f"{name}: error: out of memory; try smaller settings", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader stopped early (`| head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


__all__ = ["UsageError", "build_parser", "main"]

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
