"""Solutions to the exercises of 03_training.ipynb."""

import autograd_lite as ag

X, y = ag.data.make_line(50, a=2.0, b=1.0, noise=0.3, seed=0)
xs, ys = X[:, 0].tolist(), y.tolist()


def E(a, b):
    return sum((a * xi + b - yi) ** 2 for xi, yi in zip(xs, ys)) / len(xs)


# Exercise 1: each squared residual r^2 with r = a x + b - y has d/da = 2 r x and d/db = 2 r.
def line_gradient(a, b):
    residuals = [a * xi + b - yi for xi, yi in zip(xs, ys)]
    n = len(xs)
    da = sum(2 * r * xi for r, xi in zip(residuals, xs)) / n
    db = sum(2 * r for r in residuals) / n
    return da, db


# Exercise 2: d/dz -ln(sigma(z)) = -sigma'(z) / sigma(z) = -(1 - sigma(z)) = sigma(z) - 1.
def loss_of_class_1(z):
    return -ag.log(ag.sigmoid(z))


def dloss_dz(z):
    return ag.sigmoid(z) - 1
