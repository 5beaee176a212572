"""The `Example:` sections of the round-two modules run and print what they say."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "autograd_lite.validators",
    "autograd_lite.data.datasets",
    "autograd_lite.data.text",
    "autograd_lite.data.split",
    "autograd_lite.nn.functional",
    "autograd_lite.nn.conv",
    "autograd_lite.nn.norm",
    "autograd_lite.nn.layers",
    "autograd_lite.nn.im2col",
    "autograd_lite.nn.init",
    "autograd_lite.nn.shapes",
    "autograd_lite.nn.module",
    "autograd_lite.optim.optimizers",
    "autograd_lite.optim.lr_scheduler",
    "autograd_lite.models",
    "autograd_lite.models.cnn",
    "autograd_lite.models.language",
    "autograd_lite.models.transformer",
    "autograd_lite.train.diagnose",
    "autograd_lite.train.language",
    "autograd_lite.train.loop",
    "autograd_lite.train.memory",
]


@pytest.mark.parametrize("name", MODULES)
def test_examples_in_docstrings(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"


def test_the_example_check_can_fail() -> None:
    module = importlib.import_module("autograd_lite.validators")
    broken = doctest.DocTestParser().get_doctest(
        ">>> 1 + 1\n3\n", module.__dict__, "broken", None, 0
    )
    runner = doctest.DocTestRunner(verbose=False)
    runner.run(broken, out=lambda text: None)
    assert runner.failures == 1
