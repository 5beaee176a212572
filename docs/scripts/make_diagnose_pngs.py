"""Draw the guide's three pictures of a deep network's health, with the library itself.

The demonstration of makemore part 3, on two moons (300 points, seed 0): an MLP with five
hidden layers of 32, trained by SGD (lr 0.1) for 12 epochs with `Diagnostics` watching,

* with sigmoid units and PyTorch's default initialisation: it stalls;
* with ReLU units and Kaiming initialisation: it trains;
* with sigmoid units and BatchNorm before each: it trains.

These are the runs of `tests/test_diagnose.py`, which checks their verdicts.

Run from the repository's root: `python docs/scripts/make_diagnose_pngs.py`.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # draw with this checkout, installed or not

from autograd_lite.train import default_config, run  # noqa: E402

RUNS = {
    "diagnose-sigmoid.png": {"activation": "sigmoid"},
    "diagnose-relu-kaiming.png": {"activation": "relu", "init": "kaiming"},
    "diagnose-batchnorm.png": {"activation": "sigmoid", "batchnorm": True},
}


def main() -> None:
    for name, options in RUNS.items():
        config = default_config(
            "moons", hidden=(32,) * 5, optimizer="sgd", lr=0.1, epochs=12, n_samples=300,
            **options,
        )  # fmt: skip
        result = run(config, progress=False, watch=True)
        assert result.diagnostics is not None
        path = ROOT / "docs" / "assets" / name
        result.diagnostics.plot(str(path), dpi=72)
        print(f"wrote {path.relative_to(ROOT)}: test accuracy {result.test_accuracy:.1%}")


if __name__ == "__main__":
    main()
