"""A Streamlit client that speaks the browser's protocol, for load tests and proxy tests.

What a browser does, checked against Chromium's frames on Streamlit 1.67 (Playwright's
``framesent`` events) and the frontend's own code:

1. ``GET /<page>`` (the HTML; through a proxy this is where the affinity cookie is set).
2. Open the websocket ``/_stcore/stream`` with subprotocol ``streamlit``, the page's cookies and
   an ``Origin`` equal to the host.
3. Send ``BackMsg.rerun_script`` (a ``ClientState``): on the first run only ``page_name`` (the
   URL path) and ``context_info``; on every later run *all* mounted widgets' states (not only
   the one that changed), the ``page_script_hash`` the server reported in ``navigation``, the
   current query string, the ``fragment_id`` when the widget lives in an ``st.fragment``, and the
   hashes of the cached large messages it holds.
4. Receive ``ForwardMsg``s: ``new_session``, deltas (elements and blocks), ``page_info_changed``
   (the URL's query string), ``ref_hash`` (a message the client has cached), and finally
   ``script_finished``.

Fragments with ``run_every`` send ``auto_rerun`` (a fragment id and an interval); from then on
the browser sends a rerun request for that fragment (``is_auto_rerun``) every interval, until
``stop_auto_rerun``. This client does the same, one request in flight at a time (a move waits
for a running auto rerun), and counts them in ``auto_reruns``.

Widget values follow the frontend's rule: a widget keeps the value the client last had for it,
unless the server sends ``set_value`` (then its ``value``); a new widget starts at ``default``.

This module only speaks the protocol; what to move and what to check is the caller's.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import http.cookiejar
import json
import time
import urllib.request
from dataclasses import dataclass, field
from typing import Any

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

FINISHED_OK = {
    ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY,
    ForwardMsg.ScriptFinishedStatus.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
}
# Element types whose state a browser reports, and how (see widget_state below).
WIDGET_TYPES = (
    "slider", "number_input", "text_input", "text_area", "checkbox", "radio", "selectbox",
    "button_group", "bidi_component",
)  # fmt: skip


@dataclass
class Widget:
    """One widget on the page as the client sees it."""

    id: str
    kind: str  # the Element oneof name: "slider", "number_input", ...
    label: str
    value: Any  # what the browser would report: float, [float], str, bool, [str] or None
    fragment_id: str = ""
    proto: Any = None  # the widget's proto (Slider, NumberInput, ...) from its last delta


@dataclass
class RunResult:
    """What one script run sent back."""

    status: int | None = None  # ForwardMsg.ScriptFinishedStatus, None if the run did not finish
    latency_s: float = float("nan")  # rerun request sent -> script_finished received
    elements: list[Any] = field(default_factory=list)  # Element protos, in arrival order
    query_string: str | None = None  # from page_info_changed, if the run changed the URL
    exceptions: list[str] = field(default_factory=list)
    bytes_received: int = 0

    @property
    def ok(self) -> bool:
        return self.status in FINISHED_OK and not self.exceptions


def _initial_value(kind: str, w: Any) -> Any:
    """The value the frontend starts a widget at: ``value`` when set_value, else ``default``."""
    explicit = getattr(w, "set_value", False)
    if kind == "slider":
        return list(w.value) if explicit else list(w.default)
    if kind == "number_input":
        if explicit:
            return w.value
        return w.default if w.HasField("default") else None
    if kind in ("text_input", "text_area"):
        if explicit:
            return w.value
        return w.default if w.HasField("default") else None
    if kind == "checkbox":
        return w.value if explicit else w.default
    if kind in ("radio", "selectbox"):
        if explicit:  # set to no choice (a select box's placeholder): no raw_value
            return w.raw_value if w.HasField("raw_value") else None
        if w.HasField("default") and 0 <= w.default < len(w.options):
            return w.options[w.default]
        return None
    if kind == "button_group":
        if explicit:
            return list(w.raw_values)
        return [w.options[i].content for i in w.default if 0 <= i < len(w.options)]
    return None  # a components-v2 element: the browser sends its state once the element sets one


def widget_state(widget: Widget) -> WidgetState | None:
    """The WidgetState a browser sends for ``widget`` (None: the browser sends nothing)."""
    if widget.value is None:
        return None
    state = WidgetState(id=widget.id)
    kind, value = widget.kind, widget.value
    if kind == "slider":
        state.double_array_value.data.extend(float(v) for v in value)
    elif kind == "number_input":
        if widget.proto is not None and widget.proto.data_type == widget.proto.INT:
            state.int_value = int(value)
        else:
            state.double_value = float(value)
    elif kind in ("text_input", "text_area", "radio", "selectbox"):
        state.string_value = str(value)
    elif kind == "checkbox":
        state.bool_value = bool(value)
    elif kind == "button_group":
        state.string_array_value.data.extend(str(v) for v in value)
    elif kind == "bidi_component":  # a components-v2 element's state, as JSON.stringify has it
        state.json_value = json.dumps(value, separators=(",", ":"))
    else:
        return None
    return state


def run_sync(coroutine: Any) -> Any:
    """Run ``coroutine`` to the end in a thread of its own (works where an event loop already
    runs in this thread, e.g. beside Playwright's sync API in a test session)."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def fetch_page(url: str, jar: http.cookiejar.CookieJar, timeout: float = 30) -> dict[str, str]:
    """GET ``url`` with ``jar`` (as the browser loads the HTML); returns the response headers."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(url, timeout=timeout) as response:
        response.read()
        return {k.lower(): v for k, v in response.headers.items()}


class StreamlitSession:
    """One browser tab: a websocket session on one page of a running Streamlit app.

    ``base_url`` like ``http://127.0.0.1:8501``; ``page`` the URL path of the page ("" for the
    default page, "five-classes", ...). Use ``await open()``, then ``await rerun(...)``.
    """

    def __init__(self, base_url: str, page: str = "", timeout: float = 60.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.page = page.strip("/")
        self.timeout = timeout
        self.jar = http.cookiejar.CookieJar()
        self.http_headers: dict[str, str] = {}
        self.ws_headers: dict[str, str] = {}
        self.page_script_hash = ""
        self.query_string = ""
        self.widgets: dict[str, Widget] = {}
        self._cache: dict[str, ForwardMsg] = {}
        self._ws: Any = None
        self._reader: asyncio.Task[None] | None = None
        self._run: RunResult | None = None
        self._run_widgets: dict[str, Widget] = {}
        self._finished: asyncio.Future[None] | None = None
        self._lock = asyncio.Lock()  # one rerun request in flight, as the measurement needs
        self._auto: dict[str, tuple[float, asyncio.Task[None]]] = {}  # fragment -> timer
        self.auto_reruns = 0
        self.closed_reason: str | None = None

    # ------------------------------------------------------------------ connection

    async def open(self) -> RunResult:
        """Load the page and run its script once, as a browser opening the URL does."""
        url = f"{self.base_url}/{self.page}"
        self.http_headers = await asyncio.to_thread(fetch_page, url, self.jar, self.timeout)
        cookies = "; ".join(f"{c.name}={c.value}" for c in self.jar)
        ws_url = self.base_url.replace("http", "ws", 1) + "/_stcore/stream"
        headers = {"Origin": self.base_url}
        if cookies:
            headers["Cookie"] = cookies
        self._ws = await websockets.connect(
            ws_url, subprotocols=["streamlit"], additional_headers=headers,
            max_size=None, open_timeout=self.timeout, compression=None,
        )  # fmt: skip
        self.ws_headers = {k.lower(): v for k, v in self._ws.response.headers.raw_items()}
        self._reader = asyncio.create_task(self._read())
        return await self._send_rerun(first=True)

    async def close(self) -> None:
        for _, task in self._auto.values():
            task.cancel()
        self._auto.clear()
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader

    # ------------------------------------------------------------------------ widgets

    def find_widget(self, kind: str | None = None, label: str | None = None,
                    key: str | None = None) -> Widget | None:
        """The first widget of ``kind`` whose label contains ``label`` / id ends with ``key``."""
        for widget in self.widgets.values():
            if kind and widget.kind != kind:
                continue
            if label is not None and label.casefold() not in widget.label.casefold():
                continue
            if key is not None and not widget.id.endswith(f"-{key}"):
                continue
            return widget
        return None

    async def set_widget(self, widget: Widget, value: Any) -> RunResult:
        """Change one widget as a learner does, and wait for the script run it causes."""
        self.widgets[widget.id].value = value
        return await self._send_rerun(fragment_id=widget.fragment_id)

    # ---------------------------------------------------------------------- protocol

    async def _send_rerun(self, first: bool = False, fragment_id: str = "",
                          auto: bool = False) -> RunResult:
        async with self._lock:
            return await self._send_rerun_locked(first, fragment_id, auto)

    async def _auto_rerun_loop(self, fragment_id: str, interval: float) -> None:
        """What the browser's setInterval does for a ``run_every`` fragment."""
        while True:
            await asyncio.sleep(interval)
            if self.closed_reason:
                return
            await self._send_rerun(fragment_id=fragment_id, auto=True)
            self.auto_reruns += 1

    async def _send_rerun_locked(self, first: bool, fragment_id: str, auto: bool) -> RunResult:
        msg = BackMsg()
        state = msg.rerun_script
        if first:
            state.page_name = self.page
        else:
            states = [widget_state(w) for w in self.widgets.values()]
            state.widget_states.widgets.extend(s for s in states if s is not None)
            state.page_script_hash = self.page_script_hash
            state.query_string = self.query_string
            if fragment_id:
                state.fragment_id = fragment_id
            state.is_auto_rerun = auto
            state.cached_message_hashes.extend(self._cache)
        info = state.context_info
        info.timezone, info.timezone_offset, info.locale = "UTC", 0, "en-US"
        info.url = f"{self.base_url}/{self.page}" + (f"?{self.query_string}"
                                                     if self.query_string else "")
        info.is_embedded, info.color_scheme = False, "light"

        self._run = RunResult()
        self._run_widgets = {}
        self._finished = asyncio.get_running_loop().create_future()
        start = time.perf_counter()
        await self._ws.send(msg.SerializeToString())
        try:
            await asyncio.wait_for(asyncio.shield(self._finished), self.timeout)
            self._run.latency_s = time.perf_counter() - start
        except TimeoutError:
            pass  # status stays None: a timeout
        return self._run

    async def _read(self) -> None:
        try:
            async for data in self._ws:
                self._handle(data)
        except websockets.ConnectionClosed as exc:
            self.closed_reason = f"websocket closed: {exc}"
        finally:
            if self._finished is not None and not self._finished.done():
                self._finished.set_result(None)

    def _handle(self, data: bytes) -> None:
        msg = ForwardMsg()
        msg.ParseFromString(data)
        run = self._run
        if run is not None:
            run.bytes_received += len(data)
        kind = msg.WhichOneof("type")
        if kind == "ref_hash":
            cached = self._cache.get(msg.ref_hash)
            if cached is None:
                return
            cached_copy = ForwardMsg()
            cached_copy.CopyFrom(cached)
            cached_copy.metadata.CopyFrom(msg.metadata)
            msg, kind = cached_copy, cached_copy.WhichOneof("type")
        elif msg.metadata.cacheable and msg.hash:
            self._cache[msg.hash] = msg
        if kind == "auto_rerun":
            fragment, interval = msg.auto_rerun.fragment_id, msg.auto_rerun.interval
            if fragment and interval > 0 and self._auto.get(fragment, (None,))[0] != interval:
                if fragment in self._auto:
                    self._auto[fragment][1].cancel()
                task = asyncio.get_running_loop().create_task(
                    self._auto_rerun_loop(fragment, interval))
                self._auto[fragment] = (interval, task)
        elif kind == "stop_auto_rerun":
            for fragment in msg.stop_auto_rerun.fragment_ids:
                if fragment in self._auto:
                    self._auto.pop(fragment)[1].cancel()
        elif kind == "navigation":  # the page that runs (new_session names the main script)
            self.page_script_hash = msg.navigation.page_script_hash
        elif kind == "page_info_changed":
            self.query_string = msg.page_info_changed.query_string
            if run is not None:
                run.query_string = self.query_string
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element" and run:
            self._element(msg.delta.new_element, msg.delta.fragment_id, run)
        elif kind == "script_finished":
            if msg.script_finished == ForwardMsg.ScriptFinishedStatus.FINISHED_EARLY_FOR_RERUN:
                # The script asked for a rerun (st.rerun, e.g. a lesson fragment whose move
                # changes what the full run drew): the server starts it at once, and the
                # move is answered when that run finishes, as a browser sees it.
                return
            if run is not None:
                run.status = msg.script_finished
                self._end_run(run)
            if self._finished is not None and not self._finished.done():
                self._finished.set_result(None)

    def _element(self, element: Any, fragment_id: str, run: RunResult) -> None:
        run.elements.append(element)
        kind = element.WhichOneof("type")
        if kind == "exception":
            run.exceptions.append(f"{element.exception.type}: {element.exception.message}")
        if kind not in WIDGET_TYPES:
            return
        proto = getattr(element, kind)
        if not proto.id:
            return
        known = self.widgets.get(proto.id)
        if getattr(proto, "set_value", False) or known is None:
            value = _initial_value(kind, proto)
        else:
            value = known.value
        label = proto.component_name if kind == "bidi_component" else proto.label
        self._run_widgets[proto.id] = Widget(
            id=proto.id, kind=kind, label=label, value=value,
            fragment_id=fragment_id, proto=proto,
        )  # fmt: skip

    def _end_run(self, run: RunResult) -> None:
        """After a full run the mounted widgets are the ones it drew (a fragment run keeps the
        rest of the page)."""
        if run.status == ForwardMsg.ScriptFinishedStatus.FINISHED_FRAGMENT_RUN_SUCCESSFULLY:
            self.widgets.update(self._run_widgets)
        else:
            self.widgets = dict(self._run_widgets)
