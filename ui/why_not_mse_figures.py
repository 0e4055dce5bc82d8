"""Figures for lesson 5, "Why not MSE?": numbers in, Plotly figure out. No Streamlit here.

Three losses, always in the same three colours (colour-blind safe, from Okabe & Ito) and
the same three dash styles, so a learner who cannot tell the colours apart still can:
cross-entropy solid, MSE on the probabilities dashed, the hinge dotted. Figures are built
from one dict each (cheap: they are rebuilt on every move of a slider).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ui.colors import CLASS_COLORS, INK, NEUTRAL
from ui.figure_spec import SpecFigure, figure_from_spec
from ui.figures import axis_style, house_layout
from xent_core import LogBase

LOSS_STYLES = (  # cross-entropy, MSE on probabilities, multiclass hinge
    {"color": CLASS_COLORS[0], "dash": "solid"},
    {"color": CLASS_COLORS[5], "dash": "dash"},
    {"color": CLASS_COLORS[2], "dash": "dot"},
)
SHORT_NAMES = ("cross-entropy", "MSE", "hinge")


def _line(x, y, i: int, *, name: str, xaxis: str = "x", yaxis: str = "y",
          legend: bool = True, hover: str = "") -> dict:
    return {
        "type": "scatter", "x": x, "y": y, "mode": "lines", "name": name,
        "line": {"width": 3, **LOSS_STYLES[i]}, "xaxis": xaxis, "yaxis": yaxis,
        "showlegend": legend, "legendgroup": name, "hovertemplate": hover,
    }


def _markers(x: float, ys: Sequence[float], *, yaxis: str = "y") -> dict:
    """One marker per loss at the current logit (one trace: figures with fewer traces build
    faster)."""
    return {
        "type": "scatter", "x": [x] * len(ys), "y": [float(y) for y in ys], "mode": "markers",
        "showlegend": False, "yaxis": yaxis, "hoverinfo": "skip",
        "marker": {"size": 11, "color": [style["color"] for style in LOSS_STYLES[:len(ys)]],
                   "line": {"color": INK, "width": 1.5}},
    }


def sweep_figure(sweep_logits: Sequence[float], sweep_probabilities: Sequence[float],
                 sweep_losses: Sequence[Sequence[float]],
                 sweep_grads: Sequence[Sequence[float]], current_logit: float,
                 current_losses: Sequence[float], current_grads: Sequence[float],
                 *, true_name: str, log_base: LogBase, height: int = 335) -> SpecFigure:
    """The three losses (top) and their derivatives (bottom) as the true class's logit moves.

    ``sweep_losses[i]`` / ``sweep_grads[i]`` are loss ``i``'s values and ``d loss / d x_true``
    along ``sweep_logits``; the markers and the dashed line show the current logit.
    The x axis runs from very wrong (left) to very right (right).
    The default height leaves the stage on one 1366 x 768 screen in presenter mode too
    (charts grow by 1.2 there: 335 -> 402 px, below a chart top at ~355 px).
    """
    # NumPy arrays, not lists: Plotly validates them several times faster (and sends them
    # to the browser as compact typed arrays).
    x = np.asarray(sweep_logits, dtype=float)
    p = np.asarray(sweep_probabilities, dtype=float)
    traces = []
    for i, name in enumerate(SHORT_NAMES):
        unit = f" {log_base.unit}" if i == 0 else ""
        traces.append({**_line(x, np.asarray(sweep_losses[i], dtype=float), i, name=name,
                               hover=f"{name}: %{{y:.4f}}{unit}<br>x = %{{x:.2f}}, "
                                     "p(true) = %{customdata:.2e}<extra></extra>"),
                       "customdata": p})
        traces.append(_line(x, np.asarray(sweep_grads[i], dtype=float), i, name=name, yaxis="y2",
                            legend=False,
                            hover=f"{name}: gradient %{{y:.5f}}<br>x = %{{x:.2f}}<extra></extra>"))
    traces.append(_markers(current_logit, current_losses))
    traces.append(_markers(current_logit, current_grads, yaxis="y2"))
    layout = house_layout(
        title=f"{true_name}'s logit: very wrong → very right",
        height=height,
        xaxis={"title": {"text": f"logit of the true class, {true_name}"}, "anchor": "y2"},
        yaxis={"title": {"text": "loss"}, "domain": [0.52, 1.0], "rangemode": "tozero"},
        yaxis2=axis_style({"title": {"text": "d loss / d logit"}, "domain": [0.0, 0.44],
                           "zerolinecolor": INK}),
        showlegend=True,
        # Inside the loss panel, top right: every loss is near 0 once the model is right.
        legend={"x": 1.0, "xanchor": "right", "y": 1.0, "yanchor": "top"},
        shapes=[{"type": "line", "xref": "x", "yref": "paper", "x0": current_logit,
                 "x1": current_logit, "y0": 0, "y1": 1,
                 "line": {"color": NEUTRAL, "width": 1.5, "dash": "dash"}}],
        hovermode="closest",
    )
    return figure_from_spec({"data": traces, "layout": layout})


def gradient_figure(grads: Sequence[Sequence[float]], class_names: Sequence[str],
                    target: int, *, height: int = 300) -> SpecFigure:
    """Each loss's gradient with respect to every logit, as grouped bars (one group a class).

    A negative bar means a step ``x ← x − lr · grad`` raises that logit.
    """
    ticks = [f"{name} ✓" if i == target else name for i, name in enumerate(class_names)]
    traces = [{
        "type": "bar", "x": ticks, "y": [float(g) for g in grads[i]], "name": name,
        "marker": {"color": LOSS_STYLES[i]["color"],
                   "pattern": {"shape": ("", "/", ".")[i]}},
        "hovertemplate": f"{name}: %{{y:.5f}}<extra>%{{x}}</extra>",
    } for i, name in enumerate(SHORT_NAMES)]
    layout = house_layout(
        title="Gradient with respect to each logit (✓ = true class)", height=height,
        yaxis={"title": {"text": "d loss / d logit"}}, barmode="group", showlegend=True,
        legend={"orientation": "h", "x": 1.0, "xanchor": "right", "y": 1.0, "yanchor": "bottom"},
    )
    layout["margin"] = {**layout["margin"], "t": 60}
    return figure_from_spec({"data": traces, "layout": layout})


def race_figure(race_losses: Sequence[Sequence[float]],
                race_target_probabilities: Sequence[Sequence[float]], *, true_name: str,
                log_base: LogBase, lr: float, height: int = 340) -> SpecFigure:
    """Gradient descent from the same start on each loss: its own loss (left) and the
    probability of the true class (right, the one scale all three share) after each step."""
    traces = []
    for i, name in enumerate(SHORT_NAMES):
        steps = np.arange(len(race_losses[i]))
        unit = f" {log_base.unit}" if i == 0 else ""
        traces.append(_line(steps, np.asarray(race_losses[i], dtype=float), i, name=name,
                            hover=f"{name}, step %{{x}}: loss %{{y:.4f}}{unit}<extra></extra>"))
        traces.append(_line(steps, np.asarray(race_target_probabilities[i], dtype=float), i,
                            name=name, xaxis="x2", yaxis="y2", legend=False,
                            hover=f"{name}, step %{{x}}: p({true_name}) = %{{y:.4f}}"
                                  "<extra></extra>"))
    layout = house_layout(
        title=f"Gradient descent from the same start, lr = {lr:g}", height=height,
        xaxis={"title": {"text": "step"}, "domain": [0.0, 0.45], "rangemode": "tozero"},
        yaxis={"title": {"text": "its own loss"}, "rangemode": "tozero"},
        xaxis2=axis_style({"title": {"text": "step"}, "domain": [0.55, 1.0], "anchor": "y2",
                           "showline": True, "linecolor": INK, "rangemode": "tozero"}),
        yaxis2=axis_style({"title": {"text": f"p({true_name})"}, "anchor": "x2",
                           "range": [0, 1.05]}),
        showlegend=True,
        legend={"x": 0.45, "xanchor": "right", "y": 1.0, "yanchor": "top"},
    )
    return figure_from_spec({"data": traces, "layout": layout})
