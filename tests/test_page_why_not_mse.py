"""Page 5, "Why not MSE?", through app.py with AppTest: the numbers on screen are the core's,
every control is live, the stories, the URL round trip, bad links and bad typed numbers."""

from __future__ import annotations

import pytest
from apptest_helpers import (
    bold_text,
    details_code,
    details_metrics,
    details_tables,
    edit_row,
    open_page,
    page_text,
    plotly_array,
    plotly_figures,
    rows_data,
)

from ui.text import fmt
from xent_core.lessons import why_not_mse
from xent_core.lessons.why_not_mse import PRESETS

PAGE = "pages/5_why_not_mse.py"
ROWS = "mse._rows"  # the class rows (ui.class_rows)
WRONG = PRESETS["confidently wrong"]


def trace(figure: dict, i: int, axis: str = "y") -> list[float]:
    """Trace ``i``'s numbers along ``axis`` in a figure's JSON."""
    return plotly_array(figure["data"][i][axis])


def metrics(at) -> dict[str, str]:
    """The stage's three losses: cross-entropy (the stage's loss, an st.metric), MSE and the
    hinge (beside it, in a details element)."""
    return {**{m.label: m.value for m in at.metric}, **details_metrics(at)}


def readings_table(at) -> list[list[str]]:
    """The table of values and gradients, header row first (one row per loss)."""
    tables = details_tables(at)
    assert len(tables) == 1, tables
    return tables[0]


def assert_shows(at, logits, target, lr=1.0, steps=40, base="e") -> None:
    """The stage's three losses, the table and the charts are those of one core call."""
    view = why_not_mse(logits, target, lr=lr, steps=steps, log_base=base)
    shown = metrics(at)
    assert shown["Cross-entropy"] == f"{fmt(view.cross_entropy.loss)} {view.log_base.unit}"
    assert shown["MSE on probabilities"] == fmt(view.mse.loss)
    assert shown["Multiclass hinge"] == fmt(view.hinge.loss)
    header, *rows = readings_table(at)
    assert header == ["loss", "value", "∂/∂x cat", "∂/∂x dog", "∂/∂x bird", "PyTorch"]
    assert rows == [[reading.name, fmt(reading.loss) + (f" {view.log_base.unit}" if i == 0
                                                        else ""),
                     *(fmt(g, 5) for g in reading.grad), reading.torch_call]
                    for i, reading in enumerate(view.readings)]
    logits = ", ".join(f"{v:g}" for v in view.logits)
    assert f"x = torch.tensor([[{logits}]], dtype=torch.float64" in details_code(at)[0]
    sweep, _grad, race = plotly_figures(at)
    assert trace(sweep, 0) == pytest.approx(view.cross_entropy.sweep_loss.tolist())
    assert trace(sweep, 3) == pytest.approx(view.mse.sweep_grad.tolist())
    assert trace(sweep, 0, "x") == pytest.approx(view.sweep_logits.tolist())
    assert trace(race, 2) == pytest.approx(view.mse.race_loss.tolist())
    assert len(trace(race, 0, "x")) == steps + 1


@pytest.fixture
def at():
    return open_page(PAGE)


# ------------------------------------------------------------------------ the lesson


def test_confidently_wrong_cat_cross_entropy_pushes_mse_barely_moves(at):
    assert_shows(at, *WRONG)
    assert metrics(at)["Cross-entropy"] == "9.0183 nats"
    text = page_text(at)
    assert "CE -0.99988, MSE -0.00016, hinge -0.66667." in text
    assert {"-0.99988", "-0.00016", "-0.66667"} <= set(bold_text(at))
    assert "MSE's gradient is flat" in text
    assert at.selectbox(key="mse._story").value == "confidently wrong"


def test_the_page_draws_the_sweep_the_gradients_and_the_race(at):
    sweep, grad, race = plotly_figures(at)
    view = why_not_mse(*WRONG)
    assert [t["name"] for t in sweep["data"][:6:2]] == ["cross-entropy", "MSE", "hinge"]
    assert trace(grad, 1) == pytest.approx(view.mse.grad.tolist())
    assert grad["data"][0]["x"] == ["cat ✓", "dog", "bird"]
    assert trace(race, 1) == pytest.approx(view.cross_entropy.race_target_probability)
    assert "After 40 steps, p(cat) is: cross-entropy 0.9810" in page_text(at)


# ----------------------------------------------------------------------- every control


@pytest.mark.parametrize(("i", "value"), [(0, 2.5), (1, -1.0), (2, 7.25)])
def test_each_logit_slider_is_live(at, i, value):
    edit_row(at, ROWS, i, "slider", value)
    logits = list(WRONG[0])
    logits[i] = value
    assert_shows(at, logits, 0)
    assert at.query_params["x"] == ",".join(f"{v:g}" for v in logits)
    assert at.selectbox(key="mse._story").value is None  # no story any more


def test_the_story_box_empties_on_a_move_off_its_story_and_names_it_on_a_page_run(at):
    edit_row(at, ROWS, 0, "box", "-3")
    assert at.selectbox(key="mse._story").value is None
    # Back on the story's own logits (AppTest reruns the whole page each time; in a browser
    # the move reruns the lesson fragment alone and the box names the story on the next run
    # of the page: tests/test_loadtest_client.py).
    edit_row(at, ROWS, 0, "box", f"{WRONG[0][0]:g}")
    assert_shows(at, list(WRONG[0]), 0)
    assert at.selectbox(key="mse._story").value == "confidently wrong"


def test_typing_a_logit_moves_its_slider_and_the_numbers(at):
    edit_row(at, ROWS, 1, "box", "0.5")
    assert rows_data(at, ROWS)[1]["slider"] == 0.5
    assert_shows(at, [-4.0, 0.5, 1.0], 0)


def test_a_logit_beyond_the_slider_is_kept_and_said(at):
    edit_row(at, ROWS, 0, "box", "250")
    assert rows_data(at, ROWS)[0]["slider"] == 10.0
    assert_shows(at, [250.0, 5.0, 1.0], 0)
    assert rows_data(at, ROWS)[0]["note"] == (
        "250.000 is beyond the slider's ±10; the box holds the value.")


def test_the_true_class_is_live(at):
    at.radio(key="mse.target").set_value(1).run()
    assert_shows(at, WRONG[0], 1)
    assert at.query_params["target"] == "1"


def test_the_learning_rate_and_steps_change_the_race(at):
    at.slider(key="mse.lr").set_value(3.0).run()
    at.slider(key="mse.steps").set_value(120).run()
    assert_shows(at, *WRONG, lr=3.0, steps=120)
    assert "After 120 steps" in page_text(at)
    assert at.query_params["lr"] == "3" and at.query_params["steps"] == "120"


def test_the_log_base_relabels_cross_entropy_only(at):
    at.radio(key="shell.base").set_value("2").run()
    assert_shows(at, *WRONG, base="2")
    assert metrics(at)["Cross-entropy"].endswith("bits")


@pytest.mark.parametrize("story", list(PRESETS))
def test_each_story_sets_its_logits_and_true_class(at, story):
    edit_row(at, ROWS, 2, "slider", -9.0)
    at.selectbox(key="mse._story").set_value(story).run()
    assert_shows(at, *PRESETS[story])
    assert at.selectbox(key="mse._story").value == story


def test_right_story_the_hinge_is_done(at):
    at.selectbox(key="mse._story").set_value("right").run()
    assert metrics(at)["Multiclass hinge"] == "0.0000"


def test_reset_brings_back_the_lesson_example(at):
    edit_row(at, ROWS, 0, "slider", 3.0)
    at.slider(key="mse.lr").set_value(5.0).run()
    at.button(key="mse.reset").click().run()
    assert_shows(at, *WRONG)
    assert "x" not in at.query_params and "lr" not in at.query_params


# ------------------------------------------------------------------------ links


def test_a_link_opens_the_same_state():
    params = {"x": "1,2.5,-3", "target": "2", "lr": "0.5", "steps": "60", "base": "10"}
    at = open_page(PAGE, params)
    assert_shows(at, [1.0, 2.5, -3.0], 2, lr=0.5, steps=60, base="10")
    assert {k: at.query_params[k] for k in params} == params


def test_the_url_round_trip_after_edits():
    at = open_page(PAGE)
    edit_row(at, ROWS, 2, "box", "4.5")
    at.radio(key="mse.target").set_value(2).run()
    again = open_page(PAGE, dict(at.query_params))
    assert metrics(again) == metrics(at)


@pytest.mark.parametrize(("params", "label"), [
    ({"x": "1,2"}, "logits"),
    ({"x": "1,abc,3"}, "logits"),
    ({"x": "1,1e999,3"}, "logits"),
    ({"target": "3"}, "true class"),
    ({"lr": "0"}, "learning rate"),
    ({"steps": "100000"}, "number of steps"),
])
def test_a_bad_link_value_is_named_and_the_example_shown(params, label):
    at = open_page(PAGE, params)
    notes = [w.value for w in at.warning]
    assert any(f"“{label}”" in note and "was not used" in note for note in notes), notes
    assert_shows(at, *WRONG)


# ------------------------------------------------------------------------ typed numbers


@pytest.mark.parametrize(("typed", "why"), [
    ("", "the box is empty"),
    ("abc", "not a number"),
    ("1e999", "must be a number from"),
    ("20000", "must be a number from"),
])
def test_a_bad_typed_logit_keeps_the_last_value_and_says_why(at, typed, why):
    edit_row(at, ROWS, 0, "box", "2")
    edit_row(at, ROWS, 0, "box", typed)
    assert_shows(at, [2.0, 5.0, 1.0], 0)
    errors = [row["error"] or "" for row in rows_data(at, ROWS)]  # beside the boxes
    assert any(why in e and "stays 2.000" in e for e in errors), errors
