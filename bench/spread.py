"""Spread: run a benchmark several times, each in a fresh process, and sum up its targets.

One run's ratio is measured within one process, its rows interleaved, best of N. Between
processes it still moves: by about ±3% for `tensor_mlp` (where each array lands in
memory, which the allocator decides, changes the speed of NumPy's loops and BLAS) and by
up to ±5% for `op_overhead` (PyTorch's own time per op moves from 5.0 to 5.5 µs between
processes on the same machine). A figure that sits near its target passes in one run and
misses in the next; the median over several processes says where it sits.

This script runs `bench/NAME.py` (with the options after it) N times, one after the other,
and collects each line that states a target, such as

    float32: autograd_lite takes 1.037x NumPy's time (target: at most 1.05x)

For each such line it prints every run's figure, their median, and in how many runs the
figure met the target. A run that fails stops the script, with its output.

Run: `python bench/spread.py tensor_mlp.py --runs 5 -- --blas-threads 1`.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
from pathlib import Path

import _timing

HERE = Path(__file__).resolve().parent
NUMBER = r"(?<![\w.])(\d+(?:\.\d+)?)"  # a number standing alone: not the 32 of float32
TARGET = re.compile(r"\(target: at (most|least) " + NUMBER)


def target_lines(output: str) -> dict[str, tuple[float, str, float]]:
    """Each line of `output` that states a target, keyed by its text with the figure
    taken out: (figure, "most" or "least", target)."""
    found: dict[str, tuple[float, str, float]] = {}
    for line in output.splitlines():
        target = TARGET.search(line)
        figure = re.search(NUMBER, line)
        if target is None or figure is None or figure.start() >= target.start():
            continue
        key = line[: figure.start()] + "…" + line[figure.end() :]
        if key in found:  # the same line again (tensor_mlp's second pass): number them
            key += f" [{sum(k.startswith(key) for k in found) + 1}]"
        found[key] = (float(figure.group(1)), target.group(1), float(target.group(2)))
    return found


def meets(figure: float, side: str, target: float) -> bool:
    return figure <= target if side == "most" else figure >= target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("script", help="a benchmark in bench/, such as op_overhead.py")
    parser.add_argument("--runs", type=int, default=5, help="how many processes (default 5)")
    argv = sys.argv[1:]
    cut = argv.index("--") if "--" in argv else len(argv)
    args = parser.parse_args(argv[:cut])
    args.options = argv[cut + 1 :]  # the benchmark's own options, after --
    script = HERE / args.script
    if not script.is_file():
        raise SystemExit(f"spread: no benchmark {args.script!r} in {HERE}")
    if args.runs < 1:
        raise SystemExit(f"spread: --runs must be at least 1, got {args.runs}")
    try:
        measure(script, args.script, args.options, args.runs)
    except KeyboardInterrupt:
        print("spread: interrupted; the runs before it are printed above", file=sys.stderr)
        raise SystemExit(130) from None


def measure(script: Path, name: str, options: list[str], runs: int) -> None:
    """Run `script` `runs` times and print each target line's figures and median."""

    _timing.print_machine(f"spread: {name} {' '.join(options)}, {runs} runs")
    figures: dict[str, list[float]] = {}
    sides: dict[str, tuple[str, float]] = {}
    for run in range(1, runs + 1):
        done = subprocess.run(
            [sys.executable, str(script), *options], capture_output=True, text=True
        )
        if done.returncode != 0:
            sys.stdout.write(done.stdout + done.stderr)
            raise SystemExit(f"spread: run {run} of {name} failed")
        lines = target_lines(done.stdout)
        if not lines:
            raise SystemExit(f"spread: {name} printed no line with a target")
        for key, (figure, side, target) in lines.items():
            figures.setdefault(key, []).append(figure)
            sides[key] = (side, target)
        print(f"run {run}: " + "; ".join(f"{figure:g}" for figure, _, _ in lines.values()))

    print()
    for key, values in figures.items():
        side, target = sides[key]
        met = sum(meets(v, side, target) for v in values)
        print(key)
        runs = ", ".join(f"{v:g}" for v in values)
        median, low, high = statistics.median(values), min(values), max(values)
        print(f"    runs: {runs}; median {median:g} (range {low:g} to {high:g})")
        print(f"    target met in {met} of {len(values)} runs")
    print(f"at end: {_timing.load()}")


if __name__ == "__main__":
    main()
