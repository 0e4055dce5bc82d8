"""Page 3 · The PyTorch batch, driven through app.py with AppTest."""

from __future__ import annotations

import base64
import math
import re
import subprocess
import sys

import numpy as np
import pytest
from apptest_helpers import (
    bold_text,
    details_code,
    details_metrics,
    details_tables,
    edit_sheet,
    open_page,
    page_text,
    plotly_figures,
    share_link,
    sheet_data,
)
from torch_helpers import require_torch

import xent_core as xc
from ui.url_state import encode_float
from xent_core.batch_options import IGNORE_INDEX, random_batch
from xent_core.lessons import PYTORCH_BATCH_LOGITS, PYTORCH_BATCH_TARGETS

PAGE = "pages/3_pytorch_batch.py"
LOGITS = np.array(PYTORCH_BATCH_LOGITS)
TARGETS = list(PYTORCH_BATCH_TARGETS)
ROUTE_LABELS = ("softmax → log → nll_loss", "log_softmax → nll_loss",
                "cross_entropy on raw logits")
TRAP_LABEL = "F.nll_loss(probs, targets)"
STAGE_LOSS = "Loss, F.cross_entropy (nats)"  # the stage's loss (a details metric, a place)


def metric(at, label: str) -> str:
    """A metric below the stage (the routes, the trap: ui.details), by its label."""
    shown = details_metrics(at)
    assert label in shown, f"no metric {label!r}; have {list(shown)}"
    return shown[label]


def routes(at) -> list[str]:
    return [metric(at, label) for label in ROUTE_LABELS]


def nats(value: float) -> str:
    return f"{value:.4f} nats"


def edit_table(at, edited_rows: dict) -> None:
    """Type into the batch table (``{row: {column: text}}``), one learner's edit at a time,
    as the browser reports them."""
    for row, changes in edited_rows.items():
        for column, text in changes.items():
            edit_sheet(at, "pytorch._table", row, column, text)
            assert not at.exception, [e.value for e in at.exception]


def heatmap_z(figure: dict) -> np.ndarray:
    """A heat map's z, whether Plotly sent it as nested lists or as a typed binary array."""
    z = figure["data"][0]["z"]
    if isinstance(z, dict):  # {"dtype": "f8", "bdata": base64, "shape": "3, 5"}
        flat = np.frombuffer(base64.b64decode(z["bdata"]), dtype=z["dtype"])
        return flat.reshape([int(n) for n in str(z["shape"]).split(",")])
    return np.array(z)


def python_code(at) -> str:
    return next(block for block in details_code(at) if "import torch" in block)


def batch(at) -> tuple:
    return at.session_state["pytorch.x"], at.session_state["pytorch.t"]


# ----------------------------------------------------------------------- the preset


def test_the_lesson_batch_gives_1_0313_nats_on_all_three_routes():
    at = open_page(PAGE)
    expected = xc.cross_entropy(LOGITS, TARGETS)
    assert routes(at) == [nats(expected)] * 3 == ["1.0313 nats"] * 3
    text = page_text(at)
    assert "All three agree" in text
    assert "tensor(1.0314)" in text and "1.03134" in text  # why the tutorial printed 1.0314
    assert not at.query_params  # the preset needs no URL parameters


def test_the_trap_shows_minus_the_mean_target_probability():
    at = open_page(PAGE)
    expected = float(xc.nll_loss(xc.softmax(LOGITS), TARGETS))
    assert metric(at, TRAP_LABEL) == f"{expected:.4f}" == "-0.3821"


def test_the_chain_shows_row_sums_picked_values_mean_and_negation():
    text = page_text(open_page(PAGE))
    assert "each row sums to 1 (1.0000, 1.0000, 1.0000)" in text
    picked = xc.log_softmax(LOGITS)[[0, 1, 2], TARGETS]
    assert ", ".join(f"{v:.4f}" for v in picked) in text  # -1.1048, -0.5475, -1.4417
    assert "(-1.1048 - 0.5475 - 1.4417) ÷ 3" in text
    assert "= -1.0313." in text and "1.0313 nats" in text
    bold = bold_text(open_page(PAGE))
    assert "-1.0313" in bold and "1.0313 nats" in bold  # the mean and the loss, in bold


def test_the_table_per_example_shows_each_targets_probability_log_probability_and_loss():
    at = open_page(PAGE)
    edit_table(at, {1: {"target": "ignore"}})
    table = next(t for t in details_tables(at) if t[0][1] == "target")
    assert table[0] == ["example", "target", "p[target]", "ln p[target]", "weight",
                        "loss (nats)"]
    p = xc.softmax(LOGITS)
    log_p = xc.log_softmax(LOGITS)
    assert table[1] == ["example 0", "3", f"{p[0, 3]:.4f}", f"{log_p[0, 3]:.4f}", "1.0000",
                        f"{-log_p[0, 3]:.4f}"]
    # an ignored example has no p or log p, weighs 0 and adds 0, as PyTorch's reduction='none'
    assert table[2] == ["example 1", "ignore", "—", "—", "0.0000", "0.0000"]


def test_heat_maps_show_logits_probabilities_and_log_probabilities_with_targets_outlined():
    figures = plotly_figures(open_page(PAGE))
    heatmaps = [f for f in figures if f["data"][0]["type"] == "heatmap"]
    assert len(heatmaps) == 4  # the stage's probabilities, then the chain's three
    stage_z, logits_z, probs_z, log_z = (heatmap_z(f) for f in heatmaps)
    np.testing.assert_allclose(stage_z, xc.softmax(LOGITS))
    np.testing.assert_allclose(logits_z, LOGITS)
    np.testing.assert_allclose(probs_z, xc.softmax(LOGITS))
    np.testing.assert_allclose(log_z, xc.log_softmax(LOGITS))
    for figure in heatmaps:
        outlined = sorted((round((s["y0"] + s["y1"]) / 2), round((s["x0"] + s["x1"]) / 2))
                          for s in figure["layout"]["shapes"])
        assert outlined == [(0, 3), (1, 0), (2, 1)]


# -------------------------------------------------------------------- editing the table


def test_editing_a_logit_changes_every_route_to_what_xent_core_computes():
    at = open_page(PAGE)
    edit_table(at, {0: {"class 3": "3.5"}})
    changed = LOGITS.copy()
    changed[0, 3] = 3.5
    assert routes(at) == [nats(xc.cross_entropy(changed, TARGETS))] * 3
    assert batch(at)[0][0][3] == 3.5


def test_choosing_ignore_for_a_target_drops_that_example_from_the_mean():
    at = open_page(PAGE)
    edit_table(at, {1: {"target": "ignore"}})
    expected = xc.cross_entropy(LOGITS, [3, IGNORE_INDEX, 1])
    assert routes(at) == [nats(expected)] * 3
    assert "ignore_index=-100" in python_code(at)
    assert at.query_params["t"] == "3,-100,1"


@pytest.mark.parametrize("bad", ["nan", "inf", "", "abc", "1e308", "<b>x</b>"])
def test_a_bad_cell_is_named_the_others_are_kept_and_the_last_valid_loss_stays(bad):
    at = open_page(PAGE)
    edit_table(at, {0: {"class 1": bad}, 2: {"class 4": "2.5"}})
    errors = " ".join(e.value for e in at.error)
    assert "Example 0, class 1" in errors
    assert routes(at) == ["1.0313 nats"] * 3  # the last valid batch
    assert "last valid batch" in page_text(at)
    # Fixing the bad cell brings in the other edit, which was kept all along.
    edit_table(at, {0: {"class 1": "0.5"}, 2: {"class 4": "2.5"}})
    assert not at.error
    fixed = LOGITS.copy()
    fixed[0, 1], fixed[2, 4] = 0.5, 2.5
    assert routes(at) == [nats(xc.cross_entropy(fixed, TARGETS))] * 3


# ------------------------------------------------------------------------- options


def test_reduction_sum_and_none_change_the_numbers_live():
    at = open_page(PAGE)
    at.radio(key="pytorch.red").set_value("sum").run()
    assert routes(at) == [nats(xc.cross_entropy(LOGITS, TARGETS, reduction="sum"))] * 3
    at.radio(key="pytorch.red").set_value("none").run()
    rows = xc.cross_entropy(LOGITS, TARGETS, reduction="none")
    assert metric(at, ROUTE_LABELS[2]) == "[" + ", ".join(f"{v:.4f}" for v in rows) + "] nats"


def test_class_weights_change_the_weighted_mean():
    at = open_page(PAGE)
    at.text_input(key="pytorch.w").input("1, 2, 1, 3, 1").run()
    weight = [1.0, 2.0, 1.0, 3.0, 1.0]
    expected = xc.cross_entropy(LOGITS, TARGETS, weight=weight)
    assert routes(at) == [nats(expected)] * 3
    assert "the sum of their target weights" in page_text(at)  # 3 + 1 + 2 = 6


@pytest.mark.parametrize("bad", ["1, 2", "1, x, 1, 1, 1", "1, -1, 1, 1, 1", "nan,1,1,1,1"])
def test_bad_class_weights_show_an_error_and_the_loss_stays_unweighted(bad):
    at = open_page(PAGE)
    at.text_input(key="pytorch.w").input(bad).run()
    assert not at.exception
    assert any("weight" in e.value for e in at.error)
    assert routes(at) == ["1.0313 nats"] * 3


def test_label_smoothing_changes_cross_entropy_only_and_says_why():
    at = open_page(PAGE)
    at.slider(key="pytorch.ls").set_value(0.1).run()
    smoothed = xc.cross_entropy(LOGITS, TARGETS, label_smoothing=0.1)
    assert routes(at) == ["1.0313 nats", "1.0313 nats", nats(smoothed)]
    assert "only it applies label smoothing" in page_text(at)


def test_the_stage_loss_and_the_copy_link_follow_label_smoothing_and_the_reduction():
    at = open_page(PAGE)
    assert metric(at, STAGE_LOSS) == "1.0313"
    assert share_link(at) == "http://localhost:8501/"
    at.slider(key="pytorch.ls").set_value(0.25).run()
    smoothed = xc.cross_entropy(LOGITS, TARGETS, label_smoothing=0.25)
    assert metric(at, STAGE_LOSS) == f"{smoothed:.4f}" != "1.0313"
    assert share_link(at) == "http://localhost:8501/?ls=0.25"
    at.radio(key="pytorch.red").set_value("none").run()
    rows = xc.cross_entropy(LOGITS, TARGETS, label_smoothing=0.25, reduction="none")
    assert metric(at, STAGE_LOSS) == "[" + ", ".join(f"{v:.4f}" for v in rows) + "]"
    assert share_link(at) == "http://localhost:8501/?red=none&ls=0.25"


def test_every_row_ignored_shows_nan_and_explains_0_over_0():
    at = open_page(PAGE)
    edit_table(at, {n: {"target": "ignore"} for n in range(3)})
    assert routes(at) == ["NaN nats"] * 3
    assert "divides 0 by 0" in page_text(at)


def test_huge_logits_break_the_softmax_then_log_route_and_the_page_says_why():
    at = open_page(PAGE)
    edit_table(at, {0: {"class 0": "900", "class 3": "-900"}})
    assert metric(at, ROUTE_LABELS[0]) == "∞ nats"
    assert metric(at, ROUTE_LABELS[2]) != "∞ nats"
    assert "log(0) = −∞" in page_text(at)


def test_the_table_keeps_a_bad_cell_as_typed_and_marks_it():
    at = open_page(PAGE)
    edit_table(at, {1: {"class 2": "abc"}})
    rows = sheet_data(at, "pytorch._table")["rows"]
    assert rows[1]["cells"][:2] == ["example 1", "0"]  # the row's header, then its target
    assert rows[1]["cells"][2 + 2] == "abc" and rows[1]["invalid"] == ["class 2"]
    assert all(row["invalid"] == [] for row in (rows[0], rows[2]))
    # Reset brings back the lesson batch and its text, the bad cell's too.
    next(b for b in at.button if "Reset" in b.label).click().run()
    rows = sheet_data(at, "pytorch._table")["rows"]
    assert rows[1]["invalid"] == [] and rows[1]["cells"][4] == encode_float(LOGITS[1, 2])
    assert not at.error


def test_the_target_column_offers_every_class_and_ignore():
    at = open_page(PAGE)
    columns = sheet_data(at, "pytorch._table")["columns"]
    target = next(c for c in columns if c["key"] == "target")
    assert target["options"] == ["0", "1", "2", "3", "4", "ignore"]
    assert [c["key"] for c in columns][2:] == [f"class {c}" for c in range(5)]
    edit_table(at, {0: {"target": "7"}})  # not a choice the table offers
    assert batch(at)[1] == tuple(TARGETS)
    assert any("Example 0 has no target" in e.value for e in at.error)


# -------------------------------------------------------------------------- random


def test_the_random_button_draws_the_seeded_batch_of_the_chosen_shape():
    at = open_page(PAGE)
    at.text_input(key="pytorch.box.n").input("4")
    at.text_input(key="pytorch.box.c").input("7")
    at.text_input(key="pytorch.box.seed").input("42").run()
    next(b for b in at.button if "Draw random logits" in b.label).click().run()
    logits, targets = random_batch(4, 7, 42)
    shown_logits, shown_targets = batch(at)
    np.testing.assert_array_equal(np.array(shown_logits), logits)
    assert list(shown_targets) == targets.tolist()
    assert routes(at) == [nats(xc.cross_entropy(logits, targets))] * 3
    heatmap = plotly_figures(at)[0]
    assert heatmap_z(heatmap).shape == (4, 7)


def test_reset_brings_back_the_lesson_batch_after_edits():
    at = open_page(PAGE)
    edit_table(at, {0: {"class 0": "5"}})
    at.radio(key="pytorch.red").set_value("sum").run()
    next(b for b in at.button if "Reset" in b.label).click().run()
    assert routes(at) == ["1.0313 nats"] * 3
    assert batch(at) == (PYTORCH_BATCH_LOGITS, PYTORCH_BATCH_TARGETS)
    assert not at.query_params


# ------------------------------------------------------------------------- log base


def test_in_bits_the_chain_converts_but_the_pytorch_calls_stay_in_nats():
    at = open_page(PAGE, {"base": "2"})
    bits = xc.cross_entropy(LOGITS, TARGETS) / math.log(2)
    assert routes(at) == ["1.0313 nats"] * 3
    text = page_text(at)
    assert f"= {bits:.4f} bits" in text
    bold = bold_text(at)
    assert f"{bits:.4f}" in bold  # under each route, in bold
    assert f"{bits:.4f} bits" in bold  # the chain's result
    log2_z = heatmap_z(plotly_figures(at)[3])  # after the stage's and the chain's first two
    np.testing.assert_allclose(log2_z, xc.log_softmax(LOGITS) / math.log(2))


# --------------------------------------------------------------------------- URL state


def test_the_url_holds_the_state_and_reopening_it_shows_the_same_page():
    at = open_page(PAGE)
    edit_table(at, {0: {"class 2": "0.25"}, 2: {"target": "ignore"}})
    at.radio(key="pytorch.red").set_value("sum")
    at.text_input(key="pytorch.w").input("1,2,1,1,1")
    at.slider(key="pytorch.ls").set_value(0.2)
    at.text_input(key="pytorch.box.seed").input("9").run()
    params = dict(at.query_params)
    assert params["x"].split(";")[0] == "-0.7514,1.2616,0.25,1.3868,1.2298"
    assert params["t"] == "3,0,-100"
    assert (params["red"], params["w"], params["ls"], params["seed"]) == (
        "sum", "1,2,1,1,1", "0.2", "9")
    again = open_page(PAGE, params)
    assert routes(again) == routes(at)
    assert metric(again, TRAP_LABEL) == metric(at, TRAP_LABEL)
    assert batch(again) == batch(at)
    assert python_code(again) == python_code(at)
    assert not any("link" in w.value for w in again.warning)


HOSTILE = [
    {"x": "nan,1;2,3"},
    {"x": "inf,1,2,3,4;1,2,3,4,5;1,2,3,4,5"},
    {"x": "1e308,1,2,3,4;1,2,3,4,5;1,2,3,4,5"},
    {"x": "<script>alert(1)</script>"},
    {"x": "1" * 10_000},
    {"x": "1,2;3"},  # ragged rows
    {"x": ";".join(["1,2"] * 13)},  # too many rows
    {"t": "3,0"},  # wrong count for the 3-row batch
    {"t": "3,0,7"},  # class 7 of 5
    {"t": "3,0,-5"},
    {"t": "<script>alert(1)</script>"},
    {"red": "average"},
    {"w": "<script>alert(1)</script>"},
    {"w": "nan,1,1,1,1"},
    {"ls": "inf"},
    {"ls": "1e308"},
    {"seed": "-1"},
    {"n": "13"},
    {"c": "1"},
]


def hostile_id(params: dict) -> str:
    name, raw = next(iter(params.items()))
    return f"{name}={raw[:20]}"


@pytest.mark.parametrize("params", HOSTILE, ids=hostile_id)
def test_a_hostile_link_falls_back_to_the_lesson_with_a_warning(params):
    at = open_page(PAGE, params)
    assert at.warning, "no note about the bad link value"
    assert "lesson's example" in at.warning[0].value
    assert routes(at) == ["1.0313 nats"] * 3
    assert "<script>" not in page_text(at)


# ----------------------------------------------------------------- the PyTorch code


def run_in_torch(code: str) -> str:
    """What ``code`` prints, run by this Python with PyTorch (skipped without it, as every
    live PyTorch comparison is; an error under CI=true)."""
    require_torch()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=True)
    return done.stdout


def printed_numbers(line: str) -> list[float]:
    inside = re.search(r"tensor\((\[?[^\]\)]*\]?)", line).group(1)
    return [float(v) for v in re.findall(r"-?\d+\.\d+(?:e[+-]?\d+)?|nan|inf", inside)]


def page_numbers(text: str) -> list[float]:
    return [float(v.replace("∞", "inf")) for v in re.findall(r"-?\d+\.\d+|NaN|∞", text)]


@pytest.mark.parametrize(
    "params",
    [
        pytest.param({}, id="tutorial"),
        pytest.param({"red": "none", "w": "1,2,0.5,3,1", "ls": "0.1", "t": "3,-100,1"},
                     id="every-option"),
        pytest.param({"red": "sum", "x": "0.1,2.25,-3;4,5.5,-6.125", "t": "2,0"},
                     id="another-batch"),
    ],
)
def test_the_pages_pytorch_code_runs_in_torch_and_prints_the_numbers_on_the_page(params):
    at = open_page(PAGE, params)
    printed = run_in_torch(python_code(at)).splitlines()
    assert printed[0].startswith("tensor([1.0000")  # the row sums
    shown = [*routes(at), metric(at, TRAP_LABEL)]
    for line, on_page in zip(printed[1:], shown, strict=True):
        assert printed_numbers(line) == page_numbers(on_page), (line, on_page)


# ------------------------------------------------------------- where the lesson starts


def test_the_lesson_starts_with_softmax_of_minus_9_5_10_as_the_tutorial_printed_it():
    at = open_page(PAGE)
    printed = "tensor([5.5653e-09, 6.6929e-03, 9.9331e-01])"
    assert any(printed in c.value and "torch.softmax(torch.tensor([-9, 5, 10])" in c.value
               for c in at.code)
    assert [at.text_input(key=f"pytorch.example.{i}").value for i in range(3)] == [
        "-9", "5", "10"]


def test_editing_the_softmax_example_recomputes_it_and_goes_into_the_link():
    at = open_page(PAGE)
    at.text_input(key="pytorch.example.0").input("10").run()
    p = xc.softmax([10.0, 5.0, 10.0])
    assert any(f"tensor([{p[0]:.4e}, {p[1]:.4e}, {p[2]:.4e}])" in c.value for c in at.code)
    assert at.query_params["sx"] == "10,5,10"
    at.text_input(key="pytorch.example.0").input("1e999").run()  # refused, with a reason
    assert at.query_params["sx"] == "10,5,10"
    assert any("was not used" in e.value for e in at.error)
