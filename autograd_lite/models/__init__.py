r"""Toy models beyond the MLP, built from `ag.nn` layers: read them to see how they work.

* `digits_cnn`: a small convolutional network for the 8x8 digits.
* `bigram_model`, `mlp_model`, `Transformer`: character-level language models on names
  (Karpathy's makemore), and `sample` to draw new names from them.

Example:
    >>> import numpy as np
    >>> from autograd_lite.models import Transformer
    >>> model = Transformer(vocab_size=27, block_size=16, n_layer=3, seed=0)
    >>> sum(p.data.size for p in model.parameters())   # the names' Transformer
    154560
"""

from .cnn import digits_cnn
from .language import bigram_model, mlp_model, sample
from .transformer import Block, CausalSelfAttention, Transformer

__all__ = [
    "Block",
    "CausalSelfAttention",
    "Transformer",
    "bigram_model",
    "digits_cnn",
    "mlp_model",
    "sample",
]
