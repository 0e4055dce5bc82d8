"""Figure builders shared by the pages: numbers in, Plotly figure out (no Streamlit here).

Kept small (few traces, fixed height) because Plotly figures are rebuilt and sent to the
browser on every change of a slider.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from ui.colors import INK, MARKER_EDGE, NEUTRAL, TARGET_OUTLINE, class_colors
from ui.figure_spec import SpecFigure, figure_from_spec
from xent_core import LogBase

FONT_SIZE = 14  # body and tick labels on a laptop
TITLE_SIZE = 16
PRESENTER_FONT_SIZE = 20  # presenter mode: projected to a class, nothing below 20 px
PRESENTER_TITLE_SIZE = 24
PRESENTER_HEIGHT_SCALE = 1.1  # presenter charts at most this much taller (the stage: 1366x768)
TITLE_WIDTH = 42  # characters per title line: titles wrap rather than run off a phone screen
LINE_HEIGHT = 1.35  # of a font size, for the room a wrapped title needs


def wrap_title(text: str, width: int = TITLE_WIDTH) -> str:
    """Break a long title into lines of at most ``width`` characters (Plotly's ``<br>``).

    Plotly never wraps a title; one that is wider than the chart is cut off on a phone.
    Existing ``<br>`` breaks are kept; words are never split.
    """
    lines: list[str] = []
    for part in text.split("<br>"):
        line = ""
        for word in part.split(" "):
            if line and len(line) + 1 + len(word) > width:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        lines.append(line)
    return "<br>".join(lines)


def title_margin(title: str, size: int = TITLE_SIZE) -> int:
    """Top margin (px) that holds ``title`` (``<br>``-separated lines) above the plot."""
    lines = title.count("<br>") + 1 if title else 0
    return int(16 + lines * size * LINE_HEIGHT)


def axis_style(axis: dict | None = None) -> dict:
    """An axis in the house style, ``axis`` (the caller's settings) on top.

    Tick labels and the axis title are set in :data:`ui.colors.INK` at :data:`FONT_SIZE`:
    left to the theme they would be drawn smaller and in a grey (Streamlit's chart theme had
    only 3.7:1 on a white page). ``title`` is merged, so a caller's ``{"text": ...}`` keeps
    the house font.
    """
    axis = dict(axis or {})
    title = axis.pop("title", None)
    title = {"text": title} if isinstance(title, str) else dict(title or {})
    return {
        "automargin": True,
        "tickfont": {"size": FONT_SIZE, "color": INK},
        **axis,
        "title": {**title, "font": {"size": FONT_SIZE, "color": INK, **title.get("font", {})}},
    }


def house_layout(*, title: str, height: int = 320, xaxis: dict | None = None,
                 yaxis: dict | None = None, **extra) -> dict:
    """The house layout as a plain dict: readable when projected, small margins.

    No background or grid colour: ``show_figure`` draws the chart with the light or dark
    theme's colours in the browser (``ui.live_chart``); text is in :data:`ui.colors.INK`,
    which the chart turns into the theme's text colour (see ``ui.colors``).
    Building a figure from one dict is several times faster than a chain of
    ``update_layout`` / ``update_xaxes`` calls, and figures are rebuilt on every rerun.
    """
    title = wrap_title(title)
    return {
        "title": {"text": title, "x": 0.0, "xanchor": "left",
                  "font": {"size": TITLE_SIZE, "color": INK}},
        "height": height,
        "margin": {"l": 10, "r": 10, "t": title_margin(title), "b": 10},
        "font": {"size": FONT_SIZE, "color": INK},
        "showlegend": False,
        "xaxis": axis_style({"showline": True, **(xaxis or {})}),
        "yaxis": axis_style(yaxis),
        **extra,
    }


def compact_layout(figure: go.Figure, *, title: str, height: int = 320) -> go.Figure:
    """Apply :func:`house_layout` to an existing figure (one ``update_layout`` call)."""
    layout = house_layout(title=title, height=height)
    # Keep axis settings the caller already made; add only the house defaults.
    for axis in ("xaxis", "yaxis"):
        current = figure.layout[axis].to_plotly_json()
        layout[axis] = axis_style({**layout[axis], **current})
    figure.update_layout(layout)
    return figure


def _at_least(font: dict | None, size: int) -> dict:
    """A Plotly font dict whose size is at least ``size``."""
    font = dict(font or {})
    font["size"] = max(float(font.get("size") or 0), size)
    return font


def present(figure: dict, *, font_size: int = PRESENTER_FONT_SIZE,
            title_size: int = PRESENTER_TITLE_SIZE) -> dict:
    """A figure (as a dict, e.g. ``Figure.to_dict()``) scaled for projecting: every font at
    least ``font_size`` px, the title ``title_size`` px, the chart taller to match.

    Pure: returns a new dict and leaves ``figure`` alone (pages cache and share figures).
    Every ``size`` inside a ``font``-like entry (``font``, ``tickfont``, ``textfont``, an
    annotation's ``font``, ...) is raised to at least ``font_size``; ``<sup>``/``<sub>`` in
    titles (drawn at 70 %) become plain text.
    """
    scale = font_size / FONT_SIZE

    def grow(node, in_font: bool = False):
        if isinstance(node, dict):
            out = {}
            for key, value in node.items():
                if in_font and key == "size":
                    out[key] = ([max(float(v), font_size) for v in value]
                                if isinstance(value, list) else max(float(value), font_size))
                else:
                    out[key] = grow(value, key.endswith("font"))
            return out
        if isinstance(node, list):
            return [grow(item) for item in node]
        return node

    data = grow(figure.get("data", []))
    layout = grow(figure.get("layout", {}))
    layout["font"] = {**layout.get("font", {}), "size": max(font_size,
                                                            layout.get("font", {}).get("size", 0))}
    # Fonts the figure leaves unset (a subplot's axes, the legend) would take the chart
    # theme's 12 px, not layout.font: set each one explicitly.
    for key in [k for k in layout if re.fullmatch(r"[xy]axis\d*", k)]:
        axis = dict(layout[key] or {})
        axis["tickfont"] = _at_least(axis.get("tickfont"), font_size)
        axis_title = axis.get("title")
        axis_title = {"text": axis_title} if isinstance(axis_title, str) else dict(
            axis_title or {})
        axis_title["font"] = _at_least(axis_title.get("font"), font_size)
        axis["title"] = axis_title
        layout[key] = axis
    legend = dict(layout.get("legend") or {})
    legend["font"] = _at_least(legend.get("font"), font_size)
    layout["legend"] = legend
    title = dict(layout.get("title") or {})
    text = str(title.get("text") or "")
    for tag in ("<sup>", "</sup>", "<sub>", "</sub>"):
        text = text.replace(tag, "")
    text = wrap_title(text.replace("<br>", " "), width=int(TITLE_WIDTH * FONT_SIZE / font_size))
    title.update(text=text, font={**title.get("font", {}), "size": title_size})
    layout["title"] = title
    margin = dict(layout.get("margin") or {})
    margin["t"] = max(margin.get("t", 0), title_margin(text, title_size)) if text else margin.get(
        "t", 10)
    layout["margin"] = margin
    if "height" in layout:  # taller for the larger type, but the stage keeps to 1366x768
        layout["height"] = int(layout["height"] * min(scale, PRESENTER_HEIGHT_SCALE))
    return {**figure, "data": data, "layout": layout}


def class_bars(values: Sequence[float], names: Sequence[str], *, title: str,
               yaxis_title: str, target: int | None = None, digits: int = 3,
               y_range: Sequence[float] | None = None) -> SpecFigure:
    """One bar per class in the class's colour; the true class gets a black outline.

    Built without Plotly's per-property validation (:func:`ui.figure_spec.figure_from_spec`:
    a fixed structure, validated in the tests), since it is drawn on every move.
    """
    return figure_from_spec(class_bars_spec(values, names, title=title,
                                            yaxis_title=yaxis_title, target=target,
                                            digits=digits, y_range=y_range))


def class_bars_spec(values: Sequence[float], names: Sequence[str], *, title: str,
                    yaxis_title: str, target: int | None = None, digits: int = 3,
                    y_range: Sequence[float] | None = None) -> dict:
    """:func:`class_bars` as a plain ``{"data": [...], "layout": {...}}`` dict."""
    n = len(values)
    bar = {
        "type": "bar",
        "x": list(range(n)),
        "y": [float(v) for v in values],
        "marker": {"color": class_colors(n),
                   "line": {"color": TARGET_OUTLINE,
                            "width": [3 if i == target else 0 for i in range(n)]}},
        "text": [f"{float(v):.{digits}f}" for v in values],
        "textposition": "outside",
        "cliponaxis": False,
        "hovertext": list(names),
        "hovertemplate": "%{hovertext}: %{y:.4f}<extra></extra>",
    }
    yaxis = {"title": {"text": yaxis_title}}
    if y_range is not None:
        yaxis["range"] = list(y_range)
    layout = house_layout(
        title=title,
        xaxis={"tickmode": "array", "tickvals": list(range(n)), "ticktext": list(names)},
        yaxis=yaxis,
    )
    return {"data": [bar], "layout": layout}


def loss_curve(log_base: LogBase, *, p_true: Sequence[float] = (),
               labels: Sequence[str] = (), colors: Sequence[str] = (),
               title: str | None = None) -> go.Figure:
    """The curve ``-log_b(p)`` against the probability given to the true class.

    Each ``p_true[i]`` is drawn as a marker on the curve (confident and right sits near 0;
    confident and wrong shoots up).
    """
    p = np.geomspace(1e-3, 1.0, 200)
    traces = [{
        "type": "scatter", "x": p, "y": -log_base.log(p), "mode": "lines",
        "line": {"color": NEUTRAL, "width": 2},
        "hovertemplate": f"p = %{{x:.3f}}<br>−{log_base.log_name} p = %{{y:.3f}}<extra></extra>",
    }]
    if len(p_true):
        shown = np.clip(np.asarray(p_true, dtype=float), 1e-3, 1.0)
        traces.append({
            "type": "scatter", "x": shown, "y": -log_base.log(shown), "mode": "markers+text",
            "marker": {"size": 13, "color": list(colors) or NEUTRAL,
                       "line": {"color": MARKER_EDGE, "width": 1}},
            "text": list(labels), "textposition": "top right",
            "hovertemplate": "%{text}: p = %{x:.3f}, loss = %{y:.3f}<extra></extra>",
        })
    layout = house_layout(
        title=title or f"Loss against p(true class), in {log_base.unit}",
        xaxis={"title": {"text": "probability given to the true class"}, "range": [0, 1.02]},
        yaxis={"title": {"text": f"loss = −{log_base.log_name} p ({log_base.unit})"}},
    )
    return go.Figure({"data": traces, "layout": layout})  # page 1 adds to it
