"""Forward mode: jvp against the forward pass, the Hessian, and jacfwd against jacrev.

1. `ag.jvp` of an elementwise chain against the forward pass alone (the same chain on a
   Tensor, nothing recorded): 50 rounds of `tanh(h * 1.5 + 0.1)`, `h * sigmoid(h)`,
   `exp(-h * h)` (400 ops whose derivatives come from their outputs: "out-based"), and of
   `tanh(h * 1.5 + 0.1)`, `sin(h) * h`, `exp(-h * h)` (sin's derivative, cos, costs as
   much as sin itself: "with sin"); on arrays of 10^2, 10^4 and 10^6 elements and on
   Values. Target: jvp at most 2x the forward pass. On Linux the arrays are measured
   twice: with the allocator as it is (jvp runs no backward pass, which would change it),
   and with glibc told to keep freed memory (`autograd_lite.memory`), since every fresh
   page of a large array costs a fault, which the forward pass alone (one array alive at
   a time) avoids more than jvp (two).
   The reference, measured in the same run: the same chains written by hand (NumPy for
   arrays, `math` for numbers), once alone and once carrying their tangents as a person
   would, the algebra simplified (`by hand: jvp / forward`). That ratio is a floor for
   any code that calls NumPy or `math` once per operation and does nothing else: where
   it is above 2 (sin, whose tangent needs cos, which costs as much; small arrays, where
   NumPy's fixed cost per call makes each extra product cost as much as the op) no such
   implementation meets the target. (An engine pays Python per node in both passes,
   which dilutes the ratio: ours can come out a little under it.) Where it is below,
   the gap to ours is the engine's own: a product per partial, as the chain rule says,
   and Python per node.
2. The Hessian of a function of 100 inputs, `f(x) = sum(tanh(A x)) + sum(x^2 sin x)`:
   `ag.hessian` (= `jacfwd(jacrev(f))`, one backward pass recorded then all 100 tangent
   directions at once), `jacrev(jacrev(f))` (what `ag.hessian` was at 771fdab: 100
   backward passes through the recorded gradient) and `torch.func.hessian` (where torch
   is installed; one thread, timed after ours). Targets: no slower than 771fdab's;
   within 2x of torch.
3. jacfwd against jacrev for f: R^n -> R^m, `f(x) = W2 tanh(W1 x)` (hidden width 64):
   m = 8 with n from 1 to 1,024, and n = 8 with m from 1 to 1,024. Reverse mode costs
   one backward pass per output, forward mode one pass for all inputs (carrying n
   directions), so each wins on one side of a crossover. `--plot PATH` draws both sweeps
   (matplotlib), as in the docs page "Forward and reverse mode".

Run: `python bench/forward_mode.py` (`--quick` for a smoke run, `--plot out.png`).
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from typing import Any

import _timing
import numpy as np

import autograd_lite as ag
from autograd_lite.memory import keep_freed_memory


def out_based(h: Any) -> Any:
    for _ in range(50):
        h = ag.tanh(h * 1.5 + 0.1)
        h = h * ag.sigmoid(h)
        h = ag.exp(-h * h)
    return h


def with_sin(h: Any) -> Any:
    for _ in range(50):
        h = ag.tanh(h * 1.5 + 0.1)
        h = ag.sin(h) * h
        h = ag.exp(-h * h)
    return h


CHAINS = {"out-based": out_based, "with sin": with_sin}


# ---------------------------------------------------------------- the chains by hand
class OnArrays:
    tanh, sin, cos, exp = np.tanh, np.sin, np.cos, np.exp

    @staticmethod
    def sigmoid(x: Any) -> Any:
        return np.exp(-np.logaddexp(0.0, -x))  # as ag.sigmoid computes it


class OnFloats:
    tanh, sin, cos, exp = math.tanh, math.sin, math.cos, math.exp

    @staticmethod
    def sigmoid(x: float) -> float:
        return 1.0 / (1.0 + math.exp(-x))


def by_hand(middle: Callable[[Any, Any, Any], tuple[Any, Any]]) -> Callable[..., Any]:
    """A chain written with m's functions around its middle op; with a tangent t, the
    dual numbers by hand: `chain(m, h)` is h, `chain(m, h, t)` is (h, t)."""

    def chain(m: Any, h: Any, t: Any = None) -> Any:
        for _ in range(50):
            h = m.tanh(h * 1.5 + 0.1)
            if t is not None:
                t = t * 1.5 * (1.0 - h * h)
            h, t = middle(m, h, t)
            e = m.exp(-h * h)
            if t is not None:
                t = e * (-2.0 * h * t)
            h = e
        return h if t is None else (h, t)

    return chain


def times_sigmoid(m: Any, h: Any, t: Any) -> tuple[Any, Any]:
    s = m.sigmoid(h)
    return h * s, None if t is None else t * s + h * (s * (1.0 - s) * t)


def sin_times(m: Any, h: Any, t: Any) -> tuple[Any, Any]:
    s = m.sin(h)
    return s * h, None if t is None else m.cos(h) * t * h + s * t


BY_HAND = {"out-based": by_hand(times_sigmoid), "with sin": by_hand(sin_times)}


def jvp_rows(repeat: int, sizes: tuple[int, ...]) -> list[list[object]]:
    rows = []
    for name, chain in CHAINS.items():
        hand = BY_HAND[name]
        for n in sizes:
            x = np.random.default_rng(0).normal(size=n)
            v = np.ones(n)
            check = ag.jvp(chain, (x,), (v,))[1]
            want = (chain(ag.Tensor(x + 1e-6)).data - chain(ag.Tensor(x - 1e-6)).data) / 2e-6
            assert np.allclose(check, want, rtol=1e-4, atol=1e-6), name
            assert np.allclose(hand(OnArrays, x, v)[1], check, rtol=1e-9, atol=1e-12), name
            number = max(1, 10_000 // n)
            t = _timing.best_of_each(
                {
                    "forward": lambda c=chain, x=x: c(ag.Tensor(x)),
                    "jvp": lambda c=chain, x=x, v=v: ag.jvp(c, (x,), (v,)),
                    "hand": lambda h=hand, x=x: h(OnArrays, x),
                    "hand jvp": lambda h=hand, x=x, v=v: h(OnArrays, x, v),
                },
                repeat,
                number,
            )
            rows.append(row(name, f"Tensor of {n:,}", t))
        assert hand(OnFloats, 0.3, 1.0)[1] == ag.jvp(chain, (0.3,), (1.0,))[1]
        t = _timing.best_of_each(
            {
                "forward": lambda c=chain: c(ag.Value(0.3)),
                "jvp": lambda c=chain: ag.jvp(c, (0.3,), (1.0,)),
                "hand": lambda h=hand: h(OnFloats, 0.3),
                "hand jvp": lambda h=hand: h(OnFloats, 0.3, 1.0),
            },
            repeat,
            20,
        )
        rows.append(row(name, "Value", t))
    return rows


def row(name: str, given: str, t: dict[str, float]) -> list[object]:
    return [name, given, t["forward"] * 1e3, t["jvp"] * 1e3, t["jvp"] / t["forward"],
            t["hand jvp"] / t["hand"]]  # fmt: skip


# ---------------------------------------------------------------- the Hessian


def hessian_rows(repeat: int) -> tuple[list[list[object]], dict[str, float]]:
    n = 100
    rng = np.random.default_rng(1)
    A = rng.normal(size=(n, n)) / 10
    x = rng.normal(size=n)

    def f(t: Any) -> Any:
        return ag.tanh(ag.Tensor(A) @ t).sum() + (t**2 * ag.sin(t)).sum()

    H = ag.hessian(f)(x)
    assert np.allclose(ag.jacrev(ag.jacrev(f))(x), H, atol=1e-12)
    fns: dict[str, Callable[[], object]] = {
        "ag.hessian = jacfwd(jacrev(f))": lambda: ag.hessian(f)(x),
        "jacrev(jacrev(f)) (ag.hessian at 771fdab)": lambda: ag.jacrev(ag.jacrev(f))(x),
    }
    torch = _timing.optional("torch")
    if torch is not None:
        from torch.func import hessian as torch_hessian

        torch.set_num_threads(1)  # a 100 x 100 problem: threads only add overhead
        At, xt = torch.tensor(A), torch.tensor(x)

        def ft(t: Any) -> Any:
            return torch.tanh(At @ t).sum() + (t**2 * torch.sin(t)).sum()

        assert np.allclose(torch_hessian(ft)(xt).numpy(), H, atol=1e-12)
    times = _timing.best_of_each(fns, repeat)
    if torch is not None:  # after ours, not interleaved: torch's and BLAS's threads spin
        times["torch.func.hessian"] = _timing.best_of(lambda: torch_hessian(ft)(xt), repeat)
    ours = times["ag.hessian = jacfwd(jacrev(f))"]
    rows = [[name, t * 1e3, _timing.ratio(t, ours)] for name, t in times.items()]
    return rows, times


# ---------------------------------------------------------------- jacfwd against jacrev


def mlp(n: int, m: int, width: int = 64) -> Callable[[Any], Any]:
    rng = np.random.default_rng(n * 10_000 + m)
    W1 = ag.Tensor(rng.normal(size=(width, n)) / np.sqrt(n))
    W2 = ag.Tensor(rng.normal(size=(m, width)) / np.sqrt(width))
    return lambda x: W2 @ ag.tanh(W1 @ x)


SWEEP = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024)


def sweep(repeat: int, sizes: tuple[int, ...]) -> dict[str, list[tuple[int, float, float]]]:
    """Seconds of jacfwd and jacrev for m = 8 over n, and for n = 8 over m."""
    found: dict[str, list[tuple[int, float, float]]] = {"n (m = 8)": [], "m (n = 8)": []}
    for size in sizes:
        for key, (n, m) in (("n (m = 8)", (size, 8)), ("m (n = 8)", (8, size))):
            f = mlp(n, m)
            x = np.random.default_rng(2).normal(size=n)
            assert np.allclose(ag.jacfwd(f)(x), ag.jacrev(f)(x), atol=1e-12)
            t = _timing.best_of_each(
                {"jacfwd": lambda f=f, x=x: ag.jacfwd(f)(x),
                 "jacrev": lambda f=f, x=x: ag.jacrev(f)(x)},
                repeat,
            )  # fmt: skip
            found[key].append((size, t["jacfwd"], t["jacrev"]))
    return found


def plot(found: dict[str, list[tuple[int, float, float]]], path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
    for ax, (key, points) in zip(axes, found.items()):
        sizes = [p[0] for p in points]
        ax.loglog(sizes, [p[1] * 1e3 for p in points], "o-", label="jacfwd (forward mode)")
        ax.loglog(sizes, [p[2] * 1e3 for p in points], "s-", label="jacrev (reverse mode)")
        ax.set_xlabel(key.replace("n (m = 8)", "n inputs (m = 8 outputs)").replace(
            "m (n = 8)", "m outputs (n = 8 inputs)"))  # fmt: skip
        ax.grid(True, which="both", alpha=0.3)
        ax.set_xscale("log", base=2)
    axes[0].set_ylabel("time for the Jacobian (ms)")
    axes[0].set_title("many inputs, few outputs: reverse wins")
    axes[1].set_title("few inputs, many outputs: forward wins")
    axes[1].legend()
    fig.suptitle("f(x) = W2 tanh(W1 x): R^n -> R^m, hidden width 64")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    print(f"wrote {path}")


def add_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--plot", metavar="PATH", help="draw the jacfwd/jacrev sweeps")


def main() -> None:
    args = _timing.parse_args(__doc__, extra=add_options)
    repeat = 3 if args.quick else 9
    _timing.print_machine("forward mode: jvp, the Hessian, jacfwd against jacrev")

    sizes = (100, 10_000) if args.quick else (100, 10_000, 1_000_000)
    headers = ["chain", "input", "forward ms", "jvp ms", "jvp / forward", "by hand: jvp / forward"]
    print(f"1. jvp of a chain of 400 elementwise ops, best of {repeat}; {_timing.load()}")
    rows = jvp_rows(repeat, sizes)
    _timing.print_table(headers, rows)
    if keep_freed_memory():
        print("   again, with glibc keeping freed memory (autograd_lite.memory):")
        _timing.print_table(headers, [r for r in jvp_rows(repeat, sizes) if r[1] != "Value"])

    print(f"2. Hessian of f: R^100 -> R, best of {repeat}; {_timing.load()}")
    rows, times = hessian_rows(repeat)
    _timing.print_table(["method", "ms", "time / ag.hessian"], rows)
    ours = times["ag.hessian = jacfwd(jacrev(f))"]
    old = times["jacrev(jacrev(f)) (ag.hessian at 771fdab)"]
    print(f"ag.hessian is {old / ours:.1f}x faster than at 771fdab (target: not slower)")
    if "torch.func.hessian" in times:
        ratio = ours / times["torch.func.hessian"]
        print(f"ag.hessian takes {ratio:.2f}x torch.func.hessian's time (target: at most 2x)")
    print()

    sweep_sizes = SWEEP[:5] if args.quick else SWEEP
    print(f"3. jacfwd against jacrev, best of {repeat}; {_timing.load()}")
    found = sweep(repeat, sweep_sizes)
    for key, points in found.items():
        table = [[size, fwd * 1e3, rev * 1e3, "jacfwd" if fwd < rev else "jacrev"]
                 for size, fwd, rev in points]  # fmt: skip
        _timing.print_table([key, "jacfwd ms", "jacrev ms", "faster"], table)
    if args.plot:
        plot(found, args.plot)
    _timing.print_end()


if __name__ == "__main__":
    main()
