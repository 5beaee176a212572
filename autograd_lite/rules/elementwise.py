"""The elementwise rules: ops applied number by number, each with its local derivative.

Each entry reads like a line of a calculus table: the op, its forward on floats and on
arrays, then per input `(formula, partial)` with the partial a function of `(x, y, out)`
(`y` is the second input, or a one-input op's constants). A partial that is a constant
(relu's step, abs's sign) reads the data of its input, so it records no graph.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from . import scalar as S
from .base import (
    POWER_LEVEL,
    PRODUCT_LEVEL,
    SUM_LEVEL,
    UNARY_LEVEL,
    Elementwise,
    Example,
    Names,
    Show,
    call,
    data_of,
    number,
)
from .special import erf as erf_array

LN2, LN10 = math.log(2.0), math.log(10.0)
TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
ALL = "Value Tensor Series"


# ---------------------------------------------------------------- constant derivatives
# Derivatives that are constants read the data of their input: no graph is recorded
# for them, and under create_graph they differentiate to 0 as they should.


def _step(x: Any) -> Any:
    """relu'(x): 1 where x > 0, else 0 (relu'(0) = 0, as in PyTorch)."""
    x = data_of(x)
    if type(x) is float:
        return 1.0 if x > 0.0 else 0.0
    return x > S.zero_of(x)  # a boolean mask: g * mask keeps g's dtype, no float copy


def _sign(x: Any) -> Any:
    """abs'(x) = sign(x), with sign(0) = 0 (as in PyTorch)."""
    x = data_of(x)
    return S.sign(x) if type(x) is float else np.sign(x)


def _zero(x: Any, y: Any, out: Any) -> float:
    """The derivative of a step function (sign, floor, ceil) away from its jumps."""
    return 0.0


def _one(x: Any, y: Any, out: Any) -> float:
    return 1.0


def _leaky(x: Any, slope: float) -> Any:
    """leaky_relu'(x): 1 where x > 0, else the slope."""
    x = data_of(x)
    if type(x) is float:
        return 1.0 if x > 0.0 else slope
    return np.where(x > 0, 1.0, slope).astype(x.dtype, copy=False)


def _inside(x: Any, bounds: tuple[float, float]) -> Any:
    """clip'(x): 1 where lo <= x <= hi, else 0 (inclusive, as torch.clamp)."""
    x = data_of(x)
    lo, hi = bounds
    if type(x) is float:
        return 1.0 if lo <= x <= hi else 0.0
    return (x >= lo) & (x <= hi)


def _share(x: Any, y: Any) -> Any:
    """d max(x, y)/dx: 1 where x wins, 1/2 on a tie (ties share the gradient), else 0."""
    x, y = data_of(x), data_of(y)
    if type(x) is float and type(y) is float:
        return 1.0 if x > y else (0.5 if x == y else 0.0)
    dtype = np.result_type(x, y, np.float32)
    return ((x > y) + 0.5 * (x == y)).astype(dtype, copy=False)


def _power_partial(x: Any, c: Any) -> Any:
    """$c x^{c-1}$, exactly 0 for c = 0 and 1 for c = 1: so repeated differentiation of
    $x^2$ ends in constants instead of reaching $0 \\cdot x^{-1}$, undefined at x = 0."""
    if type(c) is float:
        if c == 0.0:
            return 0.0
        if c == 1.0:
            return 1.0
    return c * x ** (c - 1.0)


def _log_of_base(x: Any, out: Any) -> Any:
    """$\\partial x^y/\\partial y = x^y \\log x$, taken as 0 where x = 0 (there $0^y$ is
    flat for y > 0), as PyTorch and HIPS autograd do, instead of $0 \\cdot (-\\infty)$."""
    xd = data_of(x)
    if type(xd) is float:
        return 0.0 if xd == 0.0 else out * call(LOG, x)
    zero = xd == 0
    if not zero.any():
        return out * call(LOG, x)
    safe = call(WHERE, x, (~zero, 1.0))  # log(1) = 0 where the base is 0
    return out * call(LOG, safe)


def _rpow_partial(x: Any, c: float, out: Any) -> Any:
    """$\\partial c^x/\\partial x = c^x \\log c$: 0 for c = 0 (as for `_log_of_base`),
    nan for c < 0, where $c^x$ is real only at whole x and has no derivative."""
    if c == 0.0:
        return 0.0
    return out * (math.log(c) if c > 0.0 else math.nan)


def _where(x: np.ndarray, c: tuple[Any, ...]) -> np.ndarray:
    return np.where(c[0], x, c[1]).astype(x.dtype, copy=False)


def _where_partial(x: Any, c: tuple[Any, ...], out: Any) -> Any:
    return c[0]  # the condition: 1 where x was taken, else 0


def _kink_at_zero(xs: tuple[Any, ...], c: Any, out: Any, eps: float) -> bool:
    return bool(np.any(np.abs(xs[0]) <= eps))


def _kink_at_integers(xs: tuple[Any, ...], c: Any, out: Any, eps: float) -> bool:
    x = np.asarray(xs[0])
    return bool(np.any(np.abs(x - np.round(x)) <= eps))


def _kink_at_tie(xs: tuple[Any, ...], c: Any, out: Any, eps: float) -> bool:
    y = xs[1] if len(xs) == 2 else c
    return bool(np.any(np.abs(np.asarray(xs[0]) - np.asarray(y)) <= eps))


def _kink_at_bounds(xs: tuple[Any, ...], c: Any, out: Any, eps: float) -> bool:
    x = np.asarray(xs[0])
    return bool(np.any((np.abs(x - c[0]) <= eps) | (np.abs(x - c[1]) <= eps)))


def _kink_of_mod(xs: tuple[Any, ...], c: Any, out: Any, eps: float) -> bool:
    y = xs[1] if len(xs) == 2 else c
    ratio = np.asarray(xs[0]) / np.asarray(y)
    return bool(np.any(np.abs(ratio - np.round(ratio)) <= eps))


def _clip_text(c: tuple[float, float]) -> str:
    return f"{number(c[0])}, {number(c[1])}"


def _clip_words(c: tuple[float, float]) -> dict[str, str]:
    return {"lo": number(c[0]), "hi": number(c[1])}


def _where_text(c: tuple[Any, ...]) -> str:
    """`cond, 2`: the mask's name, then the other value. `ag.where(cond, 2, t)` records
    t where ~cond: its constants carry the name `~cond` as a third entry."""
    other = c[1]
    return f"{c[2] if len(c) > 2 else 'cond'}, {number(other) if np.ndim(other) == 0 else '…'}"


def _infix(symbol: str, level: int, strict: bool = False, swapped: bool = False) -> Show:
    return Show("infix", symbol, level, strict, consts=number, swapped=swapped)


# Rules named by the derivatives of others before their own lines.
LOG: Elementwise
COS: Elementwise
COSH: Elementwise
FLOOR: Elementwise
SIGMOID: Elementwise
WHERE: Elementwise
# fmt: off
ADD = Elementwise("add", "x + y", float.__add__, np.add,
                  ("1", _one),
                  ("1", _one),
                  show=_infix(" + ", SUM_LEVEL),
                  names=Names(method="__add__", on=ALL, cli="+", numpy=(np.add,)), taylor=True)
SUB = Elementwise("sub", "x - y", float.__sub__, np.subtract,
                  ("1", _one),
                  ("-1", lambda x, y, out: -1.0),
                  show=_infix(" - ", SUM_LEVEL, strict=True),
                  names=Names(method="__sub__", on=ALL, cli="-", numpy=(np.subtract,)),
                  taylor=True)
MUL = Elementwise("mul", "x * y", float.__mul__, np.multiply,
                  ("y", lambda x, y, out: y),
                  ("x", lambda x, y, out: x),
                  show=_infix("*", PRODUCT_LEVEL, strict=True),
                  names=Names(method="__mul__", on=ALL, cli="*", numpy=(np.multiply,)),
                  taylor=True)
DIV = Elementwise("div", "x / y", S.div, np.divide,
                  ("1/y", lambda x, y, out: 1.0 / y),
                  ("-x/y^2", lambda x, y, out: -out / y),
                  show=_infix("/", PRODUCT_LEVEL, strict=True),
                  names=Names(method="__truediv__", on=ALL, cli="/", numpy=(np.divide,)),
                  taylor=True,
                  example=Example("real", "nonzero"))
POW = Elementwise("pow", "x ** y", S.power, np.power,
                  ("y*x^(y-1)", lambda x, y, out: _power_partial(x, y)),
                  ("x^y*log(x)", lambda x, y, out: _log_of_base(x, out)),
                  show=Show("infix", "**", POWER_LEVEL, consts=number),
                  names=Names(method="__pow__", on=ALL, cli="**", numpy=(np.power,)),
                  taylor=True,
                  example=Example("positive", "real"))
MOD = Elementwise("mod", "x % y = x - y*floor(x/y)", S.mod, np.mod,
                  ("1", _one),
                  ("-floor(x/y)", lambda x, y, out: -call(FLOOR, x / y)),
                  show=_infix(" % ", PRODUCT_LEVEL, strict=True),
                  names=Names("mod", "__mod__", on=ALL, cli="%", numpy=(np.mod,)),
                  kink=_kink_of_mod, kink_text="where x/y is a whole number (the result jumps)",
                  taylor=True,
                  example=Example("positive", "positive"))
NEG = Elementwise("neg", "-x", float.__neg__, np.negative,
                  ("-1", lambda x, c, out: -1.0),
                  show=Show("prefix", "-", UNARY_LEVEL),
                  names=Names(method="__neg__", on=ALL, cli="-", numpy=(np.negative,)),
                  taylor=True)
RSUB = Elementwise("rsub", "c - x", lambda x, c: c - x, lambda x, c: c - x,
                   ("-1", lambda x, c, out: -1.0),
                   show=_infix(" - ", SUM_LEVEL, strict=True, swapped=True),
                   names=Names(method="__rsub__", on=ALL), taylor=True,
                   doc="A constant minus a node, kept as one node with its constant c.",
                   example=Example("real", consts=2.0))
RDIV = Elementwise("rdiv", "c / x", S.rdiv, lambda x, c: c / x,
                   ("-c/x^2", lambda x, c, out: -out / x),
                   show=_infix("/", PRODUCT_LEVEL, strict=True, swapped=True),
                   names=Names(method="__rtruediv__", on=ALL), taylor=True,
                   doc="A constant divided by a node, kept as one node with its constant c.",
                   example=Example("nonzero", consts=2.0))
RPOW = Elementwise("rpow", "c ** x", S.rpow, lambda x, c: np.power(c, x),
                   ("c^x*log(c)", _rpow_partial),
                   show=Show("infix", "**", POWER_LEVEL, consts=number, swapped=True),
                   names=Names(method="__rpow__", on=ALL), taylor=True,
                   doc="A constant raised to a node, kept as one node with its constant c.",
                   example=Example("real", consts=3.0))
EXP = Elementwise("exp", "exp(x)", S.exp, np.exp,
                  ("exp(x)", lambda x, c, out: out),
                  names=Names("exp", "exp", ALL, "exp", (np.exp,)), taylor=True)
LOG = Elementwise("log", "log(x)", S.log, np.log,
                  ("1/x", lambda x, c, out: 1.0 / x),
                  names=Names("log", "log", ALL, "log", (np.log,)), taylor=True,
                  example=Example("positive"))
TANH = Elementwise("tanh", "tanh(x)", math.tanh, np.tanh,
                   ("1 - tanh(x)^2", lambda x, c, out: S.one_like(out) - out * out),
                   names=Names("tanh", "tanh", ALL, "tanh", (np.tanh,)), taylor=True)
SIGMOID = Elementwise("sigmoid", "σ(x) = 1/(1 + exp(-x))", S.sigmoid, S.array_sigmoid,
                      ("σ(x)(1 - σ(x))", lambda x, c, out: out * (S.one_like(out) - out)),
                      names=Names("sigmoid", "sigmoid", ALL, "sigmoid"), taylor=True,
                      doc="A primitive: composed of exp it overflows for x below -709.")
RELU = Elementwise("relu", "max(x, 0)", S.relu, S.array_relu,
                   ("1 if x > 0 else 0", lambda x, c, out: _step(x)),
                   names=Names("relu", "relu", ALL, "relu"),
                   kink=_kink_at_zero, kink_text="at x = 0", taylor=True,
                   example=Example("nonzero"))
LEAKY_RELU = Elementwise("leaky_relu", "x if x > 0 else slope*x", S.leaky_relu,
                         S.array_leaky_relu,
                         ("1 if x > 0 else slope", lambda x, c, out: _leaky(x, c)),
                         show=Show("call", "leaky_relu", consts=number,
                                   operands=lambda c: {"slope": number(c)}),
                         names=Names("leaky_relu", "leaky_relu", ALL, "leaky_relu"),
                         kink=_kink_at_zero, kink_text="at x = 0", taylor=True,
                         example=Example("nonzero", consts=0.1))
SIN = Elementwise("sin", "sin(x)", math.sin, np.sin,
                  ("cos(x)", lambda x, c, out: call(COS, x)),
                  names=Names("sin", "sin", ALL, "sin", (np.sin,)), taylor=True)
COS = Elementwise("cos", "cos(x)", math.cos, np.cos,
                  ("-sin(x)", lambda x, c, out: -call(SIN, x)),
                  names=Names("cos", "cos", ALL, "cos", (np.cos,)), taylor=True)
TAN = Elementwise("tan", "tan(x)", S.tan, np.tan,
                  ("1 + tan(x)^2", lambda x, c, out: 1.0 + out * out),
                  names=Names("tan", "tan", ALL, "tan", (np.tan,)), taylor=True,
                  example=Example("unit"))
ARCSIN = Elementwise("arcsin", "arcsin(x)", S.arcsin, np.arcsin,
                     ("1/sqrt(1 - x^2)", lambda x, c, out: (1.0 - x * x) ** -0.5),
                     names=Names("arcsin", "arcsin", ALL, "arcsin", (np.arcsin,)), taylor=True,
                     example=Example("unit"))
ARCCOS = Elementwise("arccos", "arccos(x)", S.arccos, np.arccos,
                     ("-1/sqrt(1 - x^2)", lambda x, c, out: -((1.0 - x * x) ** -0.5)),
                     names=Names("arccos", "arccos", ALL, "arccos", (np.arccos,)), taylor=True,
                     example=Example("unit"))
ARCTAN = Elementwise("arctan", "arctan(x)", math.atan, np.arctan,
                     ("1/(1 + x^2)", lambda x, c, out: 1.0 / (1.0 + x * x)),
                     names=Names("arctan", "arctan", ALL, "arctan", (np.arctan,)), taylor=True)
SINH = Elementwise("sinh", "sinh(x)", S.sinh, np.sinh,
                   ("cosh(x)", lambda x, c, out: call(COSH, x)),
                   names=Names("sinh", "sinh", ALL, "sinh", (np.sinh,)), taylor=True)
COSH = Elementwise("cosh", "cosh(x)", S.cosh, np.cosh,
                   ("sinh(x)", lambda x, c, out: call(SINH, x)),
                   names=Names("cosh", "cosh", ALL, "cosh", (np.cosh,)), taylor=True)
ARCSINH = Elementwise("arcsinh", "arcsinh(x)", math.asinh, np.arcsinh,
                      ("1/sqrt(x^2 + 1)", lambda x, c, out: (x * x + 1.0) ** -0.5),
                      names=Names("arcsinh", "arcsinh", ALL, "arcsinh", (np.arcsinh,)),
                      taylor=True)
ARCCOSH = Elementwise("arccosh", "arccosh(x)", S.arccosh, np.arccosh,
                      ("1/sqrt(x^2 - 1)", lambda x, c, out: (x * x - 1.0) ** -0.5),
                      names=Names("arccosh", "arccosh", ALL, "arccosh", (np.arccosh,)),
                      taylor=True,
                      example=Example("above_one"))
ARCTANH = Elementwise("arctanh", "arctanh(x)", S.arctanh, np.arctanh,
                      ("1/(1 - x^2)", lambda x, c, out: 1.0 / (1.0 - x * x)),
                      names=Names("arctanh", "arctanh", ALL, "arctanh", (np.arctanh,)),
                      taylor=True,
                      example=Example("unit"))
CBRT = Elementwise("cbrt", "x^(1/3)", lambda x: math.copysign(abs(x) ** (1 / 3), x), np.cbrt,
                   ("1/(3 cbrt(x)^2)", lambda x, c, out: 1.0 / (3.0 * out * out)),
                   names=Names("cbrt", "cbrt", ALL, "cbrt", (np.cbrt,)), taylor=True,
                   doc="A primitive: x ** (1/3) is nan for x < 0.",
                   example=Example("nonzero"))
SQRT = Elementwise("sqrt", "sqrt(x)", S.sqrt, np.sqrt,
                   ("1/(2 sqrt(x))", lambda x, c, out: 0.5 / out),
                   names=Names("sqrt", "sqrt", ALL, "sqrt", (np.sqrt,)), taylor=True,
                   example=Example("positive"))
ABS = Elementwise("abs", "|x|", abs, np.abs,
                  ("sign(x)", lambda x, c, out: _sign(x)),
                  names=Names("abs", "abs", ALL, "abs", (np.abs,)),
                  kink=_kink_at_zero, kink_text="at x = 0", taylor=True,
                  example=Example("nonzero"))
LOG1P = Elementwise("log1p", "log(1 + x)", S.log1p, np.log1p,
                    ("1/(1 + x)", lambda x, c, out: 1.0 / (1.0 + x)),
                    names=Names("log1p", "log1p", ALL, "log1p", (np.log1p,)), taylor=True,
                    doc="A primitive: log(1 + x) loses every digit of x below 1e-16.",
                    example=Example("positive"))
EXPM1 = Elementwise("expm1", "exp(x) - 1", S.expm1, np.expm1,
                    ("exp(x)", lambda x, c, out: out + 1.0),
                    names=Names("expm1", "expm1", ALL, "expm1", (np.expm1,)), taylor=True,
                    doc="A primitive: exp(x) - 1 loses every digit of x below 1e-16.")
LOG2 = Elementwise("log2", "log2(x)", S.log2, np.log2,
                   ("1/(x ln 2)", lambda x, c, out: 1.0 / (x * LN2)),
                   names=Names("log2", "log2", ALL, "log2", (np.log2,)), taylor=True,
                   example=Example("positive"))
LOG10 = Elementwise("log10", "log10(x)", S.log10, np.log10,
                    ("1/(x ln 10)", lambda x, c, out: 1.0 / (x * LN10)),
                    names=Names("log10", "log10", ALL, "log10", (np.log10,)), taylor=True,
                    example=Example("positive"))
EXP2 = Elementwise("exp2", "2^x", S.exp2, np.exp2,
                   ("2^x ln 2", lambda x, c, out: out * LN2),
                   names=Names("exp2", "exp2", ALL, "exp2", (np.exp2,)), taylor=True)
SIGN = Elementwise("sign", "sign(x)", S.sign, np.sign,
                   ("0", _zero),
                   names=Names("sign", "sign", ALL, "sign", (np.sign,)),
                   kink=_kink_at_zero, kink_text="at x = 0 (sign jumps)", taylor=True,
                   example=Example("nonzero"))
FLOOR = Elementwise("floor", "floor(x)", lambda x: float(math.floor(x)), np.floor,
                    ("0", _zero),
                    names=Names("floor", "floor", ALL, "floor", (np.floor,)),
                    kink=_kink_at_integers, kink_text="at a whole number (floor jumps)",
                    taylor=True,
                    example=Example("off_integers"))
CEIL = Elementwise("ceil", "ceil(x)", lambda x: float(math.ceil(x)), np.ceil,
                   ("0", _zero),
                   names=Names("ceil", "ceil", ALL, "ceil", (np.ceil,)),
                   kink=_kink_at_integers, kink_text="at a whole number (ceil jumps)",
                   taylor=True,
                   example=Example("off_integers"))
ERF = Elementwise("erf", "erf(x) = 2/√π ∫₀ˣ exp(-t²) dt", math.erf, erf_array,
                  ("2/√π exp(-x^2)", lambda x, c, out: TWO_OVER_SQRT_PI * call(EXP, -(x * x))),
                  names=Names("erf", "erf", ALL, "erf"), taylor=True)
SOFTPLUS = Elementwise("softplus", "log(1 + exp(x))", S.softplus, S.array_softplus,
                       ("σ(x)", lambda x, c, out: call(SIGMOID, x)),
                       names=Names("softplus", "softplus", ALL, "softplus"), taylor=True,
                       doc="A primitive: composed of exp and log it overflows above x = 709.")
MAXIMUM = Elementwise("maximum", "max(x, y)", S.maximum, np.maximum,
                      ("1 if x > y, 1/2 if x = y, else 0", lambda x, y, out: _share(x, y)),
                      ("1 if y > x, 1/2 if x = y, else 0", lambda x, y, out: _share(y, x)),
                      names=Names("maximum", None, "", "maximum", (np.maximum,)),
                      kink=_kink_at_tie, kink_text="at x = y", taylor=True)
MINIMUM = Elementwise("minimum", "min(x, y)", S.minimum, np.minimum,
                      ("1 if x < y, 1/2 if x = y, else 0", lambda x, y, out: _share(y, x)),
                      ("1 if y < x, 1/2 if x = y, else 0", lambda x, y, out: _share(x, y)),
                      names=Names("minimum", None, "", "minimum", (np.minimum,)),
                      kink=_kink_at_tie, kink_text="at x = y", taylor=True)
LOGADDEXP = Elementwise("logaddexp", "log(exp(x) + exp(y))", S.logaddexp, np.logaddexp,
                        ("exp(x - out)", lambda x, y, out: call(EXP, x - out)),
                        ("exp(y - out)", lambda x, y, out: call(EXP, y - out)),
                        names=Names("logaddexp", None, "", "logaddexp", (np.logaddexp,)),
                        taylor=True,
                        doc="A primitive: log(exp(x) + exp(y)) overflows above 709.")
ARCTAN2 = Elementwise("arctan2", "arctan2(x, y): the angle of the point (y, x)",
                      math.atan2, np.arctan2,
                      ("y/(x^2 + y^2)", lambda x, y, out: y / (x * x + y * y)),
                      ("-x/(x^2 + y^2)", lambda x, y, out: -x / (x * x + y * y)),
                      names=Names("arctan2", None, "", "arctan2", (np.arctan2,)),
                      kink=lambda xs, c, out, eps: bool(
                          np.any((np.abs(xs[0]) <= eps) & (np.asarray(xs[1]) < 0))),
                      kink_text="on the negative x axis (the angle jumps by 2π)", taylor=True,
                      example=Example("real", "positive"))
CLIP = Elementwise("clip", "min(max(x, lo), hi)", S.clip, S.array_clip,
                   ("1 if lo <= x <= hi else 0", lambda x, c, out: _inside(x, c)),
                   show=Show("call", "clip", consts=_clip_text, operands=_clip_words),
                   names=Names("clip", "clip", ALL, "clip", (np.clip,)),
                   kink=_kink_at_bounds, kink_text="at x = lo or x = hi", taylor=True,
                   example=Example("real", consts=(-0.5, 0.5)))
WHERE = Elementwise("where", "x where cond, else other", None, _where,
                    ("1 where x is taken, else 0", _where_partial),
                    show=Show("call", "where", consts=_where_text),
                    names=Names("where", None, "", None, (np.where,)),
                    doc="Selects; a product cond*x + (1-cond)*y would turn an inf into nan. "
                    "Its input has the output's shape (ag.where broadcasts it first).",
                    example=Example("real", consts=(np.array([True, False, True, True]), -3.0)))
# fmt: on

ELEMENTWISE: tuple[Elementwise, ...] = (
    ADD, SUB, MUL, DIV, POW, MOD, NEG, RSUB, RDIV, RPOW,
    EXP, LOG, TANH, SIGMOID, RELU, LEAKY_RELU, SIN, COS, TAN, ARCSIN, ARCCOS, ARCTAN,
    SINH, COSH, ARCSINH, ARCCOSH, ARCTANH, CBRT, SQRT, ABS, LOG1P, EXPM1, LOG2, LOG10, EXP2,
    SIGN, FLOOR, CEIL, ERF, SOFTPLUS, MAXIMUM, MINIMUM, LOGADDEXP, ARCTAN2, CLIP, WHERE,
)  # fmt: skip


def clip_bounds(lo: Any, hi: Any) -> tuple[float, float]:
    """`(lo, hi)` as floats for `clip`, refusing lo > hi (which NumPy would silently allow)."""
    bounds = float(lo), float(hi)
    if bounds[0] > bounds[1]:
        raise ValueError(
            f"clip: lo = {lo!r} is above hi = {hi!r}; pass clip(x, lo, hi) with lo <= hi"
        )
    return bounds
