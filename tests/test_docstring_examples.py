"""Every `>>>` example in the package's docstrings runs and prints what it says.

The API reference renders these examples; a doctest run over every module of the package
(found by walking it, so a new module is covered the day it is added) keeps them true.
Optional parts (Graphviz, matplotlib) are imported only when used, so every module imports.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import warnings

import pytest

import autograd_lite

MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages(autograd_lite.__path__, "autograd_lite.")
    if not info.name.endswith("__main__")
)


@pytest.mark.parametrize("name", MODULES)
def test_examples_in_docstrings(name: str) -> None:
    module = importlib.import_module(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # NumPy's notes on an inf made on purpose
        result = doctest.testmod(
            module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False
        )
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"


def test_the_example_check_can_fail() -> None:
    module = importlib.import_module("autograd_lite.validators")
    broken = doctest.DocTestParser().get_doctest(
        ">>> 1 + 1\n3\n", module.__dict__, "broken", None, 0
    )
    runner = doctest.DocTestRunner(verbose=False)
    runner.run(broken, out=lambda text: None)
    assert runner.failures == 1
