"""Load test: a class of simulated students moving controls on the heaviest lesson pages.

Each student is a protocol client of the running server (scripts/streamlit_client.py): it loads
the page, opens Streamlit's websocket and sends the same rerun requests a browser sends (every
widget's state, the page hash, the query string, the fragment id). Every 0.5-2 s (at random)
it moves its control to a value of its own, waits for the script run to finish and checks that
the page it got back shows that value. Reported per page and class size N:

* moves and moves per second served;
* latency, rerun request sent -> script finished: median, p90, max, and p90 as a multiple of
  one student's p90 (the issue's target: <= 2x for 40 students on `make classroom`);
* errors (a failed run, an exception on the page, a page that does not show the student's own
  value, a dropped connection) and timeouts;
* server CPU per move: user+system CPU of the server processes (read from /proc/<pid>/stat
  before and after the moving phase) divided by the moves served, and the same for the proxy.

Pages: ``five`` (Five classes, the fish's logit slider), ``mnist`` (MNIST digits, the logit of
digit 3), and ``floor`` (scripts/floor_app.py, the bare-Streamlit yardstick, always a single
process). Controls are found on the page by label (and a fallback), never by hard-coded ids.

Usage (``make loadtest`` runs ``--target both``: a single process and `make classroom`, measured
back to back at each class size so that both see the same load on a shared machine):

    .venv/bin/python scripts/loadtest.py                      # one process, started here
    .venv/bin/python scripts/loadtest.py --target classroom   # scripts/classroom.sh, started here
    .venv/bin/python scripts/loadtest.py --target both        # both, back to back per step
    .venv/bin/python scripts/loadtest.py --url http://127.0.0.1:8501 --pids 1234 1235
    .venv/bin/python scripts/loadtest.py --students 1,10 --pages five,floor --duration 10 \\
        --server-arg=--runner.postScriptGC=false              # try a Streamlit setting

Loopback only; bounded in students (<= 100), duration (<= 120 s per step) and time per move.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import math
import os
import random
import re
import resource
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from streamlit_client import RunResult, StreamlitSession, Widget, run_sync

from ui.edits import edit_state

REPO_ROOT = Path(__file__).resolve().parent.parent
MAX_STUDENTS = 100
MAX_DURATION_S = 120
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# ------------------------------------------------------------------------- scenarios


@dataclass(frozen=True)
class Scenario:
    """A page, the control a student moves on it, and the values a student moves it to."""

    name: str
    title: str
    page: str  # URL path
    find: Callable[[StreamlitSession], Widget | None]
    floor: bool = False  # served by the floor app, not the lesson app
    in_text: bool = False  # the page may show the value as text (the floor's metric label)
    row_label: str = ""  # a class-rows element: the row a move goes to (its box's label)
    row_source: str = "slider"  # ... and what moves in it: its "slider", or its "box"

    def value(self, student: int, move: int) -> float:
        """Student ``student``'s ``move``-th value: within ±8.4, never another student's
        (students 0..41 get disjoint ranges), on the sliders' 0.01 grid."""
        base = 0.2 * (student % 42 + 1) + 0.01 * (move % 20)
        return round(base if move % 2 == 0 else -base, 2)

    def to_widget(self, widget: Widget, value: float):
        """The value as the control holds it: a slider a list, a text box the typed text;
        a row of a class-rows element (ui/class_rows.py) the edit its slider sends."""
        if widget.kind == "slider":
            return [value]
        if widget.kind == "text_input":
            return f"{value:g}"
        if widget.kind == "bidi_component":
            return rows_edit(widget, self.row_label, self.row_source, f"{value:g}")
        return value


def rows_edit(widget: Widget, row_label: str, source: str, text: str) -> dict:
    """The state a class-rows element (ui/class_rows.py) sends when the learner moves the
    slider or commits ``text`` in the box (``source``) of the row whose box's label contains
    ``row_label``: every edit it sent so far, this one numbered above every edit the server
    has applied."""
    data = json.loads(widget.proto.json)
    row = next(i for i, r in enumerate(data["rows"])
               if re.search(rf"{re.escape(row_label)}\b", r["box_label"]))
    return edit_state(widget.value, row, source, text, data["applied"])


def _find_class_rows(session: StreamlitSession) -> Widget | None:
    """Five classes' rows of classes, MNIST's ten logit boxes: one class-rows element."""
    for widget in session.widgets.values():
        if widget.kind == "bidi_component" and widget.label.endswith("class_rows"):
            return widget
    return None


def _find_floor_slider(session: StreamlitSession) -> Widget | None:
    return session.find_widget("slider", label="x")


SCENARIOS = {
    "five": Scenario("five", "Five classes: move the fish's logit slider", "five-classes",
                     _find_class_rows, row_label="Logit of class 4"),
    "mnist": Scenario("mnist", "MNIST: edit the logit of digit 3", "mnist-digits",
                      _find_class_rows, row_label="digit 3", row_source="box"),
    "floor": Scenario("floor", "Floor app (bare Streamlit): move its slider", "",
                      _find_floor_slider, floor=True, in_text=True),
}


# --------------------------------------------------------------------------- checking


def _numbers(widget_proto, kind: str) -> list[float]:
    if kind == "slider":
        return list(widget_proto.value)
    if kind == "number_input":
        return [widget_proto.value]
    if kind == "text_input":  # a text box used for numbers
        try:
            return [float(widget_proto.value)]
        except ValueError:
            return []
    return []


def _texts(element) -> list[str]:
    kind = element.WhichOneof("type")
    if kind == "metric":
        return [element.metric.label, element.metric.body]
    if kind == "markdown":
        return [element.markdown.body]
    return []


def check_own_value(
    result: RunResult, moved: Widget, value: float, in_text: bool = False
) -> str | None:
    """Why the page returned for a move to ``value`` is wrong (None if it is right).

    Right means: the run finished without an exception, and the page shows the value -- the
    moved control or its twin (a slider's number box) comes back holding it, or the page's
    link carries it (the query string Streamlit sends after a full run, or the address a
    move's moves element sets, ui/live.py) (``in_text``: or a metric or text shows it with
    two decimals). A control that comes back holding a different value is wrong (another
    student's value, or a lost move).
    """
    if result.status is None:
        return "timeout"
    if not result.ok:
        return "run failed: " + ("; ".join(result.exceptions) or f"status {result.status}")
    shown = False
    pattern = re.compile(rf"(?<![\d.]){re.escape(f'{value:.2f}')}(?!\d)")
    links = [result.query_string] if result.query_string else []
    for element in result.elements:
        if in_text and any(pattern.search(text) for text in _texts(element)):
            shown = True
        kind = element.WhichOneof("type")
        if kind == "bidi_component" and element.bidi_component.component_name == "xent.moves":
            address = json.loads(element.bidi_component.json).get("address")
            if address:
                links.append(address)
            continue
        if kind == "bidi_component" and element.bidi_component.id == moved.id:
            rows = json.loads(element.bidi_component.json).get("rows", [])
            if any(abs(row["slider"] - value) < 1e-9 or row["text"] == f"{value:.10g}"
                   for row in rows):
                shown = True
            continue
        if kind not in ("slider", "number_input", "text_input"):
            continue
        proto = getattr(element, kind)
        if not proto.set_value:
            continue
        numbers = _numbers(proto, kind)
        if any(abs(n - value) < 1e-9 for n in numbers):
            shown = True
        elif proto.id == moved.id:
            return f"the moved control came back holding {numbers}, not {value}"
    for link in links:
        fields = urllib.parse.parse_qs(link)
        for raw in fields.values():
            for text in raw:
                for part in text.split(","):
                    try:
                        if abs(float(part) - value) < 1e-9:
                            shown = True
                    except ValueError:
                        pass
    return None if shown else f"the page does not show the student's value {value}"


# ----------------------------------------------------------------------------- running


@dataclass
class StepResult:
    """One page at one class size."""

    scenario: str
    students: int
    latencies: list[float] = field(default_factory=list)  # seconds, successful moves only
    errors: list[str] = field(default_factory=list)
    timeouts: int = 0
    auto_reruns: int = 0  # run_every fragment reruns the students' clients sent meanwhile
    seconds: float = 0.0
    server_cpu_s: float = float("nan")
    proxy_cpu_s: float = float("nan")
    client_cpu_s: float = float("nan")

    @property
    def moves(self) -> int:
        return len(self.latencies) + len(self.errors) + self.timeouts

    def quantile(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1)]


def cpu_seconds(pids: list[int]) -> float:
    """user + system CPU seconds of ``pids`` (from /proc/<pid>/stat, fields 14 and 15)."""
    total = 0
    for pid in pids:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / CLOCK_TICKS


def _client_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def _student(
    scenario: Scenario, base_url: str, index: int, start_at: float, stop_at: float,
    interval: tuple[float, float], timeout: float, step: StepResult, rng: random.Random,
) -> None:  # fmt: skip
    session = StreamlitSession(base_url, scenario.page, timeout=timeout)
    try:
        opened = await session.open()
        widget = scenario.find(session)
        if not opened.ok or widget is None:
            step.errors.append(f"student {index}: page did not open with its control "
                               f"({opened.exceptions or opened.status})")
            return
        await asyncio.sleep(max(0.0, start_at - time.monotonic()) + rng.uniform(0, interval[0]))
        move = 0
        while time.monotonic() < stop_at:
            sent = time.monotonic()
            value = scenario.value(index, move)
            widget = scenario.find(session) or widget
            result = await session.set_widget(widget, scenario.to_widget(widget, value))
            problem = check_own_value(result, widget, value, scenario.in_text)
            if problem == "timeout":
                step.timeouts += 1
            elif problem:
                step.errors.append(f"student {index}, move {move}: {problem}")
            else:
                step.latencies.append(result.latency_s)
            if session.closed_reason:
                step.errors.append(f"student {index}: {session.closed_reason}")
                return
            move += 1
            wait = sent + rng.uniform(*interval) - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
    except Exception as exc:  # a student that crashes is an error, not a crash of the test
        step.errors.append(f"student {index}: {type(exc).__name__}: {exc}")
    finally:
        step.auto_reruns += session.auto_reruns
        await session.close()


async def run_step(
    scenario: Scenario, base_url: str, students: int, duration: float,
    interval: tuple[float, float], timeout: float, server_pids: list[int],
    proxy_pids: list[int], seed: int,
) -> StepResult:  # fmt: skip
    """N students on one page: connect them all, then let them move for ``duration`` s."""
    step = StepResult(scenario.name, students)
    rng = random.Random(seed)
    connect_time = 2.0 + 0.15 * students  # students open the page over this time
    start_at = time.monotonic() + connect_time
    stop_at = start_at + duration
    tasks = []
    for i in range(students):
        tasks.append(asyncio.create_task(_student(
            scenario, base_url, i, start_at, stop_at, interval, timeout, step,
            random.Random(rng.random()))))
        await asyncio.sleep(connect_time * 0.6 / students)
    await asyncio.sleep(max(0.0, start_at - time.monotonic()))
    cpu0 = cpu_seconds(server_pids) if server_pids else float("nan")
    proxy0 = cpu_seconds(proxy_pids) if proxy_pids else float("nan")
    client0, t0 = _client_cpu(), time.monotonic()
    await asyncio.gather(*tasks)
    step.seconds = time.monotonic() - t0
    step.client_cpu_s = _client_cpu() - client0
    if server_pids:
        step.server_cpu_s = cpu_seconds(server_pids) - cpu0
    if proxy_pids:
        step.proxy_cpu_s = cpu_seconds(proxy_pids) - proxy0
    return step


# ------------------------------------------------------------------- servers we start


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server for {url} exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.read().strip() == b"ok":
                    return
        except OSError:
            pass
        time.sleep(0.25)
    raise SystemExit(f"server {url} not healthy after {seconds:.0f} s")


class Servers:
    """The servers this run starts (and stops): the app (single or classroom) and the floor."""

    def __init__(self, server_args: list[str]) -> None:
        self.server_args = server_args
        self.procs: list[subprocess.Popen] = []
        self.logs: list[Path] = []

    def _popen(self, cmd: list[str], env: dict[str, str] | None = None) -> subprocess.Popen:
        log_fd, log_name = tempfile.mkstemp(prefix="xent-loadtest-", suffix=".log")
        self.logs.append(Path(log_name))
        proc = subprocess.Popen(cmd, cwd=REPO_ROOT, stdout=log_fd, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, env={**os.environ, **(env or {})})
        os.close(log_fd)
        self.procs.append(proc)
        return proc

    def streamlit(self, script: str) -> tuple[str, list[int]]:
        port = _free_port()
        cmd = [sys.executable, "-m", "streamlit", "run", script,
               "--server.port", str(port), "--server.address", "127.0.0.1",
               "--server.headless", "true", "--server.fileWatcherType", "none",
               "--browser.gatherUsageStats", "false", *self.server_args]  # fmt: skip
        proc = self._popen(cmd)
        url = f"http://127.0.0.1:{port}"
        _wait_healthy(url, proc)
        return url, [proc.pid]

    def classroom(self, processes: int) -> tuple[str, list[int], list[int]]:
        port = _free_port()
        pidfile = Path(tempfile.mkstemp(prefix="xent-classroom-", suffix=".pids")[1])
        env = {"XENT_PORT": str(port), "XENT_LISTEN_ADDRESS": "127.0.0.1",
               "XENT_PROCESSES": str(processes), "XENT_PIDFILE": str(pidfile),
               "XENT_BACKEND_PORT": str(_free_port())}  # fmt: skip
        # Backend ports: XENT_BACKEND_PORT and the next ones; free at the time of asking.
        proc = self._popen(["bash", "scripts/classroom.sh", *self.server_args], env)
        url = f"http://127.0.0.1:{port}"
        _wait_healthy(url, proc)
        roles = dict(line.split() for line in pidfile.read_text().splitlines() if line.strip())
        pidfile.unlink(missing_ok=True)
        apps = [int(pid) for role, pid in roles.items() if role.startswith("streamlit")]
        proxy = [int(pid) for role, pid in roles.items() if role == "haproxy"]
        return url, apps, proxy

    def stop(self) -> None:
        for proc in reversed(self.procs):
            if proc.poll() is None:
                proc.terminate()
        for proc in reversed(self.procs):
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
        for log in self.logs:
            log.unlink(missing_ok=True)


def _check_loopback(url: str) -> None:
    host = urllib.parse.urlparse(url).hostname or ""
    try:
        ok = ipaddress.ip_address(socket.gethostbyname(host)).is_loopback
    except (OSError, ValueError):
        ok = False
    if not ok:
        raise SystemExit(f"refusing {url}: the load test only talks to loopback addresses")


async def _warm_up(base_url: str, pages: list[str]) -> None:
    """Open the default page, then each page once (a fresh server's first visits load data)."""
    for page in ["", *pages]:
        session = StreamlitSession(base_url, page, timeout=120)
        try:
            await session.open()
        finally:
            await session.close()


# ---------------------------------------------------------------------------- report


def _ms(seconds: float) -> str:
    return "–" if math.isnan(seconds) else f"{seconds * 1000:,.0f}"


def print_table(target: str, steps: list[StepResult], floor_cpu: dict[int, float]) -> None:
    """Markdown table; "× floor" compares CPU per move with the floor app's at the same N."""
    header = ("| page | students | moves | moves/s | median | p90 | max | p90 × 1 student "
              "| errors | timeouts | server CPU/move | × floor | proxy CPU/move |")
    print(f"\n### {target}\n")
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    one: dict[str, float] = {}
    for s in steps:
        p90 = s.quantile(0.9)
        if s.students == 1:
            one[s.scenario] = p90
        served = len(s.latencies) + len(s.errors)
        cpu = s.server_cpu_s / served if served else float("nan")
        proxy = s.proxy_cpu_s / served if served else float("nan")
        ratio = p90 / one[s.scenario] if one.get(s.scenario) else float("nan")
        floor = floor_cpu.get(s.students)
        vs_floor = cpu / floor if floor and not math.isnan(cpu) else float("nan")
        worst = max(s.latencies, default=math.nan)
        print(f"| {s.scenario} | {s.students} | {s.moves} | {served / s.seconds:.1f} "
              f"| {_ms(s.quantile(0.5))} ms | {_ms(p90)} ms | {_ms(worst)} ms "
              f"| {'–' if math.isnan(ratio) else f'{ratio:.1f}×'} | {len(s.errors)} | {s.timeouts} "
              f"| {_ms(cpu)} ms | {'–' if math.isnan(vs_floor) else f'{vs_floor:.2f}×'} "
              f"| {_ms(proxy)} ms |")  # fmt: skip
    for s in steps:
        for error in s.errors[:3]:
            print(f"  error ({s.scenario}, N={s.students}): {error}")


def _cpu_per_move(step: StepResult) -> float:
    served = len(step.latencies) + len(step.errors)
    return step.server_cpu_s / served if served else float("nan")


@dataclass
class Target:
    """A running setup under test: its URL and the PIDs whose CPU counts."""

    label: str
    url: str
    app_pids: list[int]
    proxy_pids: list[int] = field(default_factory=list)


async def main_async(args: argparse.Namespace) -> int:
    scenarios = [SCENARIOS[name] for name in args.pages]
    servers = Servers(args.server_arg)
    failed = False
    try:
        floor = None
        if any(s.floor for s in scenarios):
            floor = Target("floor app, single process", *servers.streamlit("scripts/floor_app.py"))
        targets: list[Target] = []
        if args.url:
            _check_loopback(args.url)
            targets.append(Target(f"server at {args.url}", args.url, args.pids))
        if not args.url and args.target in ("single", "both"):
            targets.append(Target("single Streamlit process", *servers.streamlit("app.py")))
        if not args.url and args.target in ("classroom", "both"):
            url, apps, proxy = servers.classroom(args.processes)
            targets.append(Target(f"make classroom: {len(apps)} Streamlit processes behind "
                                  "HAProxy", url, apps, proxy))
        lesson_pages = [s.page for s in scenarios if not s.floor]
        for target in targets:
            if lesson_pages:
                await _warm_up(target.url, lesson_pages)
        if floor:
            await _warm_up(floor.url, [])
        cores = os.cpu_count()
        extra = " ".join(args.server_arg) or "the repo's .streamlit/config.toml"
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"# Load test: {'; '.join(t.label for t in targets)}; {cores} cores; "
              f"settings: {extra}")
        print(f"# machine load average before: {load} (other work on the machine slows the "
              "server: compare CPU per move, and setups measured back to back)")
        print(f"# each student moves every {args.interval[0]}-{args.interval[1]} s for "
              f"{args.duration:.0f} s; timeout {args.timeout:.0f} s per move")
        steps: dict[str, list[StepResult]] = {t.label: [] for t in targets}
        floor_cpu: dict[int, float] = {}
        for scenario in scenarios:
            print(f"\n## {scenario.title}", flush=True)
            for n in args.students:
                # One student makes few moves: it gets longer, for a steadier p90 to compare with.
                duration = args.duration
                if n == 1:
                    duration = max(duration, args.one_student_duration)
                # Every setup at this class size back to back: they share the machine's load.
                for target in [floor] if scenario.floor else targets:
                    step = await run_step(scenario, target.url, n, duration,
                                          tuple(args.interval), args.timeout, target.app_pids,
                                          target.proxy_pids, args.seed + n)
                    served = len(step.latencies) + len(step.errors)
                    print(f"  N={n:3d} [{target.label}]: {step.moves} moves, "
                          f"p50 {_ms(step.quantile(0.5))} ms, p90 {_ms(step.quantile(0.9))} ms, "
                          f"{len(step.errors)} errors, {step.timeouts} timeouts, "
                          f"server CPU/move {_ms(_cpu_per_move(step))} ms, load-test CPU "
                          f"{step.client_cpu_s / max(served, 1) * 1000:.0f} ms/move, "
                          f"load average {os.getloadavg()[0]:.1f}"
                          + (f", {step.auto_reruns} auto reruns (run_every fragments; their "
                             "CPU is in CPU/move)" if step.auto_reruns else ""),
                          flush=True)  # fmt: skip
                    failed = failed or bool(step.errors) or step.timeouts > 0
                    if scenario.floor:
                        floor_cpu[n] = _cpu_per_move(step)
                        for label in steps:
                            steps[label].append(step)
                    else:
                        steps[target.label].append(step)
        for target in targets:
            rows = steps[target.label]
            print_table(target.label, [s for s in rows if s.scenario != "floor"]
                        + [s for s in rows if s.scenario == "floor"], floor_cpu)
    finally:
        servers.stop()
    return 1 if failed else 0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--target", choices=("single", "classroom", "both"), default="single",
                        help="start the app as one process, as `make classroom`, or both and "
                             "measure them back to back at each class size (default single)")
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 2,
                        help="Streamlit processes for --target classroom (default: cores)")
    parser.add_argument("--url", help="test an already running server instead (loopback only)")
    parser.add_argument("--pids", type=int, nargs="*", default=[],
                        help="with --url: the server processes' PIDs, for CPU per move")
    parser.add_argument("--students", default="1,10,20,40",
                        help="class sizes, comma-separated (default 1,10,20,40)")
    parser.add_argument("--pages", default="five,mnist,floor",
                        help=f"comma-separated, of {', '.join(SCENARIOS)} (default all)")
    parser.add_argument("--duration", type=float, default=15.0,
                        help="seconds of moving per page and class size (default 15)")
    parser.add_argument("--one-student-duration", type=float, default=40.0,
                        help="seconds of moving for N=1, the baseline of 'p90 × 1 student' "
                             "(default 40, about 30 moves)")
    parser.add_argument("--interval", type=float, nargs=2, default=(0.5, 2.0),
                        metavar=("MIN", "MAX"), help="seconds between a student's moves")
    parser.add_argument("--timeout", type=float, default=20.0,
                        help="seconds a move may take before it counts as a timeout")
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--server-arg", action="append", default=[],
                        help="extra `streamlit run` option for the servers started here, e.g. "
                             "--server-arg=--runner.postScriptGC=false (repeatable)")
    args = parser.parse_args(argv)
    args.students = [int(n) for n in args.students.split(",") if n.strip()]
    args.pages = [p.strip() for p in args.pages.split(",") if p.strip()]
    unknown = set(args.pages) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown page(s) {sorted(unknown)}; choose from {sorted(SCENARIOS)}")
    if not args.students or not all(1 <= n <= MAX_STUDENTS for n in args.students):
        parser.error(f"--students must be 1 to {MAX_STUDENTS}")
    if not 1 <= args.duration <= MAX_DURATION_S:
        parser.error(f"--duration must be 1 to {MAX_DURATION_S} s")
    if not 0 <= args.one_student_duration <= MAX_DURATION_S:
        parser.error(f"--one-student-duration must be 0 to {MAX_DURATION_S} s")
    if not 0.05 <= args.interval[0] <= args.interval[1] <= 60:
        parser.error("--interval MIN MAX: 0.05 <= MIN <= MAX <= 60")
    if not 1 <= args.timeout <= 120:
        parser.error("--timeout must be 1 to 120 s")
    return args


def main(argv: list[str] | None = None) -> int:
    return run_sync(main_async(parse_args(argv)))


if __name__ == "__main__":
    raise SystemExit(main())
