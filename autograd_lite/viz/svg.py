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
* edges: curves with an arrowhead, and their label (the local derivative) on a white
  background in the middle, so crossing lines never hide it;
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
import re

from .layout import (
    ARROW_LENGTH,
    FONT_SIZE,
    LABEL_FONT_SIZE,
    LABEL_PAD,
    DrawEdge,
    Drawing,
    DrawNode,
    EdgeRoute,
    NodeBox,
    Point,
    layout,
    node_text,
    split_lines,
    text_width,
)

__all__ = ["render_svg"]

MARGIN = 16.0
TITLE_SIZE = 15.0
BOLD_TITLE = 1.1
SANS = "Helvetica, Arial, sans-serif"
MONO = "Menlo, Consolas, 'DejaVu Sans Mono', monospace"

TEXT = "#1f2937"
FADED_TEXT = "#9ca3af"
FADED_FILL = "#f6f7f9"
FADED_STROKE = "#c3c8d0"
HIGHLIGHT = "#d9480f"
EDGE = "#6b7280"
LABEL_TEXT = "#374151"
FILL = {"record": "#e8f1fb", "ellipse": "#fdf0d5", "box": "#f1f3f5"}
STROKE = {"record": "#4b6f9e", "ellipse": "#b7791f", "box": "#6b7280"}

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def escape(text: str) -> str:
    """Make `text` safe inside an XML element or a double-quoted attribute.

    Example:
        >>> escape("a<b & \\"c\\" 'd'")
        'a&lt;b &amp; &quot;c&quot; &#39;d&#39;'
    """
    text = _NOT_XML.sub("\ufffd", text)
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
    )


def _num(x: float) -> str:
    """A coordinate with at most two decimals and no `-0`."""
    s = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def render_svg(drawing: Drawing) -> str:
    """Lay out `drawing` and return it as a complete SVG document.

    Args:
        drawing: the nodes, edges, direction and title (see `layout.Drawing`).

    Returns:
        The document as a string, starting with the XML declaration; write it with
        `encoding="utf-8"`.

    Raises:
        ValueError: the drawing has a cycle, a repeated node id, an edge to an unknown
            node, or an unknown shape or rankdir.
    """
    lay = layout(drawing)
    # Ids unique to this picture: two SVGs inlined in one notebook page must not share
    # a marker id, or hiding one output can take the other's arrowheads with it.
    digest = hashlib.sha1(repr(drawing).encode("utf-8", "backslashreplace")).hexdigest()
    prefix = f"ag{digest[:8]}"
    title_h = TITLE_SIZE * 1.8 if drawing.title else 0.0
    title_w = text_width(drawing.title, TITLE_SIZE) * BOLD_TITLE
    width = max(lay.width, title_w) + 2 * MARGIN
    height = lay.height + 2 * MARGIN + title_h
    out: list[str] = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_num(width)}" '
        f'height="{_num(height)}" viewBox="0 0 {_num(width)} {_num(height)}" '
        f'font-family="{SANS}" font-size="{_num(FONT_SIZE)}" xml:space="preserve">',
        f"<title>{escape(drawing.title or 'computation graph')}</title>",
        _defs(prefix),
        f'<rect width="{_num(width)}" height="{_num(height)}" fill="#ffffff"/>',
    ]
    if drawing.title:
        out.append(
            f'<text class="title" x="{_num(MARGIN)}" y="{_num(MARGIN + TITLE_SIZE)}" '
            f'font-size="{_num(TITLE_SIZE)}" font-weight="bold" fill="{TEXT}">'
            f"{escape(drawing.title)}</text>"
        )
    out.append(f'<g transform="translate({_num(MARGIN)} {_num(MARGIN + title_h)})">')
    names = {node.id: next(filter(None, node.lines), node.id) for node in drawing.nodes}
    out.append('<g class="edges">')
    for edge, route in zip(drawing.edges, lay.edges):
        out.append(_edge(edge, route, names, prefix))
    out.append("</g>")
    out.append(f'<g class="edge-labels" font-size="{_num(LABEL_FONT_SIZE)}">')
    for edge, route in zip(drawing.edges, lay.edges):
        if route.label_center is not None:
            out.append(_edge_label(edge, route.label_center, route.label_size))
    out.append("</g>")
    out.append('<g class="nodes">')
    for i, node in enumerate(drawing.nodes):
        out.append(_node(node, lay.nodes[node.id], f"{prefix}-n{i}"))
    out.append("</g>")
    out.append("</g>")
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _defs(prefix: str) -> str:
    """Arrowheads, one per colour: SVG 1.1 markers cannot take the line's colour."""
    markers = []
    for name, colour in (("arrow", EDGE), ("arrow-hl", HIGHLIGHT)):
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
    return (
        f'<g class="edge" id="{prefix}-e{route.index}"><title>{escape(tip)}</title>'
        f'<path d="{" ".join(d)}" fill="none" stroke="{colour}" stroke-width="{width}" '
        f'marker-end="url(#{prefix}-{marker})"/></g>'
    )


def _edge_label(edge: DrawEdge, centre: Point, size: tuple[float, float]) -> str:
    """An edge's label on a white background, centred on the curve."""
    (cx, cy), (w, h) = centre, size
    lines = split_lines([edge.label])
    line = 1.3 * LABEL_FONT_SIZE
    top = cy - h / 2 + LABEL_PAD[1]
    colour = HIGHLIGHT if edge.highlight else LABEL_TEXT
    weight = ' font-weight="bold"' if edge.highlight else ""
    parts = [
        f'<g class="edge-label"><rect x="{_num(cx - w / 2)}" y="{_num(cy - h / 2)}" '
        f'width="{_num(w)}" height="{_num(h)}" rx="3" fill="#ffffff" fill-opacity="0.92"/>'
    ]
    for i, text in enumerate(lines):
        y = top + (i + 0.5) * line + 0.35 * LABEL_FONT_SIZE
        parts.append(
            f'<text x="{_num(cx)}" y="{_num(y)}" text-anchor="middle" fill="{colour}"'
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
