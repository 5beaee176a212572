r"""Toy data sets drawn with NumPy alone: the classic teaching pictures.

Two interleaving moons, two concentric circles, k spiral arms, the XOR checkerboard, and a
noisy line for linear regression. Each returns `(X, y)` as float64 points and int64
labels, shuffled, with the classes as balanced as `n_samples` allows (when it does not
divide evenly, the lowest class numbers get one extra point each), and the same arrays
for the same `seed`.

Example:
    >>> from autograd_lite.data import make_moons
    >>> X, y = make_moons(200, noise=0.1, seed=0)
    >>> X.shape, y.shape
    ((200, 2), (200,))
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ..validators import check_count, check_real, make_rng

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


def _check_noise(func: str, value: object, example: float) -> float:
    noise = check_real(func, "noise", value, example)
    if noise < 0:
        raise ValueError(
            f"{func}: noise is the standard deviation of the added Gaussian noise and cannot be "
            f"negative, got noise={value!r}; pass noise=0 for exact points or a positive "
            f"spread such as noise={example}"
        )
    return noise


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
    n_samples = check_count(func, "n_samples", n_samples, example=100)
    noise = _check_noise(func, noise, example=0.1)
    rng = make_rng(seed, func)
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
    n_samples = check_count(func, "n_samples", n_samples, example=100)
    noise = _check_noise(func, noise, example=0.05)
    factor = check_real(func, "factor", factor, example=0.5)
    if not 0.0 <= factor < 1.0:
        raise ValueError(
            f"{func}: factor is the radius of the inner circle relative to the outer one and "
            f"must be in [0, 1), got factor={factor!r}; pass a value such as factor=0.5"
        )
    rng = make_rng(seed, func)
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
    n_samples = check_count(func, "n_samples", n_samples, example=100)
    noise = _check_noise(func, noise, example=0.2)
    n_classes = check_count(func, "n_classes", n_classes, example=2, minimum=2)
    turns = check_real(func, "turns", turns, example=1.0)
    rng = make_rng(seed, func)
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
    n_samples = check_count(func, "n_samples", n_samples, example=100)
    noise = _check_noise(func, noise, example=0.1)
    rng = make_rng(seed, func)
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
    n_samples = check_count(func, "n_samples", n_samples, example=100)
    a = check_real(func, "a", a, example=2.0)
    b = check_real(func, "b", b, example=1.0)
    noise = _check_noise(func, noise, example=0.1)
    if isinstance(x_range, (str, bytes)) or not hasattr(x_range, "__len__") or len(x_range) != 2:
        raise TypeError(
            f"{func}: x_range must be a pair (low, high), got {x_range!r}; "
            "pass x_range=(-1.0, 1.0) or another interval"
        )
    low = check_real(func, "x_range[0]", x_range[0], example=-1.0)
    high = check_real(func, "x_range[1]", x_range[1], example=1.0)
    if not low < high:
        raise ValueError(
            f"{func}: x_range must be (low, high) with low < high, got {x_range!r}; "
            f"pass x_range=({min(low, high)}, {max(low, high) if low != high else low + 1.0})"
        )
    rng = make_rng(seed, func)
    x = rng.uniform(low, high, n_samples)
    y = a * x + b + noise * rng.standard_normal(n_samples)
    return x[:, None], y
