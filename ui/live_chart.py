"""A chart (a Plotly figure) that a move redraws in place, in the light or dark theme the
browser shows: bars per class as SVG of our own, any other figure with plotly.js.

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
from the network). It draws a figure of one bar per class (and gradient-step arrows) as SVG
of its own, and any other figure with plotly.js: :func:`drawn_as_svg`.
"""

from __future__ import annotations

import math

import streamlit as st

from ui.assets import element_js

# The plot, then the toolbar of the SVG route (ui/live_chart.js fills it; Plotly draws its own).
HTML = ('<div class="xent-chart" data-testid="xent-chart" role="figure"><div></div>'
        '<div class="xent-chart-tools" hidden></div></div>')

CSS = """
.xent-chart { width: 100%; min-height: 2rem; position: relative; }
.xent-chart > div:first-child > svg { display: block; }
.xent-chart-tools { position: absolute; top: 0; right: 0; display: flex; gap: 2px;
                    opacity: 0; transition: opacity 0.15s; }
.xent-chart-tools[hidden] { display: none; }
.xent-chart:hover .xent-chart-tools, .xent-chart:focus-within .xent-chart-tools { opacity: 1; }
.xent-chart-tools button { border: none; background: transparent; padding: 4px; cursor: pointer;
                           color: var(--st-text-color); border-radius: 4px; line-height: 0; }
.xent-chart-tools button:hover { background: var(--st-secondary-background-color); }
.xent-chart-tools button:focus-visible { outline: 2px solid var(--st-primary-color); }
.xent-chart-tip { position: absolute; pointer-events: none; white-space: nowrap; z-index: 2;
                  background: var(--st-secondary-background-color); color: var(--st-text-color);
                  border: 1px solid var(--st-border-color); border-radius: 4px;
                  padding: 2px 6px; font-size: 14px; }
.xent-chart:fullscreen { background: var(--st-background-color); padding: 1rem;
                         box-sizing: border-box; }
"""

JS = element_js("live_chart.js")  # ui/live_chart.js, loaded once per tab (ui/assets.py)

_chart = st.components.v2.component("xent.live_chart", html=HTML, css=CSS, js=JS,
                                    isolate_styles=False)


# What the SVG route (ui/live_chart.js) draws: one bar per class (ui.figures.class_bars_spec),
# optionally with arrows (ui.five_class_figures.logit_figure). A figure that uses any other
# property, or another value of these, is drawn by Plotly.
_SVG_BAR = {"type", "x", "y", "marker", "text", "textposition", "cliponaxis", "hovertext",
            "hovertemplate"}
_SVG_ARROWS = {"type", "x", "y", "mode", "line", "marker", "hovertext", "hovertemplate",
               "cliponaxis"}
_SVG_LAYOUT = {"title", "height", "margin", "font", "showlegend", "xaxis", "yaxis", "legend"}
_SVG_TITLE = {"text", "x", "xanchor", "font"}
_SVG_XAXIS = {"automargin", "tickfont", "showline", "tickmode", "tickvals", "ticktext", "title"}
_SVG_YAXIS = {"automargin", "tickfont", "title", "range"}


def _numbers(values, *, gaps: bool = False) -> bool:
    """A non-empty list of finite numbers (and, with ``gaps``, None between segments)."""
    return isinstance(values, list) and bool(values) and all(
        (isinstance(v, int | float) and math.isfinite(v)) or (gaps and v is None)
        for v in values)


def _svg_bars(trace: dict) -> bool:
    marker = trace.get("marker", {})
    return (trace.get("type") == "bar" and trace.keys() <= _SVG_BAR and _numbers(trace["y"])
            and trace.get("x") == list(range(len(trace["y"])))
            and trace.get("textposition", "outside") == "outside"
            and marker.keys() <= {"color", "line"}
            and marker.get("line", {}).keys() <= {"color", "width"})


def _svg_arrows(trace: dict) -> bool:
    marker = trace.get("marker", {})
    return (trace.get("type") == "scatter" and trace.keys() <= _SVG_ARROWS
            and trace.get("mode") == "lines+markers"
            and _numbers(trace.get("x"), gaps=True) and _numbers(trace.get("y"), gaps=True)
            and marker.keys() <= {"symbol", "angleref", "size", "color"}
            and marker.get("symbol") == "arrow" and marker.get("angleref") == "previous"
            and trace.get("line", {}).keys() <= {"color", "width"})


def drawn_as_svg(figure: dict) -> bool:
    """Whether ``figure`` (``{"data", "layout"}``, no template) is drawn by the chart's SVG
    route (``ui/live_chart.js``) rather than by plotly.js: one bar trace of one bar per class
    (x = 0, 1, ...; values above the bars), then only gradient-step arrows, with a title
    (line breaks only), fonts, height, margins, class names as x ticks and a y title and
    range. Anything else, however small, goes to Plotly, which draws every figure."""
    data, layout = figure.get("data", []), figure.get("layout", {})
    title = layout.get("title", {})
    xaxis, yaxis = layout.get("xaxis", {}), layout.get("yaxis", {})
    return bool(
        data and _svg_bars(data[0]) and all(_svg_arrows(trace) for trace in data[1:])
        and (len(data) == 1 or layout.get("showlegend") is False)
        and layout.keys() <= _SVG_LAYOUT and title.keys() <= _SVG_TITLE
        and "<" not in str(title.get("text", "")).replace("<br>", "")
        and title.get("x", 0) == 0 and title.get("xanchor", "left") == "left"
        and xaxis.keys() <= _SVG_XAXIS and yaxis.keys() <= _SVG_YAXIS
        and not xaxis.get("title", {}).get("text")
        and xaxis.get("tickvals", data[0]["x"]) == data[0]["x"])


def live_chart(figure_json: str, *, key: str, alt: str | None, config: dict,
               svg: bool = False, container=None) -> None:
    """Draw a figure (its JSON, ``{"data": [...], "layout": {...}}``, no template) as the
    element named ``key``; the next run with the same ``key`` redraws it in place.

    ``alt`` is the chart's accessible name; ``config`` is Plotly's config (toolbar, PNG name);
    ``svg`` draws it as SVG instead of with plotly.js (only a figure :func:`drawn_as_svg`).
    """
    data = {"figure": figure_json, "alt": alt, "config": config,
            "draw": "svg" if svg else "plotly"}
    if container is None:
        _chart(key=key, data=data)
    else:
        with container:
            _chart(key=key, data=data)
