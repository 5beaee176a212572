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
    >>> text.startswith("digraph") and "local 2.0000" in text and "grad 4.0000" in text
    True
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
from collections.abc import Sequence
from typing import Any

from .drawing import DEFAULT_SHOW, drawing_of
from .layout import FONT_SIZE, LABEL_FONT_SIZE, DrawEdge, Drawing, DrawNode, Rankdir, split_lines
from .svg import (
    EDGE,
    FADED_FILL,
    FADED_STROKE,
    FADED_TEXT,
    FILL,
    HIGHLIGHT,
    LABEL_TEXT,
    STROKE,
    TEXT,
    render_svg,
)
from .walk import DEFAULT_MAX_NODES

SANS = "Helvetica,Arial,sans-serif"
MONO = "monospace"
INSTALL_DOT = (
    "install Graphviz (apt-get install graphviz, brew install graphviz, conda install "
    "graphviz, or the installer from graphviz.org) so that `dot` is on the PATH"
)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


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


# ---------------------------------------------------------------- escaping


def quote(text: str) -> str:
    """A DOT quoted string whose label shows `text` literally; newlines break lines.

    Example:
        >>> print(quote('say "hi"\\\\n'))
        "say \\"hi\\"\\\\n"
    """
    text = _NOT_XML.sub("\ufffd", text)
    text = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + "\\n".join(text.split("\n")) + '"'


def html_escape(text: str) -> str:
    """Text for inside a Graphviz HTML-like label.

    Example:
        >>> html_escape('a<b & "c"')
        'a&lt;b &amp; &quot;c&quot;'
    """
    text = _NOT_XML.sub("\ufffd", text)
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


# ---------------------------------------------------------------- drawing -> DOT


def drawing_to_dot(drawing: Drawing) -> str:
    """Write a `Drawing` in the DOT language, styled like the built-in SVG."""
    return "\n".join(["digraph autograd {", *_statements(drawing), "}"]) + "\n"


def _statements(drawing: Drawing) -> list[str]:
    """The lines between `digraph {` and `}` (also the body of a `graphviz.Digraph`)."""
    graph = [
        f"rankdir={drawing.rankdir}",
        f"fontname={quote(SANS)}",
        'bgcolor="white"',
        "nodesep=0.25",
        "ranksep=0.35",
    ]
    if drawing.title:
        graph += [f"label={quote(drawing.title)}", 'labelloc="t"', 'labeljust="l"', "fontsize=15"]
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
    return ", ".join(attrs)


# ---------------------------------------------------------------- public functions


def to_dot(
    root: Any,
    rankdir: Rankdir = "LR",
    show: Sequence[str] = DEFAULT_SHOW,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    precision: int = 4,
    grads: bool | None = None,
    step: int | None = None,
    title: str | None = None,
) -> str:
    """DOT source of the graph that produced `root`; needs no Graphviz at all.

    Each value node shows its label, data and grad; each edge from an input $x$ into an
    op shows the local derivative $\\partial out/\\partial x$ and, after a backward pass,
    the contribution $g \\cdot local$ it added to $x$'s grad.

    Args:
        root: a `Value` or `Tensor`, the output of a computation.
        rankdir: `"LR"` (inputs left, output right) or `"TB"` (top to bottom).
        show: what to write: any of `"label"`, `"data"`, `"grad"` (value nodes),
            `"local"`, `"contribution"`, `"formula"` (edges).
        max_nodes: graphs with more value and op nodes are summarised (the part nearest
            the output is kept, and the picture says so); None draws everything.
        precision: decimals of the numbers.
        grads: show grads (True), hide them (False), or show them once a backward pass
            has run (None: the root's grad is nonzero).
        step: draw the backward pass after this many chain-rule steps instead (see
            `explain`); grads not reached yet say "not computed".
        title: a line above the graph; None for an automatic note.

    Returns:
        The DOT text; render it with `dot -Tsvg`, or paste it into any Graphviz viewer.

    Raises:
        TypeError: `root` is not a Value or a Tensor.
        ValueError: an unknown field in `show`, a bad `rankdir`, `max_nodes` or `step`.
    """
    drawing = drawing_of(root, "to_dot", rankdir, show, max_nodes, precision, grads, step, title)
    return drawing_to_dot(drawing)


def draw_graph(
    root: Any,
    rankdir: Rankdir = "LR",
    show: Sequence[str] = DEFAULT_SHOW,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    precision: int = 4,
    grads: bool | None = None,
    step: int | None = None,
    title: str | None = None,
) -> Any:
    """The graph of `root` as a `graphviz.Digraph`, which Jupyter shows inline.

    Arguments are those of `to_dot`. The result is a `graphviz.Digraph` in every way
    (`.source`, `.render()`, `.pipe()`), with one addition: when Graphviz's `dot`
    program is missing, Jupyter displays the built-in SVG renderer's picture instead of
    an error. (`.render()` and `.pipe()` still need `dot`; `ag.viz.save` does not.)

    Raises:
        ImportError: the `graphviz` Python package is not installed.
        TypeError, ValueError: as for `to_dot`.
    """
    drawing = drawing_of(
        root, "draw_graph", rankdir, show, max_nodes, precision, grads, step, title
    )
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
