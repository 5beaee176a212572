"""Deep chain: a million scalar ops on Values, forward and backward, memory and time.

Two workloads, each a chain of 10^6 op nodes (alternately mul and add), 500,000 steps
from `y = x`, with x = 0.5:

* `constants`, the form every micrograd-style tutorial writes: `y = y * 1.0001 + 0.0001`
  with Python floats. micrograd makes a leaf Value of each float (two more nodes per
  step); autograd_lite keeps each in its op as a constant. Targets: at least 6x
  micrograd's speed and at most 200 bytes per op.
* `shared`: `y = y * w + b` with `w = 0.999999` and `b = 1e-6` shared leaf Values, so
  neither engine makes a node per constant. Target: at least 6x micrograd, at most 300
  bytes per node (and no slower than before constants stopped costing a node).

micrograd has both ops, so the same code runs on it. y stays finite and so do the
gradients. Then `y.backward()`, then the graph's release (`del y` and `gc.collect()`).

Each engine runs in a fresh subprocess, on a thread with a 512 MB stack and a recursion
limit of 10^7: micrograd's topological sort is recursive, one level per node. The
subprocess reads its resident memory (VmRSS) before building the graph, then the peak
(`getrusage(RUSAGE_SELF).ru_maxrss`) after the forward and after the backward; bytes
per node = (peak - baseline) / 10^6. The peak after backward includes whatever the
backward pass allocates: the topological order, the visited set, the gradients (and for
micrograd the recursion's frames). `of it in GC` is the part of forward + backward spent
in the garbage collector's passes (measured with `gc.callbacks`); the collector stays on.

Reading the table: time is the best of N subprocess runs (the engines' runs
interleaved); memory is that of the same run (it hardly varies). `micrograd / ours` is
how many times faster (time) or smaller (memory) autograd_lite is. Targets for
autograd_lite: at most 300 bytes of peak memory per node, and at least 6x micrograd's
speed (forward + backward).

Run: `python bench/deep_chain.py` (add `--quick` for a smoke run of 10^5 ops, one run).
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import resource
import subprocess
import sys
import threading
import time
from typing import Any

import _timing

DEFAULT_OPS = 1_000_000
TARGET_BYTES = {"constants": 200.0, "shared": 300.0}
TARGET_SPEEDUP = 6.0
FORMS = ("constants", "shared")


# ---------------------------------------------------------------- in the subprocess
def _rss_kb() -> int:
    """Resident memory now, in kB (VmRSS), to take the baseline from."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status")


def _peak_kb() -> int:
    """Peak resident memory so far, in kB (Linux reports ru_maxrss in kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def run_chain(engine: str, ops: int, form: str) -> dict[str, Any]:
    """Build the chain on `engine`, backward, release; return times and memory."""
    module = "micrograd.engine" if engine == "micrograd" else "autograd_lite"
    Value = importlib.import_module(module).Value

    x, w, b = Value(0.5), Value(0.999999), Value(1e-6)
    in_gc = [0.0, 0.0]  # seconds spent in the garbage collector; when the last pass began

    def on_gc(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            in_gc[1] = time.perf_counter()
        else:
            in_gc[0] += time.perf_counter() - in_gc[1]

    gc.collect()
    baseline = _rss_kb()
    gc.callbacks.append(on_gc)

    start = time.perf_counter()
    y = x
    if form == "constants":
        for _ in range(ops // 2):
            y = y * 1.0001 + 0.0001
    else:
        for _ in range(ops // 2):
            y = y * w + b
    forward = time.perf_counter() - start
    after_forward = _peak_kb()

    start = time.perf_counter()
    y.backward()
    backward = time.perf_counter() - start
    after_backward = _peak_kb()
    gc.callbacks.remove(on_gc)
    result = {"y": float(y.data), "grads": [float(v.grad) for v in (x, w, b)]}

    start = time.perf_counter()
    del y
    gc.collect()
    release = time.perf_counter() - start
    return {
        **result,
        "forward": forward,
        "backward": backward,
        "in_gc": in_gc[0],
        "release": release,
        "graph_kb": after_forward - baseline,
        "peak_kb": after_backward - baseline,
    }


def child(engine: str, ops: int, form: str) -> None:
    """Run `run_chain` on a thread with a deep stack; print its result as JSON."""
    sys.setrecursionlimit(10_000_000)
    threading.stack_size(512 * 1024 * 1024)
    out: dict[str, Any] = {}

    def target() -> None:
        try:
            out.update(run_chain(engine, ops, form))
        except BaseException as error:  # report, so the parent can print why
            out["error"] = f"{type(error).__name__}: {error}"

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    print(json.dumps(out))


# ---------------------------------------------------------------- in the parent
def spawn(engine: str, ops: int, form: str) -> dict[str, Any]:
    """Run one engine in a fresh subprocess; a crash comes back as an `error`."""
    command = [sys.executable, __file__, "--child", engine, "--ops", str(ops), "--form", form]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=1800)
    except subprocess.TimeoutExpired:
        return {"error": "timed out after 30 minutes"}
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["(no message)"])[-1]
        return {"error": f"exit code {done.returncode}: {tail}"}
    try:
        result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {"error": f"unreadable output: {done.stdout[-200:]!r}"}
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description="deep chain of scalar ops")
    parser.add_argument("--quick", action="store_true", help="10^5 ops, one run")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--ops", type=int, default=DEFAULT_OPS, help=argparse.SUPPRESS)
    parser.add_argument("--form", choices=FORMS, help="one workload only (default: both)")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.ops, args.form)
        return

    _timing.print_machine("deep_chain: 10^6 scalar ops, forward and backward")
    ops = 100_000 if args.quick else args.ops
    for form in [args.form] if args.form else FORMS:
        report(form, ops, 1 if args.quick else 3)
    _timing.print_end()


def report(form: str, ops: int, runs: int) -> None:
    """Run the engines on one workload, interleaved, and print the table and ratios."""
    text = "y = y * 1.0001 + 0.0001" if form == "constants" else "y = y * w + b"
    print(f"\n== {form}: {text}")
    engines = ["autograd_lite"]
    if _timing.optional("micrograd") is not None:
        engines.append("micrograd")

    best: dict[str, dict[str, Any]] = {}
    for i in range(runs):  # engines interleaved, so a burst of load hits both
        for engine in engines:
            result = spawn(engine, ops, form)
            if "error" in result:
                print(f"{engine} run {i + 1}: FAILED: {result['error']}")
                continue
            seconds = result["forward"] + result["backward"]
            print(f"{engine} run {i + 1}: {seconds:.2f} s forward+backward; {_timing.load()}")
            if engine not in best or seconds < best[engine]["forward"] + best[engine]["backward"]:
                best[engine] = result
    print()

    table = []
    for engine, r in best.items():
        table.append(
            (
                engine,
                r["forward"],
                r["backward"],
                r["forward"] + r["backward"],
                r["in_gc"],
                r["release"],
                r["graph_kb"] * 1024 / ops,
                r["peak_kb"] * 1024 / ops,
            )
        )
    print(f"{ops:,} op nodes; times in seconds (best of {runs}), memory in bytes per node:")
    _timing.print_table(
        (
            "engine",
            "forward",
            "backward",
            "fwd+bwd",
            "of it in GC",
            "release",
            "graph B/node",
            "peak B/node",
        ),
        table,
    )
    if "autograd_lite" in best:
        ours = best["autograd_lite"]
        per_node = ours["peak_kb"] * 1024 / ops
        target = f"target: at most {TARGET_BYTES[form]:.0f}"
        print(f"autograd_lite: {per_node:.0f} bytes of peak memory per node ({target})")
        if "micrograd" in best:
            mg = best["micrograd"]
            speedup = (mg["forward"] + mg["backward"]) / (ours["forward"] + ours["backward"])
            memory = mg["peak_kb"] / ours["peak_kb"]
            target = f"target: at least {TARGET_SPEEDUP:g}x"
            print(
                f"micrograd / ours: {speedup:.2f}x the time ({target}), {memory:.2f}x the memory"
            )
            for name, ours_grad, mg_grad in zip("xwb", ours["grads"], mg["grads"]):
                print(f"  dy/d{name}: ours {ours_grad:.12g}, micrograd {mg_grad:.12g}")
        elif "micrograd" in engines:
            print("micrograd failed, so there is no ratio (see its runs above)")


if __name__ == "__main__":
    main()
