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

from .options import Direction, Rankdir
from .placement import finish, place, port_offsets, rank_positions
from .ranks import LayeredGraph, assign_layers, order_ranks, topological_order
from .shapes import (
    ARROW_LENGTH,
    BOLD_WIDTH,
    FONT_SIZE,
    LABEL_CLEAR,
    LABEL_FONT_SIZE,
    LABEL_PAD,
    LINE_HEIGHT,
    RANKDIRS,
    SHAPES,
    DrawEdge,
    Drawing,
    DrawNode,
    EdgeRoute,
    Layout,
    NodeBox,
    NodeText,
    Point,
    Shape,
    label_size,
    node_text,
    split_lines,
    text_width,
)

__all__ = [
    "ARROW_LENGTH",
    "BOLD_WIDTH",
    "FONT_SIZE",
    "LABEL_CLEAR",
    "LABEL_FONT_SIZE",
    "LABEL_PAD",
    "LINE_HEIGHT",
    "MIN_FONT",
    "PAGE_MARGIN",
    "Direction",
    "DrawEdge",
    "DrawNode",
    "Drawing",
    "EdgeRoute",
    "Layout",
    "NodeBox",
    "NodeText",
    "Point",
    "Rankdir",
    "Shape",
    "fit_scale",
    "label_size",
    "layout",
    "node_text",
    "split_lines",
    "text_width",
]


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
    topo = topological_order(n, src, dst, [node.id for node in nodes])
    layer = assign_layers(n, src, dst, topo)
    lr = rankdir == "LR"
    texts = [node_text(node) for node in nodes]
    labels = [label_size(edge.label) for edge in drawing.edges]
    graph = LayeredGraph(layer, src, dst, texts, labels, lr)
    order_ranks(graph)
    v_pos = place(graph)
    shapes = [node.shape for node in nodes]
    ports = port_offsets(graph, v_pos, shapes)
    u_pos = rank_positions(graph, v_pos, ports)
    return finish(drawing, graph, u_pos, v_pos, ports, rankdir, max(layer, default=-1) + 1)
