"""What an op is: the `Rule` (an op with its own derivative) and the `Composite` (an op
written with other ops). Everything any part of the package knows about an op lives in
one entry of one of these classes: its forward on numbers and arrays, its partial
derivatives and their formulas, how it prints, where its derivative jumps, its public
names, its NumPy counterparts and whether Taylor mode runs it.

Two kinds of rule, each with one calling convention:

* **Elementwise** rules give, for input number i, the *local derivative*
  $\\partial\\,out/\\partial x_i$ as a function `partials[i](x, y, out)`: `x` is the first
  input, `y` the second input or, for a one-input op, its constants (the exponent `c` of
  `x ** c`, the bounds of `clip`), and `out` the result. The backward pass multiplies it
  by the upstream gradient `g`.
* **Structural** rules (`matmul`, `sum`, `reshape`, `concatenate`, ...) move numbers
  around rather than transform them one by one; their Jacobian is never formed. One
  function `vjp(g, xs, c, out, i)` gives the vector-Jacobian product for input number
  i, with `xs` the tuple of inputs and `c` the op's constants.

Every derivative is written with operators and `call(RULE, x, c)`, so it works on plain
floats and ndarrays (the fast path) and on nodes, in which case the derivative is itself
recorded as a graph: that is all `create_graph=True` and Taylor mode need.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

Fn = Callable[..., Any]

# Precedence of the printed forms, as in Python: + - below * / @ below unary minus below **.
SUM_LEVEL, PRODUCT_LEVEL, UNARY_LEVEL, POWER_LEVEL, ATOM = 1, 2, 3, 4, 9

NODES = ("Value", "Tensor", "Series")
"""The node classes an op can have a method on (`Series` is Taylor mode's node)."""


def number(c: Any) -> str:
    """A constant as written in an expression: `2`, `-0.5`, `6.88137`."""
    x = float(c)
    if not math.isfinite(x):
        return str(x)
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    return f"{x:.6g}"


class Show:
    """How an op prints in a picture's names and tables.

    Attributes:
        form: `"infix"` (`x + y`), `"prefix"` (`-x`), `"call"` (`tanh(x)`), `"postfix"`
            (`xᵀ`) or `"index"` (`x[0, 1:]`).
        symbol: the operator, with its spaces (`" + "`, `"*"`), or the function's name.
        precedence: how tightly it binds (`ATOM` for calls).
        strict: an infix op that is not associative on the right (`x - (y - z)`).
        consts: writes the op's constants (`"2"` for `x ** 2`, `"axis=0"` for a sum).
        swapped: an infix op whose constant stands on the left (`2 - x`).
        operands: the numbers that the words of its formulas for its constants stand for,
            from the constants (`{"lo": "-1", "hi": "2"}` for `clip(x, -1, 2)`), so a
            picture writes `1 if -1 <= x <= 2 else 0`.
    """

    __slots__ = ("consts", "form", "operands", "precedence", "strict", "swapped", "symbol")

    def __init__(
        self,
        form: str,
        symbol: str,
        precedence: int = ATOM,
        strict: bool = False,
        consts: Callable[[Any], str] | None = None,
        swapped: bool = False,
        operands: Callable[[Any], dict[str, str]] | None = None,
    ) -> None:
        self.form = form
        self.operands = operands
        self.swapped = swapped
        self.symbol = symbol
        self.precedence = precedence
        self.strict = strict
        self.consts = consts


class Names:
    """Where an op shows up in the public API.

    Attributes:
        function: its `ag.NAME` function, or None.
        method: its method on the node classes in `on` (`"exp"`, `"__add__"`), or None.
        on: which of `NODES` have that method.
        cli: its name in command-line expressions (a function name, or an operator such
            as `"+"`), or None.
        numpy: the NumPy functions and ufuncs that dispatch to it on a Tensor.
    """

    __slots__ = ("cli", "function", "method", "numpy", "on")

    def __init__(
        self,
        function: str | None = None,
        method: str | None = None,
        on: str = "",
        cli: str | None = None,
        numpy: tuple[Any, ...] = (),
    ) -> None:
        self.function = function
        self.method = method
        self.on = tuple(node for node in NODES if node in on.split())
        self.cli = cli
        self.numpy = numpy


DOMAINS = {
    "real": (-2.0, 2.0),
    "positive": (0.3, 2.0),
    "nonzero": (0.3, 2.0),  # and a random sign
    "unit": (-0.9, 0.9),
    "above_one": (1.2, 3.0),
    "off_integers": (0.15, 0.85),  # plus a random whole number in -2..1
}
"""Where the tests draw an op's inputs: intervals inside its domain, away from its kinks."""


class Example:
    """Where the tests run an op: a domain per input (`DOMAINS`), or for a structural op
    the shapes of its inputs, and the constants to pass.

    The table's own tests draw from it, so a new entry is tested without a new line.
    """

    __slots__ = ("consts", "inputs")

    def __init__(self, *inputs: Any, consts: Any = None) -> None:
        self.inputs = inputs
        self.consts = consts


class Rule:
    """One primitive op: an op with a derivative of its own.

    Attributes:
        name: the op's name in pictures and messages (`"tanh"`).
        expr: the forward as text (`"tanh(x)"`).
        formulas: per input, the derivative as text (`("1 - tanh(x)^2",)`), with the
            placeholders `x`, `y`, `c`, `out` and `g`.
        scalar: the forward on Python floats (None for an op of arrays only).
        array: the forward on ndarrays.
        show: how it prints.
        names: where it is in the public API.
        kink: `kink(xs, c, out, eps)` is True when the derivative jumps within eps of the
            point (relu at 0, a max with ties), for `gradcheck`'s warning; None if never.
        kink_text: where that is, in words (`"at x = 0"`, `"with tied elements"`).
        taylor: whether Taylor mode (`ag.derivative`) runs it.
        doc: why the op is a primitive rather than a composition (STYLE #2), if it is
            not obvious.
        example: where the tests run it.
    """

    elementwise: bool = True
    __slots__ = (
        "array",
        "doc",
        "example",
        "expr",
        "formulas",
        "kink",
        "kink_text",
        "name",
        "names",
        "scalar",
        "show",
        "taylor",
    )

    def __init__(
        self,
        name: str,
        expr: str,
        scalar: Fn | None,
        array: Fn,
        formulas: tuple[str, ...],
        *,
        show: Show | None = None,
        names: Names | None = None,
        kink: Fn | None = None,
        kink_text: str = "",
        taylor: bool = False,
        doc: str = "",
        example: Example | None = None,
    ) -> None:
        self.name = name
        self.expr = expr
        self.scalar = scalar
        self.array = array
        self.formulas = formulas
        self.show = show if show is not None else Show("call", name)
        self.names = names if names is not None else Names()
        self.kink = kink
        self.kink_text = kink_text
        self.taylor = taylor
        self.doc = doc
        self.example = example if example is not None else Example(*["real"] * len(formulas))

    @property
    def arity(self) -> int:
        """How many node inputs the op takes (0 for any number: `concatenate`)."""
        return len(self.formulas)

    def formula(self, i: int) -> str:
        """The derivative for input i, as text (an op of any number of inputs has one
        text, said of every input)."""
        return self.formulas[min(i, len(self.formulas) - 1)]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r}: {self.expr})"


class Elementwise(Rule):
    """An op applied number by number; `partials[i](x, y, out)` is its local derivative."""

    elementwise = True
    __slots__ = ("partials",)

    def __init__(
        self,
        name: str,
        expr: str,
        scalar: Fn | None,
        array: Fn,
        *partials: tuple[str, Fn],
        **options: Any,
    ) -> None:
        if len(partials) == 2 and "show" not in options:  # y may be a number: `maximum(x, 2)`
            options["show"] = Show("call", name, consts=number)
        super().__init__(name, expr, scalar, array, tuple(text for text, _ in partials), **options)
        self.partials = tuple(fn for _, fn in partials)


class Structural(Rule):
    """An op that moves numbers around; `vjp(g, xs, c, out, i)` is its backward and
    `jvp(ts, xs, c, out)` its forward mode.

    `formulas` has one text per input; an op of any number of inputs (`concatenate`)
    has one text, said of every input. `jvp` takes the tangents of all inputs at once
    (None for one that does not move), each with a leading axis of k directions, and
    returns the output's, shape `(k, *out.shape)`.
    """

    elementwise = False
    __slots__ = ("jvp", "variadic", "vjp")

    def __init__(
        self,
        name: str,
        expr: str,
        array: Fn,
        vjp: Fn,
        *formulas: str,
        jvp: Fn,
        variadic: bool = False,
        **options: Any,
    ) -> None:
        super().__init__(name, expr, None, array, tuple(formulas), **options)
        self.vjp = vjp
        self.jvp = jvp
        self.variadic = variadic

    @property
    def arity(self) -> int:
        return 0 if self.variadic else len(self.formulas)


class Composite:
    """An op written with other ops: no derivative code of its own (STYLE #2).

    Attributes:
        name: the op's name.
        expr: what it computes, as text (`"x Φ(x) = x (1 + erf(x/√2)) / 2"`).
        compose: the function of the op's inputs (nodes, numbers or arrays) built from
            primitives; the method on every node class and `ag.NAME` call it.
        names: where it is in the public API.
        taylor: whether Taylor mode runs it (all its parts do).
    """

    __slots__ = ("compose", "expr", "name", "names", "taylor")

    def __init__(
        self, name: str, expr: str, compose: Fn, names: Names, taylor: bool = False
    ) -> None:
        self.name = name
        self.expr = expr
        self.compose = compose
        self.names = names
        self.taylor = taylor

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.compose(*args, **kwargs)

    def __repr__(self) -> str:
        return f"Composite({self.name!r}: {self.expr})"


def input_name(i: int, n: int) -> str:
    """The name of input i of an op of n inputs in formulas and pictures: x, y, or x1..xn."""
    return "xy"[i] if n <= 2 else f"x{i + 1}"


def call(rule: Rule, x: Any, c: Any = None) -> Any:
    """Apply a one-input `rule` (with its constants `c`) to a float, an ndarray or a node.

    Rules use this to name other ops in their derivatives, so the same formula serves
    numbers on the fast path and nodes (which record it) under `create_graph=True`.
    """
    if type(x) is float:
        return rule.scalar(x) if c is None else rule.scalar(x, c)  # type: ignore[misc]
    if isinstance(x, (np.ndarray, np.generic)):  # NumPy gives 0-d results as scalars
        return rule.array(x) if c is None else rule.array(x, c)
    return x._unary(rule, c)


def call_many(rule: Rule, xs: Sequence[Any], c: Any) -> Any:
    """`call` for a rule of any number of inputs (`concatenate`, `einsum`): on arrays
    its forward; with a node among them the recorded op, the arrays made constants."""
    if all(isinstance(x, np.ndarray) for x in xs):
        return rule.array(tuple(xs), c)
    from ..tensor import Tensor, nary

    return nary(rule, [x if isinstance(x, Tensor) else Tensor(x) for x in xs], c)


def data_of(x: Any) -> Any:
    """The number or array behind `x`: for derivatives that are constants (relu, abs)."""
    return x if isinstance(x, (float, np.ndarray, np.generic)) else x.data
