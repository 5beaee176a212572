"""Training on handwritten digits: seconds to 96% test accuracy, and per epoch vs PyTorch.

Workload: `autograd-lite train --dataset digits` with its defaults: scikit-learn's 1,797
8x8 digits (pixels scaled to [0, 1]), a stratified 75/25 split, an MLP 64-128-10 (ReLU)
in float64, cross-entropy, Adam (lr 0.003), mini-batches of 32 reshuffled every epoch.

The protocol is `train_moons.py`'s: part 1 times training from scratch to the first epoch
whose test accuracy is >= 96% (seeds 0-4, median; target under 10 s); part 2 times one
epoch of autograd_lite's training loop against the same model, batches and Adam in
PyTorch CPU (target: at most 1.2x PyTorch in float64). Needs scikit-learn.

Run: `python bench/train_digits.py` (add `--quick` for a smoke run).
"""

from __future__ import annotations

import _timing
from train_moons import report_epoch_times, report_time_to_accuracy

TARGET_ACCURACY = 0.96
TARGET_SECONDS = 10.0
TARGET_RATIO = 1.2


def main() -> None:
    args = _timing.parse_args(__doc__)
    _timing.print_machine("train_digits: MLP 64-128-10 on 8x8 digits, Adam, batch 32")
    try:
        import sklearn  # noqa: F401  (load_digits reads its copy of the data)
    except ImportError:
        print('note: scikit-learn is not installed: pip install "autograd_lite[digits]"')
        return
    report_time_to_accuracy(
        "digits", TARGET_ACCURACY, TARGET_SECONDS, range(2 if args.quick else 5)
    )
    report_epoch_times("digits", args.quick, TARGET_RATIO)
    _timing.print_end()


if __name__ == "__main__":
    main()
