"""Browser benchmark: key press -> every chart redrawn, each lesson page against the floor app.

What a single learner feels (issue 9, item 5). Chromium (Debian's, via Playwright) opens every
lesson page and the bare-Streamlit floor app (scripts/floor_app.py: one slider, one small Plotly
chart, one metric), each in its own tab, served with the same settings (the repo's
.streamlit/config.toml, plus any --server-arg). Then, interleaved -- one press on every page and
on the floor per round, in a rotating order -- it presses a key on the page's control and
measures, inside the page (performance.now()):

    from the keydown to the last of: the script-finished state, the last websocket message,
    the last ``plotly_afterplot`` event of any chart (a chart created anew counts when it appears)
    or ``xent-chart-drawn`` event of a chart drawn as SVG (ui/svg_bars.js)

i.e. until every chart the move changed has been redrawn. Reports per page the median and p90
and the median as a multiple of the floor's median measured in the same run (the target: <= 1.1),
and the server's CPU per press (user + system CPU of the server process over each press, from
/proc, as scripts/loadtest.py reads it) as a multiple of the floor's (issue 9's item 1 target:
<= 1.5, on every page).

Controls (found by role and label, never by Streamlit's ids), on every lesson of the registry
(ui/lessons.py):
  cat-vs-dog             row 3's P(cat) in the spreadsheet (a new value typed, then Enter;
                         timed from Enter)
  five-classes           the fish's logit slider (ArrowRight / ArrowLeft, as every slider)
  pytorch-batch          the label_smoothing slider
  mnist-digits           the logit box of digit 3 (a new value typed, then Enter; timed from
                         Enter)
  why-not-mse            the cat's logit slider
  sigmoid-or-softmax     the dog's score slider
  numbers-that-overflow  the first class's logit slider
  soft-labels            the label-smoothing slider (a row of the stage's rows element)
  floor                  its slider

40 presses a page by default: at 20, a page's median moved by about ±0.15× the floor between
runs on this 2-core machine, as much as what was left to measure.

Usage:  .venv/bin/python scripts/bench_browser.py [--rounds 40] [--pages five-classes,floor]
        [--server-arg=--runner.postScriptGC=true]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "scripts"))
from browser_helpers import (  # noqa: E402
    RUN_TRACKER_JS,
    streamlit_state,
    wait_for_streamlit_idle,
)
from conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from loadtest import Servers, cpu_seconds  # noqa: E402

from ui.lessons import LESSONS  # noqa: E402

VIEWPORT = {"width": 1400, "height": 1000}

# Timestamps inside the page: keydown, script runs finishing, websocket traffic, chart redraws.
TIMING_JS = """
(() => {
  if (window.__xb) return;
  const xb = (window.__xb = { keydown: -1, finished: [], plots: [], sent: [], received: [] });
  document.addEventListener('keydown', () => { xb.keydown = performance.now(); }, true);
  let last = null;
  new MutationObserver(() => {
    const app = document.querySelector('[data-testid="stApp"]');
    const s = app ? app.getAttribute('data-test-script-state') : null;
    if (s !== last && s === 'notRunning') xb.finished.push(performance.now());
    last = s;
  }).observe(document, { subtree: true, attributes: true,
                         attributeFilter: ['data-test-script-state'] });
  // Checked every frame, for charts drawn anew (the floor's st.plotly_chart is); a live
  // collection, so a frame costs a few property reads, not a selector query of the page
  // (querySelectorAll every frame cost a lesson page about 10 ms a press, the floor less).
  const charts = document.getElementsByClassName('js-plotly-plot');
  const hook = () => {
    for (let i = 0; i < charts.length; i++) {
      const gd = charts[i];
      if (!gd.__xbHooked && typeof gd.on === 'function') {
        gd.__xbHooked = true;
        xb.plots.push(performance.now());  // a chart drawn for the first time
        gd.on('plotly_afterplot', () => xb.plots.push(performance.now()));
      }
    }
    requestAnimationFrame(hook);
  };
  requestAnimationFrame(hook);
  // Charts drawn as SVG (ui/svg_bars.js) say so when each drawing is done.
  document.addEventListener('xent-chart-drawn', () => xb.plots.push(performance.now()), true);
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', () => xb.received.push(performance.now()));
    }
    send(data) { xb.sent.push(performance.now()); return super.send(data); }
  };
})();
"""

RESULT_JS = """
() => {
  const xb = window.__xb, t0 = xb.keydown;
  const after = (list) => list.filter((t) => t >= t0);
  const ends = [...after(xb.finished), ...after(xb.received), ...after(xb.plots)];
  return { t0, sent: after(xb.sent).length, redraws: after(xb.plots).length,
           end: ends.length ? Math.max(...ends) : null,
           charts: document.querySelectorAll(
             '[data-testid="xent-chart"], .js-plotly-plot:not([data-testid="xent-chart"] *)'
           ).length };
}
"""


@dataclass
class Target:
    name: str
    url: str = ""
    page: object = None
    presses: int = 0
    server_pid: int = 0
    times_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)  # server CPU over each counted press
    redraws: list[int] = field(default_factory=list)
    charts: int = 0
    last_cpu_ms: float = 0.0


# Each page's slider, by its accessible name.
SLIDERS = {
    "five-classes": re.compile(r"(class 4\b|fish)"),
    "pytorch-batch": re.compile("label.smoothing", re.I),
    "why-not-mse": re.compile(r"^Logit of cat\b"),
    "sigmoid-or-softmax": re.compile(r"^Score of dog\b"),
    "numbers-that-overflow": re.compile(r"^Logit of class 0\b"),
    "soft-labels": re.compile(r"^Label smoothing"),
    "floor": "x",  # its only slider
}


# Each page whose control is a box: its accessible name, and the two values typed in turn.
BOXES = {
    "cat-vs-dog": (re.compile(r"^Row 3, A · P\(cat\)"), ("0.2", "0.9")),
    "mnist-digits": (re.compile(r"digit 3\b"), ("1.250", "1.750")),
}


def press(target: Target) -> None:
    """One key press on the target's control (direction alternates so values stay in range)."""
    page, n = target.page, target.presses
    if target.name in SLIDERS:
        page.get_by_role("slider", name=SLIDERS[target.name]).first.focus()
        page.keyboard.press("ArrowRight" if n % 2 == 0 else "ArrowLeft")
    elif target.name in BOXES:
        name, values = BOXES[target.name]
        box = page.get_by_role("spinbutton", name=name).or_(
            page.get_by_role("textbox", name=name)).first
        box.fill(values[n % 2])
        page.evaluate("() => { window.__xb.keydown = -1; }")
        box.press("Enter")
    else:
        raise ValueError(f"no control known for page {target.name!r}")
    target.presses += 1


def measure_once(target: Target, timeout_ms: float) -> float | None:
    page = target.page
    wait_for_streamlit_idle(page, timeout=timeout_ms, settle_ms=200)
    page.evaluate("() => { const x = window.__xb; x.finished = []; x.plots = []; "
                  "x.sent = []; x.received = []; x.keydown = -1; }")
    before = streamlit_state(page)
    cpu_before = cpu_seconds([target.server_pid])
    press(target)
    wait_for_streamlit_idle(page, timeout=timeout_ms, settle_ms=300, rerun_since=before)
    page.wait_for_timeout(250)  # late chart redraws land after the run's last message
    cpu_used = cpu_seconds([target.server_pid]) - cpu_before
    result = page.evaluate(RESULT_JS)
    target.charts = result["charts"]
    if result["t0"] < 0 or not result["sent"] or result["end"] is None:
        return None
    target.redraws.append(result["redraws"])
    target.last_cpu_ms = 1000 * cpu_used
    return result["end"] - result["t0"]


def open_target(browser, target: Target, base_url: str) -> None:
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.add_init_script(RUN_TRACKER_JS)
    page.add_init_script(TIMING_JS)
    page.goto(base_url)
    wait_for_streamlit_idle(page)
    if target.name != "floor":
        page.goto(f"{base_url}/{target.name}")
        wait_for_streamlit_idle(page)
    page.wait_for_timeout(500)
    target.page = page


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=40, help="presses per page (default 40)")
    parser.add_argument("--warmup", type=int, default=2, help="presses per page not counted")
    parser.add_argument("--pages", default=",".join(lesson.url_path for lesson in LESSONS),
                        help="lesson pages (URL paths), comma-separated (default: every "
                             "lesson of ui/lessons.py)")
    parser.add_argument("--server-arg", action="append", default=[],
                        help="extra `streamlit run` option for both servers (repeatable)")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per press")
    args = parser.parse_args(argv)
    if not 1 <= args.rounds <= 200:
        parser.error("--rounds must be 1 to 200")

    from playwright.sync_api import sync_playwright

    servers = Servers(args.server_arg)
    try:
        app_url, (app_pid,) = servers.streamlit("app.py")
        floor_url, (floor_pid,) = servers.streamlit("scripts/floor_app.py")
        targets = [Target("floor", floor_url, server_pid=floor_pid)]
        targets += [Target(name.strip(), app_url, server_pid=app_pid)
                    for name in args.pages.split(",") if name]
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                         args=CHROMIUM_ARGS)
            try:
                for target in targets:
                    open_target(browser, target, target.url)
                started = time.monotonic()
                for round_ in range(args.warmup + args.rounds):
                    shift = round_ % len(targets)
                    for target in targets[shift:] + targets[:shift]:  # interleaved, rotating
                        ms = measure_once(target, args.timeout * 1000)
                        if round_ >= args.warmup and ms is not None:
                            target.times_ms.append(ms)
                            target.cpu_ms.append(target.last_cpu_ms)
                seconds = time.monotonic() - started
            finally:
                browser.close()
    finally:
        servers.stop()

    settings = " ".join(args.server_arg) or "the repo's .streamlit/config.toml"
    print(f"# Key press -> every chart redrawn, Chromium headless, {args.rounds} presses per "
          f"page, interleaved ({seconds:.0f} s); settings: {settings}\n")
    print("| page | charts | redraws per press | median | p90 | median × floor "
          "| server CPU per press | × floor |")
    print("|---|---|---|---|---|---|---|---|")
    floor = statistics.median(targets[0].times_ms) if targets[0].times_ms else float("nan")
    floor_cpu = statistics.mean(targets[0].cpu_ms) if targets[0].cpu_ms else float("nan")
    for t in targets:
        if not t.times_ms:
            print(f"| {t.name} | {t.charts} | – | – | – | – (no rerun seen) | – | – |")
            continue
        ordered = sorted(t.times_ms)
        median = statistics.median(ordered)
        p90 = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
        redraws = statistics.median(t.redraws) if t.redraws else 0
        cpu = statistics.mean(t.cpu_ms)
        print(f"| {t.name} | {t.charts} | {redraws:g} | {median:.0f} ms | {p90:.0f} ms | "
              f"{median / floor:.2f}× | {cpu:.0f} ms | {cpu / floor_cpu:.2f}× |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
