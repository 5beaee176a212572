r"""Character-level language models on names (makemore): bigram, MLP, and how to sample.

* `bigram_model`: a table of logits, one row per previous character (makemore part 1).
* `mlp_model`: embed the last `block_size` characters, concatenate, one hidden tanh
  layer (Bengio et al. 2003; makemore part 2), optionally with `BatchNorm1d` and Kaiming
  initialisation (part 3).
* `Transformer` (in `autograd_lite.models.transformer`): attention over the whole prefix.
* `sample`: draw new names, one character at a time, from any of them.

Each model maps a batch of contexts to logits for the next character: `(B, block_size)`
indices to `(B, vocab_size)` for the bigram and the MLP; `(B, T)` to `(B, T, vocab_size)`
(a prediction at every position) for the Transformer.

Example:
    >>> import numpy as np
    >>> from autograd_lite.data import Vocabulary
    >>> from autograd_lite.models import mlp_model, sample
    >>> vocab = Vocabulary("abc")
    >>> model = mlp_model(len(vocab), block_size=3, seed=0)
    >>> model(np.zeros((2, 3), dtype=int)).shape
    (2, 4)
    >>> len(sample(model, vocab, block_size=3, n=5, seed=0))
    5
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..data.text import Vocabulary
from ..grad_mode import no_grad
from ..nn import BatchNorm1d, Embedding, Flatten, Linear, Module, Sequential, Tanh
from ..nn.init import kaiming_normal_
from ..validators import Seed, check_count, make_rng
from .transformer import Transformer


def bigram_model(vocab_size: int, seed: Seed = None, dtype: Any = np.float64) -> Sequential:
    r"""The bigram model: $P(c_t \mid c_{t-1}) = \mathrm{softmax}(W[c_{t-1}])$.

    An `Embedding(vocab_size, vocab_size)` read as a table of logits: row $i$ holds the
    scores of each character after character $i$. Trained by gradient descent it learns
    the log of the bigram counts (makemore part 1), up to a constant per row.

    Returns:
        `Sequential(Embedding, Flatten)`: contexts `(B, 1)` to logits `(B, vocab_size)`.
    """
    vocab_size = check_count("bigram_model", "vocab_size", vocab_size, example=27)
    return Sequential(Embedding(vocab_size, vocab_size, seed=seed, dtype=dtype), Flatten())


def mlp_model(
    vocab_size: int,
    block_size: int = 3,
    n_embd: int = 10,
    n_hidden: int = 200,
    batchnorm: bool = False,
    kaiming: bool = False,
    seed: Seed = None,
    dtype: Any = np.float64,
) -> Sequential:
    r"""The MLP language model of makemore part 2 (and, with options, part 3).

    $$h = \tanh\big([C_{c_{t-3}}, C_{c_{t-2}}, C_{c_{t-1}}]\, W_1^T + b_1\big),
      \qquad \text{logits} = h W_2^T + b_2,$$

    with $C$ the `Embedding` table. With `batchnorm=True` a `BatchNorm1d` (momentum 0.001,
    as makemore) standardises the pre-activations and the first `Linear` has no bias (the
    batch norm's $\beta$ replaces it). With `kaiming=True` the first layer's weights are
    drawn with Kaiming's scale for tanh, $\frac{5/3}{\sqrt{\text{fan\_in}}}$, and the last
    layer's weights are scaled by 0.1 and its bias zeroed, so the first predictions are
    close to uniform instead of confidently wrong (makemore part 3).

    Args:
        vocab_size: characters, end token included.
        block_size: characters of context.
        n_embd: the length of each character's vector.
        n_hidden: hidden units.
        batchnorm: add `BatchNorm1d` before the tanh.
        kaiming: Kaiming initialisation (see above); PyTorch's default otherwise.
        seed: an int or `np.random.Generator`.
        dtype: the parameters' dtype.

    Returns:
        `Sequential(Embedding, Flatten, Linear, [BatchNorm1d,] Tanh, Linear)`.
    """
    owner = "mlp_model"
    vocab_size = check_count(owner, "vocab_size", vocab_size, example=27)
    block_size = check_count(owner, "block_size", block_size, example=3)
    rng = make_rng(seed, owner)
    first = Linear(block_size * n_embd, n_hidden, bias=not batchnorm, seed=rng, dtype=dtype)
    last = Linear(n_hidden, vocab_size, seed=rng, dtype=dtype)
    layers: list[Module] = [Embedding(vocab_size, n_embd, seed=rng, dtype=dtype), Flatten(), first]
    if batchnorm:
        layers.append(BatchNorm1d(n_hidden, momentum=0.001, dtype=dtype))
    layers += [Tanh(), last]
    if kaiming:
        kaiming_normal_(first.weight, nonlinearity="tanh", seed=rng)
        last.weight.data *= 0.1
        assert last.bias is not None
        last.bias.data[...] = 0.0
    return Sequential(*layers)


def sample(
    model: Module,
    vocab: Vocabulary,
    block_size: int,
    n: int = 10,
    seed: Seed = None,
    max_length: int = 50,
) -> list[str]:
    r"""Draw `n` new words from a language model, all at once, one character at a time.

    Starting from the end token, each step computes $P(c_t \mid \text{context})
    = \mathrm{softmax}(\text{logits})$ and draws $c_t$ from it, until the end token is
    drawn (or `max_length` characters). The bigram and MLP models see the last
    `block_size` characters, padded on the left with end tokens; the Transformer sees the
    whole word so far (at most `block_size` positions).

    Args:
        model: a bigram, MLP or `Transformer` model (put in evaluation mode here).
        vocab: the vocabulary it was trained with.
        block_size: its context length.
        n: how many words.
        seed: an int or `np.random.Generator`.
        max_length: the longest word drawn.

    Returns:
        `n` words, without end tokens (a word may be empty: the model ended at once).
    """
    n = check_count("sample", "n", n, example=10)
    rng = make_rng(seed, "sample")
    sequence = isinstance(model, Transformer)
    if sequence:
        max_length = min(max_length, block_size - 1)
    context = np.zeros((n, 1 if sequence else block_size), dtype=np.int64)
    words: list[list[int]] = [[] for _ in range(n)]
    alive = np.ones(n, dtype=bool)
    model.eval()
    with no_grad():
        for _ in range(max_length):
            logits = np.asarray(model(context).data, dtype=np.float64)
            if sequence:
                logits = logits[:, -1, :]
            probs = np.exp(logits - logits.max(axis=1, keepdims=True))
            probs /= probs.sum(axis=1, keepdims=True)
            # Inverse transform sampling, one uniform number per row.
            u = rng.random((n, 1))
            chars = np.minimum((probs.cumsum(axis=1) < u).sum(axis=1), len(vocab) - 1)
            for row in np.flatnonzero(alive & (chars != 0)):
                words[row].append(int(chars[row]))
            alive &= chars != 0
            if not alive.any():
                break
            context = np.concatenate([context, chars[:, None]], axis=1)[:, -block_size:]
    return [vocab.decode(word) for word in words]


__all__ = ["bigram_model", "mlp_model", "sample"]
