"""Read a formula typed by a learner, safely: parsed into a small tree, never executed.

The command line takes formulas as text (`autograd-lite derivative "3*x**2" --at 2`). The
text is read by `ast.parse` alone, which only builds a syntax tree and runs nothing; the tree
is then copied into the few node kinds below, and anything else is refused with an
`ExpressionError` naming the offending part and its column. Nothing of the text is ever
passed to `eval` or `exec` or compiled to code (`ast.parse` asks `compile` for a syntax
tree only).

The accepted grammar, a small part of Python's expression syntax:

    expr := number | name | e | pi
          | expr ("+" | "-" | "*" | "/" | "%" | "**") expr
          | ("-" | "+") expr
          | function "(" expr ("," expr)* ")"
          | "(" expr ")"
    function := a name of `FUNCTIONS`: every op of the rule table that works on numbers
                (exp, log, sin, tan, arcsin, erf, softplus, maximum, clip, ...)

Two textbook spellings are read too, each with a note (see `parse`): `x^2` as `x**2` (in
Python `^` is something else, bitwise xor) and `ln(x)` as `log(x)`, the natural logarithm.

A number is an int or float literal (`2`, `0.5`, `3e-2`); a name is a Python identifier.
Precedence is Python's: `**` binds tightest and groups right to left (`2**3**2` is
$2^9$), unary minus binds looser than `**` (`-x**2` is $-(x^2)$), then `*` and `/`, then
`+` and `-`, each group left to right. `to_text` writes the tree back with every operation in
its own parentheses, so a learner sees at once how the text was read:

    >>> to_text(parse("e*x**2"))
    '(e * (x ** 2))'

that is $e \\cdot x^2$, not $e^{x^2}$ (which is `exp(x**2)`).
"""

from __future__ import annotations

import ast
import difflib
import keyword
import math
import operator
import re
import unicodedata
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

__all__ = [
    "CONSTANTS",
    "FUNCTIONS",
    "BinOp",
    "Call",
    "Const",
    "Expr",
    "ExpressionError",
    "Name",
    "Num",
    "UnaryOp",
    "evaluate",
    "free_variables",
    "parse",
    "parse_assignments",
    "plain_message",
    "to_text",
]


def _functions() -> tuple[str, ...]:
    """The functions a formula may call: every op whose table entry names one (`cli`)."""
    from .rules import OPS  # the table only; the engine loads on evaluation

    return tuple(
        op.names.cli for op in OPS if op.names.cli is not None and op.names.cli.isidentifier()
    )


FUNCTIONS = _functions()
ALIASES = {"ln": "log"}
"""Functions read under another name: the textbooks' `ln` is `log`."""
POWER_NOTE = "read `^` as `**`, a power, as textbooks write it (Python writes x**2)"
LN_NOTE = "read `ln` as `log`, the natural logarithm"
CONSTANTS: Mapping[str, float] = {"e": math.e, "pi": math.pi}
MAX_DEPTH = 200  # nesting levels; Python's own parser stops at 200 nested parentheses

BinaryOperator: TypeAlias = Literal["+", "-", "*", "/", "%", "**"]
UnaryOperator: TypeAlias = Literal["-", "+"]


class ExpressionError(ValueError):
    """A formula, or a value for it, that cannot be read; the message is one sentence.

    Attributes:
        column: The 1-based column of the offending part in the text, when there is one.
    """

    def __init__(self, message: str, column: int | None = None) -> None:
        super().__init__(message if column is None else f"{message} (column {column})")
        self.column = column


@dataclass(frozen=True, slots=True)
class Num:
    """A number literal, as written: `2` stays the int 2, `0.5` the float 0.5."""

    value: int | float


@dataclass(frozen=True, slots=True)
class Const:
    """One of the constants `e` and `pi`."""

    name: Literal["e", "pi"]


@dataclass(frozen=True, slots=True)
class Name:
    """A variable, to be given a value when the formula is evaluated."""

    id: str


@dataclass(frozen=True, slots=True)
class UnaryOp:
    """`-operand` or `+operand`."""

    op: UnaryOperator
    operand: Expr


@dataclass(frozen=True, slots=True)
class BinOp:
    """`left op right` for `op` one of `+ - * / % **`."""

    op: BinaryOperator
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class Call:
    """`func(arg, *more)` for `func` one of `FUNCTIONS`."""

    func: str
    arg: Expr
    more: tuple[Expr, ...] = ()

    @property
    def args(self) -> tuple[Expr, ...]:
        """All the arguments, in order."""
        return (self.arg, *self.more)


Expr: TypeAlias = Num | Const | Name | UnaryOp | BinOp | Call

_BINARY: dict[type[ast.operator], BinaryOperator] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.Mod: "%",
    ast.Pow: "**",
}
_UNARY: dict[type[ast.unaryop], UnaryOperator] = {ast.USub: "-", ast.UAdd: "+"}
_REFUSED_OPERATORS: dict[type[ast.AST], str] = {
    ast.FloorDiv: "//",
    ast.MatMult: "@",
    ast.BitXor: "^",
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.Not: "not",
    ast.Invert: "~",
}
_REFUSED: dict[type[ast.AST], str] = {
    ast.Attribute: "attribute access",
    ast.Subscript: "subscript",
    ast.Slice: "slice",
    ast.Lambda: "lambda",
    ast.IfExp: "conditional expression",
    ast.Compare: "comparison",
    ast.BoolOp: "boolean operator",
    ast.NamedExpr: "assignment expression (walrus)",
    ast.JoinedStr: "f-string",
    ast.FormattedValue: "f-string",
    ast.List: "list",
    ast.Tuple: "tuple (values separated by commas)",
    ast.Set: "set",
    ast.Dict: "dict",
    ast.ListComp: "comprehension",
    ast.SetComp: "comprehension",
    ast.DictComp: "comprehension",
    ast.GeneratorExp: "generator expression",
    ast.Starred: "starred expression",
    ast.Await: "await expression",
    ast.Yield: "yield expression",
    ast.YieldFrom: "yield expression",
}


def _dunder(name: str) -> str:
    return f"names with double underscores, such as `{name}`, are not allowed"


def _shorten(text: str, limit: int = 40) -> str:
    """`text`, cut to `limit` characters for an error message."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


class _Reader:
    """Copies a Python syntax tree into `Expr` nodes, refusing everything else."""

    def __init__(
        self, text: str, shift: int, origin: list[int], notes: list[str] | None = None
    ) -> None:
        self.text = text  # what ast.parse read: the input without its leading spaces
        self.shift = shift  # how many leading spaces were taken off, for the columns
        self.origin = origin  # per character of `text`, where it was in the input
        self.notes = notes
        self.encoded = text.encode("utf-8")

    def place(self, index: int) -> int:
        """The 1-based column in the input of character `index` of `text`."""
        if index < len(self.origin):
            return self.shift + self.origin[index] + 1
        end = self.origin[-1] + 1 if self.origin else 0  # past the end of the text
        return self.shift + end + index - len(self.origin) + 1

    def column(self, byte_offset: int) -> int:
        # ast counts UTF-8 bytes; a learner counts characters, from 1.
        before = self.encoded[:byte_offset].decode("utf-8", errors="replace")
        return self.place(len(before))

    def refuse(self, message: str, node: ast.AST) -> ExpressionError:
        return ExpressionError(message, self.column(getattr(node, "col_offset", 0)))

    def source(self, node: ast.AST) -> str:
        return _shorten(ast.get_source_segment(self.text, node) or type(node).__name__)

    def operator_column(self, node: ast.BinOp) -> int:
        # ast does not record where the operator is: it is the first character between the
        # operands that is neither a space nor a closing parenthesis.
        start = len(self.encoded[: node.left.end_col_offset or 0].decode("utf-8", "replace"))
        index = start
        while index < len(self.text) and self.text[index] in " \t)":
            index += 1
        return self.place(index)

    def read(self, node: ast.expr) -> Expr:
        if isinstance(node, ast.Constant):
            return self.number(node)
        if isinstance(node, ast.Name):
            if node.id in CONSTANTS:
                return Const("e" if node.id == "e" else "pi")
            if node.id in FUNCTIONS or node.id in ALIASES:
                message = f"`{node.id}` is a function: call it, as in {node.id}(x)"
                raise self.refuse(message, node)
            if node.id.startswith("__"):
                raise self.refuse(_dunder(node.id), node)
            return Name(node.id)
        if isinstance(node, ast.UnaryOp):
            if type(node.op) not in _UNARY:
                symbol = _REFUSED_OPERATORS.get(type(node.op), type(node.op).__name__)
                raise self.refuse(f"operator `{symbol}` is not allowed; use - or +", node)
            return UnaryOp(_UNARY[type(node.op)], self.read(node.operand))
        if isinstance(node, ast.BinOp):
            if type(node.op) not in _BINARY:
                symbol = _REFUSED_OPERATORS.get(type(node.op), type(node.op).__name__)
                message = f"operator `{symbol}` is not allowed: use + - * / % **"
                raise ExpressionError(message, self.operator_column(node))
            return BinOp(_BINARY[type(node.op)], self.read(node.left), self.read(node.right))
        if isinstance(node, ast.Call):
            return self.call(node)
        what = _REFUSED.get(type(node), type(node).__name__)
        raise self.refuse(f"{what} `{self.source(node)}` is not allowed", node)

    def number(self, node: ast.Constant) -> Num:
        value = node.value
        shown = self.source(node)
        if isinstance(value, bool) or value is None or value is Ellipsis:
            raise self.refuse(f"`{shown}` is not a number; write a number such as 1 or 0", node)
        if isinstance(value, complex):
            raise self.refuse(f"complex number `{shown}` is not allowed: only real numbers", node)
        if isinstance(value, (str, bytes)):
            kind = "string" if isinstance(value, str) else "bytes"
            raise self.refuse(f"{kind} literal `{shown}` is not allowed", node)
        if not isinstance(value, (int, float)):  # pragma: no cover - no other literal kinds
            raise self.refuse(f"`{shown}` is not allowed", node)
        try:
            finite = math.isfinite(float(value))
        except OverflowError:
            finite = False
        if not finite:
            raise self.refuse(f"the number `{shown}` is too large for a float", node)
        return Num(value)

    def call(self, node: ast.Call) -> Call:
        if not isinstance(node.func, ast.Name):
            self.read(node.func)  # attribute access, lambda, ...: refused with their own name
            allowed, got = ", ".join(FUNCTIONS), self.source(node.func)
            raise self.refuse(f"calls are allowed only to {allowed}: got `{got}`", node)
        name = node.func.id
        if name in ALIASES:
            if self.notes is not None and LN_NOTE not in self.notes:
                self.notes.append(LN_NOTE)
            name = ALIASES[name]
        if name not in FUNCTIONS:
            allowed = ", ".join(FUNCTIONS)
            close = difflib.get_close_matches(name, FUNCTIONS, n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise self.refuse(f"calls are allowed only to {allowed}: got `{name}`{hint}", node)
        if node.keywords:
            keyword_node = node.keywords[0]
            raise self.refuse(
                f"keyword arguments such as `{self.source(keyword_node)}` are not allowed: "
                f"write {name}(x)",
                keyword_node,
            )
        low, high = arity(name)
        count = len(node.args)
        if not low <= count <= high:
            words = {1: "one", 2: "two", 3: "three"}
            wanted = f"exactly {words.get(low, low)}" if low == high else f"{low} to {high}"
            plural = "" if low == high == 1 else "s"
            raise self.refuse(f"`{name}` takes {wanted} argument{plural}: got {count}", node)
        first, *more = (self.read(arg) for arg in node.args)
        return Call(name, first, tuple(more))


def _depth(tree: ast.AST) -> int:
    """The nesting depth of a syntax tree, found without recursion."""
    deepest = 0
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return deepest


def parse(text: str, notes: list[str] | None = None) -> Expr:
    """Read a formula into an expression tree, refusing anything outside the grammar.

    The textbooks' `x^2` is read as `x**2` and `ln(x)` as `log(x)`; each adds a one-line
    note to `notes`, which the command line prints, so the reading is never a surprise.

    Args:
        text: One line, such as `"3*x**2"` or `"tanh(x1*w1 + x2*w2 + b)"`.
        notes: a list that receives a sentence per textbook spelling read (`POWER_NOTE`,
            `LN_NOTE`); None to read them without saying so.

    Returns:
        The tree: `Num`, `Const`, `Name`, `UnaryOp`, `BinOp` and `Call` nodes.

    Raises:
        ExpressionError: If the text is empty, spans several lines, is not valid syntax, or
            uses anything outside the grammar (attributes, strings, other calls, ...); the
            message names the part and its column.

    Example:
        >>> parse("x + 1")
        BinOp(op='+', left=Name(id='x'), right=Num(value=1))
        >>> notes = []
        >>> to_text(parse("ln(x)^2 + 1", notes)), len(notes)
        ('((log(x) ** 2) + 1)', 2)
    """
    stripped = text.lstrip()
    shift = len(text) - len(stripped)
    if not stripped:
        raise ExpressionError("the expression is empty: write a formula such as 3*x**2")
    for index, char in enumerate(text):
        if char in "\r\n":
            raise ExpressionError("the expression must be on one line", index + 1)
        if char == "#":  # Python would read the rest of the line as a comment, silently
            raise ExpressionError(
                "`#` is not allowed: Python would ignore everything after it as a comment",
                index + 1,
            )
        if not char.isprintable() and char != "\t":
            code = f"U+{ord(char):04X}"
            raise ExpressionError(
                f"the expression contains the control character {code}", index + 1
            )
    # Python's `^` is xor and binds looser than `+`, so the text itself is rewritten,
    # keeping where each character came from for the columns of errors.
    origin = [i for i, char in enumerate(stripped) for _ in range(2 if char == "^" else 1)]
    rewritten = stripped.replace("^", "**")
    if rewritten != stripped and notes is not None:
        notes.append(POWER_NOTE)
    reader = _Reader(rewritten, shift, origin, notes)
    try:
        with warnings.catch_warnings():  # "1if x": Python warns on stderr; we refuse in words
            warnings.simplefilter("ignore", SyntaxWarning)
            tree = ast.parse(rewritten, mode="eval")
    except SyntaxError as error:
        end = len(text) + 1
        offset = error.offset or 0
        column = reader.place(offset - 1) if 1 <= offset <= len(rewritten) else end
        reason = error.msg.split(";")[0] + (" at the end" if column == end else "")
        if error.msg == "invalid decimal literal":
            reason += "; put `*` between a number and a name, as in 3*x"
        else:
            call = re.search(r"\b([A-Za-z_]\w*)\s+([\w.]+)", stripped)
            if call is not None and call.group(1) in FUNCTIONS:
                name, arg = call.groups()
                reason += f"; call a function with parentheses: {name}({arg}), not `{name} {arg}`"
        raise ExpressionError(
            f"cannot read `{_shorten(text.strip())}`: {reason}", column
        ) from None
    except (RecursionError, MemoryError):  # how the parser itself stops on huge input
        raise ExpressionError("the expression is too long or too deeply nested") from None
    depth = _depth(tree.body)
    if depth > MAX_DEPTH:
        raise ExpressionError(
            f"the expression nests {depth} levels deep; at most {MAX_DEPTH} are allowed"
        )
    return reader.read(tree.body)


def to_text(expr: Expr) -> str:
    """Write a tree back as text, with every operation in its own parentheses.

    Numbers are written as Python writes them (`3`, `0.5`, `1e-05`), names and constants as
    they are; each unary or binary operation is wrapped in one pair of parentheses with
    spaces around binary operators; a call keeps its own parentheses, so
    `exp(x**2)` reads back as `exp((x ** 2))`. Parsing the result gives back any tree that
    `parse` made.

    Example:
        >>> to_text(parse("-x**2 + 3*x"))
        '((-(x ** 2)) + (3 * x))'
    """
    if isinstance(expr, Num):
        return repr(expr.value)
    if isinstance(expr, Const):
        return expr.name
    if isinstance(expr, Name):
        return expr.id
    if isinstance(expr, UnaryOp):
        return f"({expr.op}{to_text(expr.operand)})"
    if isinstance(expr, BinOp):
        return f"({to_text(expr.left)} {expr.op} {to_text(expr.right)})"
    return f"{expr.func}({', '.join(to_text(arg) for arg in expr.args)})"


def free_variables(expr: Expr) -> list[str]:
    """The variable names of a tree in order of first appearance, without `e` and `pi`.

    Example:
        >>> free_variables(parse("tanh(x1*w1 + x2*w2 + b) * x1"))
        ['x1', 'w1', 'x2', 'w2', 'b']
    """
    names: dict[str, None] = {}  # an ordered set
    stack: list[Expr] = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, Name):
            names.setdefault(node.id)
        elif isinstance(node, UnaryOp):
            stack.append(node.operand)
        elif isinstance(node, BinOp):
            stack.extend((node.right, node.left))  # left is popped first: source order
        elif isinstance(node, Call):
            stack.extend(reversed(node.args))
    return list(names)


_APPLY: dict[BinaryOperator, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "%": operator.mod,
    "**": operator.pow,
}


def _engine_functions() -> dict[str, Callable[..., Any]]:
    # Imported here, not at the top, so that reading formulas needs nothing of the engine.
    from . import functions as F

    return {name: getattr(F, name) for name in FUNCTIONS}


def arity(name: str) -> tuple[int, int]:
    """How many arguments the function `name` takes in a formula: (fewest, most)."""
    import inspect

    parameters = inspect.signature(_engine_functions()[name]).parameters.values()
    required = sum(1 for p in parameters if p.default is inspect.Parameter.empty)
    return required, len(parameters)


# Python's own terse messages, which say nothing to a learner: "math domain error",
# "(34, 'Numerical result out of range')", "int too large to convert to float", ...
_RAW_MESSAGE = re.compile(
    r"math (domain|range) error|\(\d+, '.*'\)|.*too large to convert to float|.*overflow in fsum"
    r"|(float )?(division|modulo) by zero|.*cannot be raised to a negative power"
)


def plain_message(error: BaseException) -> str:
    """The message of an arithmetic error, in words where Python's own are terse.

    The engine's messages (`log: got x = -1.0, ...`) are kept; Python's bare ones become
    a sentence about what happened: a number beyond the largest float, a division by
    zero, or a value outside a function's domain.

    Example:
        >>> plain_message(OverflowError(34, "Numerical result out of range"))
        'the result is larger than the largest float (about 1.8e308)'
    """
    text = str(error)
    if text and not _RAW_MESSAGE.fullmatch(text):
        return text
    if isinstance(error, OverflowError) or any(w in text for w in ("range", "large", "overflow")):
        return "the result is larger than the largest float (about 1.8e308)"
    if isinstance(error, ZeroDivisionError) or "zero" in text:
        return "it divides by zero"
    return "the value is outside the function's domain (or is infinite)"


def _step(node: BinOp | Call, function: Callable[..., Any], *args: Any) -> Any:
    """Apply one operation; a failure becomes an ExpressionError naming the operation."""
    try:
        out = function(*args)
    except (ArithmeticError, ValueError, TypeError) as error:
        raise ExpressionError(
            f"cannot compute `{_shorten(to_text(node), 60)}`: {plain_message(error)}"
        ) from error
    if isinstance(out, complex):  # what float ** float gives for a negative base
        raise ExpressionError(
            f"`{_shorten(to_text(node), 60)}` has no real value: "
            "a negative number to a fractional power"
        )
    return out


def evaluate(
    expr: Expr,
    env: Mapping[str, object],
    functions: Mapping[str, Callable[..., Any]] | None = None,
) -> Any:
    """Compute a tree with Python's operators on whatever `env` holds.

    Numbers become floats (so `2**1000**1000` overflows at once instead of computing a huge
    int); `e` and `pi` are `math.e` and `math.pi`. With floats in `env` the result is a
    float; with `ag.Value` or `ag.Tensor` objects it is a node of a new graph, ready for
    `backward()`.

    Args:
        expr: A tree from `parse`.
        env: A value for every free variable of `expr`.
        functions: The functions to call for `exp`, `log`, ...; by default those of
            `autograd_lite.functions`, which accept floats, Values, Tensors and arrays.

    Returns:
        The value of the formula.

    Raises:
        ExpressionError: If a variable has no value in `env`, a function is missing from
            `functions`, or a step fails (division by zero, overflow, log of a negative
            number, a negative number to a fractional power); the message names the step.

    Example:
        >>> import math
        >>> evaluate(parse("3*x**2"), {"x": 2.0}, {"exp": math.exp})
        12.0
    """
    table = _engine_functions() if functions is None else functions
    names = free_variables(expr)
    missing = [name for name in names if name not in env]
    if missing:
        example = ",".join(f"{name}={i}" for i, name in enumerate(names, start=1))
        which = ", ".join(f"`{name}`" for name in missing)
        them = "it" if len(missing) == 1 else "them"
        raise ExpressionError(f"no value for {which}: add {them} to --at, as in --at {example}")

    def run(node: Expr) -> Any:
        if isinstance(node, Num):
            return float(node.value)
        if isinstance(node, Const):
            return CONSTANTS[node.name]
        if isinstance(node, Name):
            return env[node.id]
        if isinstance(node, UnaryOp):
            operand = run(node.operand)
            return -operand if node.op == "-" else operand
        if isinstance(node, BinOp):
            return _step(node, _APPLY[node.op], run(node.left), run(node.right))
        function = table.get(node.func)
        if function is None:
            raise ExpressionError(f"no function was given for `{node.func}`")
        return _step(node, function, *(run(arg) for arg in node.args))

    return run(expr)


def parse_assignments(text: str) -> dict[str, float]:
    """Read values for variables, as given to `--at`: `"x=1,y=-2.5,w=3e-2"`.

    Each comma-separated field is `name=number`, with spaces allowed around both. Names
    follow Python's rules (and are normalised as Python normalises them); `e`, `pi` and
    the function names are reserved.

    Args:
        text: The fields, such as `"x1=2,w1=-3,b=6.88"`.

    Returns:
        The values by name, in the order given.

    Raises:
        ExpressionError: Naming the bad field: an empty one, one without `=`, a value that
            is not a finite number, a name that is not a name or is reserved, or a name
            given twice.

    Example:
        >>> parse_assignments("x=1, y=-2.5,w=3e-2")
        {'x': 1.0, 'y': -2.5, 'w': 0.03}
    """
    if not text.strip():
        raise ExpressionError("no values given: write name=value pairs, as in x=1,y=2")
    values: dict[str, float] = {}
    for number, field in enumerate(text.split(","), start=1):
        item = field.strip()
        if not item:
            raise ExpressionError(
                f"field {number} of `{text}` is empty: separate name=value pairs with "
                "single commas, as in x=1,y=2"
            )
        if "=" not in item:
            raise ExpressionError(f"`{item}` is not of the form name=value, as in x=1")
        raw_name, raw_value = (part.strip() for part in item.split("=", 1))
        name = unicodedata.normalize("NFKC", raw_name)  # as Python reads identifiers
        if not name.isidentifier() or keyword.iskeyword(name):
            raise ExpressionError(
                f"`{item}`: `{raw_name}` is not a valid name (letters, digits and _, "
                "not starting with a digit, and not a Python keyword)"
            )
        if name in CONSTANTS or name in FUNCTIONS:
            what = f"the constant {CONSTANTS[name]!r}" if name in CONSTANTS else "a function"
            raise ExpressionError(f"`{item}`: `{name}` is {what}; choose another name")
        if name.startswith("__"):
            raise ExpressionError(f"`{item}`: {_dunder(name)}")
        if name in values:
            raise ExpressionError(f"`{name}` is given twice in `{text}`")
        if not raw_value:
            raise ExpressionError(f"`{item}`: the value is missing, as in {name}=1")
        try:
            value = float(raw_value)
        except ValueError:
            raise ExpressionError(f"`{item}`: `{raw_value}` is not a number") from None
        if not math.isfinite(value):
            raise ExpressionError(f"`{item}`: the value must be a finite number")
        values[name] = value
    return values
