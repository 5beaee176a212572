"""Solutions to the exercises of 05_from_scalars_to_tensors.ipynb."""

import random
from itertools import pairwise

import numpy as np

import autograd_lite as ag


# Exercise 1: a neuron, tanh(b + sum_i w_i x_i), micrograd's way.
class Neuron:
    def __init__(self, nin):
        self.w = [ag.Value(random.uniform(-1, 1), label=f"w{i}") for i in range(nin)]
        self.b = ag.Value(0.0, label="b")

    def __call__(self, x):
        act = self.b
        for wi, xi in zip(self.w, x):
            act = act + wi * xi
        return act.tanh()

    def parameters(self):
        return [*self.w, self.b]


# Exercise 2: a layer is a list of neurons that all see the same inputs; an MLP chains them.
class Layer:
    def __init__(self, nin, nout):
        self.neurons = [Neuron(nin) for _ in range(nout)]

    def __call__(self, x):
        return [n(x) for n in self.neurons]

    def parameters(self):
        return [p for n in self.neurons for p in n.parameters()]


class MLP:
    def __init__(self, nin, nouts):
        sizes = [nin, *nouts]
        self.layers = [Layer(a, b) for a, b in pairwise(sizes)]

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x[0] if len(x) == 1 else x

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]


# Exercise 3: the gradient of the mean softmax cross-entropy, (p - onehot(y)) / N.
def softmax_cross_entropy_grad(z, y):
    e = np.exp(z - z.max(axis=1, keepdims=True))  # the max cancels in the ratio
    p = e / e.sum(axis=1, keepdims=True)
    p[np.arange(len(y)), y] -= 1
    return p / len(y)
