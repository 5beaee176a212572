"""The models of `autograd_lite.models`, written again in `torch.nn`, attribute for attribute.

Used by the parity tests (weights move both ways, outputs agree) and by the benchmarks in
`bench/` (the same model trained by both libraries). Import only where torch is installed.
"""

from __future__ import annotations

import math
from typing import Any

import torch
from torch import nn


def digits_cnn(channels: tuple[int, int] = (32, 64), hidden: int = 128, dropout: float = 0.25):
    """`autograd_lite.models.digits_cnn` in torch.nn."""
    c1, c2 = channels
    return nn.Sequential(
        nn.Conv2d(1, c1, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(c1, c2, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Dropout(dropout),
        nn.Linear(c2 * 4, hidden),
        nn.ReLU(),
        nn.Dropout(dropout),
        nn.Linear(hidden, 10),
    )


def bigram_model(vocab_size: int) -> nn.Sequential:
    """`autograd_lite.models.bigram_model` in torch.nn."""
    return nn.Sequential(nn.Embedding(vocab_size, vocab_size), nn.Flatten())


def mlp_model(
    vocab_size: int,
    block_size: int = 3,
    n_embd: int = 10,
    n_hidden: int = 200,
    batchnorm: bool = False,
) -> nn.Sequential:
    """`autograd_lite.models.mlp_model` in torch.nn (initialise by loading its weights)."""
    layers: list[nn.Module] = [
        nn.Embedding(vocab_size, n_embd),
        nn.Flatten(),
        nn.Linear(block_size * n_embd, n_hidden, bias=not batchnorm),
    ]
    if batchnorm:
        layers.append(nn.BatchNorm1d(n_hidden, momentum=0.001))
    layers += [nn.Tanh(), nn.Linear(n_hidden, vocab_size)]
    return nn.Sequential(*layers)


class CausalSelfAttention(nn.Module):
    def __init__(self, n_embd: int, n_head: int, block_size: int) -> None:
        super().__init__()
        self.n_head = n_head
        self.c_attn = nn.Linear(n_embd, 3 * n_embd)
        self.c_proj = nn.Linear(n_embd, n_embd)
        mask = torch.triu(torch.full((block_size, block_size), float("-inf")), diagonal=1)
        self.register_buffer("mask", mask, persistent=False)

    def forward(self, x: Any) -> Any:
        B, T, C = x.shape
        d = C // self.n_head
        q, k, v = self.c_attn(x).split(C, dim=2)
        q, k, v = (t.view(B, T, self.n_head, d).transpose(1, 2) for t in (q, k, v))
        scores = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(d))
        weights = torch.softmax(scores + self.mask[:T, :T], dim=-1)
        out = (weights @ v).transpose(1, 2).reshape(B, T, C)
        return self.c_proj(out)


class Block(nn.Module):
    def __init__(self, n_embd: int, n_head: int, block_size: int) -> None:
        super().__init__()
        self.ln_1 = nn.LayerNorm(n_embd)
        self.attn = CausalSelfAttention(n_embd, n_head, block_size)
        self.ln_2 = nn.LayerNorm(n_embd)
        self.c_fc = nn.Linear(n_embd, 4 * n_embd)
        self.gelu = nn.GELU(approximate="tanh")
        self.c_proj = nn.Linear(4 * n_embd, n_embd)

    def forward(self, x: Any) -> Any:
        x = x + self.attn(self.ln_1(x))
        return x + self.c_proj(self.gelu(self.c_fc(self.ln_2(x))))


class Transformer(nn.Module):
    """`autograd_lite.models.Transformer` in torch.nn."""

    def __init__(
        self, vocab_size: int, block_size: int, n_layer: int = 4, n_head: int = 4, n_embd: int = 64
    ) -> None:
        super().__init__()
        self.wte = nn.Embedding(vocab_size, n_embd)
        self.wpe = nn.Embedding(block_size, n_embd)
        self.blocks = nn.ModuleList(Block(n_embd, n_head, block_size) for _ in range(n_layer))
        self.ln_f = nn.LayerNorm(n_embd)
        self.lm_head = nn.Linear(n_embd, vocab_size, bias=False)

    def forward(self, idx: Any) -> Any:
        x = self.wte(idx) + self.wpe(torch.arange(idx.shape[1]))
        for block in self.blocks:
            x = block(x)
        return self.lm_head(self.ln_f(x))


def load_from(model: nn.Module, state: dict[str, Any]) -> nn.Module:
    """Load an autograd_lite state dict (NumPy arrays) into a torch model, strictly.

    torch copies into the model's own dtype: call `.double()` first to keep float64.
    """
    tensors = {key: torch.from_numpy(value.copy()) for key, value in state.items()}
    model.load_state_dict(tensors, strict=True)
    return model


def state_of(model: nn.Module) -> dict[str, Any]:
    """A torch model's state dict as NumPy arrays."""
    return {key: value.detach().numpy().copy() for key, value in model.state_dict().items()}
