"""Atomic file writes: a file is replaced whole or not at all, whatever stops the write.

Every file the package writes (`ag.save`, pictures, the HTML stepper, the training
plot) goes through `atomic_write`: the bytes go to a hidden temporary file in the target's
folder, are flushed to disk (`fsync`), and the temporary is renamed over the target with
`os.replace`, which is atomic. A full disk, Ctrl-C or a crash leaves either the old file
or the new one, never a truncated one.

Two details make this behave like an ordinary write:

* The file's permissions follow the umask, as `open(path, "w")` would give (the
  temporary is created by `os.open` with mode 0o666, which the kernel masks).
* A save killed outright (SIGKILL, power cut) cannot clean up after itself, so each write
  first removes the stale temporaries of the same target. A temporary is stale when no
  writer holds its lock: every writer locks its temporary (`flock`, released by the
  kernel when the process dies) for as long as it writes.

Example:
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "hello.txt")
    >>> with atomic_write(path) as file:
    ...     _ = file.write(b"hello")
    >>> open(path).read()
    'hello'
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from collections.abc import Iterator
from typing import BinaryIO

try:  # POSIX; on Windows an open file cannot be deleted, which protects it as well
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

PathLike = str | os.PathLike[str]

__all__ = ["atomic_write", "check_writable", "remove_stale_temporaries"]

# `.NAME.` + 8 random characters + `.tmp`: the names written here (hex) and by the
# `tempfile.mkstemp` of earlier versions (lowercase letters, digits and _).
_RANDOM = "[a-z0-9_]{8}"


@contextlib.contextmanager
def atomic_write(path: PathLike, caller: str = "save") -> Iterator[BinaryIO]:
    """Open a temporary file for writing bytes; on success it replaces `path` atomically.

    Args:
        path: the file to write, exactly as given. Its folder must exist.
        caller: the function named in error messages.

    Yields:
        A binary file open for writing. When the `with` block ends normally, the file is
        synced to disk and renamed over `path`; when it raises, the temporary file is
        removed and `path` is left as it was.

    Raises:
        FileNotFoundError: the folder does not exist.
        OSError: the folder cannot be written, or the disk refused the write.
    """
    folder, name = _split(path, caller)
    remove_stale_temporaries(folder, name)
    file, tmp = _locked_temporary(folder, name)
    try:
        with file:
            yield file
            file.flush()
            os.fsync(file.fileno())
            if fcntl is None:  # pragma: no cover - Windows cannot rename an open file
                file.close()
            os.replace(tmp, path)  # still locked: no other writer takes it for stale
    except BaseException:
        # Whatever stopped the write (a full disk, Ctrl-C), the target was not touched.
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _sync_folder(folder)


def check_writable(path: PathLike, caller: str = "save") -> None:
    """Raise the error that writing `path` would meet, without touching `path` itself.

    A command that trains for minutes and then saves checks its output first: this
    creates and removes a temporary file beside `path`, as `atomic_write` would.

    Args:
        path: the file that will be written.
        caller: the function named in error messages.

    Raises:
        FileNotFoundError: the folder does not exist.
        OSError: the folder cannot be written (`PermissionError`, a read-only disk, ...).
    """
    folder, name = _split(path, caller)
    file, tmp = _locked_temporary(folder, name)
    file.close()
    os.unlink(tmp)


def remove_stale_temporaries(folder: str, name: str) -> list[str]:
    """Delete the temporaries of `folder/name` that no running write holds; return them.

    Args:
        folder: the target's folder.
        name: the target's file name.

    Returns:
        The paths removed.
    """
    pattern = re.compile(re.escape(f".{name}.") + _RANDOM + re.escape(".tmp"))
    removed: list[str] = []
    try:
        entries = [entry.path for entry in os.scandir(folder) if pattern.fullmatch(entry.name)]
    except OSError:
        return removed
    for stale in entries:
        try:
            fd = os.open(stale, os.O_RDONLY)
        except OSError:
            continue
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a live writer holds it
            os.unlink(stale)
            removed.append(stale)
        except OSError:
            continue
        finally:
            os.close(fd)
    return removed


def _split(path: PathLike, caller: str) -> tuple[str, str]:
    """`(folder, file name)` of `path`, or a FileNotFoundError if the folder is missing."""
    target = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(target))
    if not os.path.isdir(folder):
        raise FileNotFoundError(
            f"{caller}: the folder {folder!r} does not exist; create it first, or pick "
            "another path"
        )
    return folder, os.path.basename(target)


def _locked_temporary(folder: str, name: str) -> tuple[BinaryIO, str]:
    """Create `.NAME.XXXXXXXX.tmp` in `folder` with the umask's mode, and lock it."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        tmp = os.path.join(folder, f".{name}.{secrets.token_hex(4)}.tmp")
        try:
            fd = os.open(tmp, flags, 0o666)  # the kernel applies the umask
        except FileExistsError:
            continue
        file = os.fdopen(fd, "wb")
        if fcntl is None:  # pragma: no cover - Windows
            return file, tmp
        fcntl.flock(fd, fcntl.LOCK_EX)
        # Another write's clean-up may have removed the file between its creation and the
        # lock: keep it only if the name still leads to the file we locked.
        try:
            if os.stat(tmp).st_ino == os.fstat(fd).st_ino:
                return file, tmp
        except FileNotFoundError:
            pass
        file.close()


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
