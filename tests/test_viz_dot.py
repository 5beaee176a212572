"""DOT text, the graphviz.Digraph, the built-in SVG fallback, and saving files."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite.viz import dot as dot_module
from autograd_lite.viz.drawing import drawing_of
from autograd_lite.viz.layout import split_lines

SVG = "{http://www.w3.org/2000/svg}"
HAS_DOT = shutil.which("dot") is not None
needs_dot = pytest.mark.skipif(not HAS_DOT, reason="Graphviz's dot program is not installed")
TRICKY = 'w "1" <b> & 가중치 \\ end'


def neuron() -> ag.Value:
    x1, x2 = ag.Value(2.0, label="x1"), ag.Value(0.0, label="x2")
    w1, w2 = ag.Value(-3.0, label="w1"), ag.Value(1.0, label="w2")
    b = ag.Value(6.8813735870195432, label="b")
    out = (x1 * w1 + x2 * w2 + b).tanh()
    out.label = "out"
    return out


def tricky() -> ag.Value:
    """A graph whose labels need escaping everywhere: quotes, <, >, &, Korean, backslash."""
    w = ag.Value(1.5, label=TRICKY)
    y = ag.Value(-2.0, label="출력 'y'")
    out = (w * y).relu() + w
    out.label = "a<b>&c"
    out.backward()
    return out


def svg_texts(svg: str) -> list[str]:
    """The text of every `<text>` element of an SVG document, after XML parsing."""
    root = ET.fromstring(svg.encode("utf-8"))
    return [" ".join("".join(t.itertext()).split()) for t in root.iter(f"{SVG}text")]


def picture_lines(root: ag.Value) -> list[str]:
    """Every line of text the picture should carry: node lines and edge labels."""
    drawing = drawing_of(root, "test")
    lines = [line for node in drawing.nodes for line in split_lines(node.lines)]
    lines += [line for edge in drawing.edges if edge.label for line in split_lines([edge.label])]
    return lines


# ---------------------------------------------------------------- DOT text


def test_dot_shows_every_label_data_grad_and_edge_value_of_the_neuron() -> None:
    out = neuron()
    out.backward()
    text = ag.viz.to_dot(out)
    assert text.startswith("digraph")
    assert text.rstrip().endswith("}")
    for name in ("x1", "x2", "w1", "w2", "b", "out", "x1*w1", "x1*w1 + x2*w2 + b"):
        assert f"<B>{name}</B>" in text
    for number in ("data 2.0000", "data -3.0000", "data 6.8814", "data 0.8814", "data 0.7071"):
        assert number in text
    for grad in ("grad -1.5000", "grad 1.0000", "grad 0.5000", "grad 0.0000"):
        assert grad in text
    # Every edge into an op: the local derivative in the operands' names, then the
    # upstream gradient, named by the node it comes from, and the contribution.
    labels = [
        " ".join(label.split("\\n")) for label in re.findall(r'-> op\d+ \[label="([^"]*)"', text)
    ]
    assert len(labels) == 9
    assert (  # tanh: 1 - 0.7071^2
        "∂out/∂(x1*w1 + x2*w2 + b) = 1 - out^2 = 0.5000 × out.grad 1.0000 = 0.5000" in labels
    )
    assert "∂(x1*w1)/∂x1 = w1 = -3.0000 × (x1*w1).grad 0.5000 = -1.5000" in labels
    assert "∂(x1*w1)/∂w1 = x1 = 2.0000 × (x1*w1).grad 0.5000 = 1.0000" in labels
    assert "∂(x2*w2)/∂w2 = x2 = 0.0000 × (x2*w2).grad 0.5000 = 0.0000" in labels
    assert text.count(" -> ") == 9 + 5  # inputs into ops, and each op to its output


def test_before_backward_the_picture_says_not_computed() -> None:
    text = ag.viz.to_dot(neuron())
    assert "grad not computed" in text
    assert "grad 0.0000" not in text
    assert ".grad" not in text  # no upstream gradient yet
    assert "∂(x1*w1)/∂x1 = w1\\n= -3.0000" in text
    words = " ".join(re.sub(r"<[^>]+>", " ", text).split())  # the title's lines joined
    assert "call backward() on the output" in words


@needs_dot
def test_dot_output_parses_with_graphviz_and_keeps_all_text() -> None:
    for out in (neuron(), tricky()):
        if out.grad == 0.0:
            out.backward()
        done = subprocess.run(
            ["dot", "-Tsvg"], input=ag.viz.to_dot(out).encode(), capture_output=True, check=True
        )
        assert b"Warning" not in done.stderr
        assert b"Error" not in done.stderr
        texts = svg_texts(done.stdout.decode("utf-8"))
        for line in picture_lines(out):
            assert " ".join(line.split()) in texts, line


@needs_dot
def test_a_long_title_is_wrapped_and_the_picture_is_wide_enough_for_it() -> None:
    """Graphviz measures bold text as regular (and viewers' stand-ins for Helvetica run
    wider): left to itself it made the picture narrower than a long title, cut off."""
    from autograd_lite.viz.style import BOLD, TITLE_ROOM, text_width

    x = ag.Value(2.0, label="x")
    out = x * x
    title = "a title of many words that a learner gave to this picture, " * 2
    svg = subprocess.run(
        ["dot", "-Tsvg"], input=ag.viz.to_dot(out, title=title).encode(), capture_output=True
    ).stdout.decode("utf-8")
    root = ET.fromstring(svg.encode("utf-8"))
    width = float(root.attrib["viewBox"].split()[2])
    lines = [t for t in svg_texts(svg) if t and t in title]
    assert " ".join(lines) == " ".join(title.split())  # every word, in order
    assert len(lines) > 1
    for line in lines:
        assert text_width(line, 14) * BOLD <= min(width, TITLE_ROOM * 1.2), line


def test_the_scale_graphviz_rounds_is_written_exactly() -> None:
    svg = (
        '<svg width="2789pt" height="792pt" viewBox="0.00 0.00 2789.00 791.90">'
        '<g id="graph0" class="graph" transform="scale(0.88 0.88) rotate(0) '
        'translate(4 898.64)">'
    )
    fixed = dot_module.exact_scale(svg)
    assert 'transform="scale(0.877315 0.877315) rotate(0) translate(4 898.64)"' in fixed
    assert dot_module.exact_scale(fixed) == fixed
    unscaled = svg.replace("scale(0.88 0.88)", "scale(1 1)")
    assert dot_module.exact_scale(unscaled) == unscaled


@needs_dot
def test_a_wide_picture_shrunk_to_its_width_keeps_its_far_node_inside() -> None:
    """Shrunk to `width`, Graphviz 2.43 drew at a scale rounded to 0.88 (0.8773 meant):
    the node at the far right overflowed the picture and was cut off."""
    x, y = ag.Value(0.5, label="x"), ag.Value(-1.2, label="y")
    out = x
    for _ in range(12):
        out = (out * y + x).tanh()
    out.label = "z"
    svg = ag.viz.to_svg(out, rankdir="LR", renderer="dot")
    root = ET.fromstring(svg.encode("utf-8"))
    width = float(root.attrib["viewBox"].split()[2])
    graph = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "graph")
    scale, pad = re.search(
        r"scale\(([0-9.]+) [0-9.]+\).*translate\(([0-9.]+)", graph.get("transform", "")
    ).groups()
    assert float(scale) < 1  # shrunk, or the test shows nothing
    right = max(
        float(v)
        for node in root.iter(f"{SVG}g")
        if node.get("class") == "node"
        for shape in node.iter()
        for v in re.findall(
            r"(-?[0-9.]+),-?[0-9.]+", shape.get("d", "") + " " + shape.get("points", "")
        )
    )
    assert (right + float(pad)) * float(scale) <= width + 0.01


def test_labels_are_escaped_in_dot() -> None:
    text = ag.viz.to_dot(tricky())
    assert "w &quot;1&quot; &lt;b&gt; &amp; 가중치 \\\\ end" in text  # HTML-like label
    assert 'tooltip="w \\"1\\" <b> & 가중치 \\\\ end' in text  # quoted string
    assert "<B>a&lt;b&gt;&amp;c</B>" in text


def test_backslash_escapes_of_graphviz_are_shown_literally() -> None:
    # Graphviz expands \N (node id), \G (graph name), \E, \T, \H, \L in labels of both
    # kinds; a learner's label must show as typed.
    x = ag.Value(2.0, label="a\\N\\G")
    y = x * x
    y.label = "out\\E"
    y.backward()
    text = ag.viz.to_dot(y, title="t\\G")
    assert "<B>a\\\\N\\\\G</B>" in text
    assert "<B>out\\\\E</B>" in text
    assert "<B>t\\\\G</B>" in text
    assert 'tooltip="a\\\\N\\\\G (leaf)' in text
    if ag.viz.dot.has_dot():
        svg = ag.viz.dot.run_dot(text, "svg").decode("utf-8")
        assert ">a\\N\\G</text>" in svg
        assert ">out\\E</text>" in svg


def test_show_picks_the_fields() -> None:
    out = neuron()
    out.backward()
    text = ag.viz.to_dot(out, show=("label", "grad", "formula"), rankdir="LR")
    assert "data 2.0000" not in text
    assert "grad -1.5000" in text
    assert '∂out/∂(x1*w1 + x2*w2 + b)\\n= 1 - out^2"' in text  # the formula, no value
    assert '0.5000"' not in text.split("->", 1)[1]  # no local value, no contribution
    assert "rankdir=LR" in text
    with pytest.raises(ValueError, match="show= got 'colour'; choose from 'label'"):
        ag.viz.to_dot(out, show=("label", "colour"))
    with pytest.raises(ValueError, match="rankdir must be 'LR', 'TB' or 'auto'"):
        ag.viz.to_dot(out, rankdir="RL")
    with pytest.raises(TypeError, match=r"to_dot: expected an ag\.Value or ag\.Tensor"):
        ag.viz.to_dot([1.0, 2.0])
    with pytest.raises(TypeError, match="unknown option 'rank_dir'; did you mean 'rankdir'"):
        ag.viz.to_dot(out, rank_dir="TB")


def test_a_summarised_graph_says_so() -> None:
    x = ag.Value(0.5, label="x")
    y = x
    for _ in range(5000):
        y = (y * 0.999).sin()
    text = ag.viz.to_dot(y)
    assert "summarised" in text
    assert "⋯ inputs not shown" in text
    assert text.count("->") < 400


def test_tensor_edges_show_formulas_and_shapes() -> None:
    W = ag.Tensor(np.ones((2, 3)), requires_grad=True, label="W")
    loss = (W @ ag.Tensor([1.0, 2.0, 3.0], label="x")).sum()
    loss.backward(retain_graph=True)
    text = ag.viz.to_dot(loss)
    assert "vjp: g @ xᵀ\\ng = (W @ x).grad, (2,) → (2, 3)" in text  # in the operands' names
    assert 'style="dashed"' in text  # x has no grad: its edge carries none
    assert "(2, 3) float64" in text
    assert "grad not kept" in text
    assert "grad none" not in text  # a constant is drawn without a grad


# ---------------------------------------------------------------- built-in SVG


def test_builtin_svg_is_well_formed_and_has_the_same_text() -> None:
    for out in (neuron(), tricky()):
        if out.grad == 0.0:
            out.backward()
        svg = ag.viz.to_svg(out, renderer="builtin")
        texts = svg_texts(svg)  # raises if the XML is not well formed
        for line in picture_lines(out):
            assert " ".join(line.split()) in texts, line
    assert "a&lt;b&gt;&amp;c" in ag.viz.to_svg(tricky(), renderer="builtin")


def test_without_dot_pictures_fall_back_to_the_builtin_svg(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    out = neuron()
    out.backward()
    picture = ag.viz.draw(out)
    svg = picture._repr_svg_()
    assert 'class="node"' in svg  # the built-in renderer's markup
    assert "grad -1.5000" in svg_texts(svg)
    with pytest.raises(RuntimeError, match="needs Graphviz"):
        ag.viz.to_svg(out, renderer="dot")


@needs_dot
def test_with_dot_pictures_use_graphviz() -> None:
    out = neuron()
    out.backward()
    svg = ag.viz.to_svg(out)
    assert "Generated by graphviz" in svg
    assert "grad -1.5000" in svg_texts(svg)


# ---------------------------------------------------------------- graphviz.Digraph


def test_draw_graph_is_a_digraph_that_shows_even_without_dot(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    graphviz = pytest.importorskip("graphviz")
    out = neuron()
    out.backward()
    g = ag.viz.draw_graph(out)
    assert isinstance(g, graphviz.Digraph)
    assert "grad -1.5000" in g.source
    assert "∂(x1*w1)/∂x1 = w1" in g.source
    monkeypatch.setattr(shutil, "which", lambda name: None)
    bundle = g._repr_mimebundle_()
    assert "grad -1.5000" in svg_texts(bundle["image/svg+xml"])


@needs_dot
def test_draw_graph_source_renders_with_dot() -> None:
    pytest.importorskip("graphviz")
    out = neuron()
    out.backward()
    svg = ag.viz.draw_graph(out).pipe(format="svg").decode("utf-8")
    assert "grad -1.5000" in svg_texts(svg)


def test_draw_graph_without_the_graphviz_package_names_the_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "graphviz", None)  # import graphviz now fails
    dot_module._digraph_class.cache_clear()
    try:
        with pytest.raises(ImportError, match=r'pip install "autograd_lite\[viz\]"'):
            ag.viz.draw_graph(neuron())
    finally:
        dot_module._digraph_class.cache_clear()


def test_importing_autograd_lite_does_not_import_graphviz() -> None:
    code = "import sys, autograd_lite; print('graphviz' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


# ---------------------------------------------------------------- save


def test_save_writes_each_format(tmp_path: Path) -> None:
    out = neuron()
    out.backward()
    svg = ag.viz.save(out, tmp_path / "n.svg", renderer="builtin")
    assert "grad -1.5000" in svg_texts(svg.read_text(encoding="utf-8"))
    assert ag.viz.save(out, tmp_path / "n.dot").read_text(encoding="utf-8").startswith("digraph")
    page = ag.viz.save(out, tmp_path / "n.html").read_text(encoding="utf-8")
    assert page.count('"caption": "step ') == 10  # the seed and 9 steps
    if HAS_DOT:
        png = ag.viz.save(out, tmp_path / "n.PNG").read_bytes()
        assert png.startswith(b"\x89PNG")


def test_save_refuses_an_unknown_extension_listing_the_choices(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"\.jpg; use one of \.svg, \.png, \.dot, \.gv, \.html"):
        ag.viz.save(neuron(), tmp_path / "n.jpg")
    with pytest.raises(ValueError, match="extension \\(none\\)"):
        ag.viz.save(neuron(), tmp_path / "graph")
    assert not list(tmp_path.iterdir())


def test_a_png_without_dot_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(RuntimeError, match=r"a PNG needs Graphviz's dot program.*save as \.svg"):
        ag.viz.save(neuron(), tmp_path / "n.png")
    with pytest.raises(ValueError, match="renderer must be 'auto', 'dot' or 'builtin'"):
        ag.viz.save(neuron(), tmp_path / "n.svg", renderer="cairo")  # type: ignore[arg-type]


def test_constants_are_drawn_without_a_grad_and_their_edges_carry_none() -> None:
    x = ag.Value(3.0, label="x")
    v = 2 * x
    v.label = "v"
    v.backward()
    drawing = drawing_of(v, "test")
    constant = next(n for n in drawing.nodes if n.shape == "box")
    assert constant.lines == ["2"]  # as the formula writes it; no grad
    edge = next(e for e in drawing.edges if e.src == constant.id)
    assert edge.faint
    assert edge.label == ""
    into = next(e for e in drawing.edges if e.label)
    assert into.label == "∂v/∂x = 2\n× v.grad 1.0000 = 2.0000"  # 2 is not repeated as 2.0000
    text = ag.viz.to_dot(v)
    assert 'style="dashed"' in text
    assert text.count(">grad ") == 2  # in the boxes of x and v only


def test_one_wording_for_a_missing_grad() -> None:
    out = neuron()
    texts = [ag.viz.to_dot(out), ag.viz.to_dot(out, step=1), ag.viz.to_svg(out, step=2)]
    for text in texts:
        assert "grad not computed" in text
        assert "grad none" not in text
        assert "not reached" not in text


def test_a_constant_kept_inside_an_op_is_drawn_as_a_box() -> None:
    """An op may keep a number operand in itself (`x * 2.0` with one input node)."""
    from autograd_lite.viz.drawing import to_drawing
    from autograd_lite.viz.model import Edge, Graph, OpNode, ValueNode

    def value(i: str, name: str, role: str) -> ValueNode:
        return ValueNode(i, name, name, role, 3.0, 1.0, "", None, None)  # type: ignore[arg-type]

    names = {"x": "x", "y": "2", "out": "v"}
    op = OpNode("op0", "mul", "*", "x * y", ("y", "x"), True, "", "v0", names, kept="2")
    graph = Graph(
        "Value",
        "v0",
        [value("v1", "x", "leaf"), value("v0", "v", "output")],
        [op],
        [Edge("v1", "op0", 0, "x", "y", 2.0, 1.0, 2.0, None, 1)],
        grads_computed=True,
        total_nodes=2,
        total_steps=1,
    )
    drawing = to_drawing(graph)
    box = next(n for n in drawing.nodes if n.shape == "box")
    assert box.lines == ["2"]
    assert any(e.src == box.id and e.dst == "op0" and e.faint for e in drawing.edges)
    assert any(e.label.startswith("∂v/∂x = 2") for e in drawing.edges)
    assert "2" in svg_texts(ag.viz.svg.render_svg(drawing))


def test_only_a_title_reserves_width_in_the_graphviz_label() -> None:
    """Graphviz measures the regular legend well: reserving width for it made a small
    picture a third wider than it needs. A bold title's width is reserved."""
    x = ag.Value(2.0, label="x")
    out = x * x
    out.backward()
    plain = ag.viz.to_dot(out)
    assert "forward pass" in plain
    assert "WIDTH=" not in plain
    titled = ag.viz.to_dot(out, title="a title")
    assert re.search(r'<TD [^>]*WIDTH="\d+"', titled)
