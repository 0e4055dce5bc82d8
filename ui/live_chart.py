"""A Plotly chart that a move redraws in place, in the light or dark theme the browser shows.

Why not ``st.plotly_chart``: Streamlit names a chart element after its figure, so every move
that changes a chart's numbers makes a new element; the browser throws the old chart away and
draws a new one from nothing (``Plotly.newPlot``, measured at about 115 ms a move on Five
classes' two charts, most of a move's time in the browser). :func:`live_chart` is one
Streamlit components-v2 element per chart, named by its ``key``: a move sends the new figure
to the same element, which redraws it with ``Plotly.react`` (only what changed).

What it keeps from ``st.plotly_chart(theme="streamlit")``:

* **Theme.** Colours come from the theme's CSS variables each time the element is drawn,
  and Streamlit draws it again when a learner switches Light / Dark in the app menu (no
  rerun): the page's background, text in the theme's text colour (also every
  :data:`ui.colors.INK` in the figure, the placeholder Streamlit's chart theme swaps the same
  way), grid and axis lines from the theme's border colour, hover labels on the theme's
  secondary background.
* **Toolbar** (Plotly's, on hover: PNG download named by ``config``, reset axes) and a
  **full-screen** button; the chart follows its column's width (a ``ResizeObserver``: also
  when the sidebar folds or an expander opens).
* **Title in bold**, and the **accessible name**: the wrapper is a ``figure`` named by ``alt``.

plotly.js itself is served by Streamlit's static file serving (``server.enableStaticServing``
in ``.streamlit/config.toml``) from ``static/plotly.min.js`` next to ``app.py``: a copy of the
file in the installed Python ``plotly`` package (:func:`install_plotly_js`, run by ``app.py``
at start-up and by the container build), so the charts draw the same plotly.js version the
figures are written for, with no network. It is loaded once per browser tab.
"""

from __future__ import annotations

import filecmp
import functools
import shutil
import tempfile
from pathlib import Path

import plotly
import streamlit as st

from ui.colors import INK

STATIC_DIR = Path(__file__).resolve().parents[1] / "static"  # served at /app/static/
PLOTLY_JS = STATIC_DIR / "plotly.min.js"
PLOTLY_JS_SOURCE = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


SVG_BARS_JS = (Path(__file__).with_name("svg_bars.js")).read_text(encoding="utf-8")

FULLSCREEN_PATH = "M4 4h6v2H6v4H4V4zm10 0h6v6h-2V6h-4V4zM4 14h2v4h4v2H4v-6zm14 4v-4h2v6h-6v-2h4z"
CAMERA_PATH = ("M9 3 7.2 5H4a2 2 0 0 0-2 2v11a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2V7a2 2 0 0 0-2-2h-3.2"
               "L15 3H9zm3 5a4.5 4.5 0 1 1 0 9 4.5 4.5 0 0 1 0-9zm0 2a2.5 2.5 0 1 0 0 5 2.5 2.5 0 0"
               " 0 0-5z")


def _tool(name: str, label: str, path: str) -> str:
    return (f'<button type="button" class="xent-{name}" aria-label="{label}" title="{label}">'
            f'<svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">'
            f'<path fill="currentColor" d="{path}"/></svg></button>')


# The plot, then the toolbar of the SVG route (Plotly draws its own): PNG and full screen.
HTML = ('<div class="xent-chart" data-testid="xent-chart" role="figure"><div></div>'
        '<div class="xent-chart-tools" hidden>'
        + _tool("png", "Download plot as PNG", CAMERA_PATH)
        + _tool("full", "Full screen", FULLSCREEN_PATH) + "</div></div>")

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

JS = SVG_BARS_JS + """
const FULLSCREEN_ICON = { width: 24, height: 24, path: '""" + FULLSCREEN_PATH + """' };

function loadPlotly() {
  if (!window.__xentPlotly) {
    window.__xentPlotly = new Promise((resolve, reject) => {
      if (window.Plotly) { resolve(window.Plotly); return; }
      const script = document.createElement('script');
      script.src = new URL('app/static/plotly.min.js', document.baseURI).href;
      script.onload = () => resolve(window.Plotly);
      script.onerror = () => { window.__xentPlotly = null; reject(new Error('plotly.js')); };
      document.head.appendChild(script);
    });
  }
  return window.__xentPlotly;
}

function themeOf(element) {
  const css = getComputedStyle(element);
  const read = (name, fallback) => css.getPropertyValue(name).trim() || fallback;
  const text = read('--st-text-color', css.color);
  return {
    text,
    font: css.fontFamily,
    background: read('--st-background-color', '#FFFFFF'),
    panel: read('--st-secondary-background-color', '#F0F2F6'),
    border: read('--st-border-color', 'rgba(128, 128, 128, 0.4)'),
  };
}

function themedTemplate(theme) {
  const axis = { gridcolor: theme.border, zerolinecolor: theme.border,
                 linecolor: theme.text, tickcolor: theme.border };
  return { layout: {
    font: { family: theme.font, color: theme.text },
    paper_bgcolor: theme.background, plot_bgcolor: theme.background,
    xaxis: axis, yaxis: axis,
    hoverlabel: { bgcolor: theme.panel, bordercolor: theme.border,
                  font: { family: theme.font, color: theme.text } },
    legend: { font: { color: theme.text } },
    modebar: { bgcolor: 'rgba(0,0,0,0)', color: theme.text, activecolor: theme.text },
  } };
}

function draw(wrapper, plot, Plotly) {
  const state = wrapper.__xent;
  const theme = themeOf(wrapper);
  const figure = JSON.parse(state.figure.split('""" + INK + """').join(theme.text));
  const layout = { ...figure.layout, template: themedTemplate(theme), autosize: true };
  if (layout.title && layout.title.text) {  // bold, as Streamlit draws a chart's title
    layout.title = { ...layout.title, text: `<b>${layout.title.text}</b>` };
  }
  // Margins: the axes make room for their labels (automargin), which costs Plotly a second
  // layout pass whenever the margins grow. A redraw of the same chart (only its numbers
  // changed) starts from the margins it already grew to, so they grow only when the labels
  // need more room; new titles, fonts or size (presenter mode) start afresh.
  const frame = JSON.stringify([layout.height, layout.title, layout.font,
    (layout.xaxis || {}).title, (layout.yaxis || {}).title]);
  const size = plot._fullLayout && plot._fullLayout._size;
  if (size && wrapper.__xentFrame === frame) {
    layout.margin = { ...(layout.margin || {}), l: size.l, r: size.r, t: size.t, b: size.b };
  }
  wrapper.__xentFrame = frame;
  if (document.fullscreenElement === wrapper) layout.height = wrapper.clientHeight - 32;
  const config = { ...state.config, responsive: false,
    modeBarButtonsToAdd: [{ name: 'fullscreen', title: 'Full screen', icon: FULLSCREEN_ICON,
      click: () => (document.fullscreenElement === wrapper
        ? document.exitFullscreen() : wrapper.requestFullscreen()) }] };
  return Plotly.react(plot, figure.data, layout, config);
}

// The SVG route (svg_bars.js): drawn at the wrapper's width, which a ResizeObserver keeps
// (read from the page only for the first drawing: reading it after every move would make
// the browser lay out the page React just changed).
function drawSvg(wrapper, plot) {
  const state = wrapper.__xent;
  const theme = themeOf(wrapper);
  const figure = JSON.parse(state.figure.split('""" + INK + """').join(theme.text));
  if (!wrapper.__xentWidth) wrapper.__xentWidth = wrapper.clientWidth;
  let height = figure.layout.height || 320;
  if (document.fullscreenElement === wrapper) height = wrapper.clientHeight - 32;
  plot.innerHTML = barChartSvg(figure, wrapper.__xentWidth, height, theme);
  wrapper.dispatchEvent(new CustomEvent('xent-chart-drawn', { bubbles: true }));
}

function watchSvg(wrapper, plot) {
  if (wrapper.__xentSvgWatched) return;
  wrapper.__xentSvgWatched = true;
  watchHover(wrapper, plot);
  const tools = wrapper.querySelector('.xent-chart-tools');
  tools.querySelector('.xent-png').addEventListener('click', () => {
    const options = (wrapper.__xent.config || {}).toImageButtonOptions || {};
    downloadPng(plot, options.filename || 'chart', options.scale || 2);
  });
  tools.querySelector('.xent-full').addEventListener('click', () => (
    document.fullscreenElement === wrapper ? document.exitFullscreen()
      : wrapper.requestFullscreen()));
  wrapper.addEventListener('fullscreenchange', () => {
    if (wrapper.__xentRoute === 'svg') drawSvg(wrapper, plot);
  });
  let pending = false;
  new ResizeObserver((entries) => {
    const width = Math.round(entries[entries.length - 1].contentRect.width);
    if (!width || width === wrapper.__xentWidth) return;
    wrapper.__xentWidth = width;
    if (pending || wrapper.__xentRoute !== 'svg') return;
    pending = true;
    requestAnimationFrame(() => { pending = false; drawSvg(wrapper, plot); });
  }).observe(wrapper);
}

export default function (component) {
  const { data, parentElement } = component;
  const wrapper = parentElement.querySelector('.xent-chart');
  const plot = wrapper.firstElementChild;
  if (data.alt) wrapper.setAttribute('aria-label', data.alt);
  else wrapper.removeAttribute('aria-label');
  const theme = JSON.stringify(themeOf(wrapper));
  const previous = wrapper.__xent;
  if (previous && previous.figure === data.figure && previous.theme === theme
      && previous.draw === data.draw
      && previous.configText === JSON.stringify(data.config)) return;
  wrapper.__xent = { figure: data.figure, config: data.config, theme, draw: data.draw,
                     configText: JSON.stringify(data.config) };
  const route = data.draw === 'svg' ? 'svg' : 'plotly';
  if (wrapper.__xentRoute && wrapper.__xentRoute !== route) {  // the figure changed kind
    if (window.Plotly && plot._fullLayout) window.Plotly.purge(plot);
    plot.innerHTML = '';
    wrapper.__xentFrame = null;
  }
  wrapper.__xentRoute = route;
  wrapper.querySelector('.xent-chart-tools').hidden = route !== 'svg';
  if (route === 'svg') {
    watchSvg(wrapper, plot);
    drawSvg(wrapper, plot);
    return;
  }
  loadPlotly().then((Plotly) => {
    if (wrapper.__xentRoute !== 'plotly') return;  // an SVG figure arrived meanwhile
    draw(wrapper, plot, Plotly);
    if (!wrapper.__xentResize) {
      let pending = false;
      wrapper.__xentResize = new ResizeObserver(() => {
        if (pending || !plot._fullLayout) return;
        pending = true;
        requestAnimationFrame(() => { pending = false; Plotly.Plots.resize(plot); });
      });
      wrapper.__xentResize.observe(wrapper);
      wrapper.addEventListener('fullscreenchange', () => {
        if (wrapper.__xentRoute === 'plotly') draw(wrapper, plot, Plotly);
      });
    }
  });
}
"""

_chart = st.components.v2.component("xent.live_chart", html=HTML, css=CSS, js=JS,
                                    isolate_styles=False)


@functools.cache
def install_plotly_js() -> Path:
    """Copy plotly.js from the installed ``plotly`` package to :data:`PLOTLY_JS`, unless the
    same file is already there (Streamlit refuses to serve a symlink out of ``static/``).
    Once per process (``app.py`` calls it on every run)."""
    if not (PLOTLY_JS.exists() and filecmp.cmp(PLOTLY_JS, PLOTLY_JS_SOURCE, shallow=False)):
        STATIC_DIR.mkdir(exist_ok=True)
        # A copy of its own, then one rename: whole or not at all for a server already
        # serving the file, and `make classroom`'s processes may all start at once.
        with (tempfile.NamedTemporaryFile(dir=STATIC_DIR, suffix=".partial",
                                          delete=False) as partial,
              PLOTLY_JS_SOURCE.open("rb") as source):
            shutil.copyfileobj(source, partial)
        Path(partial.name).chmod(0o644)  # readable by the server's user (a temp file is 0600)
        Path(partial.name).replace(PLOTLY_JS)
    return PLOTLY_JS


# What the SVG route (svg_bars.js) draws: one bar per class (ui.figures.class_bars_spec),
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
    return isinstance(values, list) and all(
        isinstance(v, int | float) or (gaps and v is None) for v in values)


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
    route (``ui/svg_bars.js``) rather than by plotly.js: one bar trace of one bar per class
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


if __name__ == "__main__":  # the container build: python -m ui.live_chart
    print(install_plotly_js())
