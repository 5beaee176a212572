"""The built-in SVG renderer and its layered layout (no Graphviz needed)."""

from __future__ import annotations

import importlib.util
import itertools
import math
import os
import random
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_lite.viz.layout import (
    DrawEdge,
    Drawing,
    DrawNode,
    Layout,
    NodeBox,
    Rankdir,
    Shape,
    layout,
    text_width,
)
from autograd_lite.viz.svg import render_svg

SVG = "{http://www.w3.org/2000/svg}"
CIRCLE: Any = "circle"  # not a shape
RL: Any = "RL"  # not a rankdir
SHAPES: tuple[Shape, ...] = ("record", "ellipse", "box")
RANKDIRS: tuple[Rankdir, ...] = ("LR", "TB")
ROOT = Path(__file__).resolve().parents[1]


def neuron(rankdir: Rankdir = "LR") -> Drawing:
    """o = tanh(x1*w1 + x2*w2 + b), as the visualizer would hand it over."""

    def value(i: str, data: float, grad: float) -> DrawNode:
        return DrawNode(i, [i, f"data {data:.4f}", f"grad {grad:.4f}"])

    def op(i: str, name: str) -> DrawNode:
        return DrawNode(i, [name], "ellipse")

    nodes = [
        value("x1", 2.0, -1.5),
        value("w1", -3.0, 1.0),
        value("x2", 0.0, 0.5),
        value("w2", 1.0, 0.0),
        value("b", 6.8814, 0.5),
        op("m1", "*"),
        value("x1w1", -6.0, 0.5),
        op("m2", "*"),
        value("x2w2", 0.0, 0.5),
        op("a1", "+"),
        value("s", -6.0, 0.5),
        op("a2", "+"),
        value("n", 0.8814, 0.5),
        op("t", "tanh"),
        DrawNode("o", ["o", "data 0.7071", "grad 1.0000"], highlight=True),
    ]
    edges = [
        DrawEdge("x1", "m1", "∂/∂x1 = -3.00"),
        DrawEdge("w1", "m1", "∂/∂w1 = 2.00"),
        DrawEdge("m1", "x1w1"),
        DrawEdge("x2", "m2", "∂/∂x2 = 1.00"),
        DrawEdge("w2", "m2", "∂/∂w2 = 0.00"),
        DrawEdge("m2", "x2w2"),
        DrawEdge("x1w1", "a1", "∂/∂x = 1"),
        DrawEdge("x2w2", "a1", "∂/∂y = 1"),
        DrawEdge("a1", "s"),
        DrawEdge("s", "a2", "∂/∂x = 1"),
        DrawEdge("b", "a2", "∂/∂y = 1"),
        DrawEdge("a2", "n"),
        DrawEdge("n", "t", "local 0.5000\ncontrib 0.5000", highlight=True),
        DrawEdge("t", "o"),
    ]
    return Drawing(nodes, edges, rankdir=rankdir, title="neuron")


def square() -> Drawing:
    """y = x * x: the same edge twice."""
    return Drawing(
        [DrawNode("x", ["x", "data 3.0"]), DrawNode("m", ["*"], "ellipse"), DrawNode("y", ["y"])],
        [DrawEdge("x", "m", "∂/∂x = 3"), DrawEdge("x", "m", "∂/∂x = 3"), DrawEdge("m", "y")],
    )


def random_dag(n: int, seed: int, window: int = 30) -> Drawing:
    """Each node takes one to three inputs among the `window` nodes before it."""
    rng = random.Random(seed)
    nodes = [
        DrawNode(f"n{i}", [f"n{i}", f"data {rng.random():.4f}"], rng.choice(["record", "ellipse"]))
        for i in range(n)
    ]
    edges = [
        DrawEdge(f"n{rng.randrange(max(0, i - window), i)}", f"n{i}", f"{rng.random():.2f}")
        for i in range(1, n)
        for _ in range(rng.randint(1, 3))
    ]
    return Drawing(nodes, edges)


def texts(svg: str) -> list[str]:
    """The text of every `<text>` element, after XML parsing."""
    root = ET.fromstring(svg.encode("utf-8"))
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def overlaps(boxes: list[NodeBox], across_x: bool) -> list[tuple[str, str]]:
    """Pairs of boxes in one layer whose extents across the layer intersect."""
    by_layer: dict[int, list[NodeBox]] = defaultdict(list)
    for box in boxes:
        by_layer[box.layer].append(box)
    found = []
    for members in by_layer.values():
        spans = sorted(
            (b.y - b.height / 2, b.y + b.height / 2, b.id)
            if across_x
            else (b.x - b.width / 2, b.x + b.width / 2, b.id)
            for b in members
        )
        for (_, end, a), (start, _, b) in itertools.pairwise(spans):
            if start < end - 1e-9:
                found.append((a, b))
    return found


def check_consistent(d: Drawing, lay: Layout) -> None:
    """Every node placed once, every edge forward, no overlaps, finite curves."""
    assert set(lay.nodes) == {node.id for node in d.nodes}
    assert len(lay.edges) == len(d.edges)
    for edge, route in zip(d.edges, lay.edges):
        assert lay.nodes[edge.src].layer < lay.nodes[edge.dst].layer
        assert (route.src, route.dst) == (edge.src, edge.dst)
        assert len(route.spline) % 3 == 1
        for x, y in route.spline:
            assert math.isfinite(x)
            assert math.isfinite(y)
            assert -1e-6 <= x <= lay.width + 1e-6
            assert -1e-6 <= y <= lay.height + 1e-6
    assert overlaps(list(lay.nodes.values()), across_x=lay.rankdir == "LR") == []


@pytest.mark.parametrize("rankdir", ["LR", "TB"])
def test_svg_parses_and_shows_every_line_and_label(rankdir: Rankdir) -> None:
    d = neuron(rankdir)
    svg = render_svg(d)
    root = ET.fromstring(svg.encode("utf-8"))
    assert root.tag == f"{SVG}svg"
    assert len(root.get("viewBox", "").split()) == 4
    assert float(root.get("width", "0")) > 0
    assert float(root.get("height", "0")) > 0
    shown = texts(svg)
    for node in d.nodes:
        for line in node.lines:
            assert line in shown
    for edge in d.edges:
        for line in edge.label.splitlines():
            assert line in shown
    assert "neuron" in shown
    assert root.find(f"{SVG}defs/{SVG}marker") is not None
    node_groups = [g for g in root.iter(f"{SVG}g") if g.get("class") == "node"]
    assert len(node_groups) == len(d.nodes)
    assert all(g.find(f"{SVG}title") is not None for g in node_groups)
    paths = [g.find(f"{SVG}path") for g in root.iter(f"{SVG}g") if g.get("class") == "edge"]
    assert len(paths) == len(d.edges)
    assert all(p is not None and "url(#" in p.get("marker-end", "") for p in paths)
    assert "<script" not in svg
    assert "href" not in svg


def test_special_characters_and_korean_round_trip() -> None:
    nasty = "<&>\"' x"
    d = Drawing(
        [
            DrawNode("a&b", ["가중치", f"data {nasty}"]),
            DrawNode("<op>", [nasty], "ellipse", fill='"red"'),
        ],
        [DrawEdge("a&b", "<op>", f"∂ {nasty}\n기여 1.5")],
        title=f"제목 {nasty}",
    )
    svg = render_svg(d)
    shown = texts(svg)
    assert "가중치" in shown
    assert f"data {nasty}" in shown
    assert nasty in shown
    assert f"∂ {nasty}" in shown
    assert "기여 1.5" in shown
    assert f"제목 {nasty}" in shown
    assert "가중치" in svg  # UTF-8 text, not character references
    root = ET.fromstring(svg.encode("utf-8"))
    tips = ["".join(t.itertext()) for t in root.iter(f"{SVG}title")]
    assert f"가중치\ndata {nasty}" in tips


def test_characters_xml_cannot_hold_are_replaced() -> None:
    d = Drawing([DrawNode("a", ["bell\x07 nul\x00 esc\x1b"])], [])
    assert "bell\ufffd nul\ufffd esc\ufffd" in texts(render_svg(d))


def test_wide_characters_count_double() -> None:
    assert text_width("가중치", 10.0) == pytest.approx(2 * text_width("abc", 10.0))
    assert text_width("e\u0301", 10.0) == pytest.approx(text_width("e", 10.0))
    korean = layout(Drawing([DrawNode("k", ["가중치가중치가중치가중치"])], []))
    latin = layout(Drawing([DrawNode("k", ["abcabcabcabc"])], []))
    assert korean.nodes["k"].width > latin.nodes["k"].width


@pytest.mark.parametrize("rankdir", ["LR", "TB"])
def test_neuron_layout_is_consistent(rankdir: Rankdir) -> None:
    d = neuron(rankdir)
    lay = layout(d)
    check_consistent(d, lay)
    # The bias waits next to the `+` that uses it, as dot would put it.
    assert lay.nodes["b"].layer == lay.nodes["a2"].layer - 1
    shapes = {node.id: node.shape for node in d.nodes}
    side = -1.0  # the arrow touches the target's near side: left for LR, top for TB
    for route in lay.edges:
        for (x, y), box in (
            (route.tip, lay.nodes[route.dst]),
            (route.spline[0], lay.nodes[route.src]),
        ):
            dx, dy = (x - box.x) / (box.width / 2), (y - box.y) / (box.height / 2)
            if shapes[box.id] == "ellipse":
                assert dx * dx + dy * dy == pytest.approx(1.0)
            elif rankdir == "LR":
                assert dx == pytest.approx(side)
                assert abs(dy) <= 1
            else:
                assert dy == pytest.approx(side)
                assert abs(dx) <= 1
            side = -side


def test_labels_stay_clear_of_nodes() -> None:
    lay = layout(neuron())
    for route in lay.edges:
        if route.label_center is None:
            continue
        (cx, cy), (w, h) = route.label_center, route.label_size
        for box in lay.nodes.values():
            apart_x = abs(cx - box.x) >= (w + box.width) / 2
            apart_y = abs(cy - box.y) >= (h + box.height) / 2
            assert apart_x or apart_y, (route.src, route.dst, box.id)


def test_multi_edges_are_two_distinct_curves() -> None:
    d = square()
    lay = layout(d)
    first, second = lay.edges[0], lay.edges[1]
    assert first.spline != second.spline
    assert first.label_center != second.label_center
    root = ET.fromstring(render_svg(d).encode("utf-8"))
    paths = [
        g.find(f"{SVG}path").get("d")  # type: ignore[union-attr]
        for g in root.iter(f"{SVG}g")
        if g.get("class") == "edge"
    ]
    assert len(paths) == 3
    assert len(set(paths)) == 3


def test_overlap_checker_can_fail() -> None:
    a = NodeBox("a", 10.0, 10.0, 20.0, 20.0, 0, 0)
    b = NodeBox("b", 10.0, 25.0, 20.0, 20.0, 0, 1)
    c = NodeBox("c", 10.0, 25.0, 20.0, 20.0, 1, 0)
    assert overlaps([a, b], across_x=True) == [("a", "b")]
    assert overlaps([a, c], across_x=True) == []


@st.composite
def dags(draw: st.DrawFn) -> Drawing:
    n = draw(st.integers(1, 14))
    nodes = [
        DrawNode(
            f"v{i}",
            draw(st.lists(st.text(max_size=6), max_size=3)),
            draw(st.sampled_from(SHAPES)),
        )
        for i in range(n)
    ]
    pairs = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1))
    edges = [
        DrawEdge(f"v{min(a, b)}", f"v{max(a, b)}", draw(st.sampled_from(["", "1", "a\nb"])))
        for a, b in draw(st.lists(pairs, max_size=25))
        if a != b
    ]
    rankdir = draw(st.sampled_from(RANKDIRS))
    return Drawing(nodes, edges, rankdir=rankdir)


@settings(max_examples=60, deadline=None)
@given(dags())
def test_random_dags_lay_out_consistently(d: Drawing) -> None:
    check_consistent(d, layout(d))
    ET.fromstring(render_svg(d).encode("utf-8"))


def test_two_thousand_node_dag() -> None:
    d = random_dag(2000, seed=7)
    lay = layout(d)
    check_consistent(d, lay)
    assert lay.num_layers == 1 + max(box.layer for box in lay.nodes.values())
    ET.fromstring(render_svg(d).encode("utf-8"))


def test_long_chain_needs_no_recursion() -> None:
    n = 10_000
    d = Drawing(
        [DrawNode(f"c{i}", [f"c{i}"], "ellipse") for i in range(n)],
        [DrawEdge(f"c{i}", f"c{i + 1}") for i in range(n - 1)],
    )
    lay = layout(d)
    assert lay.nodes[f"c{n - 1}"].layer == n - 1


def test_same_input_same_output() -> None:
    assert render_svg(neuron()) == render_svg(neuron())
    d = random_dag(300, seed=3)
    assert render_svg(d) == render_svg(random_dag(300, seed=3))


def test_same_output_under_other_hash_seeds() -> None:
    code = (
        "import hashlib, sys; sys.path.insert(0, 'tests'); "
        "from test_viz_svg import random_dag, neuron; "
        "from autograd_lite.viz.svg import render_svg; "
        "s = render_svg(random_dag(200, seed=5)) + render_svg(neuron()); "
        "print(hashlib.sha256(s.encode()).hexdigest())"
    )
    digests = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        run = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert run.returncode == 0, run.stderr
        digests.add(run.stdout)
    assert len(digests) == 1


def test_cycle_raises_with_the_cycle_named() -> None:
    d = Drawing(
        [DrawNode(i, [i]) for i in ("in", "a", "b", "c")],
        [DrawEdge("in", "a"), DrawEdge("a", "b"), DrawEdge("b", "c"), DrawEdge("c", "a")],
    )
    with pytest.raises(ValueError, match="cycle") as info:
        layout(d)
    message = str(info.value)
    assert "'a' -> 'b' -> 'c' -> 'a'" in message
    assert "'in'" not in message
    with pytest.raises(ValueError, match="cycle"):
        render_svg(Drawing([DrawNode("x", ["x"])], [DrawEdge("x", "x")]))


@pytest.mark.parametrize(
    ("drawing", "words"),
    [
        (Drawing([DrawNode("a", ["a"])], [DrawEdge("a", "zz")]), "'zz'"),
        (Drawing([DrawNode("a", ["a"]), DrawNode("a", ["b"])], []), "two nodes"),
        (Drawing([DrawNode("a", ["a"], CIRCLE)], []), "shape"),
        (Drawing([DrawNode("a", ["a"])], [], rankdir=RL), "rankdir"),
    ],
)
def test_bad_drawings_are_explained(drawing: Drawing, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        layout(drawing)


def test_empty_and_textless_drawings() -> None:
    ET.fromstring(render_svg(Drawing([], [])).encode("utf-8"))
    lay = layout(Drawing([DrawNode("a", []), DrawNode("b", [""], "box")], [DrawEdge("a", "b")]))
    assert lay.nodes["a"].width > 0
    assert lay.nodes["b"].layer == 1


def test_the_readme_figure_is_drawn_by_draw_and_fits_a_readme_column() -> None:
    """`docs/assets/neuron.svg` is `out.draw()` itself: current, ~800 px, legible labels."""
    path = ROOT / "docs" / "scripts" / "make_neuron_svg.py"
    spec = importlib.util.spec_from_file_location("make_neuron_svg", path)
    assert spec is not None
    assert spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    svg = script.picture().svg()
    committed = (ROOT / "docs" / "assets" / "neuron.svg").read_text(encoding="utf-8")
    assert svg == committed, "run: python docs/scripts/make_neuron_svg.py"
    root = ET.fromstring(svg.encode("utf-8"))
    width = float(root.get("width", "0"))
    scale = width / float(root.get("viewBox", "0 0 1 1").split()[2])
    assert 400 <= width <= 800
    labels = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "edge-labels")
    assert float(labels.get("font-size", "0")) * scale >= 10.5  # px, as shown
    assert "∂(x1*w1)/∂x1 = w1" in texts(svg)
