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


def compact_layout(figure: go.Figure, *, title: str, height: int = 320) -> go.Figure:
    """The house layout: readable when projected, small margins, white background."""
    figure.update_layout(
        title={"text": title, "x": 0.0, "xanchor": "left"},
        height=height,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        font=FONT,
        plot_bgcolor="white",
        paper_bgcolor="white",
        showlegend=False,
    )
    figure.update_xaxes(showline=True, linecolor="#444", automargin=True)
    figure.update_yaxes(gridcolor="#e5e5e5", zerolinecolor="#444", automargin=True)
    return figure


def class_bars(values: Sequence[float], names: Sequence[str], *, title: str,
               yaxis_title: str, target: int | None = None, digits: int = 3,
               y_range: Sequence[float] | None = None) -> go.Figure:
    """One bar per class in the class's colour; the true class gets a black outline."""
    n = len(values)
    outline = [3 if i == target else 0 for i in range(n)]
    figure = go.Figure(
        go.Bar(
            x=list(range(n)),
            y=list(map(float, values)),
            marker={"color": class_colors(n), "line": {"color": TARGET_OUTLINE, "width": outline}},
            text=[f"{float(v):.{digits}f}" for v in values],
            textposition="outside",
            cliponaxis=False,
            hovertext=list(names),
            hovertemplate="%{hovertext}: %{y:.4f}<extra></extra>",
        )
    )
    figure.update_xaxes(tickmode="array", tickvals=list(range(n)), ticktext=list(names))
    figure.update_yaxes(title=yaxis_title)
    if y_range is not None:
        figure.update_yaxes(range=list(y_range))
    return compact_layout(figure, title=title)


def loss_curve(log_base: LogBase, *, p_true: Sequence[float] = (),
               labels: Sequence[str] = (), colors: Sequence[str] = (),
               title: str | None = None) -> go.Figure:
    """The curve ``-log_b(p)`` against the probability given to the true class.

    Each ``p_true[i]`` is drawn as a marker on the curve (confident and right sits near 0;
    confident and wrong shoots up).
    """
    p = np.geomspace(1e-3, 1.0, 200)
    figure = go.Figure(
        go.Scatter(
            x=p, y=-log_base.log(p), mode="lines", line={"color": NEUTRAL, "width": 2},
            hovertemplate=f"p = %{{x:.3f}}<br>−{log_base.log_name} p = %{{y:.3f}}<extra></extra>",
        )
    )
    if len(p_true):
        shown = np.clip(np.asarray(p_true, dtype=float), 1e-3, 1.0)
        figure.add_trace(
            go.Scatter(
                x=shown, y=-log_base.log(shown), mode="markers+text",
                marker={"size": 13, "color": list(colors) or NEUTRAL,
                        "line": {"color": "white", "width": 1}},
                text=list(labels), textposition="top right",
                hovertemplate="%{text}: p = %{x:.3f}, loss = %{y:.3f}<extra></extra>",
            )
        )
    figure.update_xaxes(title="probability given to the true class", range=[0, 1.02])
    figure.update_yaxes(title=f"loss = −{log_base.log_name} p ({log_base.unit})")
    return compact_layout(figure, title=title or f"Loss against p(true class), in {log_base.unit}")
