"""Benchmark xent_core.cross_entropy on a big batch.

Compares it with the straightforward NumPy version, ``-log_softmax(x)[arange(N), y].mean()``,
and (if PyTorch is installed) with ``torch.nn.functional.cross_entropy`` in float64 on CPU.
Every contender is timed ``--repeat`` times with ``time.perf_counter``; the best and the median
are printed, and the ratios use the medians (> 1 means xent_core is faster).

Usage, from the repo root::

    python scripts/bench_core.py [--n 1000000] [--classes 10] [--repeat 7] [--seed 0]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

from xent_core import cross_entropy


def straightforward_cross_entropy(x: np.ndarray, y: np.ndarray) -> float:
    """The textbook NumPy version: a full log_softmax matrix, then pick and average."""
    z = x - x.max(1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(1, keepdims=True))
    return float(-logp[np.arange(x.shape[0]), y].mean())


def time_it(fn: Callable[[], object], repeat: int) -> tuple[list[float], object]:
    fn()  # warm-up: page in the arrays, load lazy modules
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return times, result


def describe(name: str, times: list[float]) -> str:
    return (f"{name:<28} best {min(times) * 1e3:9.2f} ms   "
            f"median {statistics.median(times) * 1e3:9.2f} ms")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="examples (default 1e6)")
    parser.add_argument("--classes", type=int, default=10, help="classes (default 10)")
    parser.add_argument("--repeat", type=int, default=7, help="timed runs each (default 7)")
    parser.add_argument("--seed", type=int, default=0, help="RNG seed (default 0)")
    args = parser.parse_args(argv)
    if args.n < 1 or args.classes < 1 or args.repeat < 1:
        parser.error("--n, --classes and --repeat must be at least 1")

    rng = np.random.default_rng(args.seed)
    x = rng.normal(0.0, 3.0, size=(args.n, args.classes))
    y = rng.integers(0, args.classes, size=args.n)
    print(f"cross-entropy of a ({args.n:,}, {args.classes}) float64 batch, "
          f"{args.repeat} runs each (numpy {np.__version__})")

    straight_times, straight_value = time_it(lambda: straightforward_cross_entropy(x, y),
                                             args.repeat)
    ours_times, ours_value = time_it(lambda: float(cross_entropy(x, y)), args.repeat)
    if not np.isclose(ours_value, straight_value, rtol=1e-12, atol=0.0):
        print(f"MISMATCH: xent_core {ours_value!r} vs straightforward {straight_value!r}")
        return 1
    print(f"loss: xent_core {ours_value:.15g}, straightforward {straight_value:.15g} (agree)")
    print(describe("straightforward numpy", straight_times))
    print(describe("xent_core.cross_entropy", ours_times))
    ours_median = statistics.median(ours_times)
    ratio = statistics.median(straight_times) / ours_median
    print(f"ratio straightforward / xent_core: {ratio:.2f}x "
          f"({'xent_core faster' if ratio > 1 else 'xent_core slower'})")

    try:
        import torch
    except ImportError:
        print("torch not installed: skipping the PyTorch comparison")
        return 0
    xt = torch.from_numpy(x)  # float64, CPU, shares memory
    yt = torch.from_numpy(y)
    with torch.no_grad():
        torch_times, torch_value = time_it(
            lambda: float(torch.nn.functional.cross_entropy(xt, yt)), args.repeat
        )
    agree = "agree" if np.isclose(torch_value, ours_value, rtol=1e-12, atol=0.0) else "DIFFER"
    print(f"torch {torch.__version__}, {torch.get_num_threads()} CPU threads: "
          f"loss {torch_value:.15g} ({agree})")
    print(describe("torch F.cross_entropy", torch_times))
    torch_ratio = statistics.median(torch_times) / ours_median
    print(f"ratio torch / xent_core: {torch_ratio:.2f}x "
          f"({'xent_core faster' if torch_ratio > 1 else 'xent_core slower'})")
    return 0 if agree == "agree" else 1


if __name__ == "__main__":
    raise SystemExit(main())
