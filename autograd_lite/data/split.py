r"""Splitting rows into training and test parts, and walking them in mini-batches.

`train_test_split` holds out a test set (stratified on request), and `DataLoader` (or
`batches`) walks the training set in shuffled mini-batches, one fresh permutation per
epoch.

Example:
    >>> from autograd_lite.data import make_moons, train_test_split, batches
    >>> X, y = make_moons(200, noise=0.1, seed=0)
    >>> X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, seed=0)
    >>> X_train.shape, X_test.shape
    ((150, 2), (50, 2))
    >>> [xb.shape[0] for xb, yb in batches(X_train, y_train, batch_size=64, seed=0)]
    [64, 64, 22]
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterator
from fractions import Fraction
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..validators import check_count, make_rng


def _as_rows(func: str, name: str, value: object) -> NDArray[Any]:
    array = np.asarray(value)
    if array.ndim == 0:
        raise ValueError(
            f"{func}: {name} is a single value ({value!r}), not an array with one row per "
            "sample; pass an array or list such as X of shape (n_samples, n_features)"
        )
    return array


# ---------------------------------------------------------------------------
# Splitting
# ---------------------------------------------------------------------------


def _test_count(test_size: object, n_samples: int) -> int:
    func = "train_test_split"
    if n_samples < 2:
        raise ValueError(
            f"{func}: the arrays have {n_samples} row(s), but a split needs at least 2 "
            "(one to train on, one to test on); pass more samples"
        )
    if isinstance(test_size, bool) or not isinstance(test_size, numbers.Real):
        raise TypeError(
            f"{func}: test_size must be a fraction or an int count, got {test_size!r} "
            f"({type(test_size).__name__}); pass test_size=0.25 or a count such as test_size=10"
        )
    if isinstance(test_size, numbers.Integral):
        n_test = int(test_size)
        if not 1 <= n_test <= n_samples - 1:
            raise ValueError(
                f"{func}: test_size={n_test} rows out of {n_samples} leaves no "
                f"{'test' if n_test < 1 else 'training'} rows; pass a count from 1 to "
                f"{n_samples - 1}, or a fraction such as test_size=0.25"
            )
        return n_test
    fraction = float(test_size)
    if not 0.0 < fraction < 1.0:
        raise ValueError(
            f"{func}: a float test_size is the fraction of rows held out and must lie strictly "
            f"between 0 and 1, got test_size={test_size!r}; pass test_size=0.25, or an int "
            "to give a count"
        )
    # Round up the fraction as written: 0.07 * 100 is 7.000000000000001 in floating point,
    # so math.ceil on the float product would hold out 8 rows instead of 7.
    n_test = math.ceil(Fraction(repr(fraction)) * n_samples)
    if n_test >= n_samples:
        raise ValueError(
            f"{func}: test_size={test_size!r} of {n_samples} rows rounds up to {n_test} test "
            "rows and leaves no training rows; pass a smaller test_size"
        )
    return n_test


def _stratified_indices(
    rng: np.random.Generator, labels: NDArray[Any], n_test: int
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Pick test rows so each class keeps its share: |test_c - n_test * n_c / n| < 1."""
    n_samples = len(labels)
    _, label_ids = np.unique(labels, return_inverse=True)
    label_ids = label_ids.reshape(-1)
    counts = np.bincount(label_ids)
    # Integer arithmetic keeps the shares exact: floor first, then hand the missing rows
    # to the largest remainders (ties broken at random, so no class is favoured).
    shares = n_test * counts
    take = shares // n_samples
    remainders = shares % n_samples
    missing = n_test - int(take.sum())
    order = np.lexsort((rng.random(len(counts)), -remainders))
    take[order[:missing]] += 1
    test_parts, train_parts = [], []
    for c, k in enumerate(take):
        members = rng.permutation(np.flatnonzero(label_ids == c))
        test_parts.append(members[:k])
        train_parts.append(members[k:])
    test = rng.permutation(np.concatenate(test_parts))
    train = rng.permutation(np.concatenate(train_parts))
    return train, test


def train_test_split(
    *arrays: ArrayLike,
    test_size: float = 0.25,
    seed: int | None = 0,
    shuffle: bool = True,
    stratify: ArrayLike | None = None,
) -> list[NDArray[Any]]:
    r"""Split arrays row-wise into a training part and a held-out test part.

    With $n$ rows and a fraction $f$, $n_\text{test} = \lceil f n \rceil$ rows (as
    scikit-learn) go to the test part and $n - n_\text{test}$ to training; the same rows are
    taken from every array, so `X` and `y` stay aligned. With `stratify=y`, each class $c$
    with $n_c$ rows gets $n_{\text{test},c}$ test rows where
    $|n_{\text{test},c} - n_\text{test} n_c / n| < 1$, so class proportions carry over.

    Args:
        *arrays: One or more arrays (or lists) with the same number of rows.
        test_size: A float in `(0, 1)`: the fraction held out, rounded up; or an int: the
            number of test rows, from 1 to `n - 1`.
        seed: Seed of `np.random.default_rng`; None draws fresh randomness.
        shuffle: Shuffle before splitting. With False, the last rows form the test part.
        stratify: Class labels, one per row (usually `y`), whose proportions both parts
            keep. Needs `shuffle=True`.

    Returns:
        A list `[a_train, a_test, b_train, b_test, ...]`, two NumPy arrays per input, in
        the order given: `X_train, X_test, y_train, y_test = train_test_split(X, y)`.

    Raises:
        TypeError: If no array is given, or `test_size`/`seed` has the wrong type.
        ValueError: If the arrays differ in length, there are fewer than 2 rows, `test_size`
            leaves an empty part, `stratify` has the wrong length or shape, or
            `stratify` is combined with `shuffle=False`.

    Example:
        >>> from autograd_lite.data import make_moons
        >>> X, y = make_moons(100, seed=0)
        >>> X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, seed=0)
        >>> X_train.shape, X_test.shape, y_train.shape, y_test.shape
        ((80, 2), (20, 2), (80,), (20,))
    """
    func = "train_test_split"
    if not arrays:
        raise TypeError(
            f"{func}: no arrays given; pass the arrays to split, as in train_test_split(X, y)"
        )
    data = [_as_rows(func, f"arrays[{i}]", a) for i, a in enumerate(arrays)]
    n_samples = len(data[0])
    for i, array in enumerate(data[1:], start=1):
        if len(array) != n_samples:
            raise ValueError(
                f"{func}: arrays[0] has {n_samples} rows but arrays[{i}] has {len(array)}; "
                "every array needs one row per sample, so pass X and y from the same data set"
            )
    n_test = _test_count(test_size, n_samples)
    rng = make_rng(seed, func)
    if stratify is not None:
        if not shuffle:
            raise ValueError(
                f"{func}: stratify needs shuffle=True, got shuffle=False; a stratified split "
                "draws rows from every class at random. Pass shuffle=True or stratify=None"
            )
        labels = np.asarray(stratify)
        if labels.ndim != 1 or len(labels) != n_samples:
            raise ValueError(
                f"{func}: stratify must hold one class label per row, shape ({n_samples},), "
                f"got shape {labels.shape}; pass stratify=y"
            )
        train, test = _stratified_indices(rng, labels, n_test)
    elif shuffle:
        permutation = rng.permutation(n_samples)
        test, train = permutation[:n_test], permutation[n_test:]
    else:
        train, test = np.arange(n_samples - n_test), np.arange(n_samples - n_test, n_samples)
    out: list[NDArray[Any]] = []
    for array in data:
        out += [array[train], array[test]]
    return out


# ---------------------------------------------------------------------------
# Mini-batches
# ---------------------------------------------------------------------------


class DataLoader:
    r"""Mini-batches of `(X, y)`, reshuffled every time it is iterated (once per epoch).

    Each epoch draws a permutation $\pi$ of the $n$ rows from the loader's own generator
    and yields batch $j$ as `X[π[jB : (j+1)B]], y[π[jB : (j+1)B]]` for batch size $B$, so
    every row appears exactly once per epoch; the last batch holds the $n \bmod B$ rows
    left over, unless `drop_last=True` drops it. Unlike PyTorch's `DataLoader`, which takes
    a `Dataset`, this one takes the arrays themselves.

    Args:
        X: Inputs, one row per sample.
        y: Targets, one row per sample.
        batch_size: Rows per batch, at least 1.
        shuffle: Draw a new permutation each epoch; False keeps the row order.
        seed: Seed of the loader's `np.random.default_rng`: the same seed gives the same
            sequence of epochs. None draws fresh randomness.
        drop_last: Drop the last, smaller batch.

    Raises:
        TypeError: If `batch_size` or `seed` has the wrong type, or `y` is missing (as in
            PyTorch's `DataLoader(dataset)`; here `DataLoader(*dataset)`).
        ValueError: If `X` and `y` differ in length, `batch_size < 1` or `seed < 0`.

    Example:
        >>> from autograd_lite.data import make_moons
        >>> X, y = make_moons(100, seed=0)
        >>> loader = DataLoader(X, y, batch_size=32, seed=0)
        >>> len(loader), [len(yb) for xb, yb in loader]
        (4, [32, 32, 32, 4])
    """

    def __init__(
        self,
        X: ArrayLike,
        y: ArrayLike | None = None,
        batch_size: int = 32,
        shuffle: bool = True,
        seed: int | None = None,
        drop_last: bool = False,
    ) -> None:
        func = type(self).__name__
        if y is None:  # PyTorch's DataLoader(dataset, ...): here the arrays themselves
            pair = isinstance(X, tuple) and len(X) == 2
            fix = "DataLoader(*data, ...) to pass the pair" if pair else "DataLoader(X, y, ...)"
            raise TypeError(
                f"{func}: takes the inputs and the targets as two arrays, "
                f"DataLoader(X, y, batch_size=32), not one dataset; write {fix}"
            )
        self.X = _as_rows(func, "X", X)
        self.y = _as_rows(func, "y", y)
        if len(self.X) != len(self.y):
            raise ValueError(
                f"{func}: X has {len(self.X)} rows but y has {len(self.y)}; "
                "pass one target per input row"
            )
        self.batch_size = check_count(func, "batch_size", batch_size, example=32)
        self.shuffle = shuffle
        self.drop_last = drop_last
        self._rng = make_rng(seed, func)

    def __iter__(self) -> Iterator[tuple[NDArray[Any], NDArray[Any]]]:
        n_samples = len(self.X)
        order = self._rng.permutation(n_samples) if self.shuffle else np.arange(n_samples)
        stop = n_samples - n_samples % self.batch_size if self.drop_last else n_samples
        for start in range(0, stop, self.batch_size):
            rows = order[start : start + self.batch_size]
            yield self.X[rows], self.y[rows]

    def __len__(self) -> int:
        """Number of batches per epoch."""
        full, rest = divmod(len(self.X), self.batch_size)
        return full + (1 if rest and not self.drop_last else 0)

    def __repr__(self) -> str:
        return (
            f"DataLoader({len(self.X)} samples, batch_size={self.batch_size}, "
            f"shuffle={self.shuffle}, drop_last={self.drop_last})"
        )


def batches(
    X: ArrayLike,
    y: ArrayLike,
    batch_size: int = 32,
    shuffle: bool = True,
    seed: int | None = None,
    drop_last: bool = False,
) -> DataLoader:
    r"""Mini-batches of `(X, y)`: `for xb, yb in batches(X, y, 32, seed=0): ...`.

    The same as `DataLoader(X, y, batch_size, shuffle, seed, drop_last)`; see there for the
    formula. It returns a re-iterable loader rather than a one-shot generator, so keeping it
    in a variable and looping over it every epoch gives every epoch (with a fresh
    permutation), instead of silently giving nothing after the first.

    Args:
        X: Inputs, one row per sample.
        y: Targets, one row per sample.
        batch_size: Rows per batch, at least 1.
        shuffle: Draw a new permutation each epoch; False keeps the row order.
        seed: Seed of the loader's generator; None draws fresh randomness.
        drop_last: Drop the last, smaller batch.

    Returns:
        A `DataLoader` over the rows.

    Raises:
        TypeError: If `batch_size` or `seed` has the wrong type.
        ValueError: If `X` and `y` differ in length, `batch_size < 1` or `seed < 0`.

    Example:
        >>> from autograd_lite.data import make_line
        >>> X, y = make_line(10, seed=0)
        >>> [xb.shape for xb, yb in batches(X, y, batch_size=4, shuffle=False)]
        [(4, 1), (4, 1), (2, 1)]
    """
    return DataLoader(X, y, batch_size=batch_size, shuffle=shuffle, seed=seed, drop_last=drop_last)
