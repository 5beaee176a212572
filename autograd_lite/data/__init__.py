r"""`ag.data`: toy data sets, real ones, and the plumbing that feeds them to a model.

* `generators`: the classic teaching pictures drawn with NumPy (`make_moons`,
  `make_circles`, `make_spirals`, `make_xor`, `make_line`).
* `datasets`: real data that ships with the package or scikit-learn (`load_digits`,
  `load_names`); nothing is downloaded.
* `text`: words as numbers for character-level language models (`Vocabulary`,
  `train_dev_test_split`, `context_windows`, `padded_sequences`).
* `split`: `train_test_split`, and `DataLoader`/`batches` for shuffled mini-batches.

Example:
    >>> from autograd_lite.data import make_moons, train_test_split, batches
    >>> X, y = make_moons(200, noise=0.1, seed=0)
    >>> X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, seed=0)
    >>> X_train.shape, X_test.shape
    ((150, 2), (50, 2))
    >>> [xb.shape[0] for xb, yb in batches(X_train, y_train, batch_size=64, seed=0)]
    [64, 64, 22]
"""

from .datasets import load_digits, load_names
from .generators import make_circles, make_line, make_moons, make_spirals, make_xor
from .split import DataLoader, batches, train_test_split
from .text import Vocabulary, context_windows, padded_sequences, train_dev_test_split

__all__ = [
    "DataLoader",
    "Vocabulary",
    "batches",
    "context_windows",
    "load_digits",
    "load_names",
    "make_circles",
    "make_line",
    "make_moons",
    "make_spirals",
    "make_xor",
    "padded_sequences",
    "train_dev_test_split",
    "train_test_split",
]
