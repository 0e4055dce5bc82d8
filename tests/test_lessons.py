"""The numbers the lessons print, reproduced by xent_core.

Each test is one table or printout from the fast.ai lesson or the PyTorch walkthrough, checked
to the digits the lesson shows.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import xent_core as xc
from xent_core import lessons

BATCH_LOGITS = np.array(lessons.PYTORCH_BATCH_LOGITS)
BATCH_TARGETS = np.array(lessons.PYTORCH_BATCH_TARGETS)

# torch.softmax of the tutorial batch, as printed (4 decimals).
PRINTED_BATCH_SOFTMAX = np.array([
    [0.0390, 0.2923, 0.0542, 0.3313, 0.2832],
    [0.5784, 0.0816, 0.1261, 0.0742, 0.1396],
    [0.0149, 0.2365, 0.2213, 0.0891, 0.4382],
])
# torch.log(softmax) of the tutorial batch, as printed (4 decimals).
PRINTED_BATCH_LOG_SOFTMAX = np.array([
    [-3.2429, -1.2300, -2.9147, -1.1048, -1.2618],
    [-0.5476, -2.5056, -2.0705, -2.6004, -1.9687],
    [-4.2092, -1.4417, -1.5081, -2.4180, -0.8251],
])

SLIDE_OUTPUTS = [-2.17, -1.63, -2.75, 2.39, -0.16]  # as written on the slide
FISH = 3


def sig5(values) -> list[str]:
    """Format like torch prints small tensors: 5 significant digits, scientific notation."""
    return [f"{v:.4e}" for v in np.ravel(values)]


# ------------------------------------------------------------------ softmax([-9, 5, 10])


def test_softmax_of_minus_9_5_10_matches_the_printed_tensor():
    p = xc.softmax(lessons.SOFTMAX_EXAMPLE)
    assert sig5(p) == ["5.5653e-09", "6.6929e-03", "9.9331e-01"]


def test_softmax_of_minus_9_5_10_puts_almost_everything_on_the_largest_logit():
    p = xc.softmax(lessons.SOFTMAX_EXAMPLE)
    assert p.sum() == pytest.approx(1.0, abs=1e-15)
    assert int(np.argmax(p)) == 2
    assert p[0] < 1e-8 < p[1] < p[2]


# ------------------------------------------------------------ the PyTorch tutorial batch


def test_tutorial_batch_softmax_matches_every_printed_value():
    p = xc.softmax(BATCH_LOGITS)
    np.testing.assert_array_equal(p.round(4), PRINTED_BATCH_SOFTMAX)


def test_tutorial_batch_softmax_rows_each_sum_to_one():
    np.testing.assert_allclose(xc.softmax(BATCH_LOGITS).sum(axis=1), 1.0, rtol=0, atol=1e-15)


def test_tutorial_batch_log_values_match_the_printout():
    # The tutorial printed these from torch.randn's unrounded logits, while lessons.py keeps
    # the logits rounded to 4 decimals, so the last printed digit can be off by one:
    # e.g. we get -3.24296 (prints -3.2430) where the tutorial shows -3.2429.
    b = xc.explain_batch(BATCH_LOGITS, BATCH_TARGETS)
    np.testing.assert_allclose(b.log_of_softmax, PRINTED_BATCH_LOG_SOFTMAX, rtol=0, atol=2e-4)
    np.testing.assert_allclose(b.log_softmax, PRINTED_BATCH_LOG_SOFTMAX, rtol=0, atol=2e-4)


@pytest.mark.parametrize(
    "route",
    [
        pytest.param(lambda x, t: xc.nll_loss(np.log(xc.softmax(x)), t), id="softmax_log_nll"),
        pytest.param(lambda x, t: xc.nll_loss(xc.log_softmax(x), t), id="log_softmax_nll"),
        pytest.param(lambda x, t: xc.cross_entropy(x, t), id="cross_entropy"),
    ],
)
def test_every_route_gives_the_tutorials_loss_of_1_0314(route):
    loss = float(route(BATCH_LOGITS, BATCH_TARGETS))
    assert loss == pytest.approx(lessons.PYTORCH_BATCH_LOSS, abs=1e-4)


def test_explain_batch_three_routes_agree_and_the_trap_is_negative():
    b = xc.explain_batch(BATCH_LOGITS, BATCH_TARGETS)
    assert b.nll_of_log_softmax == pytest.approx(b.cross_entropy, rel=1e-12)
    assert b.nll_of_log_softmax_fused == pytest.approx(b.cross_entropy, rel=1e-12)
    assert b.cross_entropy == pytest.approx(1.0314, abs=1e-4)
    # nll_loss on probabilities skips the log: minus the mean picked probability.
    picked_p = PRINTED_BATCH_SOFTMAX[[0, 1, 2], [3, 0, 1]]  # 0.3313, 0.5784, 0.2365
    assert b.nll_of_probabilities == pytest.approx(-picked_p.mean(), abs=1e-4)
    assert b.nll_of_probabilities < 0
    np.testing.assert_allclose(b.row_sums, 1.0, atol=1e-15)


def test_explain_batch_picks_the_target_log_probabilities():
    b = xc.explain_batch(BATCH_LOGITS, BATCH_TARGETS)
    # Row 0 target 3 → -1.1048, row 1 target 0 → -0.5476, row 2 target 1 → -1.4417.
    np.testing.assert_allclose(b.picked, [-1.1048, -0.5476, -1.4417], atol=2e-4)
    assert -b.picked.mean() == pytest.approx(b.cross_entropy, rel=1e-12)


# ------------------------------------------------------------------ cat vs dog spreadsheet


CAT_DOG_LOG10_LOSSES = [0.30, 0.01, 1.00, 0.30, 0.05]


def test_cat_dog_rows_are_the_lessons_table():
    p = lessons.cat_dog_probabilities()
    np.testing.assert_allclose(p[:, 0], [0.5, 0.98, 0.9, 0.5, 0.9])
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    np.testing.assert_array_equal(lessons.cat_dog_targets(), [0, 0, 1, 1, 0])


def test_cat_dog_one_hot_form_with_log10_matches_the_spreadsheet():
    p = lessons.cat_dog_probabilities()
    labels = xc.one_hot(lessons.cat_dog_targets(), 2)
    losses = xc.one_hot_cross_entropy(p, labels, log_base="10")
    np.testing.assert_array_equal(losses.round(2), CAT_DOG_LOG10_LOSSES)


def test_cat_dog_if_form_with_log10_matches_the_spreadsheet():
    losses = xc.index_cross_entropy(
        lessons.cat_dog_probabilities(), lessons.cat_dog_targets(), log_base="10"
    )
    np.testing.assert_array_equal(losses.round(2), CAT_DOG_LOG10_LOSSES)


def test_cat_dog_spreadsheet_shows_both_columns_and_is_not_screwy():
    s = xc.spreadsheet(lessons.cat_dog_probabilities(), lessons.cat_dog_targets(), log_base="10")
    np.testing.assert_array_equal(s.one_hot_losses.round(2), CAT_DOG_LOG10_LOSSES)
    np.testing.assert_array_equal(s.if_form_losses.round(2), CAT_DOG_LOG10_LOSSES)
    assert s.mean_loss == pytest.approx(np.mean(s.one_hot_losses))
    assert not s.screwy
    assert s.rows_sum_to_one.all()
    assert s.log_base.key == "10"


def test_confident_and_wrong_costs_one_whole_unit_in_log10():
    # Row 3: P(cat) = 0.9 but it is a dog, so the loss is -log10(0.1) = 1.
    losses = xc.index_cross_entropy(lessons.cat_dog_probabilities(), lessons.cat_dog_targets(),
                                    log_base="10")
    assert losses[2] == pytest.approx(1.0, rel=1e-14)


def test_cat_dog_with_ln_equals_torch_nll_of_log():
    torch = pytest.importorskip("torch")
    functional = torch.nn.functional
    p = lessons.cat_dog_probabilities()
    t = lessons.cat_dog_targets()
    expected = functional.nll_loss(
        torch.log(torch.tensor(p)), torch.tensor(t), reduction="none"
    ).numpy()
    np.testing.assert_allclose(xc.index_cross_entropy(p, t), expected, rtol=1e-12)
    np.testing.assert_allclose(
        xc.one_hot_cross_entropy(p, xc.one_hot(t, 2)), expected, rtol=1e-12
    )
    np.testing.assert_allclose(xc.spreadsheet(p, t).one_hot_losses, expected, rtol=1e-12)


# ------------------------------------------------------------------- the five-class slide


@pytest.mark.parametrize("building", [-0.16, -0.156])
def test_slide_sum_of_exps_is_12_14(building):
    outputs = [*SLIDE_OUTPUTS[:4], building]
    b = xc.explain(outputs, target=FISH)
    assert round(b.sum_exp, 2) == 12.14
    assert b.sum_exp == pytest.approx(sum(math.exp(v) for v in outputs), rel=1e-14)


@pytest.mark.parametrize("building", [-0.16, -0.156])
def test_fish_gets_90_percent_on_the_slide_example(building):
    outputs = [*SLIDE_OUTPUTS[:4], building]
    b = xc.explain(outputs, target=FISH)
    assert round(float(b.probabilities[FISH]), 2) == 0.90
    assert b.predicted == FISH


def test_slide_breakdown_fields_are_consistent():
    b = xc.explain(SLIDE_OUTPUTS, target=FISH)
    np.testing.assert_allclose(b.exp, np.exp(SLIDE_OUTPUTS), rtol=1e-15)
    np.testing.assert_allclose(b.probabilities, b.exp / b.sum_exp, rtol=1e-14)
    assert not b.exp_overflows
    assert b.target == FISH
    np.testing.assert_allclose(b.log_probabilities, np.log(b.probabilities), rtol=1e-14)
    assert b.picked_log_probability == b.log_probabilities[FISH]
    assert b.loss == pytest.approx(-b.picked_log_probability, rel=1e-15)
    assert b.loss == pytest.approx(-math.log(0.89899), abs=1e-5)  # fish p ≈ 0.899
    np.testing.assert_allclose(b.grad, b.probabilities - np.eye(5)[FISH], atol=1e-16)
    assert b.log_base.key == "e"


def test_slide_loss_in_log10_is_the_ln_loss_over_ln_10():
    nats = xc.explain(SLIDE_OUTPUTS, target=FISH)
    decimal = xc.explain(SLIDE_OUTPUTS, target=FISH, log_base="10")
    assert decimal.loss == pytest.approx(nats.loss / math.log(10), rel=1e-14)
    np.testing.assert_allclose(decimal.probabilities, nats.probabilities)


def test_slide_example_with_huge_logits_flags_overflow_but_still_explains():
    b = xc.explain([1000.0, 0.0], target=0)
    assert b.exp_overflows
    assert math.isinf(b.sum_exp)
    np.testing.assert_allclose(b.probabilities, [1.0, 0.0])
    assert b.loss == 0.0


# ------------------------------------------------------------------------- screwy rows


def test_a_row_that_does_not_sum_to_one_is_screwy_but_still_gives_numbers():
    s = xc.spreadsheet([[2.0, 3.0]], [1])  # labelled dog
    assert s.screwy
    assert not s.rows_sum_to_one[0]
    assert s.row_sums[0] == 5.0
    # -ln 3 = -1.0986...: a negative "loss", which is why the row is screwy.
    assert s.one_hot_losses[0] == pytest.approx(-1.0986122886681098, rel=1e-15)
    assert s.if_form_losses[0] == pytest.approx(-1.0986122886681098, rel=1e-15)
    assert s.mean_loss < 0


def test_only_one_screwy_row_makes_the_sheet_screwy():
    s = xc.spreadsheet([[0.5, 0.5], [0.7, 0.7]], [0, 1], log_base="10")
    np.testing.assert_array_equal(s.rows_sum_to_one, [True, False])
    assert s.screwy
    np.testing.assert_allclose(s.one_hot_losses, [math.log10(2), -math.log10(0.7)])


def test_softmax_fixes_a_screwy_row():
    fixed = xc.softmax([[2.0, 3.0]])
    s = xc.spreadsheet(fixed, [1])
    assert not s.screwy
    assert s.one_hot_losses[0] > 0


def test_negative_activations_raise_a_value_error_not_a_screwy_row():
    with pytest.raises(ValueError, match="negative activation"):
        xc.spreadsheet([[-1.0, 2.0]], [1])
