"""Steps 1 to 3 of the layout: layers, dummy vertices for long edges and labels, and the
order within each rank that keeps crossings few (see `layout.py` for the whole method).
"""

from __future__ import annotations

import itertools
from collections import deque

from .shapes import LABEL_CLEAR, NodeText

ORDER_SWEEPS = 6


def topological_order(n: int, src: list[int], dst: list[int], names: list[str]) -> list[int]:
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


def assign_layers(n: int, src: list[int], dst: list[int], topo: list[int]) -> list[int]:
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


class LayeredGraph:
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


def order_ranks(g: LayeredGraph) -> None:
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


def _sweep(g: LayeredGraph, down: bool) -> None:
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


def _crossings(g: LayeredGraph) -> int:
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
