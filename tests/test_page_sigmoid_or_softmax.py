"""Page 6, "Sigmoid or softmax?", through app.py with AppTest: the numbers on screen are the
core's, every control is live (scores, labels as a set, pair, pos_weight), the stories, the URL
round trip, bad links and bad typed scores. The text and numbers a move changes are ui.details
elements (read back with the apptest helpers), the stage's two losses among them."""

from __future__ import annotations

import json

import pytest
from apptest_helpers import (
    bold_text,
    details_code,
    details_elements,
    details_html,
    details_metrics,
    details_tables,
    details_text,
    edit_row,
    open_page,
    page_text,
    plotly_array,
    plotly_figures,
    rows_data,
)

from ui.text import fmt
from xent_core.lessons import sigmoid_or_softmax
from xent_core.lessons.sigmoid_or_softmax import PRESETS

PAGE = "pages/6_sigmoid_or_softmax.py"
ROWS = "sigsoft._rows"  # the class rows (ui.class_rows)
CAT_DOG = PRESETS["cat and dog"]


def trace(figure: dict, i: int, axis: str = "y") -> list[float]:
    """Trace ``i``'s numbers along ``axis`` in a figure's JSON."""
    return plotly_array(figure["data"][i][axis])


STAGE_LOSSES = ["Softmax + cross-entropy", "Sigmoid + BCE (mean)"]
NAMES = ("cat", "dog", "car", "tree")


def metrics(at) -> dict[str, str]:
    """Every number with a label (ui.details): the stage's two losses first, then the metrics
    of the sections below."""
    assert not at.metric  # no Streamlit metric left on the page
    shown = details_metrics(at)
    assert list(shown)[:2] == STAGE_LOSSES
    return shown


def class_table(at) -> list[list[str]]:
    """The "Class by class" table: its header row, then one row per class."""
    return details_tables(at)[0]


def bce_table(at) -> list[list[str]]:
    """The table of binary_cross_entropy on probabilities against with_logits."""
    return details_tables(at)[1]


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
    i, j = view.pair
    assert shown[f"softmax([x_{NAMES[i]}, x_{NAMES[j]}])₀"] == fmt(view.pair_softmax, 6)
    assert shown[f"σ(x_{NAMES[i]} − x_{NAMES[j]})"] == fmt(view.pair_sigmoid, 6)
    rows = class_table(at)
    assert rows[0][6] == f"BCE term ({unit})"
    for c, row in enumerate(rows[1:]):
        assert row[0] == NAMES[c]
        assert row[5:8] == [fmt(view.sigmoid_probabilities[c], 4), fmt(view.bce_terms[c], 4),
                            fmt(view.bce_grad[c], 4)]
    for c, row in enumerate(bce_table(at)[1:]):
        assert row[:5] == [NAMES[c], fmt(view.logits[c], 3), fmt(view.multi_hot[c], 0),
                           fmt(view.bce_naive_terms[c], 4), fmt(view.bce_terms[c], 4)]
    text = page_text(at)
    assert (f"the sigmoids add up to {fmt(view.sigmoid_sum, 3)} — each class answers on its "
            "own") in text
    assert fmt(view.sigmoid_sum, 3) in bold_text(at)
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
    assert ("with a = 2.000 and b = 1.500 both give 0.622459. A two-class softmax is one "
            "sigmoid of the score difference") in details_text(at)
    assert "0.622459" in bold_text(at)


def test_the_class_by_class_table_is_the_cores_numbers_for_every_column(at):
    view = sigmoid_or_softmax(*CAT_DOG)
    header, *rows = class_table(at)
    assert header == ["class", "score x", "label y", "softmax p", "softmax target",
                      "sigmoid σ(x)", "BCE term (nats)", "BCE gradient", "softmax gradient"]
    assert rows == [[name, fmt(view.logits[c], 3), fmt(view.multi_hot[c], 0),
                     fmt(view.softmax_probabilities[c], 4), fmt(view.softmax_target[c], 3),
                     fmt(view.sigmoid_probabilities[c], 4), fmt(view.bce_terms[c], 4),
                     fmt(view.bce_grad[c], 4), fmt(view.softmax_grad[c], 4)]
                    for c, name in enumerate(NAMES)]
    markup = details_html(at)[details_keys(at).index("sigsoft.details.readings")]
    assert '<th scope="row">cat</th>' in markup  # each row named by its class


def details_keys(at) -> list[str]:
    return [element.key for element in details_elements(at)]


def test_what_a_move_changes_is_one_element_of_ours_per_place(at):
    assert details_keys(at) == [
        "sigsoft.details.sums", "sigsoft.loss", "sigsoft.details.losses",
        "sigsoft.details.readings",
        "sigsoft.details.pair", "sigsoft.details.pair_text", "sigsoft.details.bce",
        "sigsoft.details.weighted", "sigsoft.details.weighted_terms", "sigsoft.details.code"]
    assert not any(m.value.startswith("| ") for m in at.markdown)  # no markdown table left
    assert not at.code  # the copy link is a details element too (share_link)
    assert not at.metric  # the stage's two losses are details metrics


def test_the_pos_weight_section_shows_each_classs_weighted_term(at):
    at.slider(key="sigsoft.pw").set_value(3.0).run()
    view = sigmoid_or_softmax(*CAT_DOG, pos_weight=3.0)
    terms = " · ".join(f"{name} {fmt(t, 4)}"
                       for name, t in zip(NAMES, view.bce_weighted_terms, strict=True))
    assert f"Per class: {terms}." in details_text(at)


def test_the_pytorch_code_carries_the_scores_labels_and_pos_weight(at):
    edit_row(at, ROWS, 3, "box", "4.5")
    at.slider(key="sigsoft.pw").set_value(2.5).run()
    (code,) = details_code(at)
    assert "x = torch.tensor([2, 1.5, -1, 4.5], dtype=torch.float64)" in code
    assert ("y = torch.tensor([1., 1., 0., 0.], dtype=torch.float64)  # labels as a multi-hot"
            in code)
    assert code.endswith("pos_weight=torch.full((4,), 2.5))")
    assert '<span class="xd-kw">import</span>' in details_html(at)[-1]  # Python, coloured


def test_presenter_mode_draws_the_details_large():
    assert not any(json.loads(e.proto.json)["large"] for e in details_elements(open_page(PAGE)))
    at = open_page(PAGE, {"present": "1"})
    assert all(json.loads(e.proto.json)["large"] for e in details_elements(at))


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
    assert bce_table(at)[3] == ["car", "40.000", "0", "100.0000", "40.0000", "breaks"]
    assert [row[5] for row in bce_table(at)[1:]] == ["agrees", "agrees", "breaks", "agrees"]
    assert bold_text(at).count("breaks") == 1
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
