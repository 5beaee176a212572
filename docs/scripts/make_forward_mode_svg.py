"""Draw the two pictures of "Forward and reverse mode": one graph, two passes.

`f(x1, x2) = x1*x2 + sin(x1)` at (2, 3), drawn twice with the library's own layout and
SVG renderer: `forward-mode.svg` with every value as a dual number (its data and its
tangent along the direction (1, 0), as `ag.jvp` computes them, node by node) and on every
edge the local derivative and the term `local × tangent` it contributes; and
`backward-pass.svg` with every value's grad after `out.backward()` and on every edge the
local derivative and the contribution `g × local`. The local derivatives are the same
numbers, from the same rule table: forward mode multiplies them by tangents flowing from
the inputs, reverse mode by gradients flowing from the output.

Run from the repository's root: `python docs/scripts/make_forward_mode_svg.py`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # draw with this checkout, installed or not

import autograd_lite as ag  # noqa: E402
from autograd_lite.forward import forward_pass  # noqa: E402
from autograd_lite.graph import topological_order  # noqa: E402
from autograd_lite.tangent import Level, note, tangent_of  # noqa: E402
from autograd_lite.viz.layout import DrawEdge, Drawing, DrawNode  # noqa: E402
from autograd_lite.viz.svg import render_svg  # noqa: E402

ASSETS = ROOT / "docs" / "assets"
FILL = {"input": "#e8f1fb", "output": "#dff3e4", "hidden": "#f7fafd"}
SYMBOL = {"add": "+", "mul": "*"}


def build(level: Level | None = None) -> ag.Value:
    """f at (2, 3); in a forward pass, with the tangents of the direction (1, 0) seeded."""
    x1, x2 = ag.Value(2.0, label="x1"), ag.Value(3.0, label="x2")
    if level is not None:
        note(x1, level, 1.0)  # d/dx1
        note(x2, level, 0.0)
    product = x1 * x2
    sine = ag.sin(x1)
    out = product + sine
    product.label, sine.label, out.label = "x1*x2", "sin(x1)", "out"
    return out


def local(node: ag.Value, i: int) -> float:
    parents = node._parents
    second = parents[1].data if len(parents) == 2 else node._ctx
    return float(node._op.partials[i](parents[0].data, second, node.data))


def drawing(out: ag.Value, value_lines: Callable[[ag.Value], list[str]],
            edge_label: Callable[[ag.Value, int, float], str], title: str) -> Drawing:  # fmt: skip
    nodes: list[DrawNode] = []
    edges: list[DrawEdge] = []
    order = topological_order(out)[::-1]
    order.sort(key=lambda node: (node._op is not None, node.label))
    ids = {node: f"v{i}" for i, node in enumerate(order)}
    for node in order:
        kind = "output" if node is out else ("hidden" if node._op is not None else "input")
        nodes.append(DrawNode(ids[node], [node.label, *value_lines(node)], "record",
                              fill=FILL[kind]))  # fmt: skip
        if node._op is None:
            continue
        op_id = f"op{ids[node]}"
        nodes.append(DrawNode(op_id, [SYMBOL.get(node._op.name, node._op.name)], "ellipse"))
        for i, parent in enumerate(node._parents):
            edges.append(DrawEdge(ids[parent], op_id, edge_label(node, i, local(node, i))))
        edges.append(DrawEdge(op_id, ids[node]))
    return Drawing(nodes, edges, rankdir="LR", title=title)


def forward_picture() -> str:
    with forward_pass(nested=True) as level:  # nested: the graph is recorded, to draw it
        out = build(level)
    tangent: dict[ag.Value, float] = {}
    for node in topological_order(out):
        t = tangent_of(node, level)
        tangent[node] = 0.0 if t is None else float(t.data if isinstance(t, ag.Value) else t)

    def lines(node: ag.Value) -> list[str]:
        return [f"data {node.data:.4f}", f"tangent {tangent[node]:.4f}"]

    def label(node: ag.Value, i: int, loc: float) -> str:
        t = tangent[node._parents[i]]
        return f"local {loc:.4f}\n× tangent {t:.4f}\n= {loc * t:.4f}"

    title = "forward mode: (data, tangent) along x1, from the inputs"
    return render_svg(drawing(out, lines, label, title))


def backward_picture() -> str:
    out = build()
    out.backward()

    def lines(node: ag.Value) -> list[str]:
        return [f"data {node.data:.4f}", f"grad {node.grad:.4f}"]

    def label(node: ag.Value, i: int, loc: float) -> str:
        return f"local {loc:.4f}\n× g {node.grad:.4f}\n= {loc * node.grad:.4f}"

    title = "reverse mode: grads after out.backward(), from the output"
    return render_svg(drawing(out, lines, label, title))


def main() -> None:
    for name, svg in (("forward-mode.svg", forward_picture()),
                      ("backward-pass.svg", backward_picture())):  # fmt: skip
        (ASSETS / name).write_text(svg, encoding="utf-8")
        print(f"wrote {(ASSETS / name).relative_to(ROOT)}")


if __name__ == "__main__":
    main()
