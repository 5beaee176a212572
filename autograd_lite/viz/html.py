"""The backward stepper: one self-contained HTML page with a slider through every step.

Frame 0 shows the seed ($\\partial out/\\partial out = 1$, every other grad "not
computed"); frame k shows the graph after the k-th chain-rule step
`input.grad += g * local`, that step's edge and input in orange, the grads not reached
yet in grey. Under the picture, the table of `explain(root)` marks the current step.

The page needs no server and no network: the frames are inline SVG from the built-in
renderer (whose layout depends only on the graph and the length of the text, so the
picture stays put while the numbers change), and a few lines of inline JavaScript move
the slider (the arrow keys work too). Every piece of text is escaped for HTML.
"""

from __future__ import annotations

import html
from dataclasses import replace
from typing import Any

from .drawing import step_caption, to_drawing
from .explain import Explanation, steps_of
from .layout import Drawing, layout, split_lines, text_width
from .options import DEFAULT_MAX_FRAMES, Options
from .svg import render_svg
from .walk import check_root, walk

__all__ = ["DEFAULT_MAX_FRAMES", "page_of", "stepper_frames", "stepper_html"]

_STYLE = """
body { font-family: Helvetica, Arial, sans-serif; margin: 20px; color: #1f2937; }
h1 { font-size: 18px; margin: 0 0 10px; }
.controls { display: flex; align-items: center; gap: 10px; margin: 6px 0; }
.controls input[type=range] { flex: 1; max-width: 640px; }
.controls button { font-size: 15px; padding: 2px 10px; }
#caption { font-size: 15px; margin: 6px 0 10px; min-height: 1.4em; }
.frame { display: none; overflow-x: auto; }
.frame.on { display: block; }
.frame svg { max-width: 100%; height: auto; }
pre { font-size: 13px; line-height: 1.45; }
pre .on { background: #ffe8d9; color: #d9480f; font-weight: bold; }
"""

_SCRIPT = """
(function () {
  var frames = document.querySelectorAll(".frame");
  var rows = document.querySelectorAll("pre [data-step]");
  var slider = document.getElementById("slider");
  var caption = document.getElementById("caption");
  var counter = document.getElementById("counter");
  function show(i) {
    i = Math.max(0, Math.min(frames.length - 1, i));
    slider.value = i;
    frames.forEach(function (f, j) { f.classList.toggle("on", j === i); });
    var step = frames[i].getAttribute("data-step");
    rows.forEach(function (r) { r.classList.toggle("on", r.getAttribute("data-step") === step); });
    caption.textContent = frames[i].getAttribute("data-caption");
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


def stepper_frames(root: Any, options: Options | None = None) -> list[tuple[int, str, Drawing]]:
    """The stepper's frames: `(step, caption, drawing)` for the seed and every step.

    A summarised graph (see `walk`) gets frames only for the steps along edges it draws.
    All drawings have the same text sizes and direction, so they share one layout.

    Raises:
        ValueError: more frames than `options.max_frames`.
    """
    check_root(root, "stepper")
    options = options or Options()
    options.check("stepper")
    max_nodes, precision, max_frames = options.max_nodes, options.precision, options.max_frames
    first = walk(root, max_nodes=max_nodes, step=0)
    steps = [0, *sorted(e.step for e in first.edges if e.carries_grad)]
    if len(steps) > max_frames:
        raise ValueError(
            f"stepper: this backward pass has {len(steps) - 1} steps to draw, one frame each, "
            f"but max_frames={max_frames}; pass a larger max_frames, or a smaller max_nodes "
            "to step through the part nearest the output"
        )
    frames = []
    untitled = replace(options, title="")
    for k in steps:
        graph = first if k == 0 else walk(root, max_nodes=max_nodes, step=k)
        current = next((e for e in graph.edges if k and e.step == k), None)
        caption = step_caption(graph, current, precision)
        if graph.note:
            caption += f" · {graph.note}"
        frames.append((k, caption, to_drawing(graph, untitled)))
    drawings = _steady([d for _, _, d in frames])
    if drawings and options.rankdir == "auto":
        rankdir = layout(drawings[-1]).rankdir  # one direction for every frame
        drawings = [replace(d, rankdir=rankdir) for d in drawings]
    return [(k, c, d) for (k, c, _), d in zip(frames, drawings)]


def stepper_html(root: Any, **options: Any) -> str:
    """One HTML page stepping through the backward pass of `root` with a slider.

    Args:
        root: the output, a `Value` or `Tensor`.
        **options: those of `Options` that apply: `rankdir`, `show`, `max_nodes`,
            `precision`, `width`, `max_frames` (more frames than this are refused with a
            ValueError) and `title` (the page's heading; None for "The backward pass of
            <root>").

    Returns:
        The page: frames `0..n` for a pass of `n` steps, each an inline SVG.

    Raises:
        TypeError: `root` is not a Value or a Tensor, or an unknown option.
        ValueError: more frames than `max_frames`, or a bad option.
    """
    return page_of(root, Options.of("stepper_html", options))


def page_of(root: Any, options: Options) -> str:
    """The stepper's page for checked `options` (see `stepper_html`)."""
    title = options.title
    frames = stepper_frames(root, options)
    graph = walk(root, max_nodes=None, step=-1)
    name = graph.value_of(graph.root).name
    shown = {k for k, _, _ in frames}
    steps = [s for s in steps_of(graph) if s.index in shown]
    table = Explanation(steps, name, graph.kind, options.precision).table().split("\n")
    rows = [html.escape(table[0]), f'<span data-step="0">{html.escape(table[1])}</span>']
    rows += [
        f'<span data-step="{s.index}">{html.escape(line)}</span>'
        for s, line in zip(steps, table[2:])
    ]
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
        f'<input type="range" id="slider" min="0" max="{len(frames) - 1}" value="0" step="1"'
        ' aria-label="backward step">',
        '<button id="next" title="next step (→)">▶</button><span id="counter"></span></div>',
        f'<div id="caption">{html.escape(frames[0][1])}</div>',
    ]
    for i, (k, caption, drawing) in enumerate(frames):
        svg = render_svg(drawing).split("\n", 1)[1]  # drop the XML declaration
        on = " on" if i == 0 else ""
        parts.append(
            f'<div class="frame{on}" data-step="{k}" data-caption="{html.escape(caption)}">'
            f"\n{svg}</div>"
        )
    parts += [
        "<h2 style='font-size:15px'>Every chain-rule step</h2>",
        "<pre>" + "\n".join(rows) + "</pre>",
        f"<script>{_SCRIPT}</script>",
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _steady(drawings: list[Drawing]) -> list[Drawing]:
    """Pad every node's and edge's text to its widest across frames.

    The built-in layout sizes boxes by their text, so equal text sizes in every frame
    give every frame the same layout: nothing jumps as the slider moves.
    """
    if not drawings:
        return drawings
    node_lines = [[split_lines(n.lines) for n in d.nodes] for d in drawings]
    edge_lines = [[split_lines([e.label]) if e.label else [] for e in d.edges] for d in drawings]
    node_target = _targets(node_lines)
    edge_target = _targets(edge_lines)
    out = []
    for d, nodes, edges in zip(drawings, node_lines, edge_lines):
        new_nodes = [
            replace(n, lines=_pad(lines, node_target[i]))
            for i, (n, lines) in enumerate(zip(d.nodes, nodes))
        ]
        new_edges = [
            replace(e, label="\n".join(_pad(lines, edge_target[i])))
            for i, (e, lines) in enumerate(zip(d.edges, edges))
        ]
        out.append(replace(d, nodes=new_nodes, edges=new_edges))
    return out


def _targets(per_frame: list[list[list[str]]]) -> list[list[float]]:
    """Per element, the widest text of each line index over all frames."""
    targets: list[list[float]] = []
    for i in range(len(per_frame[0])):
        widths: list[float] = []
        for frame in per_frame:
            for j, line in enumerate(frame[i]):
                if j == len(widths):
                    widths.append(0.0)
                widths[j] = max(widths[j], text_width(line, 1.0))
        targets.append(widths)
    return targets


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
