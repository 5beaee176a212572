"""Solutions to the exercises of 01_derivatives.ipynb."""

import autograd_lite as ag


# Exercise 1: the note's second example, f(x) = e^(x^2).
def f2(x):
    return ag.exp(x**2)


def df2(x):
    # The chain rule: the outer derivative e^u at u = x^2, times the inner one, 2x.
    return ag.exp(x**2) * 2 * x


# Exercise 2: the sigmoid, with the note's rules for e^x and 1/u.
def dsigmoid(x):
    s = ag.sigmoid(x)
    return s * (1 - s)


# Exercise 3: the squared error of the line a x + b at the point (x, y) = (2, 5).
def error(a, b):
    return (2 * a + b - 5) ** 2


def error_partials(a, b):
    residual = 2 * a + b - 5
    return 2 * residual * 2, 2 * residual  # (dE/da, dE/db): the inner derivatives x and 1
