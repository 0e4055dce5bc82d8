"""Figures for the PyTorch batch page: numbers in, Plotly figure out (no Streamlit here).

Heat maps of an ``(N, C)`` batch (one row per example, one column per class) with each row's
target cell outlined, and bars of the per-example losses with the reduced value.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from plotly.colors import get_colorscale

from ui.colors import NEUTRAL, TARGET_OUTLINE, class_color
from ui.figure_spec import SpecFigure, figure_from_spec
from ui.figures import house_layout
from ui.text import fmt
from xent_core import LogBase
from xent_core.batch_options import IGNORE_INDEX

IGNORED_COLOR = NEUTRAL  # bars of ignored examples


def _example_labels(targets: Sequence[int], prefix: str = "ex ",
                    suffix: str = " ✗") -> list[str]:
    # Plotly's own pseudo-HTML (not Streamlit's): ignored examples in italics and marked.
    # Not grey: no grey reads at 4.5:1 on both the light and the dark theme.
    return [f"<i>{prefix}{n}{suffix}</i>" if t == IGNORE_INDEX else f"{prefix}{n}"
            for n, t in enumerate(targets)]


def _class_labels(n_classes: int) -> list[str]:
    # A square in the class colour, as on every page, then the class number in the theme's
    # text colour: short enough to stay level above a narrow cell (rotated labels ran into
    # the title); the hover names the class in full.
    return [f'<span style="color:{class_color(c)}">■</span> <b>{c}</b>'
            for c in range(n_classes)]


def cell_digits(n_classes: int) -> int | None:
    """Decimals that fit in a heat-map cell: 4 (as PyTorch prints) for up to 5 classes, 2 for
    up to 8, and ``None`` (no numbers in the cells; hover shows them) beyond."""
    if n_classes <= 5:
        return 4
    return 2 if n_classes <= 8 else None


def colour_scale_bar(label: str) -> dict:
    """A slim colour scale beside a heat map, titled with what the colour measures."""
    return {"thickness": 12, "len": 1.0, "outlinewidth": 0, "xpad": 6,
            "title": {"text": label, "side": "top"}}


def batch_heatmap(values, targets: Sequence[int], *, title: str, colorscale: str,
                  zmin: float, zmax: float, hover_label: str,
                  row_labels: bool = True) -> SpecFigure:
    """An ``(N, C)`` heat map, every cell labelled, each row's target cell outlined (ink), with
    its colour scale.

    Rows whose target is ``ignore_index`` (-100) get no outline and a grey, italic label.
    ``row_labels=False`` leaves the example labels to a heat map drawn to the left.
    """
    z = np.asarray(values, dtype=float)
    n, c = z.shape
    digits = cell_digits(c)
    outlines = [
        {"type": "rect", "x0": t - 0.5, "x1": t + 0.5, "y0": row - 0.5, "y1": row + 0.5,
         "line": {"color": TARGET_OUTLINE, "width": 3}}
        for row, t in enumerate(targets) if t != IGNORE_INDEX
    ]
    heatmap = {
        "type": "heatmap", "z": z, "x": list(range(c)), "y": list(range(n)),
        "text": [[fmt(v, digits or 4) for v in row] for row in z],
        "texttemplate": "%{text}" if digits else "",
        "textfont": {"size": 13 if c <= 5 else 11},
        "colorscale": get_colorscale(colorscale),  # plotly.js does not know "RdBu_r"
        "zmin": zmin, "zmax": zmax, "showscale": True, "colorbar": colour_scale_bar(hover_label),
        "xgap": 2,
        "ygap": 2,
        "hovertemplate": f"example %{{y}}, class %{{x}}<br>{hover_label} = %{{text}}"
                         "<extra></extra>",
    }
    layout = house_layout(
        title=title, height=max(220, 110 + 34 * n), shapes=outlines,
        xaxis={"tickmode": "array", "tickvals": list(range(c)), "ticktext": _class_labels(c),
               "side": "top", "tickangle": 0, "showgrid": False, "zeroline": False},
        yaxis={"tickmode": "array", "tickvals": list(range(n)),
               "ticktext": _example_labels(targets), "autorange": "reversed",
               "showticklabels": row_labels, "ticks": "outside" if row_labels else "",
               "showgrid": False, "zeroline": False},
    )
    layout["margin"]["t"] = 80  # room for the class labels above the cells
    # One constructor call with the whole layout: much cheaper than add_shape/update_*axes.
    return figure_from_spec({"data": [heatmap], "layout": layout})


def logits_heatmap(logits, targets: Sequence[int]) -> SpecFigure:
    """Logits on a diverging scale centred on 0 (red positive, blue negative)."""
    z = np.asarray(logits, dtype=float)
    reach = max(float(np.max(np.abs(z))), 1e-9)
    return batch_heatmap(z, targets, title="logits x", colorscale="RdBu_r", zmin=-reach,
                         zmax=reach, hover_label="logit")


def probabilities_heatmap(probabilities, targets: Sequence[int]) -> SpecFigure:
    """Probabilities on a 0-to-1 scale: every row sums to 1 (drawn right of the logits)."""
    return batch_heatmap(probabilities, targets, title="p = softmax(x, dim=1)",
                         colorscale="Blues", zmin=0.0, zmax=1.0, hover_label="p",
                         row_labels=False)


def log_probabilities_heatmap(log_probabilities, targets: Sequence[int],
                              log_base: LogBase) -> SpecFigure:
    """Log-probabilities (all ≤ 0) in ``log_base``: near 0 for likely classes (drawn right
    of the probabilities)."""
    z = np.asarray(log_probabilities, dtype=float)
    lowest = min(float(np.min(z)), -1e-9)
    return batch_heatmap(z, targets, title=f"{log_base.log_name} p", colorscale="Blues",
                         zmin=lowest, zmax=0.0, hover_label=f"{log_base.log_name} p",
                         row_labels=False)


def row_loss_bars(row_losses, targets: Sequence[int], *, log_base: LogBase,
                  title: str, mean: float | None = None) -> SpecFigure:
    """One bar per example, in its target class's colour (grey if ignored), with the mean.

    ``mean`` (if given and finite) is drawn as a dashed line, the value ``reduction='mean'``
    reports, and named in the title (where it cannot hide behind a bar).
    """
    losses = np.asarray(row_losses, dtype=float)
    labels = _example_labels(targets, prefix="example " if len(targets) <= 6 else "ex ",
                             suffix=" (ignored)")
    colors = [IGNORED_COLOR if t == IGNORE_INDEX else class_color(t) for t in targets]
    top = float(np.max(losses[np.isfinite(losses)], initial=0.0))
    shapes = []
    if mean is not None and np.isfinite(mean):
        shapes = [{"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": mean, "y1": mean,
                   "line": {"color": NEUTRAL, "dash": "dash", "width": 2}}]
        title = f"{title}<br><sup>dashed line: the mean, {fmt(mean, 4)}</sup>"
    bars = {
        "type": "bar", "x": labels, "y": losses, "marker": {"color": colors},
        "text": ["ignored" if t == IGNORE_INDEX else fmt(v, 4)
                 for v, t in zip(losses, targets, strict=True)],
        "textposition": "outside", "cliponaxis": False,
        "hovertemplate": f"%{{x}}: %{{y:.4f}} {log_base.unit}<extra></extra>",
    }
    layout = house_layout(
        title=title, height=300, shapes=shapes,
        yaxis={"title": {"text": f"loss ({log_base.unit})"},
               "range": [0, max(top, 1e-9) * 1.25]},
    )
    return figure_from_spec({"data": [bars], "layout": layout})
