"""Page 2, "Five classes", through app.py with AppTest: the lesson's numbers, every widget,
the URL round trip, hostile links and bad class names."""

from __future__ import annotations

import itertools
import json
import math

import pandas as pd
import pytest
from apptest_helpers import (
    bold_text,
    callouts,
    details_elements,
    details_html,
    details_metrics,
    details_tables,
    details_text,
    edit_row,
    element_of,
    open_page,
    page_text,
    plotly_figures,
    rows_data,
)

from ui.five_class_figures import softmax_table
from xent_core import explain
from xent_core.lessons import (
    FIVE_CLASS_NAMES,
    FIVE_CLASS_OUTPUTS,
    FIVE_CLASS_TARGET,
    five_classes,
)
from xent_core.steps import amplification, gradient_descent

PAGE = "pages/2_five_classes.py"
ROWS = "five._rows"  # the rows of classes (ui.class_rows)
PRESET = list(FIVE_CLASS_OUTPUTS)
FISH = FIVE_CLASS_TARGET


def shown_loss(at) -> str:
    """The stage's loss (a metric of ui.details, labelled with the true class's name)."""
    (value,) = [value for label, value in details_metrics(at).items()
                if label.startswith("Loss for the true class, ")]
    return value


def shown_html(at, key: str) -> str:
    """The HTML the details element ``key`` was sent (``five.details.table``, ...)."""
    return json.loads(element_of(at, key).proto.json)["html"]


def expected_loss(logits, target=FISH, base="e", temperature=1.0) -> str:
    b = explain(logits, target, log_base=base, temperature=temperature)
    return f"{b.loss:.4f} {b.log_base.unit}"


def table(at) -> pd.DataFrame:
    """The page's softmax table (an HTML table of ui.details) read back into text cells."""
    (rows,) = details_tables(at)
    return pd.DataFrame(rows[1:], columns=rows[0])


def row_of(at, name: str):
    frame = table(at)
    return frame[frame["class"] == name].iloc[0]


def logits_in_url(at) -> list[float]:
    return [float(v) for v in at.query_params["x"].split(",")]


def class_count(at) -> int:
    return len(rows_data(at, ROWS))


@pytest.fixture
def at():
    return open_page(PAGE)


# ------------------------------------------------------------------------ the lesson


def test_fish_gets_90_percent_on_the_slide_example(at):
    fish = row_of(at, "fish")
    assert fish["p = exp ÷ sum"] == "0.8987"
    assert fish["exp(x)"] == "10.913"
    assert row_of(at, "sum of exps")["exp(x)"] == "12.143"  # the slide's 12.14
    assert shown_loss(at) == expected_loss(PRESET) == "0.1068 nats"


def test_the_table_lists_the_five_classes_with_the_lesson_outputs(at):
    frame = table(at)
    assert list(frame["class"][:5]) == list(FIVE_CLASS_NAMES)
    assert list(frame["output x"][:5]) == ["-2.170", "-1.630", "-2.750", "2.390", "-0.156"]
    assert list(frame["true"][:5]) == ["", "", "", "✔", ""]


def test_the_gradient_column_is_p_minus_one_hot(at):
    b = explain(PRESET, FISH)
    assert list(table(at)["gradient p − one-hot"][:5]) == [f"{g:.4f}" for g in b.grad]
    assert row_of(at, "fish")["gradient p − one-hot"] == "-0.1013"


def test_the_tables_numbers_are_the_lessons_exp_sum_p_and_minus_log_p(at):
    view = five_classes(PRESET, FISH, 1.0, 1.0)
    b = view.breakdown
    frame = table(at)
    assert list(frame["exp(x)"][:5]) == [f"{e:.3f}" for e in b.exp]
    assert row_of(at, "sum of exps")["exp(x)"] == f"{b.sum_exp:.3f}"
    assert list(frame["p = exp ÷ sum"][:5]) == [f"{p:.4f}" for p in b.probabilities]
    assert list(frame["ln p"][:5]) == [f"{lp:.4f}" for lp in b.log_probabilities]
    assert list(frame["−ln p (true class)"][:5]) == ["", "", "", f"{b.loss:.4f}", ""]
    assert f"= {b.loss:.4f} nats" in details_text(at)  # the loss under the table agrees
    assert f"{b.loss:.4f} nats" in bold_text(at)


def test_the_table_is_a_real_table_with_header_cells_and_numbers_on_the_right(at):
    markup = shown_html(at, "five.details.table")
    assert markup.count('<th scope="col"') == 8  # the true-class mark's header is unseen
    assert '<th scope="col"><span class="xd-hidden">true</span></th>' in markup
    assert '<th scope="row">fish</th>' in markup  # each row named by its class
    assert '<td class="xd-number">10.913</td>' in markup
    assert '<th scope="col">class</th>' in markup  # names align left


def test_the_loss_and_the_numbers_below_the_stage_are_elements_of_ours(at):
    assert [element.key for element in details_elements(at)] == [
        "five.loss", "five.details.verdict",  # the stage's loss and what it reads
        "five.details.table", "five.details.gradient", "five.details.history"]
    assert not any(m.value.startswith("| ") for m in at.markdown)  # no markdown table left
    assert not at.info  # the callouts are in the details elements, not st.info
    assert not at.metric  # the loss is a metric of ui.details, not st.metric
    assert details_metrics(at) == {"Loss for the true class, fish": "0.1068 nats"}
    assert shown_html(at, "five.details.verdict") == (
        "<p>p(fish) = 0.8987, so the loss is −ln 0.8987. The top class is "
        "<strong>fish</strong>: <strong>right</strong>.</p>")


def test_a_hostile_class_name_is_shown_as_typed_everywhere_below_the_stage(at):
    hostile = "<b>|*x*</b> & <img src=x>"[:24]
    edit_row(at, ROWS, 3, "name", hostile)
    assert table(at)["class"][3] == hostile
    assert f"{hostile}'s logit is" in callouts(at, "info")[0]
    assert f"for {hostile}, and simply p" in details_text(at)
    for markup in details_html(at):
        assert "<b>" not in markup and "<img" not in markup
    assert "&lt;b&gt;|*x*&lt;/b&gt; &amp; &lt;img" in shown_html(at, "five.details.table")


def test_presenter_mode_draws_the_details_large():
    assert not any(json.loads(e.proto.json)["large"] for e in details_elements(open_page(PAGE)))
    at = open_page(PAGE, {"present": "1"})
    assert all(json.loads(e.proto.json)["large"] for e in details_elements(at))


def test_exp_amplifies_the_gap_between_fish_and_building_12_8_times(at):
    (note,) = callouts(at, "info")[:1]
    assert note.startswith("Exp amplifies gaps.")
    assert "2.390 − (-0.156) = 2.546 above building" in note
    assert f"≈ {amplification(PRESET).ratio:.1f} times larger" in note
    assert "≈ 12.8 times larger" in note


def test_the_page_draws_the_logits_and_the_probabilities(at):
    figures = plotly_figures(at)
    assert len(figures) == 2
    logits, probabilities = figures
    assert logits["data"][0]["y"] == PRESET
    assert [round(p, 4) for p in probabilities["data"][0]["y"]] == [
        round(float(p), 4) for p in explain(PRESET, FISH).probabilities]
    assert logits["layout"]["xaxis"]["ticktext"] == list(FIVE_CLASS_NAMES)


# ----------------------------------------------------------------- sliders and boxes


def test_moving_a_slider_changes_the_loss_to_what_xent_core_computes(at):
    edit_row(at, ROWS, 0, "slider", 1.5)
    moved = [1.5, *PRESET[1:]]
    assert shown_loss(at) == expected_loss(moved)
    assert float(rows_data(at, ROWS)[0]["text"]) == 1.5  # the box follows the slider
    assert logits_in_url(at) == moved


def test_typing_in_a_number_box_moves_its_slider(at):
    edit_row(at, ROWS, 4, "box", "3.25")
    moved = [*PRESET[:4], 3.25]
    assert rows_data(at, ROWS)[4]["slider"] == 3.25
    assert shown_loss(at) == expected_loss(moved)
    assert row_of(at, "building")["output x"] == "3.250"


def test_a_value_beyond_the_slider_keeps_its_true_value_and_says_so(at):
    edit_row(at, ROWS, 3, "box", "42.0")
    assert rows_data(at, ROWS)[3]["slider"] == 10.0  # only the display is clamped
    assert float(rows_data(at, ROWS)[3]["text"]) == 42.0
    assert logits_in_url(at)[3] == 42.0
    assert rows_data(at, ROWS)[3]["note"] == (
        "42.000 is beyond the slider's ±10; the box holds the value.")
    assert shown_loss(at) == expected_loss([*PRESET[:3], 42.0, PRESET[4]])


def test_a_logit_of_1000_overflows_exp_by_hand_but_not_softmax(at):
    edit_row(at, ROWS, 3, "box", "1000.0")
    assert not at.exception
    fish = row_of(at, "fish")
    assert fish["exp(x)"] == "∞"
    assert row_of(at, "sum of exps")["exp(x)"] == "∞"
    assert fish["exp(x − max)"] == "1.0000"  # the stable route: e^0
    assert fish["p = exp ÷ sum"] == "1.0000"
    (warning,) = callouts(at, "warning")
    assert warning.startswith("The by-hand route overflows.")
    assert "The by-hand route overflows." in bold_text(at)
    assert shown_loss(at) == expected_loss([*PRESET[:3], 1000.0, PRESET[4]])
    edit_row(at, ROWS, 3, "box", "2.39")  # back to an ordinary logit: the warning goes
    assert not callouts(at, "warning")


def test_no_overflow_note_for_ordinary_logits(at):
    assert not callouts(at, "warning")
    assert "exp(x − max)" not in table(at).columns


def test_choosing_another_true_class_changes_the_loss(at):
    at.radio(key="five.target").set_value(0).run()
    assert shown_loss(at) == expected_loss(PRESET, target=0)
    assert row_of(at, "cat")["true"] == "✔"
    assert "The model's top class is fish (p = 0.899): it is wrong." in page_text(at)
    assert {"fish", "wrong"} <= set(bold_text(at))


def test_the_temperature_flattens_the_probabilities(at):
    at.slider(key="five.T").set_value(2.0).run()
    assert shown_loss(at) == expected_loss(PRESET, temperature=2.0)
    assert "exp(x / T)" in table(at).columns
    b = explain(PRESET, FISH, temperature=2.0)
    assert row_of(at, "fish")["p = exp ÷ sum"] == f"{b.probabilities[FISH]:.4f}"
    assert f"≈ {amplification(PRESET, 2.0).ratio:.1f} times" in page_text(at)


def test_the_sidebar_log_base_relabels_the_loss_in_bits(at):
    at.sidebar.radio[0].set_value("2").run()
    assert shown_loss(at) == expected_loss(PRESET, base="2")
    assert "log₂ p" in table(at).columns


# --------------------------------------------------------------------- gradient steps


def test_a_gradient_step_lowers_the_loss_by_exactly_what_xent_core_says(at):
    at.button(key="five.step1").click().run()
    descent = gradient_descent(PRESET, FISH, lr=1.0, steps=1)
    after = list(descent.logits[1])
    assert shown_loss(at) == expected_loss(after)
    assert descent.losses[1] < descent.losses[0]
    assert logits_in_url(at) == pytest.approx(after, abs=1e-9)
    history = plotly_figures(at)[2]
    assert history["data"][0]["y"] == pytest.approx(list(descent.losses))


def test_ten_steps_and_one_more_extend_one_history(at):
    at.slider(key="five.lr").set_value(2.0).run()
    at.button(key="five.step10").click().run()
    at.button(key="five.step1").click().run()
    descent = gradient_descent(PRESET, FISH, lr=2.0, steps=11)
    history = plotly_figures(at)[2]["data"][0]["y"]
    assert history == pytest.approx(list(descent.losses))
    assert all(b < a for a, b in itertools.pairwise(history))
    assert "11 step(s) so far" in page_text(at)


def test_moving_a_slider_after_steps_starts_a_new_history(at):
    at.button(key="five.step10").click().run()
    assert not any("Take a step" in note for note in callouts(at, "info"))
    edit_row(at, ROWS, 0, "slider", 0.0)
    assert len(plotly_figures(at)) == 2
    assert callouts(at, "info")[-1].startswith("Take a step to watch the loss fall")


def test_reset_brings_back_the_lesson_and_clears_the_history(at):
    at.button(key="five.step10").click().run()
    edit_row(at, ROWS, 0, "name", "lion")
    at.button(key="five.reset").click().run()
    assert shown_loss(at) == "0.1068 nats"
    assert len(plotly_figures(at)) == 2
    assert rows_data(at, ROWS)[0]["name_text"] == "cat"
    assert dict(at.query_params) == {}


# ------------------------------------------------------------------ add/remove classes


def test_a_new_class_starts_at_logit_zero_and_counts_in_the_sum(at):
    at.button(key="five.add").click().run()
    assert rows_data(at, ROWS)[5]["name_text"] == "class 6"
    grown = [*PRESET, 0.0]
    assert shown_loss(at) == expected_loss(grown)
    assert row_of(at, "sum of exps")["exp(x)"] == f"{explain(grown, FISH).sum_exp:.3f}"
    assert at.query_params["names"][-1] == "class 6"


def test_ten_classes_is_the_most_and_two_the_fewest(at):
    for _ in range(5):
        at.button(key="five.add").click().run()
    assert class_count(at) == 10 and len(plotly_figures(at)[0]["data"][0]["y"]) == 10
    assert at.button(key="five.add").disabled
    for _ in range(8):
        edit_row(at, ROWS, 0, "remove", "")
        if at.radio(key="five.target").value == 0:
            break
    # The true class (fish) cannot be removed; keep removing the others from the end.
    while class_count(at) > 2:
        last = class_count(at) - 1
        index = last if at.radio(key="five.target").value != last else last - 1
        edit_row(at, ROWS, index, "remove", "")
    assert class_count(at) == 2
    assert all(not rows_data(at, ROWS)[i]["removable"] for i in range(2))
    assert not at.exception
    names = [rows_data(at, ROWS)[i]["name_text"] for i in range(2)]
    assert "fish" in names


def test_the_true_class_cannot_be_removed(at):
    assert not rows_data(at, ROWS)[3]["removable"]
    edit_row(at, ROWS, 0, "remove", "")
    assert at.radio(key="five.target").value == 2  # fish moved up one place
    assert shown_loss(at) == expected_loss(PRESET[1:], target=2)


# ------------------------------------------------------------------------ class names


def test_renaming_a_class_renames_it_everywhere(at):
    edit_row(at, ROWS, 3, "name", "salmon")
    assert row_of(at, "salmon")["true"] == "✔"
    assert plotly_figures(at)[0]["layout"]["xaxis"]["ticktext"][3] == "salmon"
    assert "Loss for the true class, salmon" in page_text(at)
    assert at.query_params["names"][3] == "salmon"


@pytest.mark.parametrize(("bad", "message"), [
    ("", "needs a name"),
    ("   ", "needs a name"),
    ("DOG", "already called"),
])
def test_a_bad_name_shows_an_error_and_keeps_the_other_inputs(at, bad, message):
    edit_row(at, ROWS, 0, "slider", 1.0)
    edit_row(at, ROWS, 0, "name", bad)
    assert message in rows_data(at, ROWS)[0]["name_error"]  # beside the name
    assert rows_data(at, ROWS)[0]["name_text"] == bad  # the typed text stays in its box
    assert table(at)["class"][0] == "cat"  # the page keeps the last good name
    assert shown_loss(at) == expected_loss([1.0, *PRESET[1:]])
    assert rows_data(at, ROWS)[0]["slider"] == 1.0
    edit_row(at, ROWS, 0, "name", "lynx")
    assert not at.error and rows_data(at, ROWS)[0]["name_error"] is None
    assert table(at)["class"][0] == "lynx"


def test_markdown_and_html_in_a_name_show_literally(at):
    edit_row(at, ROWS, 3, "name", "<b>**fish**</b>")
    assert not at.exception
    assert table(at)["class"][3] == "<b>**fish**</b>"  # a table cell is escaped: shown as typed
    assert "p(<b>**fish**</b>) = 0.8987" in details_text(at)  # and so is the text below
    assert details_metrics(at) == {  # the stage's loss and verdict are plain text too
        "Loss for the true class, <b>**fish**</b>": "0.1068 nats"}
    assert ("p(&lt;b&gt;**fish**&lt;/b&gt;) = 0.8987" in shown_html(at, "five.details.verdict"))
    ticks = plotly_figures(at)[0]["layout"]["xaxis"]["ticktext"]
    assert ticks[3] == "&lt;b&gt;**fish**&lt;/b&gt;"  # Plotly draws the entities as < and >
    assert at.query_params["names"][3] == "<b>**fish**</b>"


# ----------------------------------------------------------------------------- the URL


def test_the_link_round_trips_every_input(at):
    edit_row(at, ROWS, 1, "slider", 0.75)
    edit_row(at, ROWS, 2, "name", "jet")
    at.radio(key="five.target").set_value(2).run()
    at.slider(key="five.T").set_value(1.5).run()
    at.slider(key="five.lr").set_value(0.5).run()
    at.button(key="five.add").click().run()
    params = dict(at.query_params)
    assert params["x"] == "-2.17,0.75,-2.75,2.39,-0.156,0"
    assert params["target"] == "2" and params["T"] == "1.5" and params["lr"] == "0.5"
    again = open_page(PAGE, params)
    assert shown_loss(again) == shown_loss(at) == expected_loss(
        [-2.17, 0.75, -2.75, 2.39, -0.156, 0.0], target=2, temperature=1.5)
    assert list(table(again)["class"][:6]) == ["cat", "dog", "jet", "fish", "building",
                                               "class 6"]
    assert again.slider(key="five.lr").value == 0.5
    assert not again.warning


HOSTILE = [
    {"x": "nan,1,2,3,4"},
    {"x": "inf,1,2,3,4"},
    {"x": "1e308,1,2,3,4"},
    {"x": "<script>alert(1)</script>"},
    {"x": "1," * 5_000},
    {"x": "1"},  # one class
    {"x": ",".join(["1"] * 11)},  # eleven classes
    {"names": "<script>alert(1)</script>"},
    {"names": ["cat", "cat", "plane", "fish", "building"]},
    {"names": ["cat", "", "plane", "fish", "building"]},
    {"names": ["x" * 10_000] * 5},
    {"target": "99"},
    {"target": "<script>"},
    {"T": "0"},
    {"T": "nan"},
    {"lr": "-1"},
    {"lr": "1e308"},
]


@pytest.mark.parametrize("params", HOSTILE, ids=lambda p: f"{next(iter(p))}")
def test_a_hostile_link_falls_back_to_the_lesson_with_a_note(params):
    at = open_page(PAGE, params)
    assert not at.exception
    assert any("was not used" in w.value for w in at.warning)
    assert shown_loss(at) == "0.1068 nats"
    assert "<script>" not in page_text(at)


def test_a_link_with_more_logits_than_names_falls_back_with_a_note():
    at = open_page(PAGE, {"x": "1,2,3,4,5,6"})
    assert any("6 logits but 5 class names" in w.value for w in at.warning)
    assert shown_loss(at) == "0.1068 nats"


def test_a_link_whose_true_class_is_past_the_last_class_uses_the_first():
    at = open_page(PAGE, {"x": "1,2", "names": ["yes", "no"], "target": "3"})
    assert any("not one of its 2 classes" in w.value for w in at.warning)
    assert shown_loss(at) == expected_loss([1.0, 2.0], target=0)


def test_a_two_class_link_is_fine():
    at = open_page(PAGE, {"x": "0.5,-0.5", "names": ["yes", "no"], "target": "1"})
    assert not at.warning
    assert shown_loss(at) == expected_loss([0.5, -0.5], target=1)
    assert not rows_data(at, ROWS)[0]["removable"]


def test_the_table_builder_marks_only_the_true_class():
    b = explain([0.0, 1.0, 2.0], 1)
    frame = softmax_table(b, ["a", "b", "c"], 1.0)
    assert list(frame["true"]) == ["", "✔", "", ""]
    assert math.isclose(float(frame["p = exp ÷ sum"][1]), b.probabilities[1], abs_tol=1e-4)


@pytest.mark.parametrize("typed, why", [("", "empty"), ("abc", "not a number"),
                                        ("1e999", "from -10000 to 10000"),
                                        ("99999", "from -10000 to 10000")])
def test_a_bad_exact_value_keeps_the_logit_and_says_why_next_to_the_box(at, typed, why):
    before = shown_loss(at)
    edit_row(at, ROWS, 3, "box", typed)
    assert shown_loss(at) == before == expected_loss(PRESET)
    assert "x" not in at.query_params  # the link still holds the lesson's logits
    message = rows_data(at, ROWS)[3]["error"]  # beside the box, which keeps the text typed
    assert why in message and "stays 2.390" in message and "was not used" in message
    assert rows_data(at, ROWS)[3]["text"] == typed
    assert rows_data(at, ROWS)[3]["slider"] == 2.39
    edit_row(at, ROWS, 3, "box", "3")  # a good value clears the message
    assert shown_loss(at) == expected_loss([*PRESET[:3], 3.0, PRESET[4]])
    assert rows_data(at, ROWS)[3]["error"] is None
