"""Every `>>>` example in the package's docstrings runs and prints what it says.

The API reference renders these examples; a doctest run over every module keeps them
true. Optional parts (the visualizer's Graphviz, matplotlib) are imported only when
used, so every module imports here.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import warnings
from types import ModuleType

import pytest

import autograd_lite

FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def modules() -> list[str]:
    return sorted(
        info.name
        for info in pkgutil.walk_packages(autograd_lite.__path__, "autograd_lite.")
        if not info.name.endswith("__main__")
    )


def failures(module: ModuleType) -> int:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # NumPy's notes on an inf made on purpose
        return doctest.testmod(module, optionflags=FLAGS, report=True).failed


@pytest.mark.parametrize("name", modules())
def test_the_examples_in_the_docstrings_run(name: str) -> None:
    assert failures(importlib.import_module(name)) == 0


def test_the_check_can_fail() -> None:
    module = ModuleType("wrong_example")
    module.__doc__ = ">>> 1 + 1\n3\n"
    assert failures(module) == 1
