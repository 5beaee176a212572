"""`ag.viz`: the chain rule made visible.

Pictures of a computation graph with, on every edge from an input $x$ into an op, the
local derivative $\\partial out/\\partial x$ that the backward pass multiplies by and,
after `backward()`, the contribution $g \\cdot local$ it added to $x$'s grad; a
narrated backward pass; and a stepper through it. Nothing here is needed by the engine,
and nothing here needs Graphviz: where its `dot` program is missing, a built-in
renderer draws the same picture.

* `draw(root)`: a picture that Jupyter shows inline (`.svg()`, `.save(path)`).
* `draw_graph(root)`: the same as a `graphviz.Digraph` (needs the graphviz package).
* `to_dot(root)`, `to_svg(root)`: the picture as DOT or SVG text.
* `save(root, path)`: `.svg`, `.png` (Graphviz), `.dot`, or `.html` (the stepper).
* `explain(root)`: every chain-rule step, in the engine's order, as data and a table.
* `draw(root, step=k)`: the backward pass after k steps; `stepper_html(root)`: a page
  with a slider through all of them.
* `walk(root)`: the plain data behind all of these.

Every formula is written in the operands' own names (`∂(w*x)/∂x = w`), and every picture
function takes the same keyword options, the fields of `Options` (`rankdir`, `show`,
`width`, `step`, ...).

Example:
    >>> import autograd_lite as ag
    >>> x = ag.Value(3.0, label="x")
    >>> y = x * x
    >>> y.backward()
    >>> [round(s.contribution, 1) for s in ag.viz.explain(y)]   # x gets 3 + 3 = 6
    [3.0, 3.0]
"""

from .dot import draw_graph, to_dot
from .explain import Explanation, Step, explain
from .html import stepper_html
from .options import DEFAULT_MAX_NODES, DEFAULT_SHOW, FIELDS, Options
from .picture import Picture, draw, save, to_svg
from .walk import Edge, Graph, OpNode, ValueNode, walk

__all__ = [
    "DEFAULT_MAX_NODES",
    "DEFAULT_SHOW",
    "FIELDS",
    "Edge",
    "Explanation",
    "Graph",
    "OpNode",
    "Options",
    "Picture",
    "Step",
    "ValueNode",
    "draw",
    "draw_graph",
    "explain",
    "save",
    "stepper_html",
    "to_dot",
    "to_svg",
    "walk",
]
