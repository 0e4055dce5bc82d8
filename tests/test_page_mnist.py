"""AppTest of page 4, "MNIST digits", run through app.py like a learner's browser would."""

from __future__ import annotations

import base64

import numpy as np
import pytest
from apptest_helpers import (
    details_read,
    details_text,
    edit_row,
    open_page,
    page_text,
    plotly_figures,
    rows_data,
)

from ui.text import fmt
from xent_core import explain
from xent_core.mnist import load_digits, load_model
from xent_core.mnist_report import held_out_report, typical_correct_example

PAGE = "pages/4_mnist.py"
LOGITS = "mnist._logits"  # the ten logit boxes (ui.class_rows)
REPORT = held_out_report(load_model(), load_digits())
EIGHT = REPORT.default_index


def metric(at, label_start: str) -> str:
    """The value of the first metric whose label starts with ``label_start``: Streamlit's (the
    loss, the whole set), then those of the details elements (under the loss)."""
    shown = [(m.label, m.value) for m in at.metric]
    shown += [pair for read in details_read(at) for pair in read.metrics]
    values = [value for label, value in shown if label.startswith(label_start)]
    assert values, f"no metric starting with {label_start!r}: {[label for label, _ in shown]}"
    return values[0]


def loss_text(logits, label: int, base: str = "e", unit: str = "nats") -> str:
    return f"{fmt(explain(logits, label, log_base=base).loss, 4)} {unit}"


def bars(at, title_start: str) -> list[float]:
    for figure in plotly_figures(at):
        if figure["layout"]["title"]["text"].startswith(title_start):
            return figure["data"][0]["y"]
    raise AssertionError(f"no figure titled {title_start!r}")


def array(value) -> np.ndarray:
    """A Plotly JSON array: a plain list, or a typed array {"dtype", "bdata", "shape"}."""
    if isinstance(value, dict):
        flat = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        shape = [int(n) for n in str(value.get("shape", flat.size)).split(",")]
        return flat.reshape(shape).astype(float)
    return np.array(value, dtype=float)


def logit_inputs(at) -> list[float]:
    return [float(rows_data(at, LOGITS)[d]["text"]) for d in range(10)]


def edited_logits(index: int, digit: int, value: float) -> np.ndarray:
    logits = REPORT.logits[index].copy()
    logits[digit] = value
    return logits


@pytest.fixture
def at():
    return open_page(PAGE)


# --------------------------------------------------------------------------- the preset


def test_the_page_opens_on_a_correctly_classified_8_and_its_loss(at):
    assert REPORT.labels[EIGHT] == 8 and REPORT.predictions[EIGHT] == 8
    assert metric(at, "Loss for the true label (8)") == loss_text(REPORT.logits[EIGHT], 8)
    assert metric(at, "Prediction") == "8 (right)"
    assert at.pills(key="mnist._digit").value == 8
    assert at.selectbox(key="mnist._list.digit").value == EIGHT
    np.testing.assert_allclose(logit_inputs(at), REPORT.logits[EIGHT])


def test_the_loss_is_written_out_under_the_loss_and_the_bars(at):
    breakdown = explain(REPORT.logits[EIGHT], 8)
    text = details_text(at)
    assert f"−ln p₈ = −ln {fmt(breakdown.probabilities[8], 4)}" in text
    assert (f"its loss is minus its log-probability, "
            f"−({fmt(breakdown.log_probabilities[8], 4).replace('-', '−')}) = "
            f"{loss_text(REPORT.logits[EIGHT], 8)}.") in text
    assert metric(at, "Probability of the true label") == fmt(breakdown.probabilities[8], 4)
    assert "The model's own logits." in text
    edit_row(at, LOGITS, 8, "box", "-2.0")
    assert "Your edited logits." in details_text(at)
    at.segmented_control(key="mnist.y").set_value(3).run()
    assert ("Scoring against 3 instead of 8 changes only which probability the loss picks."
            in details_text(at))


def test_the_bars_show_the_models_logits_and_their_softmax(at):
    breakdown = explain(REPORT.logits[EIGHT], 8)
    np.testing.assert_allclose(bars(at, "Logits"), breakdown.logits)
    np.testing.assert_allclose(bars(at, "Probabilities"), breakdown.probabilities)
    np.testing.assert_allclose(bars(at, "Log-probabilities"), breakdown.log_probabilities)


def test_the_batch_view_shows_the_mean_loss_of_all_500_images(at):
    assert metric(at, "Mean loss (nats)") == fmt(REPORT.mean_loss, 4)
    assert metric(at, "Accuracy") == "89.4 %"
    assert metric(at, "Misclassified") == "53"
    text = page_text(at)
    assert f"{fmt(REPORT.total_loss, 2)} / 500 = **{fmt(REPORT.mean_loss, 4)} nats**" in text
    assert "a **3** read as **5**: 4 times" in text


def test_the_confusion_matrix_on_the_page_is_the_reports(at):
    heatmaps = [f for f in plotly_figures(at) if f["data"][0]["type"] == "heatmap"]
    mistakes, right = (array(trace["z"]) for trace in heatmaps[0]["data"])
    shown = np.where(np.isnan(mistakes), 0, mistakes) + np.where(np.isnan(right), 0, right)
    np.testing.assert_array_equal(shown, REPORT.confusion)


# ------------------------------------------------------------------------ interactions


def test_editing_a_logit_changes_the_loss_to_what_xent_core_computes(at):
    edit_row(at, LOGITS, 8, "box", "-2.0")
    logits = edited_logits(EIGHT, 8, -2.0)
    assert metric(at, "Loss for the true label (8)") == loss_text(logits, 8)
    assert metric(at, "Prediction") == f"{int(np.argmax(logits))} (wrong)"
    np.testing.assert_allclose(bars(at, "Probabilities"), explain(logits, 8).probabilities)
    assert [float(v) for v in at.query_params["x"].split(",")] == pytest.approx(logits)


def test_back_to_the_models_logits_forgets_the_edit(at):
    assert at.button(key="mnist.back").disabled  # nothing to go back to yet
    edit_row(at, LOGITS, 2, "box", "9.0")
    assert not at.button(key="mnist.back").disabled
    at.button(key="mnist.back").click().run()
    assert at.button(key="mnist.back").disabled
    assert metric(at, "Loss for the true label (8)") == loss_text(REPORT.logits[EIGHT], 8)
    np.testing.assert_allclose(logit_inputs(at), REPORT.logits[EIGHT])
    assert "x" not in at.query_params


def test_scoring_against_another_label_shows_what_its_loss_would_be(at):
    at.segmented_control(key="mnist.y").set_value(3).run()
    assert metric(at, "Loss if the label were 3") == loss_text(REPORT.logits[EIGHT], 3)
    assert metric(at, "Loss for the true label (8)") == loss_text(REPORT.logits[EIGHT], 8)
    assert at.query_params["y"] == "3"


def test_the_loss_follows_the_sidebars_log_base(at):
    at.radio(key="shell.base").set_value("2").run()
    assert metric(at, "Loss for the true label (8)") == loss_text(
        REPORT.logits[EIGHT], 8, base="2", unit="bits"
    )
    assert metric(at, "Mean loss (bits)") == fmt(REPORT.mean_loss / np.log(2), 4)


def test_most_confidently_wrong_opens_on_the_worst_mistake(at):
    at.segmented_control(key="mnist.pick").set_value("wrong").run()
    worst = int(REPORT.most_confidently_wrong[0])
    true = int(REPORT.labels[worst])
    assert at.selectbox(key="mnist._list.wrong").value == worst
    assert metric(at, f"Loss for the true label ({true})") == loss_text(REPORT.logits[worst], true)
    assert metric(at, "Prediction").endswith("(wrong)")


def test_picking_from_the_most_unsure_list_shows_that_image(at):
    at.segmented_control(key="mnist.pick").set_value("unsure").run()
    third = int(REPORT.most_unsure[2])
    at.selectbox(key="mnist._list.unsure").set_value(third).run()
    true = int(REPORT.labels[third])
    assert at.query_params["i"] == str(third)
    assert metric(at, f"Loss for the true label ({true})") == loss_text(REPORT.logits[third], true)


def test_confidently_right_images_have_a_loss_near_zero(at):
    at.segmented_control(key="mnist.pick").set_value("right").run()
    best = int(REPORT.confidently_right[0])
    assert metric(at, "Prediction") == f"{REPORT.labels[best]} (right)"
    assert float(metric(at, "Loss for the true label").split()[0]) < 1e-3


def test_picking_a_digit_shows_a_typical_correct_image_of_it(at):
    at.pills(key="mnist._digit").set_value(3).run()
    three = typical_correct_example(REPORT.losses, REPORT.labels, REPORT.predictions, 3)
    assert at.selectbox(key="mnist._list.digit").value == three
    assert metric(at, "Loss for the true label (3)") == loss_text(REPORT.logits[three], 3)


def test_choosing_by_index_shows_that_image_with_its_own_label_and_logits(at):
    edit_row(at, LOGITS, 0, "box", "4.0")
    at.segmented_control(key="mnist.pick").set_value("index").run()
    at.text_input(key="mnist._index").input("123").run()
    true = int(REPORT.labels[123])
    assert at.segmented_control(key="mnist.y").value == true
    np.testing.assert_allclose(logit_inputs(at), REPORT.logits[123])
    assert metric(at, f"Loss for the true label ({true})") == loss_text(REPORT.logits[123], true)
    assert "x" not in at.query_params


# ------------------------------------------------------------------------- URL state


def test_a_shared_link_reopens_the_same_image_edit_and_label(at):
    at.segmented_control(key="mnist.pick").set_value("index").run()
    at.text_input(key="mnist._index").input("321").run()
    edit_row(at, LOGITS, 5, "box", "7.5")
    at.segmented_control(key="mnist.y").set_value(5).run()
    shown = metric(at, "Loss if the label were 5")
    params = dict(at.query_params.items())
    assert params["pick"] == "index" and params["i"] == "321" and params["y"] == "5"

    again = open_page(PAGE, params)
    assert metric(again, "Loss if the label were 5") == shown
    assert shown == loss_text(edited_logits(321, 5, 7.5), 5)
    assert int(again.text_input(key="mnist._index").value) == 321
    np.testing.assert_allclose(logit_inputs(again), edited_logits(321, 5, 7.5))


def test_the_page_keeps_its_state_when_the_learner_comes_back(at):
    edit_row(at, LOGITS, 1, "box", "6.0")
    at.switch_page("pages/home.py").run()
    at.switch_page(PAGE).run()
    assert not at.exception
    assert metric(at, "Loss for the true label (8)") == loss_text(edited_logits(EIGHT, 1, 6.0), 8)


HOSTILE = ["nan", "inf", "-inf", "1e308", "<script>alert(1)</script>", "7" * 10_000, "", "2.5"]


@pytest.mark.parametrize("value", [*HOSTILE, "500", "-1"])
def test_a_bad_image_index_in_the_link_falls_back_to_the_default_8(value):
    at = open_page(PAGE, {"i": value, "y": "3"})
    assert any("image index" in w.value for w in at.warning)
    assert metric(at, "Loss if the label were 3") == loss_text(REPORT.logits[EIGHT], 3)


@pytest.mark.parametrize(
    "value",
    [*HOSTILE, "1,2,3", ",".join(["1"] * 11), ",".join(["nan"] * 10), ",".join(["1e308"] * 10),
     ",".join(["1"] * 9 + ["x"])],
)
def test_bad_logits_in_the_link_fall_back_to_the_models_and_keep_the_image(value):
    at = open_page(PAGE, {"pick": "index", "i": "42", "x": value})
    assert any("edited logits" in w.value for w in at.warning)
    true = int(REPORT.labels[42])
    np.testing.assert_allclose(logit_inputs(at), REPORT.logits[42])
    assert metric(at, f"Loss for the true label ({true})") == loss_text(REPORT.logits[42], true)


@pytest.mark.parametrize(("name", "value"), [("y", "10"), ("y", "nan"), ("pick", "<b>x</b>")])
def test_a_bad_label_or_picking_mode_in_the_link_shows_a_note(name, value):
    at = open_page(PAGE, {name: value})
    assert at.warning and "<b>" not in " ".join(w.value for w in at.warning)
    assert metric(at, "Loss for the true label (8)") == loss_text(REPORT.logits[EIGHT], 8)


# ---------------------------------------------------------------------- bad input


@pytest.mark.parametrize("value, why", [("1e308", "from -10000 to 10000"),
                                        ("-50000", "from -10000 to 10000"),
                                        ("1e999", "from -10000 to 10000"),
                                        ("abc", "not a number"), ("", "empty")])
def test_an_out_of_range_logit_is_rejected_inline_and_keeps_the_other_inputs(at, value, why):
    edit_row(at, LOGITS, 4, "box", "2.0")
    edit_row(at, LOGITS, 7, "box", value)
    assert not at.exception
    message = rows_data(at, LOGITS)[7]["error"]  # beside the box
    assert why in message and "logit of digit 7 stays" in message
    assert rows_data(at, LOGITS)[7]["text"] == value  # kept to be corrected
    assert float(rows_data(at, LOGITS)[4]["text"]) == 2.0
    last_valid = edited_logits(EIGHT, 4, 2.0)
    assert metric(at, "Loss for the true label (8)") == loss_text(last_valid, 8)
    assert [float(v) for v in at.query_params["x"].split(",")] == pytest.approx(last_valid)

    edit_row(at, LOGITS, 7, "box", "1.0")
    assert not at.error and rows_data(at, LOGITS)[7]["error"] is None
    assert metric(at, "Loss for the true label (8)") == loss_text(
        edited_logits(EIGHT, 4, 2.0) + np.eye(10)[7] * (1.0 - REPORT.logits[EIGHT][7]), 8
    )


def test_a_huge_but_allowed_logit_gives_an_exact_loss_not_nan(at):
    edit_row(at, LOGITS, 0, "box", "1000.0")
    logits = edited_logits(EIGHT, 0, 1000.0)
    assert metric(at, "Loss for the true label (8)") == loss_text(logits, 8)
    assert "nan" not in metric(at, "Loss for the true label (8)").lower()
