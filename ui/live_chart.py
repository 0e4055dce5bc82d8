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


HTML = '<div class="xent-chart" data-testid="xent-chart" role="figure"><div></div></div>'

CSS = """
.xent-chart { width: 100%; min-height: 2rem; }
.xent-chart:fullscreen { background: var(--st-background-color); padding: 1rem;
                         box-sizing: border-box; }
"""

JS = """
const FULLSCREEN_ICON = {
  width: 24, height: 24,
  path: 'M4 4h6v2H6v4H4V4zm10 0h6v6h-2V6h-4V4zM4 14h2v4h4v2H4v-6zm14 4v-4h2v6h-6v-2h4z',
};

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

export default function (component) {
  const { data, parentElement } = component;
  const wrapper = parentElement.querySelector('.xent-chart');
  const plot = wrapper.firstElementChild;
  if (data.alt) wrapper.setAttribute('aria-label', data.alt);
  else wrapper.removeAttribute('aria-label');
  const theme = JSON.stringify(themeOf(wrapper));
  const previous = wrapper.__xent;
  if (previous && previous.figure === data.figure && previous.theme === theme
      && previous.configText === JSON.stringify(data.config)) return;
  wrapper.__xent = { figure: data.figure, config: data.config, theme,
                     configText: JSON.stringify(data.config) };
  loadPlotly().then((Plotly) => {
    draw(wrapper, plot, Plotly);
    if (!wrapper.__xentResize) {
      let pending = false;
      wrapper.__xentResize = new ResizeObserver(() => {
        if (pending || !plot._fullLayout) return;
        pending = true;
        requestAnimationFrame(() => { pending = false; Plotly.Plots.resize(plot); });
      });
      wrapper.__xentResize.observe(wrapper);
      wrapper.addEventListener('fullscreenchange', () => draw(wrapper, plot, Plotly));
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


def live_chart(figure_json: str, *, key: str, alt: str | None, config: dict,
               container=None) -> None:
    """Draw a figure (its JSON, ``{"data": [...], "layout": {...}}``, no template) as the
    element named ``key``; the next run with the same ``key`` redraws it in place.

    ``alt`` is the chart's accessible name; ``config`` is Plotly's config (toolbar, PNG name).
    """
    data = {"figure": figure_json, "alt": alt, "config": config}
    if container is None:
        _chart(key=key, data=data)
    else:
        with container:
            _chart(key=key, data=data)


if __name__ == "__main__":  # the container build: python -m ui.live_chart
    print(install_plotly_js())
