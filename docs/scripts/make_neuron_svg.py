"""Draw the README's picture, `docs/assets/neuron.svg`, with `draw()` itself.

micrograd's neuron `out = tanh(x1*w1 + x2*w2 + b)`, the one `autograd-lite demo` builds,
run backward and drawn by `out.draw()` with the built-in renderer (so the file is the same
on every machine), for a page 800 px wide. Run from the repository's root:
`python docs/scripts/make_neuron_svg.py`; `tests/test_viz_svg.py` checks the file is current.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "docs" / "assets" / "neuron.svg"


def picture() -> Any:
    """`out.draw()` of the demo's neuron after `out.backward()`."""
    sys.path.insert(0, str(ROOT))  # draw with this checkout, installed or not
    from autograd_lite.commands.demo import neuron

    out = neuron()
    out.backward()
    return out.draw(renderer="builtin", width=800)


if __name__ == "__main__":
    picture().save(OUT)
    print(f"wrote {OUT.relative_to(ROOT)}")
