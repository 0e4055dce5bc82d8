"""Figure for the cat-vs-dog page: every spreadsheet row as a point on the curve ``-log x``.

Pure: numbers in, Plotly figure out. The losses are the ones ``xent_core`` computed for the
table; this module only places them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from ui.colors import MARKER_EDGE, NEUTRAL, class_color
from ui.figures import loss_curve
from xent_core import LogBase

MISTAKE_RING = "#D62728"  # 3:1 against both themes' backgrounds
LOWEST_SHOWN = 1e-3  # the curve starts here; a row that gives its true class 0 is drawn at ∞
LABEL_ROOM = 0.1  # points closer than this (share of each axis) share one label


def _row_text(numbers: Sequence[int]) -> str:
    return ("row " if len(numbers) == 1 else "rows ") + ", ".join(map(str, numbers))


def rows_on_loss_curve(log_base: LogBase, *, true_class_values: Sequence[float],
                       losses: Sequence[float], labels: Sequence[int],
                       row_numbers: Sequence[int], class_names: Sequence[str],
                       mistake: int | None = None, x_name: str = "P(true class)") -> go.Figure:
    """The loss curve ``-log_b x`` with one marker per row at ``(x, loss)``.

    Parameters
    ----------
    true_class_values : the probability (or raw activation) each row gives its true class.
    losses : each row's loss, from ``xent_core`` (``inf`` when the true class got 0).
    labels : each row's true class index: the marker takes that class's colour.
    row_numbers : how the table numbers the rows (markers at the same point share a label).
    mistake : position (in these sequences) of the most confident mistake, ringed in red.
    x_name : what the x axis measures.

    Beyond ``x = 1`` (only reachable when a row does not sum to 1) the curve goes on, dashed,
    and dips below 0: the "screwy" negative losses.
    """
    x = np.asarray(true_class_values, dtype=float)
    y = np.asarray(losses, dtype=float)
    figure = loss_curve(log_base, title=f"Each row on the loss curve ({log_base.unit})")
    figure.data[0].showlegend = False  # the curve: the legend is for the rows' colours
    finite = y[np.isfinite(y)]
    top = max(float(-log_base.log(LOWEST_SHOWN)), float(finite.max()) if finite.size else 0.0)
    x_max = max(1.0, float(x.max()) if x.size else 1.0)
    if x_max > 1.0:
        beyond = np.linspace(1.0, x_max * 1.05, 60)
        figure.add_trace(go.Scatter(
            x=beyond, y=-log_base.log(beyond), mode="lines", showlegend=False,
            line={"color": NEUTRAL, "width": 2, "dash": "dash"}, hoverinfo="skip",
        ))
        figure.add_vrect(x0=1.0, x1=x_max * 1.05, fillcolor="#F4CCCC", opacity=0.35,
                         line_width=0, annotation_text="rows that do not sum to 1",
                         annotation_position="top left")
    shown_x = np.clip(x, LOWEST_SHOWN, None)
    shown_y = np.where(np.isfinite(y), y, top)

    # Rows at the same point, or so close that their labels would overlap (0.95 and 0.98),
    # share one label, written next to the first of them.
    x_end = x_max * 1.05 + 0.02
    y_low = min(0.0, float(np.min(shown_y))) if y.size else 0.0
    order = np.argsort(shown_x, kind="stable")
    groups: list[list[int]] = []
    for i in order:
        near = next((g for g in groups
                     if abs(shown_x[g[0]] - shown_x[i]) <= LABEL_ROOM * x_end
                     and abs(shown_y[g[0]] - shown_y[i]) <= LABEL_ROOM * (top - y_low)
                     and (mistake in g) == (i == mistake)), None)
        if near is None:
            groups.append([int(i)])
        else:
            near.append(int(i))
    text = [""] * len(x)
    mistake_text = ""
    for members in groups:
        numbers = sorted(row_numbers[i] for i in members)
        infinite = " (loss ∞)" if not np.isfinite(y[members[0]]) else ""
        if mistake in members:  # named by the annotation instead
            mistake_text = _row_text(numbers) + infinite
        else:
            text[members[0]] = _row_text(numbers) + infinite

    # Neighbouring labels alternate above and below; labels near the right edge go left.
    position = ["top right"] * len(x)
    # Labels of points near the x axis go above them, never below the axis (nor off the top).
    near_axis = y_low + 0.15 * (top - y_low)
    for rank, i in enumerate(group[0] for group in groups):
        vertical = "bottom" if rank % 2 else "top"
        if shown_y[i] <= near_axis:
            vertical = "top"
        elif shown_y[i] >= 0.9 * top:
            vertical = "bottom"
        position[i] = f"{vertical} {'left' if shown_x[i] > 0.8 * x_end else 'right'}"

    for c, name in enumerate(class_names):
        idx = [i for i, label in enumerate(labels) if label == c]
        if not idx:
            continue
        figure.add_trace(go.Scatter(
            x=shown_x[idx], y=shown_y[idx], mode="markers+text", name=f"label {name}",
            marker={"size": 13, "color": class_color(c),
                    "line": {"color": MARKER_EDGE, "width": 1}},
            text=[text[i] for i in idx], textposition=[position[i] for i in idx],
            cliponaxis=False,
            customdata=[[row_numbers[i], x[i], y[i]] for i in idx],
            hovertemplate=(f"row %{{customdata[0]}} (label {name})<br>{x_name} = "
                           "%{customdata[1]:.4g}<br>loss = %{customdata[2]:.4f}<extra></extra>"),
        ))
    if mistake is not None:
        figure.add_trace(go.Scatter(
            x=[shown_x[mistake]], y=[shown_y[mistake]], mode="markers", showlegend=False,
            marker={"size": 26, "symbol": "circle-open", "color": MISTAKE_RING,
                    "line": {"width": 3}},
            hoverinfo="skip",
        ))
        # Short lines pointing into the open part of the plot: up and right of the point,
        # or down (near the top) and left (near the right edge).
        on_the_right = shown_x[mistake] > 0.55 * x_end
        figure.add_annotation(
            x=shown_x[mistake], y=shown_y[mistake],
            text=f"{mistake_text}:<br>the most confident<br>mistake",
            showarrow=True, arrowhead=2, arrowcolor=MISTAKE_RING,
            ax=-30 if on_the_right else 30, ay=45 if shown_y[mistake] > 0.6 * top else -55,
            xanchor="right" if on_the_right else "left", align="left",
            font={"color": MISTAKE_RING},
        )
    figure.update_xaxes(title={"text": x_name}, range=[0, x_end])
    figure.update_yaxes(range=[y_low - 0.05 * top, top * 1.1])
    figure.update_layout(
        height=360, showlegend=True,
        legend={"x": 0.98, "xanchor": "right", "y": 0.98, "yanchor": "top",
                "bgcolor": "rgba(0,0,0,0)"},
    )
    return figure
