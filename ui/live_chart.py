"""A chart (a Plotly figure) that a move redraws in place, in the light or dark theme the
browser shows: bars, lines and markers as SVG of our own, any other figure with plotly.js.

Why not ``st.plotly_chart``: Streamlit names a chart element after its figure, so every move
that changes a chart's numbers makes a new element; the browser throws the old chart away and
draws a new one from nothing (``Plotly.newPlot``, measured at about 115 ms a move on Five
classes' two charts, most of a move's time in the browser). :func:`live_chart` is one
Streamlit components-v2 element per chart, named by its ``key``: a move sends the new figure
to the same element, which redraws it: as SVG (a figure :func:`drawn_as_svg`), else with
``Plotly.react`` (only what changed).

What it keeps from ``st.plotly_chart(theme="streamlit")``:

* **Theme.** Colours come from the theme's CSS variables each time the element is drawn,
  and Streamlit draws it again when a learner switches Light / Dark in the app menu (no
  rerun): the page's background, text in the theme's text colour (also every
  :data:`ui.colors.INK` in the figure, the placeholder Streamlit's chart theme swaps the same
  way), grid and axis lines from the theme's border colour, hover labels on the theme's
  secondary background.
* **Toolbar** (Plotly's, on hover: PNG download named by ``config``, reset axes; the SVG
  route's own on hover or keyboard focus: the same PNG at twice the size) and a
  **full-screen** button; the chart follows its column's width (a ``ResizeObserver``: also
  when the sidebar folds or an expander opens).
* **Title in bold**, and the **accessible name**: the wrapper is a ``figure`` named by ``alt``.

The browser side is ``ui/live_chart.js``, loaded once per tab from ``static/``
(:mod:`ui.assets`), with plotly.js itself (a copy of the installed ``plotly`` package's, never
from the network), after ``ui/svg_chart.js``, which draws the figures :func:`drawn_as_svg`
passes (bars, lines, markers, arrows, guide lines, notes, legends) as SVG of its own; any
other figure (heatmaps, log-scale bars, ...) is drawn with plotly.js.
"""

from __future__ import annotations

import math
import re

import numpy as np
import streamlit as st

from ui.assets import element_js
from ui.live import draw_in_place

# The plot, then the toolbar of the SVG route (ui/live_chart.js fills it; Plotly draws its own).
HTML = ('<div class="xent-chart" data-testid="xent-chart" role="figure"><div></div>'
        '<div class="xent-chart-tools" hidden></div></div>')

JS = element_js("live_chart.js")  # ui/live_chart.js, loaded once per tab (ui/assets.py)

_chart = st.components.v2.component("xent.live_chart", html=HTML, js=JS,
                                    isolate_styles=False)


# What the SVG route (ui/svg_chart.js) draws, property by property: a figure whose every
# property is named here, with a value its check accepts, is drawn as SVG; any other, by
# Plotly. Axes are named without their number (``xaxis2.range`` is checked as
# ``xaxis.range``); lists of dicts (shapes, notes) by ``[]``.

_MARKUP = re.compile(r"<br>")
_TICK_MARKUP = re.compile(r"</?b>")
_NOTE_MARKUP = re.compile(r"<br>|</?b>")
_HOVER_FIELD = re.compile(r"%\{(x|y|customdata(\[\d\])?|hovertext)(:\.\d+[efg])?\}")
_HOVER_MARKUP = re.compile(r"<br>|<extra>|</extra>")
_TYPED = {"f8": 8, "f4": 4, "i4": 4, "i2": 2, "i1": 1, "u4": 4, "u2": 2, "u1": 1}  # bytes
_AXIS_ID = re.compile(r"^([xy])(\d*)$")
_AXIS_KEY = re.compile(r"^[xy]axis\d*$")


def _is(*allowed):
    return lambda value: value in allowed


def _number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _numbers(value, *, gaps: bool = False) -> bool:
    """A non-empty list of finite numbers (with ``gaps``, None between segments), or NumPy's
    typed array as Plotly sends it (``{"dtype": "f8", "bdata": ...}``, one dimension), or
    the NumPy array it comes from (non-finite values only as ``gaps``: a line's breaks)."""
    if isinstance(value, np.ndarray):
        return (value.ndim == 1 and value.size > 0 and value.dtype.kind in "fiu"
                and (gaps or bool(np.isfinite(value).all())))
    if isinstance(value, dict):
        return value.keys() == {"dtype", "bdata"} and value["dtype"] in _TYPED
    return isinstance(value, list) and bool(value) and all(
        _number(v) or (gaps and v is None) for v in value)


def _text(value, markup: re.Pattern | None = None) -> bool:
    """Text with no markup but (optionally) what ``markup`` matches."""
    text = value if isinstance(value, str) else None
    if text is None:
        return False
    return "<" not in (markup.sub("", text) if markup else text)


def _texts(value) -> bool:
    return isinstance(value, list) and all(_text(v) for v in value)


def _one_or_many(check):
    return lambda value: check(value) or (isinstance(value, list) and bool(value)
                                          and all(check(v) for v in value))


def _color(value) -> bool:
    return isinstance(value, str) and "<" not in value and "url(" not in value


def _custom_data(value) -> bool:
    """Numbers or texts per point, or a short list of numbers per point (a list of lists)."""
    return _numbers(value) or (isinstance(value, list) and bool(value) and (
        _texts(value) or all(isinstance(row, list) and _numbers(row) for row in value)))


def _hover(value) -> bool:
    """A hovertemplate of %{x}, %{y}, %{customdata} (or %{customdata[k]}), %{hovertext}
    (formats .4f, .2e, .4g), line breaks and the trace's side label: what ui/svg_chart.js
    fills in."""
    if not isinstance(value, str):
        return False
    rest = _HOVER_MARKUP.sub("", _HOVER_FIELD.sub("", value))
    return _text(rest) and "%{" not in rest


def _axis_ref(letter: str, *, paper: bool = False):
    def check(value) -> bool:
        match = _AXIS_ID.match(value) if isinstance(value, str) else None
        return (paper and value == "paper") or bool(match and match[1] == letter)
    return check


_BOTH_TRACES = {
    "name": _text, "x": _numbers, "y": _numbers, "xaxis": _axis_ref("x"),
    "yaxis": _axis_ref("y"), "marker.color": _one_or_many(_color),
    "marker.line.color": _color, "marker.line.width": _one_or_many(_number),
    "hovertext": _texts, "hovertemplate": _hover, "customdata": _custom_data,
    "cliponaxis": _is(True, False), "showlegend": _is(True, False), "legendgroup": _text,
}
_BAR = {
    **_BOTH_TRACES, "type": _is("bar"), "x": lambda v: _numbers(v) or (bool(v) and _texts(v)),
    "y": lambda v: _numbers(v) or (bool(v) and _texts(v)), "orientation": _is("v", "h"),
    "marker.pattern.shape": _is("", "/", "\\", "."), "text": _texts,
    "textposition": _is("outside", "inside"), "insidetextanchor": _is("middle"),
    "textfont.size": _number,
}
_SCATTER = {
    **_BOTH_TRACES, "type": _is("scatter"), "x": lambda v: _numbers(v, gaps=True),
    "y": lambda v: _numbers(v, gaps=True),
    "mode": _is("lines", "markers", "text", "lines+markers", "markers+text", "lines+text",
                "lines+markers+text"),
    "text": _texts, "textfont.size": _number, "textfont.color": _color,
    "textposition": _one_or_many(_is(*(f"{v} {h}" for v in ("top", "middle", "bottom")
                                       for h in ("left", "center", "right")))),
    "line.color": _color, "line.width": _number,
    "line.dash": _is("solid", "dash", "dot", "dashdot", "longdash"),
    "marker.size": _one_or_many(_number), "marker.symbol": _is("circle", "circle-open", "arrow"),
    "marker.angleref": _is("previous"), "hoverinfo": _is("skip", "none"),
}
_AXIS = {
    "automargin": _is(True, False), "tickfont.size": _number, "tickfont.color": _color,
    "showline": _is(True, False), "linecolor": _color, "zerolinecolor": _color,
    "zeroline": _is(True, False), "tickmode": _is("array"), "tickvals": _numbers,
    "ticktext": lambda v: isinstance(v, list) and all(_text(t, _TICK_MARKUP) for t in v),
    "title.text": _text, "title.font.size": _number, "title.font.color": _color,
    "range": lambda v: _numbers(v) and len(v) == 2, "rangemode": _is("tozero", "normal"),
    "domain": lambda v: _numbers(v) and len(v) == 2 and 0 <= v[0] < v[1] <= 1,
    "anchor": lambda v: isinstance(v, str) and bool(_AXIS_ID.match(v)),
    "overlaying": _axis_ref("y"), "side": _is("left", "right", "bottom"),
    "type": _is("linear", "log", "-"), "showgrid": _is(True, False),
    "showticklabels": _is(True, False),
}
_LAYOUT = {
    "title.text": lambda v: _text(v, _MARKUP), "title.x": _is(0), "title.xanchor": _is("left"),
    "title.font.size": _number, "title.font.color": _color, "height": _number,
    "margin.l": _number, "margin.r": _number, "margin.t": _number, "margin.b": _number,
    "font.size": _number, "font.color": _color, "showlegend": _is(True, False),
    "barmode": _is("group", "stack"), "bargap": lambda v: _number(v) and 0 <= v < 1,
    "hovermode": _is("closest"), "legend.orientation": _is("h", "v"),
    "legend.x": _number, "legend.y": _number, "legend.font.size": _number,
    "legend.xanchor": _is("left", "center", "right", "auto"), "legend.bgcolor": _color,
    "legend.yanchor": _is("top", "middle", "bottom", "auto"),
    "shapes[].type": _is("line"), "shapes[].xref": _axis_ref("x", paper=True),
    "shapes[].yref": _axis_ref("y", paper=True), "shapes[].x0": _number,
    "shapes[].x1": _number, "shapes[].y0": _number, "shapes[].y1": _number,
    "shapes[].line.color": _color, "shapes[].line.width": _number,
    "shapes[].line.dash": _SCATTER["line.dash"],
    "annotations[].text": lambda v: _text(v, _NOTE_MARKUP), "annotations[].x": _number,
    "annotations[].y": _number, "annotations[].xref": _axis_ref("x", paper=True),
    "annotations[].yref": _axis_ref("y", paper=True),
    "annotations[].xanchor": _is("left", "center", "right"),
    "annotations[].yanchor": _is("top", "middle", "bottom"),
    "annotations[].showarrow": _is(True, False), "annotations[].ax": _number,
    "annotations[].ay": _number, "annotations[].arrowhead": _is(0, 1, 2, 3, 4, 5, 6, 7, 8),
    "annotations[].arrowcolor": _color, "annotations[].align": _is("left", "center", "right"),
    "annotations[].font.size": _number, "annotations[].font.color": _color,
}
_LEAVES = ("x", "y", "tickvals", "ticktext", "range", "domain", "customdata", "text",
           "hovertext", "marker.color", "marker.line.width", "marker.size")


def _follows(node: dict, rules: dict, prefix: str = "") -> bool:
    """Whether every property of ``node`` (recursively) has a rule that accepts its value."""
    for key, value in node.items():
        path = f"{prefix}{key}"
        if rules is _LAYOUT and not prefix and _AXIS_KEY.match(key):
            if not (isinstance(value, dict) and _follows(value, _AXIS)):
                return False
            continue
        if isinstance(value, dict) and path not in _LEAVES and not (
                "bdata" in value and path in rules):
            if not _follows(value, rules, f"{path}."):
                return False
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            if not all(isinstance(v, dict) and _follows(v, rules, f"{path}[].") for v in value):
                return False
        elif path not in rules or not rules[path](value):
            return False
    return True


def drawn_as_svg(figure: dict) -> bool:
    """Whether ``figure`` (``{"data", "layout"}``, no template) is drawn by the chart's SVG
    route (``ui/svg_chart.js``) rather than by plotly.js: bars (upright, side by side, values
    above) and lines, markers and gradient-step arrows, on one or more pairs of linear or log
    axes, with guide lines, plain notes and a legend. Every property must be one the route
    draws, with a value it draws (:data:`_BAR`, :data:`_SCATTER`, :data:`_AXIS`,
    :data:`_LAYOUT`); anything else, however small, goes to Plotly, which draws every
    figure."""
    data, layout = figure.get("data", []), figure.get("layout", {})
    if not data or not isinstance(layout, dict) or not _follows(layout, _LAYOUT):
        return False
    for trace in data:
        rules = {"bar": _BAR, "scatter": _SCATTER}.get(trace.get("type"))
        if rules is None or not _follows(trace, rules):
            return False
        marker = trace.get("marker", {})
        arrow = marker.get("symbol") == "arrow"
        if arrow != ("angleref" in marker) or (arrow and trace.get("mode") != "lines+markers"):
            return False  # arrows point along their line; no other marker turns
        if trace["type"] == "bar" and len(_values_of(trace.get("y"))) != len(
                _values_of(trace.get("x"))):
            return False
    bars = [trace for trace in data if trace["type"] == "bar"]
    if len({trace.get("orientation", "v") for trace in bars}) > 1:
        return False  # upright and lying bars in one figure
    for trace in bars:  # numbers along the value axis (names may be along the other)
        value = "x" if trace.get("orientation") == "h" else "y"
        if not _numbers(trace.get(value)):
            return False
    for shape in layout.get("shapes", []):  # Plotly's defaults differ from the route's
        if not {"type", "x0", "x1", "y0", "y1"} <= shape.keys():
            return False
    for note in layout.get("annotations", []):
        if not {"text", "x", "y", "showarrow"} <= note.keys() or (
                note["showarrow"] and not {"ax", "ay"} <= note.keys()):
            return False  # an arrow's tail is where the route puts the note
    axes = {key for key in layout if _AXIS_KEY.match(key)}
    for key in axes:  # a log axis shows the ticks it is given (the route picks none)
        if layout[key].get("type") == "log" and "tickvals" not in layout[key]:
            return False
    return True


def _values_of(values) -> list:
    """A list or array, or a typed array's length as a list of that many Nones."""
    if isinstance(values, np.ndarray):
        return values
    if isinstance(values, dict):
        return [None] * (len(values["bdata"]) * 3 // 4 // _TYPED[values["dtype"]])
    return values or []


def live_chart(figure_json: str, *, key: str, alt: str | None, config: dict,
               svg: bool = False, container=None) -> None:
    """Draw a figure (its JSON, ``{"data": [...], "layout": {...}}``, no template) as the
    element named ``key``; the next run with the same ``key`` redraws it in place.

    ``alt`` is the chart's accessible name; ``config`` is Plotly's config (toolbar, PNG name);
    ``svg`` draws it as SVG instead of with plotly.js (only a figure :func:`drawn_as_svg`).
    In a ``container`` a lesson fragment did not draw, it is a place (:mod:`ui.live`): a
    move updates it without drawing it again.
    """
    data = {"figure": figure_json, "alt": alt, "config": config,
            "draw": "svg" if svg else "plotly"}
    draw_in_place(key, data, lambda placed: _chart(key=key, data=placed), container)
