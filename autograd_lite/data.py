r"""Toy data sets, and the plumbing that feeds them to a model.

The generators draw the classic teaching pictures with NumPy alone: two interleaving moons,
two concentric circles, k spiral arms, the XOR checkerboard, and a noisy line for linear
regression. Each returns `(X, y)` as float64 points and int64 labels, shuffled, with the
classes as balanced as `n_samples` allows (when it does not divide evenly, the lowest class
numbers get one extra point each), and the same arrays for the same `seed`.

`train_test_split` holds out a test set, `DataLoader` (or `batches`) walks the training set
in shuffled mini-batches, one fresh permutation per epoch, and `load_digits` reads the 8x8
handwritten digits that ship inside scikit-learn (imported only when called).

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
from typing import Any, Literal, TypeAlias, overload

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "DataLoader",
    "batches",
    "load_digits",
    "make_circles",
    "make_line",
    "make_moons",
    "make_spirals",
    "make_xor",
    "train_test_split",
]

FloatArray: TypeAlias = NDArray[np.float64]
IntArray: TypeAlias = NDArray[np.int64]


# ---------------------------------------------------------------------------
# Argument checks: each error names the function, the argument, the value and the fix.
# ---------------------------------------------------------------------------


def _check_count(func: str, name: str, value: object, example: int, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{func}: {name} must be an int, got {value!r} ({type(value).__name__}); "
            f"pass a whole number such as {name}={example}."
        )
    if value < minimum:
        raise ValueError(
            f"{func}: {name} must be at least {minimum}, got {value}; "
            f"pass {name}={example} or another whole number >= {minimum}."
        )
    return int(value)


def _check_real(func: str, name: str, value: object, example: float) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{func}: {name} must be a real number, got {value!r} ({type(value).__name__}); "
            f"pass a number such as {name}={example}."
        )
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(
            f"{func}: {name} must be finite, got {value!r}; "
            f"pass a number such as {name}={example}."
        )
    return number


def _check_noise(func: str, value: object, example: float) -> float:
    noise = _check_real(func, "noise", value, example)
    if noise < 0:
        raise ValueError(
            f"{func}: noise is the standard deviation of the added Gaussian noise and cannot be "
            f"negative, got noise={value!r}; pass noise=0 for exact points or a positive "
            f"spread such as noise={example}."
        )
    return noise


def _make_rng(func: str, seed: object) -> np.random.Generator:
    if seed is None:
        return np.random.default_rng()
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(
            f"{func}: seed must be an int or None, got {seed!r} ({type(seed).__name__}); "
            "pass seed=0 (or any int >= 0) for repeatable results, or seed=None for fresh ones."
        )
    if seed < 0:
        raise ValueError(
            f"{func}: seed must be >= 0, got seed={seed}; pass seed=0 or another int >= 0."
        )
    return np.random.default_rng(int(seed))


def _as_rows(func: str, name: str, value: object) -> NDArray[Any]:
    array = np.asarray(value)
    if array.ndim == 0:
        raise ValueError(
            f"{func}: {name} is a single value ({value!r}), not an array with one row per "
            "sample; pass an array or list such as X of shape (n_samples, n_features)."
        )
    return array


def _class_sizes(n_samples: int, n_classes: int) -> list[int]:
    """Split n_samples as evenly as possible; the first n_samples % n_classes get one more."""
    base, extra = divmod(n_samples, n_classes)
    return [base + (1 if c < extra else 0) for c in range(n_classes)]


def _finish(
    rng: np.random.Generator, parts: list[FloatArray], noise: float
) -> tuple[FloatArray, IntArray]:
    """Stack the classes, add coordinate noise, label and shuffle."""
    X = np.concatenate(parts).reshape(-1, 2)
    y: IntArray = np.repeat(np.arange(len(parts), dtype=np.int64), [len(p) for p in parts])
    # Drawn even when noise == 0, so a seed gives the same shuffle (and the same noise
    # directions, merely scaled) whatever the noise level.
    X = X + noise * rng.standard_normal(X.shape)
    order = rng.permutation(len(y))
    return X[order], y[order]


# ---------------------------------------------------------------------------
# Classification pictures
# ---------------------------------------------------------------------------


def make_moons(
    n_samples: int = 100, noise: float = 0.1, seed: int | None = 0
) -> tuple[FloatArray, IntArray]:
    r"""Two interleaving half circles, the picture scikit-learn's `make_moons` draws.

    Class 0 is the upper half of the unit circle and class 1 the lower half of a unit circle
    shifted right and down, each point at an evenly spaced angle $t \in [0, \pi]$:

    $$\text{class 0: } (x, y) = (\cos t,\ \sin t), \qquad
      \text{class 1: } (x, y) = (1 - \cos t,\ 1 - \sin t - 0.5),$$

    then Gaussian noise $\varepsilon \sim \mathcal{N}(0, \text{noise}^2)$ is added to each
    coordinate. No straight line separates the moons; one hidden layer does.

    Args:
        n_samples: Total number of points; class 0 gets the extra one when it is odd.
        noise: Standard deviation of the Gaussian noise added to each coordinate.
        seed: Seed of `np.random.default_rng`; the same seed gives the same arrays.
            None draws fresh randomness.

    Returns:
        `(X, y)`: `X` float64 of shape `(n_samples, 2)`, `y` int64 labels in {0, 1},
        shuffled.

    Raises:
        TypeError: If `n_samples` is not an int, `noise` not a number or `seed` not an int.
        ValueError: If `n_samples < 1`, `noise < 0` or `seed < 0`.

    Example:
        >>> X, y = make_moons(101, noise=0.0, seed=0)
        >>> X.shape, int((y == 0).sum()), int((y == 1).sum())
        ((101, 2), 51, 50)
    """
    func = "make_moons"
    n_samples = _check_count(func, "n_samples", n_samples, example=100)
    noise = _check_noise(func, noise, example=0.1)
    rng = _make_rng(func, seed)
    n_outer, n_inner = _class_sizes(n_samples, 2)
    t_outer = np.linspace(0.0, np.pi, n_outer)
    t_inner = np.linspace(0.0, np.pi, n_inner)
    outer = np.column_stack([np.cos(t_outer), np.sin(t_outer)])
    inner = np.column_stack([1.0 - np.cos(t_inner), 1.0 - np.sin(t_inner) - 0.5])
    return _finish(rng, [outer, inner], noise)


def make_circles(
    n_samples: int = 100, noise: float = 0.05, factor: float = 0.5, seed: int | None = 0
) -> tuple[FloatArray, IntArray]:
    r"""A small circle inside a large one, the picture scikit-learn's `make_circles` draws.

    Class 0 lies on the unit circle and class 1 on a circle of radius `factor`, each at
    evenly spaced angles $t \in [0, 2\pi)$:

    $$\text{class 0: } (x, y) = (\cos t,\ \sin t), \qquad
      \text{class 1: } (x, y) = \text{factor} \cdot (\cos t,\ \sin t),$$

    plus Gaussian noise $\varepsilon \sim \mathcal{N}(0, \text{noise}^2)$ on each coordinate.
    The classes are separated by the radius $\sqrt{x^2 + y^2}$, which no linear model sees.

    Args:
        n_samples: Total number of points; class 0 (outer) gets the extra one when it is odd.
        noise: Standard deviation of the Gaussian noise added to each coordinate.
        factor: Radius of the inner circle, in `[0, 1)`.
        seed: Seed of `np.random.default_rng`; None draws fresh randomness.

    Returns:
        `(X, y)`: `X` float64 of shape `(n_samples, 2)`, `y` int64 labels in {0, 1},
        shuffled.

    Raises:
        TypeError: If an argument has the wrong type.
        ValueError: If `n_samples < 1`, `noise < 0`, `factor` is outside `[0, 1)` or
            `seed < 0`.

    Example:
        >>> X, y = make_circles(8, noise=0.0, factor=0.5, seed=0)
        >>> sorted(set((X ** 2).sum(axis=1).round(12).tolist()))
        [0.25, 1.0]
    """
    func = "make_circles"
    n_samples = _check_count(func, "n_samples", n_samples, example=100)
    noise = _check_noise(func, noise, example=0.05)
    factor = _check_real(func, "factor", factor, example=0.5)
    if not 0.0 <= factor < 1.0:
        raise ValueError(
            f"{func}: factor is the radius of the inner circle relative to the outer one and "
            f"must be in [0, 1), got factor={factor!r}; pass a value such as factor=0.5."
        )
    rng = _make_rng(func, seed)
    n_outer, n_inner = _class_sizes(n_samples, 2)
    t_outer = np.linspace(0.0, 2.0 * np.pi, n_outer, endpoint=False)
    t_inner = np.linspace(0.0, 2.0 * np.pi, n_inner, endpoint=False)
    outer = np.column_stack([np.cos(t_outer), np.sin(t_outer)])
    inner = factor * np.column_stack([np.cos(t_inner), np.sin(t_inner)])
    return _finish(rng, [outer, inner], noise)


def make_spirals(
    n_samples: int = 100,
    noise: float = 0.2,
    n_classes: int = 2,
    turns: float = 1.0,
    seed: int | None = 0,
) -> tuple[FloatArray, IntArray]:
    r"""Interleaved spiral arms, one per class (the CS231n spiral data set).

    Arm $c$ of $k$ holds $m$ points at radii $r_i = i / m$ for $i = 1, \dots, m$, and winds
    `turns` times around the origin, rotated by $c/k$ of a full turn:

    $$\theta_i = 2\pi\left(\text{turns} \cdot r_i + \frac{c}{k}\right) + \varepsilon_i,
      \qquad (x, y) = r_i\,(\cos\theta_i,\ \sin\theta_i),$$

    with $\varepsilon_i \sim \mathcal{N}(0, \text{noise}^2)$. Unlike the other generators the
    noise is on the *angle*, in radians, so the arms blur more at the rim than at the centre
    where they meet. Without noise, arm $c$ is arm 0 rotated by $2\pi c/k$.

    Args:
        n_samples: Total number of points; when `n_classes` does not divide it, the first
            `n_samples % n_classes` classes get one extra point each.
        noise: Standard deviation of the Gaussian noise added to each angle, in radians.
        n_classes: Number of arms (and classes), at least 2.
        turns: How many times each arm winds around the origin; negative winds clockwise.
        seed: Seed of `np.random.default_rng`; None draws fresh randomness.

    Returns:
        `(X, y)`: `X` float64 of shape `(n_samples, 2)` inside the unit disc (the angle
        noise turns points, it never moves them outward), `y` int64 labels in
        `0 .. n_classes - 1`, shuffled.

    Raises:
        TypeError: If an argument has the wrong type.
        ValueError: If `n_samples < 1`, `noise < 0`, `n_classes < 2`, `turns` is not
            finite or `seed < 0`.

    Example:
        >>> X, y = make_spirals(300, n_classes=3, seed=0)
        >>> X.shape, [int((y == c).sum()) for c in range(3)]
        ((300, 2), [100, 100, 100])
    """
    func = "make_spirals"
    n_samples = _check_count(func, "n_samples", n_samples, example=100)
    noise = _check_noise(func, noise, example=0.2)
    n_classes = _check_count(func, "n_classes", n_classes, example=2, minimum=2)
    turns = _check_real(func, "turns", turns, example=1.0)
    rng = _make_rng(func, seed)
    arms = []
    for c, m in enumerate(_class_sizes(n_samples, n_classes)):
        # r starts at 1/m, not 0, so that no two arms share the point (0, 0).
        r = np.arange(1, m + 1, dtype=np.float64) / max(m, 1)
        theta = 2.0 * np.pi * (turns * r + c / n_classes) + noise * rng.standard_normal(m)
        arms.append(r[:, None] * np.column_stack([np.cos(theta), np.sin(theta)]))
    return _finish(rng, arms, 0.0)


def make_xor(
    n_samples: int = 100, noise: float = 0.1, seed: int | None = 0
) -> tuple[FloatArray, IntArray]:
    r"""The XOR checkerboard: opposite quadrants of the square share a class.

    Each point picks a quadrant with signs $(s_1, s_2) \in \{-1, 1\}^2$ (the four quadrants
    as evenly filled as possible) and uniform magnitudes $u_1, u_2 \in (0, 1]$:

    $$(x, y) = (s_1 u_1,\ s_2 u_2) + \varepsilon, \qquad
      \text{label} = [\,s_1 s_2 < 0\,],$$

    with $\varepsilon \sim \mathcal{N}(0, \text{noise}^2)$ per coordinate. Class 0 fills the
    quadrants where $x$ and $y$ have the same sign, class 1 the other two: the function
    that a single neuron cannot learn and two hidden units can. The label stays with the
    quadrant a point was drawn in, so noise pushes some points across the axes.

    Args:
        n_samples: Total number of points; class 0 gets the extra one when it is odd.
        noise: Standard deviation of the Gaussian noise added to each coordinate.
        seed: Seed of `np.random.default_rng`; None draws fresh randomness.

    Returns:
        `(X, y)`: `X` float64 of shape `(n_samples, 2)`, `y` int64 labels in {0, 1},
        shuffled.

    Raises:
        TypeError: If an argument has the wrong type.
        ValueError: If `n_samples < 1`, `noise < 0` or `seed < 0`.

    Example:
        >>> X, y = make_xor(100, noise=0.0, seed=0)
        >>> bool(((X[:, 0] * X[:, 1] < 0) == (y == 1)).all())
        True
    """
    func = "make_xor"
    n_samples = _check_count(func, "n_samples", n_samples, example=100)
    noise = _check_noise(func, noise, example=0.1)
    rng = _make_rng(func, seed)
    # Quadrants (+,+) and (-,-) make class 0; (+,-) and (-,+) class 1.
    signs = np.array([[1.0, 1.0], [-1.0, -1.0], [1.0, -1.0], [-1.0, 1.0]])
    classes = []
    for c, size in enumerate(_class_sizes(n_samples, 2)):
        quadrants = []
        for q, count in enumerate(_class_sizes(size, 2)):
            # 1 - U[0, 1) lies in (0, 1], so no noise-free point sits on an axis.
            magnitudes = 1.0 - rng.random((count, 2))
            quadrants.append(signs[2 * c + q] * magnitudes)
        classes.append(np.concatenate(quadrants))
    return _finish(rng, classes, noise)


# ---------------------------------------------------------------------------
# Regression
# ---------------------------------------------------------------------------


def make_line(
    n_samples: int = 100,
    a: float = 2.0,
    b: float = 1.0,
    noise: float = 0.1,
    x_range: tuple[float, float] = (-1.0, 1.0),
    seed: int | None = 0,
) -> tuple[FloatArray, FloatArray]:
    r"""Noisy points around the line $y = a x + b$, for linear regression.

    $$x_i \sim \mathcal{U}(\text{low}, \text{high}), \qquad
      y_i = a x_i + b + \varepsilon_i, \quad \varepsilon_i \sim \mathcal{N}(0, \text{noise}^2).$$

    Fitting $\hat a, \hat b$ means driving the derivatives of the squared error
    $L = \frac{1}{n}\sum_i (\hat a x_i + \hat b - y_i)^2$ to zero:
    $\partial L/\partial \hat a = \frac{2}{n}\sum_i (\hat a x_i + \hat b - y_i)\,x_i = 0$ and
    $\partial L/\partial \hat b = \frac{2}{n}\sum_i (\hat a x_i + \hat b - y_i) = 0$;
    gradient descent with `ag.grad` gets there step by step, and with `noise=0` it recovers
    `a` and `b` themselves.

    Args:
        n_samples: Number of points.
        a: Slope of the true line.
        b: Intercept of the true line.
        noise: Standard deviation of the Gaussian noise added to each $y_i$.
        x_range: `(low, high)` interval the $x_i$ are drawn from uniformly, `low < high`.
        seed: Seed of `np.random.default_rng`; None draws fresh randomness.

    Returns:
        `(X, y)`: `X` float64 of shape `(n_samples, 1)` (one feature, ready for
        `X @ w`), `y` float64 of shape `(n_samples,)`.

    Raises:
        TypeError: If an argument has the wrong type.
        ValueError: If `n_samples < 1`, `noise < 0`, `a`, `b` or the bounds are not
            finite, `low >= high` or `seed < 0`.

    Example:
        >>> X, y = make_line(5, a=2.0, b=1.0, noise=0.0, seed=0)
        >>> bool((y == 2.0 * X[:, 0] + 1.0).all())
        True
    """
    func = "make_line"
    n_samples = _check_count(func, "n_samples", n_samples, example=100)
    a = _check_real(func, "a", a, example=2.0)
    b = _check_real(func, "b", b, example=1.0)
    noise = _check_noise(func, noise, example=0.1)
    if isinstance(x_range, (str, bytes)) or not hasattr(x_range, "__len__") or len(x_range) != 2:
        raise TypeError(
            f"{func}: x_range must be a pair (low, high), got {x_range!r}; "
            "pass x_range=(-1.0, 1.0) or another interval."
        )
    low = _check_real(func, "x_range[0]", x_range[0], example=-1.0)
    high = _check_real(func, "x_range[1]", x_range[1], example=1.0)
    if not low < high:
        raise ValueError(
            f"{func}: x_range must be (low, high) with low < high, got {x_range!r}; "
            f"pass x_range=({min(low, high)}, {max(low, high) if low != high else low + 1.0})."
        )
    rng = _make_rng(func, seed)
    x = rng.uniform(low, high, n_samples)
    y = a * x + b + noise * rng.standard_normal(n_samples)
    return x[:, None], y


# ---------------------------------------------------------------------------
# Splitting
# ---------------------------------------------------------------------------


def _test_count(test_size: object, n_samples: int) -> int:
    func = "train_test_split"
    if n_samples < 2:
        raise ValueError(
            f"{func}: the arrays have {n_samples} row(s), but a split needs at least 2 "
            "(one to train on, one to test on); pass more samples."
        )
    if isinstance(test_size, bool) or not isinstance(test_size, numbers.Real):
        raise TypeError(
            f"{func}: test_size must be a fraction or an int count, got {test_size!r} "
            f"({type(test_size).__name__}); pass test_size=0.25 or a count such as test_size=10."
        )
    if isinstance(test_size, numbers.Integral):
        n_test = int(test_size)
        if not 1 <= n_test <= n_samples - 1:
            raise ValueError(
                f"{func}: test_size={n_test} rows out of {n_samples} leaves no "
                f"{'test' if n_test < 1 else 'training'} rows; pass a count from 1 to "
                f"{n_samples - 1}, or a fraction such as test_size=0.25."
            )
        return n_test
    fraction = float(test_size)
    if not 0.0 < fraction < 1.0:
        raise ValueError(
            f"{func}: a float test_size is the fraction of rows held out and must lie strictly "
            f"between 0 and 1, got test_size={test_size!r}; pass test_size=0.25, or an int "
            "to give a count."
        )
    # Round up the fraction as written: 0.07 * 100 is 7.000000000000001 in floating point,
    # so math.ceil on the float product would hold out 8 rows instead of 7.
    n_test = math.ceil(Fraction(repr(fraction)) * n_samples)
    if n_test >= n_samples:
        raise ValueError(
            f"{func}: test_size={test_size!r} of {n_samples} rows rounds up to {n_test} test "
            "rows and leaves no training rows; pass a smaller test_size."
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
        >>> X, y = make_moons(100, seed=0)
        >>> X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, seed=0)
        >>> X_train.shape, X_test.shape, y_train.shape, y_test.shape
        ((80, 2), (20, 2), (80,), (20,))
    """
    func = "train_test_split"
    if not arrays:
        raise TypeError(
            f"{func}: no arrays given; pass the arrays to split, as in train_test_split(X, y)."
        )
    data = [_as_rows(func, f"arrays[{i}]", a) for i, a in enumerate(arrays)]
    n_samples = len(data[0])
    for i, array in enumerate(data[1:], start=1):
        if len(array) != n_samples:
            raise ValueError(
                f"{func}: arrays[0] has {n_samples} rows but arrays[{i}] has {len(array)}; "
                "every array needs one row per sample, so pass X and y from the same data set."
            )
    n_test = _test_count(test_size, n_samples)
    rng = _make_rng(func, seed)
    if stratify is not None:
        if not shuffle:
            raise ValueError(
                f"{func}: stratify needs shuffle=True, got shuffle=False; a stratified split "
                "draws rows from every class at random. Pass shuffle=True or stratify=None."
            )
        labels = np.asarray(stratify)
        if labels.ndim != 1 or len(labels) != n_samples:
            raise ValueError(
                f"{func}: stratify must hold one class label per row, shape ({n_samples},), "
                f"got shape {labels.shape}; pass stratify=y."
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
        TypeError: If `batch_size` or `seed` has the wrong type.
        ValueError: If `X` and `y` differ in length, `batch_size < 1` or `seed < 0`.

    Example:
        >>> X, y = make_moons(100, seed=0)
        >>> loader = DataLoader(X, y, batch_size=32, seed=0)
        >>> len(loader), [len(yb) for xb, yb in loader]
        (4, [32, 32, 32, 4])
    """

    def __init__(
        self,
        X: ArrayLike,
        y: ArrayLike,
        batch_size: int = 32,
        shuffle: bool = True,
        seed: int | None = None,
        drop_last: bool = False,
    ) -> None:
        func = type(self).__name__
        self.X = _as_rows(func, "X", X)
        self.y = _as_rows(func, "y", y)
        if len(self.X) != len(self.y):
            raise ValueError(
                f"{func}: X has {len(self.X)} rows but y has {len(self.y)}; "
                "pass one target per input row."
            )
        self.batch_size = _check_count(func, "batch_size", batch_size, example=32)
        self.shuffle = shuffle
        self.drop_last = drop_last
        self._rng = _make_rng(func, seed)

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
        >>> X, y = make_line(10, seed=0)
        >>> [xb.shape for xb, yb in batches(X, y, batch_size=4, shuffle=False)]
        [(4, 1), (4, 1), (2, 1)]
    """
    return DataLoader(X, y, batch_size=batch_size, shuffle=shuffle, seed=seed, drop_last=drop_last)


# ---------------------------------------------------------------------------
# Real data
# ---------------------------------------------------------------------------


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
