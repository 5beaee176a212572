"""Fuzzing the expression reader and `autograd-lite derivative` with hypothesis.

Two kinds of input: random streams of tokens (valid, Python-only and hostile ones, glued
with or without spaces), and random expressions of the accepted grammar. Every outcome
must be a value (exit 0) or one line of error (exit 2), never a traceback; nothing may
hang (a timer stops a run after 20 s, far above the few milliseconds each takes) or
allocate more than 20 MB.
"""

from __future__ import annotations

import contextlib
import math
import os
import signal
import tracemalloc
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from autograd_lite import expr as E
from autograd_lite.cli import main

SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
MEMORY_BOUND = 20_000_000  # bytes
HANG = 20  # seconds: a run that takes this long is stuck, not slow

TOKENS = [
    *["x", "y", "e", "pi", "x1", "_", "é", "가"],
    *["exp", "log", "sin", "cos", "tanh", "sigmoid", "relu", "sqrt", "abs"],
    *["0", "1", "2", "0.5", "1e308", "1e-320", "10", "3e-2", "1_000", "0x1f", "1j", "09"],
    *["+", "-", "*", "/", "**", "%", "//", "^", "@", "&", "|", "~", "<<", "=", "==", "<"],
    *["(", ")", "[", "]", "{", "}", ",", ".", ":", ";", "#", "'", '"', "\\", "`"],
    *["lambda", "import", "__import__", "__class__", "if", "else", "not", "and", "None"],
    *[" ", "\t", "\n", "\x00", "\x1b", "\u202e", "²", "√", "∞", "…"],
]
token_streams = st.lists(st.sampled_from(TOKENS), max_size=25).flatmap(
    lambda tokens: st.sampled_from(["", " "]).map(lambda glue: glue.join(tokens))
)

LEAVES = st.sampled_from(["x", "y", "e", "pi", "0", "1", "2", "0.5", "3e-2", "10", "1e300"])
FUNCTIONS = st.sampled_from(list(E.FUNCTIONS))
BINARY = st.sampled_from(["+", "-", "*", "/", "**"])


def _grow(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(st.sampled_from(["-", "+"]), inner).map(lambda t: f"{t[0]}{t[1]}"),
        st.tuples(inner, BINARY, inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        FUNCTIONS.flatmap(lambda name: _call(name, inner)),
    )


def _call(name: str, inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """`name(a, b, ...)` with as many arguments as the function takes."""
    low, high = E.arity(name)
    arguments = st.lists(inner, min_size=low, max_size=high)
    return arguments.map(lambda args: f"{name}({', '.join(args)})")


valid_expressions = st.recursive(LEAVES, _grow, max_leaves=20)


@contextlib.contextmanager
def bounded() -> Iterator[None]:
    """Fail on a hang (SIGALRM, POSIX) or on more than MEMORY_BOUND bytes allocated."""

    def stuck(signum: int, frame: Any) -> None:
        raise AssertionError(f"no answer after {HANG} s: the run hangs")

    timer = os.name == "posix"
    if timer:
        previous = signal.signal(signal.SIGALRM, stuck)
        signal.setitimer(signal.ITIMER_REAL, HANG)
    tracemalloc.start()
    try:
        yield
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        if timer:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    assert peak < MEMORY_BOUND, f"allocated {peak:,} bytes"


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    with bounded():
        try:
            code = main(["derivative", *argv])
        except SystemExit as stop:  # argparse's own usage errors
            code = int(stop.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def check_outcome(code: int, out: str, err: str) -> None:
    assert "Traceback" not in out + err
    if code == 0:
        assert "f = " in out
        event("a value")
        return
    assert code == 2, (code, out, err)
    lines = [line for line in err.splitlines() if not line.startswith(("usage:", " "))]
    assert len(lines) == 1, err  # argparse's usage lines aside, one line of error
    for raw in ("math domain error", "Numerical result out of range", "int too large", "fsum"):
        assert raw not in err
    event("one line of error")


@SETTINGS
@given(text=token_streams)
def test_random_token_streams_give_a_value_or_one_line(
    capsys: pytest.CaptureFixture[str], text: str
) -> None:
    message = ""
    with bounded():
        try:
            tree: E.Expr | None = E.parse(text)
        except E.ExpressionError as error:
            tree, message = None, str(error)
    assert "\n" not in message
    if tree is not None:
        E.to_text(tree)  # whatever was read can be written back
    code, out, err = run_cli(capsys, "--at", "x=0.5,y=2,x1=1,_=1,é=1,가=1", "--", text)
    if code == 2 and "does not use" in err:
        return  # --at names variables the expression lacks: refused, as it should be
    check_outcome(code, out, err)


@SETTINGS
@given(text=valid_expressions, n=st.integers(0, 4), numeric=st.booleans())
def test_random_valid_expressions_give_a_value_or_one_line(
    capsys: pytest.CaptureFixture[str], text: str, n: int, numeric: bool
) -> None:
    tree = E.parse(text)
    assert E.parse(E.to_text(tree)) == tree
    names = E.free_variables(tree)
    at = ",".join(f"{name}={value}" for name, value in zip(names, ["0.5", "2"]))
    argv = ["--at", at or "x=1", "-n", str(n), *(["--numeric", "--dx", "0.1"] * numeric)]
    code, out, err = run_cli(capsys, *argv, "--", text)
    check_outcome(code, out, err)
    if code == 0:
        value = float(out.split("= ")[-1].split()[0]) if "~" not in out else 0.0
        assert math.isfinite(value)
