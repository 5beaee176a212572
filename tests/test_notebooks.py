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
import re
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
    "01_derivatives.ko.ipynb",
    "02_backprop.ipynb",
    "03_training.ipynb",
    "04_seeing_the_graph.ipynb",
    "05_from_scalars_to_tensors.ipynb",
    "06_inside_backward.ipynb",
    "07_forward_and_reverse.ipynb",
)
BUDGET = 60.0
"""Seconds one notebook may take, kernel start included. The slowest, 03, takes ~15-20 s on
a 2-core machine (its last section trains two deep nets), more when other jobs share the
cores: hence the margin."""
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


def section_numbers(notebook: dict[str, Any]) -> list[int]:
    """The numbers of the `## N. Title` headings, in order."""
    found = []
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            found += [int(n) for n in re.findall(r"(?m)^## (\d+)\. ", "".join(cell["source"]))]
    return found


def listed_sections(notebook: dict[str, Any]) -> list[int]:
    """The numbered list of the first cell (the notebook's plan), as numbers."""
    first = "".join(notebook["cells"][0]["source"])
    return [int(n) for n in re.findall(r"(?m)^(\d+)\. ", first)]


def numbering_problem(notebook: dict[str, Any]) -> str:
    """'' when the sections run 1, 2, 3, ... and the plan lists each of them once."""
    sections = section_numbers(notebook)
    if sections != list(range(1, len(sections) + 1)):
        return f"sections are numbered {sections}, not 1 to {len(sections)}"
    listed = listed_sections(notebook)
    if listed and listed != sections:
        return f"the first cell lists {listed}, but the sections are {sections}"
    return ""


@pytest.mark.parametrize("path", notebook_paths(), ids=lambda p: p.stem)
def test_sections_are_numbered_as_the_plan_lists_them(path: Path) -> None:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    assert numbering_problem(notebook) == "", path.name


def test_numbering_check_can_fail() -> None:
    def nb(*cells: str) -> dict[str, Any]:
        return {"cells": [{"cell_type": "markdown", "source": c} for c in cells]}

    good = nb("# T\n\n1. a;\n2. b.", "## 1. A", "## 2. B")
    assert numbering_problem(good) == ""
    assert "not 1 to 3" in numbering_problem(nb("# T", "## 1. A", "## 2. B", "## 4. D"))
    assert "lists [1, 2]" in numbering_problem(
        nb("# T\n1. a\n2. b", "## 1. A", "## 2. B\n## 3. C")
    )


def translations() -> list[Path]:
    """Notebooks in another language, `NAME.LANG.ipynb` beside `NAME.ipynb`."""
    return [p for p in notebook_paths() if len(p.suffixes) == 2]


def code_cells(notebook: dict[str, Any]) -> list[str]:
    return ["".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code"]


def code_difference(original: dict[str, Any], translation: dict[str, Any]) -> str:
    """'' when both notebooks have the same code cells, in the same order."""
    a, b = code_cells(original), code_cells(translation)
    if len(a) != len(b):
        return f"{len(b)} code cells, but the original has {len(a)}"
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return f"code cell {i + 1} differs from the original's"
    return ""


def test_the_korean_notebook_exists() -> None:
    assert [p.name for p in translations()] == ["01_derivatives.ko.ipynb"]


@pytest.mark.parametrize("path", translations(), ids=lambda p: p.stem)
def test_a_translation_has_its_originals_code(path: Path) -> None:
    original = path.with_name(path.name.split(".")[0] + ".ipynb")
    assert original.exists(), f"{path.name} translates {original.name}, which is missing"
    a = json.loads(original.read_text(encoding="utf-8"))
    b = json.loads(path.read_text(encoding="utf-8"))
    assert code_difference(a, b) == "", path.name
    # The prose is translated: no markdown cell is left as the original's.
    prose = [c["source"] for c in a["cells"] if c["cell_type"] == "markdown"]
    same = [c for c in b["cells"] if c["cell_type"] == "markdown" and c["source"] in prose]
    assert not same, f"{path.name}: {len(same)} markdown cells are not translated"


def test_code_check_can_fail() -> None:
    def nb(*sources: str) -> dict[str, Any]:
        return {"cells": [{"cell_type": "code", "source": s} for s in sources]}

    assert code_difference(nb("a = 1", "print(a)"), nb("a = 1", "print(a)")) == ""
    assert "cell 2 differs" in code_difference(nb("a = 1", "print(a)"), nb("a = 1", "a"))
    assert "1 code cells" in code_difference(nb("a = 1", "print(a)"), nb("a = 1"))
