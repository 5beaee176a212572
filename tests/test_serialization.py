"""ag.save / ag.load: .npz without pickle, atomic writes, validation before loading."""

from __future__ import annotations

import os
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
