"""Helpers for AppTest-driven page tests: open a page through app.py, read Plotly charts."""

from __future__ import annotations

import json
from html.parser import HTMLParser
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
    """All markdown, captions, metrics, alerts and details (:func:`details_text`) on the page
    as one string, for searching."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    for kind in ("error", "warning", "info", "success"):
        parts += [e.value for e in getattr(at, kind)]
    parts += [details_text(at)]
    return "\n".join(str(p) for p in parts)


# ------------------------------------------------- the text below the stage (ui.details)


class DetailsReader(HTMLParser):
    """A details element's HTML (:mod:`ui.details`) read back: its text as a screen reader
    reads it (icons left out), every table as rows of cell texts (the header row first),
    the bold runs, each callout's kind and text, each metric's label and value, each code
    block's text and each heading."""

    def __init__(self, markup: str) -> None:
        super().__init__()
        self.text: list[str] = []
        self.tables: list[list[list[str]]] = []
        self.bold: list[str] = []
        self.callouts: list[tuple[str, str]] = []
        self.metrics: list[tuple[str, str]] = []
        self.code: list[str] = []
        self.headings: list[str] = []
        self._open: list[tuple[str, str]] = []  # (tag, class) of the elements we are in
        self._callout: tuple[str, int] | None = None  # its kind and where its text starts
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag, attrs):
        classes = dict(attrs).get("class") or ""
        if tag not in ("br", "col", "img"):
            self._open.append((tag, classes))
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("th", "td"):
            self.tables[-1][-1].append("")
        elif tag == "strong":
            self.bold.append("")
        elif tag == "pre":
            self.code.append("")
        elif tag == "h3":
            self.headings.append("")
        elif "xd-metric" in classes.split():
            self.metrics.append(("", ""))
        elif "xd-callout" in classes.split():
            kind = next(c[3:] for c in classes.split() if c.startswith("xd-") and c != "xd-callout")
            self._callout = (kind, len(self.text))

    def handle_endtag(self, tag):
        tag_, classes = self._open.pop()
        assert tag_ == tag, f"<{tag_}> closed by </{tag}>"
        if tag in ("p", "tr", "li", "h3", "pre") or "xd-metric" in classes.split():
            self.text.append("\n")
        elif "xd-metric-label" in classes.split():
            self.text.append(" ")
        elif tag in ("th", "td"):
            self.text.append("\t")
        if "xd-callout" in classes.split():
            kind, start = self._callout
            self.callouts.append((kind, "".join(self.text[start:]).strip()))
            self._callout = None

    def handle_data(self, data):
        if any("xd-icon" in classes.split() for _, classes in self._open):
            return  # an icon's name (a ligature of the icon font), hidden from screen readers
        self.text.append(data)
        tags = [tag for tag, _ in self._open]
        if "th" in tags or "td" in tags:
            self.tables[-1][-1][-1] += data
        if "strong" in tags:
            self.bold[-1] += data
        if "pre" in tags:
            self.code[-1] += data
        if "h3" in tags:
            self.headings[-1] += data
        classes = {c for _, names in self._open for c in names.split()}
        if "xd-metric-label" in classes:
            self.metrics[-1] = (self.metrics[-1][0] + data, self.metrics[-1][1])
        elif "xd-metric-value" in classes:
            self.metrics[-1] = (self.metrics[-1][0], self.metrics[-1][1] + data)


def details_elements(at: AppTest) -> list:
    """Every details element on the page (:mod:`ui.details`), in page order, but the copy
    link's (:func:`share_link`)."""
    return [element for element in at.get("bidi_component")
            if element.proto.component_name.endswith("xent.details")
            and not element.key.endswith(".link")]


def share_link(at: AppTest) -> str:
    """The address in the page's *Copy link to this state* (a details element's code)."""
    link = next(element for element in at.get("bidi_component")
                if element.proto.component_name.endswith("xent.details")
                and element.key.endswith(".link"))
    return DetailsReader(json.loads(link.proto.json)["html"]).code[0]


def details_html(at: AppTest) -> list[str]:
    """The HTML each details element was sent."""
    return [json.loads(element.proto.json)["html"] for element in details_elements(at)]


def details_read(at: AppTest) -> list[DetailsReader]:
    """Each details element read back (:class:`DetailsReader`)."""
    return [DetailsReader(markup) for markup in details_html(at)]


def details_text(at: AppTest) -> str:
    """The text of every details element, one paragraph (or table row) a line."""
    return "\n".join("".join(read.text) for read in details_read(at))


def details_tables(at: AppTest) -> list[list[list[str]]]:
    """Every table of the details elements, each a list of rows (the header row first)."""
    return [table for read in details_read(at) for table in read.tables]


def callouts(at: AppTest, kind: str | None = None) -> list[str]:
    """The text of every callout of the details elements (of ``kind``: "info", "warning")."""
    return [text for read in details_read(at) for kind_, text in read.callouts
            if kind in (None, kind_)]


def details_metrics(at: AppTest) -> dict[str, str]:
    """Every metric of the details elements (:func:`ui.details.metric`): label → value."""
    return {label: value for read in details_read(at) for label, value in read.metrics}


def details_code(at: AppTest) -> list[str]:
    """The text of every code block of the details elements (:func:`ui.details.code`)."""
    return [block for read in details_read(at) for block in read.code]


def bold_text(at: AppTest) -> list[str]:
    """Every run of bold text in the details elements."""
    return [run for read in details_read(at) for run in read.bold]


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
