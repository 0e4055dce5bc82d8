"""Figure builders for the MNIST page: numbers in, a picture or a Plotly figure out.

No Streamlit and no maths here: every number drawn comes from ``xent_core`` (via the page).
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from PIL import Image

from ui.colors import INK, MARKER_EDGE, NEUTRAL, class_color
from ui.figure_spec import SpecFigure
from ui.figures import class_bars, class_bars_spec, compact_layout
from ui.text import fmt
from xent_core import LogBase

DIGIT_NAMES = tuple(str(d) for d in range(10))
PAPER = 255  # the page is white, so digits are drawn as dark ink on white paper
FRAME = 200  # a light grey frame shows where the 28 x 28 image ends
MARKER = "#D55E00"  # "this image" in the batch view (vermillion, Okabe & Ito)


def digit_picture(image: np.ndarray, scale: int = 8) -> np.ndarray:
    """A 28 x 28 MNIST image as a crisp, enlarged picture: dark ink on white, thin frame.

    Each pixel becomes a ``scale`` x ``scale`` block (no smoothing), so the learner sees the
    same 784 pixels the model reads. Returns a uint8 array of shape
    ``(28 * scale + 2, 28 * scale + 2)``.
    """
    ink = PAPER - np.asarray(image, dtype=np.uint8)
    big = np.repeat(np.repeat(ink, scale, axis=0), scale, axis=1)
    return np.pad(big, 1, constant_values=FRAME).astype(np.uint8)


def digit_png(image: np.ndarray, scale: int = 8) -> bytes:
    """:func:`digit_picture` encoded as PNG bytes (encode once, show many times)."""
    buffer = io.BytesIO()
    Image.fromarray(digit_picture(image, scale), mode="L").save(buffer, format="PNG")
    return buffer.getvalue()


def digit_ticks() -> dict:
    """Axis ticks 0-9, each after a square in the digit's class colour (Plotly text, not HTML).

    The digit itself keeps the theme's text colour: class colours are for shapes (3:1), not
    for text (4.5:1).
    """
    return {
        "tickmode": "array",
        "tickvals": list(range(10)),
        "ticktext": [f"<span style='color:{class_color(d)}'>■</span><b>{d}</b>" for d in range(10)],
    }


def logit_bars(logits: Sequence[float], label: int) -> SpecFigure:
    """The ten logits, one bar per digit; the label being scored is outlined."""
    return class_bars(logits, DIGIT_NAMES, title="Logits (raw scores)", yaxis_title="logit",
                      target=label, digits=2)


def probability_bars(probabilities: Sequence[float], label: int) -> SpecFigure:
    """softmax(logits): ten bars that add up to 1."""
    return class_bars(probabilities, DIGIT_NAMES, title="Probabilities (softmax)",
                      yaxis_title="probability", target=label, digits=3, y_range=(0, 1.15))


def log_probability_bars(log_probabilities: Sequence[float], label: int,
                         base: LogBase) -> SpecFigure:
    """log p for each digit: minus the bar of the label is that label's loss."""
    return class_bars(log_probabilities, DIGIT_NAMES,
                      title=f"Log-probabilities ({base.log_name} p)",
                      yaxis_title=f"{base.log_name} p ({base.unit})", target=label, digits=2)


def loss_histogram_figure(counts: Sequence[int], edges: Sequence[float], *, mean_loss: float,
                          base: LogBase) -> go.Figure:
    """How the per-image losses are spread, with their mean as a dashed line.

    ``counts``/``edges`` come from :func:`xent_core.mnist_report.loss_histogram`, already in
    ``base``'s units, like ``mean_loss``. :func:`mark_image_loss` adds the chosen image as a
    solid line in :data:`MARKER` colour (explained in the page's caption, since the two
    lines are often too close for labels).
    """
    edges = np.asarray(edges, dtype=float)
    centres = (edges[:-1] + edges[1:]) / 2
    top = max(int(np.max(counts)), 1)
    figure = go.Figure(
        [
            go.Bar(
                x=centres, y=list(map(int, counts)), width=float(edges[1] - edges[0]),
                marker={"color": NEUTRAL, "line": {"color": MARKER_EDGE, "width": 1}},
                customdata=np.stack([edges[:-1], edges[1:]], axis=1),
                hovertemplate=(f"loss %{{customdata[0]:.2f}}–%{{customdata[1]:.2f}} {base.unit}"
                               "<br>%{y} images<extra></extra>"),
            ),
            go.Scatter(  # the chosen image: a vertical line, moved by mark_image_loss
                x=[None, None], y=[0.7, top * 1.5], mode="lines",
                line={"color": MARKER, "width": 3}, visible=False,
                hovertemplate=f"this image: %{{x:.3f}} {base.unit}<extra></extra>",
            ),
        ]
    )
    # The mean is named in the title, not in a label on its line: a label there sits on top
    # of the "this image" line and the bars whenever the two losses are close.
    figure.add_vline(x=mean_loss, line={"color": INK, "dash": "dash", "width": 2})
    figure.update_xaxes(title=f"loss of one image, −{base.log_name} p(true digit) ({base.unit})",
                        range=[0, float(edges[-1]) * 1.02])
    figure.update_yaxes(title="number of images (log scale)", type="log", dtick=1,
                        range=[np.log10(0.7), np.log10(top * 2)])
    return compact_layout(
        figure, title=f"Per-image losses on the held-out set (dashed: mean {fmt(mean_loss, 3)})",
        height=340)


def mark_image_loss(figure: go.Figure, loss: float | None) -> go.Figure:
    """Move the "this image" line of a :func:`loss_histogram_figure` to ``loss`` (in place)."""
    marker = figure.data[1]
    with figure.batch_update():
        marker.visible = loss is not None
        marker.x = [loss, loss]
    return figure


def mean_loss_by_digit_figure(means: Sequence[float], *, mean_loss: float,
                              base: LogBase) -> go.Figure:
    """Mean loss of the images of each true digit, in that digit's colour."""
    # A go.Figure (not class_bars' SpecFigure), since lines and axes are added to it below;
    # it is built once per log base.
    figure = go.Figure(class_bars_spec(means, DIGIT_NAMES,
                                       title="Mean loss for each true digit (dashed: all digits)",
                                       yaxis_title=f"mean loss ({base.unit})", digits=2))
    figure.add_hline(y=mean_loss, line={"color": INK, "dash": "dash", "width": 2})
    figure.update_xaxes(title={"text": "true digit"}, **digit_ticks())
    figure.update_layout(height=340)
    return figure


def confusion_figure(confusion: np.ndarray) -> go.Figure:
    """The confusion matrix as a heat map: rows = true digit, columns = predicted digit.

    Correct predictions (the diagonal) are pale blue; mistakes are shaded from white to red,
    the scale stopping at the largest mistake count so that even rare mistakes show.
    """
    counts = np.asarray(confusion, dtype=float)
    diagonal = np.eye(len(counts), dtype=bool)
    mistakes = np.where(diagonal | (counts == 0), np.nan, counts)  # empty cells stay blank
    right = np.where(diagonal, counts, np.nan)
    top = max(float(np.nanmax(mistakes)) if np.isfinite(mistakes).any() else 1.0, 1.0)
    cells = {"x": list(range(len(counts))), "y": list(range(len(counts))), "xgap": 1, "ygap": 1,
             "texttemplate": "%{z:.0f}", "textfont": {"size": 13}}
    figure = go.Figure(
        [
            go.Heatmap(z=mistakes, zmin=0, zmax=top, showscale=True,
                       colorbar={"thickness": 12, "outlinewidth": 0, "xpad": 6,
                                 "title": {"text": "mistakes", "side": "top"}},
                       colorscale=[[0.0, "#FFFFFF"], [0.2, "#FBE3D6"], [1.0, "#B2182B"]],
                       hovertemplate="true %{y}, predicted %{x}: %{z} images<extra></extra>",
                       **cells),
            go.Heatmap(z=right, showscale=False, colorscale=[[0.0, "#DCEBF7"], [1.0, "#DCEBF7"]],
                       hovertemplate="true %{y}, predicted %{x}: %{z} images (correct)"
                       "<extra></extra>", **cells),
        ]
    )
    # Both axes shrink their domain (not their range) to keep cells square, and the matrix
    # sits at the left, so the row labels stay next to the cells at any width.
    figure.update_xaxes(title="predicted digit", side="top", showline=False, showgrid=False,
                        zeroline=False, constrain="domain", constraintoward="left",
                        **digit_ticks())
    figure.update_yaxes(title="true digit", autorange="reversed", scaleanchor="x",
                        constrain="domain", showgrid=False, zeroline=False,
                        **digit_ticks())
    figure = compact_layout(figure, title="", height=400)
    figure.update_layout(margin={"l": 10, "r": 10, "t": 10, "b": 10})
    return figure
