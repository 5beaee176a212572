r"""Keep freed memory for reuse: a training step's arrays are made and dropped thousands of times.

Every op of a training step makes a new array, and the backward pass drops most of them
again. With glibc's default settings, an array above 128 KiB gets fresh pages from the
operating system (`mmap`) and gives them back when freed; glibc then raises that bound
as it goes, and returns the free top of its heap to the system once it passes twice the
bound. Which arrays are kept and which fault every page in again at the next step then
depends on where each one lands, which changes with any allocation made before:

* the natural loop of `bench/tensor_mlp.py` in float64 (784-256-128-10, batch 128) took
  4.4 to 4.75 ms a step in a fresh process with stdout piped, 2.97 ms with the memory
  kept; its hand-written NumPy twin 3.1 or 4.4 ms depending on what ran before it;
* a Transformer step about 1.4 times slower, and the tanh-GELU of one batch seven times
  slower, than with the memory kept.

PyTorch keeps freed blocks in its own caching allocator; here glibc is asked to do the
same: serve arrays up to 32 MiB from the heap and keep up to 1 GiB of freed memory for
reuse instead of returning it. The process then holds on to its peak memory, as a
PyTorch process does.

`keep_freed_memory()` is called by the first backward pass on Tensors (and by
`ag.train.fit` and `fit_steps` before their first step). It changes the process's
allocator settings once, and leaves them alone:

* where glibc is not the C library (macOS, Windows, musl);
* when the environment already sets glibc's own `MALLOC_MMAP_THRESHOLD_`,
  `MALLOC_TRIM_THRESHOLD_` or a `glibc.malloc` tunable in `GLIBC_TUNABLES`: those
  settings are the user's, and setting one (say `MALLOC_TRIM_THRESHOLD_=131072`, glibc's
  default) is how to keep glibc's own behaviour.

Example:
    >>> from autograd_lite.memory import keep_freed_memory
    >>> first = keep_freed_memory()  # True on Linux with glibc
    >>> keep_freed_memory() == first  # once per process: later calls give its result
    True
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 32 * 1024 * 1024
"""Arrays below this come from the heap (glibc's largest allowed value on 64-bit)."""

USER_SETTINGS = ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_")
"""glibc's environment variables for the two settings: when set, ours stay off."""

_done: bool | None = None


def user_sets_allocator(environ: Mapping[str, str] = os.environ) -> bool:
    """True when the environment tunes glibc's malloc itself (see the module's text)."""
    return any(name in environ for name in USER_SETTINGS) or (
        "glibc.malloc" in environ.get("GLIBC_TUNABLES", "")
    )


def keep_freed_memory(trim: int = 1 << 30) -> bool:
    """Ask glibc to serve arrays up to 32 MiB from the heap and keep freed memory.

    Runs once per process; later calls return the first call's result at once.

    Args:
        trim: free bytes at the top of the heap kept before any is returned to the
            system (1 GiB by default).

    Returns:
        True if glibc took the settings (now or at an earlier call); False where the C
        library is not glibc, or the environment sets glibc's malloc itself.
    """
    global _done
    if _done is None:
        _done = _ask_glibc(trim)  # two threads may both ask: the same settings, twice
    return _done


def _ask_glibc(trim: int) -> bool:
    if not sys.platform.startswith("linux") or user_sets_allocator():
        return False
    try:
        if not os.confstr("CS_GNU_LIBC_VERSION"):  # musl has mallopt, but as a stub
            return False
        import ctypes  # only here: most programs never get this far

        mallopt = ctypes.CDLL(None).mallopt  # the C library the interpreter runs on
    except (OSError, ValueError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(
        mallopt(M_TRIM_THRESHOLD, int(min(trim, 2**31 - 1)))
    )


__all__ = ["keep_freed_memory"]
