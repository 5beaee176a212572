"""`autograd-lite graph EXPR --at x=2,w=-3 [-o out.svg] [--explain]`: see the chain rule.

Reads the expression with the safe parser (`expr.py`: parsed, never `eval`ed), makes
each variable a labeled `Value`, runs the forward and backward pass, prints the
expression as it was read, its value and the gradient of every variable, and writes a
picture: `.svg` (drawn without Graphviz if its `dot` program is missing), `.png` (needs
`dot`), `.dot`, or `.html` (a page with a slider through every backward step).
`--explain` prints every chain-rule step as a table.

Example:
    $ autograd-lite graph "tanh(x1*w1 + x2*w2 + b)" \\
        --at x1=2,x2=0,w1=-3,w2=1,b=6.8813735870195432 -o neuron.svg --explain
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import Any

from .. import viz
from ..expr import ExpressionError, evaluate, free_variables, parse, parse_assignments, to_text
from ..value import Value
from . import UsageError

FORMATS = ".svg, .png, .dot, .gv or .html"


def add_parser(sub: Any) -> None:
    """Register `graph`."""
    parser = sub.add_parser(
        "graph",
        help="draw an expression's graph with the local derivative on every edge",
        description=(
            "Parse EXPR (never eval), compute it at the values given with --at, run the "
            "backward pass, print the gradients and draw the graph."
        ),
    )
    parser.add_argument("expr", metavar="EXPR", help='the formula, e.g. "tanh(x*w + b)"')
    parser.add_argument(
        "--at",
        default="",
        metavar="NAME=V,...",
        help="a value for every variable, e.g. x=2,w=-3,b=0.5",
    )
    parser.add_argument(
        "-o", "--output", metavar="FILE", help=f"write the picture to FILE ({FORMATS})"
    )
    parser.add_argument(
        "--explain", action="store_true", help="print every chain-rule step as a table"
    )
    parser.add_argument(
        "--rankdir",
        choices=("auto", "LR", "TB"),
        default="auto",
        help="left to right, top down, or whichever fits --width (default: auto)",
    )
    parser.add_argument(
        "--width",
        type=float,
        default=viz.options.DEFAULT_WIDTH,
        metavar="PX",
        help="the width in px the picture is meant for (default: %(default)g)",
    )
    parser.add_argument(
        "--renderer",
        choices=("auto", "dot", "builtin"),
        default="auto",
        help="Graphviz's dot if installed (auto), always dot, or the built-in SVG renderer",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Parse, compute, backpropagate, print and draw; usage errors raise `UsageError`."""
    if args.output:
        ext = Path(args.output).suffix.lower()
        if ext not in viz.picture.EXTENSIONS:
            raise UsageError(
                f"cannot tell what to write to {args.output!r} from its extension "
                f"{ext or '(none)'}; use {FORMATS}"
            )
    notes: list[str] = []
    try:
        tree = parse(args.expr, notes)
        names = free_variables(tree)
        values = parse_assignments(args.at) if args.at.strip() else {}
        extra = [name for name in values if name not in names]
        if extra:
            which = ", ".join(f"`{name}`" for name in extra)
            uses = ", ".join(names) or "no variables"
            raise UsageError(
                f"--at gives {which}, which the expression does not use (it uses {uses})"
            )
        leaves = {name: Value(values[name], label=name) for name in names if name in values}
        out = evaluate(tree, leaves)
    except ExpressionError as error:
        raise UsageError(str(error)) from None
    if not isinstance(out, Value):
        raise UsageError(
            f"`{args.expr}` has no variables, so there is no graph to draw (its value is "
            f"{out!r}); use a variable, as in x*2 --at x=3"
        )
    if not out.label:
        out.label = "f" if "f" not in names else "out"
    try:
        out.backward()
    except (ArithmeticError, ValueError) as error:
        raise UsageError(str(error)) from None
    overflowed = [n for n in names if not math.isfinite(leaves[n].grad)]
    if not math.isfinite(out.data) or overflowed:
        what = f"{out.label} = {out.data}" if not math.isfinite(out.data) else ""
        what += ", " * bool(what and overflowed)
        what += ", ".join(f"the gradient of {n} = {leaves[n].grad}" for n in overflowed)
        raise UsageError(
            f"{what}: a value on the way overflowed the largest float (about 1.8e308); "
            "try values or constants of smaller size"
        )

    print(f"expression: {to_text(tree)}")
    for note in notes:
        print(f"    note: {note}")
    print(f"value:      {out.label} = {out.data:.10g}")
    print(f"gradients:  ∂{out.label}/∂name, by the chain rule")
    width = max(map(len, names))
    for name in names:
        print(f"  {name:<{width}} = {leaves[name].grad:.10g}")
    if args.explain:
        print()
        print(viz.explain(out).table())
    if args.output:
        try:
            path = viz.save(
                out, args.output, rankdir=args.rankdir, renderer=args.renderer, width=args.width
            )
        except (ValueError, RuntimeError) as error:
            raise UsageError(str(error)) from None
        except OSError as error:
            reason = error.strerror or str(error)
            raise UsageError(f"cannot write {args.output!r}: {reason}") from None
        print(f"wrote {path}{_how(path.suffix.lower(), args.renderer)}")
    return 0


def _how(ext: str, renderer: str) -> str:
    """Which renderer drew an SVG, so a missing Graphviz is no mystery."""
    if ext != ".svg":
        return ""
    if renderer == "builtin":
        return " (built-in renderer)"
    if viz.dot.has_dot():
        return " (Graphviz)"
    return " (built-in renderer: Graphviz's dot was not found)"
