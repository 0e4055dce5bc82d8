"""Helpers for browser tests against a live Streamlit app (no app-specific logic here).

How "the app is idle" is detected (checked against Streamlit 1.67's frontend bundle): the root
element ``<div data-testid="stApp">`` carries two attributes that the frontend keeps up to date:

* ``data-test-connection-state``: ``INITIAL`` / ``PINGING_SERVER`` / ``CONNECTED`` /
  ``DISCONNECTED_FOREVER`` / ...
* ``data-test-script-state``: ``initial`` until the first script run has been seen, then the
  script run state: ``running`` / ``rerunRequested`` / ``stopRequested`` / ``notRunning`` /
  ``compilationError``.

The app is idle when it is ``CONNECTED``, the script state is ``notRunning`` (or
``compilationError``, a finished run with a syntax error), the status widget's running icon
(``stStatusWidgetRunningIcon``) is absent and no element is marked ``data-stale="true"`` -- and
all of that has held for ``settle_ms`` in a row. The settle period covers the short gap between
a widget interaction and the server's "rerun started" message. For interactions that must cause
a rerun, ``expect_rerun`` is stricter: it waits until a new run has been observed *and* finished.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # playwright is only imported by the fixtures that need it
    from playwright.sync_api import Page

APP_SELECTOR = '[data-testid="stApp"]'
EXCEPTION_SELECTOR = '[data-testid="stException"]'
IDLE_SCRIPT_STATES = ("notRunning", "compilationError")

DEFAULT_TIMEOUT_MS = 60_000
DEFAULT_SETTLE_MS = 300

_STATE_JS = """
() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return {
    app: !!app,
    connection: app ? app.getAttribute('data-test-connection-state') : null,
    script: app ? app.getAttribute('data-test-script-state') : null,
    runningIcon: !!document.querySelector('[data-testid="stStatusWidgetRunningIcon"]'),
    stale: document.querySelectorAll('[data-stale="true"]').length,
    runs: window.__xentRuns ? window.__xentRuns.started : null,
    ws: window.__xentWs ? { ...window.__xentWs } : null,
  };
}
"""

# Installed with page.add_init_script (see install_run_tracker). Two signals, because neither is
# enough alone:
# * window.__xentRuns.started counts script runs seen in data-test-script-state. A run that
#   finishes within one animation frame never shows "running" in the DOM (React batches the
#   state updates), so fast reruns are invisible here.
# * window.__xentWs counts WebSocket traffic: a rerun request is a message sent by the page,
#   and the server answers it with messages (new session, deltas, script finished).
RUN_TRACKER_JS = """
(() => {
  if (window.__xentRuns) return;
  const idle = new Set(['notRunning', 'compilationError', 'initial', null]);
  const runs = (window.__xentRuns = { started: 0, last: null });
  const check = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    const s = app ? app.getAttribute('data-test-script-state') : null;
    if (s === runs.last) return;
    if (!idle.has(s) && idle.has(runs.last)) runs.started += 1;
    runs.last = s;
  };
  new MutationObserver(check).observe(document, {
    subtree: true, childList: true, attributes: true,
    attributeFilter: ['data-test-script-state'],
  });

  const ws = (window.__xentWs = { sent: 0, received: 0, lastSend: -1, lastReceive: -1 });
  const Native = window.WebSocket;
  class TrackedWebSocket extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', () => {
        ws.received += 1;
        ws.lastReceive = performance.now();
      });
    }
    send(data) {
      ws.sent += 1;
      ws.lastSend = performance.now();
      return super.send(data);
    }
  }
  window.WebSocket = TrackedWebSocket;
})();
"""


class StreamlitTimeoutError(TimeoutError):
    """The app did not reach the expected state in time."""


def streamlit_state(page: Page) -> dict[str, Any]:
    """Snapshot of the app's run state, as read from the DOM (handy in failure messages)."""
    return page.evaluate(_STATE_JS)


def _is_idle(state: dict[str, Any]) -> bool:
    return bool(
        state["app"]
        and state["connection"] == "CONNECTED"
        and state["script"] in IDLE_SCRIPT_STATES
        and not state["runningIcon"]
        and state["stale"] == 0
    )


def _rerun_seen_since(state: dict[str, Any], before: dict[str, Any]) -> bool:
    """Has a script run been requested and answered since the snapshot ``before``?"""
    if state["runs"] is None or state["ws"] is None:
        raise RuntimeError("run tracker not installed: call install_run_tracker(page) first")
    if state["runs"] > before["runs"]:
        return True
    ws, ws_before = state["ws"], before["ws"]
    return ws["sent"] > ws_before["sent"] and ws["lastReceive"] > ws["lastSend"]


def wait_for_streamlit_idle(
    page: Page,
    timeout: float = DEFAULT_TIMEOUT_MS,
    settle_ms: float = DEFAULT_SETTLE_MS,
    rerun_since: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Block until the Streamlit app has finished running and stayed idle for ``settle_ms``.

    ``timeout`` is in milliseconds, like Playwright's. With ``rerun_since`` (a snapshot from
    ``streamlit_state`` taken before an interaction; needs the run tracker that the ``page``
    fixture installs) it also waits until a rerun has happened after that snapshot -- prefer
    ``expect_rerun``, which does this for you. Returns the final state snapshot; raises
    StreamlitTimeoutError.
    """
    deadline = time.monotonic() + timeout / 1000
    page.wait_for_selector(APP_SELECTOR, state="attached", timeout=timeout)
    idle_since: float | None = None
    while True:
        state = streamlit_state(page)
        now = time.monotonic()
        ok = _is_idle(state) and (rerun_since is None or _rerun_seen_since(state, rerun_since))
        if ok:
            if idle_since is None:
                idle_since = now
            if (now - idle_since) * 1000 >= settle_ms:
                return state
        else:
            idle_since = None
        if now > deadline:
            what = "no rerun seen or app not idle" if rerun_since else "app not idle"
            raise StreamlitTimeoutError(
                f"Streamlit: {what} after {timeout:.0f} ms; last state: {state}"
            )
        page.wait_for_timeout(50)


def install_run_tracker(page: Page) -> None:
    """Track script runs in ``page`` (needed by ``expect_rerun``; the ``page`` fixture does it).

    Must be called before the app is loaded (it is an init script).
    """
    page.add_init_script(RUN_TRACKER_JS)


@contextlib.contextmanager
def expect_rerun(
    page: Page, timeout: float = DEFAULT_TIMEOUT_MS, settle_ms: float = DEFAULT_SETTLE_MS
) -> Iterator[None]:
    """Wrap an interaction that must trigger a rerun; on exit, wait until that rerun is done.

    Example::

        with expect_rerun(page):
            page.get_by_role("slider").press("ArrowRight")
    """
    before = streamlit_state(page)
    _rerun_seen_since(before, before)  # fail fast if the tracker is missing
    yield
    wait_for_streamlit_idle(page, timeout=timeout, settle_ms=settle_ms, rerun_since=before)


def goto_app(
    page: Page, url: str, timeout: float = DEFAULT_TIMEOUT_MS, settle_ms: float = DEFAULT_SETTLE_MS
) -> None:
    """Open ``url`` (e.g. ``streamlit_server`` or ``f"{streamlit_server}/some_page"``) and wait
    until the first script run has finished."""
    page.goto(url, timeout=timeout)
    wait_for_streamlit_idle(page, timeout=timeout, settle_ms=settle_ms)


def exception_texts(page: Page) -> list[str]:
    """Texts of all ``st.exception`` / uncaught-exception boxes currently on the page."""
    return page.locator(EXCEPTION_SELECTOR).all_inner_texts()


def assert_no_streamlit_exception(page: Page) -> None:
    """Fail with the exception text(s) if the app shows any exception box."""
    texts = exception_texts(page)
    assert not texts, "Streamlit app shows an exception:\n" + "\n---\n".join(texts)


def screenshot(page: Page, name: str, directory: Path | str | None = None) -> Path:
    """Full-page screenshot to ``tests/artifacts/<name>.png`` (or ``directory``); returns path."""
    out_dir = Path(directory) if directory else Path(__file__).parent / "artifacts"
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / (name if name.endswith(".png") else f"{name}.png")
    page.screenshot(path=str(path), full_page=True)
    return path


README_SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"


def readme_screenshot(page: Page, name: str) -> Path:
    """Full-page screenshot of a lesson for the README; returns its path.

    Streamlit scrolls inside its main block, so the window first grows to the page's height.
    The file goes to ``docs/screenshots/<name>.png`` when ``XENT_UPDATE_SCREENSHOTS=1`` (what
    ``make screenshots`` sets), else to ``tests/artifacts/``, so a plain test run leaves the
    working tree clean.
    """
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": 1400, "height": max(int(height) + 40, 1000)})
    wait_for_streamlit_idle(page)
    page.wait_for_timeout(800)  # Plotly and the data grid re-lay out at the new size
    assert_no_streamlit_exception(page)
    update = os.environ.get("XENT_UPDATE_SCREENSHOTS") == "1"
    directory = README_SCREENSHOTS if update else Path(__file__).parent / "artifacts"
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 50_000, f"screenshot {path} looks empty"
    return path
