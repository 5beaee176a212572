"""Draw the home page's picture, `docs/assets/neuron.svg`, with the library itself.

The neuron `out = tanh(x1*w1 + x2*w2 + b)` (micrograd's example, the one `autograd-lite demo`
prints) is built from `ag.Value`s and run backward; every number in the picture, and the
local derivative on every edge, comes from that graph and from the rule table. Only the
drawing is assembled here: the built-in layout and SVG renderer (`autograd_lite.viz`) do the
rest, with no Graphviz.

Run from the repository's root: `python docs/scripts/make_neuron_svg.py`.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # draw with this checkout, installed or not

import autograd_lite as ag  # noqa: E402
from autograd_lite.graph import topological_order  # noqa: E402
from autograd_lite.viz.layout import DrawEdge, Drawing, DrawNode  # noqa: E402
from autograd_lite.viz.svg import render_svg  # noqa: E402

OUT = ROOT / "docs" / "assets" / "neuron.svg"

# The visualizer's fills: inputs blue, parameters violet, the output green.
FILL = {"input": "#e8f1fb", "parameter": "#ece4f7", "output": "#dff3e4", "hidden": "#f7fafd"}
SYMBOL = {"add": "+", "mul": "*"}
LEAVES = ["x1", "w1", "x2", "w2", "b"]


def neuron() -> ag.Value:
    """Build the neuron, label every value, and run the backward pass."""
    x1, x2 = ag.Value(2.0, label="x1"), ag.Value(0.0, label="x2")
    w1, w2 = ag.Value(-3.0, label="w1"), ag.Value(1.0, label="w2")
    b = ag.Value(6.881373587019543, label="b")
    x1w1 = x1 * w1
    x2w2 = x2 * w2
    s = x1w1 + x2w2
    n = s + b
    out = n.tanh()
    for node, label in ((x1w1, "x1*w1"), (x2w2, "x2*w2"), (s, "x1*w1 + x2*w2"), (n, "n")):
        node.label = label
    out.label = "out"
    out.backward()
    return out


def role(node: ag.Value, out: ag.Value) -> str:
    if node is out:
        return "output"
    if node._op is not None:
        return "hidden"
    return "parameter" if node.label.startswith(("w", "b")) else "input"


def drawing(out: ag.Value) -> Drawing:
    """A box per value (name, data, grad), an ellipse per op, and on every edge into an op
    the local derivative the backward pass multiplies by and the contribution it adds."""
    nodes: list[DrawNode] = []
    edges: list[DrawEdge] = []
    # Inputs first, each before the ops that use it; the leaves in reading order, which
    # the layout keeps from top to bottom.
    order = topological_order(out)[::-1]
    order.sort(
        key=lambda node: (
            node._op is not None,
            LEAVES.index(node.label) if node._op is None else 0,
        )
    )
    ids = {node: f"v{i}" for i, node in enumerate(order)}
    for node in order:
        lines = [node.label, f"data {node.data:.4f}", f"grad {node.grad:.4f}"]
        nodes.append(DrawNode(ids[node], lines, "record", fill=FILL[role(node, out)]))
        op = node._op
        if op is None:
            continue
        op_id = f"op{ids[node]}"
        nodes.append(DrawNode(op_id, [SYMBOL.get(op.name, op.name)], "ellipse"))
        parents = node._parents
        second = parents[1].data if len(parents) == 2 else node._ctx
        for parent, partial in zip(parents, op.partials):
            local = float(partial(parents[0].data, second, node.data))
            label = f"local {local:.4f}\ncontrib {node.grad * local:.4f}"
            edges.append(DrawEdge(ids[parent], op_id, label))
        edges.append(DrawEdge(op_id, ids[node]))
    title = "out = tanh(x1*w1 + x2*w2 + b), after out.backward()"
    return Drawing(nodes, edges, rankdir="LR", title=title)


def main() -> None:
    OUT.write_text(render_svg(drawing(neuron())), encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
