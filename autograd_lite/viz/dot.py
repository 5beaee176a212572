"""DOT text for Graphviz, and `draw_graph`, a `graphviz.Digraph` that shows inline in Jupyter.

`to_dot` needs nothing installed: it writes the DOT language as text. `draw_graph` wraps
the same text in a `graphviz.Digraph` (the Python package, `pip install
"autograd_lite[viz]"`), which Jupyter displays inline. Rendering that needs Graphviz's
`dot` program; when it is missing (Colab without apt, Windows, school machines), the
Digraph returned here displays the built-in SVG instead (`svg.py`), the same picture
with the same labels, so `draw_graph(out)` shows a graph in a notebook either way.

Escaping: value nodes use Graphviz HTML-like labels, in which `&`, `<`, `>` and `"`
become entities; edge labels, tooltips and the title are quoted strings, in which `"`
and `\\` are escaped and a line break is `\\n`. Non-ASCII text (a Korean label) is
written as UTF-8, DOT's default charset.

Example:
    >>> import autograd_lite as ag
    >>> x = ag.Value(2.0, label="x")
    >>> y = x * x
    >>> y.backward()
    >>> text = to_dot(y)
    >>> text.startswith("digraph") and "∂(x*x)/∂x = x = 2.0000" in text and "grad 4.0000" in text
    True
"""

from __future__ import annotations

import functools
import math
import re
import shutil
import subprocess
from typing import Any

from .drawing import drawing_of
from .layout import (
    FONT_SIZE,
    LABEL_FONT_SIZE,
    PAGE_MARGIN,
    DrawEdge,
    Drawing,
    DrawNode,
    fit_scale,
    layout,
    split_lines,
)
from .options import Options
from .style import (
    BOLD,
    EDGE,
    FADED_FILL,
    FADED_STROKE,
    FADED_TEXT,
    FLOW,
    HIGHLIGHT,
    LABEL_TEXT,
    SHAPE_FILL,
    SHAPE_STROKE,
    TEXT,
    TITLE_ROOM,
    text_width,
    wrap,
    xml_escape,
    xml_safe,
)
from .svg import render_svg

SANS = "Helvetica,Arial,sans-serif"
MONO = "monospace"
TITLE_POINTS = 14.0
LEGEND_POINTS = 11.0
FILL, STROKE = SHAPE_FILL, SHAPE_STROKE
INSTALL_DOT = (
    "install Graphviz (apt-get install graphviz, brew install graphviz, conda install "
    "graphviz, or the installer from graphviz.org) so that `dot` is on the PATH"
)


def has_dot() -> bool:
    """True when Graphviz's `dot` program is on the PATH."""
    return shutil.which("dot") is not None


def run_dot(source: str, fmt: str, caller: str = "dot") -> bytes:
    """Render DOT `source` with the `dot` program to `fmt` (`"svg"`, `"png"`, ...).

    Raises:
        RuntimeError: `dot` is not installed, or it failed (its message is included).
    """
    exe = shutil.which("dot")
    if exe is None:
        raise RuntimeError(f"{caller}: rendering {fmt.upper()} needs Graphviz; {INSTALL_DOT}")
    done = subprocess.run(
        [exe, f"-T{fmt}"], input=source.encode("utf-8"), capture_output=True, timeout=120
    )
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip()
        raise RuntimeError(f"{caller}: Graphviz's dot failed: {message}")
    return done.stdout


_SCALED = re.compile(
    r'transform="scale\(([0-9.]+) ([0-9.]+)\) rotate\(0\) translate\(([0-9.]+) ([0-9.]+)\)"'
)
_VIEWBOX = re.compile(r'viewBox="[0-9.]+ [0-9.]+ [0-9.]+ ([0-9.]+)"')


def exact_scale(svg: str) -> str:
    """Graphviz's SVG of a picture shrunk to fit `size`, drawn at the scale it computed.

    Graphviz (2.43, as Ubuntu ships it) prints that scale with two decimals, 0.88 for
    0.8773: the drawing then overflows its viewBox by up to half a percent, and the
    node at the far edge is cut off. The drawing's own height is the translate's y plus
    its x (the pad), and the viewBox's height is that height scaled: their ratio is the
    scale, to six decimals here.
    """
    scaled, box = _SCALED.search(svg), _VIEWBOX.search(svg)
    if scaled is None or box is None or scaled.group(1) == "1":
        return svg
    pad, top = scaled.group(3), scaled.group(4)
    s = float(box.group(1)) / (float(top) + float(pad))
    exact = f'transform="scale({s:.6f} {s:.6f}) rotate(0) translate({pad} {top})"'
    return svg[: scaled.start()] + exact + svg[scaled.end() :]


# ---------------------------------------------------------------- escaping


def quote(text: str) -> str:
    """A DOT quoted string whose label shows `text` literally; newlines break lines.

    Example:
        >>> print(quote('say "hi"\\\\n'))
        "say \\"hi\\"\\\\n"
    """
    text = xml_safe(text)
    text = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + "\\n".join(text.split("\n")) + '"'


def html_escape(text: str) -> str:
    """Text for inside a Graphviz HTML-like label, shown literally.

    Graphviz expands `\\N`, `\\G`, `\\E` ... in HTML-like labels too (into the node's
    id, the graph's name, ...), and reads `\\\\` as one backslash, so backslashes are
    doubled.

    Example:
        >>> html_escape('a<b & "c"')
        'a&lt;b &amp; &quot;c&quot;'
        >>> print(html_escape("x\\\\N"))
        x\\\\N
    """
    return xml_escape(text.replace("\\", "\\\\"))


# ---------------------------------------------------------------- drawing -> DOT


def drawing_to_dot(drawing: Drawing) -> str:
    """Write a `Drawing` in the DOT language, styled like the built-in SVG."""
    return "\n".join(["digraph autograd {", *_statements(drawing), "}"]) + "\n"


def _statements(drawing: Drawing) -> list[str]:
    """The lines between `digraph {` and `}` (also the body of a `graphviz.Digraph`).

    With `rankdir="auto"` or a `width`, the built-in layout decides the direction and
    how far to scale down (`layout.fit_scale`), so both renderers agree.
    """
    rankdir, size = drawing.rankdir, None
    if rankdir == "auto" or drawing.width is not None:
        lay = layout(drawing)
        rankdir = lay.rankdir
        if drawing.width is not None:
            shown = (lay.width + 2 * PAGE_MARGIN) * fit_scale(lay.width, drawing.width)
            size = max(shown, drawing.width) / 96  # inches: Graphviz's pt are 4/3 px
    # Labels sit in the ranks, between the nodes; room between neighbours there keeps
    # each label by its own edge (left to right, the labels of x2's and w2's edges into
    # one `*` otherwise stack).
    graph = [
        f"rankdir={rankdir}",
        f"fontname={quote(SANS)}",
        'bgcolor="white"',
        f"nodesep={0.6 if rankdir == 'LR' else 0.35}",
        "ranksep=0.4",
    ]
    if size is not None:
        graph.append(f'size="{size:.2f},100"')
    if drawing.title or drawing.legend:
        graph += [f"label=<{_graph_label(drawing)}>", 'labelloc="t"', 'labeljust="l"']
    out = [
        f"  graph [{', '.join(graph)}];",
        f'  node [fontname={quote(SANS)}, fontsize={FONT_SIZE - 2:g}, color="{EDGE}", '
        f'fontcolor="{TEXT}"];',
        f'  edge [fontname={quote(SANS)}, fontsize={LABEL_FONT_SIZE - 2:g}, color="{EDGE}", '
        f'fontcolor="{LABEL_TEXT}", arrowsize=0.7];',
    ]
    out += [f"  {node.id} [{_node_attrs(node)}];" for node in drawing.nodes]
    for edge in drawing.edges:
        attrs = _edge_attrs(edge)
        out.append(f"  {edge.src} -> {edge.dst}" + (f" [{attrs}];" if attrs else ";"))
    return out


def _graph_label(drawing: Drawing) -> str:
    """The title in bold over the legend: a plain arrow forward, a dashed one back.

    The title is wrapped as the SVG renderer wraps it, and its cell is as wide as
    `text_width` estimates its bold lines: Graphviz measures bold text as regular, so its
    own estimate cut long titles off at the picture's right edge. (It measures the
    regular legend well enough: no width is reserved for that.)
    """
    title = wrap(drawing.title, TITLE_ROOM, TITLE_POINTS * BOLD)
    rows = [
        f'<FONT POINT-SIZE="{TITLE_POINTS:g}"><B>{html_escape(line)}</B></FONT>' for line in title
    ]
    for i, item in enumerate(drawing.legend):
        arrow, colour = ("→", EDGE) if i == 0 else ("←", FLOW)
        font = f'<FONT POINT-SIZE="{LEGEND_POINTS:g}" COLOR="{colour}">'
        rows.append(f"{font}{arrow} {html_escape(item)}</FONT>")
    if not title:
        return '<BR ALIGN="LEFT"/>'.join(rows) + '<BR ALIGN="LEFT"/>'
    width = math.ceil(max(text_width(line, TITLE_POINTS) * BOLD for line in title))
    return (
        f'<TABLE BORDER="0" CELLBORDER="0" CELLPADDING="0" CELLSPACING="0"><TR>'
        f'<TD ALIGN="LEFT" BALIGN="LEFT" WIDTH="{width}">{"<BR/>".join(rows)}</TD>'
        "</TR></TABLE>"
    )


def _check_id(ident: str) -> str:
    if not re.fullmatch(r"[A-Za-z_][A-Za-z_0-9]*", ident):
        raise ValueError(f"to_dot: node id {ident!r} is not a plain DOT identifier")
    return ident


def _node_attrs(node: DrawNode) -> str:
    _check_id(node.id)
    lines = split_lines(node.lines)
    fill = node.fill or FILL[node.shape]
    stroke, ink, style = STROKE[node.shape], TEXT, ["filled"]
    if node.faded:
        fill, stroke, ink = FADED_FILL, FADED_STROKE, FADED_TEXT
        style.append("dashed")
    attrs = []
    if node.shape == "ellipse":
        attrs += ["shape=ellipse", f"label={quote(chr(10).join(lines))}", "margin=0.03"]
        attrs += ["width=0.45", "height=0.32"]
    else:
        style.insert(0, "rounded")
        attrs += ["shape=box", f"label=<{_html_label(lines, node.shape == 'record')}>"]
        attrs.append("margin=0.06")
    attrs += [
        f'style="{",".join(style)}"',
        f'fillcolor="{fill}"',
        f'color="{HIGHLIGHT if node.highlight else stroke}"',
        f'fontcolor="{ink}"',
    ]
    if node.highlight:
        attrs.append("penwidth=2.5")
    tooltip = node.tooltip or "\n".join(lines)
    attrs.append(f"tooltip={quote(tooltip)}")
    return ", ".join(attrs)


def _html_label(lines: list[str], record: bool) -> str:
    """A table: for a record, the first line bold over a rule, the rest in monospace."""
    rows = []
    for i, line in enumerate(lines):
        text = html_escape(line) or " "
        if record and i == 0:
            rows.append(f"<TR><TD><B>{text}</B></TD></TR>")
            if len(lines) > 1:
                rows.append("<HR/>")
        else:
            rows.append(f'<TR><TD><FONT FACE="{MONO}" POINT-SIZE="10">{text}</FONT></TD></TR>')
    return (
        '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">'
        + "".join(rows)
        + "</TABLE>"
    )


def _edge_attrs(edge: DrawEdge) -> str:
    _check_id(edge.src)
    _check_id(edge.dst)
    attrs = []
    if edge.label:
        attrs.append(f"label={quote(chr(10).join(split_lines([edge.label])))}")
    if edge.highlight:
        attrs += [f'color="{HIGHLIGHT}"', f'fontcolor="{HIGHLIGHT}"', "penwidth=2.4"]
    if edge.faint:
        attrs.append('style="dashed"')
    return ", ".join(attrs)


# ---------------------------------------------------------------- public functions


def to_dot(root: Any, **options: Any) -> str:
    """DOT source of the graph that produced `root`; needs no Graphviz at all.

    Each value node shows its label, data and grad; each edge from an input into an op
    shows the chain-rule step along it, in the operands' own names: the local derivative
    (`∂(w*x)/∂x = w = -2.0000`) and, after a backward pass, the gradient arriving from
    the op's result times it, the contribution added to the input's grad.

    Args:
        root: a `Value` or `Tensor`, the output of a computation.
        **options: any of `Options`: `rankdir`, `show`, `max_nodes`, `precision`,
            `grads`, `step`, `title`, `width`.

    Returns:
        The DOT text; render it with `dot -Tsvg`, or paste it into any Graphviz viewer.

    Raises:
        TypeError: `root` is not a Value or a Tensor, or an unknown option.
        ValueError: an unknown field in `show`, a bad `rankdir`, `max_nodes` or `step`.
    """
    drawing = drawing_of(root, "to_dot", Options.of("to_dot", options))
    return drawing_to_dot(drawing)


def draw_graph(root: Any, **options: Any) -> Any:
    """The graph of `root` as a `graphviz.Digraph`, which Jupyter shows inline.

    Options are those of `to_dot`. The result is a `graphviz.Digraph` in every way
    (`.source`, `.render()`, `.pipe()`), with one addition: when Graphviz's `dot`
    program is missing, Jupyter displays the built-in SVG renderer's picture instead of
    an error. (`.render()` and `.pipe()` still need `dot`; `ag.viz.save` does not.)

    Raises:
        ImportError: the `graphviz` Python package is not installed.
        TypeError, ValueError: as for `to_dot`.
    """
    drawing = drawing_of(root, "draw_graph", Options.of("draw_graph", options))
    digraph = _digraph_class()(name="autograd")
    digraph.body.extend(line + "\n" for line in _statements(drawing))
    digraph._ag_drawing = drawing
    return digraph


@functools.cache
def _digraph_class() -> type:
    """A `graphviz.Digraph` subclass that falls back on the built-in SVG in Jupyter."""
    try:
        import graphviz
    except ImportError:
        raise ImportError(
            'draw_graph needs the graphviz Python package: pip install "autograd_lite[viz]" '
            "(or pip install graphviz); without it, ag.viz.draw(root) and ag.viz.save(root, "
            "'graph.svg') draw the same picture with no dependency"
        ) from None

    class Digraph(graphviz.Digraph):
        """A `graphviz.Digraph` that Jupyter can show even without the `dot` program."""

        _ag_drawing: Drawing | None = None

        def _repr_mimebundle_(
            self,
            include: Any = None,
            exclude: Any = None,
            **kwargs: Any,
        ) -> dict[str, Any]:
            if self._ag_drawing is None or has_dot():
                return dict(super()._repr_mimebundle_(include, exclude, **kwargs))
            return {"image/svg+xml": render_svg(self._ag_drawing)}

    Digraph.__module__ = __name__
    Digraph.__qualname__ = "Digraph"
    return Digraph
