"""gradcheck: passes good gradients, and fails with a diagnosis on wrong ones."""

from __future__ import annotations

import re
import warnings
from typing import Any

import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite import rules as R

rng = np.random.default_rng(0)


def test_passes_on_good_functions_of_numbers_and_arrays() -> None:
    assert ag.gradcheck(lambda x, y: x * y.sin() + (x / y).exp(), 0.3, 1.2)
    W, x = rng.normal(size=(3, 4)), rng.normal(size=4)
    assert ag.gradcheck(lambda W, x: (ag.Tensor(W) @ x).tanh().sum() * 0 + (W @ x).sum(), W, x)
    assert ag.gradcheck(lambda t: t.log_softmax(axis=1), rng.normal(size=(2, 3)))
    assert ag.gradcheck(lambda x, y: x * y.sin(), 1.3, 0.4, second_order=True)


def test_a_graph_cut_by_no_grad_is_caught_with_a_diagnosis() -> None:
    def cut(x):  # type: ignore[no-untyped-def]
        with ag.no_grad():
            h = x * 2
        return (h * x).sum()

    with pytest.raises(AssertionError, match=r"input 0 \(ndarray\), element \(0,\): analytic 2.0"):
        ag.gradcheck(cut, np.array([1.0, 2.0]))


def test_a_wrong_rule_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(R.SIN, "partials", (lambda x, c, out: -R.call(R.COS, x),))
    with pytest.raises(AssertionError, match="mismatch"):
        ag.gradcheck(lambda x: x.sin(), 0.5)


def test_a_wrong_second_derivative_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    # First derivatives stay right (the float path), but cos' = +sin is wrong.
    monkeypatch.setattr(R.COS, "partials", (lambda x, c, out: R.call(R.SIN, x),))
    assert ag.gradcheck(lambda x: x.sin(), 0.5)
    with pytest.raises(AssertionError, match="second-order"):
        ag.gradcheck(lambda x: x.sin(), 0.5, second_order=True)


def test_warns_for_float32_and_for_kinks() -> None:
    with pytest.warns(UserWarning, match="float32"):
        ag.gradcheck(lambda x: (x * x).sum(), np.ones(2, dtype=np.float32))
    with pytest.warns(UserWarning, match="kink.*relu"), pytest.raises(AssertionError):
        ag.gradcheck(lambda x: x.relu().sum(), np.array([0.0, 1.0]))
    with pytest.warns(UserWarning, match="max with tied"):
        ag.gradcheck(lambda x: x.max() * 0 + x.sum(), np.array([1.0, 1.0]))


def test_bad_input() -> None:
    with pytest.raises(ValueError, match="at least one input"):
        ag.gradcheck(lambda: 1.0)
    with pytest.raises(TypeError, match="input 0 is str"):
        ag.gradcheck(lambda x: x, "a")


@pytest.mark.parametrize(
    ("options", "error", "words"),
    [
        ({"eps": 0}, ValueError, "gradcheck: eps must be in (0, inf), got 0; try eps=1e-6"),
        ({"eps": -1e-6}, ValueError, "eps must be in (0, inf)"),
        ({"eps": float("nan")}, ValueError, "got nan"),
        ({"atol": -1.0}, ValueError, "atol must be in [0, inf), got -1.0; try atol=1e-5"),
        ({"rtol": float("inf")}, ValueError, "rtol must be in [0, inf)"),
        ({"eps": "1e-6"}, TypeError, "eps must be a number, got '1e-6' (str); try eps=1e-6"),
        ({"atol": None}, TypeError, "atol must be a number"),
    ],
)
def test_bad_tolerances_are_refused(options: dict[str, Any], error: type, words: str) -> None:
    with pytest.raises(error, match=re.escape(words)):
        ag.gradcheck(lambda x: x * x, 1.0, **options)


@pytest.mark.parametrize(
    ("f", "x", "words"),
    [
        (lambda x: x.log(), 1e-7, "moved by -eps = -1e-06, f raised ValueError (log: got x"),
        (lambda x: x.sqrt(), 5e-7, "input 0 (number) moved by -eps"),
        (lambda x: x.log().sum(), np.array([1.0, 1e-8]), "element (1,) moved by -eps"),
    ],
)
def test_a_step_out_of_the_domain_is_named(f: Any, x: Any, words: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no NumPy warning ahead of the sentence
        with pytest.raises(ValueError, match="the finite-difference step left the domain") as info:
            ag.gradcheck(f, x)
    assert words in str(info.value)
    assert "pass a smaller eps" in str(info.value)
    assert ag.gradcheck(f, x, eps=x * 1e-3 if np.ndim(x) == 0 else 1e-11, rtol=1e-2)
