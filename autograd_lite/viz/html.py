"""The backward stepper: one self-contained HTML page with a slider through every step.

Frame 0 shows the seed ($\\partial out/\\partial out = 1$, every other grad "not
computed"); frame k shows the graph after the k-th chain-rule step
`input.grad += g * local`, that step's edge and input in orange, the grads not reached
yet in grey. Under the picture, the table of `explain(root)` marks the current step.

The page needs no server and no network: the picture is inline SVG from the built-in
renderer, and a few lines of inline JavaScript move the slider (the arrow keys work
too). Every piece of text is escaped for HTML.

Size and time are linear in the graph and the number of steps: the picture is laid
out and drawn once, and each frame holds only what its step changed (the input's
grad, the highlighted edge and node, the edge's contribution), as SVG pieces the script
swaps in going forward and back. Every element's text is padded to its widest state,
so the layout never moves as the slider does.
"""

from __future__ import annotations

import bisect
import html
import json
from dataclasses import dataclass, replace
from typing import Any

from .drawing import _input_edge, _value_node, step_caption, to_drawing
from .explain import Explanation, steps_of
from .layout import DrawEdge, Drawing, DrawNode, layout, split_lines, text_width
from .model import REACHED, Edge, Graph
from .options import DEFAULT_MAX_BYTES, DEFAULT_MAX_FRAMES, Options
from .svg import Rendering
from .walk import check_root, walk

__all__ = ["DEFAULT_MAX_BYTES", "DEFAULT_MAX_FRAMES", "page_of", "stepper_frames", "stepper_html"]

_STYLE = """
body { font-family: Helvetica, Arial, sans-serif; margin: 20px; color: #1f2937; }
h1 { font-size: 18px; margin: 0 0 10px; }
.controls { display: flex; align-items: center; gap: 10px; margin: 6px 0; }
.controls input[type=range] { flex: 1; max-width: 640px; }
.controls button { font-size: 15px; padding: 2px 10px; }
#caption { font-size: 15px; margin: 6px 0 10px; min-height: 1.4em; }
.picture { overflow-x: auto; }
.picture svg { max-width: 100%; height: auto; }
pre { font-size: 13px; line-height: 1.45; }
pre .on { background: #ffe8d9; color: #d9480f; font-weight: bold; }
"""

_SCRIPT = """
(function () {
  var data = JSON.parse(document.getElementById("stepper-data").textContent);
  var frames = data.frames, pieces = data.pieces;
  var rows = document.querySelectorAll("pre [data-step]");
  var slider = document.getElementById("slider");
  var caption = document.getElementById("caption");
  var counter = document.getElementById("counter");
  var svgNS = "http://www.w3.org/2000/svg";
  var current = 0;
  function swap(changes) {
    changes.forEach(function (c) {
      var old = document.getElementById(c[0]);
      var doc = new DOMParser().parseFromString(
        '<svg xmlns="' + svgNS + '">' + pieces[c[1]] + "</svg>", "image/svg+xml");
      if (old) { old.replaceWith(document.importNode(doc.documentElement.firstChild, true)); }
    });
  }
  function show(i) {
    i = Math.max(0, Math.min(frames.length - 1, i));
    while (current < i) { current += 1; swap(frames[current].forward); }
    while (current > i) { swap(frames[current].back); current -= 1; }
    slider.value = i;
    var step = String(frames[i].step);
    rows.forEach(function (r) { r.classList.toggle("on", r.getAttribute("data-step") === step); });
    caption.textContent = frames[i].caption;
    counter.textContent = "frame " + i + " of " + (frames.length - 1);
  }
  slider.addEventListener("input", function () { show(+slider.value); });
  document.getElementById("prev").onclick = function () { show(+slider.value - 1); };
  document.getElementById("next").onclick = function () { show(+slider.value + 1); };
  document.addEventListener("keydown", function (e) {
    if (e.key === "ArrowLeft") { show(+slider.value - 1); }
    if (e.key === "ArrowRight") { show(+slider.value + 1); }
  });
  show(0);
})();
"""


@dataclass
class Frame:
    """One position of the slider.

    Attributes:
        step: the chain-rule step shown (0 for the seed).
        caption: the sentence under the slider.
        nodes: index in the drawing's nodes -> the node as it is drawn from this frame
            on, for the nodes this frame changes.
        edges: index in the drawing's edges -> the edge as it is drawn from this frame
            on, for the edges this frame changes.
    """

    step: int
    caption: str
    nodes: dict[int, DrawNode]
    edges: dict[int, DrawEdge]


@dataclass
class Stepper:
    """The stepper's picture: frame 0 as a drawing, then each frame as its changes.

    Every node's and edge's text is padded to its widest over all frames, so one
    layout serves them all. `drawing_at(k)` rebuilds a whole frame (for tests and
    pictures of one frame; it costs a copy of the drawing).
    """

    base: Drawing
    frames: list[Frame]

    def drawing_at(self, index: int) -> Drawing:
        """The drawing of frame `index`, with every change up to it applied."""
        nodes, edges = list(self.base.nodes), list(self.base.edges)
        for frame in self.frames[1 : index + 1]:
            for i, node in frame.nodes.items():
                nodes[i] = node
            for i, edge in frame.edges.items():
                edges[i] = edge
        return replace(self.base, nodes=nodes, edges=edges)


def stepper_frames(root: Any, options: Options | None = None) -> Stepper:
    """The stepper's frames: the seed, then one frame per step along a drawn edge.

    A summarised graph (see `walk`) gets frames only for the steps along edges it draws;
    its grads still count every step, drawn or not. Linear in the size of the graph and
    the number of steps: the graph is walked twice (three times when summarised), not
    once per frame.

    Raises:
        ValueError: more frames than `options.max_frames`.
    """
    check_root(root, "stepper")
    options = options or Options()
    options.check("stepper")
    max_nodes, max_frames = options.max_nodes, options.max_frames
    first = walk(root, max_nodes=max_nodes, step=0)
    steps = [0, *sorted(e.step for e in first.edges if e.carries_grad)]
    if len(steps) > max_frames:
        raise ValueError(
            f"stepper: this backward pass has {len(steps) - 1} steps to draw, one frame each, "
            f"but max_frames={max_frames}; pass a larger max_frames, or a smaller max_nodes "
            "to step through the part nearest the output"
        )
    last = walk(root, max_nodes=max_nodes, step=-1)
    every = walk(root, max_nodes=None, step=-1) if first.summarised else last
    untitled = replace(options, title="")
    base = to_drawing(first, untitled)
    frames = _frames(first, last, every, steps, base, untitled)
    stepper = _steady(base, frames)
    if options.rankdir == "auto":  # one direction for every frame: the padded one's
        direction = layout(stepper.base).rankdir
        stepper = replace(stepper, base=replace(stepper.base, rankdir=direction))
    return stepper


def _frames(
    first: Graph,
    last: Graph,
    every: Graph,
    steps: list[int],
    base: Drawing,
    options: Options,
) -> list[Frame]:
    """What each frame changes, found from the walks before and after all the steps."""
    value_index = {v.id: i for i, v in enumerate(first.values)}
    position = {node.id: i for i, node in enumerate(base.nodes)}
    # The drawing's edges: those of kept constants, then the input edges in the walk's
    # order, then an edge from each op to its output.
    offset = len(base.edges) - len(first.edges) - len(first.ops)
    # When each drawn value's grad changes: every step into it, drawn or not.
    arrivals: dict[str, list[tuple[int, Edge]]] = {}
    for edge in every.edges:
        if edge.carries_grad and edge.src in value_index:
            arrivals.setdefault(edge.src, []).append((edge.step, edge))
    by_frame: dict[int, set[str]] = {}
    for src, arrived in arrivals.items():
        arrived.sort(key=lambda pair: pair[0])
        for step, _ in arrived:
            k = bisect.bisect_left(steps, step)
            if k < len(steps):
                by_frame.setdefault(k, set()).add(src)
    edge_at = {e.step: i for i, e in enumerate(last.edges) if e.carries_grad}

    def value_at(value_id: str, k: int, current: Edge | None) -> DrawNode:
        value = first.values[value_index[value_id]]
        arrived = arrivals.get(value_id, [])
        j = bisect.bisect_right(arrived, steps[k], key=lambda pair: pair[0])
        if j:
            edge = arrived[j - 1][1]
            grad = None if first.kind == "Tensor" else edge.total
            value = replace(value, grad=grad, grad_note=REACHED if grad is None else "")
        return _value_node(value, first, options, current)

    frames = [Frame(0, _caption(first, None, options.precision), {}, {})]
    previous: Edge | None = None
    previous_index = -1
    for k, step in enumerate(steps[1:], start=1):
        index = edge_at[step]
        current = last.edges[index]
        frame = Frame(step, _caption(first, current, options.precision), {}, {})
        changed = by_frame.get(k, set()) | {current.src}
        if previous is not None:
            changed.add(previous.src)
            unlit = _input_edge(previous, first, options, False)
            frame.edges[offset + previous_index] = unlit
        for value_id in changed:
            frame.nodes[position[value_id]] = value_at(value_id, k, current)
        frame.edges[offset + index] = _input_edge(current, first, options, True)
        frames.append(frame)
        previous, previous_index = current, index
    return frames


def _caption(graph: Graph, edge: Edge | None, precision: int) -> str:
    caption = step_caption(graph, edge, precision)
    return f"{caption} · {graph.note}" if graph.note else caption


def stepper_html(root: Any, **options: Any) -> str:
    """One HTML page stepping through the backward pass of `root` with a slider.

    The picture is drawn once; each frame holds only what its step changes, so the page
    grows linearly with the graph and the number of steps.

    Args:
        root: the output, a `Value` or `Tensor`.
        **options: those of `Options` that apply: `rankdir`, `show`, `max_nodes`,
            `precision`, `width`, `max_frames` (more frames than this are refused with a
            ValueError), `max_bytes` (so is a larger page) and `title` (the page's
            heading; None for "The backward pass of <root>").

    Returns:
        The page: frames `0..n` for a pass of `n` steps.

    Raises:
        TypeError: `root` is not a Value or a Tensor, or an unknown option.
        ValueError: more frames than `max_frames`, a page larger than `max_bytes`, or a
            bad option.
    """
    return page_of(root, Options.of("stepper_html", options))


def page_of(root: Any, options: Options) -> str:
    """The stepper's page for checked `options` (see `stepper_html`)."""
    stepper = stepper_frames(root, options)
    rendering = Rendering(stepper.base, label_ids=True)
    picture = rendering.document().split("\n", 1)[1]  # drop the XML declaration
    data = _frame_data(stepper, rendering)
    graph = walk(root, max_nodes=None, step=-1)
    name = graph.value_of(graph.root).name
    shown = {frame.step for frame in stepper.frames}
    steps = [s for s in steps_of(graph) if s.index in shown]
    table = Explanation(steps, name, graph.kind, options.precision).table().split("\n")
    rows = [html.escape(table[0]), f'<span data-step="0">{html.escape(table[1])}</span>']
    rows += [
        f'<span data-step="{s.index}">{html.escape(line)}</span>'
        for s, line in zip(steps, table[2:])
    ]
    size = len(picture) + len(data) + sum(map(len, rows))
    if size > options.max_bytes:
        raise ValueError(
            f"stepper: the page would be about {size / 1e6:.1f} MB ({len(stepper.frames)} "
            f"frames over {len(stepper.base.nodes)} nodes), more than "
            f"max_bytes={options.max_bytes:,}; pass a smaller max_nodes to step through the "
            "part nearest the output, or a larger max_bytes"
        )
    title = options.title
    heading = html.escape(title if title is not None else f"The backward pass of {name}")
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        '<head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{heading}</title>",
        f"<style>{_STYLE}</style></head>",
        "<body>",
        f"<h1>{heading}</h1>",
        '<div class="controls"><button id="prev" title="previous step (←)">◀</button>',
        f'<input type="range" id="slider" min="0" max="{len(stepper.frames) - 1}" value="0"'
        ' step="1" aria-label="backward step">',
        '<button id="next" title="next step (→)">▶</button><span id="counter"></span></div>',
        f'<div id="caption">{html.escape(stepper.frames[0].caption)}</div>',
        f'<div class="picture">\n{picture}</div>',
        f'<script type="application/json" id="stepper-data">{data}</script>',
        "<h2 style='font-size:15px'>Every chain-rule step</h2>",
        "<pre>" + "\n".join(rows) + "</pre>",
        f"<script>{_SCRIPT}</script>",
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _frame_data(stepper: Stepper, rendering: Rendering) -> str:
    """The frames as JSON: per frame, the SVG pieces to swap in going forward and back.

    Each piece is written once and referred to by its position; `<` is written as
    `\\u003c`, so no text inside can close the `<script>` element holding it.
    """
    pieces: list[str] = []
    at: dict[str, int] = {}

    def piece(svg: str) -> int:
        if svg not in at:
            at[svg] = len(pieces)
            pieces.append(svg)
        return at[svg]

    def changes(nodes: dict[int, DrawNode], edges: dict[int, DrawEdge]) -> list[list[Any]]:
        out: list[list[Any]] = []
        for i, node in nodes.items():
            out.append([rendering.node_id(i), piece(rendering.node(i, node))])
        for i, edge in edges.items():
            curve, label = rendering.edge(i, edge)
            curve_id, label_id = rendering.edge_ids(i)
            out.append([curve_id, piece(curve)])
            if label:
                out.append([label_id, piece(label)])
        return out

    nodes, edges = list(stepper.base.nodes), list(stepper.base.edges)
    frames: list[dict[str, Any]] = []
    for frame in stepper.frames:
        back = changes({i: nodes[i] for i in frame.nodes}, {i: edges[i] for i in frame.edges})
        forward = changes(frame.nodes, frame.edges)
        for i, node in frame.nodes.items():
            nodes[i] = node
        for i, edge in frame.edges.items():
            edges[i] = edge
        frames.append(
            {"step": frame.step, "caption": frame.caption, "forward": forward, "back": back}
        )
    text = json.dumps({"pieces": pieces, "frames": frames}, ensure_ascii=False)
    return text.replace("<", "\\u003c")


def _steady(base: Drawing, frames: list[Frame]) -> Stepper:
    """Pad every node's and edge's text to its widest over all frames.

    The built-in layout sizes boxes by their text, so equal text sizes in every frame
    give every frame the same layout: nothing jumps as the slider moves.
    """
    node_states: list[list[list[str]]] = [[split_lines(n.lines)] for n in base.nodes]
    edge_states: list[list[list[str]]] = [[_edge_lines(e)] for e in base.edges]
    for frame in frames:
        for i, node in frame.nodes.items():
            node_states[i].append(split_lines(node.lines))
        for i, edge in frame.edges.items():
            edge_states[i].append(_edge_lines(edge))
    node_widths = [_widths(states) for states in node_states]
    edge_widths = [_widths(states) for states in edge_states]

    def pad_node(i: int, node: DrawNode) -> DrawNode:
        return replace(node, lines=_pad(split_lines(node.lines), node_widths[i]))

    def pad_edge(i: int, edge: DrawEdge) -> DrawEdge:
        return replace(edge, label="\n".join(_pad(_edge_lines(edge), edge_widths[i])))

    padded = replace(
        base,
        nodes=[pad_node(i, n) for i, n in enumerate(base.nodes)],
        edges=[pad_edge(i, e) for i, e in enumerate(base.edges)],
    )
    steady = [
        replace(
            frame,
            nodes={i: pad_node(i, n) for i, n in frame.nodes.items()},
            edges={i: pad_edge(i, e) for i, e in frame.edges.items()},
        )
        for frame in frames
    ]
    return Stepper(padded, steady)


def _edge_lines(edge: DrawEdge) -> list[str]:
    return split_lines([edge.label]) if edge.label else []


def _widths(states: list[list[str]]) -> list[float]:
    """Per line index, the widest text over an element's states."""
    widths: list[float] = []
    for lines in states:
        for j, line in enumerate(lines):
            if j == len(widths):
                widths.append(0.0)
            widths[j] = max(widths[j], text_width(line, 1.0))
    return widths


def _pad(lines: list[str], widths: list[float]) -> list[str]:
    """Centre-pad `lines` with spaces to `widths`, adding blank lines as needed."""
    unit = text_width(" ", 1.0)
    out = []
    for j, width in enumerate(widths):
        line = lines[j] if j < len(lines) else ""
        missing = round((width - text_width(line, 1.0)) / unit)
        left = missing // 2
        out.append(" " * left + line + " " * (missing - left))
    return out
