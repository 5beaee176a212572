"""Every edge label on its own edge, clear of everything else: checked geometrically.

On the built-in layout: no two label boxes intersect, no label box intersects a node box,
no edge runs through a label box or through a node other than its own two ends, and each
label is nearer its own edge than any other. Over the graphs the notebooks draw, both
ways round, and over random graphs (hypothesis). Each checker is shown to fail once on a
broken layout.
"""

from __future__ import annotations

import itertools
import json
import math
import shutil
import subprocess
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_lite as ag
from autograd_lite.viz.drawing import drawing_of
from autograd_lite.viz.html import stepper_frames
from autograd_lite.viz.layout import (
    ARROW_LENGTH,
    LABEL_CLEAR,
    DrawEdge,
    Drawing,
    DrawNode,
    EdgeRoute,
    Layout,
    NodeBox,
    layout,
)
from autograd_lite.viz.options import Options

Box = tuple[float, float, float, float]  # left, top, right, bottom
Point = tuple[float, float]
EPS = 0.5  # px: touching is allowed, overlapping by more is not


def label_boxes(lay: Layout) -> dict[int, Box]:
    out = {}
    for route in lay.edges:
        if route.label_center is not None:
            (cx, cy), (w, h) = route.label_center, route.label_size
            out[route.index] = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
    return out


def node_box(box: NodeBox) -> Box:
    return (box.x - box.width / 2, box.y - box.height / 2, box.x + box.width / 2,
            box.y + box.height / 2)  # fmt: skip


def intersect(a: Box, b: Box) -> bool:
    return a[0] < b[2] - EPS and b[0] < a[2] - EPS and a[1] < b[3] - EPS and b[1] < a[3] - EPS


def inside(p: tuple[float, float], box: Box) -> bool:
    return box[0] + EPS < p[0] < box[2] - EPS and box[1] + EPS < p[1] < box[3] - EPS


def curve_points(route: EdgeRoute, per_piece: int = 16) -> list[Point]:
    """Points along the edge's Bezier pieces, and along its arrowhead to the tip."""
    p = route.spline
    points = [p[0]]
    for i in range(1, len(p), 3):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = p[i - 1], p[i], p[i + 1], p[i + 2]
        for k in range(1, per_piece + 1):
            t = k / per_piece
            a, b, c, d = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t**2, t**3
            points.append((a * x0 + b * x1 + c * x2 + d * x3, a * y0 + b * y1 + c * y2 + d * y3))
    end, tip = points[-1], route.tip
    points += [(end[0] + (tip[0] - end[0]) * k / 4, end[1] + (tip[1] - end[1]) * k / 4)
               for k in range(1, 5)]  # fmt: skip
    return points


def label_overlaps(lay: Layout) -> list[tuple[int, int]]:
    """Pairs of edges whose label boxes intersect."""
    boxes = label_boxes(lay)
    return [
        (a, b) for (a, x), (b, y) in itertools.combinations(boxes.items(), 2) if intersect(x, y)
    ]


def labels_on_nodes(lay: Layout) -> list[tuple[int, str]]:
    """(edge, node) pairs where an edge's label box intersects a node box."""
    return [
        (e, node.id)
        for e, box in label_boxes(lay).items()
        for node in lay.nodes.values()
        if intersect(box, node_box(node))
    ]


def edges_through_labels(lay: Layout) -> list[tuple[int, int]]:
    """(edge, label's edge) pairs where an edge's curve enters a label box (its own too)."""
    boxes = label_boxes(lay)
    found = []
    for route in lay.edges:
        points = curve_points(route)
        for e, box in boxes.items():
            if any(inside(p, box) for p in points):
                found.append((route.index, e))
    return found


def edges_through_nodes(lay: Layout) -> list[tuple[int, str]]:
    """(edge, node) pairs where an edge runs through a node that is not one of its ends."""
    found = []
    for route in lay.edges:
        points = curve_points(route)
        for node in lay.nodes.values():
            if node.id in (route.src, route.dst):
                continue
            if any(inside(p, node_box(node)) for p in points):
                found.append((route.index, node.id))
    return found


def box_gap(box: Box, points: list[Point]) -> float:
    """The distance from a box to the nearest of `points`."""
    return min(
        math.hypot(max(box[0] - x, 0, x - box[2]), max(box[1] - y, 0, y - box[3]))
        for x, y in points
    )


def strangers(lay: Layout) -> list[int]:
    """Labels nearer another edge than their own, or further than a few px from it."""
    curves = {route.index: curve_points(route, 48) for route in lay.edges}
    out = []
    for e, box in label_boxes(lay).items():
        own = box_gap(box, curves[e])
        others = [box_gap(box, points) for i, points in curves.items() if i != e]
        if own > LABEL_CLEAR + 1.0 or any(other <= own for other in others):
            out.append(e)
    return out


def check(lay: Layout) -> None:
    assert label_overlaps(lay) == []
    assert labels_on_nodes(lay) == []
    assert edges_through_labels(lay) == []
    assert edges_through_nodes(lay) == []
    assert strangers(lay) == []


# ---------------------------------------------------------------- each checker can fail


def two_labels() -> Layout:
    d = Drawing(
        [DrawNode("a", ["a"]), DrawNode("b", ["b"]), DrawNode("m", ["*"], "ellipse")],
        [DrawEdge("a", "m", "∂m/∂a = b = 2"), DrawEdge("b", "m", "∂m/∂b = a = 1")],
    )
    return layout(d)


def test_the_checkers_pass_a_good_layout_and_fail_broken_ones() -> None:
    good = two_labels()
    check(good)
    first, second = good.edges
    # The second label moved onto the first: the boxes intersect, and it is no longer
    # nearest its own edge (the stacked labels of the demo's Graphviz picture).
    stacked = replace(good, edges=[first, replace(second, label_center=first.label_center)])
    assert label_overlaps(stacked) == [(0, 1)]
    assert 1 in strangers(stacked)
    # A label moved onto a node.
    node = good.nodes["m"]
    on_node = replace(good, edges=[replace(first, label_center=(node.x, node.y)), second])
    assert labels_on_nodes(on_node) == [(0, "m")]
    # A label centred on its own edge, as a background would sit, is cut through by it.
    (x, y) = first.spline[len(first.spline) // 2]
    centred = replace(good, edges=[replace(first, label_center=(x, y)), second])
    assert (0, 0) in edges_through_labels(centred)
    # An edge routed straight through a third node.
    a, b = good.nodes["a"], good.nodes["b"]
    through = replace(first, spline=((a.x, a.y), (b.x, b.y), (b.x, b.y), (node.x, node.y)))
    assert (0, "b") in edges_through_nodes(replace(good, edges=[through, second]))


# ---------------------------------------------------------------- the notebooks' graphs


def notebook_graphs() -> dict[str, ag.Value | ag.Tensor]:
    """The graphs `notebooks/*.ipynb` draw, built the same way."""
    graphs: dict[str, ag.Value | ag.Tensor] = {}
    x = ag.Value(0.7, label="x")  # 01: h = sin(x**2 + 1)
    u = x**2 + 1
    u.label = "u"
    h = ag.sin(u)
    h.label = "h"
    graphs["01 sin(u)"] = h
    x1, x2 = ag.Value(2.0, label="x1"), ag.Value(0.0, label="x2")  # 02: the neuron
    w1, w2 = ag.Value(-3.0, label="w1"), ag.Value(1.0, label="w2")
    b = ag.Value(6.8813735870195432, label="b")
    n = x1 * w1 + x2 * w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    graphs["02 neuron"] = o
    a = ag.Value(3.0, label="a")
    graphs["02 a + a"] = a + a
    a, bb = ag.Value(-2.0, label="a"), ag.Value(3.0, label="b")  # 02: f = d*e
    d, e = a * bb, a + bb
    d.label, e.label = "d", "e"
    f = d * e
    f.label = "f"
    graphs["02 f = d*e"] = f
    x = ag.Value(3.0, label="x")  # 02: L = u + v, v = 2u
    u = x**2
    u.label = "u"
    v = 2 * u
    v.label = "v"
    L = u + v
    L.label = "L"
    graphs["02 L = u + 2u"] = L
    x, y = ag.Value(0.5, label="x"), ag.Value(-2.0, label="y")  # 04: L = tanh(x*y + x)
    q = x * y
    q.label = "q"
    L = (q + x).tanh()
    L.label = "L"
    graphs["04 tanh(q + x)"] = L
    rng = np.random.default_rng(0)  # 04: a Tensor layer
    X = ag.Tensor(rng.normal(size=(4, 3)), label="X")
    W = ag.Tensor(rng.normal(size=(2, 3)), requires_grad=True, label="W")
    bt = ag.Tensor(np.zeros(2), requires_grad=True, label="b")
    hh = (X @ W.T + bt).tanh()
    hh.label = "h"
    loss = (hh**2).mean()
    loss.label = "loss"
    graphs["04 tensor layer"] = loss
    model = ag.nn.ValueMLP(2, [16, 16, 1], seed=0)  # 04: an MLP, summarised
    out = model([0.5, -1.0])
    out.label = "out"
    graphs["04 MLP"] = out
    x = ag.Value(0.5, label="x")  # 04: the graph of a gradient
    y = x.tanh()
    y.backward(create_graph=True)
    dydx = x.grad
    dydx.label = "dy/dx"
    graphs["04 dy/dx"] = dydx
    Xd = np.array([[1.0, 2.0], [3.0, -1.0]])  # 05: a 2x2 @ from Values, and as a Tensor
    Wd = np.array([[0.5, -2.0], [1.5, 1.0]])
    G = np.array([[1.0, -1.0], [2.0, 0.5]])
    Xv = [[ag.Value(Xd[i, k], label=f"X{i}{k}") for k in range(2)] for i in range(2)]
    Wv = [[ag.Value(Wd[k, j], label=f"W{k}{j}") for j in range(2)] for k in range(2)]
    Y = [[Xv[i][0] * Wv[0][j] + Xv[i][1] * Wv[1][j] for j in range(2)] for i in range(2)]
    for i in range(2):
        for j in range(2):
            Y[i][j].label = f"Y{i}{j}"
    graphs["05 Y00"] = Y[0][0]
    graphs["05 L = sum G*Y"] = sum(G[i, j] * Y[i][j] for i in range(2) for j in range(2))
    Yt = ag.Tensor(Xd, requires_grad=True, label="X") @ ag.Tensor(
        Wd, requires_grad=True, label="W"
    )
    Yt.label = "Y"
    graphs["05 X @ W"] = Yt
    x, w = ag.Value(3.0, label="x"), ag.Value(2.0, label="w")  # 06: L = u + w*u
    u = x**2
    u.label = "u"
    v = w * u
    v.label = "v"
    L = u + v
    L.label = "L"
    graphs["06 u + w*u"] = L
    return graphs


GRAPHS = notebook_graphs()


@pytest.mark.parametrize("name", list(GRAPHS))
@pytest.mark.parametrize("rankdir", ["LR", "TB"])
def test_notebook_graphs_have_clear_labels(name: str, rankdir: str) -> None:
    root = GRAPHS[name]
    options = Options(rankdir=rankdir, max_nodes=40)  # type: ignore[arg-type]
    check(layout(drawing_of(root, "test", options)))
    if isinstance(root, ag.Tensor):
        return
    for k in (1, -1):  # a stepper frame: the highlighted step's label is bold, no larger
        check(layout(drawing_of(root, "test", replace(options, step=k))))


def test_stepper_frames_have_clear_labels() -> None:
    stepper = stepper_frames(GRAPHS["02 neuron"])
    check(layout(stepper.drawing_at(len(stepper.frames) - 1)))


# ---------------------------------------------------------------- random graphs


@st.composite
def value_graphs(draw: st.DrawFn) -> tuple[ag.Value, str]:
    """A random expression of Values with shared nodes: leaves, binary and unary ops."""
    pool = [
        ag.Value(draw(st.floats(-2, 2)), label=draw(st.sampled_from(["x", "w", "b", "가중치"])))
        for _ in range(draw(st.integers(1, 4)))
    ]
    for _ in range(draw(st.integers(1, 10))):
        kind = draw(st.sampled_from(["+", "-", "*", "tanh", "sin", "**2", "*c", "label"]))
        a = draw(st.sampled_from(pool))
        if kind in "+-*":
            b = draw(st.sampled_from(pool))
            node = a + b if kind == "+" else a - b if kind == "-" else a * b
        elif kind == "tanh":
            node = a.tanh()
        elif kind == "sin":
            node = a.sin()
        elif kind == "**2":
            node = a**2
        elif kind == "*c":
            node = a * draw(st.sampled_from([2.0, -0.5]))
        else:
            node = a + 1.0
            node.label = draw(st.sampled_from(["u", "out", "n"]))
        pool.append(node)
    root = pool[-1]
    if draw(st.booleans()):
        root.backward()
    return root, draw(st.sampled_from(["LR", "TB"]))


@settings(max_examples=40, deadline=None)
@given(value_graphs())
def test_random_value_graphs_have_clear_labels(case: tuple[ag.Value, str]) -> None:
    root, rankdir = case
    if root._op is None:
        return
    check(layout(drawing_of(root, "test", Options(rankdir=rankdir))))  # type: ignore[arg-type]


@st.composite
def labelled_dags(draw: st.DrawFn) -> Drawing:
    n = draw(st.integers(2, 12))
    nodes = [
        DrawNode(f"v{i}", [f"v{i}", *draw(st.lists(st.text("ab∂ 가", max_size=8), max_size=2))],
                 draw(st.sampled_from(["record", "ellipse", "box"])))
        for i in range(n)
    ]  # fmt: skip
    pairs = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1))
    labels = st.sampled_from(["", "1", "∂/∂x = 2\n× g 0.5 = 1", "a long label, wider than most"])
    edges = [
        DrawEdge(f"v{min(a, b)}", f"v{max(a, b)}", draw(labels))
        for a, b in draw(st.lists(pairs, max_size=20))
        if a != b
    ]
    return Drawing(nodes, edges, rankdir=draw(st.sampled_from(["LR", "TB"])))


@settings(max_examples=60, deadline=None)
@given(labelled_dags())
def test_random_drawings_have_clear_labels(d: Drawing) -> None:
    check(layout(d))


def test_arrowheads_end_on_their_target() -> None:
    lay = two_labels()
    for route in lay.edges:
        end = route.spline[-1]
        assert math.dist(end, route.tip) == pytest.approx(ARROW_LENGTH)


# ---------------------------------------------------------------- Graphviz's own placement


def graphviz_layout(dot_source: str) -> tuple[list[tuple[Box, list[Point]]], list[Box]]:
    """Per labelled edge its label box (from the text Graphviz drew) and points along its
    curve, and every node's box, from `dot -Tjson`."""
    done = subprocess.run(
        ["dot", "-Tjson"], input=dot_source.encode("utf-8"), capture_output=True, check=True
    )
    graph = json.loads(done.stdout)
    labels = []
    for edge in graph.get("edges", []):
        lines = [op for op in edge.get("_ldraw_", []) if op["op"] == "T"]
        if not lines:
            continue
        size = float(next(op["size"] for op in edge["_ldraw_"] if op["op"] == "F"))
        left = min(op["pt"][0] - op["width"] / 2 for op in lines)
        right = max(op["pt"][0] + op["width"] / 2 for op in lines)
        low = min(op["pt"][1] - 0.25 * size for op in lines)
        high = max(op["pt"][1] + 0.8 * size for op in lines)
        spline = [
            tuple(map(float, p.split(",")))
            for p in edge["pos"].split()
            if not p.startswith(("e,", "s,"))
        ]
        route = EdgeRoute(0, "", "", (), tuple(spline), spline[-1], None, (0.0, 0.0))  # type: ignore[arg-type]
        labels.append(((left, low, right, high), curve_points(route)))
    nodes = []
    for node in graph.get("objects", []):
        if "pos" not in node:
            continue
        x, y = map(float, node["pos"].split(","))
        w, h = float(node["width"]) * 72 / 2, float(node["height"]) * 72 / 2
        nodes.append((x - w, y - h, x + w, y + h))
    return labels, nodes


def graphviz_strangers(labels: list[tuple[Box, list[Point]]]) -> list[int]:
    """Labels Graphviz put nearer another edge than their own."""
    out = []
    for i, (box, _) in enumerate(labels):
        gaps = [box_gap(box, points) for _, points in labels]
        if any(gap <= gaps[i] for j, gap in enumerate(gaps) if j != i):
            out.append(i)
    return out


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
@pytest.mark.parametrize("name", ["02 neuron", "02 f = d*e", "04 tanh(q + x)"])
@pytest.mark.parametrize("rankdir", ["LR", "TB"])
def test_graphviz_keeps_labels_apart(name: str, rankdir: str) -> None:
    """The demo's Graphviz picture stacked the labels of w2's and x2's edges: no more."""
    root = GRAPHS[name]
    labels, nodes = graphviz_layout(ag.viz.to_dot(root, rankdir=rankdir))
    assert len(labels) >= 3
    boxes = [box for box, _ in labels]
    assert [(a, b) for a, b in itertools.combinations(boxes, 2) if intersect(a, b)] == []
    assert [(a, b) for a in boxes for b in nodes if intersect(a, b)] == []
    assert graphviz_strangers(labels) == []


def test_the_graphviz_checker_can_fail() -> None:
    near, far = [(0.0, -2.0), (20.0, -2.0)], [(0.0, 30.0), (20.0, 30.0)]
    box = (0.0, 0.0, 20.0, 10.0)
    assert graphviz_strangers([(box, near), ((0.0, 40.0, 20.0, 50.0), far)]) == []
    assert graphviz_strangers([(box, far), ((0.0, 40.0, 20.0, 50.0), near)]) == [0, 1]
