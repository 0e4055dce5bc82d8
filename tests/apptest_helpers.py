"""Helpers for AppTest-driven page tests: open a page through app.py, read Plotly charts."""

from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

from ui.edits import edit_state

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def open_page(page: str | None = None, query_params: dict | None = None,
              timeout: float = 30) -> AppTest:
    """Run ``app.py`` and switch to ``page`` (e.g. ``"pages/2_five_classes.py"``).

    ``query_params`` are in the URL from the first run, as when a shared link is opened.
    """
    at = AppTest.from_file(APP, default_timeout=timeout)
    # The query parameters are there from the first run and survive switch_page, which is
    # how a shared link to a page arrives: a fresh session whose URL already holds the state.
    at.query_params.update(query_params or {})
    at.run()
    if page is not None:
        at.switch_page(page)
        at.query_params.update(query_params or {})
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def charts(at: AppTest) -> list:
    """Every chart element on the page (``ui.live_chart``: a components-v2 element that
    AppTest shows as an ``UnknownElement``, its data in ``proto.json``), in page order."""
    return [element for element in at.get("bidi_component")
            if element.proto.component_name.endswith("xent.live_chart")]


def chart_data(chart) -> dict:
    """What a chart element was sent: ``figure`` (JSON text), ``alt``, ``config``."""
    return json.loads(chart.proto.json)


def plotly_figures(at: AppTest) -> list[dict]:
    """Every chart on the page as its figure JSON (``data`` and ``layout``)."""
    return [json.loads(chart_data(chart)["figure"]) for chart in charts(at)]


def page_text(at: AppTest) -> str:
    """All markdown, captions, metrics and alerts on the page as one string, for searching."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    for kind in ("error", "warning", "info", "success"):
        parts += [e.value for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


def plotly_array(value) -> list:
    """A trace's ``x`` / ``y`` / ``z`` as a list: Plotly sends NumPy arrays as typed arrays
    (``{"dtype": "f8", "bdata": <base64>}``, with ``shape`` ``"3, 5"`` for a 2-D array, which
    comes back as a list of rows), lists as they are."""
    if isinstance(value, dict) and "bdata" in value:
        import base64

        import numpy as np

        array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        if "shape" in value:
            array = array.reshape([int(n) for n in str(value["shape"]).split(",")])
        return array.tolist()
    return list(value)


# ------------------------------------------------------------------ a lesson's class rows


def element_of(at: AppTest, key: str):
    """The components-v2 element of ours (rows of classes, spreadsheet) drawn under ``key``."""
    return next(element for element in at.get("bidi_component") if element.key == key)


def send_edit(at: AppTest, key: str, row: int, source: str, text, *,
              timeout: float | None = None) -> AppTest:
    """Send one learner's edit to element ``key`` and run, as the browser does: numbered
    above every edit the session applied, as the component's state (``ui.edits``; AppTest has
    no typed handle for a components-v2 element)."""
    element = element_of(at, key)
    applied = json.loads(element.proto.json)["applied"]
    states = at._tree.get_widget_states()
    state = states.widgets.add()
    state.id = element.proto.id
    state.json_value = json.dumps(edit_state(None, row, source, str(text), applied))
    return at._run(states, timeout=timeout)


def rows_data(at: AppTest, key: str) -> list[dict]:
    """What the class-rows element shows, one dict per class (``ui.class_rows.Row``)."""
    return json.loads(element_of(at, key).proto.json)["rows"]


def edit_row(at: AppTest, key: str, row: int, source: str, text, *, timeout: float | None = None
             ) -> AppTest:
    """Do what a learner does on a class row and run: ``source`` is ``"slider"`` (``text`` the
    value it moved to), ``"box"`` (the text committed), ``"name"`` or ``"remove"``."""
    return send_edit(at, key, row, source, text, timeout=timeout)


# ---------------------------------------------------------------- a spreadsheet element


def sheet_data(at: AppTest, key: str) -> dict:
    """What the spreadsheet element was sent: ``columns``, ``rows`` (each its ``cells`` in the
    columns' order), ``applied`` and the rest (``ui.spreadsheet.spreadsheet``)."""
    return json.loads(element_of(at, key).proto.json)


def edit_sheet(at: AppTest, key: str, row: int, column: str, text="", *,
               timeout: float | None = None) -> AppTest:
    """Do what a learner does in the spreadsheet and run: type ``text`` into (or choose it
    in) ``column`` of ``row`` (from 0), or ``column="delete"`` that row, or ``"add"`` one.
    As the browser sends it (:func:`send_edit`)."""
    return send_edit(at, key, row, column, text, timeout=timeout)
