"""Streamlit pieces every page shares for drawing: input errors, charts, and whether the
reader holds a phone.

(A page's inputs, its header and its stage live in :mod:`ui.lesson_state`.)
"""

from __future__ import annotations

import re
import weakref
from urllib.parse import urlsplit

import plotly.io as pio
import streamlit as st

from ui.figure_spec import SpecFigure, plain_spec
from ui.figures import present
from ui.live_chart import drawn_as_svg, live_chart
from ui.presenter import presenting
from ui.text import escape_markdown

# Plotly's toolbar shows on hover: download as PNG (named after the chart), reset axes.
CHART_CONFIG = {
    "displayModeBar": "hover",
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": [
        "zoom2d", "pan2d", "select2d", "lasso2d", "zoomIn2d", "zoomOut2d", "autoScale2d",
        "toggleSpikelines", "hoverClosestCartesian", "hoverCompareCartesian",
    ],
}


def on_a_phone() -> bool:
    """Whether this session's browser is a phone's (its User-Agent says ``Mobi``, as Safari
    on iPhone and Chrome or Firefox on Android phones do; tablets do not).

    Streamlit stacks columns on narrow screens by itself; this is for the few layouts that
    must change order on a phone, where CSS cannot reach (a grid's column order, widgets that
    follow the charts instead of preceding them). Without a browser (AppTest, a load-test
    client) it is False.
    """
    return "Mobi" in st.context.headers.get("User-Agent", "")


def input_error(message: str, container=None) -> None:
    """Show a ``ValueError`` from ``xent_core`` next to the input that caused it."""
    (container or st).error(escape_markdown(message), icon=":material/error:")


def slug(text: str, words: int = 6) -> str:
    """``"Softmax probabilities p (they add up to 1)"`` → ``"softmax-probabilities-p-they-add-up"``.

    Plotly markup (``<br>``, ``<b>``) is dropped; at most ``words`` words are kept.
    """
    plain = re.sub(r"<[^>]*>", " ", str(text)).lower()
    return "-".join(re.findall(r"[a-z0-9]+", plain)[:words])


def figure_title(figure) -> str:
    """The figure's title as plain text (``""`` if it has none)."""
    if isinstance(figure, dict):
        text = (figure.get("layout", {}).get("title") or {}).get("text")
    else:
        text = figure.layout.title.text
    return re.sub(r"\s+", " ", re.sub(r"<[^>]*>", " ", str(text or ""))).strip()


def chart_filename(title: str, page_url: str | None = None) -> str:
    """The download name of a chart: its page and what it shows, e.g.
    ``five-classes-softmax-probabilities-p-they-add-up`` (Plotly adds ``.png``)."""
    page = slug(urlsplit(page_url).path.rstrip("/").rsplit("/", 1)[-1]) if page_url else ""
    return "-".join(part for part in (page or "cross-entropy-lab", slug(title)) if part)


def chart_config(filename: str) -> dict:
    """Plotly's config for one chart: the house toolbar, PNG downloads at twice the size."""
    return {**CHART_CONFIG,
            "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2}}


def show_figure(figure, *, key: str, container=None, filename: str | None = None,
                alt: str | None = None) -> None:
    """Draw a Plotly figure in the app's light or dark theme, with its toolbar on hover.

    The chart is the element named ``key``: the next run redraws it in place
    (:mod:`ui.live_chart`), in the colours of the theme the browser shows, and follows the
    app menu's theme switch without a rerun; the figure's own colours (``ui.colors``) read on
    both. In presenter mode the chart is drawn from a scaled copy (:func:`ui.figures.present`):
    cached figures are shared and never changed. ``filename`` names the PNG download
    (default: page and title, see :func:`chart_filename`); ``alt`` is the accessible name
    (default: the title).
    """
    spec = plain_spec(figure)
    title = figure_title(spec)
    if presenting():
        shown = present(spec)
        figure_json, svg = pio.to_json(shown, validate=False), drawn_as_svg(shown)
    elif isinstance(figure, SpecFigure):
        # encoded and checked once per figure (cached figures are shared by every run)
        figure_json, svg = figure.json, _svg_route(figure)
    else:
        figure_json, svg = pio.to_json(spec, validate=False), drawn_as_svg(spec)
    live_chart(figure_json, key=key, alt=alt or title or None,
               config=chart_config(filename or chart_filename(title, st.context.url)),
               svg=svg, container=container)


# Whether each SpecFigure still alive is drawn as SVG: a figure a cache shares (the overflow
# chart, the calibration charts) is checked once, not on every run of every student.
_SVG_ROUTES: weakref.WeakKeyDictionary[SpecFigure, bool] = weakref.WeakKeyDictionary()


def _svg_route(figure: SpecFigure) -> bool:
    route = _SVG_ROUTES.get(figure)
    if route is None:
        route = _SVG_ROUTES[figure] = drawn_as_svg(figure.plain)
    return route
