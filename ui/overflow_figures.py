"""Figures for lesson 7, "Numbers that overflow": numbers in, Plotly figure out (no Streamlit).

One figure, three panels side by side (float16, float32, float64): in each, the softmax of
the same logits by the three routes — by hand, max subtracted, via log-sum-exp — as stacked
bars of the classes' probabilities. Built from plain dicts (no
``make_subplots``), because it is rebuilt on every slider move.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ui.colors import INK, TARGET_OUTLINE, class_color
from ui.figure_spec import SpecFigure, figure_from_spec
from ui.figures import axis_style, house_layout
from ui.text import fmt

ROUTES = {"by hand": "softmax_by_hand", "max subtracted": "softmax_max_subtracted",
          "log-sum-exp": "softmax_via_logsumexp"}
ROUTE_TICKS = ["hand", "−max", "LSE"]  # by hand, max subtracted, via log-sum-exp
PANEL_DOMAINS = ((0.0, 0.31), (0.345, 0.655), (0.69, 1.0))


def bar_label(value: float) -> str:
    """A bar's label: 3 decimals, ``NaN`` / ``∞`` spelled out, an underflowed 0 as ``0``."""
    if not np.isfinite(value):
        return fmt(value)
    return "0" if value == 0 else f"{value:.3f}"


def precision_figure(routes: Sequence, names: Sequence[str], target: int,
                     height: int = 340) -> SpecFigure:
    """Softmax of the same logits by three routes in three precisions, panel by panel.

    ``routes`` are the three :class:`~xent_core.lessons.overflow.PrecisionRoutes` of an
    :class:`~xent_core.lessons.overflow.OverflowView`, narrowest first. In each panel one
    stacked bar per route: the classes' probabilities in their colours (a right softmax stacks
    up to 1; NaN and ∞ stack to nothing), the true class outlined, and above the bar the true
    class's probability as that route computed it — ``NaN``, ``∞`` or ``0`` where they
    appear.
    """
    data, annotations, axes = [], [], {}
    n = len(names)
    for panel, (r, domain) in enumerate(zip(routes, PANEL_DOMAINS, strict=True)):
        suffix = "" if panel == 0 else str(panel + 1)
        table = np.array([getattr(r, field) for field in ROUTES.values()], dtype=float)  # (3, C)
        for c in range(n):
            column = table[:, c]
            data.append({
                "type": "bar", "x": [0, 1, 2], "name": names[c],
                "y": [float(v) if np.isfinite(v) else 0.0 for v in column],
                "marker": {"color": class_color(c),
                           "line": {"color": TARGET_OUTLINE, "width": 2.5 if c == target else 0}},
                "customdata": [bar_label(v) for v in column],
                "hovertemplate": f"{r.dtype}, %{{x}}: p({names[c]}) = %{{customdata}}"
                                 "<extra></extra>",
                "xaxis": f"x{suffix}", "yaxis": f"y{suffix}",
            })
        picked = table[:, target]
        data.append({
            "type": "scatter", "mode": "text", "x": [0, 1, 2], "y": [1.04] * 3,
            # A broken value is spelled out (NaN, ∞, 0), in the theme's ink like all text.
            "text": [bar_label(v) for v in picked], "textposition": "top center",
            "textfont": {"size": 12, "color": INK},
            "hoverinfo": "skip", "cliponaxis": False,
            "xaxis": f"x{suffix}", "yaxis": f"y{suffix}",
        })
        axes[f"xaxis{suffix}"] = axis_style({
            "domain": list(domain), "anchor": f"y{suffix}", "tickmode": "array",
            "tickvals": [0, 1, 2], "ticktext": ROUTE_TICKS, "showline": True,
            "linecolor": INK, "tickfont": {"size": 12, "color": INK},
        })
        axes[f"yaxis{suffix}"] = axis_style({
            "anchor": f"x{suffix}", "range": [0, 1.25],
            "showticklabels": panel == 0, "tickvals": [0, 0.5, 1],
            "title": {"text": "probability" if panel == 0 else ""},
        })
        broken = r.by_hand_breaks
        annotations.append({
            "text": (f"<b>{r.dtype}</b> " + ("✗" if broken else "✓")
                     + f"<br>∞ above {r.overflow_threshold:.2f}"),
            "x": sum(domain) / 2, "y": 1.0, "xref": "paper", "yref": "paper",
            "xanchor": "center", "yanchor": "bottom", "showarrow": False,
            "font": {"size": 13, "color": INK},
        })
    layout = house_layout(title="", height=height, barmode="stack", bargap=0.3,
                          annotations=annotations, **axes)
    layout["margin"] = {"l": 10, "r": 10, "t": 48, "b": 10}
    return figure_from_spec({"data": data, "layout": layout})
