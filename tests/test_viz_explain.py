"""The narrated backward pass, the pictures after k steps, and the HTML stepper."""

from __future__ import annotations

import html
import html.parser
import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite.viz.drawing import step_caption, to_drawing
from autograd_lite.viz.html import stepper_frames
from autograd_lite.viz.layout import layout, split_lines
from autograd_lite.viz.options import Options
from autograd_lite.viz.walk import walk


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


def page_data(page: str) -> dict[str, Any]:
    """The frames and SVG pieces a stepper page carries as JSON."""
    found = re.search(r'<script type="application/json" id="stepper-data">(.*?)</script>', page)
    assert found is not None
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def test_the_html_holds_one_frame_per_backward_step() -> None:
    out, _ = neuron()
    page = ag.viz.stepper_html(out)
    frames = page_data(page)["frames"]
    assert [f["step"] for f in frames] == list(range(len(ag.viz.explain(out)) + 1))
    assert frames[3]["caption"].startswith("step 3 of 9: ")
    assert 'type="range"' in page
    assert 'max="9"' in page
    assert "<script>" in page
    # Self-contained: nothing is fetched.
    assert not re.search(r"\b(src|href)=", page)
    assert "http" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "").replace(
        'var svgNS = "http://www.w3.org/2000/svg"', ""
    )
    # The picture, and every piece a frame swaps into it, is well-formed XML.
    svgs = re.findall(r'(<svg xmlns="http.*?</svg>)', page, flags=re.S)
    assert len(svgs) == 1
    ET.fromstring(svgs[0].encode("utf-8"))
    for piece in page_data(page)["pieces"]:
        ET.fromstring(f'<svg xmlns="http://www.w3.org/2000/svg">{piece}</svg>'.encode())
    # And the page parses as HTML with its table row per step.
    parser = html.parser.HTMLParser()
    parser.feed(page)
    assert page.count('<span data-step="') == 10


def shared_graph() -> ag.Value:
    a, b = ag.Value(1.5, label="a"), ag.Value(-0.5, label="b")
    c = a * b + a
    d = (c * c).tanh() + c * a
    d.label = "d"
    return d


def tensor_graph() -> ag.Tensor:
    W = ag.Tensor(np.ones((2, 2)), requires_grad=True, label="W")
    x = ag.Tensor(np.array([1.0, 2.0]), label="x")
    return ((x @ W).tanh() * W[0]).sum()


def normal(lines: list[str]) -> list[str]:
    return [line.strip() for line in split_lines(lines) if line.strip()]


@pytest.mark.parametrize(
    ("make", "max_nodes"),
    [
        (lambda: neuron()[0], None),
        (shared_graph, None),
        (shared_graph, 9),  # summarised: grads still count the steps not drawn
        (tensor_graph, None),
        (tensor_graph, 6),
    ],
)
def test_every_frame_equals_the_walk_at_its_step(make: Any, max_nodes: int | None) -> None:
    # The stepper finds each frame from the walks before and after all the steps; the
    # reference walks the graph again at every step, as the stepper once did.
    root = make()
    options = Options(max_nodes=max_nodes)
    stepper = stepper_frames(root, options)
    assert stepper.frames[0].step == 0
    drawn = stepper.drawing_at(0)
    one = layout(drawn)
    for i, frame in enumerate(stepper.frames):
        graph = walk(root, max_nodes=max_nodes, step=frame.step)
        want = to_drawing(graph, replace(options, title=""))
        got = stepper.drawing_at(i)
        current = next((e for e in graph.edges if frame.step and e.step == frame.step), None)
        caption = step_caption(graph, current)
        assert frame.caption == (f"{caption} · {graph.note}" if graph.note else caption)
        for a, b in zip(got.nodes, want.nodes, strict=True):
            assert normal(a.lines) == normal(b.lines), (frame.step, a.id)
            assert replace(a, lines=[]) == replace(b, lines=[]), (frame.step, a.id)
        for a, b in zip(got.edges, want.edges, strict=True):
            assert normal([a.label]) == normal([b.label]), (frame.step, a.src, a.dst)
            assert replace(a, label="") == replace(b, label=""), (frame.step, a.src)
        # Padded to the widest state, every frame fits the first one's layout.
        assert {k: (v.width, v.height) for k, v in layout(got).nodes.items()} == {
            k: (v.width, v.height) for k, v in one.nodes.items()
        }


def test_the_stepper_is_linear_in_size_and_guards_it() -> None:
    def chain(n: int) -> ag.Value:
        y = ag.Value(0.5, label="x")
        for i in range(n):
            y = (y * 1.0001).tanh() if i % 2 else y + 0.1
        return y

    small = len(ag.viz.stepper_html(chain(100), max_nodes=None))
    large = len(ag.viz.stepper_html(chain(200), max_nodes=None))
    assert large < 2.3 * small  # was 4x: one whole picture per frame
    with pytest.raises(
        ValueError, match=r"the page would be about \d+\.\d MB \(\d+ frames .* max_bytes=1,000"
    ):
        ag.viz.stepper_html(chain(100), max_nodes=None, max_bytes=1_000)


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
    assert 0 < len(page_data(page)["frames"]) < 20


def test_tensor_stepper_marks_reached_gradients() -> None:
    W = ag.Tensor(np.ones((2, 2)), requires_grad=True, label="W")
    loss = (W * W).sum()
    page = ag.viz.stepper_html(loss)
    assert len(page_data(page)["frames"]) == 1 + 3
    assert "grad reached" in page


PROBE = """<script>
function texts() {
  var texts = ".picture svg .edge-labels text, .picture svg .nodes text";
  return Array.from(document.querySelectorAll(texts))
    .map(function (t) { return t.textContent.trim(); }).filter(Boolean).join("|");
}
var seen = [];
["next", "next", "next"].forEach(function (b) { document.getElementById(b).click(); });
seen.push(texts());
var slider = document.getElementById("slider");
slider.value = 9; slider.dispatchEvent(new Event("input"));
seen.push(texts());
for (var i = 0; i < 9; i++) { document.getElementById("prev").click(); }
seen.push(texts());
var out = document.createElement("pre"); out.id = "probe";
out.textContent = JSON.stringify(seen); document.body.appendChild(out);
</script></body>"""


@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs a headless Chromium")
def test_the_slider_shows_each_frame_in_a_browser(tmp_path: Path) -> None:
    # The page's script swaps SVG pieces in and out; a real browser runs it forward to
    # frame 3, jumps to 9, and back to 0, and each time shows that frame's text.
    out, _ = neuron()
    page = ag.viz.stepper_html(out).replace("</body>", PROBE)
    (tmp_path / "page.html").write_text(page, encoding="utf-8")
    uri = (tmp_path / "page.html").as_uri()
    dom = subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", uri],
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    found = re.search(r'<pre id="probe">(.*?)</pre>', dom, flags=re.S)
    assert found is not None, dom[-500:]
    seen = json.loads(html.unescape(found.group(1)))
    stepper = stepper_frames(out)

    def texts(k: int) -> str:
        drawing = stepper.drawing_at(k)
        labels = [line for e in drawing.edges if e.label for line in normal([e.label])]
        return "|".join(labels + [line for n in drawing.nodes for line in normal(n.lines)])

    assert seen == [texts(3), texts(9), texts(0)]


def test_the_table_escapes_control_characters() -> None:
    x = ag.Value(2.0, label="a\nb\x1b[31mred\u202egnp.exe\u2028")
    y = x * x
    y.label = "out\r"
    table = ag.viz.explain(y).table()
    assert len(table.splitlines()) == 4  # the head, the seed and two steps: no row split
    assert "\x1b" not in table
    assert "\u202e" not in table
    assert "\u2028" not in table
    assert "\r" not in table
    assert "a\\nb\\x1b[31mred\\u202egnp.exe\\u2028" in table
    assert "out\\r.grad = 1" in table
    assert "가중치" in ag.viz.explain(ag.Value(1.0, label="가중치") * 2).table()  # kept


def test_formulas_write_the_numbers_an_op_keeps_for_its_words() -> None:
    """clip's `lo` and `hi` and leaky_relu's `slope` are written as the numbers given
    (`Show.operands` in the table), as `c` always was."""
    x = ag.Value(0.3, label="x")
    z = ag.leaky_relu(ag.clip(x, -1.0, 2.0) * 2, -0.2)
    z.label = "z"
    z.backward()
    table = str(ag.viz.explain(z))
    assert "1 if -1 <= x <= 2 else 0" in table
    assert "1 if clip(x, -1, 2)*2 > 0 else -0.2" in table
