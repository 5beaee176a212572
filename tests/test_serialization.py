"""ag.save / ag.load: .npz without pickle, atomic writes, validation before loading."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import tracemalloc
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite import serialization


def same_parameters(a: ag.nn.Module, b: ag.nn.Module) -> bool:
    sa, sb = a.state_dict(), b.state_dict()
    return sa.keys() == sb.keys() and all(np.array_equal(sa[k], sb[k]) for k in sa)


def test_round_trip_of_tensor_and_value_models(tmp_path: Path) -> None:
    for make in (
        lambda s: ag.nn.MLP(2, [8, 4], 3, seed=s),
        lambda s: ag.nn.ValueMLP(2, [3, 1], seed=s),
    ):
        model, other = make(0), make(1)
        path = tmp_path / "model.npz"
        ag.save(model, path)
        assert not same_parameters(model, other)
        assert ag.load(other, path) is other
        assert same_parameters(model, other)


def test_the_file_is_a_plain_npz_readable_without_pickle(tmp_path: Path) -> None:
    model = ag.nn.Linear(3, 2, seed=0)
    path = tmp_path / "linear"  # written exactly as named: no .npz appended
    ag.save(model, str(path))
    assert os.listdir(tmp_path) == ["linear"]
    with np.load(path, allow_pickle=False) as archive:
        assert sorted(archive.files) == ["bias", "weight"]
        np.testing.assert_array_equal(archive["weight"], model.weight.data)


def test_a_state_dict_can_be_saved_and_any_name_works(tmp_path: Path) -> None:
    path = tmp_path / "state.npz"
    ag.save({"file": np.ones(2), "allow_pickle": np.zeros(1)}, path)
    assert serialization.read_state_dict(path).keys() == {"file", "allow_pickle"}
    with pytest.raises(TypeError, match="'name' holds dtype <U3; only arrays of numbers"):
        ag.save({"name": np.array("abc")}, path)


def test_an_interrupted_write_leaves_the_old_file_intact(tmp_path: Path, monkeypatch: Any) -> None:
    path = tmp_path / "model.npz"
    old = ag.nn.MLP(2, [4], 1, seed=0)
    ag.save(old, path)
    before = path.read_bytes()

    def write_half_then_fail(file: Any, state: Any) -> None:
        file.write(b"PK\x03\x04 half an archive")
        raise KeyboardInterrupt  # Ctrl-C in the middle of the write

    monkeypatch.setattr(serialization, "_write", write_half_then_fail)
    with pytest.raises(KeyboardInterrupt):
        ag.save(ag.nn.MLP(2, [4], 1, seed=1), path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["model.npz"]  # the temporary file is gone
    assert same_parameters(ag.load(ag.nn.MLP(2, [4], 1, seed=2), path), old)


def test_a_failed_rename_leaves_the_old_file_intact(tmp_path: Path, monkeypatch: Any) -> None:
    path = tmp_path / "model.npz"
    ag.save(ag.nn.Linear(2, 1, seed=0), path)
    before = path.read_bytes()

    def refuse(src: Any, dst: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(serialization.os, "replace", refuse)
    with pytest.raises(OSError, match="disk full"):
        ag.save(ag.nn.Linear(2, 1, seed=1), path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["model.npz"]


def test_a_mismatched_load_names_key_shapes_and_file_and_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "wide.npz"
    ag.save(ag.nn.MLP(2, [8], 1, seed=0), path)
    model = ag.nn.MLP(2, [4], 1, seed=1)
    before = model.state_dict()
    with pytest.raises(ValueError, match="nothing was changed") as info:
        ag.load(model, path)
    message = str(info.value)
    assert "'0.weight': shape (8, 2) given, but the model's parameter has shape (4, 2)" in message
    assert str(path) in message
    assert all(np.array_equal(model.state_dict()[k], v) for k, v in before.items())


def test_loading_refuses_missing_foreign_and_pickled_files(tmp_path: Path) -> None:
    model = ag.nn.Linear(2, 1, seed=0)
    with pytest.raises(FileNotFoundError, match="no file"):
        ag.load(model, tmp_path / "absent.npz")
    text = tmp_path / "notes.txt"
    text.write_text("not an archive")
    with pytest.raises(ValueError, match=r"is not a readable \.npz archive"):
        ag.load(model, text)
    single = tmp_path / "single.npy"
    np.save(single, np.zeros(3))
    with pytest.raises(ValueError, match=r"single \.npy array, not an \.npz archive"):
        ag.load(model, single)
    pickled = tmp_path / "pickled.npz"
    np.savez(pickled, weight=np.array([{"evil": 1}], dtype=object))
    with pytest.raises(ValueError, match=r"not a readable \.npz archive"):
        ag.load(model, pickled)


def test_saving_needs_an_existing_folder_and_a_module(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="does not exist"):
        ag.save(ag.nn.Linear(1, 1), tmp_path / "missing" / "model.npz")
    with pytest.raises(TypeError, match="expected a Module or a dict"):
        ag.save([1, 2], tmp_path / "x.npz")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="expected the Module to load into"):
        ag.load(tmp_path / "x.npz", tmp_path / "x.npz")  # type: ignore[type-var]


# ---------------------------------------------------------------- issue 13: files


def npy_header(shape: Any, descr: str = "<f8", fortran: bool = False) -> bytes:
    """A version 1.0 `.npy` header declaring `shape` and `descr`, written by hand."""
    text = f"{{'descr': {descr!r}, 'fortran_order': {fortran!r}, 'shape': {shape!r}, }}"
    text += " " * (-(len(text) + 11) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + len(text).to_bytes(2, "little") + text.encode("latin1")


def write_archive(path: Path, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)


def traced_peak(action: Any) -> tuple[BaseException | None, int]:
    """Run `action()`; return what it raised and the peak of Python allocations, in bytes."""
    tracemalloc.start()
    try:
        action()
        error = None
    except (ValueError, FileNotFoundError) as raised:
        error = raised
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return error, peak


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_a_saved_file_and_a_picture_follow_the_umask(tmp_path: Path, umask: int) -> None:
    old = os.umask(umask)
    try:
        ag.save(ag.nn.Linear(2, 1, seed=0), tmp_path / "model.npz")
        x = ag.Value(2.0, label="x")
        ag.viz.save(x * x, tmp_path / "graph.dot")
    finally:
        os.umask(old)
    for name in ("model.npz", "graph.dot"):
        assert stat.S_IMODE(os.stat(tmp_path / name).st_mode) == 0o666 & ~umask


def test_a_save_removes_the_stale_temporaries_of_its_target_only(tmp_path: Path) -> None:
    stale = [tmp_path / ".model.npz.0a1b2c3d.tmp", tmp_path / ".model.npz.k2_x9q0a.tmp"]
    others = [tmp_path / ".other.npz.0a1b2c3d.tmp", tmp_path / ".model.npz.notes"]
    for path in stale + others:
        path.write_bytes(b"PK half an archive")
    ag.save(ag.nn.Linear(2, 1, seed=0), tmp_path / "model.npz")
    assert sorted(os.listdir(tmp_path)) == sorted(["model.npz", *(p.name for p in others)])


@pytest.mark.skipif(os.name != "posix", reason="flock")
def test_a_save_keeps_a_temporary_that_a_running_save_holds(tmp_path: Path) -> None:
    import fcntl

    busy = tmp_path / ".model.npz.0a1b2c3d.tmp"
    with open(busy, "wb") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        ag.save(ag.nn.Linear(2, 1, seed=0), tmp_path / "model.npz")
        assert busy.exists()


SAVE_THEN_HANG = """
import sys, time
import autograd_lite as ag
from autograd_lite import serialization

def write_half_then_hang(file, state):
    file.write(b"PK" + bytes(100_000))
    file.flush()
    print("writing", flush=True)
    time.sleep(60)

serialization._write = write_half_then_hang
ag.save(ag.nn.Linear(2, 1, seed=0), sys.argv[1])
"""


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
def test_the_temporary_of_a_killed_save_is_removed_by_the_next_save(tmp_path: Path) -> None:
    path = tmp_path / "model.npz"
    ag.save(ag.nn.Linear(2, 1, seed=1), path)
    before = path.read_bytes()
    child = subprocess.Popen(
        [sys.executable, "-c", SAVE_THEN_HANG, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline() == "writing\n"
        assert len(os.listdir(tmp_path)) == 2  # the target and the half-written temporary
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(10)
        child.stdout.close()  # type: ignore[union-attr]
    assert path.read_bytes() == before  # the kill left the old file whole...
    ag.save(ag.nn.Linear(2, 1, seed=2), path)
    assert os.listdir(tmp_path) == ["model.npz"]  # ...and the next save cleaned up


def test_keys_with_nul_or_longer_than_a_zip_name_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "state.npz"
    with pytest.raises(ValueError, match="contains a NUL character"):
        ag.save({"w\0": np.ones(1)}, path)
    with pytest.raises(ValueError, match=r"65,536 bytes long .* at most 65,535 bytes"):
        ag.save({"é" * 32_766: np.ones(1)}, path)  # 65,532 bytes, + ".npy"
    longest = "k" * (65_535 - len(".npy"))
    ag.save({longest: np.arange(3.0)}, path)
    np.testing.assert_array_equal(serialization.read_state_dict(path)[longest], np.arange(3.0))


def test_a_member_declaring_a_huge_array_is_refused_before_reading(tmp_path: Path) -> None:
    # The case: a small file whose member declares a gigabyte.
    path = tmp_path / "huge.npz"
    write_archive(
        path,
        {
            "weight.npy": npy_header((1, 2)) + bytes(16),
            "bias.npy": npy_header((1,)) + bytes(8),
            "extra.npy": npy_header((125_000_000,)) + bytes(100_000),
        },
    )
    model = ag.nn.Linear(2, 1, seed=0)
    before = model.state_dict()
    error, peak = traced_peak(lambda: ag.load(model, path))
    assert "'extra' declares shape (125000000,) of float64 (1,000,000,000 bytes)" in str(error)
    assert peak < 200_000
    shape = tmp_path / "shape.npz"  # a shape of 10^12: refused, never a MemoryError
    write_archive(shape, {"weight.npy": npy_header((10**6, 10**6)), "bias.npy": b""})
    error, peak = traced_peak(lambda: ag.load(model, shape))
    assert isinstance(error, ValueError)
    assert "declares shape (1000000, 1000000)" in str(error)
    assert all(np.array_equal(model.state_dict()[k], v) for k, v in before.items())


def test_unexpected_and_misshapen_members_are_refused_from_their_headers(tmp_path: Path) -> None:
    # Well-formed members of a megabyte each: refused from their headers, not read.
    path = tmp_path / "extra.npz"
    write_archive(
        path,
        {
            "weight.npy": npy_header((1, 2)) + bytes(16),
            "bias.npy": npy_header((125_000,)) + bytes(1_000_000),
            "extra.npy": npy_header((125_000,)) + bytes(1_000_000),
        },
    )
    model = ag.nn.Linear(2, 1, seed=0)
    error, peak = traced_peak(lambda: ag.load(model, path))
    message = str(error)
    assert "unexpected key(s): 'extra'" in message
    assert "'bias': shape (125000,) given, but the model's parameter has shape (1,)" in message
    assert "nothing was changed" in message
    assert str(path) in message
    assert peak < 200_000
    write_archive(
        path,
        {
            "weight.npy": npy_header((1, 2)) + bytes(16),
            "bias.npy": npy_header((1,)) + bytes(8),
            "extra.npy": npy_header((125_000,)) + bytes(1_000_000),
        },
    )
    error, peak = traced_peak(lambda: ag.load(model, path, strict=False))
    assert error is None
    assert peak < 200_000
    assert model.weight.data.tolist() == [[0.0, 0.0]]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"hello, not an archive", "it is not a zip archive"),
        (b"", "it is not a zip archive"),
        (b"\x93NUMPY\x01\x00" + (20_000).to_bytes(2, "little") + b" " * 20_000, None),
    ],
)
def test_non_npz_input_never_gives_numpys_pickle_advice(
    tmp_path: Path, content: bytes, reason: str | None
) -> None:
    path = tmp_path / "input.npz"
    path.write_bytes(content)
    with pytest.raises(ValueError, match="load: ") as info:
        ag.load(ag.nn.Linear(2, 1), path)
    message = str(info.value)
    assert "pickle" not in message
    assert reason is None or reason in message
    header = tmp_path / "header.npz"  # a header too long for NumPy's safe reader
    write_archive(header, {"weight.npy": content, "bias.npy": npy_header((1,)) + bytes(8)})
    with pytest.raises(ValueError, match=r"has no valid \.npy header") as info:
        ag.load(ag.nn.Linear(2, 1), header)
    assert "allow_pickle" not in str(info.value)


@pytest.mark.parametrize(
    ("descr", "said"),
    [("|O", "pickled objects"), ("<U3", "<U3"), ("|V8", "|V8"), ("<c16", "complex128")],
)
def test_members_that_are_not_real_numbers_are_refused(
    tmp_path: Path, descr: str, said: str
) -> None:
    path = tmp_path / "odd.npz"
    size = np.dtype(descr).itemsize * 2
    write_archive(
        path,
        {
            "weight.npy": npy_header((1, 2), descr) + bytes(size),
            "bias.npy": npy_header((1,)) + bytes(8),
        },
    )
    with pytest.raises(ValueError, match=r"not a readable \.npz archive") as info:
        ag.load(ag.nn.Linear(2, 1), path)
    assert f"holds {said}, not real numbers" in str(info.value)


def test_metadata_is_read_from_its_header_first_and_never_counts_as_a_parameter(
    tmp_path: Path,
) -> None:
    path = tmp_path / "with_metadata.npz"
    model = ag.nn.Linear(2, 1, seed=0)
    ag.save(model, path, metadata={"format": "test", "sizes": [2, 1]})
    assert serialization.read_metadata(path) == {"format": "test", "sizes": [2, 1]}
    ag.load(ag.nn.Linear(2, 1, seed=1), path)  # strict: the metadata is no parameter
    assert "__metadata__" not in serialization.read_state_dict(path)
    huge = tmp_path / "huge_metadata.npz"
    write_archive(huge, {"__metadata__.npy": npy_header((10**9,), "|u1") + bytes(10)})
    error, peak = traced_peak(lambda: serialization.read_metadata(huge))
    assert "declares shape (1000000000,)" in str(error)
    assert peak < 200_000
    floats = tmp_path / "float_metadata.npz"
    write_archive(floats, {"__metadata__.npy": npy_header((2,)) + bytes(16)})
    with pytest.raises(ValueError, match="its metadata is 16 bytes of float64"):
        serialization.read_metadata(floats)
