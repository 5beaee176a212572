"""What a picture is made of, and how big its text is: the data the layout works on.

A `Drawing` holds `DrawNode`s and `DrawEdge`s with their text; `layout` (see
`layout.py`) answers with a `Layout`: a `NodeBox` per node and an `EdgeRoute` per edge.
This module also measures text: a node's size from its lines (`node_text`), an edge
label's box (`label_size`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
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
