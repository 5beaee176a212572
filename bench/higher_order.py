"""Higher-order derivatives: `ag.derivative(tanh, 0.3, n)` for n = 1..10.

Workload: the n-th derivative of tanh at 0.3. Targets (issue 3): n = 6 no slower than
PyTorch's nested `torch.autograd.grad(..., create_graph=True)` (about 1 ms here), n = 10
under 20 ms, and exact to 1e-9 against the closed form (the derivative polynomials of
tanh: $P_{k+1}(t) = P_k'(t)(1 - t^2)$, evaluated at t = tanh 0.3).

`ag.derivative` is Taylor mode, O(n^2) per op; the rows "nested ag.grad" and "PyTorch"
nest reverse mode, whose graph grows geometrically with n. Ratios are reference / ours,
so 100x means ours is a hundred times faster.

Run: `python bench/higher_order.py` (`--quick` for a smoke run).
"""

from __future__ import annotations

import math

import _timing
import numpy as np
from numpy.polynomial import polynomial as P

import autograd_lite as ag


def closed_form(x: float, n: int) -> float:
    poly = np.array([0.0, 1.0])
    for _ in range(n):
        poly = P.polymul(P.polyder(poly), [1.0, 0.0, -1.0])
    return float(P.polyval(math.tanh(x), poly))


def nested_ag_grad(n: int) -> float:
    f = ag.tanh
    for _ in range(n):
        f = ag.grad(f)
    return float(f(0.3))


def nested_torch(torch: object, n: int) -> float:
    t = torch.tensor(0.3, dtype=torch.float64, requires_grad=True)  # type: ignore[attr-defined]
    y = t.tanh()
    for k in range(n):
        (y,) = torch.autograd.grad(y, t, create_graph=k < n - 1)  # type: ignore[attr-defined]
    return float(y)


def main() -> None:
    args = _timing.parse_args(__doc__)
    repeat = 3 if args.quick else 20
    torch = _timing.optional("torch")
    _timing.print_machine("higher-order derivatives of tanh at 0.3")
    rows = []
    for n in range(1, 11):
        want = closed_form(0.3, n)
        got = ag.derivative(ag.tanh, 0.3, n)
        error = abs(got - want) / abs(want)
        ours = _timing.best_of(lambda n=n: ag.derivative(ag.tanh, 0.3, n), repeat)
        row: list[object] = [n, ours * 1e3, f"{error:.1e}"]
        if n <= 8 or not args.quick:  # nesting grows geometrically: --quick stops at 8
            nested = _timing.best_of(lambda n=n: nested_ag_grad(n), max(1, repeat // 5))
            row += [nested * 1e3, _timing.ratio(nested, ours)]
        else:
            row += ["-", "-"]
        if torch is not None:
            theirs = _timing.best_of(lambda n=n: nested_torch(torch, n), max(1, repeat // 5))
            row += [theirs * 1e3, _timing.ratio(theirs, ours)]
        rows.append(row)
    headers = ["n", "ag.derivative ms", "rel. error", "nested ag.grad ms", "ratio"]
    if torch is not None:
        headers += ["PyTorch nested ms", "ratio"]
    _timing.print_table(headers, rows)
    _timing.print_end()


if __name__ == "__main__":
    main()
