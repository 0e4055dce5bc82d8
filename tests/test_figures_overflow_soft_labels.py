"""Figure builders of lessons 7 and 8: valid Plotly (checked once here, since the builders skip
Plotly's validation for speed), and the numbers they draw are the core's."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ui.figure_spec import checked, figure_from_spec
from ui.overflow_figures import bar_label, precision_figure
from ui.soft_label_figures import (
    decomposition_figure,
    reliability_figure,
    target_prediction_figure,
    temperature_curve_figure,
)
from xent_core.lessons import overflow, soft_labels
from xent_core.lessons.soft_labels import CLASS_NAMES

NAMES = ["class 0", "class 1", "class 2"]


def test_checked_rejects_a_property_plotly_does_not_know():
    with pytest.raises(ValueError):
        checked(figure_from_spec({"data": [{"type": "bar", "colour": "red"}]}))


def test_bar_labels_spell_out_nan_infinity_and_an_underflowed_zero():
    assert [bar_label(v) for v in (math.nan, math.inf, 0.0, 0.88049)] == [
        "NaN", "∞", "0", "0.880"]


@pytest.mark.parametrize("logits, target, shift", [
    ((12.0, 10.0, 3.0), 0, 0.0), ((710.0, 700.0, 3.0), 1, 0.0), ((0.0, -800.0, 5.0), 1, 0.0),
    ((2.0, 1.0, 0.1), 0, 1000.0), ((1.0, 2.0, 3.0, 4.0, 5.0, 6.0), 5, -3.0)])
def test_the_precision_figure_stacks_each_routes_probabilities(logits, target, shift):
    view = overflow(logits, target, shift)
    names = [f"class {i}" for i in range(len(logits))]
    figure = checked(precision_figure(view.routes, names, target)).to_dict()
    bars = [t for t in figure["data"] if t["type"] == "bar"]
    labels = [t for t in figure["data"] if t["type"] == "scatter"]
    assert len(bars) == 3 * len(logits) and len(labels) == 3
    for panel, routes in enumerate(view.routes):
        table = np.stack([routes.softmax_by_hand, routes.softmax_max_subtracted,
                          routes.softmax_via_logsumexp])  # (3 routes, C)
        heights = np.array([b["y"] for b in bars[panel * len(logits):(panel + 1) * len(logits)]])
        assert pytest.approx(np.where(np.isfinite(table), table, 0.0)) == heights.T
        assert list(labels[panel]["text"]) == [bar_label(v) for v in table[:, target]]
        outlines = [b["marker"]["line"]["width"] for b in
                    bars[panel * len(logits):(panel + 1) * len(logits)]]
        assert outlines.index(max(outlines)) == target
    headlines = [a["text"] for a in figure["layout"]["annotations"]]
    assert [("✗" in h) for h in headlines] == [r.by_hand_breaks for r in view.routes]


def test_the_soft_label_figures_draw_the_cores_numbers():
    view = soft_labels([-2.17, -1.63, -2.75, 2.39, -0.156], 3, 0.1, 2.0, 1.5)
    pq = checked(target_prediction_figure(view.target, view.probabilities, CLASS_NAMES,
                                          temperature=2.0, target_index=3)).to_dict()
    assert pq["data"][0]["y"] == pytest.approx(list(view.target))
    assert pq["data"][1]["y"] == pytest.approx(list(view.probabilities))
    assert pq["layout"]["xaxis"]["ticktext"][3] == "<b>fish</b>"
    stack = checked(decomposition_figure(view.entropy, view.kl_divergence,
                                         view.cross_entropy, unit="nats")).to_dict()
    parts = [t["x"][0] for t in stack["data"]]
    assert parts == pytest.approx([view.entropy, view.kl_divergence])
    assert sum(parts) == pytest.approx(view.cross_entropy, rel=1e-9)
    assert stack["layout"]["shapes"][0]["x0"] == pytest.approx(view.lowest_loss)
    bins = view.reliability
    reliability = checked(reliability_figure(bins.centers, bins.accuracy, bins.mean_confidence,
                                             bins.counts, temperature=1.5)).to_dict()
    filled = bins.counts > 0
    assert reliability["data"][0]["y"] == pytest.approx(list(bins.accuracy[filled]))
    assert reliability["data"][1]["y"] == pytest.approx(list(bins.mean_confidence[filled]))
    curve = checked(temperature_curve_figure(
        view.curve_temperatures, view.curve_nll, view.curve_expected_calibration_error,
        view.curve_mean_confidence, accuracy=view.accuracy, temperature=1.5,
        fitted_temperature=view.fitted_temperature, unit="nats")).to_dict()
    assert curve["data"][0]["y"] == pytest.approx(list(view.curve_nll))
    assert set(curve["data"][3]["y"]) == {view.accuracy}
    assert [s["x0"] for s in curve["layout"]["shapes"]] == [1.5, view.fitted_temperature]
    # every tick of the log axis is a labelled doubling: no small in-between digits
    assert curve["layout"]["xaxis"]["tickvals"] == [0.25, 0.5, 1, 2, 4, 8]
    assert min(view.curve_temperatures) >= 0.25 and max(view.curve_temperatures) <= 8
