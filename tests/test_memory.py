"""The allocator settings of `autograd_lite.memory`: asked for at the first backward pass,
never at import, and never over the user's own glibc settings.

Each case runs in a fresh interpreter (the settings are per process, and once set stay
set) and reads glibc's own count of memory-mapped blocks (`mallinfo2().hblks`) while a
24 MiB array is alive: glibc maps an array that large by default, and serves it from the
heap once it has been asked to keep freed memory.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

import autograd_lite as ag
from autograd_lite import memory


def _glibc() -> bool:
    """glibc, with `mallinfo2` (2.33 and later) to read its counts."""
    try:
        if not (sys.platform.startswith("linux") and os.confstr("CS_GNU_LIBC_VERSION")):
            return False
        import ctypes

        return hasattr(ctypes.CDLL(None), "mallinfo2")
    except (ValueError, OSError):
        return False


pytestmark = pytest.mark.skipif(not _glibc(), reason="glibc 2.33+'s allocator settings")

SCRIPT = textwrap.dedent(
    """
    import ctypes, sys
    import numpy as np
    import autograd_lite as ag
    from autograd_lite import memory

    class MallInfo2(ctypes.Structure):
        _fields_ = [(name, ctypes.c_size_t) for name in (
            "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks",
            "uordblks", "fordblks", "keepcost")]

    mallinfo2 = ctypes.CDLL(None).mallinfo2
    mallinfo2.restype = MallInfo2
    asked = memory._done
    if sys.argv[1] == "backward":
        x = ag.Tensor(np.ones(3), requires_grad=True)
        (x * x).sum().backward()
    before = mallinfo2().hblks
    big = np.ones(3 * 2**20)  # 24 MiB
    print(asked, memory._done, mallinfo2().hblks - before)
    """
)


def run(mode: str, **env: str) -> list[str]:
    environ = {
        k: v for k, v in os.environ.items() if k not in (*memory.USER_SETTINGS, "GLIBC_TUNABLES")
    }
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, mode],
        capture_output=True,
        text=True,
        env={**environ, **env},
        check=True,
    )
    return done.stdout.split()


def test_import_leaves_the_allocator_alone() -> None:
    # Not asked at import; glibc maps the large array (one more mapped block).
    assert run("import") == ["None", "None", "1"]


def test_the_first_backward_pass_keeps_freed_memory() -> None:
    # Asked at the first backward pass, and taken: the array comes from the heap.
    assert run("backward") == ["None", "True", "0"]


@pytest.mark.parametrize(
    "setting",
    [
        {"MALLOC_TRIM_THRESHOLD_": "131072"},
        {"MALLOC_MMAP_THRESHOLD_": "131072"},
        {"GLIBC_TUNABLES": "glibc.malloc.trim_threshold=131072"},
    ],
)
def test_the_users_own_settings_win(setting: dict[str, str]) -> None:
    # glibc's own variables set: the engine leaves them, and the array is mapped.
    assert run("backward", **setting) == ["None", "False", "1"]


def test_user_sets_allocator_reads_the_environment() -> None:
    assert not memory.user_sets_allocator({"PATH": "/bin", "GLIBC_TUNABLES": "glibc.cpu.x=1"})
    assert memory.user_sets_allocator({"MALLOC_TRIM_THRESHOLD_": "0"})
    assert memory.user_sets_allocator({"GLIBC_TUNABLES": "glibc.malloc.mmap_threshold=1"})


def test_a_tensor_backward_in_this_process_has_asked() -> None:
    x = ag.Tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    assert memory._done is not None
