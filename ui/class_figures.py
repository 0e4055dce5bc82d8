"""The teacher's charts: the class's guesses against the true value (no Streamlit here)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from ui.colors import CLASS_COLORS, NEUTRAL
from ui.figures import house_layout

GUESS_COLOR = CLASS_COLORS[0]
ANSWER_COLOR = CLASS_COLORS[5]
MAX_BINS = 20


def guess_bins(guesses: Sequence[float], answer: float | None, tolerance: float,
               max_bins: int = MAX_BINS) -> np.ndarray:
    """Bin edges that cover every guess (and the answer), one tolerance wide where possible."""
    values = np.asarray([*guesses, *([] if answer is None else [answer])], dtype=float)
    if values.size == 0:
        return np.array([0.0, 1.0])
    low, high = float(values.min()), float(values.max())
    width = tolerance if tolerance > 0 else 1.0
    width = max(width, (high - low) / max_bins) if high > low else width
    start = (np.floor(low / width) - 0.5) * width
    n = int(np.ceil((high - start) / width)) + 1
    return start + width * np.arange(n + 1)


def guess_histogram(guesses: Sequence[float], answer: float | None, tolerance: float,
                    title: str = "The class's guesses", answer_text: str | None = None,
                    ) -> go.Figure:
    """Counts of number guesses per bin; the answer as a line with its tolerance band.

    ``answer_text`` labels the line (default: the answer to 4 significant digits).
    """
    edges = guess_bins(guesses, answer, tolerance)
    counts, _ = np.histogram(np.asarray(guesses, dtype=float), bins=edges)
    centres = (edges[:-1] + edges[1:]) / 2
    shapes, annotations = [], []
    if answer is not None:
        shapes = [
            {"type": "rect", "xref": "x", "yref": "paper", "x0": answer - tolerance,
             "x1": answer + tolerance, "y0": 0, "y1": 1, "fillcolor": ANSWER_COLOR,
             "opacity": 0.15, "line": {"width": 0}},
            {"type": "line", "xref": "x", "yref": "paper", "x0": answer, "x1": answer,
             "y0": 0, "y1": 1, "line": {"color": ANSWER_COLOR, "width": 3}},
        ]
        annotations = [{"x": answer, "y": 1, "xref": "x", "yref": "paper", "yanchor": "bottom",
                        "text": f"answer {answer_text or f'{answer:.4g}'}", "showarrow": False,
                        "font": {"color": ANSWER_COLOR}}]
    figure = go.Figure(
        # plain lists: a few numbers, and the figure JSON stays readable in tests
        go.Bar(x=centres.tolist(), y=counts.tolist(), width=(np.diff(edges) * 0.95).tolist(),
               marker_color=GUESS_COLOR, name="guesses",
               hovertemplate="%{y} guesses near %{x:.4g}<extra></extra>"),
        layout=house_layout(title=title, height=360, xaxis={"title": {"text": "guess"}},
                            yaxis={"title": {"text": "students"}, "dtick": 1, "rangemode":
                                   "tozero"}, shapes=shapes, annotations=annotations),
    )
    return figure


def choice_bars(counts: Mapping[str, int], answer: str | None,
                title: str = "The class's guesses") -> go.Figure:
    """One bar per choice; the right one coloured once revealed."""
    labels = list(counts)
    colors = [ANSWER_COLOR if answer is not None and c == answer else
              (GUESS_COLOR if answer is None else NEUTRAL) for c in labels]
    return go.Figure(
        go.Bar(x=labels, y=[counts[c] for c in labels], marker_color=colors, name="guesses",
               hovertemplate="%{y} students: %{x}<extra></extra>"),
        layout=house_layout(title=title, height=360, yaxis={"title": {"text": "students"},
                                                            "dtick": 1, "rangemode": "tozero"}),
    )
