"""Fuzzing `ag.load`: damaged and hostile files give the saved model or a clear error.

Two kinds of input: random mutations of a valid file (bytes overwritten, cut, inserted),
and archives built from random members with random `.npy` headers (random names, shapes
up to 10^18 elements, dtypes of every kind, data of any length). Every outcome must be a
model equal to what the file holds, or a `ValueError` starting `load` that says what is
wrong in words; on error the model is unchanged, and no call allocates much more than the
model itself (traced with tracemalloc).
"""

from __future__ import annotations

import io
import tracemalloc
import warnings
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import autograd_lite as ag

SETTINGS = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
ALLOCATION_BOUND = 256 * 1024  # bytes: the model is 13 floats; zipfile's own state is small


def model(seed: int) -> ag.nn.Module:
    return ag.nn.MLP(2, [3], 1, seed=seed)


def saved_bytes(tmp: Path) -> bytes:
    ag.save(model(0), tmp / "valid.npz")
    return (tmp / "valid.npz").read_bytes()


def state(m: ag.nn.Module) -> dict[str, np.ndarray]:
    return m.state_dict()


def same(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> bool:
    return a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)


def load_traced(path: Path) -> tuple[ag.nn.Module, dict[str, np.ndarray], BaseException | None]:
    """Load into a fresh model under tracemalloc; check the bound; return what happened."""
    target = model(1)
    before = state(target)
    tracemalloc.start()
    try:
        ag.load(target, path)
        error = None
    except ValueError as raised:
        error = raised
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert peak < ALLOCATION_BOUND, f"load allocated {peak:,} bytes"
    event("refused" if error is not None else "loaded")
    if error is not None:
        message = str(error)
        assert message.startswith(("load: ", "load_state_dict: ")), message
        assert "allow_pickle" not in message
        assert "Traceback" not in message
        assert same(state(target), before), "a failed load changed the model"
    return target, before, error


mutation = st.one_of(
    st.tuples(st.just("overwrite"), st.integers(0, 10**6), st.binary(min_size=1, max_size=8)),
    st.tuples(st.just("cut"), st.integers(0, 10**6), st.just(b"")),
    st.tuples(st.just("insert"), st.integers(0, 10**6), st.binary(min_size=1, max_size=8)),
)


def mutate(data: bytes, steps: list[tuple[str, int, bytes]]) -> bytes:
    for kind, where, chunk in steps:
        i = where % (len(data) + 1)
        if kind == "overwrite":
            data = data[:i] + chunk + data[i + len(chunk) :]
        elif kind == "cut":
            data = data[:i]
        else:
            data = data[:i] + chunk + data[i:]
    return data


@SETTINGS
@given(steps=st.lists(mutation, min_size=1, max_size=4))
def test_a_mutated_file_loads_the_saved_model_or_fails_clearly(
    tmp_path: Path, steps: list[tuple[str, int, bytes]]
) -> None:
    path = tmp_path / "mutated.npz"
    path.write_bytes(mutate(saved_bytes(tmp_path), steps))
    target, _, error = load_traced(path)
    if error is None:
        assert same(state(target), state(model(0)))  # a harmless byte: the saved model


def npy(shape: Any, descr: Any, fortran: Any, version: int) -> bytes:
    """A `.npy` header as written by hand: any values, even nonsense ones."""
    text = f"{{'descr': {descr!r}, 'fortran_order': {fortran!r}, 'shape': {shape!r}, }}"
    size = 2 if version == 1 else 4
    text += " " * (-(len(text) + 9 + size) % 64) + "\n"
    length = len(text).to_bytes(size, "little")
    return b"\x93NUMPY" + bytes([version, 0]) + length + text.encode("latin1")


SHAPES = {"0.weight": (3, 2), "0.bias": (3,), "2.weight": (1, 3), "2.bias": (1,)}
# zipfile itself cuts a name at NUL (and fails on one that starts so), and stores names as
# UTF-8, which a lone surrogate (\ud800) is not: such names are not files anyone can write.
names = st.one_of(
    st.sampled_from(list(SHAPES)),
    st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=12),
)
shapes = st.one_of(
    st.sampled_from([*SHAPES.values(), (2, 3), ()]),
    st.lists(st.integers(-2, 10**6), max_size=3).map(tuple),
    st.just((10**9, 10**9)),
)
descrs = st.sampled_from(
    ["<f8", ">f8", "<f4", "<f2", "<i8", "|b1", "|u1", "<c16", "|O", "<U3", "|V8", "<f16", "?"]
)
members = st.tuples(
    names,
    shapes,
    descrs,
    st.booleans(),
    st.sampled_from([1, 2, 3]),
    st.one_of(st.none(), st.integers(0, 200)),  # data length: as declared (None), or any
)


def member(entry: Any, rng: np.random.Generator) -> tuple[bytes, np.ndarray | None]:
    """A member's bytes, and its array when it holds one of floats as declared."""
    _, shape, descr, fortran, version, length = entry
    header = npy(shape, descr, fortran, version)
    try:
        dtype = np.dtype(descr)
    except TypeError:
        return header + bytes(length or 0), None
    floats = dtype.kind == "f" and all(n >= 0 for n in shape) and np.prod(shape) <= 1000
    if length is None:
        if not floats:
            return header, None
        array = rng.normal(size=shape).astype(dtype)
        return header + array.tobytes(order="F" if fortran else "C"), array
    if floats and length == np.prod(shape) * dtype.itemsize:  # zeros, as declared
        return header + bytes(length), np.zeros(shape, dtype)
    return header + bytes(length), None


def build_archive(changes: list[tuple[int, Any]]) -> tuple[bytes, dict[str, np.ndarray]]:
    """A valid archive with members replaced or added at random; what a load must give.

    Each change is (slot, member): slots 0-3 replace a parameter's member, higher ones
    add a member.
    """
    rng = np.random.default_rng(0)
    valid = [(key, shape, "<f8", False, 1, None) for key, shape in SHAPES.items()]
    entries: list[Any] = list(valid)
    for slot, entry in changes:
        if slot < len(valid):
            entries[slot] = entry
        else:
            entries.append(entry)
    buffer = io.BytesIO()
    expected: dict[str, np.ndarray] = {}
    with zipfile.ZipFile(buffer, "w") as archive, warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # a duplicate name is a case to try
        for entry in entries:
            content, array = member(entry, rng)
            if array is not None:
                expected[entry[0]] = array
            archive.writestr(f"{entry[0]}.npy", content)
    return buffer.getvalue(), expected


@SETTINGS
@given(changes=st.lists(st.tuples(st.integers(0, 5), members), max_size=4))
def test_an_archive_of_random_members_loads_what_it_holds_or_fails_clearly(
    tmp_path: Path, changes: list[Any]
) -> None:
    content, expected = build_archive(changes)
    path = tmp_path / "random.npz"
    path.write_bytes(content)
    target, _, error = load_traced(path)
    if error is None:
        loaded = state(target)
        assert loaded.keys() == expected.keys()
        for key, array in expected.items():
            np.testing.assert_array_equal(loaded[key], array.astype(np.float64))


@SETTINGS
@given(header=st.binary(max_size=300), version=st.sampled_from([0, 1, 2, 3, 255]))
def test_random_header_bytes_are_refused_in_words(
    tmp_path: Path, header: bytes, version: int
) -> None:
    path = tmp_path / "header.npz"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("0.weight.npy", b"\x93NUMPY" + bytes([version, 0]) + header)
    _, _, error = load_traced(path)
    assert error is not None
