"""Solutions to the exercises of 07_forward_and_reverse.ipynb."""

import numpy as np

import autograd_lite as ag


# Exercise 1: the product rule on dual numbers, (x + dx ε)(y + dy ε) = xy + (dx y + x dy) ε
# (the dx dy ε² term is 0): one term for each input that moves.
def jvp_mul(x, dx, y, dy):
    return dx * y + x * dy


# Exercise 2: one jvp per input direction e_j gives the column ∂f/∂x_j; the columns side by
# side make the m × n Jacobian (ag.jacfwd pushes all n directions in one pass instead).
def jacobian(f, x):
    columns = [ag.jvp(f, (x,), (e,))[1] for e in np.eye(len(x))]
    return np.stack(columns, axis=1)
