"""`import autograd_lite` loads the engine only; the optional parts load on first use."""

from __future__ import annotations

import subprocess
import sys

LAZY = (
    "autograd_lite.viz",
    "autograd_lite.data",
    "autograd_lite.train",
    "autograd_lite.exercises",
)


def run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )


def test_import_loads_no_visualizer_data_or_training() -> None:
    code = (
        "import sys, autograd_lite as ag\n"
        f"loaded = [m for m in {LAZY!r} if m in sys.modules]\n"
        "heavy = [m for m in ('graphviz', 'matplotlib', 'tqdm', 'torch') if m in sys.modules]\n"
        "print(loaded, heavy)\n"
    )
    assert run(code).stdout.strip() == "[] []"


def test_each_part_loads_on_first_use() -> None:
    code = (
        "import sys, autograd_lite as ag\n"
        "ag.viz.draw, ag.data.make_moons, ag.exercises\n"
        f"print(sorted(m for m in {LAZY!r} if m in sys.modules))\n"
        "try:\n    ag.no_such_thing\nexcept AttributeError as e:\n    print(e)\n"
    )
    lines = run(code).stdout.splitlines()
    assert lines[0] == str(sorted(m for m in LAZY if not m.endswith("train")))
    assert lines[1] == "module 'autograd_lite' has no attribute 'no_such_thing'"
