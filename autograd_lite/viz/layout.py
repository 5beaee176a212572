"""A layered layout for computation graphs, computed without Graphviz.

The built-in SVG renderer (`svg.py`) needs to know where every node and edge goes.
This module answers that with the classic layered (Sugiyama) method, the one behind
Graphviz's `dot`, in five steps. Every step is iterative (no recursion over the graph),
so a graph of 10,000 nodes needs no recursion limit, and every tie is broken by input
order, so the same drawing always gives the same layout.

1. **Layers.** Kahn's algorithm gives a topological order (and finds a cycle if there
   is one). The longest path from the sources puts every node one layer after its
   latest input: `layer[v] = max(layer[u] + 1 for u -> v)`. A computation graph has
   many leaves (weights, inputs, a bias) that this packs into layer 0, far from the op
   that uses them, so the layering is also computed from the sinks backwards and both
   are then tightened: a node with more outputs than inputs moves right up to its
   first consumer, one with more inputs than outputs left up to its last input. Of the
   two, the one with the shorter total edge length wins (the quantity `dot` minimises;
   a tie goes to the layering from the sinks).
   For a neuron `tanh(x1*w1 + x2*w2 + b)` this puts `b` right before its `+`.
2. **Dummies.** Every layer gets a layer of its own between it and the next, for edge
   labels: layer `k` becomes rank `2k`. An edge from rank `a` to rank `b` is cut into
   unit steps by `b - a - 1` dummy vertices, one per rank in between; the dummy nearest
   the middle on an odd rank carries the edge label. It is a slot as big as the label
   plus `LABEL_CLEAR`, with the edge along one side (below the label left to right, left
   of it top down), so labels take up room like nodes, never overlap, and each sits by
   its own edge. Two edges between the same pair of nodes (`x * x`) get their own
   dummies, hence two distinct curves.
3. **Order within ranks (crossings).** Starting from input order, sweeps go down the
   ranks (each vertex sorted by the barycenter, the mean position, of its predecessors in
   the rank before) and back up (by its successors in the rank after). Crossings between
   neighbouring ranks are counted after each sweep (an inversion count with a Fenwick
   tree, O(E log V)) and the best order seen is kept.
4. **Coordinates.** Across the ranks (y for `"LR"`), each vertex wants to sit where
   its neighbours' edges pass, but vertices of a rank keep their order and must stay
   apart by half their sizes plus a gap. "As close to the wanted positions as possible
   under those separations" is an isotonic regression, solved exactly per rank by
   pool-adjacent-violators in O(n); sweeps down, up, then both ways settle it, and an op
   is then put in line with the value it makes where there is room. Along the rank axis
   (x for `rankdir="LR"`), each rank is as thick as its widest member.
5. **Edges.** An edge leaves and enters nodes at ports spread over the node's side,
   ordered by where they go. Inside a rank it runs level, in its own lane, so it passes
   every node and label of the rank at a distance and never crosses one; it changes
   lanes only in the gaps between ranks, as an S that leaves and arrives level. A gap is
   `RANK_GAP` wide, or wider where an edge shifts far across it, so curves stay gentle.

`rankdir="auto"` lays out both ways and keeps the one whose text is larger once the
picture is scaled to the page width it is made for (`fit_scale`).

Nodes are sized from their text: a character is about 0.6 font sizes wide, and a wide
(CJK) character twice that (`style.text_width`).

Example:
    >>> d = Drawing(
    ...     nodes=[DrawNode("x", ["x", "data 2.0000"]), DrawNode("m", ["*"], "ellipse")],
    ...     edges=[DrawEdge("x", "m", "∂/∂x = 2"), DrawEdge("x", "m", "∂/∂x = 2")],
    ... )
    >>> lay = layout(d)
    >>> lay.nodes["x"].layer, lay.nodes["m"].layer
    (0, 1)
    >>> lay.edges[0].spline != lay.edges[1].spline
    True
"""

from __future__ import annotations

import itertools
import math
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from .options import Direction, Rankdir
from .style import text_width as _text_width

Shape = Literal["record", "ellipse", "box"]
Point = tuple[float, float]

SHAPES = ("record", "ellipse", "box")
RANKDIRS = ("LR", "TB")

FONT_SIZE = 13.0
"""Node text size, in px."""
LABEL_FONT_SIZE = 12.0
"""Edge label text size, in px."""
LINE_HEIGHT = 1.35
"""Distance between text lines, in font sizes."""
BOLD_WIDTH = 1.1
"""How much wider the bold first line of a record is."""
PAD_X, PAD_Y = 10.0, 5.0
RECORD_SEPARATOR = 6.0
"""Extra room around the line under a record's first line."""
MIN_BOX_WIDTH = 44.0
MIN_ELLIPSE = (38.0, 28.0)
LABEL_PAD = (3.0, 1.0)
LABEL_CLEAR = 3.0
"""Room between an edge label and its edge, which runs level along the label's side."""
ARROW_LENGTH = 9.0
"""The arrowhead's length: curves stop this far before the node they point to."""
RANK_GAP = 22.0
"""Least gap between neighbouring ranks (a layer and its label rank)."""
GAP_PER_SHIFT = 0.45
"""A gap widens to this fraction of the largest sideways shift of an edge crossing it,
so that edges bend gently where they change lanes."""
MAX_GAP = 90.0
NODE_GAP = 16.0
"""Gap between two nodes of one rank."""
DUMMY_GAP = 8.0
"""Gap between vertices of one rank when one of them is a dummy or a label."""
PORT_STEP = 9.0
"""Distance between neighbouring edge ends on a node's side."""
ORDER_SWEEPS = 6
PLACE_SWEEPS = 6
DUMMY_WEIGHT = 2.0
"""How much more a dummy holds its place than a node: keeps long edges straight."""


@dataclass
class DrawNode:
    """A node to draw.

    Attributes:
        id: unique within the drawing; edges refer to it.
        lines: the text, one entry per line (a value node: `["x", "data 2.0000",
            "grad -1.5000"]`; an op node: `["tanh"]`). Newlines inside an entry also
            break lines.
        shape: `"record"` (rounded box, bold first line, a rule under it: value nodes),
            `"ellipse"` (op nodes) or `"box"` (rounded box, all lines alike).
        fill: a CSS colour for the background; empty for the default of the shape.
        faded: drawn in grey, e.g. a gradient a backward stepper has not reached yet.
        highlight: outlined in a strong colour, e.g. the node a stepper is at.
        tooltip: shown on hover; empty for the lines joined.
    """

    id: str
    lines: list[str]
    shape: Shape = "record"
    fill: str = ""
    faded: bool = False
    highlight: bool = False
    tooltip: str = ""


@dataclass
class DrawEdge:
    """An arrow from node `src` to node `dst`.

    Attributes:
        src: id of the node the arrow leaves.
        dst: id of the node it points to.
        label: text beside the edge; newlines break lines (`"∂(w*x)/∂x = w = -2"`).
        highlight: drawn thicker in a strong colour.
        faint: drawn thin and dashed: an edge no gradient flows along (from a constant).
    """

    src: str
    dst: str
    label: str = ""
    highlight: bool = False
    faint: bool = False


@dataclass
class Drawing:
    """A whole picture: nodes, edges, direction and title.

    Attributes:
        nodes: drawn in layers; their order breaks ties, so inputs listed first come
            first (top for `"LR"`, left for `"TB"`).
        edges: may repeat a pair (`x * x` has two edges `x -> *`); must not form a cycle.
        rankdir: `"LR"` (inputs left, output right, the default), `"TB"` (top down), or
            `"auto"` (whichever fits `width` better; see `fit.py`).
        title: shown above the graph.
        legend: how to read the arrows, drawn under the title: the forward pass's
            meaning, beside a plain arrow, then the backward pass's, beside an arrow the
            other way; `()` for no legend.
        width: the width in px the picture is meant to be shown at, or None.
    """

    nodes: list[DrawNode]
    edges: list[DrawEdge]
    rankdir: Direction = "LR"
    title: str = ""
    legend: tuple[str, ...] = ()
    width: float | None = None


@dataclass(frozen=True)
class NodeBox:
    """Where a node goes. `x, y` is its centre; `layer` counts from the inputs."""

    id: str
    x: float
    y: float
    width: float
    height: float
    layer: int
    order: int


@dataclass(frozen=True)
class EdgeRoute:
    """Where an edge goes.

    Attributes:
        index: position of the edge in `Drawing.edges`.
        src: id of its source node.
        dst: id of its target node.
        points: where it starts (on the source's border), where it enters and leaves
            the lane of each rank it crosses, and where the curve ends (an arrowhead's
            length before the target); the curve is level at each of them.
        spline: the curve as cubic Bezier pieces: the start point, then a control point,
            a control point and an end point per piece (SVG's `M p C c1 c2 p ...`).
        tip: where the arrowhead touches the target's border.
        label_center: the centre of the label, or None for an edge without one.
        label_size: `(width, height)` of the label's box.
    """

    index: int
    src: str
    dst: str
    points: tuple[Point, ...]
    spline: tuple[Point, ...]
    tip: Point
    label_center: Point | None
    label_size: tuple[float, float]


@dataclass(frozen=True)
class Layout:
    """The result of `layout`: coordinates in px, origin top left, no margin."""

    nodes: dict[str, NodeBox]
    edges: list[EdgeRoute]
    width: float
    height: float
    rankdir: Rankdir
    num_layers: int


@dataclass(frozen=True)
class NodeText:
    """How a node's text sits in it, relative to the node's centre.

    Attributes:
        lines: the lines, after splitting at newlines (at least one).
        baselines: per line, the y of its baseline.
        width: the node's width.
        height: the node's height.
        separator: y of the rule under a record's first line, or None.
    """

    lines: list[str]
    baselines: list[float]
    width: float
    height: float
    separator: float | None


def text_width(text: str, font_size: float = FONT_SIZE) -> float:
    """Estimate how wide `text` is drawn, in px (see `style.text_width`).

    Example:
        >>> text_width("ab", 10.0), text_width("가", 10.0)
        (12.0, 12.0)
    """
    return _text_width(text, font_size)


def split_lines(lines: Sequence[str]) -> list[str]:
    """Split entries at newlines; tabs become spaces; never returns an empty list."""
    out = [part.replace("\t", " ") for line in lines for part in (line.splitlines() or [""])]
    return out or [""]


def node_text(node: DrawNode) -> NodeText:
    """Measure a node: its size and where each text line goes."""
    lines = split_lines(node.lines)
    line = LINE_HEIGHT * FONT_SIZE
    widths = [text_width(s) for s in lines]
    record = node.shape == "record" and len(lines) > 1
    if node.shape == "record":
        widths[0] *= BOLD_WIDTH
    text_w, text_h = max(widths), len(lines) * line
    if node.shape == "ellipse":
        # The ellipse through the corners of the text block, with the block's aspect.
        width = max(MIN_ELLIPSE[0], text_w * math.sqrt(2) + 12.0)
        height = max(MIN_ELLIPSE[1], text_h * math.sqrt(2) + 2.0)
    else:
        width = max(MIN_BOX_WIDTH, text_w + 2 * PAD_X)
        height = text_h + 2 * PAD_Y + (RECORD_SEPARATOR if record else 0.0)
    top = -text_h / 2 - (RECORD_SEPARATOR / 2 if record else 0.0)
    # 0.35 font sizes below the line's middle puts the x-height in the middle.
    baselines = [top + (i + 0.5) * line + 0.35 * FONT_SIZE for i in range(len(lines))]
    separator = None
    if record:
        separator = top + line + RECORD_SEPARATOR / 2
        baselines[1:] = [b + RECORD_SEPARATOR for b in baselines[1:]]
    return NodeText(lines, baselines, width, height, separator)


def label_size(label: str) -> tuple[float, float]:
    """The `(width, height)` of an edge label's box; `(0, 0)` for no label."""
    if not label:
        return 0.0, 0.0
    lines = split_lines([label])
    width = max(text_width(s, LABEL_FONT_SIZE) for s in lines) + 2 * LABEL_PAD[0]
    return width, len(lines) * 1.3 * LABEL_FONT_SIZE + 2 * LABEL_PAD[1]


def layout(drawing: Drawing) -> Layout:
    """Place the nodes and route the edges of `drawing` (see the module docstring).

    With `rankdir="auto"` both directions are laid out, and the one whose text is
    larger once the picture is shown at `drawing.width` is kept (left to right on a tie).

    Args:
        drawing: the nodes and edges; node ids must be unique.

    Returns:
        Coordinates of every node and a curve for every edge, in px.

    Raises:
        ValueError: an unknown shape or rankdir, a repeated node id, an edge to a node
            that is not in the drawing, or a cycle.
    """
    if drawing.rankdir not in (*RANKDIRS, "auto"):
        raise ValueError(f"layout: rankdir must be 'LR', 'TB' or 'auto', not {drawing.rankdir!r}")
    if drawing.rankdir != "auto":
        return _layout(drawing, drawing.rankdir)
    wide = _layout(drawing, "LR")
    if drawing.width is None or wide.width + 2 * PAGE_MARGIN <= drawing.width:
        return wide
    tall = _layout(drawing, "TB")
    if fit_scale(tall.width, drawing.width) > fit_scale(wide.width, drawing.width) * 1.05:
        return tall
    return wide


PAGE_MARGIN = 16.0
"""Margin around a picture, in px."""
MIN_FONT = 9.0
"""Scaling a picture down to a page stops where edge labels would be smaller than this."""


def fit_scale(width: float, page: float | None) -> float:
    """How much a layout `width` px wide is scaled to be shown on a page `page` px wide.

    At most 1 (a picture is never blown up) and at least `MIN_FONT / LABEL_FONT_SIZE`
    (its labels stay legible; a wider picture scrolls instead).

    Example:
        >>> fit_scale(500.0, 800.0), fit_scale(1568.0, 800.0)
        (1.0, 0.75)
    """
    if page is None:
        return 1.0
    fits = page / (width + 2 * PAGE_MARGIN)
    return max(min(1.0, fits), MIN_FONT / LABEL_FONT_SIZE)


def _layout(drawing: Drawing, rankdir: Rankdir) -> Layout:
    nodes = drawing.nodes
    index: dict[str, int] = {}
    for i, node in enumerate(nodes):
        if node.shape not in SHAPES:
            raise ValueError(
                f"layout: node {node.id!r} has shape {node.shape!r}; "
                "use 'record', 'ellipse' or 'box'"
            )
        if node.id in index:
            raise ValueError(f"layout: two nodes have the id {node.id!r}; ids must be unique")
        index[node.id] = i
    src: list[int] = []
    dst: list[int] = []
    for edge in drawing.edges:
        for end in (edge.src, edge.dst):
            if end not in index:
                raise ValueError(
                    f"layout: the edge {edge.src!r} -> {edge.dst!r} refers to {end!r}, "
                    "which is not a node of the drawing; add a DrawNode with that id"
                )
        src.append(index[edge.src])
        dst.append(index[edge.dst])

    n = len(nodes)
    topo = _topological_order(n, src, dst, [node.id for node in nodes])
    layer = _assign_layers(n, src, dst, topo)
    lr = rankdir == "LR"
    texts = [node_text(node) for node in nodes]
    labels = [label_size(edge.label) for edge in drawing.edges]
    graph = _LayeredGraph(layer, src, dst, texts, labels, lr)
    _order_ranks(graph)
    v_pos = _place(graph)
    shapes = [node.shape for node in nodes]
    ports = _ports(graph, v_pos, shapes)
    u_pos = _rank_positions(graph, v_pos, ports)
    return _finish(drawing, graph, u_pos, v_pos, ports, rankdir, max(layer, default=-1) + 1)


def _topological_order(n: int, src: list[int], dst: list[int], names: list[str]) -> list[int]:
    """Kahn's algorithm; on a cycle, raise a ValueError that shows one."""
    succ: list[list[int]] = [[] for _ in range(n)]
    indeg = [0] * n
    for a, b in zip(src, dst):
        succ[a].append(b)
        indeg[b] += 1
    queue = deque(v for v in range(n) if indeg[v] == 0)
    order: list[int] = []
    while queue:
        v = queue.popleft()
        order.append(v)
        for w in succ[v]:
            indeg[w] -= 1
            if indeg[w] == 0:
                queue.append(w)
    if len(order) == n:
        return order
    # Every node left over still has an input left over: walk inputs until one repeats.
    pred_left: dict[int, int] = {}
    for a, b in zip(src, dst):
        if indeg[a] > 0 and indeg[b] > 0:
            pred_left.setdefault(b, a)
    v = next(v for v in range(n) if indeg[v] > 0)
    seen: dict[int, int] = {}
    path: list[int] = []
    while v not in seen:
        seen[v] = len(path)
        path.append(v)
        v = pred_left[v]
    cycle = path[seen[v] :][::-1]
    first = cycle.index(min(cycle))  # start at the node listed first
    cycle = cycle[first:] + cycle[:first]
    shown = " -> ".join(repr(names[c]) for c in [*cycle, cycle[0]])
    raise ValueError(
        f"layout: the graph has a cycle ({shown}), so it has no left-to-right order; "
        "a computation graph only has edges from an input to the op that uses it"
    )


def _assign_layers(n: int, src: list[int], dst: list[int], topo: list[int]) -> list[int]:
    """Longest-path layers from the sources and from the sinks, tightened; the shorter wins."""
    pred: list[list[int]] = [[] for _ in range(n)]
    succ: list[list[int]] = [[] for _ in range(n)]
    for a, b in zip(src, dst):
        succ[a].append(b)
        pred[b].append(a)
    asap = [0] * n
    for v in topo:
        for w in succ[v]:
            if asap[w] <= asap[v]:
                asap[w] = asap[v] + 1
    last = max(asap, default=0)
    alap = [last] * n
    for v in reversed(topo):
        if succ[v]:
            alap[v] = min(alap[w] for w in succ[v]) - 1
        elif not pred[v]:
            alap[v] = 0  # a lone node stays with the inputs

    def tighten(layer: list[int]) -> int:
        # Moving a node by one layer changes its edges' total length by in - out.
        for v in reversed(topo):
            if len(succ[v]) > len(pred[v]):
                layer[v] = min(layer[w] for w in succ[v]) - 1
        for v in topo:
            if len(pred[v]) > len(succ[v]):
                layer[v] = max(layer[u] for u in pred[v]) + 1
        low = min(layer, default=0)
        for v in range(n):
            layer[v] -= low
        return sum(layer[b] - layer[a] for a, b in zip(src, dst))

    from_sinks = tighten(alap)
    from_sources = tighten(asap)
    return asap if from_sources < from_sinks else alap


class _LayeredGraph:
    """The graph cut into unit steps: nodes `0..n-1`, then dummies, in ranks.

    `u` is the rank axis (x for LR), `v` the axis along a rank (y for LR).
    """

    def __init__(
        self,
        layer: list[int],
        src: list[int],
        dst: list[int],
        texts: list[NodeText],
        labels: list[tuple[float, float]],
        lr: bool,
    ) -> None:
        n = len(layer)
        self.n = n
        self.rank = [2 * k for k in layer]
        self.size_u = [t.width if lr else t.height for t in texts]
        self.size_v = [t.height if lr else t.width for t in texts]
        self.pred: list[list[int]] = [[] for _ in range(n)]
        self.succ: list[list[int]] = [[] for _ in range(n)]
        self.chains: list[list[int]] = []
        self.label_vertex: list[int] = []
        # Where along a rank an edge passes a vertex, from its centre: a label's slot
        # holds the label and, on one side, the edge (below it for LR, left for TB).
        self.anchor = [0.0] * n
        for a, b, (w, h) in zip(src, dst, labels):
            ra, rb = self.rank[a], self.rank[b]
            # The label goes on the odd (label) rank nearest the middle, else just after it.
            middle = (ra + rb) // 2
            label_rank = middle if middle % 2 else middle + 1
            chain = [a]
            label_at = -1
            for r in range(ra + 1, rb):
                d = len(self.rank)
                self.rank.append(r)
                labelled = r == label_rank and w > 0
                slot = ((h if lr else w) + LABEL_CLEAR) if labelled else 0.0
                self.size_u.append((w if lr else h) if labelled else 0.0)
                self.size_v.append(slot)
                self.anchor.append((slot / 2 if lr else -slot / 2) if labelled else 0.0)
                self.pred.append([])
                self.succ.append([])
                if r == label_rank:
                    label_at = d
                chain.append(d)
            chain.append(b)
            for x, y in itertools.pairwise(chain):
                self.succ[x].append(y)
                self.pred[y].append(x)
            self.chains.append(chain)
            self.label_vertex.append(label_at)
        num_ranks = max(self.rank, default=-1) + 1
        self.ranks: list[list[int]] = [[] for _ in range(num_ranks)]
        for vertex, r in enumerate(self.rank):
            self.ranks[r].append(vertex)
        self.pos = [0] * len(self.rank)
        self._number()

    def _number(self) -> None:
        for members in self.ranks:
            for i, vertex in enumerate(members):
                self.pos[vertex] = i


def _order_ranks(g: _LayeredGraph) -> None:
    """Barycenter sweeps down and up; keep the order with the fewest crossings."""
    best = [list(members) for members in g.ranks]
    fewest = _crossings(g)
    stale = 0
    for _ in range(ORDER_SWEEPS):
        improved = False
        for down in (True, False):
            _sweep(g, down)
            count = _crossings(g)
            if count < fewest:
                fewest, improved = count, True
                best = [list(members) for members in g.ranks]
        if fewest == 0:
            break
        stale = 0 if improved else stale + 1
        if stale >= 2:
            break
    g.ranks = best
    g._number()


def _sweep(g: _LayeredGraph, down: bool) -> None:
    """Sort every rank by the mean position of its neighbours in the rank before it."""
    pos = g.pos
    num = len(g.ranks)
    steps = range(1, num) if down else range(num - 2, -1, -1)
    nbrs = g.pred if down else g.succ
    for r in steps:
        members = g.ranks[r]
        ref = len(g.ranks[r - 1 if down else r + 1])
        size = len(members)
        keys: list[float] = []
        for vertex in members:
            near = nbrs[vertex]
            if len(near) == 1:
                keys.append((pos[near[0]] + 0.5) / ref)
            elif near:
                keys.append((sum(pos[w] for w in near) / len(near) + 0.5) / ref)
            else:
                keys.append((pos[vertex] + 0.5) / size)
        members[:] = [members[i] for i in sorted(range(size), key=keys.__getitem__)]
        for i, vertex in enumerate(members):
            pos[vertex] = i


def _crossings(g: _LayeredGraph) -> int:
    """Edge crossings between all neighbouring ranks: inversions, by a Fenwick tree."""
    pos, succ = g.pos, g.succ
    total = 0
    for r in range(len(g.ranks) - 1):
        size = len(g.ranks[r + 1])
        tree = [0] * (size + 1)
        seen = 0
        for vertex in g.ranks[r]:
            near = succ[vertex]
            ends = [pos[near[0]]] if len(near) == 1 else sorted(pos[w] for w in near)
            for q in ends:
                i, below = q + 1, 0
                while i > 0:
                    below += tree[i]
                    i -= i & -i
                total += seen - below
                i = q + 1
                while i <= size:
                    tree[i] += 1
                    i += i & -i
                seen += 1
    return total


def _place(g: _LayeredGraph) -> list[float]:
    """Positions along the ranks: each vertex near its neighbours' mean, order kept."""
    n, size_v = g.n, g.size_v
    weight = [1.0 if v < n else DUMMY_WEIGHT for v in range(len(g.rank))]
    coord = [0.0] * len(g.rank)
    offsets: list[list[float]] = []
    for members in g.ranks:
        # offsets[i]: how far member i must at least be from member 0.
        at = 0.0
        rank_offsets = [0.0]
        for a, b in itertools.pairwise(members):
            at += (size_v[a] + size_v[b]) / 2 + (NODE_GAP if a < n and b < n else DUMMY_GAP)
            rank_offsets.append(at)
        offsets.append(rank_offsets)
        for vertex, offset in zip(members, rank_offsets):
            coord[vertex] = offset - at / 2
    num = len(g.ranks)
    both = [p + s for p, s in zip(g.pred, g.succ)]
    for _ in range(PLACE_SWEEPS):
        for r in range(1, num):
            _align(g.ranks[r], offsets[r], g.pred, coord, weight, g.anchor)
        for r in range(num - 2, -1, -1):
            _align(g.ranks[r], offsets[r], g.succ, coord, weight, g.anchor)
    for r in range(num):
        _align(g.ranks[r], offsets[r], both, coord, weight, g.anchor)
    _straighten(g, offsets, coord)
    return coord


def _straighten(g: _LayeredGraph, offsets: list[list[float]], coord: list[float]) -> None:
    """Run each long edge in one lane, and put an op in line with the value it makes.

    The dummies of an edge that crosses several ranks move to one lane, the one nearest
    their mean inside the room every one of them has between its rank neighbours; so a
    long edge bends once, not at every rank. An edge without a label from a node with no
    other output to a node with no other input (an op into its result) is made straight
    the same way, its two ends included.
    """
    place = {v: i for members in g.ranks for i, v in enumerate(members)}

    def room(v: int) -> tuple[float, float]:
        """Where the edge may pass `v` (its lane) with `v`'s rank neighbours kept."""
        members, i = g.ranks[g.rank[v]], place[v]
        gaps = offsets[g.rank[v]]
        low = -math.inf if i == 0 else coord[members[i - 1]] + gaps[i] - gaps[i - 1]
        high = math.inf if i + 1 == len(members) else coord[members[i + 1]] - gaps[i + 1] + gaps[i]
        return low + g.anchor[v], high + g.anchor[v]

    for e, chain in enumerate(g.chains):
        a, b = chain[0], chain[-1]
        labelled = g.label_vertex[e] >= 0 and g.size_u[g.label_vertex[e]] > 0
        whole = not labelled and len(g.succ[a]) == 1 and len(g.pred[b]) == 1
        lane = chain if whole else chain[1:-1]
        if len(lane) < 2:
            continue
        low, high = -math.inf, math.inf
        for v in lane:
            lo, hi = room(v)
            low, high = max(low, lo), min(high, hi)
        if low > high + 1e-9:
            continue
        wanted = sum(coord[v] + g.anchor[v] for v in lane) / len(lane)
        target = min(max(wanted, low), high)
        for v in lane:
            coord[v] = target - g.anchor[v]


def _align(
    members: list[int],
    offsets: list[float],
    nbrs: list[list[int]],
    coord: list[float],
    weight: list[float],
    anchor: list[float],
) -> None:
    """Move one rank as close as it can get to its neighbours' means, keeping its gaps.

    Minimise sum w_i (y_i - t_i)^2 subject to y_(i+1) - y_i >= gap_i. With the offsets
    o_i = gap_0 + ... + gap_(i-1) and z_i = y_i - o_i, the constraints read
    z_(i+1) >= z_i: an isotonic regression, which pool-adjacent-violators solves exactly.
    Positions are those where edges pass (`anchor`), so edges run straight.
    """
    means: list[float] = []
    masses: list[float] = []
    counts: list[int] = []
    for vertex, offset in zip(members, offsets):
        near = nbrs[vertex]
        offset += anchor[vertex]
        if len(near) == 1:
            mean, mass = coord[near[0]] + anchor[near[0]] - offset, weight[vertex]
        elif near:
            mean = sum(coord[w] + anchor[w] for w in near) / len(near) - offset
            mass = weight[vertex]
        else:
            # Nothing to follow: stay, but give way easily.
            mean, mass = coord[vertex] + anchor[vertex] - offset, 0.1 * weight[vertex]
        count = 1
        while means and means[-1] > mean:
            prev_mass = masses.pop()
            mean = (means.pop() * prev_mass + mean * mass) / (prev_mass + mass)
            mass += prev_mass
            count += counts.pop()
        means.append(mean)
        masses.append(mass)
        counts.append(count)
    i = 0
    for mean, count in zip(means, counts):
        for _ in range(count):
            coord[members[i]] = mean + offsets[i]
            i += 1


def _rank_positions(
    g: _LayeredGraph, v_pos: list[float], ports: list[tuple[float, float]]
) -> list[float]:
    """The centre of each rank along the rank axis.

    Each rank is as thick as its thickest member. The gap after it is `RANK_GAP`, or
    wider where an edge crossing it shifts far sideways (`GAP_PER_SHIFT`), since every
    edge bends only in the gaps between ranks.
    """
    shift = [0.0] * len(g.ranks)
    for e, chain in enumerate(g.chains):
        tracks = _tracks(g, chain, v_pos, ports[e])
        for vertex, here, after in zip(chain, tracks, tracks[1:]):
            r = g.rank[vertex]
            shift[r] = max(shift[r], abs(after - here))
    centres: list[float] = []
    end = 0.0
    for r, members in enumerate(g.ranks):
        thick = max((g.size_u[v] for v in members), default=0.0)
        gap = 0.0 if r == 0 else max(RANK_GAP, min(MAX_GAP, GAP_PER_SHIFT * shift[r - 1]))
        centres.append(end + gap + thick / 2)
        end = centres[-1] + thick / 2
    return centres


def _tracks(
    g: _LayeredGraph, chain: list[int], v_pos: list[float], port: tuple[float, float]
) -> list[float]:
    """Where along the ranks an edge passes each vertex of its chain."""
    inner = [v_pos[d] + g.anchor[d] for d in chain[1:-1]]
    return [v_pos[chain[0]] + port[0], *inner, v_pos[chain[-1]] + port[1]]


def _ports(
    g: _LayeredGraph, v_pos: list[float], shapes: Sequence[str]
) -> list[tuple[float, float]]:
    """Per edge, how far off its nodes' centre lines it leaves and arrives.

    The ends on one side of a node are spread out, in the order of where they go, so
    edges do not cross at the node and two edges between the same nodes stay apart.
    """
    ends: list[float] = [0.0] * (2 * len(g.chains))
    outs: list[list[int]] = [[] for _ in range(g.n)]
    ins: list[list[int]] = [[] for _ in range(g.n)]
    for e, chain in enumerate(g.chains):
        outs[chain[0]].append(e)
        ins[chain[-1]].append(e)
    for vertex in range(g.n):
        span = g.size_v[vertex] * (0.5 if shapes[vertex] == "ellipse" else 0.7)
        for edges, near, side in ((outs[vertex], 1, 0), (ins[vertex], -2, 1)):
            if not edges:
                continue
            edges.sort(key=_by_position(g.chains, near, v_pos))
            gap = min(PORT_STEP, span / (len(edges) - 1)) if len(edges) > 1 else 0.0
            for i, e in enumerate(edges):
                ends[2 * e + side] = (i - (len(edges) - 1) / 2) * gap
    return [(ends[2 * e], ends[2 * e + 1]) for e in range(len(g.chains))]


def _by_position(
    chains: list[list[int]], near: int, v_pos: list[float]
) -> Callable[[int], tuple[float, int]]:
    """Sort key for edges: where their `near`-th vertex sits, then their index."""

    def key(e: int) -> tuple[float, int]:
        return v_pos[chains[e][near]], e

    return key


def _finish(
    drawing: Drawing,
    g: _LayeredGraph,
    u_pos: list[float],
    v_pos: list[float],
    ports: list[tuple[float, float]],
    rankdir: Rankdir,
    num_layers: int,
) -> Layout:
    """Curves, label boxes, and the turn from (rank axis, along the rank) to (x, y).

    Inside a rank every edge runs level, in its own lane: past the nodes and labels of
    that rank, never through them; it bends only in the gaps between ranks, as a curve
    that leaves and arrives level. A label sits in its edge's lane, just beside the edge.
    """
    lr = rankdir == "LR"
    rank, size_u, size_v = g.rank, g.size_u, g.size_v
    shapes = [node.shape for node in drawing.nodes]
    thick = [max((size_u[v] for v in members), default=0.0) for members in g.ranks]

    def border(vertex: int, offset: float) -> float:
        """Half a node's extent along the rank axis, `offset` off its centre line."""
        half = size_u[vertex] / 2
        if shapes[vertex] != "ellipse":
            return half
        return half * math.sqrt(max(0.0, 1.0 - (2 * offset / size_v[vertex]) ** 2))

    routes_uv: list[tuple[list[Point], list[Point], Point, Point | None]] = []
    for e, chain in enumerate(g.chains):
        a, b = chain[0], chain[-1]
        tracks = _tracks(g, chain, v_pos, ports[e])
        start = (u_pos[rank[a]] + border(a, ports[e][0]), tracks[0])
        tip = (u_pos[rank[b]] - border(b, ports[e][1]), tracks[-1])
        points = [start, (u_pos[rank[a]] + thick[rank[a]] / 2, tracks[0])]
        for d, track in zip(chain[1:-1], tracks[1:-1]):
            r = rank[d]
            points += [(u_pos[r] - thick[r] / 2, track), (u_pos[r] + thick[r] / 2, track)]
        end = tip[0] - ARROW_LENGTH
        points += [(min(end, u_pos[rank[b]] - thick[rank[b]] / 2), tip[1]), (end, tip[1])]
        points = _knots(points)
        label = g.label_vertex[e]
        centre = None
        if label >= 0 and size_u[label] > 0:
            side = -LABEL_CLEAR / 2 if lr else LABEL_CLEAR / 2
            centre = (u_pos[rank[label]], v_pos[label] + side)
        routes_uv.append((points, _curve(points), tip, centre))

    everything = range(len(rank))
    low = min((v_pos[v] - size_v[v] / 2 for v in everything), default=0.0)
    high = max((v_pos[v] + size_v[v] / 2 for v in everything), default=0.0)
    for _, spline, _, _ in routes_uv:
        low = min(low, *(p[1] for p in spline))
        high = max(high, *(p[1] for p in spline))
    extent_u = max((u_pos[rank[v]] + size_u[v] / 2 for v in everything), default=0.0)

    def turn(p: Point) -> Point:
        u, v = p[0], p[1] - low
        return (u, v) if lr else (v, u)

    boxes: dict[str, NodeBox] = {}
    for i, node in enumerate(drawing.nodes):
        x, y = turn((u_pos[rank[i]], v_pos[i]))
        w, h = (size_u[i], size_v[i]) if lr else (size_v[i], size_u[i])
        boxes[node.id] = NodeBox(node.id, x, y, w, h, rank[i] // 2, g.pos[i])
    routes = [
        EdgeRoute(
            e,
            edge.src,
            edge.dst,
            tuple(turn(p) for p in points),
            tuple(turn(p) for p in spline),
            turn(tip),
            None if centre is None else turn(centre),
            label_size(edge.label),
        )
        for e, (edge, (points, spline, tip, centre)) in enumerate(zip(drawing.edges, routes_uv))
    ]
    width, height = (extent_u, high - low) if lr else (high - low, extent_u)
    return Layout(boxes, routes, width, height, rankdir, num_layers)


def _knots(points: list[Point]) -> list[Point]:
    """Drop points that add nothing: repeats, and points a level run passes anyway."""
    out = [points[0]]
    for p in points[1:]:
        if p[0] <= out[-1][0] + 1e-9:
            if abs(p[1] - out[-1][1]) < 1e-9 or len(out) == 1:
                continue  # no length along the rank axis: nothing to draw
            out[-1] = (out[-1][0], p[1]) if len(out) > 1 else out[-1]
            continue
        if len(out) >= 2 and out[-1][1] == out[-2][1] == p[1]:
            out[-1] = p  # one level run
            continue
        out.append(p)
    return out


def _curve(points: list[Point]) -> list[Point]:
    """Cubic Bezier pieces through `points`, level at every point.

    A piece between two points in the same lane is straight; one that changes lane is
    an S: it leaves and arrives level, with its control points `BEND` of the way along.
    """
    curve = [points[0]]
    for (u0, v0), (u1, v1) in itertools.pairwise(points):
        reach = (u1 - u0) * BEND
        curve += [(u0 + reach, v0), (u1 - reach, v1), (u1, v1)]
    return curve


BEND = 0.5
"""Where a lane change's control points sit, as a fraction of its length (0.5: an S)."""
