"""Benchmark: server-side script time of each page for one slider / number change.

For every page, the app is opened through ``app.py`` with Streamlit's AppTest, then one
control is changed back and forth; each change re-runs the script, and the time that run of
``app.py`` (with the page inside it) takes is measured where Streamlit's script runner
executes it. The budget is a median of at most 50 ms on a 2-core machine. Beside it: the CPU
time of the script runner's thread in those runs (what the run costs the server; unlike the
wall-clock time it does not grow when other processes share the cores), and AppTest's own
round trip (its polling and element-tree parsing), for reference.

Usage (from the repository root)::

    python scripts/bench_pages.py            # every page, 30 changes each
    python scripts/bench_pages.py --repeat 60 --page five-classes   (a url_path of ui/lessons.py)

AppTest runs the script in-process, so this measures our script (widgets, xent_core, figure
building and serialisation) plus AppTest's own bookkeeping: the browser's drawing time is not
included (the browser test checks that a slider move redraws).

Two things AppTest does on every run that a live server does only once are made to happen
once here too, so the figure is the server's: compiling the scripts (the server keeps their
bytecode in one ``ScriptCache``; AppTest makes a new one per run), and consulting the legacy
``pages/`` folder convention (the server stops once ``st.navigation`` has run; AppTest resets
that flag before every run).
"""

from __future__ import annotations

import argparse
import builtins
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import streamlit.runtime.scriptrunner.script_runner as script_runner  # noqa: E402
from apptest_helpers import edit_row  # noqa: E402
from streamlit.runtime.pages_manager import PagesManager  # noqa: E402
from streamlit.runtime.scriptrunner.script_cache import ScriptCache  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from ui.lessons import PAGES  # noqa: E402

BUDGET_MS = 50.0

# url_path -> (widget kind, widget key, two values to alternate between); every page of the
# registry (ui/lessons.py) is measured, and a page without an entry here changes its first
# slider, number box or radio. Kind "rows": a row of a class-rows element (ui/class_rows.py),
# keyed as given, changed as ROW_MOVED says.
CHANGES = {
    "start": ("radio", "shell.base", ("10", "e")),
    "cat-vs-dog": ("radio", "shell.base", ("10", "e")),
    "five-classes": ("rows", "five._rows", (2.5, 2.39)),
    "pytorch-batch": ("slider", "pytorch.ls", (0.1, 0.0)),
    "mnist-digits": ("rows", "mnist._logits", ("5.5", "6")),
    "why-not-mse": ("rows", "mse._rows", (-3.9, -4.0)),
    "sigmoid-or-softmax": ("rows", "sigsoft._rows", (1.4, 1.5)),
    "numbers-that-overflow": ("rows", "overflow._rows", (12.5, 12.0)),
    "soft-labels": ("rows", "soft._rows", (0.2, 0.1)),
}
FILES = {page.url_path: page.file for page in PAGES}
# a class-rows element's row that changes, and what changes in it: its slider or its box
ROW_MOVED = {"five._rows": (3, "slider"), "mse._rows": (0, "slider"),
             "sigsoft._rows": (1, "slider"), "mnist._logits": (8, "box"),
             "overflow._rows": (0, "slider"), "soft._rows": (0, "slider")}


SCRIPT_TIMES: list[float] = []  # seconds per run of app.py, as the script runner executed it
SCRIPT_CPU: list[float] = []  # CPU seconds of the script runner's thread for the same runs


def time_script_runs() -> None:
    """Time each ``exec`` of app.py by Streamlit's script runner (the page runs inside it)."""

    def timed_exec(code, namespace, *args):
        start, cpu_start = time.perf_counter(), time.thread_time()
        try:
            return builtins.exec(code, namespace, *args)
        finally:
            SCRIPT_TIMES.append(time.perf_counter() - start)
            SCRIPT_CPU.append(time.thread_time() - cpu_start)

    script_runner.exec = timed_exec  # the runner looks `exec` up in its module first


def behave_like_a_running_server() -> None:
    """Compile each script once and skip the legacy pages/ lookup, as a live server does."""
    shared_bytecode: dict = {}
    original_cache_init = ScriptCache.__init__

    def shared_cache_init(self) -> None:
        original_cache_init(self)
        self._cache = shared_bytecode

    original_pages_init = PagesManager.__init__

    def pages_init(self, *args, **kwargs) -> None:
        original_pages_init(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False  # as after app.py's first st.navigation

    ScriptCache.__init__ = shared_cache_init
    PagesManager.__init__ = pages_init


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


def measure(name: str, kind: str, key: str, at: AppTest, change: Callable[[int], None],
            repeat: int) -> list[float]:
    """Time ``change(i)`` (the i-th change and the run it causes) ``repeat`` times, after
    three runs that warm caches and imports; print the medians, return the script times."""
    script_ms, cpu_ms, round_trip_ms = [], [], []
    for i in range(repeat + 3):
        SCRIPT_TIMES.clear()
        SCRIPT_CPU.clear()
        start = time.perf_counter()
        change(i)
        elapsed = (time.perf_counter() - start) * 1000
        if at.exception:
            raise SystemExit(f"{name}: exception {at.exception[0].value}")
        if i >= 3:
            script_ms.append(sum(SCRIPT_TIMES) * 1000)
            cpu_ms.append(sum(SCRIPT_CPU) * 1000)
            round_trip_ms.append(elapsed)
    report(name, kind, key, script_ms, cpu_ms, round_trip_ms)
    return script_ms


def bench_page(name: str, repeat: int) -> list[float]:
    path = FILES[name]
    kind, key, values = CHANGES.get(name, ("slider", None, None))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page(path).run()
    if kind == "rows":  # a row of a class-rows element
        row, source = ROW_MOVED[key]
        return measure(name, kind, key, at, repeat=repeat, change=lambda i: edit_row(
            at, key, row, source, values[i % 2]))
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

    def change(i: int) -> None:
        _find_widget(at, kind, key).set_value(values[i % 2])
        at.run()

    return measure(name, kind, key, at, change, repeat)


def report(name: str, kind: str, key: str, script_ms: list[float], cpu_ms: list[float],
           round_trip_ms: list[float]) -> None:
    print(f"{name:14s} {kind:>12s} {key!s:18s} script median {statistics.median(script_ms):5.1f} ms"
          f" (min {min(script_ms):5.1f}, max {max(script_ms):6.1f}); its CPU time median "
          f"{statistics.median(cpu_ms):5.1f} ms; AppTest round trip "
          f"{statistics.median(round_trip_ms):5.1f} ms (n={len(script_ms)})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30, help="changes measured per page")
    parser.add_argument("--page", choices=sorted(FILES), action="append",
                        help="only these pages (repeatable)")
    args = parser.parse_args()
    behave_like_a_running_server()
    time_script_runs()
    medians = {name: statistics.median(bench_page(name, args.repeat))
               for name in (args.page or FILES)}
    over = {name: m for name, m in medians.items() if m > BUDGET_MS}
    print(f"budget: median ≤ {BUDGET_MS:.0f} ms per change; "
          + ("all pages within budget" if not over else f"OVER BUDGET: {sorted(over)}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
