"""Figures for lesson 8, "Soft labels and calibration": numbers in, Plotly figure out.

No Streamlit here. Every figure is a plain dict (few traces, fixed height): they are rebuilt
on every slider move.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ui.colors import CLASS_COLORS, INK, NEUTRAL
from ui.figure_spec import SpecFigure, figure_from_spec
from ui.figures import axis_style, house_layout

TARGET_COLOR = NEUTRAL  # the target p: grey, so the prediction's colour stands out
PREDICTION_COLOR = CLASS_COLORS[0]  # the prediction q (Okabe & Ito blue)
ENTROPY_COLOR = CLASS_COLORS[4]  # H(p): the part no prediction removes
KL_COLOR = CLASS_COLORS[5]  # KL(p‖q): the part the prediction adds
CALIBRATION_COLOR = CLASS_COLORS[0]
GAP_COLOR = CLASS_COLORS[5]
LOG_TICKS = (0.25, 0.5, 1, 2, 4, 8)  # the temperature axis: each tick doubles T


def target_prediction_figure(target: Sequence[float], prediction: Sequence[float],
                             names: Sequence[str], *, temperature: float,
                             target_index: int | None = None, height: int = 260) -> SpecFigure:
    """The target ``p`` next to the prediction ``q = softmax(x / T)``, class by class."""
    ticks = [f"<b>{n}</b>" if i == target_index else n for i, n in enumerate(names)]
    x = list(range(len(names)))

    def bars(values, name: str, color: str) -> dict:
        return {"type": "bar", "name": name, "x": x, "y": [float(v) for v in values],
                "marker": {"color": color}, "text": [f"{float(v):.3f}" for v in values],
                "textposition": "outside", "cliponaxis": False, "textfont": {"size": 12},
                "hovertemplate": f"{name}: %{{y:.4f}}<extra></extra>"}

    layout = house_layout(
        title="Target p and prediction q", height=height, barmode="group", bargap=0.2,
        showlegend=True, legend={"orientation": "h", "x": 1, "xanchor": "right", "y": 1.12},
        xaxis={"tickmode": "array", "tickvals": x, "ticktext": ticks},
        yaxis={"range": [0, 1.18], "tickvals": [0, 0.5, 1], "title": {"text": "probability"}},
    )
    layout["margin"] = {"l": 10, "r": 10, "t": 40, "b": 10}
    return figure_from_spec({"data": [bars(target, "target p", TARGET_COLOR),
                               bars(prediction, f"prediction q (T = {temperature:g})",
                                    PREDICTION_COLOR)],
                      "layout": layout})


def decomposition_figure(entropy: float, kl_divergence: float, cross_entropy: float, *,
                         unit: str, height: int = 150) -> SpecFigure:
    """H(p, q) as one horizontal bar: H(p) (what no prediction removes) + KL(p‖q)."""
    top = max(cross_entropy, 1e-9)

    def part(value: float, name: str, color: str, position: str) -> dict:
        return {"type": "bar", "orientation": "h", "name": name, "y": ["H(p, q)"],
                "x": [float(value)], "marker": {"color": color},
                "text": [f"{name} = {value:.4f}"], "textposition": position,
                "insidetextanchor": "middle", "textfont": {"size": 13}, "cliponaxis": False,
                "hovertemplate": f"{name} = %{{x:.4f}} {unit}<extra></extra>"}

    layout = house_layout(
        title=f"H(p, q) = H(p) + KL(p‖q) = {cross_entropy:.4f} {unit}", height=height,
        barmode="stack", showlegend=False,
        xaxis={"range": [0, top * 1.45], "title": {"text": unit}},
        yaxis={"showticklabels": False},
        shapes=[{"type": "line", "x0": entropy, "x1": entropy, "y0": -0.5, "y1": 0.5,
                 "line": {"color": INK, "width": 2, "dash": "dot"}}],
    )
    layout["margin"] = {"l": 10, "r": 10, "t": 40, "b": 10}
    return figure_from_spec({"data": [part(entropy, "H(p)", ENTROPY_COLOR, "inside"),
                               part(kl_divergence, "KL(p‖q)", KL_COLOR, "outside")],
                      "layout": layout})


def reliability_figure(centers: Sequence[float], accuracy: Sequence[float],
                       mean_confidence: Sequence[float], counts: Sequence[int], *,
                       temperature: float, height: int = 380) -> SpecFigure:
    """The reliability diagram: each confidence bin's accuracy against its mean confidence.

    A calibrated model's bars reach the diagonal; bars below it are over-confident. Empty bins
    (NaN) have no bar.
    """
    centers = np.asarray(centers, dtype=float)
    accuracy = np.asarray(accuracy, dtype=float)
    confidence = np.asarray(mean_confidence, dtype=float)
    filled = np.isfinite(accuracy)
    width = float(centers[1] - centers[0]) if len(centers) > 1 else 1.0
    data = [
        {"type": "bar", "name": "accuracy in the bin", "x": centers[filled].tolist(),
         "y": accuracy[filled].tolist(), "width": width * 0.92,
         "marker": {"color": CALIBRATION_COLOR},
         "customdata": np.asarray(counts)[filled].tolist(),
         "hovertemplate": "confidence bin %{x:.2f}: accuracy %{y:.3f} "
                          "(%{customdata} digits)<extra></extra>"},
        {"type": "scatter", "mode": "markers", "name": "mean confidence in the bin",
         "x": centers[filled].tolist(), "y": confidence[filled].tolist(),
         "marker": {"color": GAP_COLOR, "symbol": "line-ew-open", "size": 18,
                    "line": {"width": 3, "color": GAP_COLOR}},
         "hovertemplate": "mean confidence %{y:.3f}<extra></extra>"},
        {"type": "scatter", "mode": "lines", "name": "perfect calibration", "x": [0, 1],
         "y": [0, 1], "line": {"color": NEUTRAL, "dash": "dash", "width": 2},
         "hoverinfo": "skip"},
    ]
    layout = house_layout(
        title=f"Reliability diagram at T = {temperature:.2f}", height=height, showlegend=True,
        # inside, top left: bars rise to the right, so that corner stays empty
        legend={"x": 0.01, "y": 0.99, "yanchor": "top"},
        xaxis={"range": [0, 1], "title": {"text": "confidence (top probability)"}},
        yaxis={"range": [0, 1.02], "title": {"text": "accuracy"}},
    )
    layout["margin"] = {"l": 10, "r": 10, "t": 50, "b": 10}
    return figure_from_spec({"data": data, "layout": layout})


def temperature_curve_figure(temperatures: Sequence[float], nll: Sequence[float],
                             ece: Sequence[float], mean_confidence: Sequence[float], *,
                             accuracy: float, temperature: float, fitted_temperature: float,
                             unit: str, height: int = 380) -> SpecFigure:
    """Held-out NLL, ECE, mean confidence and accuracy as the temperature changes (log axis).

    A solid line marks the chosen temperature, a dotted one the fitted (lowest-NLL) one.
    """
    t = [float(v) for v in temperatures]

    def line(values, name: str, color: str, axis: str, dash: str = "solid") -> dict:
        return {"type": "scatter", "mode": "lines", "name": name, "x": t,
                "y": [float(v) for v in values], "yaxis": axis,
                "line": {"color": color, "width": 2.5, "dash": dash},
                "hovertemplate": f"T = %{{x:.2f}}: {name} %{{y:.4f}}<extra></extra>"}

    data = [
        line(nll, f"mean NLL ({unit})", CLASS_COLORS[0], "y"),
        line(ece, "ECE", CLASS_COLORS[5], "y2"),
        line(mean_confidence, "mean confidence", CLASS_COLORS[2], "y2", "dot"),
        line([accuracy] * len(t), "accuracy", INK, "y2", "dash"),
    ]
    marks = [{"type": "line", "xref": "x", "yref": "paper", "x0": x, "x1": x, "y0": 0, "y1": 1,
              "line": {"color": color, "width": 2, "dash": dash}}
             for x, color, dash in ((temperature, INK, "solid"),
                                    (fitted_temperature, CLASS_COLORS[3], "dot"))]
    layout = house_layout(
        title="As the temperature changes", height=height, showlegend=True,
        legend={"orientation": "h", "x": 0, "y": -0.3, "yanchor": "top"},
        # Ticks at the doublings, all full size: Plotly's own log ticks add digits between
        # decades at 3/4 of the tick size (15 px in presenter mode, too small to project).
        xaxis={"type": "log", "title": {"text": "temperature T (log scale)"},
               "tickmode": "array", "tickvals": list(LOG_TICKS),
               "ticktext": [f"{v:g}" for v in LOG_TICKS]},
        yaxis={"title": {"text": f"NLL ({unit})"}, "rangemode": "tozero"},
        yaxis2=axis_style({"overlaying": "y", "side": "right", "range": [0, 1.02],
                           "showgrid": False, "tickmode": "array",
                           "tickvals": [0, 0.25, 0.5, 0.75, 1]}),
        shapes=marks,
    )
    layout["margin"] = {"l": 10, "r": 45, "t": 50, "b": 10}
    return figure_from_spec({"data": data, "layout": layout})
