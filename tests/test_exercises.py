"""The build-it-yourself track: every exercise's solution passes its check, and typical
wrong answers are caught with a sentence that says what the chain rule expected.

The checks of each notebook are read from the notebook itself (each code cell that calls
`ag.exercises.check_...`) and run against `notebooks/solutions/nbNN_*.py`, so the
notebooks, the solutions and the checker cannot drift apart.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite import exercises as ex

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
SOLUTIONS = NOTEBOOKS / "solutions"
WITH_EXERCISES = sorted(
    p.name for p in NOTEBOOKS.glob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
)
"""Every notebook has exercises, its translations included (they share its solutions)."""


def solution_module(notebook: str) -> ModuleType:
    stem = notebook.split(".")[0]  # 01_derivatives.ko.ipynb shares 01_derivatives' solutions
    path = SOLUTIONS / f"nb{stem}.py"
    assert path.exists(), f"no solutions for {notebook}: expected {path.name}"
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def check_calls(notebook: str) -> list[str]:
    """The source of each `ag.exercises.check_...(...)` call in the notebook's code cells."""
    cells = json.loads((NOTEBOOKS / notebook).read_text(encoding="utf-8"))["cells"]
    calls = []
    for cell in cells:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        if "ag.exercises.check_" not in source:
            continue
        for node in ast.walk(ast.parse(source)):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr.startswith("check_")
            ):
                calls.append(ast.unparse(node))
    return calls


def test_import_does_not_load_the_exercises() -> None:
    code = (
        "import sys, autograd_lite as ag\n"
        "assert 'autograd_lite.exercises' not in sys.modules\n"
        "ag.exercises.check_gradient\n"
        "assert 'autograd_lite.exercises' in sys.modules\n"
        "try:\n    ag.no_such_name\nexcept AttributeError as e:\n    print(e)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "no attribute 'no_such_name'" in result.stdout


@pytest.mark.parametrize("notebook", WITH_EXERCISES)
def test_every_solution_passes_its_check(notebook: str) -> None:
    calls = check_calls(notebook)
    assert 2 <= len(calls) <= 3, f"{notebook}: {len(calls)} checked exercises, want 2 or 3"
    namespace: dict[str, Any] = {"ag": ag, "np": np, **vars(solution_module(notebook))}
    for call in calls:
        result = eval(call, namespace)
        assert isinstance(result, ex.Result), call
        assert result.passed, f"{notebook}: {call} -> {result}"


@pytest.mark.parametrize("notebook", WITH_EXERCISES)
def test_the_unfinished_exercise_says_so(notebook: str) -> None:
    """As committed, a notebook's exercises are stubs (or, in 06, the bug to fix), and the
    saved output of each check shows the learner a failing verdict, not a solution."""
    cells = json.loads((NOTEBOOKS / notebook).read_text(encoding="utf-8"))["cells"]
    outputs = [
        "".join(o.get("text", "")) + "".join(o.get("data", {}).get("text/plain", ""))
        for c in cells
        if c["cell_type"] == "code" and "ag.exercises.check_" in "".join(c["source"])
        for o in c["outputs"]
    ]
    assert outputs
    assert all(out.startswith("✗ ") for out in outputs), outputs
    assert any("not written yet" in out for out in outputs), outputs


# ------------------------------------------------------------------ typical wrong answers


def f2(x: Any) -> Any:
    return ag.exp(x**2)


def df2_no_inner(x: Any) -> Any:
    return ag.exp(x**2)


def mul_assign(x: Any, y: Any, out: Any) -> None:
    x.grad = y.data * out.grad
    y.grad = x.data * out.grad


def mul_own(x: Any, y: Any, out: Any) -> None:
    x.grad += x.data * out.grad
    y.grad += y.data * out.grad


def mul_no_g(x: Any, y: Any, out: Any) -> None:
    x.grad += y.data
    y.grad += x.data


def tanh_assign(x: Any, out: Any) -> None:
    x.grad = (1 - out.data**2) * out.grad


def tanh_of_x(x: Any, out: Any) -> None:
    x.grad += (1 - x.data**2) * out.grad


def tanh_unfinished(x: Any, out: Any) -> None:
    raise NotImplementedError


def topo_recursive(root: Any) -> list[Any]:
    topo: list[Any] = []
    seen: set[Any] = set()

    def build(v: Any) -> None:
        if v not in seen:
            seen.add(v)
            for parent in v._parents:
                build(parent)
            topo.append(v)

    build(root)
    return topo


def topo_breadth_first(root: Any) -> list[Any]:
    order: list[Any] = []
    queue = [root]
    while queue:
        node = queue.pop(0)
        if node not in order:
            order.append(node)
            queue.extend(node._parents)
    return order[::-1]


def topo_root_first(root: Any) -> list[Any]:
    from autograd_lite.graph import topological_order

    return topological_order(root)


def softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return np.asarray(e / e.sum(axis=1, keepdims=True))


def ce_no_mean(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    p = softmax(z)
    p[np.arange(len(y)), y] -= 1
    return p


def ce_no_onehot(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    return softmax(z) / len(y)


def ce_overflow(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    p[np.arange(len(y)), y] -= 1
    return np.asarray(p / len(y))


class NeuronNoBias:
    def __init__(self, nin: int) -> None:
        self.w = [ag.Value(0.1 * (i + 1)) for i in range(nin)]
        self.b = ag.Value(0.2)

    def __call__(self, x: list[Any]) -> Any:
        return sum((wi * xi for wi, xi in zip(self.w, x)), self.b).tanh()

    def parameters(self) -> list[Any]:
        return self.w


class NeuronData(NeuronNoBias):
    def __call__(self, x: list[Any]) -> Any:
        return ag.Value(sum(w.data * xi for w, xi in zip(self.w, x)) + self.b.data).tanh()

    def parameters(self) -> list[Any]:
        return [*self.w, self.b]


class NeuronNoTanh(NeuronData):
    def __call__(self, x: list[Any]) -> Any:
        return sum((wi * xi for wi, xi in zip(self.w, x)), self.b)


def jvp_mul_one_term(x: float, dx: float, y: float, dy: float) -> float:
    return dx * y


def jvp_mul_squared(x: float, dx: float, y: float, dy: float) -> float:
    return dx * dy


def jacobian_rows(f: Any, x: np.ndarray) -> np.ndarray:
    return np.stack([ag.jvp(f, (x,), (e,))[1] for e in np.eye(len(x))])


def jacobian_ones(f: Any, x: np.ndarray) -> np.ndarray:
    return np.stack([ag.jvp(f, (x,), (np.ones_like(x),))[1] for _ in x], axis=1)


WRONG = [
    ("check_jvp_mul", (jvp_mul_one_term,), ["dy = 1", "x·dy is missing"]),
    ("check_jvp_mul", (jvp_mul_squared,), ["ε² term"]),
    ("check_jacobian_from_jvps", (jacobian_rows,), ["transpose", "axis=1"]),
    ("check_jacobian_from_jvps", (jacobian_ones,), ["entry (", "e_j"]),
    ("check_gradient", (df2_no_inner, f2, [1.5]), ["x = 1.5", "28.46", "inner derivative"]),
    (
        "check_mul_backward",
        (mul_assign,),
        ["x.grad = 0.25, y.grad = -1 before", "write += where you wrote ="],
    ),
    ("check_mul_backward", (mul_own,), ["x.grad became 3", "the *other* input"]),
    ("check_mul_backward", (mul_no_g,), ["out.grad = 0.5", "without the factor out.grad"]),
    ("check_tanh_backward", (tanh_assign,), ["x.grad = 0.25 before", "+= where you wrote ="]),
    ("check_tanh_backward", (tanh_of_x,), ["x = 0.5", "1 - out²"]),
    ("check_tanh_backward", (tanh_unfinished,), ["not written yet"]),
    ("check_topological_sort", (topo_recursive,), ["5,000", "recursion limit", "stack"]),
    ("check_topological_sort", (topo_breadth_first,), ["L = u + v", "`v`", "its input `u`"]),
    ("check_topological_sort", (topo_root_first,), ["the neuron", "after all of its inputs"]),
    ("check_softmax_cross_entropy_grad", (ce_no_mean,), ["4 samples", "divide by N"]),
    ("check_softmax_cross_entropy_grad", (ce_no_onehot,), ["(the target)", "p - 1"]),
    ("check_softmax_cross_entropy_grad", (ce_overflow,), ["large logits", "max"]),
    ("check_neuron", (NeuronNoBias,), ["gave 3", "4 parameters", "bias"]),
    ("check_neuron", (NeuronData,), ["grad 0", ".data"]),
    ("check_neuron", (NeuronNoTanh,), ["tanh(b + Σ w·x)", "0.5005"]),
]


@pytest.mark.parametrize(
    ("check", "args", "says"), WRONG, ids=lambda v: getattr(v, "__name__", "")
)
def test_a_typical_wrong_answer_is_caught(
    check: str, args: tuple[Any, ...], says: list[str]
) -> None:
    result = getattr(ex, check)(*args)
    assert not result.passed
    assert str(result).startswith("✗ ")
    missing = [s for s in says if s not in result.message]
    assert not missing, f"{result.message!r} does not say {missing}"
    assert result.message.count(". ") == 0, "one sentence"


def test_results_read_as_sentences() -> None:
    passed = ex.Result("f", True, "right")
    assert bool(passed)
    assert repr(passed) == "✓ f: right"
    assert not ex.Result("f", False, "wrong")
    with pytest.raises(ValueError, match="at least one point"):
        ex.check_gradient(df2_no_inner, f2, [])
