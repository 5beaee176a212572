"""What every benchmark in `bench/` shares: a best-of-N timer, a table, the machine.

Timings are noisy on a shared machine: another job can take a core for a while. The
minimum over N repeats is the run least disturbed by them, so it is what the tables show
(as `timeit` recommends). The load average is printed with the machine, and again at the
end, so a reader can tell a quiet run from a busy one.

Importing this module also puts the repository's root on `sys.path`, so that
`python bench/NAME.py` measures the checkout it sits in, installed or not.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import importlib.metadata
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

INSTALL_HINTS = {
    "micrograd": "pip install micrograd==0.1.0",
    "torch": "pip install torch (CPU build)",
}


def parse_args(
    doc: str | None,
    argv: Sequence[str] | None = None,
    extra: Callable[[argparse.ArgumentParser], object] | None = None,
) -> argparse.Namespace:
    """Parse the options every benchmark takes: `--quick` for a smoke run.

    `extra`, if given, adds a benchmark's own options to the parser.
    """
    first_line = (doc or "").strip().splitlines()[0] if doc else None
    parser = argparse.ArgumentParser(description=first_line)
    parser.add_argument(
        "--quick", action="store_true", help="few repetitions: checks that it runs, not speed"
    )
    if extra is not None:
        extra(parser)
    return parser.parse_known_args(argv)[0]


def best_of(fn: Callable[[], object], repeat: int, number: int = 1, warmup: int = 1) -> float:
    """Seconds per call of `fn`: the minimum over `repeat` runs of `number` calls each.

    `warmup` calls run first and are not timed (caches, lazy imports, allocator pools).
    The garbage collector stays on, since collecting cycles is part of some engines'
    cost (micrograd's closures); a full collection before each run starts every run
    from the same heap.
    """
    for _ in range(warmup):
        fn()
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - start) / number)
    return best


def best_of_each(
    fns: Mapping[str, Callable[[], object]], repeat: int, number: int = 1, warmup: int = 1
) -> dict[str, float]:
    """`best_of` for several functions, their runs interleaved: A B C, A B C, ...

    Interleaving spreads a burst of load from another job over all of them, so the
    ratios between them stay fair even when the absolute times move.
    """
    for fn in fns.values():
        for _ in range(warmup):
            fn()
    best = dict.fromkeys(fns, float("inf"))
    for _ in range(repeat):
        for name, fn in fns.items():
            gc.collect()
            start = time.perf_counter()
            for _ in range(number):
                fn()
            best[name] = min(best[name], (time.perf_counter() - start) / number)
    return best


def optional(name: str) -> ModuleType | None:
    """Import an optional reference, or print why its row is skipped and return None."""
    try:
        return importlib.import_module(name)
    except ImportError:
        print(f"note: {name} is not installed, so its rows are skipped ({INSTALL_HINTS[name]})")
        return None


def load() -> str:
    """The 1, 5 and 15 minute load averages, as `uptime` shows them."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} (on {os.cpu_count()} CPUs)"


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def blas_threads() -> int | None:
    """How many threads NumPy's BLAS uses, per threadpoolctl (None if not installed)."""
    try:
        import numpy  # noqa: F401  (threadpoolctl sees only libraries already loaded)
        from threadpoolctl import threadpool_info
    except ImportError:
        return None
    counts = [info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas"]
    return max(counts) if counts else None


def _version(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def print_machine(title: str) -> None:
    """Print the benchmark's title, the software versions and the machine it runs on."""
    import numpy as np

    print(f"== {title}")
    print(f"python {platform.python_version()}, numpy {np.__version__}", end="")
    for package in ("micrograd", "torch"):
        version = _version(package)
        if version:
            print(f", {package} {version}", end="")
    print()
    threads = blas_threads()
    blas = "unknown (threadpoolctl not installed)" if threads is None else str(threads)
    print(f"CPU {_cpu_model()}, os.cpu_count() {os.cpu_count()}, BLAS threads {blas}")
    print(f"autograd_lite at {_commit()}")
    print(f"at start: {load()}")
    print()


def _commit() -> str:
    """The checkout's commit, `-dirty` when files differ from it (others' work included)."""
    try:
        done = subprocess.run(
            ["git", "-C", str(ROOT), "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.TimeoutExpired):
        return "an unknown commit (git not available)"
    return done.stdout.strip() or "an unknown commit (not a git checkout)"


def print_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """Print rows under headers: text left-aligned, numbers right-aligned."""
    cells = [[str(h) for h in headers]] + [[_cell(v) for v in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    numeric = [all(_is_number(row[i]) for row in rows) for i in range(len(headers))]

    def line(row: Sequence[str]) -> str:
        parts = (c.rjust(w) if num else c.ljust(w) for c, w, num in zip(row, widths, numeric))
        return "  ".join(parts).rstrip()

    print(line(cells[0]))
    print("  ".join("-" * w for w in widths))
    for row in cells[1:]:
        print(line(row))
    print()


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) or value in ("", "-")


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)


def ratio(ours: float, reference: float) -> str:
    """`ours / reference` as text, e.g. `12.3x`."""
    return f"{ours / reference:.2f}x"


def print_end() -> None:
    """Print the load at the end, so a run disturbed by another job shows it."""
    print(f"at end: {load()}")
