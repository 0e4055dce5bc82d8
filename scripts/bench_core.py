"""Benchmark xent_core.cross_entropy against one-thread PyTorch on big batches.

Four cases: ``(1_000_000, 10)`` and ``(10_000, 1_000)`` logits of N(0, 3²), in float64 and in
float32 (which both libraries keep in float32). Contenders, timed interleaved (one run of each in
turn, ``--repeat`` rounds, medians reported):

- ``xent_core.cross_entropy(x, y)``;
- ``torch.nn.functional.cross_entropy`` on CPU with ``torch.set_num_threads(1)`` (skipped, with
  a note, when PyTorch is not installed: ``make torch``);
- the straightforward NumPy ``-log_softmax(x)[arange(N), y].mean()``, for scale.

Budget (issue 9): xent_core no slower than one-thread PyTorch in every case, agreeing to 1e-9
relative in float64 (float32: 1e-5, and a float32 result like PyTorch's). The exit code is 1 if
a case misses either. Ratios are PyTorch's median over xent_core's (> 1: xent_core faster).

Both sides run on one core, so on a machine busy with other work ``--clock cpu`` (the process's
CPU time instead of wall-clock time) gives steadier figures.

Usage, from the repo root::

    .venv/bin/python scripts/bench_core.py [--repeat 9] [--seed 0] [--scale 1.0] [--clock cpu]
                                           [--sigma 3]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

from xent_core import cross_entropy

SHAPES = [(1_000_000, 10), (10_000, 1_000)]
DTYPES = [np.float64, np.float32]
AGREEMENT = {np.float64: 1e-9, np.float32: 1e-5}


def straightforward_cross_entropy(x: np.ndarray, y: np.ndarray) -> float:
    """The textbook NumPy version: a full log_softmax matrix, then pick and average."""
    z = x - x.max(1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(1, keepdims=True))
    return float(-logp[np.arange(x.shape[0]), y].mean())


def time_interleaved(contenders: dict[str, Callable[[], object]], repeat: int,
                     clock: Callable[[], float] = time.perf_counter) -> dict[str, list[float]]:
    """Each contender once per round, the starting one rotating, so drift hits all alike."""
    for fn in contenders.values():
        fn()  # warm-up: page in the arrays, load lazy modules
    names = list(contenders)
    times: dict[str, list[float]] = {name: [] for name in names}
    for round_ in range(repeat):
        for name in names[round_ % len(names):] + names[:round_ % len(names)]:
            start = clock()
            contenders[name]()
            times[name].append(clock() - start)
    return times


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9, help="timed rounds (default 9)")
    parser.add_argument("--seed", type=int, default=0, help="RNG seed (default 0)")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="multiply every batch size by this (default 1; 0.1 for a quick run)")
    parser.add_argument("--sigma", type=float, default=3.0,
                        help="standard deviation of the logits (default 3; 1000 makes "
                             "xent_core take its shifted path)")
    parser.add_argument("--clock", choices=["wall", "cpu"], default="wall",
                        help="wall-clock time (default) or this process's CPU time")
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.scale <= 0:
        parser.error("--repeat must be at least 1 and --scale positive")

    try:
        import torch
    except ImportError:
        torch = None
    clock = time.perf_counter if args.clock == "wall" else time.process_time
    print(f"numpy {np.__version__}, {cpu_name()}, medians of {args.repeat} interleaved runs, "
          f"{args.clock} clock, logits ~ N(0, {args.sigma:g}²)")
    if torch is None:
        print("NOTE: PyTorch is not installed, so there is no PyTorch column and no budget "
              "check (make torch installs a CPU build).")
    else:
        torch.set_num_threads(1)
        print(f"torch {torch.__version__}, {torch.get_num_threads()} thread")

    rng = np.random.default_rng(args.seed)
    header = "| case | xent_core | PyTorch, 1 thread | torch / xent_core | straightforward NumPy |"
    print()
    print(header)
    print("|---|---|---|---|---|")
    failures = []
    for n, c in SHAPES:
        n = max(1, int(n * args.scale))
        x64 = rng.normal(0.0, args.sigma, size=(n, c))
        y = rng.integers(0, c, size=n)
        for dtype in DTYPES:
            x = x64.astype(dtype)
            case = f"({n:,} × {c:,}) {np.dtype(dtype).name}"
            contenders = {
                "xent_core": lambda x=x, y=y: cross_entropy(x, y),
                "numpy": lambda x=x, y=y: straightforward_cross_entropy(x, y),
            }
            if torch is not None:
                xt, yt = torch.from_numpy(x), torch.from_numpy(y)  # CPU, shares memory

                def torch_loss(xt=xt, yt=yt):
                    with torch.no_grad():
                        return torch.nn.functional.cross_entropy(xt, yt)

                contenders["torch"] = torch_loss
            times = time_interleaved(contenders, args.repeat, clock)
            median = {name: statistics.median(t) * 1e3 for name, t in times.items()}
            ours = cross_entropy(x, y)
            torch_cell, ratio_cell = "not installed", "–"
            if torch is not None:
                theirs = torch_loss()
                rtol = AGREEMENT[dtype]
                agree = (np.asarray(ours).dtype == theirs.numpy().dtype
                         and np.isclose(float(ours), float(theirs), rtol=rtol, atol=0.0))
                ratio = median["torch"] / median["xent_core"]
                torch_cell = f"{median['torch']:.1f} ms"
                ratio_cell = f"**{ratio:.2f}×**"
                if not agree:
                    failures.append(f"{case}: xent_core {float(ours)!r} ({np.asarray(ours).dtype})"
                                    f" vs torch {float(theirs)!r} ({theirs.dtype}), rtol {rtol}")
                if ratio < 1.0:
                    failures.append(f"{case}: xent_core slower than one-thread PyTorch "
                                    f"({ratio:.2f}×)")
            print(f"| {case} | {median['xent_core']:.1f} ms | {torch_cell} | {ratio_cell} | "
                  f"{median['numpy']:.1f} ms |", flush=True)
    print()
    if torch is None:
        return 0
    for failure in failures:
        print(f"BUDGET MISSED: {failure}")
    if not failures:
        print("budget met: xent_core no slower than one-thread PyTorch in every case, and "
              "agreeing with it (float64 to 1e-9, float32 to 1e-5 with a float32 result)")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
