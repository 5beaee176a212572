"""`Result`: what a check says about the learner's answer, in one sentence."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Result:
    """The verdict of a `check_*` function: truthy when the answer is right.

    Attributes:
        exercise: the name of what was checked (the learner's function or class).
        passed: True when every case agreed with the engine and central differences.
        message: one sentence: what was checked, or which input, which value, and what
            the chain rule expected.

    Example:
        >>> from autograd_lite.exercises import Result
        >>> r = Result("dtanh", False, "at x = 0.5 you gave 1, the engine gives 0.7864")
        >>> bool(r), str(r)
        (False, '✗ dtanh: at x = 0.5 you gave 1, the engine gives 0.7864')
    """

    exercise: str
    passed: bool
    message: str

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        return f"{'✓' if self.passed else '✗'} {self.exercise}: {self.message}"

    def __repr__(self) -> str:  # a notebook cell ending in a check shows the sentence
        return str(self)


def name_of(answer: Any) -> str:
    """The name a learner gave their function or class, for the messages."""
    return str(getattr(answer, "__name__", type(answer).__name__))


def fmt(x: float) -> str:
    """A number short enough for a sentence: 4 significant digits, ints without '.0'."""
    x = float(x)
    if not math.isfinite(x):
        return str(x)
    if x == int(x) and abs(x) < 1e6:
        return str(int(x))
    return f"{x:.4g}"


def par(x: float) -> str:
    """`fmt(x)`, in parentheses when negative: for a factor inside a formula."""
    text = fmt(x)
    return f"({text})" if text.startswith("-") else text


def close(got: Any, expected: Any, rtol: float = 1e-6, atol: float = 1e-9) -> bool:
    """Agreement up to rounding (the engine and a correct hand rule differ in the last bits)."""
    return bool(np.allclose(got, expected, rtol=rtol, atol=atol))


def factor(got: float, expected: float) -> float | None:
    """`got / expected` when both are clearly nonzero, else None."""
    if abs(expected) < 1e-12 or abs(got) < 1e-12:
        return None
    return got / expected


def run(answer: Callable[..., Any], *args: Any) -> tuple[Any, str]:
    """Call the learner's code; on an exception return it as a sentence instead of raising.

    A notebook's exercise cell starts as `raise NotImplementedError` (or `...`), and the
    check must say "not written yet" rather than stop the notebook.
    """
    try:
        with np.errstate(all="ignore"):  # an overflow is reported in the sentence instead
            return answer(*args), ""
    except NotImplementedError:
        return None, "not written yet: replace `raise NotImplementedError` with your code"
    except RecursionError:
        return None, (
            "it went past Python's recursion limit; walk the graph with a list as your own "
            "stack instead of a function that calls itself"
        )
    except Exception as error:  # the learner's bug, reported as a sentence
        return None, f"it raised {type(error).__name__}: {error}"


def is_number(x: Any) -> bool:
    """A real number (not a bool), finite or not."""
    return isinstance(x, (int, float, np.floating, np.integer)) and not isinstance(x, bool)


def finite(x: float) -> bool:
    """True for a finite float."""
    return math.isfinite(float(x))
