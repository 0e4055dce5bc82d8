"""Figures and the table for page 2, "Five classes": numbers in, Plotly figure (or a
DataFrame) out. No Streamlit here.

Class names are the learner's text. Plotly reads ``<b>``, ``<br>`` and entities in labels,
so every name goes through :func:`plotly_text` first and shows literally.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ui.colors import INK, TARGET_OUTLINE, class_color
from ui.figure_spec import SpecFigure, figure_from_spec
from ui.figures import class_bars, class_bars_spec, house_layout
from ui.text import fmt
from xent_core import Breakdown, LogBase
from xent_core.steps import StableExp

ARROW_COLOR = INK  # near black on a light page, near white on a dark one
ARROW_WIDTH = 5  # px: the step reads at a glance, also projected
ARROW_HEAD = 22  # px


def plotly_text(text: str) -> str:
    """User text for a Plotly label: ``<b>cat</b>`` is drawn as typed, not in bold."""
    return html.escape(str(text), quote=False)


def _labels(names: Sequence[str]) -> list[str]:
    return [plotly_text(name) for name in names]


def _padded_range(values: Sequence[float], pad: float = 0.18) -> list[float]:
    """An axis range around ``values`` (and 0) with room for the labels above the bars."""
    low = min(0.0, *values)
    high = max(0.0, *values)
    margin = pad * max(high - low, 1e-9)
    return [low - margin, high + margin]


def logit_figure(logits: Sequence[float], next_logits: Sequence[float], grad: Sequence[float],
                 names: Sequence[str], target: int, *, lr: float) -> SpecFigure:
    """The logits as bars, with an arrow from each bar to where one gradient step moves it.

    ``next_logits`` is ``x − lr · grad`` from :func:`xent_core.steps.gradient_step`: the true
    class's arrow points up, every other arrow points down; hovering shows the gradient. The
    arrows are one trace (not annotations) to keep the figure cheap to build.
    """
    spec = class_bars_spec(
        logits, _labels(names), title=f"Logits x, arrows: one gradient step (lr = {lr:g})",
        yaxis_title="logit x", target=target, digits=2,
        y_range=_padded_range([*logits, *next_logits]),
    )
    xs: list[float | None] = []
    ys: list[float | None] = []
    sizes: list[int] = []
    labels: list[str] = []
    for i, (start, end, g) in enumerate(zip(logits, next_logits, grad, strict=True)):
        xs += [i + 0.32, i + 0.32, None]
        ys += [float(start), float(end), None]
        sizes += [0, ARROW_HEAD if start != end else 0, 0]
        labels += [f"{plotly_text(names[i])}: gradient {float(g):+.4f}"] * 2 + [""]
    spec["data"].append({
        "type": "scatter", "x": xs, "y": ys, "mode": "lines+markers",
        "line": {"color": ARROW_COLOR, "width": ARROW_WIDTH},
        "marker": {"symbol": "arrow", "angleref": "previous", "size": sizes,
                   "color": ARROW_COLOR},
        "hovertext": labels, "hovertemplate": "%{hovertext}<extra></extra>",
        "cliponaxis": False,
    })
    return figure_from_spec(spec)


def probability_figure(probabilities: Sequence[float], names: Sequence[str],
                       target: int) -> SpecFigure:
    """Softmax probabilities as bars on a fixed 0–1 axis, so changes are easy to compare."""
    return class_bars(
        probabilities, _labels(names), title="Softmax probabilities p (they add up to 1)",
        yaxis_title="probability p", target=target, digits=3, y_range=[0, 1.12],
    )


def loss_history_figure(losses: Sequence[float], log_base: LogBase,
                        target: int) -> SpecFigure:
    """The loss before the first step (step 0) and after each gradient step since, drawn in
    the true class's colour."""
    steps = list(range(len(losses)))
    color = class_color(target)
    trace = {
        "type": "scatter", "x": steps, "y": [float(v) for v in losses], "mode": "lines+markers",
        "line": {"color": color, "width": 2},
        "marker": {"size": 7, "color": color, "line": {"color": TARGET_OUTLINE, "width": 1}},
        "hovertemplate": f"step %{{x}}: loss %{{y:.4f}} {log_base.unit}<extra></extra>",
    }
    # One constructor call with the whole layout: this figure is rebuilt on every step.
    layout = house_layout(
        title=f"Loss over the steps taken, in {log_base.unit}",
        xaxis={"title": {"text": "gradient steps taken"}, "rangemode": "tozero",
               "dtick": max(1, int(np.ceil(len(steps) / 10)))},
        yaxis={"title": {"text": f"loss ({log_base.unit})"}, "rangemode": "tozero"},
    )
    return figure_from_spec({"data": [trace], "layout": layout})


def softmax_columns(b: Breakdown, names: Sequence[str], temperature: float,
                    stable: StableExp | None = None) -> dict[str, list[str]]:
    """The lesson's table as columns of text: one row per class, then a row with the sum of
    the exps.

    Columns: output x → exp → p = exp ÷ sum → log p → −log p of the true class, and the
    gradient. Numbers are formatted text (``inf`` shows as ∞). With ``stable`` (from
    :func:`xent_core.steps.stable_exp`, for logits whose exp overflows) the stable route's
    ``exp(x − max)`` column is added next to the by-hand one. Names stay plain text.
    """
    base = b.log_base
    scaled = "x" if temperature == 1.0 else "x / T"
    columns = {
        "true": ["✔" if i == b.target else "" for i in range(len(names))],
        "class": list(names),
        "output x": [fmt(v, 3) for v in b.logits],
        f"exp({scaled})": [fmt(v, 3) for v in b.exp],
    }
    sum_row = {"class": "sum of exps", f"exp({scaled})": fmt(b.sum_exp, 3)}
    if stable is not None:
        name = "exp(x − max)" if temperature == 1.0 else "exp((x − max) / T)"
        columns[name] = [fmt(v, 4) for v in stable.exp]
        sum_row[name] = fmt(stable.sum_exp, 4)
    columns["p = exp ÷ sum"] = [fmt(v, 4) for v in b.probabilities]
    columns[f"{base.log_name} p"] = [fmt(v, 4) for v in b.log_probabilities]
    columns[f"−{base.log_name} p (true class)"] = [
        fmt(b.loss, 4) if i == b.target else "" for i in range(len(names))]
    gradient = "p − one-hot" if temperature == 1.0 else "(p − one-hot) / T"
    columns[f"gradient {gradient}"] = [fmt(v, 4) for v in b.grad]
    # The sum row goes at the bottom of each column.
    return {c: [*values, sum_row.get(c, "")] for c, values in columns.items()}


def softmax_table(b: Breakdown, names: Sequence[str], temperature: float,
                  stable: StableExp | None = None) -> pd.DataFrame:
    """:func:`softmax_columns` as a DataFrame (for a download or a notebook; the page draws
    the columns as a markdown table, which is cheaper on every move)."""
    return pd.DataFrame(softmax_columns(b, names, temperature, stable))
