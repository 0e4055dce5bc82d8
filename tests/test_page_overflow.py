"""Page 7, "Numbers that overflow", through app.py with AppTest: the numbers on screen are the
core's, every control is live, the examples, the URL round trip, bad links and bad boxes."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from apptest_helpers import (
    DetailsReader,
    bold_text,
    details_metrics,
    details_tables,
    edit_row,
    element_of,
    open_page,
    page_text,
    plotly_figures,
    rows_data,
)

from ui.overflow_figures import bar_label
from ui.text import fmt
from xent_core.lessons import overflow
from xent_core.lessons.overflow import DEFAULT_PRESET, PRESETS

PAGE = "pages/7_overflow.py"
ROWS = "overflow._rows"  # one element: a row per logit, then the shift c's
LOGITS, TARGET, SHIFT = PRESETS[DEFAULT_PRESET]
SHIFT_ROW = len(LOGITS)  # the shift's row, after the lesson's three logits


def box_values(at) -> list[float]:
    """What the logits' exact-value boxes show, as numbers (the rows but the last, c's)."""
    return [float(row["text"]) for row in rows_data(at, ROWS)[:-1]]


def shift_row(at) -> dict:
    """The shift c's row: the last of the rows element."""
    return rows_data(at, ROWS)[-1]


def shown_loss(at) -> str:
    """The stage's loss (a metric of ui.details, the stable float64 route)."""
    return details_metrics(at)["Loss, log_softmax"]


def loss_panel(at) -> str:
    """The HTML of what each precision's routes say, beside the stage's loss."""
    return json.loads(element_of(at, "overflow.details.loss").proto.json)["html"]


def by_hand_nan(dtype: str) -> str:
    """A precision's line in the loss panel as drawn when its by-hand route breaks: the
    precision in bold, NaN in red and bold."""
    return (f'<strong>{dtype}</strong>: by hand <span class="xd-red-text"><strong>NaN'
            "</strong></span>;")


def table_row(at, first: str, table: int = 0) -> list[str]:
    """The row of a table below the stage (0: every route, 1: log(softmax) against
    log_softmax, 2: shift invariance) whose first cell is ``first``."""
    _header, *rows = details_tables(at)[table]
    return next(row for row in rows if row[0] == first)


def expected_loss(logits=LOGITS, target=TARGET, shift=SHIFT, base="e") -> str:
    view = overflow(logits, target, shift, log_base=base)
    return f"{fmt(view.float64.loss_log_softmax, 4)} {view.log_base.unit}"


def top_labels(at) -> list[list[str]]:
    """The labels above the bars (the true class's probability), one list per precision."""
    figure = plotly_figures(at)[0]
    return [trace["text"] for trace in figure["data"] if trace["type"] == "scatter"]


def stacked_heights(at, panel: int) -> list[list[float]]:
    """The bar heights of one precision's panel: one list per class, routes along it."""
    figure = plotly_figures(at)[0]
    axis = "x" if panel == 0 else f"x{panel + 1}"
    return [trace["y"] for trace in figure["data"]
            if trace["type"] == "bar" and trace["xaxis"] == axis]


@pytest.fixture
def at():
    return open_page(PAGE)


# ------------------------------------------------------------------------ the lesson


def test_the_page_opens_on_logits_that_break_float16_only(at):
    view = overflow(LOGITS, TARGET)
    assert shown_loss(at) == expected_loss() == "0.1270 nats"
    assert details_metrics(at) == {"Loss, log_softmax": "0.1270 nats"}  # the stage's only
    assert not at.metric  # a metric of ui.details (a place a move updates), not st.metric
    assert top_labels(at) == [[bar_label(v) for v in (r.softmax_by_hand[TARGET],
                                                      r.softmax_max_subtracted[TARGET],
                                                      r.softmax_via_logsumexp[TARGET])]
                              for r in view.routes]
    assert top_labels(at)[0][0] == "NaN"  # e^12 > 65504: by hand is inf / inf in float16
    assert top_labels(at)[1] == ["0.881", "0.881", "0.881"]
    panel = loss_panel(at)
    assert by_hand_nan("float16") in panel
    assert "<strong>float32</strong>: by hand right;" in panel
    assert "<strong>float64</strong>: by hand right;" in panel
    lines = "".join(DetailsReader(panel).text).splitlines()
    assert [line.split(";")[0] for line in lines] == [
        "float16: by hand NaN", "float32: by hand right", "float64: by hand right"]


def test_the_bars_are_the_cores_probabilities_in_each_precision(at):
    view = overflow(LOGITS, TARGET)
    for panel, routes in enumerate(view.routes):
        heights = np.array(stacked_heights(at, panel))  # (C, 3 routes)
        expected = np.stack([routes.softmax_by_hand, routes.softmax_max_subtracted,
                             routes.softmax_via_logsumexp], axis=1)
        assert heights == pytest.approx(np.nan_to_num(expected, nan=0.0, posinf=0.0))


def test_the_details_show_inf_and_nan_where_they_appear(at):
    assert details_tables(at)[0][0] == ["step", "float16", "float32", "float64"]
    assert table_row(at, "by hand: e^x")[1] == "∞, 22032.0000, 20.0781"  # float16's e^12: inf
    assert {"by hand", "max subtracted", "log-sum-exp"} <= set(bold_text(at))
    assert table_row(at, "sum of e^x")[1] == "∞"
    assert table_row(at, "e^x ÷ sum")[1] == "NaN, 0.0000, 0.0000"
    view = overflow(LOGITS, TARGET)
    assert table_row(at, "e^x overflows above")[1] == fmt(view.float16.overflow_threshold, 2)
    assert table_row(at, "e^x overflows above") == ["e^x overflows above", "11.09", "88.72",
                                                    "709.78"]
    assert "Classes in order: class 0, class 1, class 2." in page_text(at)


def test_log_of_zero_gives_an_infinite_loss_and_a_nan_gradient_but_log_softmax_does_not():
    at = open_page(PAGE)
    at.selectbox(key="overflow._preset").set_value("log of 0").run()
    view = overflow(*PRESETS["log of 0"])
    assert math.isinf(view.float64.loss_log_of_softmax)
    text = page_text(at)
    f64 = view.float64
    assert table_row(at, "float64", table=1)[:4] == [
        "float64", "∞ nats", ", ".join(fmt(g) for g in f64.grad_log_of_softmax),
        f"{fmt(f64.loss_log_softmax)} nats"]
    assert "NaN" in ", ".join(fmt(g) for g in f64.grad_log_of_softmax)
    assert "float64: by hand right; −log(softmax) ∞, −log_softmax 805.0067" in text
    assert ("<strong>float64</strong>: by hand right; −log(softmax) ∞, −log_softmax 805.0067"
            in loss_panel(at))
    assert shown_loss(at) == expected_loss(*PRESETS["log of 0"]) == "805.0067 nats"
    assert top_labels(at)[2] == ["0", "0", "0"]  # e^-805 underflows to 0 on every route


# ----------------------------------------------------------------------- the controls


def test_a_logit_slider_changes_the_loss_to_the_cores(at):
    edit_row(at, ROWS, 0, "slider", 5.0)
    moved = [5.0, *LOGITS[1:]]
    assert shown_loss(at) == expected_loss(moved)
    assert at.query_params["x"] == "5,10,3"
    assert box_values(at)[0] == 5.0
    assert "by hand NaN" not in page_text(at)  # e^10 fits in float16
    assert "xd-red-text" not in loss_panel(at)


def test_dragging_a_logit_past_88_breaks_float32_too(at):
    edit_row(at, ROWS, 0, "slider", 90.0)
    assert top_labels(at)[0][0] == "NaN" and top_labels(at)[1][0] == "NaN"
    assert top_labels(at)[2][0] == bar_label(overflow([90.0, 10.0, 3.0], 0).float64
                                             .softmax_by_hand[0]) == "1.000"
    assert shown_loss(at) == expected_loss([90.0, 10.0, 3.0])


def test_a_logit_beyond_709_in_the_box_breaks_every_precision_but_not_the_stable_route(at):
    edit_row(at, ROWS, 0, "box", "800")
    assert [labels[0] for labels in top_labels(at)] == ["NaN", "NaN", "NaN"]
    assert [labels[1] for labels in top_labels(at)][1:] == ["1.000", "1.000"]
    assert shown_loss(at) == expected_loss([800.0, 10.0, 3.0])
    assert rows_data(at, ROWS)[0]["slider"] == 100.0  # only the slider is clamped
    assert rows_data(at, ROWS)[0]["note"].startswith("800.000 is beyond the slider's ±100")


def test_the_true_class_changes_the_loss(at):
    at.radio(key="overflow.target").set_value(2).run()
    assert shown_loss(at) == expected_loss(target=2)
    assert at.query_params["target"] == "2"


def test_adding_c_changes_nothing_but_the_by_hand_route(at):
    edit_row(at, ROWS, 0, "slider", 2.0)
    before = shown_loss(at)
    edit_row(at, ROWS, SHIFT_ROW, "slider", 1000.0)
    view = overflow([2.0, 10.0, 3.0], 0, 1000.0)
    assert shown_loss(at) == before == expected_loss([2.0, 10.0, 3.0], shift=1000.0)
    assert [labels[0] for labels in top_labels(at)] == ["NaN", "NaN", "NaN"]
    assert view.float64.shift_change_log_softmax < 1e-9
    assert table_row(at, "float64", table=2) == [
        "float64", "NaN", fmt(view.float64.shift_change_max_subtracted),
        fmt(view.float64.shift_change_log_softmax)]
    assert at.query_params["c"] == "1000"
    assert shift_row(at)["text"] == "1000"


def test_the_log_base_relabels_the_loss(at):
    at.sidebar.radio[0].set_value("2").run()
    assert shown_loss(at) == expected_loss(base="2")
    assert shown_loss(at).endswith("bits")


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_example_sets_its_logits_and_the_loss_is_the_cores(at, name):
    at.selectbox(key="overflow._preset").set_value(name).run()
    logits, target, shift = PRESETS[name]
    assert shown_loss(at) == expected_loss(logits, target, shift)
    assert at.radio(key="overflow.target").value == target
    assert box_values(at) == list(logits)
    assert at.selectbox(key="overflow._preset").value == name


def test_moving_a_slider_leaves_the_example(at):
    edit_row(at, ROWS, 1, "slider", 9.0)
    assert at.selectbox(key="overflow._preset").value is None


def test_reset_brings_back_the_lesson(at):
    edit_row(at, ROWS, 0, "slider", 50.0)
    edit_row(at, ROWS, SHIFT_ROW, "slider", -20.0)
    at.button(key="overflow.reset").click().run()
    assert shown_loss(at) == expected_loss()
    assert dict(at.query_params) == {}
    assert shift_row(at)["slider"] == 0.0


# ----------------------------------------------------------------------------- the URL


def test_the_link_round_trips_every_input(at):
    edit_row(at, ROWS, 1, "box", "95.5")
    at.radio(key="overflow.target").set_value(1).run()
    edit_row(at, ROWS, SHIFT_ROW, "box", "-40")
    params = dict(at.query_params)
    assert params == {"x": "12,95.5,3", "target": "1", "c": "-40"}
    again = open_page(PAGE, params)
    assert shown_loss(again) == shown_loss(at) == expected_loss([12.0, 95.5, 3.0], 1, -40.0)
    assert top_labels(again) == top_labels(at)
    assert not again.warning


def test_a_link_with_more_classes_draws_a_row_per_logit():
    at = open_page(PAGE, {"x": "1,2,3,4,720", "target": "4"})
    assert not at.warning
    assert shown_loss(at) == expected_loss([1.0, 2.0, 3.0, 4.0, 720.0], 4)
    assert box_values(at)[4] == 720.0


HOSTILE = [
    {"x": "nan,1,2"},
    {"x": "1e308,1,2"},
    {"x": "<script>alert(1)</script>"},
    {"x": "1"},
    {"x": ",".join(["1"] * 11)},
    {"target": "<script>"},
    {"target": "-1"},
    {"c": "abc"},
    {"c": "1e999"},
    {"c": "99999"},
]


@pytest.mark.parametrize("params", HOSTILE, ids=lambda p: f"{p}")
def test_a_bad_link_value_falls_back_to_the_lesson_with_a_note(params):
    at = open_page(PAGE, params)
    assert any("was not used" in w.value for w in at.warning)
    assert shown_loss(at) == expected_loss()
    assert "<script>" not in page_text(at)


def test_a_link_whose_true_class_is_past_the_last_class_uses_the_first():
    at = open_page(PAGE, {"x": "1,2", "target": "5"})
    assert any("not one of its 2 classes" in w.value for w in at.warning)
    assert shown_loss(at) == expected_loss([1.0, 2.0], 0)


@pytest.mark.parametrize("typed, why", [("", "empty"), ("abc", "not a number"),
                                        ("1e999", "from -10000 to 10000"),
                                        ("99999", "from -10000 to 10000")])
@pytest.mark.parametrize("row", [0, SHIFT_ROW], ids=["logit", "shift"])
def test_a_bad_box_keeps_the_value_and_says_why_next_to_it(at, row, typed, why):
    edit_row(at, ROWS, row, "box", typed)
    assert shown_loss(at) == expected_loss()
    assert dict(at.query_params) == {}
    shown = rows_data(at, ROWS)[row]
    assert why in shown["error"] and "was not used" in shown["error"]
    assert ("stays 12.000" if row == 0 else "the shift c stays 0.000") in shown["error"]
    assert shown["text"] == typed  # the box keeps what was typed
    edit_row(at, ROWS, row, "box", "20")  # a good value clears the message
    assert rows_data(at, ROWS)[row]["error"] is None
    assert shown_loss(at) == (expected_loss([20.0, 10.0, 3.0]) if row == 0
                              else expected_loss(shift=20.0))


def test_the_shift_is_the_last_row_of_the_logits_element_with_its_own_slider():
    """One element for everything a move edits: the logits' rows (slider ±100, steps of 0.1)
    and, after them, c's (±1000, steps of 1), under a line that says what c does."""
    at = open_page(PAGE, {"c": "1500"})
    *logits, shift = rows_data(at, ROWS)
    assert [row["name"] for row in logits] == ["class 0", "class 1", "class 2"]
    assert all(row["low"] is None and row["lead"] == "" for row in logits)
    assert (shift["name"], shift["low"], shift["high"], shift["step"]) == ("c", -1000.0,
                                                                          1000.0, 1.0)
    assert shift["lead"] == "Add the same c to every logit: softmax should not notice."
    assert shift["slider_label"] == "Shift c (slider)"
    assert shift["box_label"] == "Shift c (exact)"
    assert (shift["text"], shift["slider"]) == ("1500", 1000.0)
    assert shift["note"] == "1500.000 is beyond the slider's ±1000; the box holds the value."
    assert shown_loss(at) == expected_loss(shift=1500.0)
