"""Page 8, "Soft labels, entropy and KL", through app.py with AppTest: the core's numbers on
screen, every control live, the examples, the target editor's checks, calibration and the
fitted temperature, the URL round trip, bad links and bad boxes."""

from __future__ import annotations

import pytest
from apptest_helpers import (
    bold_text,
    details_metrics,
    details_read,
    details_tables,
    edit_row,
    open_page,
    page_text,
    plotly_figures,
    rows_data,
)

from ui.text import fmt
from xent_core.lessons import soft_labels
from xent_core.lessons.soft_labels import CLASS_NAMES, DEFAULT_PRESET, PRESETS

PAGE = "pages/8_soft_labels.py"
LOGITS, TARGET, SMOOTHING, T = PRESETS[DEFAULT_PRESET]
# the stage's rows, one element: label smoothing, the temperature, then a logit per class
ROWS, SMOOTHING_ROW, TEMPERATURE_ROW, FIRST_LOGIT_ROW = "soft._rows", 0, 1, 2
ENTROPY = "Entropy H(p) = lowest reachable loss"  # the stage's metric of H(p)
SOFT = (0.1, 0.1, 0.0, 0.6, 0.2)


def metrics(at) -> dict[str, str]:
    """Every metric on the page: Streamlit's (the loss, calibration) and those of the details
    elements (the two under the loss)."""
    return {**{m.label: m.value for m in at.metric}, **details_metrics(at)}


def core(logits=LOGITS, target=TARGET, smoothing=SMOOTHING, temperature=T, t_cal=1.0,
         base="e"):
    return soft_labels(logits, target, smoothing, temperature, t_cal, log_base=base)


def shown(view) -> dict[str, str]:
    """The stage's three numbers as the page should print them: the loss and its two terms
    (the target's entropy is also the lowest reachable loss, the core computes both)."""
    unit = view.log_base.unit
    assert fmt(view.entropy, 4) == fmt(view.lowest_loss, 4)
    return {"Loss H(p, q)": f"{fmt(view.cross_entropy, 4)} {unit}",
            ENTROPY: f"{fmt(view.lowest_loss, 4)} {unit}",
            "KL(p‖q)": f"{fmt(view.kl_divergence, 4)} {unit}"}


def assert_stage(at, view) -> None:
    got = metrics(at)
    assert {k: got[k] for k in shown(view)} == shown(view)
    stack = plotly_figures(at)[1]
    assert [trace["x"][0] for trace in stack["data"]] == pytest.approx(
        [view.entropy, view.kl_divergence])
    bars = plotly_figures(at)[0]
    assert bars["data"][0]["y"] == pytest.approx(list(view.target))
    assert bars["data"][1]["y"] == pytest.approx(list(view.probabilities))


@pytest.fixture
def at():
    return open_page(PAGE)


# ------------------------------------------------------------------------ the lesson


def test_label_smoothing_01_on_the_fish_example_splits_the_loss_into_entropy_and_kl(at):
    view = core()
    assert_stage(at, view)
    assert metrics(at)["Loss H(p, q)"] == "0.4321 nats"
    assert metrics(at)[ENTROPY] == "0.3897 nats"  # the core's docstring
    assert details_tables(at)[0][-1][4] == "0.4321 = H(p, q)"
    assert "0.4321" in bold_text(at)
    assert at.selectbox(key="soft._preset").value == DEFAULT_PRESET


def test_the_class_table_holds_the_cores_terms(at):
    view = core()
    (table,) = details_tables(at)
    assert table[0] == ["class", "target p", "q = softmax(x / 1)", "softmax(x)", "−p ln q",
                        "−p ln p", "p ln(p / q)", "logits that reach H(p)"]
    for i, name in enumerate(("cat", "dog", "plane", "fish", "building")):
        assert table[1 + i] == [name, fmt(view.target[i]), fmt(view.probabilities[i]),
                                fmt(view.probabilities_at_1[i]),
                                fmt(view.cross_entropy_terms[i]), fmt(view.entropy_terms[i]),
                                fmt(view.kl_terms[i]), fmt(view.best_logits[i], 3)]
    assert table[6] == ["sum", "1", "1", "1", f"{fmt(view.cross_entropy)} = H(p, q)",
                        f"{fmt(view.entropy)} = H(p)", f"{fmt(view.kl_divergence)} = KL", ""]
    (bold,) = [read.bold for read in details_read(at) if read.tables]
    assert bold == ["sum", fmt(view.cross_entropy), fmt(view.entropy), fmt(view.kl_divergence)]


def test_a_one_hot_target_can_reach_zero_loss(at):
    at.selectbox(key="soft._preset").set_value("one-hot").run()
    view = core(target=3, smoothing=0.0)
    assert_stage(at, view)
    assert metrics(at)[ENTROPY] == "0.0000 nats"
    assert metrics(at)["KL(p‖q)"] == metrics(at)["Loss H(p, q)"]
    assert "With a one-hot target H(p) = 0" in page_text(at)


# ----------------------------------------------------------------------- the controls


def test_label_smoothing_raises_the_floor(at):
    edit_row(at, ROWS, SMOOTHING_ROW, "slider", 0.3)
    assert_stage(at, core(smoothing=0.3))
    assert at.query_params["ls"] == "0.3"
    assert at.selectbox(key="soft._preset").value is None


def test_temperature_softens_the_prediction(at):
    edit_row(at, ROWS, TEMPERATURE_ROW, "slider", 4.0)
    view = core(temperature=4.0)
    assert_stage(at, view)
    assert f"its entropy H(q) is {fmt(view.prediction_entropy, 4)} nats" in page_text(at)
    assert plotly_figures(at)[0]["data"][1]["name"] == "prediction q (T = 4)"


def test_smoothing_and_temperature_are_rows_of_the_logits_element_with_their_own_sliders(at):
    """One element for everything a move edits: ε (0 to 1, steps of 0.01) and T (0.1 to 10,
    steps of 0.05), each under a line that says what it does, then the logits (±10)."""
    smoothing, temperature, *logits = rows_data(at, ROWS)
    assert (smoothing["name"], smoothing["low"], smoothing["high"], smoothing["step"],
            smoothing["text"]) == ("ε", 0.0, 1.0, 0.01, "0.1")
    assert smoothing["slider_label"] == "Label smoothing ε (slider)"
    assert smoothing["lead"] == "Label smoothing ε, 0 to 1: target → (1 − ε) · target + ε / 5."
    assert (temperature["name"], temperature["low"], temperature["high"], temperature["step"],
            temperature["text"]) == ("T", 0.1, 10.0, 0.05, "1")
    assert temperature["box_label"] == "Temperature T (exact)"
    assert [row["name"] for row in logits] == list(CLASS_NAMES)
    assert logits[0]["lead"] == "" and temperature["lead"].endswith("q = softmax(x / T).")
    assert logits[0]["head"] == ["", "logit (slider: −10 to 10)", "exact (±10,000)"]
    assert all(row["low"] is None for row in logits)  # the element's ±10


@pytest.mark.parametrize("row, typed, why, stays", [
    (SMOOTHING_ROW, "2", "from 0 to 1", "label smoothing ε stays 0.100"),
    (SMOOTHING_ROW, "", "empty", "label smoothing ε stays 0.100"),
    (TEMPERATURE_ROW, "0", "from 0.1 to 10", "temperature T stays 1.000"),
    (TEMPERATURE_ROW, "warm", "not a number", "temperature T stays 1.000")])
def test_a_bad_smoothing_or_temperature_box_keeps_the_value_and_says_why(at, row, typed, why,
                                                                         stays):
    edit_row(at, ROWS, row, "box", typed)
    assert_stage(at, core())
    assert dict(at.query_params) == {}
    shown = rows_data(at, ROWS)[row]
    assert why in shown["error"] and stays in shown["error"]
    assert shown["text"] == typed
    edit_row(at, ROWS, row, "box", "0.355")  # a value between the slider's steps is kept
    assert rows_data(at, ROWS)[row]["error"] is None
    assert_stage(at, core(smoothing=0.355) if row == SMOOTHING_ROW else core(temperature=0.355))


def test_the_true_class_radio(at):
    at.radio(key="soft.y").set_value(0).run()
    assert_stage(at, core(target=0))
    assert at.query_params["y"] == "0"


def test_a_logit_slider_moves_the_prediction(at):
    edit_row(at, ROWS, FIRST_LOGIT_ROW + 3, "slider", 5.0)
    moved = (*LOGITS[:3], 5.0, LOGITS[4])
    assert_stage(at, core(logits=moved))
    assert at.query_params["x"] == "-2.17,-1.63,-2.75,5,-0.156"


def test_a_logit_typed_beyond_the_slider_is_kept_and_a_word_changes_nothing(at):
    edit_row(at, ROWS, FIRST_LOGIT_ROW + 1, "box", "12.5")
    moved = (LOGITS[0], 12.5, *LOGITS[2:])
    assert_stage(at, core(logits=moved))
    row = rows_data(at, ROWS)[FIRST_LOGIT_ROW + 1]
    assert row["text"] == "12.5" and row["slider"] == 10.0 and row["note"]
    edit_row(at, ROWS, FIRST_LOGIT_ROW + 2, "box", "abc")
    assert_stage(at, core(logits=moved))  # nothing changed
    assert "not a number" in rows_data(at, ROWS)[FIRST_LOGIT_ROW + 2]["error"]


def test_the_log_base_relabels_every_loss(at):
    at.sidebar.radio[0].set_value("2").run()
    assert_stage(at, core(base="2"))


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_example_gives_the_cores_numbers(at, name):
    at.selectbox(key="soft._preset").set_value(name).run()
    logits, target, smoothing, temperature = PRESETS[name]
    assert_stage(at, core(logits, target, smoothing, temperature))
    assert at.selectbox(key="soft._preset").value == name


# ------------------------------------------------------------------ the target editor


def soft_target(at):
    at.segmented_control(key="soft._kind").set_value("soft").run()


def test_switching_to_probabilities_starts_from_the_one_hot_target(at):
    soft_target(at)
    assert [float(at.text_input(key=f"soft.p.{i}").value) for i in range(5)] == [0, 0, 0, 1, 0]
    assert_stage(at, core())  # the same target, now written as probabilities
    assert at.query_params["p"] == "0,0,0,1,0"


def test_typed_probabilities_that_sum_to_1_become_the_target(at):
    soft_target(at)
    at.text_input(key="soft.p.3").input("0.6").run()
    error = " ".join(e.value for e in at.error).replace("\\", "")
    assert "Not used yet: target probabilities must add up to 1 over the classes; these add " \
           "up to 0.6. The loss still uses 0.000, 0.000, 0.000, 1.000, 0.000." in error
    assert_stage(at, core())  # the loss keeps the last target that summed to 1
    at.text_input(key="soft.p.4").input("0.4").run()
    assert not at.error
    assert_stage(at, core(target=(0, 0, 0, 0.6, 0.4)))
    assert at.query_params["p"] == "0,0,0,0.6,0.4"


@pytest.mark.parametrize("typed, why", [("", "empty"), ("abc", "not a number"),
                                        ("1e999", "from 0 to 1"), ("-0.2", "from 0 to 1"),
                                        ("1.5", "from 0 to 1")])
def test_a_bad_probability_box_keeps_the_target_and_says_why(at, typed, why):
    soft_target(at)
    at.text_input(key="soft.p.1").input(typed).run()
    message = next(e.value for e in at.error if "was not used" in e.value).replace("\\", "")
    assert why in message and "stays 0.000" in message
    assert_stage(at, core())
    assert at.query_params["p"] == "0,0,0,1,0"


def test_back_to_one_class_forgets_the_probabilities(at):
    soft_target(at)
    at.segmented_control(key="soft._kind").set_value("class").run()
    assert "p" not in at.query_params
    assert at.radio(key="soft.y").value == 3


# ------------------------------------------------------------------------ calibration


def test_calibration_numbers_at_t_1_are_the_cores(at):
    view = core()
    got = metrics(at)
    assert got["Expected calibration error"] == fmt(view.expected_calibration_error, 4)
    assert got["Mean NLL (nats)"] == fmt(view.nll, 4)
    assert got["Accuracy"] == f"{fmt(100 * view.accuracy, 1)} %" == "89.4 %"
    assert got["Mean confidence"] == fmt(view.mean_confidence, 4)
    reliability = plotly_figures(at)[2]
    filled = view.reliability.counts > 0
    assert reliability["data"][0]["y"] == pytest.approx(
        list(view.reliability.accuracy[filled]))


def test_the_fitted_temperature_button_lowers_nll_and_keeps_accuracy(at):
    before = metrics(at)
    fitted = core().fitted_temperature
    at.button(key="soft.fitted").click().run()
    assert at.slider(key="soft.Tc").value == round(fitted, 2)
    view = core(t_cal=round(fitted, 2))
    got = metrics(at)
    assert got["Mean NLL (nats)"] == fmt(view.nll, 4)
    assert float(got["Mean NLL (nats)"]) < float(before["Mean NLL (nats)"])
    assert got["Accuracy"] == before["Accuracy"]
    assert got["Mean confidence"] != before["Mean confidence"]
    assert at.query_params["Tc"] == f"{round(fitted, 2):g}"
    at.button(key="soft.t1").click().run()
    assert metrics(at) == before


def test_the_calibration_slider_changes_ece_and_the_curve_marker(at):
    at.slider(key="soft.Tc").set_value(3.0).run()
    view = core(t_cal=3.0)
    assert metrics(at)["Expected calibration error"] == fmt(view.expected_calibration_error, 4)
    curve = plotly_figures(at)[3]
    assert curve["layout"]["shapes"][0]["x0"] == 3.0
    assert curve["data"][0]["y"] == pytest.approx(list(view.curve_nll))


# ----------------------------------------------------------------------------- the URL


def test_the_link_round_trips_every_input(at):
    soft_target(at)
    at.text_input(key="soft.p.3").input("0.5").run()
    at.text_input(key="soft.p.0").input("0.5").run()
    edit_row(at, ROWS, SMOOTHING_ROW, "slider", 0.2)
    edit_row(at, ROWS, TEMPERATURE_ROW, "box", "2.5")
    edit_row(at, ROWS, FIRST_LOGIT_ROW, "box", "1")
    at.slider(key="soft.Tc").set_value(1.5).run()
    params = dict(at.query_params)
    assert params == {"p": "0.5,0,0,0.5,0", "ls": "0.2", "T": "2.5",
                      "x": "1,-1.63,-2.75,2.39,-0.156", "Tc": "1.5"}
    again = open_page(PAGE, params)
    assert metrics(again) == metrics(at)
    assert_stage(again, core((1.0, *LOGITS[1:]), (0.5, 0, 0, 0.5, 0), 0.2, 2.5, 1.5))
    assert not again.warning


HOSTILE = [
    {"p": "0.5,0.6,0,0,0"},  # sums to 1.1
    {"p": "0.5,0.5"},
    {"p": "-1,1,1,0,0"},
    {"p": "<script>"},
    {"x": "1,2,3"},
    {"x": "nan,1,2,3,4"},
    {"y": "7"},
    {"ls": "2"},
    {"T": "0"},
    {"Tc": "abc"},
    {"Tc": "100"},
]


@pytest.mark.parametrize("params", HOSTILE, ids=lambda p: f"{p}")
def test_a_bad_link_value_falls_back_to_the_lesson_with_a_note(params):
    at = open_page(PAGE, params)
    assert any("was not used" in w.value for w in at.warning)
    assert_stage(at, core())
    assert "<script>" not in page_text(at)


def test_a_link_whose_target_does_not_sum_to_1_says_so():
    at = open_page(PAGE, {"p": "0.5,0.6,0,0,0"})
    note = next(w.value for w in at.warning if "was not used" in w.value)
    assert "must add up to 1 over the classes; these add up to 1.1" in note.replace("\\", "")


def test_reset_brings_back_the_lesson(at):
    soft_target(at)
    at.slider(key="soft.Tc").set_value(2.0).run()
    at.button(key="soft.reset").click().run()
    assert dict(at.query_params) == {}
    assert_stage(at, core())
    assert at.radio(key="soft.y").value == 3
