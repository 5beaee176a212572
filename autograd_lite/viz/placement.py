"""Steps 4 and 5 of the layout: positions across and along the ranks, and every edge's
curve, in lanes that pass nodes and labels at a distance (see `layout.py`).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence

from .options import Rankdir
from .ranks import LayeredGraph
from .shapes import (
    ARROW_LENGTH,
    LABEL_CLEAR,
    Drawing,
    EdgeRoute,
    Layout,
    NodeBox,
    Point,
    label_size,
)

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
PLACE_SWEEPS = 6
DUMMY_WEIGHT = 2.0
"""How much more a dummy holds its place than a node: keeps long edges straight."""


def place(g: LayeredGraph) -> list[float]:
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


def _straighten(g: LayeredGraph, offsets: list[list[float]], coord: list[float]) -> None:
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


def rank_positions(
    g: LayeredGraph, v_pos: list[float], ports: list[tuple[float, float]]
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
    g: LayeredGraph, chain: list[int], v_pos: list[float], port: tuple[float, float]
) -> list[float]:
    """Where along the ranks an edge passes each vertex of its chain."""
    inner = [v_pos[d] + g.anchor[d] for d in chain[1:-1]]
    return [v_pos[chain[0]] + port[0], *inner, v_pos[chain[-1]] + port[1]]


def port_offsets(
    g: LayeredGraph, v_pos: list[float], shapes: Sequence[str]
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


def finish(
    drawing: Drawing,
    g: LayeredGraph,
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
