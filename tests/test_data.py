"""Tests for ag.data: toy data sets, splitting, mini-batches and the digits loader."""

from __future__ import annotations

import ast
import functools
import math
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_lite import data
from autograd_lite.data import (
    DataLoader,
    batches,
    load_digits,
    make_circles,
    make_line,
    make_moons,
    make_spirals,
    make_xor,
    train_test_split,
)

# (generator, number of classes); every generator takes n_samples, noise and seed.
CLASSIFIERS: list[tuple[Callable[..., tuple[np.ndarray, np.ndarray]], int]] = [
    (make_moons, 2),
    (make_circles, 2),
    (make_xor, 2),
    (make_spirals, 2),
    (functools.partial(make_spirals, n_classes=3), 3),
    (functools.partial(make_spirals, n_classes=5, turns=2.0), 5),
]
CLASSIFIER_IDS = ["moons", "circles", "xor", "spirals2", "spirals3", "spirals5"]


def expected_sizes(n: int, k: int) -> list[int]:
    """Hand rule, written independently of the module: the first n % k classes get one more."""
    return [math.ceil(n / k) if c < n % k else n // k for c in range(k)]


# ---------------------------------------------------------------------------
# Shapes, dtypes, balance, determinism
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(("make", "k"), CLASSIFIERS, ids=CLASSIFIER_IDS)
@pytest.mark.parametrize("n", [1, 2, 3, 7, 100, 101])
def test_shapes_dtypes_and_balance(make: Callable[..., Any], k: int, n: int) -> None:
    X, y = make(n_samples=n, seed=0)
    assert X.shape == (n, 2)
    assert y.shape == (n,)
    assert X.dtype == np.float64
    assert y.dtype == np.int64
    assert np.isfinite(X).all()
    assert np.bincount(y, minlength=k).tolist() == expected_sizes(n, k)


def test_expected_sizes_hand_values() -> None:
    assert expected_sizes(101, 2) == [51, 50]
    assert expected_sizes(7, 3) == [3, 2, 2]
    assert expected_sizes(1, 2) == [1, 0]


@pytest.mark.parametrize(("make", "k"), CLASSIFIERS, ids=CLASSIFIER_IDS)
def test_same_seed_same_data_other_seed_other_data(make: Callable[..., Any], k: int) -> None:
    X0, y0 = make(n_samples=60, seed=0)
    X0_again, y0_again = make(n_samples=60, seed=0)
    X1, y1 = make(n_samples=60, seed=1)
    np.testing.assert_array_equal(X0, X0_again)
    np.testing.assert_array_equal(y0, y0_again)
    assert not np.array_equal(X0, X1)
    assert not np.array_equal(y0, y1)  # a different shuffle, too


@pytest.mark.parametrize(("make", "k"), CLASSIFIERS, ids=CLASSIFIER_IDS)
def test_seed_none_draws_fresh_data(make: Callable[..., Any], k: int) -> None:
    X_a, _ = make(n_samples=50, seed=None)
    X_b, _ = make(n_samples=50, seed=None)
    assert not np.array_equal(X_a, X_b)


@pytest.mark.parametrize(("make", "k"), CLASSIFIERS, ids=CLASSIFIER_IDS)
def test_labels_are_shuffled(make: Callable[..., Any], k: int) -> None:
    _, y = make(n_samples=100, seed=0)
    assert (np.diff(y) < 0).any(), "labels come out sorted by class: not shuffled"


@pytest.mark.parametrize(("make", "k"), CLASSIFIERS, ids=CLASSIFIER_IDS)
def test_noise_scales_one_perturbation(make: Callable[..., Any], k: int) -> None:
    # The same seed draws the same noise directions; `noise` only scales them. This also
    # shows the noise is really applied (the difference is not zero).
    X0, _ = make(n_samples=40, noise=0.0, seed=3)
    X1, _ = make(n_samples=40, noise=0.01, seed=3)
    X2, _ = make(n_samples=40, noise=0.02, seed=3)
    assert np.abs(X1 - X0).max() > 0
    if make is make_moons or make is make_circles or make is make_xor:
        np.testing.assert_allclose(X2 - X0, 2.0 * (X1 - X0), atol=1e-12)


# ---------------------------------------------------------------------------
# Geometry
# ---------------------------------------------------------------------------


def test_moons_without_noise_lie_on_their_half_circles() -> None:
    X, y = make_moons(n_samples=101, noise=0.0, seed=0)
    upper = X[y == 0]
    np.testing.assert_allclose((upper**2).sum(axis=1), 1.0, atol=1e-12)
    assert (upper[:, 1] >= 0).all()
    lower = X[y == 1]
    np.testing.assert_allclose(((lower - [1.0, 0.5]) ** 2).sum(axis=1), 1.0, atol=1e-12)
    assert (lower[:, 1] <= 0.5).all()
    # The ends of each arc are present: t runs over the whole of [0, pi].
    assert upper[:, 0].min() == pytest.approx(-1.0)
    assert upper[:, 0].max() == pytest.approx(1.0)
    assert lower[:, 0].min() == pytest.approx(0.0)
    assert lower[:, 0].max() == pytest.approx(2.0)


def test_moons_with_noise_leave_the_circle() -> None:
    X, y = make_moons(n_samples=100, noise=0.1, seed=0)
    radii = np.sqrt((X[y == 0] ** 2).sum(axis=1))
    assert np.abs(radii - 1.0).max() > 0.05


@pytest.mark.parametrize("factor", [0.0, 0.3, 0.5, 0.9])
def test_circles_without_noise_have_radii_one_and_factor(factor: float) -> None:
    X, y = make_circles(n_samples=100, noise=0.0, factor=factor, seed=0)
    radii = np.sqrt((X**2).sum(axis=1))
    np.testing.assert_allclose(radii[y == 0], 1.0, atol=1e-12)
    np.testing.assert_allclose(radii[y == 1], factor, atol=1e-12)


def test_circles_points_are_evenly_spaced_and_distinct() -> None:
    X, y = make_circles(n_samples=8, noise=0.0, seed=0)
    angles = np.sort(np.arctan2(X[y == 0, 1], X[y == 0, 0]) % (2 * np.pi))
    np.testing.assert_allclose(np.diff(angles), 2 * np.pi / 4, atol=1e-12)


@pytest.mark.parametrize(("n_classes", "turns"), [(2, 1.0), (3, 1.0), (4, 2.5), (3, -1.0)])
def test_spiral_arms_are_rotations_of_arm_zero(n_classes: int, turns: float) -> None:
    m = 30
    X, y = make_spirals(m * n_classes, noise=0.0, n_classes=n_classes, turns=turns, seed=0)

    def by_radius(points: np.ndarray) -> np.ndarray:
        return points[np.argsort((points**2).sum(axis=1))]

    arm0 = by_radius(X[y == 0])
    for c in range(1, n_classes):
        phi = 2 * np.pi * c / n_classes
        rotation = np.array([[np.cos(phi), -np.sin(phi)], [np.sin(phi), np.cos(phi)]])
        np.testing.assert_allclose(by_radius(X[y == c]), arm0 @ rotation.T, atol=1e-12)
        # and the arms differ: the rotation is not the identity
        assert np.abs(by_radius(X[y == c]) - arm0).max() > 0.1


def test_spiral_arm_winds_the_requested_turns() -> None:
    X, y = make_spirals(200, noise=0.0, turns=1.5, seed=0)
    arm = X[y == 0]
    arm = arm[np.argsort((arm**2).sum(axis=1))]
    unwrapped = np.unwrap(np.arctan2(arm[:, 1], arm[:, 0]))
    assert (unwrapped[-1] - unwrapped[0]) / (2 * np.pi) == pytest.approx(1.5, abs=0.02)


def test_spirals_stay_in_unit_disc_with_angle_noise() -> None:
    X0, _ = make_spirals(300, noise=0.0, n_classes=3, seed=0)
    X, _ = make_spirals(300, noise=0.5, n_classes=3, seed=0)
    # angle noise turns points but keeps every radius
    np.testing.assert_allclose(np.sort((X**2).sum(axis=1)), np.sort((X0**2).sum(axis=1)))
    assert ((X**2).sum(axis=1) <= 1.0 + 1e-12).all()
    assert not np.allclose(X, X0)


def test_spirals_no_two_arms_share_the_origin() -> None:
    X, _ = make_spirals(100, noise=0.0, seed=0)
    assert np.sqrt((X**2).sum(axis=1)).min() > 0


def test_xor_without_noise_labels_by_quadrant() -> None:
    X, y = make_xor(n_samples=103, noise=0.0, seed=0)
    product = X[:, 0] * X[:, 1]
    assert (product != 0).all()
    np.testing.assert_array_equal(y, (product < 0).astype(np.int64))
    assert (np.abs(X) <= 1.0).all()
    quadrant_counts = [
        int(((X[:, 0] > 0) & (X[:, 1] > 0)).sum()),
        int(((X[:, 0] < 0) & (X[:, 1] < 0)).sum()),
        int(((X[:, 0] > 0) & (X[:, 1] < 0)).sum()),
        int(((X[:, 0] < 0) & (X[:, 1] > 0)).sum()),
    ]
    # 103 = 52 + 51; 52 = 26 + 26, 51 = 26 + 25
    assert quadrant_counts == [26, 26, 26, 25]


def test_line_without_noise_is_exact() -> None:
    X, y = make_line(n_samples=50, a=-3.0, b=0.5, noise=0.0, x_range=(2.0, 5.0), seed=0)
    assert X.shape == (50, 1)
    assert y.shape == (50,)
    assert X.dtype == np.float64
    assert y.dtype == np.float64
    np.testing.assert_array_equal(y, -3.0 * X[:, 0] + 0.5)
    assert (X >= 2.0).all()
    assert (X < 5.0).all()


def test_line_least_squares_recovers_slope_and_intercept() -> None:
    # Setting dL/da = dL/db = 0 for L = mean((a x + b - y)^2) gives the normal equations.
    X, y = make_line(n_samples=2000, a=2.0, b=1.0, noise=0.1, seed=0)
    design = np.column_stack([X[:, 0], np.ones(len(y))])
    a_hat, b_hat = np.linalg.solve(design.T @ design, design.T @ y)
    assert a_hat == pytest.approx(2.0, abs=0.02)
    assert b_hat == pytest.approx(1.0, abs=0.01)
    residual = y - (2.0 * X[:, 0] + 1.0)
    assert residual.std() == pytest.approx(0.1, rel=0.1)


def test_line_determinism() -> None:
    np.testing.assert_array_equal(make_line(seed=4)[1], make_line(seed=4)[1])
    assert not np.array_equal(make_line(seed=4)[1], make_line(seed=5)[1])


# ---------------------------------------------------------------------------
# train_test_split
# ---------------------------------------------------------------------------


def row_ids(n: int) -> tuple[np.ndarray, np.ndarray]:
    """X whose rows carry their index, so alignment and coverage can be checked."""
    ids = np.arange(n)
    return np.column_stack([ids, 10 * ids]).astype(np.float64), ids


@pytest.mark.parametrize(
    ("n", "test_size", "n_test"),
    [(100, 0.25, 25), (100, 0.07, 7), (100, 0.15, 15), (10, 0.25, 3), (10, 3, 3), (2, 1, 1)],
)
def test_split_sizes(n: int, test_size: float, n_test: int) -> None:
    X, y = row_ids(n)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=test_size, seed=0)
    assert len(X_test) == len(y_test) == n_test
    assert len(X_train) == len(y_train) == n - n_test


def test_split_is_a_permutation_and_keeps_rows_aligned() -> None:
    X, y = row_ids(57)
    X_train, X_test, y_train, y_test = train_test_split(X, y, seed=0)
    np.testing.assert_array_equal(np.sort(np.concatenate([y_train, y_test])), np.arange(57))
    np.testing.assert_array_equal(X_train[:, 0], y_train)
    np.testing.assert_array_equal(X_test[:, 1], 10 * y_test)
    assert not np.array_equal(y_train, np.sort(y_train)), "shuffle=True did not shuffle"


def test_split_three_arrays_and_lists() -> None:
    a = list(range(20))
    b = [[i, i] for i in range(20)]
    c = np.arange(20) * 2
    parts = train_test_split(a, b, c, test_size=5, seed=1)
    assert len(parts) == 6
    a_train, a_test, _b_train, b_test, c_train, _c_test = parts
    assert isinstance(a_train, np.ndarray)
    np.testing.assert_array_equal(b_test[:, 0], a_test)
    np.testing.assert_array_equal(c_train, 2 * a_train)


def test_split_without_shuffle_holds_out_the_last_rows() -> None:
    X, y = row_ids(10)
    _, _, y_train, y_test = train_test_split(X, y, test_size=0.3, shuffle=False)
    np.testing.assert_array_equal(y_train, np.arange(7))
    np.testing.assert_array_equal(y_test, np.arange(7, 10))


def test_split_determinism() -> None:
    X, y = row_ids(40)
    first = train_test_split(X, y, seed=3)
    again = train_test_split(X, y, seed=3)
    other = train_test_split(X, y, seed=4)
    for p, q in zip(first, again, strict=True):
        np.testing.assert_array_equal(p, q)
    assert not np.array_equal(first[3], other[3])


def test_stratify_keeps_class_proportions() -> None:
    y = np.array([0] * 60 + [1] * 30 + [2] * 10)
    X = np.arange(100)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, stratify=y, seed=0)
    assert np.bincount(y_test).tolist() == [12, 6, 2]
    assert np.bincount(y_train).tolist() == [48, 24, 8]
    np.testing.assert_array_equal(y[X_test], y_test)
    np.testing.assert_array_equal(np.sort(np.concatenate([X_train, X_test])), X)
    assert (np.diff(y_test) < 0).any(), "test rows come out grouped by class: not shuffled"


def test_stratify_can_fail_without_it() -> None:
    # The check above is not vacuous: an unstratified split of the same data misses the
    # exact proportions for some seed.
    y = np.array([0] * 60 + [1] * 30 + [2] * 10)
    counts = {
        tuple(np.bincount(train_test_split(y, test_size=0.2, seed=s)[1], minlength=3))
        for s in range(20)
    }
    assert counts != {(12, 6, 2)}


def test_stratify_with_string_labels() -> None:
    y = np.array(["cat"] * 9 + ["dog"] * 3)
    _, y_test = train_test_split(y, test_size=4, stratify=y, seed=0)
    assert sorted(y_test.tolist()) == ["cat", "cat", "cat", "dog"]


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_split_partitions_for_random_sizes(data: st.DataObject) -> None:
    n = data.draw(st.integers(2, 300), label="n")
    if data.draw(st.booleans(), label="count or fraction"):
        test_size: float = data.draw(st.integers(1, n - 1), label="test_size")
        n_test = int(test_size)
    else:
        # A decimal fraction per mille, so the expected count is exact integer arithmetic:
        # ceil(per_mille * n / 1000).
        per_mille = data.draw(st.integers(1, 999), label="per_mille")
        test_size = per_mille / 1000
        n_test = -(-per_mille * n // 1000)
        if n_test >= n:
            with pytest.raises(ValueError, match="leaves no training rows"):
                train_test_split(np.zeros(n), test_size=test_size)
            return
    n_classes = data.draw(st.integers(1, 5), label="n_classes")
    labels = np.array(data.draw(st.lists(st.integers(0, n_classes - 1), min_size=n, max_size=n)))
    stratify = labels if data.draw(st.booleans(), label="stratify") else None
    seed = data.draw(st.integers(0, 2**32), label="seed")
    X, ids = row_ids(n)
    _X_train, X_test, ids_train, ids_test = train_test_split(
        X, ids, test_size=test_size, seed=seed, stratify=stratify
    )
    assert len(ids_test) == n_test
    assert len(ids_train) == n - n_test
    np.testing.assert_array_equal(np.sort(np.concatenate([ids_train, ids_test])), ids)
    np.testing.assert_array_equal(X_test[:, 0], ids_test)
    if stratify is not None:
        for c in np.unique(labels):
            n_c = int((labels == c).sum())
            test_c = int((labels[ids_test] == c).sum())
            assert abs(test_c - n_test * n_c / n) < 1


# ---------------------------------------------------------------------------
# Mini-batches
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "batch_size"), [(100, 32), (96, 32), (5, 1), (3, 10)])
def test_batches_cover_every_row_once_per_epoch(n: int, batch_size: int) -> None:
    X, ids = row_ids(n)
    loader = batches(X, ids, batch_size=batch_size, seed=0)
    for _ in range(3):
        seen = []
        sizes = []
        for xb, yb in loader:
            np.testing.assert_array_equal(xb[:, 0], yb)
            seen.append(yb)
            sizes.append(len(yb))
        np.testing.assert_array_equal(np.sort(np.concatenate(seen)), ids)
        full, rest = divmod(n, batch_size)
        assert sizes == [batch_size] * full + ([rest] if rest else [])
        assert len(loader) == len(sizes)


def test_batches_new_permutation_each_epoch_and_deterministic_per_seed() -> None:
    X, ids = row_ids(50)

    def epochs(seed: int | None) -> list[np.ndarray]:
        loader = batches(X, ids, batch_size=50, seed=seed)
        return [next(iter(loader))[1] for _ in range(3)]

    first = epochs(0)
    assert not np.array_equal(first[0], first[1])
    assert not np.array_equal(first[1], first[2])
    for p, q in zip(first, epochs(0), strict=True):
        np.testing.assert_array_equal(p, q)
    assert not np.array_equal(first[0], epochs(1)[0])
    assert not np.array_equal(epochs(None)[0], epochs(None)[0])


def test_batches_without_shuffle_keep_the_order() -> None:
    X, ids = row_ids(10)
    out = [yb.tolist() for _, yb in batches(X, ids, batch_size=4, shuffle=False)]
    assert out == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]


def test_batches_drop_last() -> None:
    X, ids = row_ids(10)
    loader = batches(X, ids, batch_size=4, shuffle=False, drop_last=True)
    assert [yb.tolist() for _, yb in loader] == [[0, 1, 2, 3], [4, 5, 6, 7]]
    assert len(loader) == 2
    assert list(batches(X, ids, batch_size=11, drop_last=True)) == []


def test_dataloader_is_what_batches_returns() -> None:
    X, ids = row_ids(10)
    loader = batches(X, ids, 4, seed=0)
    assert isinstance(loader, DataLoader)
    assert "batch_size=4" in repr(loader)
    direct = DataLoader(X, ids, batch_size=4, seed=0)
    for (_, p), (_, q) in zip(loader, direct, strict=True):
        np.testing.assert_array_equal(p, q)


# ---------------------------------------------------------------------------
# Errors: each names the argument, the value and the fix
# ---------------------------------------------------------------------------

TWO = np.zeros((2, 2))

ERRORS: list[tuple[Callable[..., Any], dict[str, Any], type[Exception], str]] = [
    (make_moons, {"n_samples": 0}, ValueError, r"make_moons: n_samples must be at least 1, got 0"),
    (make_moons, {"n_samples": -5}, ValueError, r"n_samples.*got -5.*n_samples=100"),
    (make_moons, {"n_samples": 10.0}, TypeError, r"n_samples must be an int, got 10\.0 \(float\)"),
    (make_moons, {"n_samples": True}, TypeError, r"n_samples must be an int, got True"),
    (make_moons, {"n_samples": "100"}, TypeError, r"n_samples must be an int"),
    (make_moons, {"noise": -0.1}, ValueError, r"cannot be negative, got noise=-0\.1.*noise=0"),
    (make_moons, {"noise": float("nan")}, ValueError, r"noise must be finite, got nan"),
    (make_moons, {"noise": "lots"}, TypeError, r"noise must be a real number, got 'lots'"),
    (make_moons, {"seed": -1}, ValueError, r"seed must be >= 0, got seed=-1"),
    (
        make_moons,
        {"seed": 1.5},
        TypeError,
        r"seed must be an int, a np.random.Generator or None, got 1\.5 \(float\)",
    ),
    (make_circles, {"n_samples": 0}, ValueError, r"make_circles: n_samples"),
    (make_circles, {"noise": -1}, ValueError, r"make_circles: noise .* negative"),
    (make_circles, {"factor": 1.0}, ValueError, r"factor.*\[0, 1\), got factor=1\.0.*factor=0\.5"),
    (make_circles, {"factor": -0.2}, ValueError, r"got factor=-0\.2"),
    (make_spirals, {"n_samples": 0}, ValueError, r"make_spirals: n_samples"),
    (make_spirals, {"noise": -0.2}, ValueError, r"make_spirals: noise"),
    (make_spirals, {"n_classes": 1}, ValueError, r"n_classes must be at least 2, got 1"),
    (make_spirals, {"n_classes": 2.5}, TypeError, r"n_classes must be an int, got 2\.5"),
    (make_spirals, {"turns": float("inf")}, ValueError, r"turns must be finite, got inf"),
    (make_xor, {"n_samples": 0}, ValueError, r"make_xor: n_samples"),
    (make_xor, {"noise": -1.0}, ValueError, r"make_xor: noise"),
    (make_line, {"n_samples": 0}, ValueError, r"make_line: n_samples"),
    (make_line, {"noise": -1.0}, ValueError, r"make_line: noise"),
    (make_line, {"a": None}, TypeError, r"make_line: a must be a real number, got None"),
    (make_line, {"b": float("nan")}, ValueError, r"b must be finite"),
    (make_line, {"x_range": (1.0, 1.0)}, ValueError, r"low < high, got \(1\.0, 1\.0\)"),
    (make_line, {"x_range": (2.0, -2.0)}, ValueError, r"x_range=\(-2\.0, 2\.0\)"),
    (make_line, {"x_range": 5.0}, TypeError, r"x_range must be a pair \(low, high\), got 5\.0"),
    (make_line, {"x_range": (0, 1, 2)}, TypeError, r"x_range must be a pair"),
]


@pytest.mark.parametrize(("make", "kwargs", "error", "match"), ERRORS)
def test_generator_errors(
    make: Callable[..., Any], kwargs: dict[str, Any], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        make(**kwargs)


def test_split_error_mismatched_lengths_names_both() -> None:
    with pytest.raises(ValueError, match=r"arrays\[0\] has 10 rows but arrays\[1\] has 9"):
        train_test_split(np.zeros(10), np.zeros(9))


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"test_size": 0.0}, ValueError, r"strictly between 0 and 1, got test_size=0\.0"),
        ({"test_size": 1.0}, ValueError, r"got test_size=1\.0; pass test_size=0\.25"),
        ({"test_size": 1.5}, ValueError, r"test_size=1\.5"),
        ({"test_size": 0}, ValueError, r"test_size=0 rows out of 10 leaves no test rows"),
        ({"test_size": 10}, ValueError, r"leaves no training rows; pass a count from 1 to 9"),
        ({"test_size": -3}, ValueError, r"test_size=-3"),
        ({"test_size": "0.2"}, TypeError, r"test_size must be a fraction or an int count"),
        ({"test_size": True}, TypeError, r"got True"),
        ({"test_size": 0.95}, ValueError, r"rounds up to 10 test rows and leaves no training"),
        ({"seed": -2}, ValueError, r"train_test_split: seed must be >= 0"),
        ({"stratify": np.zeros(9)}, ValueError, r"one class label per row, shape \(10,\)"),
        ({"stratify": np.zeros((10, 2))}, ValueError, r"got shape \(10, 2\)"),
        (
            {"stratify": np.zeros(10), "shuffle": False},
            ValueError,
            r"stratify needs shuffle=True",
        ),
    ],
)
def test_split_errors(kwargs: dict[str, Any], error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        train_test_split(np.zeros(10), np.zeros(10), **kwargs)


def test_split_errors_without_arrays_or_rows() -> None:
    with pytest.raises(TypeError, match=r"no arrays given.*train_test_split\(X, y\)"):
        train_test_split()
    with pytest.raises(ValueError, match=r"1 row\(s\), but a split needs at least 2"):
        train_test_split(np.zeros(1))
    with pytest.raises(ValueError, match=r"arrays\[1\] is a single value \(3\.0\)"):
        train_test_split(np.zeros(5), 3.0)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"batch_size": 0}, ValueError, r"batch_size must be at least 1, got 0.*batch_size=32"),
        ({"batch_size": 2.0}, TypeError, r"batch_size must be an int, got 2\.0"),
        ({"seed": -1}, ValueError, r"DataLoader: seed must be >= 0"),
        ({"y": np.zeros(7)}, ValueError, r"X has 8 rows but y has 7"),
    ],
)
def test_batches_errors(kwargs: dict[str, Any], error: type[Exception], match: str) -> None:
    arguments: dict[str, Any] = {"X": np.zeros((8, 2)), "y": np.zeros(8), **kwargs}
    with pytest.raises(error, match=match):
        batches(**arguments)


def test_batches_errors_are_raised_at_the_call_not_at_the_first_batch() -> None:
    with pytest.raises(ValueError, match="batch_size"):
        batches(TWO, np.zeros(2), batch_size=0)  # no iteration needed


# ---------------------------------------------------------------------------
# load_digits and import hygiene
# ---------------------------------------------------------------------------


def test_load_digits() -> None:
    pytest.importorskip("sklearn")
    X, y = load_digits()
    assert X.shape == (1797, 64)
    assert y.shape == (1797,)
    assert X.dtype == np.float64
    assert y.dtype == np.int64
    assert X.min() == 0.0
    assert X.max() == 1.0
    assert np.unique(y).tolist() == list(range(10))
    # the scaling is p / 16 exactly: every pixel is a multiple of 1/16
    np.testing.assert_array_equal(X * 16, np.round(X * 16))


def test_load_digits_as_dict() -> None:
    pytest.importorskip("sklearn")
    bunch = load_digits(return_X_y=False)
    assert bunch["images"].shape == (1797, 8, 8)
    np.testing.assert_array_equal(bunch["images"].reshape(1797, 64), bunch["data"])
    assert bunch["target_names"].tolist() == list(range(10))


def test_load_digits_without_sklearn_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    # A None entry in sys.modules makes `import sklearn.datasets` raise ImportError.
    monkeypatch.setitem(sys.modules, "sklearn", None)
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    with pytest.raises(ImportError, match=r'pip install "autograd_lite\[digits\]"') as info:
        load_digits()
    assert isinstance(info.value.__cause__, ImportError)


def test_module_imports_only_numpy_and_the_standard_library() -> None:
    """Every file of `ag.data` imports NumPy, the standard library and the package only."""
    top_level: set[str] = set()
    for path in Path(data.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in tree.body:
            if isinstance(node, ast.Import):
                top_level.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                top_level.add(node.module.split(".")[0])
    allowed = set(sys.stdlib_module_names) | {"numpy", "__future__"}
    assert top_level <= allowed, top_level - allowed


def test_importing_data_does_not_load_sklearn() -> None:
    code = "import sys, autograd_lite.data; print('sklearn' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(data.__file__).parent.parent,
    )
    assert out.stdout.strip() == "False"


def test_a_dataloader_given_one_dataset_names_the_two_arrays_it_takes() -> None:
    X, y = make_moons(8, seed=0)
    with pytest.raises(TypeError, match=r"DataLoader\(X, y, batch_size=32\).*DataLoader\(\*data"):
        DataLoader((X, y), batch_size=4)  # type: ignore[arg-type]  # PyTorch's spelling
    assert len(DataLoader(*(X, y), batch_size=4)) == 2
