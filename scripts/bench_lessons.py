"""Time the lesson functions of lessons 5-8: one call per slider move, so every millisecond is
multiplied by the class.

Each function is called with its presets in turn (and, for lesson 8, a calibration temperature
that changes on every call, so the MNIST cache does not hide the work of a new temperature).
Prints the best and the median of ``--repeat`` calls, in milliseconds.

Usage, from the repo root::

    python scripts/bench_lessons.py [--repeat 200]
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from xent_core.lessons import overflow, sigmoid_or_softmax, soft_labels, why_not_mse
from xent_core.lessons.overflow import PRESETS as OVERFLOW_PRESETS
from xent_core.lessons.sigmoid_or_softmax import PRESETS as SIGMOID_PRESETS
from xent_core.lessons.soft_labels import PRESETS as SOFT_LABELS_PRESETS
from xent_core.lessons.why_not_mse import PRESETS as WHY_NOT_MSE_PRESETS


def calls() -> dict[str, Callable[[], object]]:
    mse_presets = itertools.cycle(WHY_NOT_MSE_PRESETS.values())
    sigmoid_presets = itertools.cycle(SIGMOID_PRESETS.values())
    overflow_presets = itertools.cycle(OVERFLOW_PRESETS.values())
    soft_presets = itertools.cycle(SOFT_LABELS_PRESETS.values())
    learning_rates = itertools.cycle([0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0])  # a fresh race
    temperatures = itertools.count(1)

    def lesson_5():
        logits, target = next(mse_presets)
        return why_not_mse(logits, target, lr=next(learning_rates) + next(temperatures) * 1e-9)

    def lesson_6():
        logits, labels = next(sigmoid_presets)
        return sigmoid_or_softmax(logits, labels, pos_weight=2.0)

    def lesson_7():
        logits, target, shift = next(overflow_presets)
        return overflow(logits, target, shift)

    def lesson_8():
        logits, target, eps, t = next(soft_presets)
        return soft_labels(logits, target, eps, t,
                           calibration_temperature=0.5 + (next(temperatures) % 997) / 300)

    return {"5 why_not_mse (new race)": lesson_5, "6 sigmoid_or_softmax": lesson_6,
            "7 overflow": lesson_7, "8 soft_labels (new T)": lesson_8}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200, help="timed calls each (default 200)")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    for name, fn in calls().items():
        fn()  # warm-up: loads MNIST and fits the temperature once, as a server would
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        print(f"lesson {name:<28} best {min(times) * 1e3:7.2f} ms   "
              f"median {statistics.median(times) * 1e3:7.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
