"""Hand-derived reference values for the PyTorch-only options (weights, ignore_index, label
smoothing, reductions, probability targets) and for the gradient.

Every expected number below is a literal worked out by hand from simple logits; the formula is
written beside it. None is computed by the code under test.

The building blocks:

- logits ``[0, 0]`` give ``p = [1/2, 1/2]``, so ``-ln p = ln 2 = 0.6931471805599453``;
- logits ``[ln 3, 0]`` give ``p = [3/4, 1/4]`` (``e^{ln 3} = 3``, ``3 + 1 = 4``), so
  ``-ln p_0 = ln(4/3) = 0.28768207245178093`` and ``-ln p_1 = ln 4 = 1.3862943611198906``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import xent_core as xc

LN2 = 0.6931471805599453
LN_4_3 = 0.28768207245178093  # -ln(3/4)
LN4 = 1.3862943611198906  # -ln(1/4)

EVEN = [0.0, 0.0]  # p = [0.5, 0.5]
THREE_TO_ONE = [math.log(3.0), 0.0]  # p = [0.75, 0.25]

REL = 1e-13


def test_the_building_blocks_are_right():
    np.testing.assert_allclose(xc.softmax(THREE_TO_ONE), [0.75, 0.25], rtol=REL)
    assert float(xc.cross_entropy(THREE_TO_ONE, 0)) == pytest.approx(LN_4_3, rel=REL)
    assert float(xc.cross_entropy(THREE_TO_ONE, 1)) == pytest.approx(LN4, rel=REL)
    assert float(xc.cross_entropy(EVEN, 1)) == pytest.approx(LN2, rel=REL)


# ----------------------------------------------------------------------- label smoothing


def test_label_smoothing_on_an_even_prediction_still_costs_ln_2():
    # eps = 0.2, C = 2: target [1, 0] becomes [0.9, 0.1].
    # loss = -(0.9 ln 0.5 + 0.1 ln 0.5) = ln 2
    loss = xc.cross_entropy(EVEN, 0, label_smoothing=0.2)
    assert float(loss) == pytest.approx(LN2, rel=REL)


def test_label_smoothing_mixes_in_the_other_class():
    # eps = 0.2: target [0.9, 0.1] on p = [3/4, 1/4]
    # loss = 0.9 ln(4/3) + 0.1 ln 4 = 0.25891386520660284 + 0.13862943611198906
    loss = xc.cross_entropy(THREE_TO_ONE, 0, label_smoothing=0.2)
    assert float(loss) == pytest.approx(0.3975433013185919, rel=REL)


def test_full_label_smoothing_is_the_uniform_target():
    # eps = 1: target [1/2, 1/2], loss = (ln(4/3) + ln 4) / 2, whatever the class index.
    expected = 0.8369882167858358
    assert float(xc.cross_entropy(THREE_TO_ONE, 0, label_smoothing=1.0)) == pytest.approx(
        expected, rel=REL
    )
    assert float(xc.cross_entropy(THREE_TO_ONE, 1, label_smoothing=1.0)) == pytest.approx(
        expected, rel=REL
    )


def test_label_smoothing_with_class_weights_divides_by_the_target_weight():
    # weight [1, 3], target 1, eps 0.2, C = 2 (PyTorch's rule):
    # loss = (1 - eps) w_1 ln 4 + (eps / C)(w_0 ln(4/3) + w_1 ln 4)
    #      = 0.8 * 3 * 1.3862943611198906 + 0.1 * (0.28768207245178093 + 3 * 1.3862943611198906)
    #      = 3.3271064666877374 + 0.44465651558114526 = 3.7717629822688827
    # 'mean' divides by w[target] = 3: 1.2572543274229609
    kwargs = {"weight": [1.0, 3.0], "label_smoothing": 0.2}
    assert float(xc.cross_entropy([THREE_TO_ONE], [1], reduction="sum", **kwargs)) == (
        pytest.approx(3.7717629822688827, rel=REL)
    )
    assert float(xc.cross_entropy([THREE_TO_ONE], [1], **kwargs)) == pytest.approx(
        1.2572543274229609, rel=REL
    )


# ---------------------------------------------------------------- class weights, reductions

BATCH = [THREE_TO_ONE, THREE_TO_ONE]
TARGETS = [0, 1]  # l0 = ln(4/3), l1 = ln 4
CLASS_WEIGHTS = [1.0, 3.0]


def test_weighted_mean_divides_by_the_sum_of_the_target_weights():
    # (1 * l0 + 3 * l1) / (1 + 3) = (0.28768207245178093 + 4.1588830833596718) / 4
    loss = xc.cross_entropy(BATCH, TARGETS, weight=CLASS_WEIGHTS)
    assert float(loss) == pytest.approx(1.1116412889528632, rel=REL)


def test_weighted_sum_adds_the_weighted_losses():
    # 1 * l0 + 3 * l1 = 4.4465651558114527
    loss = xc.cross_entropy(BATCH, TARGETS, weight=CLASS_WEIGHTS, reduction="sum")
    assert float(loss) == pytest.approx(4.4465651558114527, rel=REL)


def test_weighted_none_returns_each_weighted_loss():
    # [1 * l0, 3 * l1]
    losses = xc.cross_entropy(BATCH, TARGETS, weight=CLASS_WEIGHTS, reduction="none")
    np.testing.assert_allclose(losses, [0.28768207245178093, 4.1588830833596718], rtol=REL)


def test_unweighted_reductions():
    # mean (l0 + l1) / 2, sum l0 + l1, none [l0, l1]
    assert float(xc.cross_entropy(BATCH, TARGETS)) == pytest.approx(0.8369882167858358, rel=REL)
    assert float(xc.cross_entropy(BATCH, TARGETS, reduction="sum")) == pytest.approx(
        1.6739764335716715, rel=REL
    )
    np.testing.assert_allclose(xc.cross_entropy(BATCH, TARGETS, reduction="none"),
                               [LN_4_3, LN4], rtol=REL)


def test_weighted_nll_loss_on_hand_written_log_probabilities():
    # log p = [[ln 0.75, ln 0.25], [ln 0.75, ln 0.25]], same numbers as cross_entropy above.
    log_probs = [[-LN_4_3, -LN4], [-LN_4_3, -LN4]]
    loss = xc.nll_loss(log_probs, TARGETS, weight=CLASS_WEIGHTS)
    assert float(loss) == pytest.approx(1.1116412889528632, rel=REL)


# ------------------------------------------------------------------------- ignore_index


def test_ignored_example_is_dropped_from_the_mean():
    # targets [0, ignored, 1]: mean over the two kept examples = (l0 + l1) / 2
    logits = [THREE_TO_ONE, [50.0, -50.0], THREE_TO_ONE]
    targets = [0, -100, 1]
    assert float(xc.cross_entropy(logits, targets)) == pytest.approx(0.8369882167858358,
                                                                     rel=REL)
    assert float(xc.cross_entropy(logits, targets, reduction="sum")) == pytest.approx(
        1.6739764335716715, rel=REL
    )
    np.testing.assert_allclose(xc.cross_entropy(logits, targets, reduction="none"),
                               [LN_4_3, 0.0, LN4], rtol=REL)


def test_ignored_example_is_dropped_from_the_weighted_mean_too():
    # targets [0, ignored, 1], weight [1, 3]: (1 * l0 + 3 * l1) / (1 + 3); the ignored
    # example's weight is not in the denominator.
    logits = [THREE_TO_ONE, THREE_TO_ONE, THREE_TO_ONE]
    loss = xc.cross_entropy(logits, [0, 7, 1], weight=CLASS_WEIGHTS, ignore_index=7)
    assert float(loss) == pytest.approx(1.1116412889528632, rel=REL)


def test_every_example_ignored_gives_nan_for_the_mean_and_zero_for_the_sum():
    # 0 / 0 for 'mean' (as in PyTorch); an empty sum for 'sum'.
    assert math.isnan(float(xc.cross_entropy(BATCH, [-100, -100])))
    assert float(xc.cross_entropy(BATCH, [-100, -100], reduction="sum")) == 0.0


# --------------------------------------------------------------------- probability targets


def test_probability_targets_with_weights_divide_by_n_not_by_the_weights():
    # weight [1, 3]
    # row 0: logits [ln 3, 0], q = [0.5, 0.5]: 1 * 0.5 * ln(4/3) + 3 * 0.5 * ln 4
    #        = 0.14384103622589047 + 2.0794415416798359 = 2.2232825779057264
    # row 1: logits [0, 0], q = [1, 0]: 1 * 1 * ln 2 = 0.6931471805599453
    # mean = (2.2232825779057264 + 0.6931471805599453) / 2 (N = 2, PyTorch's rule)
    logits = [THREE_TO_ONE, EVEN]
    q = [[0.5, 0.5], [1.0, 0.0]]
    np.testing.assert_allclose(
        xc.cross_entropy(logits, q, weight=CLASS_WEIGHTS, reduction="none"),
        [2.2232825779057264, 0.6931471805599453], rtol=REL,
    )
    assert float(xc.cross_entropy(logits, q, weight=CLASS_WEIGHTS)) == pytest.approx(
        1.4582148792328359, rel=REL
    )
    assert float(xc.cross_entropy(logits, q, weight=CLASS_WEIGHTS, reduction="sum")) == (
        pytest.approx(2.9164297584656717, rel=REL)
    )


def test_one_hot_probability_target_equals_the_class_index():
    # q = [0, 1] is class 1: loss = ln 4
    assert float(xc.cross_entropy([THREE_TO_ONE], [[0.0, 1.0]])) == pytest.approx(LN4, rel=REL)


# ------------------------------------------------------------------------------ gradients


def test_gradient_of_an_even_prediction_is_p_minus_one_hot():
    # p = [0.5, 0.5], one_hot = [1, 0]
    np.testing.assert_allclose(xc.cross_entropy_grad(EVEN, 0), [-0.5, 0.5], rtol=REL)


def test_gradient_with_label_smoothing_uses_the_smoothed_target():
    # target [0.9, 0.1]: p - target = [0.5 - 0.9, 0.5 - 0.1]
    np.testing.assert_allclose(xc.cross_entropy_grad(EVEN, 0, label_smoothing=0.2),
                               [-0.4, 0.4], rtol=REL)


def test_weighted_mean_gradient_scales_each_row_by_its_weight_over_the_total():
    # row 0: w = 1, p - one_hot = [0.75 - 1, 0.25]     → / 4 → [-0.0625, 0.0625]
    # row 1: w = 3, p - one_hot = [0.75, 0.25 - 1] × 3 → / 4 → [0.5625, -0.5625]
    grad = xc.cross_entropy_grad(BATCH, TARGETS, weight=CLASS_WEIGHTS)
    np.testing.assert_allclose(grad, [[-0.0625, 0.0625], [0.5625, -0.5625]], rtol=REL)


def test_ignored_example_gets_no_gradient():
    # rows 0 and 2 are kept; 'mean' divides by 2: [-0.25, 0.25] / 2 and [0.75, -0.75] / 2
    grad = xc.cross_entropy_grad([THREE_TO_ONE, EVEN, THREE_TO_ONE], [0, -100, 1])
    np.testing.assert_allclose(grad, [[-0.125, 0.125], [0.0, 0.0], [0.375, -0.375]], rtol=REL)


# The five-class slide, building = -0.156:
#   e^x = [0.114177616910836, 0.195929574126909, 0.0639278612067076, 10.913493943042,
#          0.855559190371018], sum = 12.1430881856574
#   p = e^x / sum
SLIDE = [-2.17, -1.63, -2.75, 2.39, -0.156]
SLIDE_P = [0.00940268366375656, 0.0161350696899597, 0.00526454722466848, 0.898741224323168,
           0.0704564750984469]


def test_slide_gradient_written_out():
    # target fish (3): grad = p - [0, 0, 0, 1, 0]
    expected = [0.00940268366375656, 0.0161350696899597, 0.00526454722466848,
                0.898741224323168 - 1.0, 0.0704564750984469]
    np.testing.assert_allclose(xc.cross_entropy_grad(SLIDE, 3), expected, rtol=1e-12)
    np.testing.assert_allclose(xc.softmax(SLIDE), SLIDE_P, rtol=1e-12)
    # loss = -ln 0.898741224323168
    assert float(xc.cross_entropy(SLIDE, 3)) == pytest.approx(0.10676013430813362, rel=1e-12)


def test_slide_gradient_sums_to_zero():
    # sum_j (p_j - one_hot_j) = 1 - 1
    assert float(np.sum(xc.cross_entropy_grad(SLIDE, 3))) == pytest.approx(0.0, abs=1e-15)


# -------------------------------------------------------------------- binary cross-entropy


def test_binary_cross_entropy_by_hand():
    # (-ln 0.9 - ln(1 - 0.2)) / 2 = (0.10536051565782628 + 0.2231435513142097) / 2
    loss = xc.binary_cross_entropy([0.9, 0.2], [1.0, 0.0])
    assert float(loss) == pytest.approx(0.164252033486018, rel=REL)


def test_binary_cross_entropy_clamps_log_zero_at_minus_100():
    # p = 0 with y = 1: -max(ln 0, -100) = 100
    assert float(xc.binary_cross_entropy([0.0], [1.0])) == 100.0


def test_binary_cross_entropy_with_logits_pos_weight_by_hand():
    # x = 0 (sigmoid 0.5), y = 1, pos_weight 3: -3 ln 0.5 = 3 ln 2
    loss = xc.binary_cross_entropy_with_logits([0.0], [1.0], pos_weight=[3.0])
    assert float(loss) == pytest.approx(2.0794415416798357, rel=REL)
    # y = 0 ignores pos_weight: -ln(1 - 0.5) = ln 2
    loss = xc.binary_cross_entropy_with_logits([0.0], [0.0], pos_weight=[3.0])
    assert float(loss) == pytest.approx(LN2, rel=REL)


def test_binary_cross_entropy_with_logits_of_ln_3_by_hand():
    # x = ln 3: sigmoid = 3/4. y = 1: ln(4/3); y = 0: ln 4; weight [2, 1]: mean of [2 l0, l1]
    x = [math.log(3.0), math.log(3.0)]
    loss = xc.binary_cross_entropy_with_logits(x, [1.0, 0.0], weight=[2.0, 1.0],
                                               reduction="none")
    np.testing.assert_allclose(loss, [2 * LN_4_3, LN4], rtol=REL)
