"""Draw a computation graph as a standalone SVG document, without Graphviz.

Graphviz's `dot` program is often missing (Colab, Windows, school machines), so the
visualizer can fall back on this renderer: `layout.py` places the nodes and routes the
edges much as `dot -Grankdir=LR` would, and `render_svg` writes the picture as text.
The result uses nothing but the standard library, loads no fonts, images or scripts,
and opens in any browser, in Jupyter, and in Inkscape.

What the picture shows:

* value nodes (`shape="record"`): a rounded box, the label in bold above a thin rule,
  the numbers below it in a monospace font;
* op nodes (`shape="ellipse"`): a small ellipse in a warmer colour;
* edges: curves with an arrowhead, and their label (the chain-rule step along them)
  just beside them: above a level edge left to right, to its right top down. The
  layout keeps every other line out of a label's box, so no label needs a background
  to be read, and none cuts an edge into pieces;
* edges along which no gradient flows (from a constant) thin and dashed;
* a legend under the title: a plain arrow for the forward pass, a dashed one pointing
  back for the gradients, which flow against the arrows;
* the whole picture scaled to the page width it is made for (`Drawing.width`), never
  so far that edge labels fall below `MIN_FONT` px;
* `faded` nodes in grey with a dashed outline, `highlight` nodes and edges in orange;
* a `<title>` per node and edge, which browsers show as a tooltip.

Every piece of text is escaped for XML, and characters XML cannot hold at all (control
characters) become U+FFFD, so any label gives a well-formed document; Korean or other
non-ASCII text stays as it is, in UTF-8.

Example:
    >>> from autograd_lite.viz.layout import DrawEdge, DrawNode, Drawing
    >>> d = Drawing(
    ...     [DrawNode("a", ["a", "data 2.0000"]), DrawNode("t", ["tanh"], "ellipse")],
    ...     [DrawEdge("a", "t", "∂/∂a = 0.07")],
    ...     title="tanh(a)",
    ... )
    >>> svg = render_svg(d)
    >>> svg.startswith("<?xml") and "∂/∂a = 0.07" in svg
    True
"""

from __future__ import annotations

import hashlib

from .layout import (
    ARROW_LENGTH,
    FONT_SIZE,
    LABEL_FONT_SIZE,
    LABEL_PAD,
    PAGE_MARGIN,
    DrawEdge,
    Drawing,
    DrawNode,
    EdgeRoute,
    Layout,
    NodeBox,
    fit_scale,
    layout,
    node_text,
    split_lines,
    text_width,
)
from .style import (
    BOLD,
    EDGE,
    FADED_FILL,
    FADED_STROKE,
    FADED_TEXT,
    FLOW,
    HIGHLIGHT,
    LABEL_TEXT,
    MONO,
    SANS,
    SHAPE_FILL,
    SHAPE_STROKE,
    TEXT,
    TITLE_ROOM,
    wrap,
    xml_escape,
)

__all__ = ["Rendering", "render_svg"]

MARGIN = PAGE_MARGIN
TITLE_SIZE = 15.0
LEGEND_SIZE = 12.0
FILL = SHAPE_FILL
STROKE = SHAPE_STROKE


def escape(text: str) -> str:
    """Make `text` safe inside an XML element or a double-quoted attribute.

    Example:
        >>> escape("a<b & \\"c\\" 'd'")
        'a&lt;b &amp; &quot;c&quot; &#39;d&#39;'
    """
    return xml_escape(text, apostrophe=True)


def _num(x: float) -> str:
    """A coordinate with at most two decimals and no `-0`."""
    s = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def render_svg(drawing: Drawing, lay: Layout | None = None) -> str:
    """Lay out `drawing` and return it as a complete SVG document.

    Args:
        drawing: the nodes, edges, direction, title and legend (see `layout.Drawing`).
        lay: its layout, if already computed.

    Returns:
        The document as a string, starting with the XML declaration; write it with
        `encoding="utf-8"`. Its `width` is at most `drawing.width` (see `fit_scale`);
        its `viewBox` keeps the natural size, so the picture scales as a whole.

    Raises:
        ValueError: the drawing has a cycle, a repeated node id, an edge to an unknown
            node, or an unknown shape or rankdir.
    """
    return Rendering(drawing, lay).document()


class Rendering:
    """A drawing laid out once, whose nodes and edges can be drawn again in other states.

    The stepper draws the graph once and then, per backward step, only the few nodes
    and edges that changed: `node` and `edge` give those pieces at the same place and
    with the same `id` attributes as in `document()`, as long as their text keeps its
    size.

    Args:
        drawing: what to draw (see `layout.Drawing`).
        lay: its layout, if already computed.
        label_ids: give each edge label an `id` too (a label has none otherwise: the
            curves and nodes already have theirs), so that it can be swapped.

    Raises:
        ValueError: as for `render_svg`.
    """

    def __init__(
        self, drawing: Drawing, lay: Layout | None = None, label_ids: bool = False
    ) -> None:
        self.drawing = drawing
        self.layout = lay or layout(drawing)
        self.label_ids = label_ids
        # Ids unique to this picture: two SVGs inlined in one notebook page must not share
        # a marker id, or hiding one output can take the other's arrowheads with it.
        digest = hashlib.sha1(repr(drawing).encode("utf-8", "backslashreplace")).hexdigest()
        self.prefix = f"ag{digest[:8]}"
        self._names = {node.id: next(filter(None, node.lines), node.id) for node in drawing.nodes}

    def node_id(self, index: int) -> str:
        """The `id` of the `index`-th node's group."""
        return f"{self.prefix}-n{index}"

    def edge_ids(self, index: int) -> tuple[str, str]:
        """The `id`s of the `index`-th edge's curve and of its label."""
        return f"{self.prefix}-e{index}", f"{self.prefix}-l{index}"

    def node(self, index: int, node: DrawNode) -> str:
        """The `index`-th node's group, drawn as `node` says."""
        return _node(node, self.layout.nodes[node.id], self.node_id(index))

    def edge(self, index: int, edge: DrawEdge) -> tuple[str, str]:
        """The `index`-th edge's curve and label groups (the label "" if it has none)."""
        route = self.layout.edges[index]
        curve = _edge(edge, route, self._names, self.prefix)
        label = _edge_label(edge, route, beside=self.layout.rankdir == "TB")
        if label and self.label_ids:
            label = label.replace("<g ", f'<g id="{self.edge_ids(index)[1]}" ', 1)
        return curve, label

    def document(self) -> str:
        """The complete SVG document, starting with the XML declaration."""
        drawing, lay, prefix = self.drawing, self.layout, self.prefix
        room = max(lay.width, TITLE_ROOM)
        title = wrap(drawing.title, room, TITLE_SIZE * BOLD)
        head = len(title) * TITLE_SIZE * 1.35 + (0.5 * TITLE_SIZE if title else 0.0)
        legend_w = _legend_width(drawing.legend)
        legend_h = LEGEND_SIZE * 2.0 if drawing.legend else 0.0
        title_w = max((text_width(line, TITLE_SIZE) * BOLD for line in title), default=0.0)
        width = max(lay.width, title_w, legend_w) + 2 * MARGIN
        height = lay.height + 2 * MARGIN + head + legend_h
        scale = fit_scale(width - 2 * MARGIN, drawing.width)
        out: list[str] = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{_num(width * scale)}" '
            f'height="{_num(height * scale)}" viewBox="0 0 {_num(width)} {_num(height)}" '
            f'font-family="{SANS}" font-size="{_num(FONT_SIZE)}" xml:space="preserve">',
            f"<title>{escape(drawing.title or 'computation graph')}</title>",
            _defs(prefix),
            f'<rect width="{_num(width)}" height="{_num(height)}" fill="#ffffff"/>',
        ]
        for i, line in enumerate(title):
            y = MARGIN + TITLE_SIZE + i * TITLE_SIZE * 1.35
            out.append(
                f'<text class="title" x="{_num(MARGIN)}" y="{_num(y)}" '
                f'font-size="{_num(TITLE_SIZE)}" font-weight="bold" fill="{TEXT}">'
                f"{escape(line)}</text>"
            )
        if drawing.legend:
            out.append(_legend(drawing.legend, MARGIN, MARGIN + head, prefix))
        out.append(f'<g transform="translate({_num(MARGIN)} {_num(MARGIN + head + legend_h)})">')
        pieces = [self.edge(i, edge) for i, edge in enumerate(drawing.edges)]
        out.append('<g class="edges">')
        out += [curve for curve, _ in pieces]
        out.append("</g>")
        out.append(f'<g class="edge-labels" font-size="{_num(LABEL_FONT_SIZE)}">')
        out += [label for _, label in pieces if label]
        out.append("</g>")
        out.append('<g class="nodes">')
        out += [self.node(i, node) for i, node in enumerate(drawing.nodes)]
        out.append("</g>")
        out.append("</g>")
        out.append("</svg>")
        return "\n".join(out) + "\n"


LEGEND_ARROW = 34.0
"""Length of the legend's arrows."""


def _legend_width(legend: tuple[str, ...]) -> float:
    return sum(LEGEND_ARROW + 8.0 + text_width(item, LEGEND_SIZE) + 18.0 for item in legend)


def _legend(legend: tuple[str, ...], x: float, top: float, prefix: str) -> str:
    """How to read the arrows: a plain one forward, then a dashed one back, each with words.

    The first item is the forward pass (the arrows of the picture); the others are drawn
    beside an arrow pointing the other way, dashed, in the colour of the gradient's flow.
    """
    y = top + LEGEND_SIZE * 0.9
    parts = [f'<g class="legend" font-size="{_num(LEGEND_SIZE)}">']
    for i, item in enumerate(legend):
        forward = i == 0
        colour, marker = (EDGE, "arrow") if forward else (FLOW, "arrow-flow")
        a, b = (x, x + LEGEND_ARROW - ARROW_LENGTH) if forward else (x + LEGEND_ARROW, x + 9.0)
        dash = "" if forward else ' stroke-dasharray="5 3"'
        parts.append(
            f'<path d="M{_num(a)},{_num(y - 4)} L{_num(b)},{_num(y - 4)}" stroke="{colour}" '
            f'stroke-width="1.5" fill="none"{dash} marker-end="url(#{prefix}-{marker})"/>'
        )
        x += LEGEND_ARROW + 8.0
        parts.append(
            f'<text x="{_num(x)}" y="{_num(y)}" fill="{colour if not forward else TEXT}">'
            f"{escape(item)}</text>"
        )
        x += text_width(item, LEGEND_SIZE) + 18.0
    parts.append("</g>")
    return "".join(parts)


def _defs(prefix: str) -> str:
    """Arrowheads, one per colour: SVG 1.1 markers cannot take the line's colour."""
    markers = []
    for name, colour in (("arrow", EDGE), ("arrow-hl", HIGHLIGHT), ("arrow-flow", FLOW)):
        markers.append(
            f'<marker id="{prefix}-{name}" viewBox="0 0 10 10" refX="0" refY="5" '
            f'markerUnits="userSpaceOnUse" markerWidth="{_num(ARROW_LENGTH)}" '
            f'markerHeight="{_num(ARROW_LENGTH * 0.75)}" orient="auto" '
            f'preserveAspectRatio="none"><path d="M0,0 L10,5 L0,10 z" fill="{colour}"/>'
            "</marker>"
        )
    return "<defs>" + "".join(markers) + "</defs>"


def _edge(edge: DrawEdge, route: EdgeRoute, names: dict[str, str], prefix: str) -> str:
    """One edge: its tooltip and its curve, ending in an arrowhead."""
    p = route.spline
    d = [f"M{_num(p[0][0])},{_num(p[0][1])}"]
    for i in range(1, len(p), 3):
        (x1, y1), (x2, y2), (x, y) = p[i], p[i + 1], p[i + 2]
        d.append(f"C{_num(x1)},{_num(y1)} {_num(x2)},{_num(y2)} {_num(x)},{_num(y)}")
    tip = f"{names[edge.src]} → {names[edge.dst]}"
    if edge.label:
        tip += ": " + " ".join(split_lines([edge.label]))
    colour, width, marker = (
        (HIGHLIGHT, 2.4, "arrow-hl") if edge.highlight else (EDGE, 1.3, "arrow")
    )
    dash = ' stroke-dasharray="4 3" stroke-opacity="0.7"' if edge.faint else ""
    return (
        f'<g class="edge" id="{prefix}-e{route.index}"><title>{escape(tip)}</title>'
        f'<path d="{" ".join(d)}" fill="none" stroke="{colour}" stroke-width="{width}"{dash} '
        f'marker-end="url(#{prefix}-{marker})"/></g>'
    )


def _edge_label(edge: DrawEdge, route: EdgeRoute, beside: bool) -> str:
    """An edge's label, next to its edge (the layout keeps every other line off it).

    Above a level edge (left to right) the lines are centred; right of a vertical one
    (top down) they start at the edge, so each label leans on its own edge.
    """
    if route.label_center is None:
        return ""
    (cx, cy), (w, h) = route.label_center, route.label_size
    anchor = "middle"
    if beside:
        cx, anchor = cx - w / 2 + LABEL_PAD[0], "start"
    lines = split_lines([edge.label])
    line = 1.3 * LABEL_FONT_SIZE
    top = cy - h / 2 + LABEL_PAD[1]
    colour = HIGHLIGHT if edge.highlight else LABEL_TEXT
    weight = ' font-weight="bold"' if edge.highlight else ""
    parts = ['<g class="edge-label">']
    for i, text in enumerate(lines):
        y = top + (i + 0.5) * line + 0.35 * LABEL_FONT_SIZE
        parts.append(
            f'<text x="{_num(cx)}" y="{_num(y)}" text-anchor="{anchor}" fill="{colour}"'
            f"{weight}>{escape(text)}</text>"
        )
    parts.append("</g>")
    return "".join(parts)


def _node(node: DrawNode, box: NodeBox, ident: str) -> str:
    """One node: tooltip, outline and text lines."""
    text = node_text(node)
    fill = node.fill or (FADED_FILL if node.faded else FILL[node.shape])
    stroke, stroke_w, dash = STROKE[node.shape], 1.2, ""
    if node.faded:
        stroke, dash = FADED_STROKE, ' stroke-dasharray="4 3"'
    if node.highlight:
        stroke, stroke_w = HIGHLIGHT, 2.5
    ink = FADED_TEXT if node.faded else TEXT
    tooltip = node.tooltip or "\n".join(text.lines)
    paint = f'fill="{escape(fill)}" stroke="{stroke}" stroke-width="{stroke_w}"{dash}'
    x, y, w, h = box.x, box.y, box.width, box.height
    parts = [f'<g class="node" id="{ident}"><title>{escape(tooltip)}</title>']
    if node.shape == "ellipse":
        parts.append(
            f'<ellipse cx="{_num(x)}" cy="{_num(y)}" rx="{_num(w / 2)}" ry="{_num(h / 2)}" '
            f"{paint}/>"
        )
    else:
        parts.append(
            f'<rect x="{_num(x - w / 2)}" y="{_num(y - h / 2)}" width="{_num(w)}" '
            f'height="{_num(h)}" rx="6" {paint}/>'
        )
    if text.separator is not None:
        sy = _num(y + text.separator)
        parts.append(
            f'<line x1="{_num(x - w / 2)}" y1="{sy}" x2="{_num(x + w / 2)}" y2="{sy}" '
            f'stroke="{stroke}" stroke-width="0.8" stroke-opacity="0.6"/>'
        )
    record = node.shape == "record"
    for i, (line, base) in enumerate(zip(text.lines, text.baselines)):
        style = ""
        if record and i == 0:
            style = ' font-weight="bold"'
        elif record:
            style = f' font-family="{MONO}" font-size="{_num(FONT_SIZE - 1)}"'
        parts.append(
            f'<text x="{_num(x)}" y="{_num(y + base)}" text-anchor="middle" fill="{ink}"'
            f"{style}>{escape(line)}</text>"
        )
    parts.append("</g>")
    return "".join(parts)
