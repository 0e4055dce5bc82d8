"""Benchmark: server-side script time of each page for one slider / number change.

For every page, the app is opened through ``app.py`` with Streamlit's AppTest, then one
control is changed back and forth; each change re-runs the page script, and the time of that
re-run is measured. The budget is a median of at most 50 ms on a 2-core machine.

Usage (from the repository root)::

    python scripts/bench_pages.py            # every page, 30 changes each
    python scripts/bench_pages.py --repeat 60 --page five-classes

AppTest runs the script in-process, so this measures our script (widgets, xent_core, figure
building and serialisation) plus AppTest's own bookkeeping: the browser's drawing time is not
included (the browser test checks that a slider move redraws).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

BUDGET_MS = 50.0

# page -> (file, widget kind, widget key, two values to alternate between)
CHANGES = {
    "home": ("pages/home.py", "radio", "shell.base", ("10", "e")),
    "cat-vs-dog": ("pages/1_cat_vs_dog.py", "radio", "shell.base", ("10", "e")),
    "five-classes": ("pages/2_five_classes.py", "slider", "five.slider.3", (2.5, 2.39)),
    "pytorch-batch": ("pages/3_pytorch_batch.py", "slider", "pytorch.ls", (0.1, 0.0)),
    "mnist": ("pages/4_mnist.py", "number_input", "mnist._logit.8", (5.5, 6.0)),
}


def _find_widget(at: AppTest, kind: str, key: str | None):
    widgets = list(getattr(at, kind))
    if key is not None:
        widgets = [w for w in widgets if w.key == key]
    if not widgets:
        return None
    return widgets[0]


def _two_values(widget):
    """Two valid values near the widget's current one."""
    current = widget.value
    if isinstance(current, bool):
        return (not current, current)
    if isinstance(current, int | float):
        step = getattr(widget, "step", None) or 0.1
        high = getattr(widget, "max", None)
        nudged = current + step
        if high is not None and nudged > high:
            nudged = current - step
        return (nudged, current)
    options = list(getattr(widget, "options", []))
    other = next(o for o in options if o != current)
    return (other, current)


def bench_page(name: str, repeat: int) -> list[float]:
    path, kind, key, values = CHANGES[name]
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page(path).run()
    widget = _find_widget(at, kind, key)
    if widget is None:  # fall back to any slider, then any number box
        for fallback in ("slider", "number_input", "radio"):
            widget = _find_widget(at, fallback, None)
            if widget is not None:
                kind = fallback
                break
    if widget is None:
        raise SystemExit(f"{name}: no slider, number input or radio to change")
    key = widget.key
    values = values or _two_values(widget)
    times = []
    for i in range(repeat + 3):  # the first few runs warm caches and imports
        widget = _find_widget(at, kind, key)
        widget.set_value(values[i % 2])
        start = time.perf_counter()
        at.run()
        elapsed = (time.perf_counter() - start) * 1000
        if at.exception:
            raise SystemExit(f"{name}: exception {at.exception[0].value}")
        if i >= 3:
            times.append(elapsed)
    print(f"{name:14s} {kind:>12s} {key!s:28s} median {statistics.median(times):6.1f} ms  "
          f"min {min(times):6.1f}  max {max(times):6.1f}  (n={len(times)})")
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30, help="changes measured per page")
    parser.add_argument("--page", choices=sorted(CHANGES), action="append",
                        help="only these pages (repeatable)")
    args = parser.parse_args()
    medians = {name: statistics.median(bench_page(name, args.repeat))
               for name in (args.page or CHANGES)}
    over = {name: m for name, m in medians.items() if m > BUDGET_MS}
    print(f"budget: median ≤ {BUDGET_MS:.0f} ms per change; "
          + ("all pages within budget" if not over else f"OVER BUDGET: {sorted(over)}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
