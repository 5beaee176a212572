"""The teaching notebooks run top to bottom, and are committed with their outputs.

Each notebook in `notebooks/` is executed afresh, in a copy inside a temporary working
directory, by a real Jupyter kernel (nbclient + ipykernel); any error fails the test, and so
does going over the time budget of a notebook (each is meant to run in well under a minute).
The notebooks carry `assert`s of their own, so a change in the library that breaks a claim
they make fails here too.

A second test needs no kernel: every notebook in the folder is among those executed, and
each is committed with the outputs of one clean top-to-bottom run, so the pictures show on
the web.
"""

from __future__ import annotations

import json
import os
import shutil
import site
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

import autograd_lite

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
KNOWN = (
    "01_derivatives.ipynb",
    "02_backprop.ipynb",
    "03_training.ipynb",
    "04_seeing_the_graph.ipynb",
)
BUDGET = 60.0
"""Seconds one notebook may take, kernel start included; the slowest takes ~15 s."""
MAX_BYTES = 1_000_000
"""A committed notebook stays small: no huge embedded images."""


def notebook_paths() -> list[Path]:
    """Every notebook in the folder, in name order (checkpoints excluded)."""
    return sorted(p for p in NOTEBOOKS.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def kernel_env(tmp: Path) -> dict[str, str]:
    """The environment of the kernel: this one, able to import the package under test.

    Files a notebook writes to a temporary folder land in `tmp`, which pytest cleans up.

    When the tests run from a source tree without installing it, the kernel (a separate
    process, started in a temporary directory) would not find `autograd_lite`, or would
    find another installed copy; put the tree that these tests imported on its path. An
    installed package is found as it is.
    """
    env = dict(os.environ)
    env.pop("MPLBACKEND", None)  # the notebooks use the inline backend
    env["TMPDIR"] = str(tmp)
    root = str(Path(autograd_lite.__file__).resolve().parent.parent)
    site_dirs = [*site.getsitepackages(), site.getusersitepackages()]
    installed = {str(Path(p).resolve()) for p in site_dirs}
    if root not in installed:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
    return env


@pytest.mark.slow
@pytest.mark.parametrize("path", notebook_paths(), ids=lambda p: p.stem)
def test_notebook_runs_top_to_bottom(path: Path, tmp_path: Path) -> None:
    nbclient = pytest.importorskip("nbclient")
    nbformat = pytest.importorskip("nbformat")
    pytest.importorskip("ipykernel")
    copy = tmp_path / path.name
    shutil.copyfile(path, copy)
    notebook = nbformat.read(copy, as_version=4)
    deadline = time.monotonic() + BUDGET

    def remaining(cell: Any) -> int:
        # One budget for the whole notebook, not a fresh one per cell.
        return max(1, int(deadline - time.monotonic()))

    client = nbclient.NotebookClient(
        notebook,
        kernel_name="python3",
        timeout_func=remaining,
        resources={"metadata": {"path": str(tmp_path)}},  # the kernel's working directory
        record_timing=False,
    )
    try:
        client.execute(env=kernel_env(tmp_path))
    except nbclient.exceptions.CellTimeoutError:
        pytest.fail(f"{path.name} did not finish within its budget of {BUDGET:.0f} s")
    # CellExecutionError (a failing cell) propagates with the cell's traceback.


def _outputs_text(cell: dict[str, Any]) -> str:
    parts = []
    for output in cell.get("outputs", []):
        parts.append(str(output.get("text", "")))
        parts.extend(str(v) for k, v in output.get("data", {}).items() if k.startswith("text/"))
    return "".join(parts)


def test_every_notebook_is_executed_and_saved_with_outputs() -> None:
    paths = notebook_paths()
    names = [p.name for p in paths]
    missing = [name for name in KNOWN if name not in names]
    assert not missing, f"notebooks missing from {NOTEBOOKS}: {missing}"
    # The execution test is parametrized over this same list, so a notebook added to the
    # folder (or to a subfolder) is executed the day it is added.
    nested = [p for p in paths if p.parent != NOTEBOOKS]
    assert not nested, f"keep notebooks directly in notebooks/, not in {nested}"
    forbidden = [tempfile.gettempdir().rstrip("/") + "/", "site-packages", str(NOTEBOOKS.parent)]
    for path in paths:
        assert path.stat().st_size < MAX_BYTES, f"{path.name} is over {MAX_BYTES:,} bytes"
        notebook = json.loads(path.read_text(encoding="utf-8"))
        assert notebook["metadata"]["kernelspec"]["name"] == "python3", path.name
        cells = [c for c in notebook["cells"] if c["cell_type"] == "code" and "".join(c["source"])]
        counts = [c.get("execution_count") for c in cells]
        assert counts == list(range(1, len(cells) + 1)), (
            f"{path.name}: execution counts {counts} are not those of one clean run from the "
            "top; re-execute the notebook (Restart & Run All) and save it with its outputs"
        )
        assert any(c["outputs"] for c in cells), f"{path.name} is saved without outputs"
        for i, cell in enumerate(cells):
            errors = [o for o in cell["outputs"] if o["output_type"] == "error"]
            assert not errors, f"{path.name}, code cell {i + 1}: saved with an error"
            text = _outputs_text(cell)
            leaked = [s for s in forbidden if s in text]
            assert not leaked, f"{path.name}, code cell {i + 1}: output shows {leaked}"
