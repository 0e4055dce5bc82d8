"""Figure builders shared by the pages: numbers in, Plotly figure out (no Streamlit here).

Kept small (few traces, fixed height) because Plotly figures are rebuilt and sent to the
browser on every change of a slider.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from ui.colors import NEUTRAL, TARGET_OUTLINE, class_colors
from xent_core import LogBase

FONT = {"size": 14}


def house_layout(*, title: str, height: int = 320, xaxis: dict | None = None,
                 yaxis: dict | None = None, **extra) -> dict:
    """The house layout as a plain dict: readable when projected, small margins, white.

    Building a figure from one dict is several times faster than a chain of
    ``update_layout`` / ``update_xaxes`` calls, and figures are rebuilt on every rerun.
    """
    return {
        "title": {"text": title, "x": 0.0, "xanchor": "left"},
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 50, "b": 10},
        "font": FONT,
        "plot_bgcolor": "white",
        "paper_bgcolor": "white",
        "showlegend": False,
        "xaxis": {"showline": True, "linecolor": "#444", "automargin": True, **(xaxis or {})},
        "yaxis": {"gridcolor": "#e5e5e5", "zerolinecolor": "#444", "automargin": True,
                  **(yaxis or {})},
        **extra,
    }


def compact_layout(figure: go.Figure, *, title: str, height: int = 320) -> go.Figure:
    """Apply :func:`house_layout` to an existing figure (one ``update_layout`` call)."""
    layout = house_layout(title=title, height=height)
    # Keep axis settings the caller already made; add only the house defaults.
    for axis in ("xaxis", "yaxis"):
        current = figure.layout[axis].to_plotly_json()
        layout[axis] = {**layout[axis], **current}
    figure.update_layout(layout)
    return figure


def class_bars(values: Sequence[float], names: Sequence[str], *, title: str,
               yaxis_title: str, target: int | None = None, digits: int = 3,
               y_range: Sequence[float] | None = None) -> go.Figure:
    """One bar per class in the class's colour; the true class gets a black outline."""
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
    return go.Figure({"data": [bar], "layout": layout})


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
                       "line": {"color": "white", "width": 1}},
            "text": list(labels), "textposition": "top right",
            "hovertemplate": "%{text}: p = %{x:.3f}, loss = %{y:.3f}<extra></extra>",
        })
    layout = house_layout(
        title=title or f"Loss against p(true class), in {log_base.unit}",
        xaxis={"title": {"text": "probability given to the true class"}, "range": [0, 1.02]},
        yaxis={"title": {"text": f"loss = −{log_base.log_name} p ({log_base.unit})"}},
    )
    return go.Figure({"data": traces, "layout": layout})
