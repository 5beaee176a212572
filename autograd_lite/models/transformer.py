r"""A small GPT: a character-level Transformer, built in the open from `ag.nn` layers.

The model reads a sequence of character indices $c_1 \dots c_T$ and, at every position
$t$, predicts the next character from $c_1 \dots c_t$ only. It is the decoder-only
Transformer of GPT-2, at toy size, as in Karpathy's makemore; read it top to bottom:

1. Each character becomes a vector: its embedding plus the embedding of its position.
2. `n_layer` blocks refine the vectors. In each, *attention* lets every position gather
   information from earlier positions (a weighted average, weights learned from the
   content), then a small MLP transforms each position on its own. Both add their result
   to their input (a residual connection), after a `LayerNorm`.
3. A final `LayerNorm` and a `Linear` layer give, at every position, one logit per
   character of the vocabulary.

Causality comes from a mask: the attention score of position $t$ for a later position
$s > t$ gets $-\infty$ added, so after the softmax its weight is exactly 0.

Example:
    >>> import numpy as np
    >>> from autograd_lite.models import Transformer
    >>> model = Transformer(vocab_size=27, block_size=16, n_layer=2, n_head=4, n_embd=32)
    >>> model(np.zeros((5, 16), dtype=int)).shape     # (batch, time, vocabulary)
    (5, 16, 27)
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..nn import GELU, Embedding, LayerNorm, Linear, Module
from ..tensor import Tensor
from ..validators import Seed, check_count, make_rng


class CausalSelfAttention(Module):
    r"""Multi-head attention where each position looks at itself and earlier positions only.

    For each head, with queries $Q$, keys $K$ and values $V$ (each a linear map of the
    input, $d = n_\text{embd} / n_\text{head}$ columns per head):

    $$\text{head} = \mathrm{softmax}\!\left(\frac{Q K^T}{\sqrt{d}} + M\right) V,
      \qquad M_{ts} = \begin{cases} 0 & s \le t \\ -\infty & s > t \end{cases}$$

    The heads are concatenated and mixed by one more linear map, `c_proj`.
    """

    def __init__(
        self, n_embd: int, n_head: int, block_size: int, rng: np.random.Generator, dtype: Any
    ) -> None:
        if n_embd % n_head:
            raise ValueError(f"n_embd ({n_embd}) must be a multiple of n_head ({n_head})")
        self.n_head = n_head
        self.c_attn = Linear(n_embd, 3 * n_embd, seed=rng, dtype=dtype)  # Q, K, V of all heads
        self.c_proj = Linear(n_embd, n_embd, seed=rng, dtype=dtype)
        # An additive mask, a constant (not a parameter, not saved): -inf above the diagonal.
        self.mask = np.triu(np.full((block_size, block_size), -np.inf, dtype=dtype), k=1)

    def forward(self, x: Tensor) -> Tensor:
        B, T, C = x.shape
        d = C // self.n_head
        qkv = self.c_attn(x)  # (B, T, 3C)

        def heads(part: Tensor) -> Tensor:  # (B, T, C) -> (B, n_head, T, d)
            return part.reshape(B, T, self.n_head, d).transpose(0, 2, 1, 3)

        q, k, v = heads(qkv[..., :C]), heads(qkv[..., C : 2 * C]), heads(qkv[..., 2 * C :])
        scores = (q @ k.transpose(0, 1, 3, 2)) * (1.0 / math.sqrt(d))  # (B, n_head, T, T)
        weights = (scores + self.mask[:T, :T]).softmax(axis=-1)
        out = (weights @ v).transpose(0, 2, 1, 3).reshape(B, T, C)  # heads side by side
        return self.c_proj(out)


class Block(Module):
    """One Transformer block: attention, then an MLP, each with LayerNorm and a residual."""

    def __init__(
        self, n_embd: int, n_head: int, block_size: int, rng: np.random.Generator, dtype: Any
    ) -> None:
        self.ln_1 = LayerNorm(n_embd, dtype=dtype)
        self.attn = CausalSelfAttention(n_embd, n_head, block_size, rng, dtype)
        self.ln_2 = LayerNorm(n_embd, dtype=dtype)
        self.c_fc = Linear(n_embd, 4 * n_embd, seed=rng, dtype=dtype)
        self.gelu = GELU(approximate="tanh")  # GPT-2's and makemore's form
        self.c_proj = Linear(4 * n_embd, n_embd, seed=rng, dtype=dtype)

    def forward(self, x: Tensor) -> Tensor:
        x = x + self.attn(self.ln_1(x))  # communicate: gather from earlier positions
        return x + self.c_proj(self.gelu(self.c_fc(self.ln_2(x))))  # compute, per position


class Transformer(Module):
    r"""A decoder-only Transformer over characters (GPT-2's layout, makemore's sizes).

    Args:
        vocab_size: the number of characters, end token included (27 for the names).
        block_size: the longest sequence it reads (16 for the names: 15 letters + start).
        n_layer: the number of blocks.
        n_head: attention heads per block; must divide `n_embd`.
        n_embd: the width of every position's vector.
        seed: an int or `np.random.Generator`; one seed fixes every weight.
        dtype: the parameters' dtype: float32 by default (as PyTorch), twice as fast as
            float64 in the matrix products.

    Returns (when called on indices of shape `(B, T)`, `T <= block_size`):
        logits of shape `(B, T, vocab_size)`: at position $t$, the scores of the
        character after $c_1 \dots c_t$.

    Parameter names match a `torch.nn` model with the same attributes (`wte`, `wpe`,
    `blocks` as an `nn.ModuleList`, `ln_f`, `lm_head`), so weights move between the two.
    """

    def __init__(
        self,
        vocab_size: int,
        block_size: int,
        n_layer: int = 4,
        n_head: int = 4,
        n_embd: int = 64,
        seed: Seed = None,
        dtype: Any = np.float32,
    ) -> None:
        self.block_size = check_count("Transformer", "block_size", block_size, example=16)
        check_count("Transformer", "vocab_size", vocab_size, example=27)
        rng = make_rng(seed, "Transformer")
        self.wte = Embedding(vocab_size, n_embd, seed=rng, dtype=dtype)  # token embeddings
        self.wpe = Embedding(block_size, n_embd, seed=rng, dtype=dtype)  # position embeddings
        self.blocks = [Block(n_embd, n_head, block_size, rng, dtype) for _ in range(n_layer)]
        self.ln_f = LayerNorm(n_embd, dtype=dtype)
        self.lm_head = Linear(n_embd, vocab_size, bias=False, seed=rng, dtype=dtype)

    def forward(self, idx: Any) -> Tensor:
        idx = np.asarray(idx.data if isinstance(idx, Tensor) else idx)
        if idx.ndim != 2 or idx.shape[1] > self.block_size:
            raise ValueError(
                f"Transformer: expected indices of shape (B, T) with T <= block_size = "
                f"{self.block_size}, got {idx.shape}; crop the sequence to its last "
                f"{self.block_size} characters"
            )
        x = self.wte(idx) + self.wpe(np.arange(idx.shape[1]))  # (B, T, n_embd)
        for block in self.blocks:
            x = block(x)
        return self.lm_head(self.ln_f(x))


__all__ = ["Block", "CausalSelfAttention", "Transformer"]
