"""Page 6, "Sigmoid or softmax?", through app.py with AppTest: the numbers on screen are the
core's, every control is live (scores, labels as a set, pair, pos_weight), the stories, the URL
round trip, bad links and bad typed scores."""

from __future__ import annotations

import pytest
from apptest_helpers import edit_row, open_page, page_text, plotly_array, plotly_figures, rows_data

from ui.text import fmt
from xent_core.lessons import sigmoid_or_softmax
from xent_core.lessons.sigmoid_or_softmax import PRESETS

PAGE = "pages/6_sigmoid_or_softmax.py"
ROWS = "sigsoft._rows"  # the class rows (ui.class_rows)
CAT_DOG = PRESETS["cat and dog"]


def trace(figure: dict, i: int, axis: str = "y") -> list[float]:
    """Trace ``i``'s numbers along ``axis`` in a figure's JSON."""
    return plotly_array(figure["data"][i][axis])


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def assert_shows(at, scores, labels, pos_weight=1.0, pair=(0, 1), base="e") -> None:
    """The stage's losses, the tables, the pair and the charts are those of one core call."""
    view = sigmoid_or_softmax(scores, labels, pos_weight, pair, log_base=base)
    unit = view.log_base.unit
    shown = metrics(at)
    expected_ce = "undefined" if view.softmax_loss is None else f"{fmt(view.softmax_loss)} {unit}"
    assert shown["Softmax + cross-entropy"] == expected_ce
    assert shown["Sigmoid + BCE (mean)"] == f"{fmt(view.bce)} {unit}"
    assert shown["BCE(sigmoid(x), y), mean"] == f"{fmt(view.bce_naive)} {unit}"
    assert shown["with_logits, mean"] == f"{fmt(view.bce)} {unit}"
    assert shown["BCE with pos_weight, mean"] == f"{fmt(view.bce_weighted)} {unit}"
    names = ("cat", "dog", "car", "tree")
    i, j = view.pair
    assert shown[f"softmax([x_{names[i]}, x_{names[j]}])₀"] == fmt(view.pair_softmax, 6)
    assert shown[f"σ(x_{names[i]} − x_{names[j]})"] == fmt(view.pair_sigmoid, 6)
    text = page_text(at)
    for c in range(4):
        assert (f"| {fmt(view.sigmoid_probabilities[c], 4)} | {fmt(view.bce_terms[c], 4)} | "
                f"{fmt(view.bce_grad[c], 4)} |") in text
    assert f"add up to **{fmt(view.sigmoid_sum, 3)}**" in text
    bars, routes = plotly_figures(at)
    assert trace(bars, 0) == pytest.approx(view.softmax_probabilities.tolist())
    assert trace(bars, 1) == pytest.approx(view.sigmoid_probabilities.tolist())
    assert trace(routes, 3) == pytest.approx(view.sweep_naive_negative.tolist())


@pytest.fixture
def at():
    return open_page(PAGE)


# ------------------------------------------------------------------------ the lesson


def test_a_cat_and_a_dog_read_both_ways(at):
    assert_shows(at, *CAT_DOG)
    assert metrics(at)["Softmax + cross-entropy"] == "0.7613 nats"
    assert metrics(at)["Sigmoid + BCE (mean)"] == "0.1801 nats"
    assert "target 0.500 each" in page_text(at)
    bars = plotly_figures(at)[0]
    assert bars["data"][0]["x"] == ["cat ✓", "dog ✓", "car", "tree"]


def test_two_classes_softmax_equals_the_sigmoid_of_the_difference(at):
    shown = metrics(at)
    assert shown["softmax([x_cat, x_dog])₀"] == shown["σ(x_cat − x_dog)"] == "0.622459"


# ----------------------------------------------------------------------- every control


@pytest.mark.parametrize(("i", "value"), [(0, -3.0), (1, 6.5), (2, 0.25), (3, 9.0)])
def test_each_score_slider_is_live(at, i, value):
    edit_row(at, ROWS, i, "slider", value)
    scores = list(CAT_DOG[0])
    scores[i] = value
    assert_shows(at, scores, CAT_DOG[1])
    assert at.query_params["x"] == ",".join(f"{v:g}" for v in scores)


def test_the_labels_are_a_set(at):
    at.multiselect(key="sigsoft._labels").set_value([3, 2, 0]).run()
    assert_shows(at, CAT_DOG[0], (0, 2, 3))
    assert at.query_params["labels"] == "cat,car,tree"
    assert "target 0.333 each" in page_text(at)


def test_one_label_is_plain_cross_entropy(at):
    at.multiselect(key="sigsoft._labels").set_value([1]).run()
    assert_shows(at, CAT_DOG[0], (1,))
    assert "the case softmax is made for" in page_text(at)


def test_no_label_leaves_softmax_without_a_loss(at):
    at.multiselect(key="sigsoft._labels").set_value([]).run()
    assert_shows(at, CAT_DOG[0], ())
    assert at.query_params["labels"] == "none"
    assert "softmax cannot say “nothing here”" in page_text(at)


def test_the_pair_is_live_and_picking_the_other_side_swaps(at):
    at.selectbox(key="sigsoft._pair.1").set_value(2).run()
    assert_shows(at, *CAT_DOG, pair=(0, 2))
    at.selectbox(key="sigsoft._pair.0").set_value(2).run()  # the second side's class
    assert_shows(at, *CAT_DOG, pair=(2, 0))
    assert at.query_params["pair"] == "car,cat"


def test_pos_weight_is_live(at):
    at.slider(key="sigsoft.pw").set_value(4.0).run()
    assert_shows(at, *CAT_DOG, pos_weight=4.0)
    assert at.query_params["pw"] == "4"


def test_the_log_base_is_live(at):
    at.radio(key="shell.base").set_value("10").run()
    assert_shows(at, *CAT_DOG, base="10")


@pytest.mark.parametrize("story", list(PRESETS))
def test_each_story_sets_its_scores_and_labels(at, story):
    edit_row(at, ROWS, 0, "slider", -9.0)
    at.selectbox(key="sigsoft._story").set_value(story).run()
    assert_shows(at, *PRESETS[story])
    assert at.selectbox(key="sigsoft._story").value == story


def test_a_car_score_of_40_breaks_binary_cross_entropy_on_probabilities(at):
    at.selectbox(key="sigsoft._story").set_value("car score of 40").run()
    text = page_text(at)
    assert "| car | 40.000 | 0 | 100.0000 | 40.0000 | **breaks** |" in text
    # (softplus(-3) + softplus(-1) + 100 + softplus(-2)) / 4 = (0.0486 + 0.3133 + 100 + 0.1269) / 4
    assert metrics(at)["BCE(sigmoid(x), y), mean"] == "25.1222 nats"
    assert metrics(at)["with_logits, mean"] == "10.1222 nats"  # 40 in place of the 100


def test_reset_brings_back_the_lesson_example(at):
    at.multiselect(key="sigsoft._labels").set_value([3]).run()
    at.slider(key="sigsoft.pw").set_value(2.0).run()
    at.button(key="sigsoft.reset").click().run()
    assert_shows(at, *CAT_DOG)
    assert "labels" not in at.query_params and "pw" not in at.query_params


# ------------------------------------------------------------------------ links


def test_a_link_opens_the_same_state():
    params = {"x": "1,-2,3.5,0", "labels": "dog,tree", "pw": "2.5", "pair": "tree,car",
              "base": "2"}
    at = open_page(PAGE, params)
    assert_shows(at, [1.0, -2.0, 3.5, 0.0], (1, 3), pos_weight=2.5, pair=(3, 2), base="2")
    assert {k: at.query_params[k] for k in params} == params


def test_the_url_round_trip_after_edits():
    at = open_page(PAGE)
    edit_row(at, ROWS, 3, "box", "4.5")
    at.multiselect(key="sigsoft._labels").set_value([3]).run()
    again = open_page(PAGE, dict(at.query_params))
    assert metrics(again) == metrics(at)


@pytest.mark.parametrize(("params", "label"), [
    ({"x": "1,2,3"}, "scores"),
    ({"x": "1,nan,3,4"}, "scores"),
    ({"labels": "cat,horse"}, "true labels"),
    ({"pw": "-1"}, "pos_weight"),
    ({"pair": "cat,cat"}, "pair of classes"),
])
def test_a_bad_link_value_is_named_and_the_example_shown(params, label):
    at = open_page(PAGE, params)
    notes = [w.value.replace("\\", "") for w in at.warning]
    assert any(f"“{label}”" in note and "was not used" in note for note in notes), notes
    assert_shows(at, *CAT_DOG)


# ------------------------------------------------------------------------ typed numbers


@pytest.mark.parametrize(("typed", "why"), [
    ("", "the box is empty"),
    ("abc", "not a number"),
    ("1e999", "must be a number from"),
    ("-10001", "must be a number from"),
])
def test_a_bad_typed_score_keeps_the_last_value_and_says_why(at, typed, why):
    edit_row(at, ROWS, 2, "box", "45")
    edit_row(at, ROWS, 2, "box", typed)
    assert_shows(at, [2.0, 1.5, 45.0, -2.5], CAT_DOG[1])
    errors = [row["error"] or "" for row in rows_data(at, ROWS)]  # beside the boxes
    assert any(why in e and "stays 45.000" in e for e in errors), errors
