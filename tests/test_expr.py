"""The formula reader: what it accepts, how it echoes, what it refuses, and that it runs nothing.

These tests pass `functions=` with `math` equivalents, so they do not depend on the engine;
only `test_default_functions_are_the_engines` uses it, and skips without it.
"""

from __future__ import annotations

import ast
import builtins
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd_lite import expr as expr_module
from autograd_lite.expr import (
    LN_NOTE,
    POWER_NOTE,
    BinOp,
    Call,
    Const,
    Expr,
    ExpressionError,
    Name,
    Num,
    UnaryOp,
    evaluate,
    free_variables,
    parse,
    parse_assignments,
    to_text,
)


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _relu(x: float) -> float:
    return max(x, 0.0)


MATH: dict[str, Callable[[Any], Any]] = {
    "exp": math.exp,
    "log": math.log,
    "sin": math.sin,
    "cos": math.cos,
    "tanh": math.tanh,
    "sigmoid": _sigmoid,
    "relu": _relu,
    "sqrt": math.sqrt,
    "abs": abs,
}


@pytest.mark.parametrize(
    ("text", "echo"),
    [
        ("3*x**2", "(3 * (x ** 2))"),  # the source note's first example
        ("3*x*x", "((3 * x) * x)"),  # ... as its code wrote it
        ("e*x*x", "((e * x) * x)"),  # the note's second: e times x squared ...
        ("e*x**2", "(e * (x ** 2))"),
        ("exp(x**2)", "exp((x ** 2))"),  # ... which is not e^(x^2)
        ("e**(x**2)", "(e ** (x ** 2))"),
        ("-x**2", "(-(x ** 2))"),  # unary minus binds looser than **
        ("2**3**2", "(2 ** (3 ** 2))"),  # ** groups right to left
        ("a - b - c", "((a - b) - c)"),
        ("x / 2 / y", "((x / 2) / y)"),
        ("+x", "(+x)"),
        ("  0.5 * x + 1e-3", "((0.5 * x) + 0.001)"),
        ("tanh(x1*w1 + x2*w2 + b)", "tanh((((x1 * w1) + (x2 * w2)) + b))"),
        ("sigmoid(relu(-x)) / sqrt(abs(y))", "(sigmoid(relu((-x))) / sqrt(abs(y)))"),
        ("pi * r**2", "(pi * (r ** 2))"),
    ],
)
def test_echo_shows_how_the_text_was_read(text: str, echo: str) -> None:
    tree = parse(text)
    assert to_text(tree) == echo
    assert parse(to_text(tree)) == tree


def test_tree_nodes() -> None:
    assert parse("3*x**2") == BinOp("*", Num(3), BinOp("**", Name("x"), Num(2)))
    assert parse("-exp(e)") == UnaryOp("-", Call("exp", Const("e")))
    assert parse("2.5") == Num(2.5)


names = st.sampled_from(["x", "y", "w1", "b", "e", "pi"]).map(
    lambda n: Const(n) if n in ("e", "pi") else Name(n)  # type: ignore[arg-type]
)
numbers = st.one_of(st.integers(0, 10**6), st.floats(0, 1e6)).map(Num)
trees: st.SearchStrategy[Expr] = st.recursive(
    st.one_of(names, numbers),
    lambda inner: st.one_of(
        st.builds(UnaryOp, st.sampled_from(["-", "+"]), inner),
        st.builds(BinOp, st.sampled_from(["+", "-", "*", "/", "%", "**"]), inner, inner),
        st.sampled_from(expr_module.FUNCTIONS).flatmap(
            lambda f: st.builds(
                Call, st.just(f), inner, st.tuples(*[inner] * (expr_module.arity(f)[0] - 1))
            )
        ),
    ),
    max_leaves=20,
)


@given(trees)
def test_echo_parses_back_to_the_same_tree(tree: Expr) -> None:
    assert parse(to_text(tree)) == tree


def test_free_variables_in_order_of_first_appearance() -> None:
    assert free_variables(parse("tanh(x1*w1 + x2*w2 + b) * x1")) == ["x1", "w1", "x2", "w2", "b"]
    assert free_variables(parse("e*x**2 + pi*y - x")) == ["x", "y"]
    assert free_variables(parse("2 * pi")) == []


@pytest.mark.parametrize(
    ("text", "env", "expected"),
    [
        ("3*x**2", {"x": 2.0}, 12.0),
        ("e*x*x", {"x": 3.0}, 3.0 * math.e * 3.0),  # 9e, whose derivative is 6e
        ("exp(x**2)", {"x": 3.0}, math.exp(9.0)),
        ("-x**2", {"x": 3.0}, -9.0),
        ("2**3**2", {}, 512.0),
        ("x - y - z", {"x": 1.0, "y": 2.0, "z": 3.0}, -4.0),
        ("x / y / z", {"x": 8.0, "y": 2.0, "z": 2.0}, 2.0),
        ("+x--y", {"x": 1.0, "y": 2.0}, 3.0),
        ("pi * r**2", {"r": 2.0}, math.pi * 4.0),
        ("log(e) + sin(0) + cos(0) + sqrt(4) + abs(-3)", {}, 7.0),
        ("sigmoid(0) + relu(-1) + relu(2)", {}, 2.5),
    ],
)
def test_evaluate_with_floats(text: str, env: dict[str, float], expected: float) -> None:
    out = evaluate(parse(text), env, MATH)
    assert type(out) is float
    assert out == pytest.approx(expected, rel=1e-15)


def test_evaluate_neuron_of_micrograd() -> None:
    env = {"x1": 2.0, "x2": 0.0, "w1": -3.0, "w2": 1.0, "b": 6.8813735870195432}
    out = evaluate(parse("tanh(x1*w1 + x2*w2 + b)"), env, MATH)
    assert out == pytest.approx(math.sqrt(0.5), rel=1e-12)


def test_evaluate_passes_whatever_env_holds_through_the_operators() -> None:
    x = np.array([0.0, 1.0, 2.0])
    out = evaluate(parse("exp(x) * 2 - x**2"), {"x": x}, {"exp": np.exp})
    np.testing.assert_array_equal(out, np.exp(x) * 2.0 - x**2.0)


def test_default_functions_are_the_engines() -> None:
    pytest.importorskip("autograd_lite.functions")
    assert evaluate(parse("exp(x) * 2"), {"x": 0.0}) == 2.0


HOSTILE = [
    ("__import__('os').system('touch /tmp/pwned')", "attribute access", 1),
    ("__import__('os')", "calls are allowed only to exp, log", 1),
    ("open('f', 'w')", "got `open`", 1),
    ("x.__class__", "attribute access `x.__class__`", 1),
    ("[1][0]", "subscript", 1),
    ("x[0]", "subscript", 1),
    ("lambda: 1", "lambda", 1),
    ("'a'*3", "string literal `'a'`", 1),
    ("b'a'", "bytes literal", 1),
    ("f(x)", "got `f`", 1),
    ("exp(x, y)", "`exp` takes exactly one argument: got 2", 1),
    ("exp()", "got 0", 1),
    ("exp(x=1)", "keyword arguments such as `x=1`", 5),
    ("exp(*x)", "starred", 5),
    ("x if x else y", "conditional expression", 1),
    ("x < y", "comparison", 1),
    ("x and y", "boolean operator", 1),
    ("not x", "`not`", 1),
    ("1j", "complex number `1j`", 1),
    ("True", "`True` is not a number", 1),
    ("None", "`None` is not a number", 1),
    ("2 * (x := 3)", "assignment expression", 6),
    ("f'{x}'", "f-string", 1),
    ("[x for x in y]", "comprehension", 1),
    ("(x, y)", "tuple", 1),
    ("{'a': 1}", "dict", 1),
    ("x // 2", "operator `//`", 3),
    ("x^2 + y^", "cannot read", 9),  # columns count the input as typed, `^` as one
    ("x @ y", "operator `@`", 3),
    ("exp", "`exp` is a function", 1),
    ("exp.__globals__", "attribute access", 1),
    ("__builtins__", "double underscores", 1),
    ("(x + 1)(2)", "got `x + 1`", 1),
    ("1e999", "too large", 1),
    ("2*sin x + 1", "call a function with parentheses: sin(x), not `sin x`", 7),
    ("x y", "invalid syntax", 3),
]


@pytest.mark.parametrize(("text", "words", "column"), HOSTILE)
def test_refused_with_the_part_and_its_column(text: str, words: str, column: int) -> None:
    with pytest.raises(ExpressionError) as info:
        parse(text)
    message = str(info.value)
    assert words in message
    assert message.endswith(f"(column {column})")
    assert info.value.column == column
    assert "\n" not in message
    assert isinstance(info.value, ValueError)


def test_nothing_is_executed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "pwned"
    attacks = [
        f"__import__('os').system('touch {target}')",
        f"open('{target}', 'w')",
        f"__import__('pathlib').Path('{target}').touch()",
        f"exp(__import__('os').system('touch {target}'))",
        f"[c for c in ().__class__.__base__.__subclasses__()] and open('{target}', 'w')",
    ]
    real_compile = builtins.compile

    def ast_only(source: Any, filename: Any, mode: str, flags: int = 0, **options: Any) -> Any:
        if not flags & ast.PyCF_ONLY_AST:
            raise AssertionError("the reader compiled text to code")
        return real_compile(source, filename, mode, flags, **options)

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("the reader called eval or exec")

    monkeypatch.setattr(builtins, "compile", ast_only)
    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    for text in attacks:
        with pytest.raises(ExpressionError):
            parse(text)
    assert evaluate(parse("3*x**2"), {"x": 2.0}, MATH) == 12.0  # still works under the guard
    assert not target.exists()


def test_the_module_imports_nothing_of_the_engine_at_import_time() -> None:
    tree = ast.parse(Path(expr_module.__file__).read_text(encoding="utf-8"))
    relative = [n for n in tree.body if isinstance(n, ast.ImportFrom) and n.level > 0]
    assert relative == []


@pytest.mark.parametrize(
    ("text", "column", "words"),
    [
        ("3*x**", 6, "at the end"),
        ("x + * 2", 5, "invalid syntax"),
        ("   x + * 2", 8, "invalid syntax"),  # leading spaces are counted
        ("θ + * 2", 5, "invalid syntax"),  # characters, not UTF-8 bytes
        ("exp(x", 4, "never closed"),
        ("3x", 1, "put `*` between a number and a name"),
        ("x = 1", 3, "cannot read `x = 1`"),
    ],
)
def test_syntax_errors_name_the_column(text: str, column: int, words: str) -> None:
    with pytest.raises(ExpressionError, match=rf"\(column {column}\)$") as info:
        parse(text)
    assert words in str(info.value)


def test_columns_count_characters_after_non_ascii_names() -> None:
    with pytest.raises(
        ExpressionError, match=r"attribute access `a\.b` is not allowed \(column 6\)"
    ):
        parse("θθ + a.b")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("x +\n 1", "one line"),
        ("x\x00", "control character U+0000"),
        ("-" * 300 + "x", "nests 302 levels deep"),
        ("+".join(["x"] * 100_000), "too long or too deeply nested"),
    ],
)
def test_unreadable_input(text: str, words: str) -> None:
    with pytest.raises(ExpressionError, match=re.escape(words)):
        parse(text)


def test_a_long_sum_is_fine() -> None:
    text = " + ".join(f"x{i}" for i in range(150))
    env = {f"x{i}": float(i) for i in range(150)}
    assert evaluate(parse(text), env, MATH) == sum(range(150))


def test_missing_names_are_named_with_an_example() -> None:
    with pytest.raises(ExpressionError) as info:
        evaluate(parse("x*y + z"), {"x": 1.0}, MATH)
    assert str(info.value) == "no value for `y`, `z`: add them to --at, as in --at x=1,y=2,z=3"
    with pytest.raises(ExpressionError, match=r"^no value for `y`: add it to --at"):
        evaluate(parse("x + y"), {"x": 1.0}, MATH)


@pytest.mark.parametrize(
    ("text", "env", "words"),
    [
        ("1 / x", {"x": 0.0}, "cannot compute `(1 / x)`: it divides by zero"),
        ("log(x)", {"x": -1.0}, "cannot compute `log(x)`: the value is outside the function's"),
        ("x ** 0.5", {"x": -4.0}, "`(x ** 0.5)` has no real value"),
        ("10 ** x", {"x": 400.0}, "`(10 ** x)`: the result is larger than the largest float"),
        ("0 ** x", {"x": -1.0}, "cannot compute `(0 ** x)`: it divides by zero"),
        ("9**9**9", {}, "cannot compute"),  # floats: overflows at once, no giant int
    ],
)
def test_failing_steps_are_named(text: str, env: dict[str, float], words: str) -> None:
    with pytest.raises(ExpressionError) as info:
        evaluate(parse(text), env, MATH)
    assert words in str(info.value)
    assert "math domain error" not in str(info.value)
    assert "Numerical result out of range" not in str(info.value)


def test_a_comment_is_refused_not_silently_dropped() -> None:
    with pytest.raises(ExpressionError, match=r"`#` is not allowed.*\(column 4\)"):
        parse("x*x# + 1")


def test_a_missing_function_is_named() -> None:
    with pytest.raises(ExpressionError, match="no function was given for `relu`"):
        evaluate(parse("relu(x)"), {"x": 1.0}, {"exp": math.exp})


def test_parse_assignments() -> None:
    assert parse_assignments("x=1,y=-2.5,w=3e-2") == {"x": 1.0, "y": -2.5, "w": 0.03}
    assert parse_assignments(" x1 = 2 , b=6.88 ") == {"x1": 2.0, "b": 6.88}
    assert list(parse_assignments("b=1,a=2")) == ["b", "a"]
    assert parse_assignments("θ=1") == {"θ": 1.0}
    assert parse_assignments("ﬁ=1") == {"fi": 1.0}  # NFKC, as Python reads the name `ﬁ`
    assert free_variables(parse("ﬁ")) == ["fi"]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "no values given"),
        ("x=1,,y=2", "field 2 of `x=1,,y=2` is empty"),
        ("x=1,", "field 2 of `x=1,` is empty"),
        ("x=abc", "`x=abc`: `abc` is not a number"),
        ("x=", "`x=`: the value is missing"),
        ("x", "`x` is not of the form name=value"),
        ("2", "`2` is not of the form name=value"),
        ("x=1,x=2", "`x` is given twice"),
        ("1x=2", "`1x` is not a valid name"),
        ("x y=2", "`x y` is not a valid name"),
        ("if=1", "`if` is not a valid name"),
        ("e=1", "`e` is the constant 2.718281828459045; choose another name"),
        ("pi=3", "`pi` is the constant"),
        ("exp=1", "`exp` is a function"),
        ("__x__=1", "double underscores"),
        ("x=inf", "finite"),
        ("x=nan", "finite"),
    ],
)
def test_parse_assignments_errors_name_the_field(text: str, words: str) -> None:
    with pytest.raises(ExpressionError) as info:
        parse_assignments(text)
    assert words in str(info.value)


# ---------------------------------------------------------------- textbook spellings


@pytest.mark.parametrize(
    ("text", "as_python"),
    [
        ("x^2", "x**2"),
        ("x^2 + 1", "x**2 + 1"),  # Python's ^ would bind looser than +
        ("-x^2", "-x**2"),  # -(x^2), as in Python and the textbooks
        ("2^3^2", "2**3**2"),  # right to left: 2^9
        ("e^(x^2)", "e**(x**2)"),
        ("ln(x) + 1", "log(x) + 1"),
        ("ln(x^2)", "log(x**2)"),
    ],
)
def test_textbook_spellings_are_read_with_a_note(text: str, as_python: str) -> None:
    notes: list[str] = []
    assert parse(text, notes) == parse(as_python)
    expected = [POWER_NOTE] if "^" in text else []
    expected += [LN_NOTE] if "ln" in text else []
    assert sorted(notes) == sorted(expected)
    assert evaluate(parse("x^2 + 1"), {"x": 3.0}) == 10.0


def test_ln_alone_is_a_function() -> None:
    with pytest.raises(ExpressionError, match=r"`ln` is a function: call it"):
        parse("ln + 1")


def test_pythons_own_syntax_warnings_never_reach_the_learner() -> None:
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for text in ("1if x else 2", "0x1for", "2x"):
            with pytest.raises(ExpressionError):
                parse(text)
    assert [w for w in caught if issubclass(w.category, SyntaxWarning)] == []
