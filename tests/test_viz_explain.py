"""The narrated backward pass, the pictures after k steps, and the HTML stepper."""

from __future__ import annotations

import html.parser
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite.viz.html import stepper_frames
from autograd_lite.viz.layout import layout


def neuron() -> tuple[ag.Value, list[ag.Value]]:
    x1, x2 = ag.Value(2.0, label="x1"), ag.Value(0.0, label="x2")
    w1, w2 = ag.Value(-3.0, label="w1"), ag.Value(1.0, label="w2")
    b = ag.Value(6.8813735870195432, label="b")
    out = (x1 * w1 + x2 * w2 + b).tanh()
    out.label = "out"
    return out, [x1, x2, w1, w2, b]


def test_explain_lists_the_neurons_steps_in_the_engines_order() -> None:
    out, _ = neuron()
    steps = ag.viz.explain(out)
    assert [s.index for s in steps] == list(range(1, 10))
    assert [(s.node, s.op, s.input) for s in steps[:3]] == [
        ("out", "tanh", "x1*w1 + x2*w2 + b"),
        ("x1*w1 + x2*w2 + b", "add", "x1*w1 + x2*w2"),
        ("x1*w1 + x2*w2 + b", "add", "b"),
    ]
    first = steps[0]
    assert first.formula == "1 - out^2"  # out = tanh(x1*w1 + x2*w2 + b) is labelled `out`
    assert first.rule_formula == "1 - tanh(x)^2"
    assert first.upstream == 1.0
    assert first.local == pytest.approx(0.5)
    by_input = {s.input: s for s in steps}
    x1 = by_input["x1"]
    assert (x1.formula, x1.local, x1.upstream) == ("w1", -3.0, pytest.approx(0.5))
    assert (x1.variable, x1.rule_formula) == ("x", "y")
    assert x1.contribution == x1.upstream * x1.local == pytest.approx(-1.5)
    assert by_input["w2"].total == 0.0
    assert out.grad == 0.0  # explain reads and changes no .grad


def test_running_totals_end_at_the_grads_of_backward() -> None:
    x = ag.Value(3.0, label="x")
    y = x * x + x.sin()
    steps = ag.viz.explain(y)
    totals = [s.total for s in steps if s.input == "x"]
    y.backward()
    assert len(totals) == 3  # x*x gives two steps, sin one
    assert totals[-1] == x.grad
    assert totals[0] == 3.0
    assert totals[1] == 6.0


def test_the_table_is_aligned_and_prints_every_step() -> None:
    out, _ = neuron()
    steps = ag.viz.explain(out)
    table = str(steps)
    lines = table.split("\n")
    assert len(lines) == 2 + len(steps)
    assert lines[0].split()[:4] == ["step", "node", "op", "input"]
    assert "out.grad = 1" in lines[1]
    assert "-1.5000" in table
    assert "0.5000" in table
    column = lines[0].index("input grad")
    assert {len(line) for line in lines[2:]} == {column + len("input grad")}  # right-aligned
    assert "9 chain-rule steps" in repr(steps)


def test_the_table_aligns_korean_names() -> None:
    x = ag.Value(2.0, label="가중치")
    y = x * ag.Value(3.0, label="y")
    rows = ag.viz.explain(y).table().split("\n")[2:]
    widths = [len(row) + sum(1 for ch in row if "\uac00" <= ch <= "\ud7a3") for row in rows]
    assert len(set(widths)) == 1  # wide characters take two columns


def test_tensor_steps_have_formulas_and_shapes() -> None:
    W = ag.Tensor(np.ones((2, 3)), requires_grad=True, label="W")
    b = ag.Tensor(np.zeros(2), requires_grad=True, label="b")
    loss = (W @ ag.Tensor([1.0, 2.0, 3.0], label="x") + b).tanh().sum()
    loss.label = "loss"
    steps = ag.viz.explain(loss)
    assert [(s.op, s.input, s.formula) for s in steps] == [
        ("sum", "tanh(W @ x + b)", "broadcast g back to tanh(W @ x + b)'s shape"),
        ("tanh", "W @ x + b", "1 - tanh(W @ x + b)^2"),
        ("add", "W @ x", "1"),
        ("add", "b", "1"),
        ("matmul", "W", "g @ xᵀ"),  # x has no requires_grad: no step
    ]
    assert steps[-1].output_shape == (2,)
    assert steps[-1].input_shape == (2, 3)
    assert all(s.local is None for s in steps)
    assert "g shape" in steps.table()
    assert "(2, 3)" in steps.table()


def test_explain_refuses_what_is_not_a_graph() -> None:
    with pytest.raises(TypeError, match=r"explain: expected an ag\.Value"):
        ag.viz.explain(np.ones(3))


# ---------------------------------------------------------------- the stepper


def test_a_picture_after_k_steps_shows_only_the_grads_reached() -> None:
    out, _ = neuron()
    text = ag.viz.to_dot(out, step=3)
    assert "step 3 of 9" in text
    assert text.count(">grad not computed<") == 6  # x1, w1, x2, w2, x1*w1, x2*w2
    assert "penwidth=2.4" in text  # the step's edge is highlighted
    assert out.grad == 0.0


def test_the_html_holds_one_frame_per_backward_step() -> None:
    out, _ = neuron()
    page = ag.viz.stepper_html(out)
    frames = re.findall(r'<div class="frame[^"]*" data-step="(\d+)"', page)
    assert frames == [str(k) for k in range(len(ag.viz.explain(out)) + 1)]
    assert 'type="range"' in page
    assert 'max="9"' in page
    assert "<script>" in page
    # Self-contained: nothing is fetched.
    assert not re.search(r"\b(src|href)=", page)
    assert "http" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    # Every frame's SVG is well-formed XML.
    for svg in re.findall(r"(<svg.*?</svg>)", page, flags=re.S):
        ET.fromstring(svg.encode("utf-8"))
    # And the page parses as HTML with its table row per step.
    parser = html.parser.HTMLParser()
    parser.feed(page)
    assert page.count('<span data-step="') == 10


def test_frames_share_one_layout() -> None:
    out, _ = neuron()
    frames = stepper_frames(out)
    layouts = [layout(drawing) for _, _, drawing in frames]
    first = {k: (b.x, b.y, b.width, b.height) for k, b in layouts[0].nodes.items()}
    for lay in layouts[1:]:
        assert {k: (b.x, b.y, b.width, b.height) for k, b in lay.nodes.items()} == first


def test_the_stepper_escapes_labels() -> None:
    x = ag.Value(2.0, label='<script>"가"</script>')
    y = x * x
    page = ag.viz.stepper_html(y)
    assert '<script>"가"' not in page
    assert "&lt;script&gt;&quot;가&quot;&lt;/script&gt;" in page


def test_the_stepper_refuses_too_many_frames() -> None:
    x = ag.Value(0.5, label="x")
    y = x
    for _ in range(50):
        y = y.sin()
    with pytest.raises(ValueError, match=r"50 steps to draw.*max_frames=10"):
        ag.viz.stepper_html(y, max_frames=10)
    page = ag.viz.stepper_html(y, max_nodes=20)  # only the part nearest the output
    assert 0 < page.count('class="frame') < 20


def test_tensor_stepper_marks_reached_gradients() -> None:
    W = ag.Tensor(np.ones((2, 2)), requires_grad=True, label="W")
    loss = (W * W).sum()
    page = ag.viz.stepper_html(loss)
    assert page.count('class="frame') == 1 + 3
    assert "grad reached" in page
