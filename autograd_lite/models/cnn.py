r"""A small convolutional network for scikit-learn's 8x8 digits.

Two 3x3 convolutions with ReLU, each followed by 2x2 max pooling, see the 8x8 image at
two scales (edges, then strokes); two `Linear` layers classify what they found:

    (N, 1, 8, 8) -conv 3x3-> (N, c1, 8, 8) -pool-> (N, c1, 4, 4)
                 -conv 3x3-> (N, c2, 4, 4) -pool-> (N, c2, 2, 2) -flatten-> (N, 4 c2)
                 -linear-> (N, hidden) -linear-> (N, 10) logits

It is a `Sequential`, so its `state_dict` keys are those of the same `torch.nn.Sequential`.

Example:
    >>> import numpy as np
    >>> from autograd_lite.models import digits_cnn
    >>> model = digits_cnn(seed=0)
    >>> model(np.zeros((3, 1, 8, 8))).shape
    (3, 10)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..nn import Conv2d, Dropout, Flatten, Linear, MaxPool2d, ReLU, Sequential
from ..validators import Seed, check_count, make_rng


def digits_cnn(
    channels: tuple[int, int] = (32, 64),
    hidden: int = 128,
    dropout: float = 0.25,
    seed: Seed = None,
    dtype: Any = np.float32,
) -> Sequential:
    r"""The CNN described above, for images `(N, 1, 8, 8)` and 10 classes.

    Args:
        channels: filters of the two convolutions, $(c_1, c_2)$.
        hidden: width of the hidden `Linear` layer.
        dropout: probability of the `Dropout` before each `Linear` layer (0 for none).
        seed: an int or `np.random.Generator`; one seed fixes every weight and mask.
        dtype: the parameters' dtype (float32 by default, as PyTorch).

    Returns:
        `Sequential(Conv2d, ReLU, MaxPool2d, Conv2d, ReLU, MaxPool2d, Flatten, Dropout,
        Linear, ReLU, Dropout, Linear)`.
    """
    c1, c2 = (check_count("digits_cnn", "channels", c, example=32) for c in channels)
    hidden = check_count("digits_cnn", "hidden", hidden, example=128)
    rng = make_rng(seed, "digits_cnn")
    return Sequential(
        Conv2d(1, c1, 3, padding=1, seed=rng, dtype=dtype),
        ReLU(),
        MaxPool2d(2),
        Conv2d(c1, c2, 3, padding=1, seed=rng, dtype=dtype),
        ReLU(),
        MaxPool2d(2),
        Flatten(),
        Dropout(dropout, seed=rng),
        Linear(c2 * 2 * 2, hidden, seed=rng, dtype=dtype),
        ReLU(),
        Dropout(dropout, seed=rng),
        Linear(hidden, 10, seed=rng, dtype=dtype),
    )


__all__ = ["digits_cnn"]
