"""Shared pytest fixtures for browser tests (kept free of app-specific logic).

Fixtures
--------
streamlit_server (session) -> str
    Base URL (``http://127.0.0.1:<port>``) of a headless ``streamlit run`` of the app, warmed
    up as ``make run`` does (see ``run_server``, which tests also use for servers of their
    own: on another loopback address, or fresh for a first request).
    The app file is ``app.py`` in the repo root unless ``XENT_APP_PATH`` says otherwise
    (relative paths are taken from the repo root).
postgres_url (session) -> str
    SQLAlchemy URL of a throwaway PostgreSQL server (``tests/postgres_server.py``), stopped
    at the end. Skipped loudly when it cannot start -- a failure under CI=true.
browser (session) -> playwright.sync_api.Browser
    Headless Debian Chromium (``XENT_CHROMIUM``, default /usr/bin/chromium).
page (function) -> playwright.sync_api.Page
    Fresh 1400x1000 context with the run tracker installed (see browser_helpers.expect_rerun).
    On failure a full-page screenshot is saved to tests/artifacts/<test name>.png.

Tests that use these must be marked ``@pytest.mark.browser``. Without Chromium (or with
XENT_SKIP_BROWSER=1) they are skipped -- except under CI=true, where a missing Chromium is an
error, never a skip.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import postgres_server
import pytest
from browser_helpers import install_run_tracker

REPO_ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS_DIR = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = os.environ.get("XENT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_TIMEOUT_S = 60
VIEWPORT = {"width": 1400, "height": 1000}

# Class sessions written by tests (AppTest runs and the test server) go to a throwaway
# SQLite file, never to the repository's data/ folder.
os.environ.setdefault("XENT_DATA_DIR", tempfile.mkdtemp(prefix="xent-classroom-"))


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def _browser_unavailable_reason() -> str | None:
    if not os.access(CHROMIUM, os.X_OK):
        return f"headless Chromium not found at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -r requirements-dev.txt)"
    return None


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("browser") is None:
        return
    reason = _browser_unavailable_reason()
    if _in_ci():
        # In CI browser tests must run: a missing browser is a failure, and
        # XENT_SKIP_BROWSER is ignored.
        if reason:
            pytest.fail(f"CI=true but browser tests cannot run: {reason}", pytrace=False)
        return
    if os.environ.get("XENT_SKIP_BROWSER") == "1":
        pytest.skip("browser tests disabled (XENT_SKIP_BROWSER=1)")
    if reason:
        pytest.skip(f"browser tests skipped: {reason}")


_REPORTS_KEY = pytest.StashKey[dict[str, pytest.TestReport]]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    item.stash.setdefault(_REPORTS_KEY, {})[report.when] = report
    return report


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tail(path: Path, lines: int = 40) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "<no server log>"
    return "\n".join(text.splitlines()[-lines:])


def _health_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            return resp.status == 200 and resp.read().strip() == b"ok"
    except (urllib.error.URLError, OSError):
        return False


def _warm_up_children_done(pid: int) -> bool:
    """Has the start-up warm-up that scripts/run.sh leaves behind the server finished?"""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return True
    for child in children:
        try:
            if b"warm_up.py" in Path(f"/proc/{child}/cmdline").read_bytes():
                return False
        except OSError:
            continue
    return True


SERVER_PIDS: dict[str, int] = {}  # base URL -> process id, for the servers run_server runs


@contextlib.contextmanager
def run_server(address: str = "127.0.0.1", *, via_make_run: bool = False,
               warm_up: bool = True, watch_files: bool = False) -> Iterator[str]:
    """A headless Streamlit server of the app on a free port of ``address`` (loopback only).

    ``via_make_run`` starts it as ``make run`` does (scripts/run.sh, whose start-up warm-up
    switches Streamlit's legacy pages/ mode off; see ui/lessons.py) and waits for that
    warm-up; otherwise ``streamlit run`` is started directly and, with ``warm_up``, warmed up
    the same way. Yields the base URL, ``http://<address>:<port>``; :data:`SERVER_PIDS` maps
    it to the server's process id while it runs. The server watches no files unless
    ``watch_files`` (then it watches them as the repo's ``.streamlit/config.toml`` says).
    """
    if not address.startswith("127."):
        raise ValueError("test servers listen on loopback addresses only")
    app = Path(os.environ.get("XENT_APP_PATH", "app.py"))
    if not app.is_absolute():
        app = REPO_ROOT / app
    if not app.is_file():
        pytest.fail(f"Streamlit app not found: {app}", pytrace=False)
    port = _free_port()
    base_url = f"http://{address}:{port}"
    options = [
        "--server.headless", "true",
        "--server.port", str(port),
        "--server.address", address,
        "--browser.gatherUsageStats", "false",
        *([] if watch_files else ["--server.fileWatcherType", "none"]),
    ]  # fmt: skip
    if via_make_run:
        cmd = ["bash", str(REPO_ROOT / "scripts" / "run.sh"), *options]
    else:
        cmd = [sys.executable, "-m", "streamlit", "run", str(app), *options]
    log_fd, log_name = tempfile.mkstemp(prefix="streamlit-server-", suffix=".log")
    log_path = Path(log_name)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with os.fdopen(log_fd, "wb") as log:
        proc = subprocess.Popen(
            cmd, cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            env=env,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while not _health_ok(f"{base_url}/_stcore/health") or (
                via_make_run and not _warm_up_children_done(proc.pid)):
            if proc.poll() is not None:
                pytest.fail(
                    f"streamlit server exited with code {proc.returncode} before becoming "
                    f"healthy.\ncommand: {' '.join(cmd)}\n--- server output (tail) ---\n"
                    f"{_tail(log_path)}",
                    pytrace=False,
                )
            if time.monotonic() > deadline:
                pytest.fail(
                    f"streamlit server not healthy after {SERVER_START_TIMEOUT_S} s at "
                    f"{base_url}.\n--- server output (tail) ---\n{_tail(log_path)}",
                    pytrace=False,
                )
            time.sleep(0.25)
        if warm_up and not via_make_run:
            warm_up_server(base_url)
        SERVER_PIDS[base_url] = proc.pid  # run.sh execs streamlit: the same process
        yield base_url
    finally:
        SERVER_PIDS.pop(base_url, None)
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log_path.unlink(missing_ok=True)


def warm_up_server(base_url: str) -> None:
    """What scripts/run.sh does after start-up: run the app once through the health check."""
    spec = importlib.util.spec_from_file_location("warm_up", REPO_ROOT / "scripts" / "warm_up.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if not module.warm_up(base_url):
        pytest.fail(f"the warm-up run of the app failed at {base_url}", pytrace=False)


@pytest.fixture(scope="session")
def streamlit_server() -> Iterator[str]:
    """Start the app on a free port, warmed up as ``make run`` does; yield its base URL."""
    with run_server() as base_url:
        yield base_url


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Chromium via Playwright's sync API (system Chromium; no `playwright install`)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh page in its own 1400x1000 context; screenshot to tests/artifacts/ on failure."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    install_run_tracker(page)
    try:
        yield page
        reports = request.node.stash.get(_REPORTS_KEY, {})
        if any(r.failed for r in reports.values()):
            ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
            name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
            try:
                page.screenshot(path=str(ARTIFACTS_DIR / f"{name}.png"), full_page=True)
            except Exception as exc:  # a broken page must not hide the real failure
                print(f"could not save failure screenshot: {exc}")
    finally:
        context.close()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A throwaway PostgreSQL server for the class-session storage tests."""
    server, why = postgres_server.start()
    if server is None:
        if _in_ci():
            pytest.fail(f"CI=true but the PostgreSQL test server could not start: {why}",
                        pytrace=False)
        pytest.skip(f"!!! POSTGRESQL TESTS SKIPPED !!! {why}")
    try:
        yield server.url
    finally:
        server.stop()
