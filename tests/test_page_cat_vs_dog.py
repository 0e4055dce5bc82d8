"""Page 1, cat vs dog: the fast.ai spreadsheet.

Three layers, each tested on its own: ``xent_core.spreadsheet_rows`` (the numbers),
``ui.cat_dog_table`` / ``ui.cat_dog_figures`` (table ⇄ URL ⇄ arrays, and the figure), and the
page itself through ``app.py`` with AppTest.
"""

from __future__ import annotations

import base64
import math
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pandas as pd
import pytest
from apptest_helpers import (
    details_code,
    edit_sheet,
    open_page,
    page_text,
    plotly_figures,
    share_link,
    sheet_data,
)
from torch_helpers import require_torch

import xent_core as xc
from ui.cat_dog_figures import rows_on_loss_curve
from ui.cat_dog_table import (
    MAX_ROWS,
    PRESET_ROWS,
    PROBABILITY,
    RAW,
    apply_edits,
    check_rows,
    encode_rows,
    input_text,
    parse_mode,
    parse_rows,
    shown_table,
    softmax_rows,
    table_edit,
)
from xent_core import lessons
from xent_core.spreadsheet_rows import (
    analyse_rows,
    most_confident_mistake,
    true_class_activations,
    two_class_probabilities,
    verdicts,
)

PAGE_FILE = "pages/1_cat_vs_dog.py"
PAGE = "cat_vs_dog"
LESSON_PROBS = lessons.cat_dog_probabilities()
LESSON_TARGETS = lessons.cat_dog_targets()
SLIDE_LOSSES_LOG10 = [0.30, 0.01, 1.00, 0.30, 0.05]


# ------------------------------------------------------------- xent_core.spreadsheet_rows


def test_p_dog_is_the_rest_of_1_left_by_p_cat():
    table = two_class_probabilities(lessons.CAT_DOG_P_CAT)
    np.testing.assert_allclose(table, LESSON_PROBS)
    np.testing.assert_allclose(table.sum(axis=1), 1.0)


@pytest.mark.parametrize("bad", [[1.5], [-0.1], [math.nan], [math.inf]])
def test_p_cat_outside_0_to_1_is_not_a_probability(bad):
    with pytest.raises(ValueError):
        two_class_probabilities(bad)


def test_the_if_form_looks_up_the_true_class():
    np.testing.assert_allclose(true_class_activations(LESSON_PROBS, LESSON_TARGETS),
                               [0.5, 0.98, 0.1, 0.5, 0.9])


def test_the_lesson_rows_are_unsure_right_wrong_unsure_right():
    assert verdicts(LESSON_PROBS, LESSON_TARGETS) == (
        "unsure", "right", "wrong", "unsure", "right")


def test_the_third_lesson_row_is_the_most_confident_mistake():
    assert most_confident_mistake(LESSON_PROBS, LESSON_TARGETS) == 2


def test_no_mistake_when_every_row_is_right():
    assert most_confident_mistake([[0.9, 0.1], [0.2, 0.8]], [0, 1]) is None


def test_the_more_confident_of_two_mistakes_is_picked():
    assert most_confident_mistake([[0.7, 0.3], [0.01, 0.99], [0.6, 0.4]], [1, 0, 1]) == 1


def test_total_and_mean_loss_add_up_the_one_hot_column():
    analysis = analyse_rows(LESSON_PROBS, LESSON_TARGETS, log_base="10")
    losses = analysis.sheet.one_hot_losses
    assert analysis.total_loss == pytest.approx(losses.sum())
    assert analysis.mean_loss == pytest.approx(losses.sum() / 5)
    np.testing.assert_allclose(losses.round(2), SLIDE_LOSSES_LOG10)


def test_the_two_forms_agree_on_the_lesson_rows_and_on_raw_rows():
    for probs, targets in ((LESSON_PROBS, LESSON_TARGETS), ([[2.0, 3.0], [0.1, 0.1]], [0, 1])):
        assert analyse_rows(probs, targets).largest_form_gap < 1e-12


def test_a_true_class_given_0_costs_infinitely_much_in_both_forms():
    analysis = analyse_rows([[1.0, 0.0], [0.5, 0.5]], [1, 0])
    assert math.isinf(analysis.sheet.one_hot_losses[0])
    assert math.isinf(analysis.total_loss)
    assert analysis.largest_form_gap == 0.0


# --------------------------------------------------------------------- ui.cat_dog_table


def test_the_lesson_rows_have_a_short_readable_url():
    assert encode_rows(PRESET_ROWS) == "0.5c,0.98c,0.9d,0.5d,0.9c"


def test_url_text_round_trips_probability_and_raw_rows():
    rows = ((0.25, 0.75, "dog"), (2.0, 3.0, "cat"), (-1.0, 0.5, "dog"))
    assert encode_rows(rows) == "0.25d,2_3c,-1_0.5d"
    assert parse_rows(encode_rows(rows)) == rows
    assert parse_rows("0.5c,0.98c,0.9d,0.5d,0.9c") == PRESET_ROWS


@pytest.mark.parametrize("hostile", [
    "nanc", "infc", "1e308c", "0.5_1e308d", "<script>alert(1)</script>", "0.5c" * 5_000,
    "", "0.5x", "0.5", "2c", ",".join(["0.5c"] * (MAX_ROWS + 1)), "0.5c,,0.9d",
])
def test_hostile_url_rows_are_rejected(hostile):
    with pytest.raises(ValueError):
        parse_rows(hostile)


def test_only_prob_and_raw_are_modes():
    assert parse_mode("raw") == RAW
    with pytest.raises(ValueError):
        parse_mode("<b>raw</b>")


def test_a_broken_row_is_left_out_of_the_link_and_the_others_kept():
    rows = ((0.5, 0.5, "cat"), (None, 0.5, "dog"), (math.nan, 0.1, "cat"), ("abc", 1.0, "cat"))
    assert encode_rows(rows) == "0.5c"


def test_cell_edits_deletions_and_additions_apply_in_that_order():
    result = apply_edits(PRESET_ROWS, {
        "edited_rows": {"2": {"a": 0.2}, 0: {"label": "dog"}},
        "deleted_rows": [1],
        "added_rows": [{"a": 0.7, "label": "dog"}, {}],
    })
    assert [row[0] for row in result.rows] == [0.5, 0.2, 0.5, 0.9, 0.7, 0.5]
    assert [row[2] for row in result.rows] == ["dog", "dog", "dog", "cat", "dog", "cat"]
    assert result.notes == ()


def test_the_table_keeps_between_1_and_20_rows():
    emptied = apply_edits(PRESET_ROWS, {"deleted_rows": [0, 1, 2, 3, 4]})
    assert len(emptied.rows) == 1 and emptied.notes
    crowded = apply_edits(PRESET_ROWS, {"added_rows": [{}] * 30})
    assert len(crowded.rows) == MAX_ROWS and crowded.notes


def test_one_learners_edit_is_one_table_edit():
    assert apply_edits(PRESET_ROWS, table_edit(2, "a", "0.2")).rows[2][0] == 0.2
    assert apply_edits(PRESET_ROWS, table_edit(0, "label", "dog")).rows[0][2] == "dog"
    assert len(apply_edits(PRESET_ROWS, table_edit(-1, "add", "")).rows) == 6
    deleted = apply_edits(PRESET_ROWS, table_edit(1, "delete", "")).rows
    assert deleted == (PRESET_ROWS[0], *PRESET_ROWS[2:])
    assert table_edit(0, "verdict", "right") == {}  # computed columns take no edit


def test_an_input_cell_shows_its_number_exactly():
    assert input_text(0.98) == "0.98"
    assert float(input_text(1 / 3)) == 1 / 3
    assert input_text(None) == ""


@pytest.mark.parametrize(("cell", "words"), [
    (-1.0, "negative"), (math.nan, "NaN"), ("abc", "text"), (None, "empty"), (1e308, "1e+308"),
])
def test_a_bad_activation_names_its_row_and_keeps_the_others(cell, words):
    rows = ((0.5, 0.5, "cat"), (0.2, cell, "dog"), (2.0, 3.0, "cat"))
    checked = check_rows(rows, RAW)
    assert checked.usable == (0, 2)
    assert len(checked.errors) == 1
    assert checked.errors[0].startswith("Row 2:") and words in checked.errors[0]
    np.testing.assert_allclose(checked.activations, [[0.5, 0.5], [2.0, 3.0]])


def test_p_cat_outside_0_to_1_is_an_error_only_in_probability_mode():
    rows = ((1.5, 0.5, "cat"), (0.9, 0.1, "dog"))
    assert check_rows(rows, PROBABILITY).errors[0].startswith("Row 1: P(cat) is 1.5")
    assert check_rows(rows, RAW).errors == ()


def test_a_row_without_a_label_is_an_error():
    assert "label" in check_rows(((0.5, 0.5, None),), PROBABILITY).errors[0]


def test_softmax_rows_are_xent_core_softmax_and_sum_to_1():
    rows = ((2.0, 3.0, "cat"), (-1.0, 4.0, "dog"), (None, 1.0, "cat"))
    fixed = softmax_rows(rows)
    np.testing.assert_allclose(fixed[0][:2], xc.softmax([2.0, 3.0]))
    np.testing.assert_allclose(fixed[1][:2], xc.softmax([-1.0, 4.0]))
    assert fixed[0][0] + fixed[0][1] == pytest.approx(1.0)
    assert fixed[2] == rows[2]  # an empty cell stays for the learner to fix


def test_the_shown_table_has_one_hot_labels_and_both_loss_columns():
    checked = check_rows(PRESET_ROWS, PROBABILITY)
    view = lessons.cat_vs_dog(checked.activations, checked.targets, "10")
    shown = shown_table(PRESET_ROWS, PROBABILITY, checked, view)
    columns = shown.columns
    assert columns["row"] == [1, 2, 3, 4, 5]
    assert columns["is_cat"] == [1, 1, 0, 0, 1]
    assert columns["is_dog"] == [0, 0, 1, 1, 0]
    np.testing.assert_allclose(columns["loss_sum"], SLIDE_LOSSES_LOG10, atol=0.005)
    np.testing.assert_allclose(columns["loss_sum"], columns["loss_if"])
    np.testing.assert_allclose(columns["b"], [0.5, 0.02, 0.1, 0.5, 0.1])
    assert shown.mistake == 2 and columns["verdict"][2] == "CONFIDENTLY WRONG"


def test_a_row_that_cannot_be_scored_has_empty_computed_cells():
    rows = ((0.5, 0.5, "cat"), (1.7, 0.5, "dog"), (0.0, 1.0, "cat"))
    checked = check_rows(rows, PROBABILITY)
    view = lessons.cat_vs_dog(checked.activations, checked.targets, "e")
    columns = shown_table(rows, PROBABILITY, checked, view).columns
    assert [columns[name][1] for name in ("b", "row_sum", "loss_sum", "verdict")] == [
        None, None, None, ""]
    assert columns["a"][1] == "1.7"  # what was typed stays, with the error under the table
    assert columns["loss_sum"][2] is None  # −ln 0 = ∞: an empty cell, never NaN in JSON


# -------------------------------------------------------------------- ui.cat_dog_figures


def test_every_row_is_a_marker_on_the_curve_and_the_mistake_is_ringed():
    base = xc.get_log_base("10")
    analysis = analyse_rows(LESSON_PROBS, LESSON_TARGETS, base)
    figure = rows_on_loss_curve(
        base, true_class_values=analysis.true_class_activations,
        losses=analysis.sheet.if_form_losses, labels=LESSON_TARGETS.tolist(),
        row_numbers=[1, 2, 3, 4, 5], class_names=("cat", "dog"), mistake=2)
    cats, dogs = (t for t in figure.data if t.name in ("label cat", "label dog"))
    np.testing.assert_allclose(cats.y, analysis.sheet.if_form_losses[[0, 1, 4]])
    np.testing.assert_allclose(dogs.x, [0.1, 0.5])
    ring = next(t for t in figure.data if t.marker.symbol == "circle-open")
    assert ring.x[0] == pytest.approx(0.1) and ring.y[0] == pytest.approx(1.0)
    assert "row 3" in figure.layout.annotations[0].text


def test_an_infinite_loss_is_drawn_at_the_top_and_screwy_rows_beyond_1():
    base = xc.get_log_base("e")
    figure = rows_on_loss_curve(
        base, true_class_values=[0.0, 2.0], losses=[math.inf, -math.log(2.0)],
        labels=[1, 0], row_numbers=[1, 2], class_names=("cat", "dog"), mistake=0)
    dogs = next(t for t in figure.data if t.name == "label dog")
    assert math.isfinite(dogs.y[0]) and dogs.y[0] >= -math.log(1e-3)
    (note,) = [a.text for a in figure.layout.annotations if "mistake" in a.text]
    assert note == "row 1 (loss ∞):<br>the most confident<br>mistake"
    assert figure.layout.xaxis.range[1] > 2.0
    assert figure.layout.yaxis.range[0] < -math.log(2.0)


# ------------------------------------------------------------------------- the page


def plotly_array(value) -> list[float]:
    """A Plotly JSON array: a plain list, or a typed array ``{"dtype", "bdata"}`` (base64)."""
    if isinstance(value, dict):
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]).tolist()
    return list(value)


def formulas(at) -> str:
    return "\n".join(block for block in details_code(at) if "=-" in block)


SHEET = f"{PAGE}._sheet"


def table(at) -> pd.DataFrame:
    """The spreadsheet as the page shows it, a column per key, index from 1; the typed cells
    (``a``, ``b``) and empty cells as numbers (NaN when empty)."""
    data = sheet_data(at, SHEET)
    keys = [column["key"] for column in data["columns"]]
    frame = pd.DataFrame([row["cells"] for row in data["rows"]], columns=keys,
                         index=range(1, len(data["rows"]) + 1))
    for key in keys:
        if key not in ("label", "verdict"):
            frame[key] = pd.to_numeric(frame[key].replace("", None), errors="coerce")
    return frame


def edit(at, *edits):
    """Each ``(row, column, text)`` as a learner's edit (rows from 0), one run each."""
    for row, column, text in edits:
        edit_sheet(at, SHEET, row, column, text)
        assert not at.exception, [e.value for e in at.exception]


def test_the_page_loads_with_the_lesson_rows():
    at = open_page(PAGE_FILE)
    frame = table(at)
    assert frame["a"].tolist() == list(lessons.CAT_DOG_P_CAT)
    assert frame["label"].tolist() == list(lessons.CAT_DOG_LABELS)
    assert "Row 3 is the most confident mistake" in page_text(at)


def test_with_log10_the_losses_read_the_slide_numbers():
    at = open_page(PAGE_FILE, {"base": "10"})
    assert table(at)["loss_sum"].round(2).tolist() == SLIDE_LOSSES_LOG10
    assert table(at)["loss_if"].round(2).tolist() == SLIDE_LOSSES_LOG10
    assert "as a spreadsheet shows it: 0.30 · 0.01 · 1.00 · 0.30 · 0.05" in page_text(at)
    assert "E3: =-(C3*LOG(A3)+D3*LOG(B3))" in formulas(at)


def test_with_ln_the_losses_are_pytorchs_nll_of_the_log():
    torch = require_torch()
    F = torch.nn.functional
    at = open_page(PAGE_FILE, {"base": "e"})
    p = torch.tensor(LESSON_PROBS)
    expected = F.nll_loss(torch.log(p), torch.tensor(LESSON_TARGETS), reduction="none")
    np.testing.assert_allclose(table(at)["loss_sum"], expected.numpy(), rtol=1e-12)
    mean = F.nll_loss(torch.log(p), torch.tensor(LESSON_TARGETS)).item()
    assert f"Mean loss (nats) {mean:.4f}" in page_text(at)
    assert "=-IF(C3=1, LN(A3), LN(B3))" in formulas(at)


def test_editing_p_cat_changes_the_loss_to_what_xent_core_computes():
    at = open_page(PAGE_FILE, {"base": "10"})
    edit(at, (2, "a", "0.2"))
    frame = table(at)
    assert frame.loc[3, "b"] == pytest.approx(0.8)
    expected = xc.index_cross_entropy([[0.2, 0.8]], [1], log_base="10")[0]
    assert frame.loc[3, "loss_sum"] == pytest.approx(expected)
    analysis = analyse_rows(two_class_probabilities([0.5, 0.98, 0.2, 0.5, 0.9]),
                            LESSON_TARGETS, "10")
    assert f"Total loss (hartleys) {analysis.total_loss:.4f}" in page_text(at)
    assert at.query_params["rows"] == "0.5c,0.98c,0.2d,0.5d,0.9c"


def test_the_link_brings_back_the_same_table():
    at = open_page(PAGE_FILE)
    edit(at, (0, "label", "dog"), (0, "a", "0.3"), (4, "delete", ""), (-1, "add", ""),
         (4, "a", "0.05"))
    at.radio(key=f"{PAGE}.mode").set_value(RAW).run()
    params = dict(at.query_params.items())
    assert params == {"rows": "0.3d,0.98c,0.9d,0.5d,0.05c", "mode": "raw"}
    again = open_page(PAGE_FILE, params)
    assert table(again)[["label", "a", "b"]].equals(table(at)[["label", "a", "b"]])
    assert again.radio(key=f"{PAGE}.mode").value == RAW


@pytest.mark.parametrize("hostile", [
    {"rows": "nanc"}, {"rows": "infc,0.5d"}, {"rows": "1e308c"},
    {"rows": "<script>alert(1)</script>"}, {"rows": "0.5c," * 5_000},
    {"rows": ",".join(["0.5c"] * 21)}, {"mode": "<script>alert(1)</script>"},
    {"mode": "x" * 10_000},
])
def test_hostile_links_fall_back_to_the_lesson_with_a_note(hostile):
    at = open_page(PAGE_FILE, hostile)
    assert table(at)["a"].tolist() == list(lessons.CAT_DOG_P_CAT)
    assert any("was not used" in w.value for w in at.warning)
    assert "<script>" not in page_text(at)


def test_a_negative_activation_shows_an_error_naming_its_row_and_keeps_the_other_losses():
    at = open_page(PAGE_FILE, {"mode": "raw"})
    edit(at, (1, "b", "-1"))
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and errors[0].startswith("Row 2") and "negative" in errors[0]
    frame = table(at)
    assert math.isnan(frame.loc[2, "loss_sum"])
    expected = xc.index_cross_entropy(LESSON_PROBS[[0, 2, 3, 4]], LESSON_TARGETS[[0, 2, 3, 4]])
    np.testing.assert_allclose(frame.loc[[1, 3, 4, 5], "loss_sum"], expected)
    assert at.query_params["rows"].split(",")[1] == "0.98_-1c"  # the link keeps the row


@pytest.mark.parametrize(("mode", "column", "cell", "words"), [
    ("raw", "b", "nan", "NaN"), ("raw", "b", "abc", "text"), ("raw", "b", "", "empty"),
    ("raw", "b", "1e308", "1e\\+308"), ("prob", "a", "abc", "text"), ("prob", "a", "", "empty"),
    ("raw", "b", "inf", "not a finite"),
])
def test_a_cell_that_is_not_a_number_keeps_its_value_and_row_and_says_why(mode, column, cell,
                                                                          words):
    at = open_page(PAGE_FILE, {"mode": mode})
    before = table(at)
    link = dict(at.query_params)
    edit(at, (1, column, cell))
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and errors[0].startswith("Row 2") and words in errors[0]
    assert "stays 0\\.98" in errors[0] or "stays 0\\.02" in errors[0]
    frame = table(at)
    assert frame["label"].tolist() == before["label"].tolist()  # no row of None
    np.testing.assert_allclose(frame["loss_sum"], xc.index_cross_entropy(LESSON_PROBS,
                                                                         LESSON_TARGETS))
    assert dict(at.query_params) == link  # the link keeps every row


def test_p_cat_above_1_in_probability_mode_is_an_inline_error():
    at = open_page(PAGE_FILE)
    edit(at, (4, "a", "1.7"))
    assert at.error[0].value.startswith("Row 5")
    assert len(plotly_figures(at)) == 1  # the other rows are still drawn


def test_raw_rows_that_do_not_sum_to_1_are_screwy_and_softmax_fixes_them():
    at = open_page(PAGE_FILE, {"mode": "raw", "rows": "2_3c,0.1_0.1d,0.9c", "base": "10"})
    text = page_text(at)
    assert "Screwy losses" in text and "negative loss" in text
    assert table(at).loc[1, "loss_sum"] == pytest.approx(-math.log10(2.0))
    at.button(key=f"{PAGE}.softmax").click().run()
    frame = table(at)
    np.testing.assert_allclose(frame.loc[1, ["a", "b"]].astype(float), xc.softmax([2.0, 3.0]))
    np.testing.assert_allclose(frame["row_sum"], 1.0)
    assert "Screwy losses" not in page_text(at)


def test_rows_can_be_added_and_deleted():
    at = open_page(PAGE_FILE)
    edit(at, (-1, "add", ""), (5, "a", "0.01"))
    assert len(table(at)) == 6
    assert "Row 6 is the most confident mistake" in page_text(at)
    edit(at, (0, "delete", ""), (0, "delete", ""), (0, "delete", ""), (0, "delete", ""))
    assert table(at)["a"].tolist() == [0.9, 0.01]


def test_the_plot_marks_every_row_at_its_loss():
    at = open_page(PAGE_FILE, {"base": "2"})
    (figure,) = plotly_figures(at)
    markers = [t for t in figure["data"] if t.get("name", "").startswith("label")]
    ys = sorted(y for t in markers for y in plotly_array(t["y"]))
    losses = xc.index_cross_entropy(LESSON_PROBS, LESSON_TARGETS, log_base="2")
    np.testing.assert_allclose(ys, sorted(losses))
    assert "log₂" in figure["layout"]["yaxis"]["title"]["text"]


def test_reset_brings_back_the_lesson_rows():
    at = open_page(PAGE_FILE, {"rows": "0.1c,0.2d", "mode": "raw"})
    at.button(key=f"{PAGE}.reset").click().run()
    assert table(at)["a"].tolist() == list(lessons.CAT_DOG_P_CAT)
    assert at.radio(key=f"{PAGE}.mode").value == PROBABILITY


def test_the_copy_link_holds_the_edit_just_made_not_the_one_before():
    at = open_page(PAGE_FILE)
    edit(at, (2, "a", "0.2"))
    query = parse_qs(urlsplit(share_link(at)).query)
    assert query["rows"] == [at.query_params["rows"]] == ["0.5c,0.98c,0.2d,0.5d,0.9c"]
