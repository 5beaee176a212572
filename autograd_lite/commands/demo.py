"""`autograd-lite demo`: the main job, a tour of the engine in a few seconds."""

from __future__ import annotations

import argparse
from typing import Any

from ..value import Value


def add_parser(sub: Any) -> None:
    """Register `demo`."""
    parser = sub.add_parser("demo", help="backpropagate through a neuron, step by step")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Build micrograd's neuron tanh(x1*w1 + x2*w2 + b), run backward, print each gradient."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.881373587019543, label="b")
    out = (x1 * w1 + x2 * w2 + b).tanh()
    out.label = "out"
    out.backward()
    print("neuron: out = tanh(x1*w1 + x2*w2 + b)")
    print(f"forward: out = {out.data:.4f}")
    print("backward: d out / d leaf, by the chain rule")
    for leaf in (x1, w1, x2, w2, b):
        print(f"  {leaf.label:>2} = {leaf.data:+.4f}   grad = {leaf.grad:+.4f}")
    return 0
