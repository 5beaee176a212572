r"""Formulas in the learner's own names: the rule table's placeholders replaced by the operands.

The rule table writes every derivative with placeholders: `x` for an op's first input,
`y` for its second input (or the op's constant, also called `c`), `out` for its result.
A learner reads `w*x` and `x = 1.5`; the table's `∂out/∂y = x` would then say "x" for
what is really `w`. So every view of the visualizer (the edge labels of the DOT and the
built-in SVG, the rows of `explain`, the stepper's captions) writes the formula through
`named`, which puts the operands' own names in place of the placeholders:

$$\frac{\partial (w \cdot x)}{\partial x} = w = -2$$

Placeholders are whole identifiers (the `x` of `exp(x)`, never the one in `max`), found
by a small tokenizer. A compound name (`w*x + b`) is put in brackets where an operator
next to it binds more tightly than its own (`1/(w*x + b)`, `(w*x + b)^2`), and left bare
where it stands alone, as a function's argument (`cos(w*x + b)`) or in a sum. Where the
op's result has a name of its own (a label), the op applied to its input is written as
that name, as one writes $\tanh' = 1 - \tanh^2$: for `out = tanh(n)`, `1 - out^2`
rather than `1 - tanh(n)^2`. A constant's `c - 1` is worked out (`2*x^(2-1)` reads
`2*x`) and a transpose of a transpose cancels (`g @ (Wᵀ)ᵀ` reads `g @ W`).

Example:
    >>> named("x", {"x": "w", "y": "x", "out": "w*x"})
    'w'
    >>> named("1 - tanh(x)^2", {"x": "w*x + b", "out": "tanh(w*x + b)"})
    '1 - tanh(w*x + b)^2'
    >>> named("1 - tanh(x)^2", {"x": "w*x + b", "out": "o"}, forward="tanh(x)")
    '1 - o^2'
    >>> named("-x/y^2", {"x": "a", "y": "b + 1"})
    '-a/(b + 1)^2'
    >>> named("c*x^(c-1)", {"x": "u", "c": "3"})
    '3*u^2'
    >>> partial("w*x", "x")
    '∂(w*x)/∂x'
"""

from __future__ import annotations

import re
from collections.abc import Mapping

PLACEHOLDERS = ("x", "y", "c", "out")
"""The names the rule table's formulas use for an op's inputs, constant and result."""

_TOKEN = re.compile(r"[A-Za-z_][A-Za-z_0-9]*|\d+(?:\.\d+)?(?:e[-+]?\d+)?|\s+|.", re.S)
_NUMBER = re.compile(r"\d+(?:\.\d+)?(?:e[-+]?\d+)?")
# How tightly a name holds together: a sum, a product, a negation, a power, an atom.
SUM, PRODUCT, UNARY, POWER, ATOM = 1, 2, 3, 4, 5
# What an operator next to a placeholder needs of the name put there, on its left
# (`_NEED_BEFORE`, the placeholder is the operator's right operand) or on its right.
# Comparisons (`<=` is read as `<`, `=`) and the words around them bind loosest of all.
_Need = dict[str | None, int]
_LOOSEST: _Need = {"<": 0, ">": 0, "=": 0, "if": 0, "else": 0}
_NEED_BEFORE: _Need = {None: 0, "(": 0, ",": 0, "+": SUM, "-": PRODUCT, "*": PRODUCT,
                      "/": UNARY, "@": UNARY, "^": ATOM, **_LOOSEST}  # fmt: skip
_NEED_AFTER: _Need = {None: 0, ")": 0, ",": 0, "+": SUM, "-": SUM, "*": PRODUCT,
                     "/": PRODUCT, "@": PRODUCT, "(": PRODUCT, **_LOOSEST}  # fmt: skip
_BRACKETS = {")": "(", "]": "["}
_POSTFIX = "ᵀ"


def is_atom(name: str) -> bool:
    """True when `name` needs no brackets next to an operator.

    Atoms: identifiers (`w1`, `가중치`, `Wᵀ`), unsigned numbers (`2`, `0.5`), `…`, and
    anything followed by a bracketed group that closes it (`tanh(w*x + b)`, `X[0]`,
    `(a + b)ᵀ`).

    Example:
        >>> [is_atom(n) for n in ("w1", "2", "-2", "w*x", "tanh(w*x + b)", "(a + b)ᵀ")]
        [True, True, False, False, True, True]
    """
    text = name.strip()
    while text:
        text = text.rstrip(_POSTFIX)
        if text.isidentifier() or text == "…" or _NUMBER.fullmatch(text):
            return True
        if not text or text[-1] not in _BRACKETS:
            return False
        start = _opening(text)
        if start < 0:
            return False
        if start == 0:
            return True  # wholly bracketed: (a + b)
        text = text[:start]
    return False


def _opening(text: str) -> int:
    """Index of the bracket that opens the one `text` ends with, or -1."""
    depth = 0
    for i in range(len(text) - 1, -1, -1):
        ch = text[i]
        if ch in _BRACKETS:
            depth += 1
        elif ch in _BRACKETS.values():
            depth -= 1
            if depth == 0:
                return i
    return -1


def bracket(name: str, need: int = ATOM) -> str:
    """`name`, in brackets unless it binds at least as tightly as `need` (see `binding`)."""
    return name if binding(name) >= need else f"({name})"


def binding(name: str) -> int:
    """How tightly `name` holds together: `ATOM`, `POWER`, `UNARY`, `PRODUCT` or `SUM`.

    The loosest operator outside brackets decides; a name with anything else in it (a
    label with spaces) counts as looser than a sum, so it is always bracketed.

    Example:
        >>> [binding(n) for n in ("w", "x**2", "-x", "w*x", "w*x + b", "my label")]
        [5, 4, 3, 2, 1, 0]
    """
    if is_atom(name):
        return ATOM
    text = name.strip()
    depth, loosest, previous = 0, ATOM, ""
    for i, ch in enumerate(text):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif depth == 0:
            if ch in "+-":
                unary = previous in ("", "+", "-", "*", "/", "@", "^")
                loosest = min(
                    loosest, UNARY if unary and i == 0 else SUM if not unary else loosest
                )
            elif ch in "*/@":
                power = ch == "*" and (text[i + 1 : i + 2] == "*" or text[i - 1 : i] == "*")
                loosest = min(loosest, POWER if power else PRODUCT)
            elif ch == "^":
                loosest = min(loosest, POWER)
            elif not (ch.isalnum() or ch in " _.…ᵀ'"):
                return 0
            elif ch == " " and previous not in "+-@" and text[i + 1 : i + 2] not in "+-@":
                return 0  # words, not an expression
        if not ch.isspace():
            previous = ch
    return loosest


def named(formula: str, names: Mapping[str, str], forward: str = "") -> str:
    """`formula` with each placeholder in `names` replaced by its name.

    Args:
        formula: a formula of the rule table (`"1/y"`, `"1 - tanh(x)^2"`).
        names: what each placeholder stands for, e.g. `{"x": "w", "y": "x", "out":
            "w*x"}`; placeholders not in it stay as they are.
        forward: the op's forward as the rule table writes it (`"tanh(x)"`, or
            `"σ(x) = 1/(1 + exp(-x))"`); where `out` is named by a label, the formula's
            copies of it are written as that label.

    Returns:
        The formula in those names, bracketing compound names where needed.
    """
    head = forward.split(" = ")[0].strip()
    out_name = names.get("out", "")
    if "(" in head and out_name.isidentifier():
        formula = formula.replace(head, "out")
    tokens = _fold(_TOKEN.findall(formula), names)
    solid = [i for i, tok in enumerate(tokens) if not tok.isspace()]
    out: list[str] = list(tokens)
    for k, i in enumerate(solid):
        tok = tokens[i]
        if tok not in names:
            continue
        before = tokens[solid[k - 1]] if k > 0 else None
        after = tokens[solid[k + 1]] if k + 1 < len(solid) else None
        if before == "-" and (k < 2 or tokens[solid[k - 2]] in "(+-*/@^,"):
            before = "/"  # a unary minus binds like a division's right side
        name = names[tok]
        need = max(_NEED_BEFORE.get(before, ATOM), _NEED_AFTER.get(after, ATOM))
        out[i] = bracket(name, need)
        if after == "(" and solid[k + 1] == i + 1:
            out[i] += "*"  # `out(1 - out)` multiplies
    return "".join(out).replace(_POSTFIX * 2, "")  # (Wᵀ)ᵀ is W


def _fold(tokens: list[str], names: Mapping[str, str]) -> list[str]:
    """Work out `(c-1)` when `c` is a number, and drop a power of one: `2*x^(2-1)` is `2*x`."""
    solid = [tok for tok in tokens if not tok.isspace()]
    out: list[str] = []
    i = 0
    while i < len(solid):
        group = solid[i : i + 5]
        value = _number_group(group, names)
        if value is None:
            out.append(solid[i])
            i += 1
            continue
        i += 5
        if value == 1.0 and out and out[-1] == "^":
            out.pop()
            continue
        text = f"{value:.6g}"
        out.append(f"({text})" if value < 0 else text)
    if len(out) == len(solid):
        return tokens  # nothing folded: keep the spacing as written
    return _respace(out)


def _number_group(group: list[str], names: Mapping[str, str]) -> float | None:
    """The value of `( p - 1 )` or `( p + 1 )` with `p` a placeholder named by a number."""
    if len(group) < 5 or group[0] != "(" or group[4] != ")" or group[2] not in "-+":
        return None
    name = names.get(group[1]) if group[1] in PLACEHOLDERS else None
    if name is None or not _NUMBER.fullmatch(group[3]):
        return None
    try:
        a = float(name.strip("()"))
    except ValueError:
        return None
    b = float(group[3])
    return a - b if group[2] == "-" else a + b


def _respace(solid: list[str]) -> list[str]:
    """Tokens with single spaces around binary `+`, `-` (as the rule table writes them)."""
    out: list[str] = []
    for k, tok in enumerate(solid):
        binary = tok in "+-" and k > 0 and solid[k - 1] not in ("(", "^", "*", "/", "+", "-")
        out += [" ", tok, " "] if binary and tok else [tok]
    return out


def partial(out: str, wrt: str) -> str:
    """The partial derivative's symbol, `∂out/∂wrt`, bracketing compound names.

    Example:
        >>> partial("out", "x1*w1 + x2*w2 + b")
        '∂out/∂(x1*w1 + x2*w2 + b)'
    """
    return f"∂{bracket(out)}/∂{bracket(wrt)}"


def grad_of(name: str) -> str:
    """How the gradient arriving at node `name` is written: `(w*x).grad`."""
    return f"{bracket(name)}.grad"


def local_text(out: str, wrt: str, formula: str, value: str | None) -> str:
    """One line: `∂(w*x)/∂x = w = -2.0000`.

    Args:
        out: the op's result's name.
        wrt: the input's name.
        formula: the derivative in names (`named`), or "" to leave it out.
        value: the derivative's value as text, or None to leave it out.

    A formula that is itself a number (`1`) is not repeated as a value.

    Example:
        >>> local_text("w*x + b", "b", "1", "1.0000")
        '∂(w*x + b)/∂b = 1'
    """
    parts = [partial(out, wrt)]
    if formula:
        parts.append(formula)
    if value is not None and not (formula and _same_number(formula, value)):
        parts.append(value)
    return " = ".join(parts)


def _same_number(formula: str, value: str) -> bool:
    try:
        return float(formula) == float(value)
    except ValueError:
        return False
