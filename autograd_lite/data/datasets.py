r"""Real data sets that ship with the package or with scikit-learn; nothing is downloaded.

* `load_digits`: scikit-learn's 1,797 handwritten 8x8 digits (imported only when called).
* `load_names`: 32,033 first names, the data set of Karpathy's makemore, shipped inside this
  package as `autograd_lite/data/names.txt` with its MIT notice (`names-LICENSE.txt`).

Example:
    >>> from autograd_lite.data import load_names
    >>> names = load_names()
    >>> len(names), names[:3]
    (32033, ['emma', 'olivia', 'ava'])
"""

from __future__ import annotations

from importlib import resources
from typing import Any, Literal, overload

import numpy as np
from numpy.typing import NDArray

from .generators import FloatArray, IntArray


@overload
def load_digits(return_X_y: Literal[True] = ...) -> tuple[FloatArray, IntArray]: ...


@overload
def load_digits(return_X_y: Literal[False]) -> dict[str, NDArray[Any]]: ...


def load_digits(
    return_X_y: bool = True,
) -> tuple[FloatArray, IntArray] | dict[str, NDArray[Any]]:
    r"""The 1,797 handwritten 8x8 digits of scikit-learn (UCI optdigits test set).

    Pixel counts $p \in \{0, \dots, 16\}$ are scaled to $x = p / 16 \in [0, 1]$, a good
    range for `tanh` and `sigmoid` units. scikit-learn ships the data inside its package, so
    nothing is downloaded; it is imported only when this function runs.

    Args:
        return_X_y: True (the default) returns `(X, y)`; False returns a dict with
            `"data"`, `"target"`, `"images"` (shape `(n, 8, 8)`) and `"target_names"`.

    Returns:
        `X` float64 of shape `(1797, 64)` in `[0, 1]` and `y` int64 digits `0 .. 9`.

    Raises:
        ImportError: If scikit-learn is not installed; the message names the extra,
            `pip install "autograd_lite[digits]"`.

    Example:
        >>> X, y = load_digits()  # doctest: +SKIP
        >>> X.shape, float(X.max()), sorted(set(y.tolist())) == list(range(10))  # doctest: +SKIP
        ((1797, 64), 1.0, True)
    """
    try:
        from sklearn.datasets import load_digits as sklearn_load_digits
    except ImportError as err:
        raise ImportError(
            "load_digits reads the digits that ship inside scikit-learn, which is not "
            'installed; install it with: pip install "autograd_lite[digits]"'
        ) from err
    X_raw, y_raw = sklearn_load_digits(return_X_y=True)
    X = np.asarray(X_raw, dtype=np.float64) / 16.0
    y = np.asarray(y_raw, dtype=np.int64)
    if return_X_y:
        return X, y
    return {
        "data": X,
        "target": y,
        "images": X.reshape(-1, 8, 8),
        "target_names": np.arange(10, dtype=np.int64),
    }


NAMES_FILE = "names.txt"
"""The names list's file name inside the package (beside it, `names-LICENSE.txt`)."""


def load_names() -> list[str]:
    r"""The 32,033 first names of makemore, lower case `a`-`z`, in the file's order.

    The most common US baby names of 2018 (US Social Security Administration records), as
    collected in the `names.txt` of karpathy/makemore (MIT license, Copyright (c) 2022
    Andrej Karpathy); the file and its notice ship inside this package, so this reads a
    local file and never the network. Duplicates are kept, as in makemore.

    Returns:
        A new list of str (yours to shuffle); the longest name has 15 letters.

    Raises:
        FileNotFoundError: the package was installed without its data files (a broken
            install): reinstall it with `pip install --force-reinstall autograd_lite`.

    Example:
        >>> from autograd_lite.data import load_names
        >>> names = load_names()
        >>> len(names), max(len(n) for n in names)
        (32033, 15)
    """
    source = resources.files(__package__ or "autograd_lite.data").joinpath(NAMES_FILE)
    try:
        text = source.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FileNotFoundError(
            f"load_names: the package's copy of {NAMES_FILE} is missing (a broken install); "
            "reinstall it with: pip install --force-reinstall autograd_lite"
        ) from None
    return text.split()
