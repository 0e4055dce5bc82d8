"""Figures for lesson 6, "Sigmoid or softmax?": numbers in, Plotly figure out. No Streamlit.

Softmax is always blue and solid, sigmoid orange and hatched (colour-blind safe, Okabe & Ito,
and told apart without colour too). Each figure is built from one dict: they are rebuilt on
every move of a slider.
"""

from __future__ import annotations

from collections.abc import Sequence

from ui.colors import CLASS_COLORS, INK, NEUTRAL
from ui.figure_spec import SpecFigure, figure_from_spec
from ui.figures import house_layout
from xent_core import LogBase

SOFTMAX_COLOR = CLASS_COLORS[0]
SIGMOID_COLOR = CLASS_COLORS[1]  # Okabe & Ito orange, darkened to read on white


def class_ticks(class_names: Sequence[str], multi_hot: Sequence[float]) -> list[str]:
    """Class names with a tick on the true labels: ``["cat ✓", "dog ✓", "car", "tree"]``."""
    return [f"{name} ✓" if y else name for name, y in zip(class_names, multi_hot, strict=True)]


def probabilities_figure(softmax_probabilities: Sequence[float],
                         sigmoid_probabilities: Sequence[float], class_names: Sequence[str],
                         multi_hot: Sequence[float], *, height: int = 335) -> SpecFigure:
    """Per class: softmax's share of one unit (blue) beside the class's own sigmoid (orange).

    The true labels are ticked on the axis and outlined in the text colour.
    The default height leaves the stage on one 1366 x 768 screen in presenter mode too
    (charts grow by 1.2 there: 335 -> 402 px, below a chart top at ~355 px).
    """
    ticks = class_ticks(class_names, multi_hot)
    outline = {"color": INK, "width": [2.5 if y else 0 for y in multi_hot]}
    traces = []
    for name, values, color, pattern in (
        ("softmax (all add up to 1)", softmax_probabilities, SOFTMAX_COLOR, ""),
        ("sigmoid (each on its own)", sigmoid_probabilities, SIGMOID_COLOR, "/"),
    ):
        traces.append({
            "type": "bar", "x": ticks, "y": [float(v) for v in values], "name": name,
            "marker": {"color": color, "line": outline, "pattern": {"shape": pattern}},
            "text": [f"{float(v):.3f}" for v in values], "textposition": "outside",
            "cliponaxis": False, "hovertemplate": f"{name}: %{{y:.4f}}<extra>%{{x}}</extra>",
        })
    layout = house_layout(title="Probability per class (✓ = a true label)", height=height,
                          yaxis={"title": {"text": "probability"}, "range": [0, 1.15]},
                          barmode="group", showlegend=True,
                          legend={"orientation": "h", "x": 0.5, "xanchor": "center",
                                  "y": -0.12, "yanchor": "top"})
    return figure_from_spec({"data": traces, "layout": layout})


def bce_routes_figure(sweep_logits: Sequence[float], naive_positive: Sequence[float],
                      stable_positive: Sequence[float], naive_negative: Sequence[float],
                      stable_negative: Sequence[float], breaks_above: float, *,
                      log_base: LogBase, height: int = 400) -> SpecFigure:
    """BCE of one score ``x`` by the two routes, for label 1 and label 0.

    ``binary_cross_entropy(sigmoid(x), y)`` (dashed) against
    ``binary_cross_entropy_with_logits(x, y)`` (solid). With label 0 the dashed curve leaves
    the solid one where ``1 / (1 + e^-x)`` rounds to exactly 1 (``breaks_above``) and jumps
    to PyTorch's clamp of the log at −100.
    """
    x = [float(v) for v in sweep_logits]
    unit = log_base.unit
    traces = []
    for label, naive, stable, color in ((1, naive_positive, stable_positive, SOFTMAX_COLOR),
                                        (0, naive_negative, stable_negative, SIGMOID_COLOR)):
        traces.append({
            "type": "scatter", "x": x, "y": [float(v) for v in stable], "mode": "lines",
            "name": f"with_logits, y = {label}", "line": {"color": color, "width": 4},
            "hovertemplate": f"with_logits, label {label}: %{{y:.4g}} {unit}<extra>x = %{{x:.1f}}"
                             "</extra>",
        })
        traces.append({
            "type": "scatter", "x": x, "y": [float(v) for v in naive], "mode": "lines",
            "name": f"BCE(σ(x)), y = {label}",
            "line": {"color": INK if label == 0 else NEUTRAL, "width": 2, "dash": "dash"},
            "hovertemplate": f"BCE(sigmoid(x)), label {label}: %{{y:.4g}} {unit}"
                             "<extra>x = %{x:.1f}</extra>",
        })
    layout = house_layout(
        title="Binary cross-entropy of one score x, two routes", height=height,
        xaxis={"title": {"text": "score x"}},
        yaxis={"title": {"text": f"loss ({unit})"}, "rangemode": "tozero"},
        shapes=[{"type": "line", "xref": "x", "yref": "paper", "x0": breaks_above,
                 "x1": breaks_above, "y0": 0, "y1": 1,
                 "line": {"color": NEUTRAL, "width": 1.5, "dash": "dot"}}],
        annotations=[{"x": breaks_above, "y": 0.8, "xref": "x", "yref": "paper",
                      "text": f"sigmoid(x) = 1.0<br>exactly, x > {breaks_above:.1f}",
                      "showarrow": False, "xanchor": "right", "align": "right"}],
    )
    layout["legend"] = {"orientation": "h", "x": 0.5, "y": -0.3, "xanchor": "center",
                        "yanchor": "top"}
    layout["margin"] = {**layout["margin"], "b": 40}
    layout["showlegend"] = True
    return figure_from_spec({"data": traces, "layout": layout})
