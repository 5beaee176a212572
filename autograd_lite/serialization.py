"""Saving and loading a model's parameters: `ag.save(model, path)`, `ag.load(model, path)`.

The file is a NumPy `.npz` archive holding one array per parameter, under the names of
`model.state_dict()`; it contains no pickled objects, so loading a file from elsewhere runs
no code. The file holds numbers only, not the model's class: load into a model built the
same way (`ag.load(ag.nn.MLP(2, [16, 16], 2), "moons.npz")`).

Writing is atomic: the archive goes to a temporary file in the same folder, is flushed to
disk (`fsync`), then renamed over the target with `os.replace`. A save interrupted at any
point leaves either the old file or the new one, never half of one. Loading reads every
array first and checks every key, shape and dtype before it changes any parameter.

Example:
    >>> import os, tempfile
    >>> import autograd_lite as ag
    >>> model = ag.nn.Linear(2, 1, seed=0)
    >>> path = os.path.join(tempfile.mkdtemp(), "linear.npz")
    >>> ag.save(model, path)
    >>> copy = ag.load(ag.nn.Linear(2, 1, seed=1), path)
    >>> bool((copy.weight.data == model.weight.data).all())
    True
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from collections.abc import Mapping
from typing import Any, TypeVar

import numpy as np

from .nn.module import Module
from .tensor import Tensor
from .value import Value

M = TypeVar("M", bound=Module)
PathLike = str | os.PathLike[str]

METADATA_KEY = "__metadata__"
"""The archive member holding `save`'s `metadata`, as UTF-8 JSON bytes (never pickle)."""


def save(
    model: Module | Mapping[str, Any], path: PathLike, metadata: Mapping[str, Any] | None = None
) -> None:
    """Write `model.state_dict()` to `path` as an `.npz` archive, atomically.

    Args:
        model: a Module, or a state dict (name -> array) to write as it is.
        path: the file to write, exactly as given (no `.npz` is appended). Its folder must
            exist. An existing file is replaced only once the new one is complete.
        metadata: optional facts about the model (numbers, strings, lists: anything JSON
            holds), such as how to rebuild it; read back with `read_metadata`. Stored as
            JSON text, so loading it runs no code.

    Raises:
        TypeError: `model` is neither a Module nor a dict of arrays.
        FileNotFoundError: the folder does not exist.
        OSError: the disk refused the write; the old file, if any, is left as it was.
    """
    if isinstance(model, Module):
        state = model.state_dict()
    elif isinstance(model, Mapping):
        state = {}
        for key, value in model.items():
            array = np.asarray(value.data if isinstance(value, (Tensor, Value)) else value)
            if array.dtype.kind not in "biuf":
                raise TypeError(
                    f"save: {key!r} holds dtype {array.dtype}; only arrays of numbers are "
                    "saved (the file never holds pickled objects)"
                )
            state[str(key)] = array
    else:
        raise TypeError(
            f"save: expected a Module or a dict of arrays, got {type(model).__name__}; "
            "call ag.save(model, path)"
        )
    if metadata is not None:
        if METADATA_KEY in state:
            raise ValueError(f"save: {METADATA_KEY!r} is reserved for the metadata")
        try:
            text = json.dumps(dict(metadata), sort_keys=True)
        except TypeError as error:
            raise TypeError(
                f"save: metadata must be JSON-like (numbers, str, lists): {error}"
            ) from None
        state[METADATA_KEY] = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    target = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(target))
    if not os.path.isdir(folder):
        raise FileNotFoundError(
            f"save: the folder {folder!r} does not exist; create it first, or pick another path"
        )
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(target)}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as file:
            _write(file, state)
            file.flush()
            os.fsync(file.fileno())
        os.replace(tmp, target)
    except BaseException:
        # Whatever stopped the save (a full disk, Ctrl-C), the target was not touched.
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    _sync_folder(folder)


def _write(file: Any, state: Mapping[str, np.ndarray]) -> None:
    """Write the arrays to an open file as an .npz archive: a zip of `.npy` files, no pickle.

    This is what `np.savez` writes, done by hand so that any parameter name works (even
    `file`, which `np.savez` would take as its own argument).
    """
    with zipfile.ZipFile(file, "w", zipfile.ZIP_STORED) as archive:
        for name, array in state.items():
            with archive.open(f"{name}.npy", "w", force_zip64=True) as member:
                np.lib.format.write_array(member, np.asanyarray(array), allow_pickle=False)


def _sync_folder(folder: str) -> None:
    """Flush the folder entry, so the rename itself survives a power cut (POSIX only)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # Windows cannot open a folder; its rename is durable enough
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def read_state_dict(path: PathLike) -> dict[str, np.ndarray]:
    """Read the arrays of an `.npz` file written by `save`, without pickle.

    Raises:
        FileNotFoundError: no such file.
        ValueError: the file is not an `.npz` archive, or holds pickled objects.
    """
    source = os.fspath(path)
    unreadable = (ValueError, OSError, zipfile.BadZipFile, EOFError)
    try:
        archive = np.load(source, allow_pickle=False)
    except FileNotFoundError:
        raise FileNotFoundError(f"load: no file {source!r}") from None
    except unreadable as error:
        raise _unreadable(source, error) from None
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise ValueError(
            f"load: {source!r} is a single .npy array, not an .npz archive of named "
            "parameters written by ag.save"
        )
    try:
        with archive:  # arrays are read here, one by one: a pickled one is refused here
            arrays = {name: archive[name] for name in archive.files}
    except unreadable as error:
        raise _unreadable(source, error) from None
    arrays.pop(METADATA_KEY, None)
    return arrays


def read_metadata(path: PathLike) -> dict[str, Any]:
    """The `metadata` that `save` wrote into `path` ({} if there is none).

    Raises:
        FileNotFoundError: no such file.
        ValueError: not an `.npz` archive, or metadata that is not valid JSON.
    """
    source = os.fspath(path)
    try:
        archive = np.load(source, allow_pickle=False)
    except FileNotFoundError:
        raise FileNotFoundError(f"load: no file {source!r}") from None
    except (ValueError, OSError, zipfile.BadZipFile, EOFError) as error:
        raise _unreadable(source, error) from None
    if not isinstance(archive, np.lib.npyio.NpzFile):
        return {}
    with archive:
        if METADATA_KEY not in archive.files:
            return {}
        raw = archive[METADATA_KEY]
    try:
        found = json.loads(raw.astype(np.uint8).tobytes().decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise ValueError(f"load: the metadata of {source!r} is not valid JSON ({error})") from None
    return found if isinstance(found, dict) else {}


def _unreadable(source: str, error: BaseException) -> ValueError:
    return ValueError(
        f"load: {source!r} is not a readable .npz archive of parameters ({error}); "
        "was it written by ag.save, and completely?"
    )


def load(model: M, path: PathLike, strict: bool = True) -> M:
    """Load the parameters saved in `path` into `model`, checking everything first.

    Args:
        model: a Module built the same way as the one saved.
        path: an `.npz` file written by `save`.
        strict: require the file's names to match the model's exactly (see
            `Module.load_state_dict`).

    Returns:
        `model`, with the loaded parameters.

    Raises:
        FileNotFoundError: no such file.
        ValueError: not an `.npz` archive, or a missing/unexpected key, a shape or a dtype
            that does not match (every problem listed); the model is then unchanged.
    """
    if not isinstance(model, Module):
        raise TypeError(
            f"load: expected the Module to load into, got {type(model).__name__}; call "
            "ag.load(model, path) with a model built like the saved one"
        )
    state = read_state_dict(path)
    try:
        model.load_state_dict(state, strict=strict)
    except ValueError as error:
        raise ValueError(f"{error}\n(reading {os.fspath(path)!r})") from None
    return model


__all__ = ["load", "read_metadata", "read_state_dict", "save"]
