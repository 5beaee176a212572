"""`autograd-lite derivative EXPR --at X [-n N] [--numeric [--dx D --order K]]`.

Echoes the expression as it was read (fully parenthesised, so `e*x**2` visibly means
e times x squared), the point, and the exact derivative by automatic differentiation;
with several variables, every partial derivative; with `--numeric`, the central
difference of `scipy.misc.derivative` beside it, and its error.
"""

from __future__ import annotations

import argparse
import math
from typing import Any

from .. import expr as E
from ..numeric import numeric_derivative
from ..taylor import derivative
from . import UsageError


def add_parser(sub: Any) -> None:
    """Register `derivative`."""
    parser = sub.add_parser(
        "derivative",
        help="exact derivative of an expression at a point",
        description="Exact derivatives by automatic differentiation, e.g. "
        'autograd-lite derivative "3*x**2" --at 2',
    )
    parser.add_argument("expr", metavar="EXPR", help='an expression such as "exp(x**2)"')
    parser.add_argument(
        "--at", required=True, metavar="X", help="the point: 2, or x=1,y=2 for several variables"
    )
    parser.add_argument(
        "-n", type=int, default=1, help="the order of the derivative (default: %(default)s)"
    )
    parser.add_argument(
        "--numeric", action="store_true", help="also show the central-difference approximation"
    )
    parser.add_argument(
        "--dx", type=float, default=1.0, help="step of --numeric (default: %(default)s)"
    )
    parser.add_argument(
        "--order",
        type=int,
        default=3,
        help="points of --numeric: an odd number, larger than -n (3, 5, 7, ...; "
        "default: %(default)s)",
    )
    parser.set_defaults(run=run)


def _point(text: str, names: list[str]) -> dict[str, float]:
    """`--at 2` for a single variable, or `--at x=1,y=2`."""
    if "=" not in text:
        try:
            value = float(text)
        except ValueError:
            raise UsageError(f"--at {text!r} is neither a number nor name=value pairs") from None
        if len(names) != 1:
            raise UsageError(
                f"the expression has {len(names)} variables ({', '.join(names) or 'none'}); "
                "give each a value, as in --at " + ",".join(f"{n}=1" for n in names or ["x"])
            )
        return {names[0]: value}
    try:
        return E.parse_assignments(text)
    except E.ExpressionError as error:
        raise UsageError(str(error)) from None


def _hint(tree: E.Expr) -> str | None:
    """Catch the study note's slip: `e*x**2` read as e times x^2, meant as e^(x^2)."""
    stack: list[Any] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, E.BinOp):
            if node.op == "*" and E.Const("e") in (node.left, node.right):
                return (
                    "e * ... multiplies by e = 2.71828...; for e raised to a power write exp(...)"
                )
            stack += [node.left, node.right]
        elif isinstance(node, E.UnaryOp):
            stack.append(node.operand)
        elif isinstance(node, E.Call):
            stack.extend(node.args)
    return None


def _format(value: float) -> str:
    return f"{value:.12g}"


def run(args: argparse.Namespace) -> int:
    """Print the echo, the point and the derivative(s)."""
    notes: list[str] = []
    try:
        tree = E.parse(args.expr, notes)
    except E.ExpressionError as error:
        raise UsageError(str(error)) from None
    if args.n < 0:
        raise UsageError(f"-n {args.n}: the order must be 0 or more")
    names = E.free_variables(tree)
    point = _point(args.at, names)
    missing = [name for name in names if name not in point]
    if missing:
        raise UsageError(
            f"no value for {', '.join(missing)}: add it to --at, as in --at "
            + ",".join(f"{n}={_format(point.get(n, 1.0))}" for n in names)
        )
    print(f"f = {E.to_text(tree)}")
    for note in [*notes, _hint(tree)]:
        if note:
            print(f"    note: {note}")
    print("at  " + ", ".join(f"{name} = {_format(point[name])}" for name in names or point))
    if not names:
        print("f is a constant: every derivative of order >= 1 is 0")
    order = "" if args.n == 1 else f"^{args.n}"
    for name in names:

        def along(t: Any, name: str = name) -> Any:
            return E.evaluate(tree, {**point, name: t})

        try:
            exact = derivative(along, point[name], args.n)
        except (E.ExpressionError, ValueError, ZeroDivisionError, OverflowError) as error:
            raise UsageError(f"cannot differentiate at this point: {error}") from None
        label = f"d{order}f/d{name}{order}"
        print(f"{label} = {_format(exact)}   (exact, automatic differentiation)")
        if args.numeric:
            try:
                approx = numeric_derivative(
                    along, point[name], dx=args.dx, n=args.n, order=args.order
                )
            except (E.ExpressionError, ValueError, ZeroDivisionError) as error:
                raise UsageError(f"--numeric: {error}") from None
            error_abs = abs(approx - exact)
            relative = error_abs / abs(exact) if exact else math.inf if error_abs else 0.0
            print(
                f"{' ' * len(label)} ~ {_format(approx)}   (central difference, dx={args.dx:g}, "
                f"order={args.order}; error {error_abs:.3g}, relative {relative:.3g})"
            )
    return 0
