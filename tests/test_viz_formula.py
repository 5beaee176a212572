"""Formulas in the learner's own names, in every view: explain, DOT, built-in SVG, stepper.

The issue's case: for `sigmoid(w*x + b)` at w = -2, x = 1.5, b = 0, the step from `x`
into `w*x` shows `∂(w*x)/∂x = w = -2`, and the step from `w` shows `x = 1.5`, never the
rule table's placeholders (`∂out/∂y = x`, where that `x` means `w`).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite.viz.formula import binding, bracket, is_atom, local_text, named, partial
from autograd_lite.viz.html import stepper_frames

SVG = "{http://www.w3.org/2000/svg}"
FROM_X = "∂(w*x)/∂x = w = -2.0000"
FROM_W = "∂(w*x)/∂w = x = 1.5000"


def neuron() -> ag.Value:
    w, x, b = ag.Value(-2.0, label="w"), ag.Value(1.5, label="x"), ag.Value(0.0, label="b")
    return ag.sigmoid(w * x + b)


def svg_lines(svg: str) -> list[str]:
    root = ET.fromstring(svg.encode("utf-8"))
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def names_the_operands(lines: list[str]) -> bool:
    """The checker: both steps into `w*x` are written in the operands' names and values."""
    return FROM_X in lines and FROM_W in lines


def test_the_checker_fails_on_the_rule_tables_placeholders() -> None:
    placeholders = ["∂(w*x)/∂x = x = -2.0000", "∂(w*x)/∂w = y = 1.5000"]  # the old wording
    assert not names_the_operands(placeholders)
    assert not names_the_operands([FROM_X])
    assert names_the_operands([FROM_W, FROM_X])


# ---------------------------------------------------------------- the case, per view


def test_explain_names_the_operands() -> None:
    f = neuron()
    steps = {s.input: s for s in ag.viz.explain(f)}
    assert (steps["x"].node, steps["x"].formula, steps["x"].local) == ("w*x", "w", -2.0)
    assert (steps["w"].node, steps["w"].formula, steps["w"].local) == ("w*x", "x", 1.5)
    assert (steps["x"].rule_formula, steps["w"].rule_formula) == ("x", "y")  # the table's own
    rows = ag.viz.explain(f).table().split("\n")
    row = next(r for r in rows if r.split()[1:4] == ["w*x", "mul", "x"])
    assert row.split()[4:6] == ["w", "-2.0000"]


def test_dot_names_the_operands() -> None:
    f = neuron()
    f.backward()
    labels = re.findall(r'-> op\d+ \[label="([^"]*)"', ag.viz.to_dot(f))
    lines = [line for label in labels for line in label.split("\\n")]
    assert names_the_operands(lines)
    # g, named by the node it comes from, and what the edge adds to x.grad
    assert "× (w*x).grad 0.0452\\n= -0.0904" in "\\n".join(labels)


@pytest.mark.parametrize("rankdir", ["LR", "TB"])
def test_builtin_svg_names_the_operands(rankdir: str) -> None:
    f = neuron()
    f.backward()
    lines = svg_lines(ag.viz.to_svg(f, renderer="builtin", rankdir=rankdir))
    assert names_the_operands(lines)
    assert "× (w*x).grad 0.0452" in lines


def test_the_stepper_names_the_operands() -> None:
    f = neuron()
    stepper = stepper_frames(f)
    captions = {frame.step: frame.caption for frame in stepper.frames}
    assert captions[5] == (
        "step 5 of 5: x.grad += (w*x).grad × ∂(w*x)/∂x = 0.0452 × w = 0.0452 × -2.0000 = -0.0904"
    )
    assert captions[4].endswith("= 0.0452 × x = 0.0452 × 1.5000 = 0.0678")
    page = ag.viz.stepper_html(f)
    assert "× ∂(w*x)/∂x = 0.0452 × w = 0.0452 × -2.0000 = -0.0904" in page
    # The page draws the picture once and each step's changes as SVG pieces; the last
    # steps' pieces are the edges into w*x, labelled in the operands' names.
    data = json.loads(page.split('id="stepper-data">', 1)[1].split("</script>", 1)[0])
    pieces = [svg_lines(f'<svg xmlns="{SVG[1:-1]}">{piece}</svg>') for piece in data["pieces"]]
    assert names_the_operands([" ".join(line.split()) for lines in pieces for line in lines])


def test_the_cli_explains_in_the_expressions_names(capsys: pytest.CaptureFixture[str]) -> None:
    from autograd_lite.cli import main

    assert main(["graph", "sigmoid(w*x + b)", "--at", "w=-2,x=1.5,b=0", "--explain"]) == 0
    rows = capsys.readouterr().out.split("\n")
    row = next(r for r in rows if r.split()[1:4] == ["w*x", "mul", "x"])
    assert row.split()[4:6] == ["w", "-2.0000"]
    assert any("f*(1 - f)" in r for r in rows)  # ∂f/∂(w*x + b), with f = σ(w*x + b)


# ---------------------------------------------------------------- the notebooks' slips


def test_a_function_of_a_named_node_is_written_with_its_name() -> None:
    """Notebook 01: h = sin(u) with u = x**2 + 1; the step into u shows cos(u), not cos(x)."""
    x = ag.Value(0.7, label="x")
    u = x**2 + 1
    u.label = "u"
    h = ag.sin(u)
    h.label = "h"
    steps = {s.input: s.formula for s in ag.viz.explain(h)}
    assert (steps["u"], steps["x**2"], steps["x"]) == ("cos(u)", "1", "2*x")


def test_the_second_input_is_not_called_y_where_there_is_a_y() -> None:
    """Notebook 04: L = tanh(q + x) with q = x*y; the edge from x is ∂(q + x)/∂x = 1."""
    x, y = ag.Value(0.5, label="x"), ag.Value(-2.0, label="y")
    q = x * y
    q.label = "q"
    L = (q + x).tanh()
    L.label = "L"
    L.backward()
    text = ag.viz.to_dot(L, show=("label", "data", "grad", "formula", "local"))
    assert "∂(q + x)/∂x = 1" in text
    assert "∂/∂y" not in text
    assert "∂q/∂y = x = 0.5000" in text
    assert "∂L/∂(q + x) = 1 - L^2" in text


def test_tensor_formulas_name_the_operands() -> None:
    X = ag.Tensor(np.ones((4, 3)), label="X")
    W = ag.Tensor(np.ones((2, 3)), requires_grad=True, label="W")
    h = (X @ W.T).tanh()
    steps = ag.viz.explain(h.sum())
    assert [(s.input, s.formula) for s in steps][-2:] == [
        ("Wᵀ", "Xᵀ @ g"),
        ("W", "transpose g back"),
    ]


# ---------------------------------------------------------------- the substitution itself


@pytest.mark.parametrize(
    ("formula", "names", "forward", "expected"),
    [
        ("y", {"x": "w", "y": "x"}, "", "x"),  # the other operand, by its own name
        ("x", {"x": "w", "y": "x"}, "", "w"),
        ("1/y", {"x": "a", "y": "b + c"}, "", "1/(b + c)"),
        ("-x/y^2", {"x": "a*b", "y": "-2", "out": "q"}, "", "-(a*b)/(-2)^2"),
        ("x^y*log(x)", {"x": "a", "y": "b*c"}, "", "a^(b*c)*log(a)"),
        ("c*x^(c-1)", {"x": "w*x + b", "c": "-2"}, "", "-2*(w*x + b)^(-3)"),
        ("c*x^(c-1)", {"x": "u", "c": "2"}, "", "2*u"),
        ("cos(x)", {"x": "x**2 + 1"}, "", "cos(x**2 + 1)"),
        ("1 - tanh(x)^2", {"x": "n", "out": "o"}, "tanh(x)", "1 - o^2"),
        ("1 - tanh(x)^2", {"x": "n", "out": "tanh(n)"}, "tanh(x)", "1 - tanh(n)^2"),
        ("σ(x)(1 - σ(x))", {"x": "z", "out": "f"}, "σ(x) = 1/(1 + exp(-x))", "f*(1 - f)"),
        ("exp(x)", {"x": "a + b", "out": "e"}, "exp(x)", "e"),
        ("g @ yᵀ", {"x": "X", "y": "Wᵀ"}, "", "g @ W"),  # (Wᵀ)ᵀ = W
        ("xᵀ @ g", {"x": "X + b", "y": "W"}, "", "(X + b)ᵀ @ g"),
        ("1 if x > 0 else 0", {"x": "a + b"}, "", "1 if a + b > 0 else 0"),  # > binds last
        (
            "1 if lo <= x <= hi else 0",
            {"x": "a*b", "lo": "-1", "hi": "2"},
            "",
            "1 if -1 <= a*b <= 2 else 0",
        ),  # clip's words for its constants, from the table
        ("1 if x > 0 else slope", {"x": "u", "slope": "-0.2"}, "", "1 if u > 0 else -0.2"),
        ("max(x, 0)", {"x": "x1"}, "", "max(x1, 0)"),  # `max` is no placeholder
        ("y", {"x": "x", "y": "my weight"}, "", "my weight"),
        ("1/y", {"x": "x", "y": "my weight"}, "", "1/(my weight)"),
    ],
)
def test_named(formula: str, names: dict[str, str], forward: str, expected: str) -> None:
    assert named(formula, names, forward) == expected


def test_atoms_and_binding() -> None:
    assert [is_atom(n) for n in ("w1", "가중치", "Wᵀ", "2", "0.5", "tanh(a + b)", "X[0]")] == [
        True
    ] * 7
    assert [is_atom(n) for n in ("-2", "w*x", "a + b", "(a)(b)"[:0] or "f(a) + 1")] == [False] * 4
    assert bracket("w*x") == "(w*x)"
    assert bracket("w*x", need=2) == "w*x"
    assert binding("x1*w1 + x2*w2") < binding("x1*w1") < binding("-x") < binding("x**2")
    assert partial("out", "x1*w1 + b") == "∂out/∂(x1*w1 + b)"
    assert partial("tanh(n)", "n") == "∂tanh(n)/∂n"
    assert local_text("w*x", "x", "w", "-2.0000") == FROM_X
    assert local_text("a + b", "b", "1", "1.0000") == "∂(a + b)/∂b = 1"
