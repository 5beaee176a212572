"""Saving and loading a model's parameters: `ag.save(model, path)`, `ag.load(model, path)`.

The file is a NumPy `.npz` archive holding one array per parameter, under the names of
`model.state_dict()`; it contains no pickled objects, so loading a file from elsewhere runs
no code. The file holds numbers only, not the model's class: load into a model built the
same way (`ag.load(ag.nn.MLP(2, [16, 16], 2), "moons.npz")`).

Writing is atomic: the archive goes to a temporary file in the same folder, is flushed to
disk (`fsync`), then renamed over the target with `os.replace`. A save interrupted at any
point leaves either the old file or the new one, never half of one. Loading reads each
member's `.npy` header first and checks every key, shape and dtype against the model
before it reads any array data, let alone changes a parameter. Optional `metadata`
(how to rebuild the model) is stored as JSON text in one more member.

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
import math
import os
import zipfile
from collections.abc import Mapping
from typing import Any, TypeVar

import numpy as np

from .atomic import atomic_write
from .nn.module import Module
from .tensor import Tensor
from .value import Value

M = TypeVar("M", bound=Module)
PathLike = str | os.PathLike[str]
_CHUNK = 1 << 20
MAX_NAME_BYTES = 65_535  # a zip archive stores a member's name length in 16 bits
METADATA_KEY = "__metadata__"
"""The archive member holding `save`'s `metadata`, as UTF-8 JSON bytes (never pickle)."""
MAX_METADATA_BYTES = 1_000_000
"""The largest metadata `read_metadata` reads: facts about a model, not data."""


def save(
    model: Module | Mapping[str, Any], path: PathLike, metadata: Mapping[str, Any] | None = None
) -> None:
    """Write `model.state_dict()` to `path` as an `.npz` archive, atomically.

    The file's permissions follow the umask. Temporaries left behind by a save that was
    killed outright (SIGKILL, a power cut) are removed by the next save of the same file.

    Args:
        model: a Module, or a state dict (name -> array) to write as it is.
        path: the file to write, exactly as given (no `.npz` is appended). Its folder must
            exist. An existing file is replaced only once the new one is complete.
        metadata: optional facts about the model (numbers, strings, lists: anything JSON
            holds), such as how to rebuild it; read back with `read_metadata`. Stored as
            JSON text, so loading it runs no code.

    Raises:
        TypeError: `model` is neither a Module nor a dict of arrays.
        ValueError: a parameter name holds a NUL character or is longer than a zip
            archive's names (65,535 bytes with its `.npy` suffix).
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
    for key in state:
        _check_key(key)
    with atomic_write(path) as file:
        _write(file, state)


def _check_key(key: str) -> None:
    """Refuse a name that the zip archive would cut or cannot hold."""
    if "\0" in key:
        raise ValueError(
            f"save: the parameter name {key!r} contains a NUL character, which a zip archive "
            "cuts the name at; rename the parameter"
        )
    try:
        size = len(f"{key}.npy".encode())
    except UnicodeEncodeError:
        raise ValueError(
            f"save: the parameter name {key!r} cannot be written as UTF-8 (it holds a lone "
            "surrogate); rename the parameter"
        ) from None
    if size > MAX_NAME_BYTES:
        raise ValueError(
            f"save: the parameter name {key[:40]!r}... is {size:,} bytes long with its .npy "
            f"suffix; a zip archive holds names of at most {MAX_NAME_BYTES:,} bytes, so "
            "shorten it"
        )


def _write(file: Any, state: Mapping[str, np.ndarray]) -> None:
    """Write the arrays to an open file as an .npz archive: a zip of `.npy` files, no pickle.

    This is what `np.savez` writes, done by hand so that any parameter name works (even
    `file`, which `np.savez` would take as its own argument).
    """
    with zipfile.ZipFile(file, "w", zipfile.ZIP_STORED) as archive:
        for name, array in state.items():
            with archive.open(f"{name}.npy", "w", force_zip64=True) as member:
                np.lib.format.write_array(member, np.asanyarray(array), allow_pickle=False)


class _Member:
    """One `.npy` member of an archive, as its header declares it (no data read yet)."""

    def __init__(
        self,
        info: zipfile.ZipInfo,
        shape: tuple[int, ...],
        fortran: bool,
        dtype: np.dtype,
        offset: int,
    ) -> None:
        self.info = info
        self.shape = shape
        self.fortran = fortran
        self.dtype = dtype
        self.offset = offset  # where the data starts: the size of magic and header
        self.nbytes = math.prod(shape) * dtype.itemsize


def read_state_dict(path: PathLike) -> dict[str, np.ndarray]:
    """Read the arrays of an `.npz` file written by `save`, without pickle.

    Every member's header is checked before any array is read: a member that is not a
    `.npy` array of numbers, or whose declared size does not match its length in the
    archive, is refused. Reading allocates the arrays the headers declare: to load a
    file from elsewhere into a model, use `load`, which checks the declared shapes
    against the model first.

    Raises:
        FileNotFoundError: no such file.
        ValueError: the file is not an `.npz` archive of arrays of numbers.
    """
    source = os.fspath(path)
    with _open_archive(source) as archive:
        members = _members(archive, source)
        members.pop(METADATA_KEY, None)
        return {key: _read(archive, member, source) for key, member in members.items()}


def read_metadata(path: PathLike) -> dict[str, Any]:
    """The `metadata` that `save` wrote into `path` ({} if there is none).

    Checked as `load` checks: the archive's headers first, no pickle, and at most
    `MAX_METADATA_BYTES` read.

    Raises:
        FileNotFoundError: no such file.
        ValueError: not an `.npz` archive, or metadata that is not valid JSON or is
            larger than `MAX_METADATA_BYTES`.
    """
    source = os.fspath(path)
    with _open_archive(source) as archive:
        member = _members(archive, source).get(METADATA_KEY)
        if member is None:
            return {}
        if member.nbytes > MAX_METADATA_BYTES or member.dtype != np.uint8:
            raise _unreadable(
                source,
                f"its metadata is {member.nbytes:,} bytes of {member.dtype}; ag.save writes "
                f"at most {MAX_METADATA_BYTES:,} bytes of JSON text",
            )
        raw = _read(archive, member, source)
    try:
        found = json.loads(raw.tobytes().decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise ValueError(f"load: the metadata of {source!r} is not valid JSON ({error})") from None
    return found if isinstance(found, dict) else {}


def _open_archive(source: str) -> zipfile.ZipFile:
    """The zip archive at `source`, or an error in words (never NumPy's pickle advice)."""
    try:
        with open(source, "rb") as file:
            start = file.read(len(np.lib.format.MAGIC_PREFIX))
    except FileNotFoundError:
        raise FileNotFoundError(f"load: no file {source!r}") from None
    except IsADirectoryError:
        raise ValueError(f"load: {source!r} is a folder; give the .npz file in it") from None
    if start == np.lib.format.MAGIC_PREFIX:
        raise ValueError(
            f"load: {source!r} is a single .npy array, not an .npz archive of named "
            "parameters written by ag.save"
        )
    try:
        return zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise _unreadable(source, "it is not a zip archive") from None
    except NotImplementedError:  # a zip feature Python does not read (a newer version)
        raise _unreadable(source, "it uses a zip feature Python cannot read") from None


def _members(archive: zipfile.ZipFile, source: str) -> dict[str, _Member]:
    """Every member's name and header, checked, with no array data read."""
    members: dict[str, _Member] = {}
    for info in archive.infolist():
        if not info.filename.endswith(".npy"):
            raise _unreadable(
                source, f"it holds {info.filename[:60]!r}, which is not a .npy array"
            )
        key = info.filename[: -len(".npy")]
        if key in members:
            raise _unreadable(source, f"it holds {info.filename[:60]!r} twice")
        member = _header(archive, info, source)
        if info.file_size != member.offset + member.nbytes:
            raise _unreadable(
                source,
                f"{key[:60]!r} declares shape {member.shape} of {member.dtype} "
                f"({member.nbytes:,} bytes) but holds {info.file_size - member.offset:,} bytes",
            )
        members[key] = member
    return members


_HEADER_ERRORS = (
    ValueError,
    TypeError,
    KeyError,
    SyntaxError,
    OverflowError,
    RecursionError,
    MemoryError,
    EOFError,
    OSError,
    zipfile.BadZipFile,
    NotImplementedError,  # a compression method zipfile does not know
    RuntimeError,  # an encrypted member
)


def _header(archive: zipfile.ZipFile, info: zipfile.ZipInfo, source: str) -> _Member:
    """Read and check the `.npy` header of one member (at most a few kilobytes)."""
    name = repr(info.filename[:60])
    try:
        with archive.open(info) as file:
            version = np.lib.format.read_magic(file)
            if version == (1, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_1_0(file)
            elif version == (2, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_2_0(file)
            else:
                raise _unreadable(source, f"{name} is a .npy of version {version}")
            offset = file.tell()
    except _HEADER_ERRORS:
        raise _unreadable(source, f"{name} has no valid .npy header") from None
    if dtype.kind not in "biuf" or dtype.fields is not None or dtype.subdtype is not None:
        what = "pickled objects" if dtype.hasobject else dtype
        raise _unreadable(source, f"{name} holds {what}, not real numbers")
    if any(n < 0 for n in shape):
        raise _unreadable(source, f"{name} declares the shape {shape}")
    return _Member(info, shape, fortran, dtype, offset)


def _read(archive: zipfile.ZipFile, member: _Member, source: str) -> np.ndarray:
    """The array of a checked member: exactly the bytes its header declares."""
    buffer = bytearray(member.nbytes)
    try:
        with archive.open(member.info) as file:
            file.seek(member.offset)
            view, got = memoryview(buffer), 0
            while got < member.nbytes:  # in chunks: no second copy of a large array
                chunk = file.read(min(_CHUNK, member.nbytes - got))
                if not chunk:
                    break
                view[got : got + len(chunk)] = chunk
                got += len(chunk)
            file.read()  # to the end, where zipfile checks the CRC
    except _HEADER_ERRORS as error:
        raise _unreadable(source, f"{member.info.filename[:60]!r}: {error}") from None
    if got != member.nbytes:
        raise _unreadable(source, f"{member.info.filename[:60]!r} is cut short")
    array = np.frombuffer(buffer, dtype=member.dtype)
    return array.reshape(member.shape, order="F" if member.fortran else "C")


def _unreadable(source: str, reason: str) -> ValueError:
    return ValueError(
        f"load: {source!r} is not a readable .npz archive of parameters ({reason}); "
        "was it written by ag.save, and completely?"
    )


def _size_problems(
    model: Module, members: Mapping[str, _Member], strict: bool
) -> tuple[list[str], list[str]]:
    """What the headers declare that does not fit the model; and the keys to read.

    Checked before any data is read, so a member declaring a huge array costs nothing:
    only members whose shape is the model parameter's (or buffer's) own are read (with
    strict=False, keys the model does not have are not read at all).
    """
    params = dict(model._named_state())  # parameters and buffers, as load_state_dict reads
    problems: list[str] = []
    if strict:
        missing = [key for key in params if key not in members]
        unexpected = [key for key in members if key not in params]
        if missing:
            problems.append("missing key(s): " + ", ".join(map(repr, missing)))
        if unexpected:
            problems.append("unexpected key(s): " + ", ".join(repr(k[:60]) for k in unexpected))
    wanted = []
    for key, member in members.items():
        param = params.get(key)
        if param is None:
            continue
        buffer = isinstance(param, np.ndarray)
        want = () if isinstance(param, Value) else np.shape(param if buffer else param.data)
        if member.shape != want:
            kind = "a Value, shape ()" if isinstance(param, Value) else f"shape {want}"
            what = "buffer" if buffer else "parameter"
            problems.append(
                f"{key!r}: shape {member.shape} given, but the model's {what} has {kind}"
            )
        else:
            wanted.append(key)
    return problems, wanted


def load(model: M, path: PathLike, strict: bool = True) -> M:
    """Load the parameters saved in `path` into `model`, checking everything first.

    Nothing is read blindly: the archive's member names and the shapes and dtypes their
    headers declare are checked against the model before any array data is read, so a
    damaged or hostile file costs no more memory than the model itself.

    Args:
        model: a Module built the same way as the one saved.
        path: an `.npz` file written by `save`.
        strict: require the file's names to match the model's exactly (see
            `Module.load_state_dict`).

    Returns:
        `model`, with the loaded parameters.

    Raises:
        FileNotFoundError: no such file.
        ValueError: not an `.npz` archive of numbers, or a missing/unexpected key, a shape
            or a dtype that does not match (every problem listed); the model is then
            unchanged.
    """
    if not isinstance(model, Module):
        raise TypeError(
            f"load: expected the Module to load into, got {type(model).__name__}; call "
            "ag.load(model, path) with a model built like the saved one"
        )
    source = os.fspath(path)
    with _open_archive(source) as archive:
        members = _members(archive, source)
        members.pop(METADATA_KEY, None)  # facts about the model, not a parameter
        problems, wanted = _size_problems(model, members, strict)
        if problems:
            raise ValueError(
                f"load_state_dict: cannot load into {type(model).__name__}; nothing was "
                "changed:\n  " + "\n  ".join(problems) + f"\n(reading {source!r})"
            )
        state = {key: _read(archive, members[key], source) for key in wanted}
    try:
        model.load_state_dict(state, strict=strict)
    except ValueError as error:
        raise ValueError(f"{error}\n(reading {source!r})") from None
    return model


__all__ = ["load", "read_metadata", "read_state_dict", "save"]
