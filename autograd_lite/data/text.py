r"""Words as numbers, for character-level language models (Karpathy's makemore).

A language model over characters predicts the next character from the ones before it. A
word such as `emma` becomes a sequence of integers with an *end token* `.` at index 0,
which both starts every context (nothing came before) and ends every word:

    context  ...  ..e  .em  emm  mma
    target    e    m    m    a    .

* `Vocabulary`: the characters and their indices, end token first.
* `train_dev_test_split`: words shuffled with a fixed seed, then 80/10/10, as makemore.
* `context_windows`: `(X, Y)` with the previous `block_size` characters as `X` (the
  bigram and MLP models of makemore parts 1-3).
* `padded_sequences`: whole words, padded to one length, `Y` shifted by one with -1 where
  nothing is to be predicted (makemore's Transformer).

Example:
    >>> from autograd_lite.data import Vocabulary, context_windows
    >>> vocab = Vocabulary.from_words(["emma"])
    >>> vocab.chars, vocab.encode("emma")
    ('.aem', [2, 3, 3, 1])
    >>> X, Y = context_windows(["emma"], vocab, block_size=3)
    >>> X.tolist(), Y.tolist()
    ([[0, 0, 0], [0, 0, 2], [0, 2, 3], [2, 3, 3], [3, 3, 1]], [2, 3, 3, 1, 0])
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from numpy.typing import NDArray

from ..validators import check_count, check_interval, make_rng

END = "."
"""The end token: index 0, before the first and after the last character of every word."""


class Vocabulary:
    r"""The characters a language model knows, each with an index; the end token `.` is 0.

    The other characters follow in sorted order, so the same set of words always gives the
    same indices: for the names list, `.` is 0 and `a`..`z` are 1..26.

    Args:
        chars: the characters, without the end token (any order; duplicates are dropped).

    Attributes:
        chars: every character in index order, the end token first (a str).
        stoi: character -> index.

    Raises:
        ValueError: a "character" that is not one character long, or is the end token.

    Example:
        >>> from autograd_lite.data import Vocabulary
        >>> vocab = Vocabulary("cab")
        >>> len(vocab), vocab.decode([3, 1, 2, 0])
        (4, 'cab.')
    """

    def __init__(self, chars: Iterable[str]) -> None:
        found = sorted(set(chars))
        for ch in found:
            if len(ch) != 1:
                raise ValueError(
                    f"Vocabulary: {ch!r} is not a single character; pass a string such as "
                    "'abc' or a list of one-character strings"
                )
            if ch == END:
                raise ValueError(
                    f"Vocabulary: {END!r} is the end token and is always index 0; leave it "
                    "out of the characters (a word may not contain it)"
                )
        if not found:
            raise ValueError("Vocabulary: no characters given; pass e.g. Vocabulary('abc')")
        self.chars = END + "".join(found)
        self.stoi = {ch: i for i, ch in enumerate(self.chars)}

    @classmethod
    def from_words(cls, words: Iterable[str]) -> Vocabulary:
        """The vocabulary of every character that occurs in `words`."""
        return cls(set().union(*(set(w) for w in words)))

    @property
    def end(self) -> int:
        """The end token's index: 0."""
        return 0

    def __len__(self) -> int:
        return len(self.chars)

    def encode(self, word: str) -> list[int]:
        """The indices of the word's characters (no end tokens added).

        Raises:
            ValueError: a character that is not in the vocabulary, naming it and the word.
        """
        try:
            return [self.stoi[ch] for ch in word]
        except KeyError as error:
            raise ValueError(
                f"Vocabulary.encode: {error.args[0]!r} in {word!r} is not in the vocabulary "
                f"{self.chars[1:]!r}; build the vocabulary from every word you will encode, "
                "with Vocabulary.from_words(words)"
            ) from None

    def decode(self, indices: Iterable[int]) -> str:
        """The characters at `indices`, joined (the end token shows as `.`)."""
        try:
            return "".join(self.chars[int(i)] for i in indices)
        except IndexError:
            raise ValueError(
                f"Vocabulary.decode: an index is out of range 0..{len(self) - 1}"
            ) from None

    def __repr__(self) -> str:
        return f"Vocabulary({self.chars[1:]!r}, end token {END!r} = 0)"


def train_dev_test_split(
    words: Sequence[str], dev_size: float = 0.1, test_size: float = 0.1, seed: int | None = 42
) -> tuple[list[str], list[str], list[str]]:
    r"""Shuffle `words` with a fixed seed and cut them into training, dev and test lists.

    With $n$ words, the first $\lfloor (1 - d - t) n \rfloor$ of the shuffled list train,
    the words up to $\lfloor (1 - t) n \rfloor$ are the dev (validation) set, the rest the
    test set: 80/10/10 by default, makemore's split (its cut points are
    `int(0.8 * n)` and `int(0.9 * n)`). Splitting words, not windows, keeps every window
    of a test word out of training.

    Args:
        words: the words (not changed; a shuffled copy is split).
        dev_size: fraction for the dev set, in [0, 1).
        test_size: fraction for the test set, in (0, 1).
        seed: seed of the shuffle (`np.random.default_rng`); None for a fresh one.

    Returns:
        `(train, dev, test)`, three lists of str.

    Raises:
        ValueError: fractions out of range or leaving no training words.

    Example:
        >>> from autograd_lite.data import load_names, train_dev_test_split
        >>> train, dev, test = train_dev_test_split(load_names())
        >>> len(train), len(dev), len(test)
        (25626, 3203, 3204)
    """
    owner = "train_dev_test_split"
    dev = check_interval(owner, "dev_size", dev_size, 0.0, 1.0, "dev_size=0.1")
    test = check_interval(owner, "test_size", test_size, 0.0, 1.0, "test_size=0.1", True)
    if dev + test >= 1.0:
        raise ValueError(
            f"{owner}: dev_size + test_size = {dev + test:g} leaves no training words; "
            "keep their sum below 1, such as dev_size=0.1, test_size=0.1"
        )
    items = list(words)
    order = make_rng(seed, owner).permutation(len(items))
    shuffled = [items[i] for i in order]
    n = len(shuffled)
    n1, n2 = int((1.0 - dev - test) * n), int((1.0 - test) * n)
    return shuffled[:n1], shuffled[n1:n2], shuffled[n2:]


def context_windows(
    words: Iterable[str], vocab: Vocabulary, block_size: int = 3
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    r"""Every (context, next character) pair of every word, end token included.

    A word $c_1 \dots c_L$ gives $L + 1$ rows: row $i$ holds the $b$ indices before
    position $i$ (end tokens where the word has not started) and its target is $c_i$, or
    the end token for $i = L + 1$. This is makemore part 2's `build_dataset`.

    Args:
        words: the words.
        vocab: their vocabulary.
        block_size: $b$, the context length, >= 1 (1 gives the bigram model's data).

    Returns:
        `X` int64 of shape `(rows, block_size)` and `Y` int64 of shape `(rows,)`.

    Example:
        >>> from autograd_lite.data import Vocabulary, context_windows
        >>> X, Y = context_windows(["ab", "b"], Vocabulary("ab"), block_size=2)
        >>> X.tolist(), Y.tolist()
        ([[0, 0], [0, 1], [1, 2], [0, 0], [0, 2]], [1, 2, 0, 2, 0])
    """
    block_size = check_count("context_windows", "block_size", block_size, example=3)
    xs: list[NDArray[np.int64]] = []
    ys: list[NDArray[np.int64]] = []
    for word in words:
        ids = np.array([0] * block_size + vocab.encode(word) + [0], dtype=np.int64)
        xs.append(np.lib.stride_tricks.sliding_window_view(ids[:-1], block_size))
        ys.append(ids[block_size:])
    if not xs:
        return np.zeros((0, block_size), np.int64), np.zeros(0, np.int64)
    return np.concatenate(xs), np.concatenate(ys)


def padded_sequences(
    words: Iterable[str], vocab: Vocabulary, block_size: int | None = None
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    r"""Whole words as rows: inputs start with the end token, targets are shifted by one.

    For a word $c_1 \dots c_L$ and length $T$ (the block size):

    $$X = (\texttt{.}, c_1, \dots, c_L, \texttt{.}, \dots), \qquad
      Y = (c_1, \dots, c_L, \texttt{.}, -1, \dots),$$

    so at every position $t$ the target $Y_t$ is the character after $X_{\le t}$, and
    $-1$ marks positions with nothing to predict (pass `ignore_index=-1` to
    `cross_entropy`). This is makemore's `CharDataset`.

    Args:
        words: the words.
        vocab: their vocabulary.
        block_size: $T$, at least the longest word's length + 1 (the default).

    Returns:
        `X` and `Y`, int64 of shape `(len(words), T)`.

    Raises:
        ValueError: a word too long for `block_size`.

    Example:
        >>> from autograd_lite.data import Vocabulary, padded_sequences
        >>> X, Y = padded_sequences(["ab", "b"], Vocabulary("ab"), block_size=4)
        >>> X.tolist(), Y.tolist()
        ([[0, 1, 2, 0], [0, 2, 0, 0]], [[1, 2, 0, -1], [2, 0, -1, -1]])
    """
    encoded = [vocab.encode(w) for w in words]
    longest = max((len(ids) for ids in encoded), default=0)
    if block_size is None:
        block_size = longest + 1
    block_size = check_count("padded_sequences", "block_size", block_size, example=16)
    if longest + 1 > block_size:
        raise ValueError(
            f"padded_sequences: the longest word has {longest} characters, so block_size "
            f"must be at least {longest + 1} (the word and its end token); got {block_size}"
        )
    X = np.zeros((len(encoded), block_size), dtype=np.int64)
    Y = np.full((len(encoded), block_size), -1, dtype=np.int64)
    for row, ids in enumerate(encoded):
        X[row, 1 : 1 + len(ids)] = ids
        Y[row, : len(ids)] = ids
        Y[row, len(ids)] = 0
    return X, Y
