"""xent_core.batch_options: PyTorch's loss options on the tutorial batch, checked against torch."""

from __future__ import annotations

import math

import numpy as np
import pytest

import xent_core as xc
from xent_core import lessons
from xent_core.batch_options import (
    IGNORE_INDEX,
    LossOptions,
    explain_batch_options,
    random_batch,
    random_logits,
    read_class_weights,
    read_logit_cells,
)

torch = pytest.importorskip("torch")
F = torch.nn.functional

LOGITS = np.array(lessons.PYTORCH_BATCH_LOGITS)
TARGETS = np.array(lessons.PYTORCH_BATCH_TARGETS)


def torch_routes(logits, targets, options: LossOptions) -> dict[str, np.ndarray]:
    """The four PyTorch calls the page shows, in float64."""
    x = torch.tensor(np.asarray(logits), dtype=torch.float64)
    t = torch.tensor(np.asarray(targets))
    kwargs = {"reduction": options.reduction, "ignore_index": IGNORE_INDEX}
    if options.weight is not None:
        kwargs["weight"] = torch.tensor(options.weight, dtype=torch.float64)
    probs = torch.softmax(x, dim=1)
    return {
        "nll_of_log_of_softmax": F.nll_loss(torch.log(probs), t, **kwargs).numpy(),
        "nll_of_log_softmax": F.nll_loss(F.log_softmax(x, dim=1), t, **kwargs).numpy(),
        "cross_entropy": F.cross_entropy(x, t, label_smoothing=options.label_smoothing,
                                         **kwargs).numpy(),
        "nll_of_probabilities": F.nll_loss(probs, t, **kwargs).numpy(),
    }


# ------------------------------------------------------------------ the tutorial batch


def test_tutorial_batch_gives_1_0313_on_every_route_and_they_agree():
    b = explain_batch_options(LOGITS, TARGETS)
    for value in (b.nll_of_log_of_softmax, b.nll_of_log_softmax, b.cross_entropy):
        # The tutorial printed 1.0314 from unrounded logits; its printed logits give 1.03134.
        assert value == pytest.approx(1.03134, abs=1e-5)
    assert b.routes_agree
    assert b.loss == pytest.approx(b.cross_entropy, rel=1e-12)


def test_the_trap_is_minus_the_mean_target_probability_and_negative():
    b = explain_batch_options(LOGITS, TARGETS)
    picked_p = xc.softmax(LOGITS)[[0, 1, 2], [3, 0, 1]]
    assert b.nll_of_probabilities == pytest.approx(-picked_p.mean(), rel=1e-12)
    assert -1 < b.nll_of_probabilities < 0


def test_the_chain_steps_pick_then_mean_then_negate():
    b = explain_batch_options(LOGITS, TARGETS)
    np.testing.assert_allclose(b.picked, [-1.1048, -0.5475, -1.4417], atol=1e-4)
    assert b.reduced_picked == pytest.approx(b.picked.mean(), rel=1e-12)
    assert b.loss == pytest.approx(-b.reduced_picked, rel=1e-12)
    np.testing.assert_allclose(b.chain.row_sums, 1.0, atol=1e-15)


def test_losses_in_bits_are_nats_divided_by_ln_2_but_the_pytorch_calls_stay_in_nats():
    nats = explain_batch_options(LOGITS, TARGETS, log_base="e")
    bits = explain_batch_options(LOGITS, TARGETS, log_base="2")
    assert bits.loss == pytest.approx(nats.loss / math.log(2), rel=1e-12)
    np.testing.assert_allclose(bits.log_probabilities, nats.log_probabilities / math.log(2))
    assert bits.cross_entropy == nats.cross_entropy


# ------------------------------------------------------------------ options vs torch


OPTION_CASES = [
    pytest.param(LossOptions(), [3, 0, 1], id="defaults"),
    pytest.param(LossOptions(reduction="sum"), [3, 0, 1], id="sum"),
    pytest.param(LossOptions(reduction="none"), [3, 0, 1], id="none"),
    pytest.param(LossOptions(weight=(1.0, 2.0, 0.5, 3.0, 1.0)), [3, 0, 1], id="weighted-mean"),
    pytest.param(LossOptions(reduction="sum", weight=(1.0, 2.0, 0.5, 3.0, 1.0)), [3, 0, 1],
                 id="weighted-sum"),
    pytest.param(LossOptions(label_smoothing=0.1), [3, 0, 1], id="smoothing"),
    pytest.param(LossOptions(), [3, IGNORE_INDEX, 1], id="ignore-a-row"),
    pytest.param(LossOptions(reduction="none", weight=(1.0, 2.0, 0.5, 3.0, 1.0),
                             label_smoothing=0.25), [IGNORE_INDEX, 0, 1], id="everything"),
]


@pytest.mark.parametrize(("options", "targets"), OPTION_CASES)
def test_every_route_matches_torch_with_the_options(options, targets):
    b = explain_batch_options(LOGITS, targets, options)
    for name, expected in torch_routes(LOGITS, targets, options).items():
        np.testing.assert_allclose(getattr(b, name), expected, rtol=1e-12, atol=1e-14,
                                   err_msg=name)


@pytest.mark.parametrize(("options", "targets"), OPTION_CASES)
def test_row_losses_match_torch_reduction_none(options, targets):
    b = explain_batch_options(LOGITS, targets, options)
    none = LossOptions("none", options.weight, options.label_smoothing)
    expected = torch_routes(LOGITS, targets, none)
    np.testing.assert_allclose(b.row_losses, expected["nll_of_log_softmax"], rtol=1e-12)
    np.testing.assert_allclose(b.smoothed_row_losses, expected["cross_entropy"], rtol=1e-12)


def test_weighted_mean_divides_by_the_sum_of_the_targets_weights():
    weight = (1.0, 2.0, 0.5, 3.0, 1.0)
    b = explain_batch_options(LOGITS, TARGETS, LossOptions(weight=weight))
    np.testing.assert_array_equal(b.row_weight, [3.0, 1.0, 2.0])  # classes 3, 0, 1
    assert b.denominator == 6.0
    assert b.loss == pytest.approx(b.row_losses.sum() / 6.0, rel=1e-12)


def test_an_ignored_row_is_left_out_of_the_mean_entirely():
    b = explain_batch_options(LOGITS, [3, IGNORE_INDEX, 1])
    assert math.isnan(b.picked[1])
    assert b.row_losses[1] == 0.0 and b.weighted_picked[1] == 0.0
    assert b.loss == pytest.approx((b.row_losses[0] + b.row_losses[2]) / 2, rel=1e-12)


def test_every_row_ignored_gives_nan_like_pytorch():
    b = explain_batch_options(LOGITS, [IGNORE_INDEX] * 3)
    assert b.all_ignored_or_weightless
    assert math.isnan(b.cross_entropy) and math.isnan(b.nll_of_log_softmax)
    assert b.routes_agree  # NaN counts as agreeing with NaN


def test_label_smoothing_moves_cross_entropy_away_from_nll_loss():
    b = explain_batch_options(LOGITS, TARGETS, LossOptions(label_smoothing=0.1))
    assert not b.routes_agree
    assert b.nll_of_log_softmax == pytest.approx(1.03134, abs=1e-5)
    assert b.cross_entropy > b.nll_of_log_softmax


def test_huge_logits_break_log_of_softmax_but_not_log_softmax():
    b = explain_batch_options([[0.0, -800.0]], [1])
    assert b.log_of_softmax_overflows
    assert b.nll_of_log_of_softmax == math.inf
    assert b.cross_entropy == pytest.approx(800.0)
    assert not b.routes_agree


def test_explain_batch_accepts_an_ignored_row_with_nan_as_its_pick():
    chain = xc.explain_batch(LOGITS, [3, IGNORE_INDEX, 1])
    assert math.isnan(chain.picked[1])
    assert chain.cross_entropy == pytest.approx(-np.nanmean(chain.picked), rel=1e-12)


def test_options_reject_an_unknown_reduction_and_out_of_range_smoothing():
    with pytest.raises(ValueError, match="reduction"):
        LossOptions(reduction="average")
    with pytest.raises(ValueError, match="label_smoothing"):
        LossOptions(label_smoothing=1.5)
    with pytest.raises(ValueError, match="one entry per class"):
        explain_batch_options(LOGITS, TARGETS, LossOptions(weight=(1.0, 2.0)))


# --------------------------------------------------------------- a learner's typed cells


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("nan", "NaN is not a number"),
        ("inf", "is infinite"),
        ("-inf", "is infinite"),
        ("", "is empty"),
        ("   ", "is empty"),
        (None, "is empty"),
        ("abc", "“abc” is not a number"),
        ("1e308", "is too large"),
        ("<script>alert(1)</script>", "is not a number"),
    ],
)
def test_a_bad_cell_is_named_and_the_others_keep_their_numbers(text, phrase):
    table = read_logit_cells([["1.5", "2"], ["-3", text]])
    assert not table.ok
    assert [(p.row, p.column) for p in table.problems] == [(1, 1)]
    assert table.problems[0].message.startswith("Example 1, class 1")
    assert phrase in table.problems[0].message
    np.testing.assert_array_equal(table.values[:, 0], [1.5, -3.0])
    assert table.values[0, 1] == 2.0 and math.isnan(table.values[1, 1])


def test_a_pasted_essay_is_quoted_short_in_the_message():
    table = read_logit_cells([["x" * 10_000, "1"]])
    assert len(table.problems[0].message) < 120


def test_good_cells_read_as_numbers_with_every_digit():
    table = read_logit_cells([[" -0.7514 ", "0.30000000000000004", "1e6"]])
    assert table.ok
    assert table.values.tolist() == [[-0.7514, 0.30000000000000004, 1e6]]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1, 2", "one number per class"),
        ("1, 2, x", "class 2"),
        ("1, -2, 1", "class 1"),
        ("1, nan, 1", "class 1"),
        ("1, inf, 1", "class 1"),
    ],
)
def test_bad_class_weights_are_explained(text, message):
    with pytest.raises(ValueError, match=message):
        read_class_weights(text, 3)


def test_class_weights_read_as_numbers_and_empty_means_none():
    assert read_class_weights("1, 2.5, 0", 3) == (1.0, 2.5, 0.0)
    assert read_class_weights("  ", 3) is None


# ----------------------------------------------------------------------- random batch


def test_a_seed_always_draws_the_same_batch_and_another_seed_a_different_one():
    logits, targets = random_batch(4, 6, seed=7)
    again, again_targets = random_batch(4, 6, seed=7)
    np.testing.assert_array_equal(logits, again)
    np.testing.assert_array_equal(targets, again_targets)
    assert not np.array_equal(logits, random_logits(4, 6, seed=8))
    np.testing.assert_array_equal(random_logits(4, 6, seed=7), logits)


def test_random_logits_are_numpys_standard_normal_rounded_to_4_decimals():
    expected = np.random.default_rng(3).standard_normal((12, 10))
    logits = random_logits(12, 10, seed=3)
    np.testing.assert_array_equal(logits, np.round(expected, 4))
    big = random_logits(400, 10, seed=0)
    assert abs(big.mean()) < 0.05 and abs(big.std() - 1.0) < 0.05


def test_random_targets_are_classes_of_the_batch():
    _, targets = random_batch(12, 3, seed=1)
    assert targets.shape == (12,) and set(targets.tolist()) <= {0, 1, 2}


@pytest.mark.parametrize("shape", [(0, 5, 0), (3, 0, 0), (3, 5, -1), (2.5, 5, 0)])
def test_random_batch_rejects_impossible_shapes_and_seeds(shape):
    with pytest.raises(ValueError):
        random_batch(*shape)
