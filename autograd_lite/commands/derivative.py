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

import numpy as np

from .. import expr as E
from ..numeric import MAX_ORDER, check_order, numeric_derivative
from ..taylor import derivative
from . import UsageError

MAX_N = 1000
"""The highest order -n takes: Taylor mode costs about n^2 steps per operation."""
MAX_WORK = 20_000_000
"""Operations times (n + 1)^2: more is refused rather than left running for minutes."""


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
        "-n",
        type=int,
        default=1,
        help=f"the order of the derivative, 0 to {MAX_N} (default: %(default)s)",
    )
    parser.add_argument(
        "--numeric", action="store_true", help="also show the central-difference approximation"
    )
    parser.add_argument(
        "--dx",
        type=float,
        default=1.0,
        help="step of --numeric, finite and not 0 (default: %(default)s)",
    )
    parser.add_argument(
        "--order",
        type=int,
        default=3,
        help="points of --numeric: an odd number, larger than -n (3, 5, 7, ...), at most "
        f"{MAX_ORDER}, SciPy's limit (default: %(default)s)",
    )
    parser.set_defaults(run=run)


def _point(text: str, names: list[str]) -> dict[str, float]:
    """`--at 2` for a single variable, or `--at x=1,y=2`."""
    if "=" not in text:
        try:
            value = float(text)
        except ValueError:
            raise UsageError(f"--at {text!r} is neither a number nor name=value pairs") from None
        if not math.isfinite(value):
            raise UsageError(f"--at {text}: the point must be a finite number, as in --at 2")
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


def _operations(tree: E.Expr) -> int:
    """How many operations the expression has: Taylor mode's cost grows with each."""
    count, stack = 0, [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, E.BinOp):
            count += 1
            stack += [node.left, node.right]
        elif isinstance(node, E.UnaryOp):
            count += 1
            stack.append(node.operand)
        elif isinstance(node, E.Call):
            count += 1
            stack.append(node.arg)
    return count


def _check_options(args: argparse.Namespace, tree: E.Expr) -> None:
    """Refuse what would hang or give nonsense, before anything is computed or printed."""
    if args.n < 0:
        raise UsageError(f"-n {args.n}: the order must be 0 or more")
    if args.n > MAX_N:
        raise UsageError(
            f"-n {args.n} is beyond the limit of {MAX_N}: the cost of exact derivatives grows "
            f"as n squared; use -n {MAX_N} or less"
        )
    work = max(1, _operations(tree)) * (args.n + 1) ** 2
    if work > MAX_WORK:
        raise UsageError(
            f"-n {args.n} on an expression of {_operations(tree)} operations is too much work "
            f"(about {work:.1e} steps, the limit is {MAX_WORK:.0e}); use a smaller -n or a "
            "shorter expression"
        )
    if not args.numeric:
        return
    if not math.isfinite(args.dx) or args.dx == 0:
        raise UsageError(f"--dx {args.dx:g}: the step must be a finite number other than 0")
    try:
        check_order(args.n, args.order)
    except ValueError as error:
        raise UsageError(f"--order {args.order}: {error}") from None


def _overflowed(label: str, value: float, how: str) -> UsageError:
    return UsageError(
        f"{label} overflowed: a value on the way went beyond the largest float (about "
        f"1.8e308), and {how} gave {value}; try a point or constants of smaller size"
    )


def _check_value(tree: E.Expr, point: dict[str, float]) -> None:
    """Refuse a point where f itself overflows: no derivative printed there means much."""
    try:
        value = float(E.evaluate(tree, point))
    except E.ExpressionError as error:
        raise UsageError(str(error)) from None
    if not math.isfinite(value):
        raise _overflowed("f", value, "computing it")


def _exact(along: Any, x0: float, n: int) -> float:
    """The exact n-th derivative, or a UsageError in words."""
    try:
        return derivative(along, x0, n)
    except (E.ExpressionError, ValueError, ArithmeticError) as error:
        raise UsageError(f"cannot differentiate at this point: {E.plain_message(error)}") from None
    except RecursionError:  # Taylor mode nests Python calls as deep as n times the expression
        raise UsageError(
            f"-n {n} is too deep for this expression (Python's recursion limit); use a smaller -n"
        ) from None


def run(args: argparse.Namespace) -> int:
    """Print the echo, the point and the derivative(s)."""
    notes: list[str] = []
    try:
        tree = E.parse(args.expr, notes)
    except E.ExpressionError as error:
        raise UsageError(str(error)) from None
    _check_options(args, tree)
    names = E.free_variables(tree)
    point = _point(args.at, names)
    missing = [name for name in names if name not in point]
    if missing:
        raise UsageError(
            f"no value for {', '.join(missing)}: add it to --at, as in --at "
            + ",".join(f"{n}={_format(point.get(n, 1.0))}" for n in names)
        )
    _check_value(tree, point)
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

        label = f"d{order}f/d{name}{order}"
        exact = _exact(along, point[name], args.n)
        if not math.isfinite(exact):
            raise _overflowed(label, exact, "automatic differentiation")
        print(f"{label} = {_format(exact)}   (exact, automatic differentiation)")
        if args.numeric:
            try:
                with np.errstate(all="ignore"):  # overflow is reported below, in words
                    approx = float(
                        numeric_derivative(
                            along, point[name], dx=args.dx, n=args.n, order=args.order
                        )
                    )
            except (E.ExpressionError, ValueError, ArithmeticError) as error:
                raise UsageError(f"--numeric: {E.plain_message(error)}") from None
            if not math.isfinite(approx):
                raise _overflowed(label, approx, "central difference")
            error_abs = abs(approx - exact)
            relative = error_abs / abs(exact) if exact else math.inf if error_abs else 0.0
            print(
                f"{' ' * len(label)} ~ {_format(approx)}   (central difference, dx={args.dx:g}, "
                f"order={args.order}; error {error_abs:.3g}, relative {relative:.3g})"
            )
    return 0
