"""Bad input to the lessons 5-8 engine and lesson functions raises ValueError with a sentence a
learner can act on: each test checks the message names the argument and what was given or what
is allowed (the style of test_bad_input.py)."""

from __future__ import annotations

import pytest
from bad_input_helpers import assert_mentions, message_of

import xent_core as xc
from xent_core.lessons import overflow, sigmoid_or_softmax, soft_labels, why_not_mse

NAN = float("nan")
INF = float("inf")


ENGINE = [
    pytest.param(lambda: xc.mse_loss([1.0, 2.0], [1.0, 2.0, 3.0]),
                 ["input", "target", "same shape", "(2,)", "(3,)"], id="mse_shapes"),
    pytest.param(lambda: xc.mse_loss([1.0, NAN], [1.0, 2.0]), ["input", "NaN", "position 1"],
                 id="mse_nan"),
    pytest.param(lambda: xc.mse_loss([], []), ["input", "empty"], id="mse_empty"),
    pytest.param(lambda: xc.mse_loss([1.0, 2.0], [1.0, 2.0], weight=[1.0]),
                 ["input", "weight", "(2,)", "(1,)"], id="mse_weight_shape"),
    pytest.param(lambda: xc.mse_loss([1.0, 2.0], [1.0, 2.0], weight=[1.0, -2.0]),
                 ["weight", "zero or positive", "-2"], id="mse_weight_negative"),
    pytest.param(lambda: xc.mse_loss([1.0], [1.0], reduction="avg"), ["reduction", "'avg'"],
                 id="mse_reduction"),
    pytest.param(lambda: xc.multi_margin_loss([[1.0, 2.0]], [2]),
                 ["target 2", "not a class", "0 to 1"], id="hinge_target_out_of_range"),
    pytest.param(lambda: xc.multi_margin_loss([[1.0, 2.0]], [-100]),
                 ["target -100", "not a class"], id="hinge_has_no_ignore_index"),
    pytest.param(lambda: xc.multi_margin_loss([[1.0, 2.0]], [0], p=3), ["p", "1", "2", "got 3"],
                 id="hinge_p"),
    pytest.param(lambda: xc.multi_margin_loss([[1.0, 2.0]], [0], margin=INF),
                 ["margin", "finite", "inf"], id="hinge_margin_inf"),
    pytest.param(lambda: xc.multi_margin_loss([[1.0, 2.0]], [0], margin="wide"),
                 ["margin", "number", "'wide'"], id="hinge_margin_text"),
    pytest.param(lambda: xc.multi_margin_loss([[1.0, 2.0]], [0], weight=[1.0]),
                 ["weight", "one entry per class", "(2,)", "(1,)"], id="hinge_weight"),
    pytest.param(lambda: xc.multi_margin_loss_grad([[1.0, INF]], [0]),
                 ["input", "infinite", "row 0, column 1"], id="hinge_grad_inf"),
    pytest.param(lambda: xc.softmax_backward([0.5, 0.5], [1.0]),
                 ["probabilities", "grad_probabilities", "(2,)", "(1,)"], id="backward_shapes"),
    pytest.param(lambda: xc.kl_div([[0.0, 0.0]], [[0.5, 0.5]], reduction="avg"),
                 ["reduction", "batchmean", "'avg'"], id="kl_div_reduction"),
    pytest.param(lambda: xc.kl_div([[0.0, 0.0]], [[0.5, 1.5]]),
                 ["target", "probabilities", "above 1", "1.5"], id="kl_div_target_above_one"),
    pytest.param(lambda: xc.kl_div([[0.0, 0.0]], [[0.5, 0.2]], log_target=True),
                 ["target", "log-probabilities", "log_target", "0.5"], id="kl_div_log_target"),
    pytest.param(lambda: xc.kl_div([[NAN, 0.0]], [[0.5, 0.5]]),
                 ["input", "NaN", "row 0, column 0"], id="kl_div_nan"),
    pytest.param(lambda: xc.kl_div([[INF, 0.0]], [[0.5, 0.5]]), ["input", "infinite"],
                 id="kl_div_plus_inf"),
    pytest.param(lambda: xc.kl_div([[0.0, 0.0]], [0.5, 0.5, 0.0]),
                 ["input", "target", "(1, 2)", "(3,)"], id="kl_div_shapes"),
    pytest.param(lambda: xc.entropy([0.5, -0.5]), ["probabilities", "negative", "-0.5"],
                 id="entropy_negative"),
    pytest.param(lambda: xc.entropy([[[0.5]]]), ["probabilities", "(C,)", "(1, 1, 1)"],
                 id="entropy_3d"),
    pytest.param(lambda: xc.kl_divergence([0.5, 0.5], [1.0]),
                 ["target", "probabilities", "(2,)", "(1,)"], id="kl_shapes"),
    pytest.param(lambda: xc.softmax_by_hand([1.0, 2.0], "int8"),
                 ["dtype", "float16", "float32", "float64", "'int8'"], id="dtype_int8"),
    pytest.param(lambda: xc.log_softmax_fused([1.0, NAN], "float16"),
                 ["logits", "NaN", "position 1"], id="routes_nan"),
    pytest.param(lambda: xc.log_of_softmax_grad([1.0, 2.0], 5), ["target 5", "not a class"],
                 id="routes_target"),
    pytest.param(lambda: xc.reliability_bins([[0.5, 0.5]], [0], n_bins=0),
                 ["n_bins", "whole number", "got 0"], id="bins_zero"),
    pytest.param(lambda: xc.reliability_bins([[1.5, -0.5]], [0]),
                 ["probabilities", "between 0 and 1", "softmax"], id="bins_not_probabilities"),
    pytest.param(lambda: xc.reliability_bins([0.5, 0.5], [0]),
                 ["probabilities", "(N, C)", "(2,)"], id="bins_not_a_batch"),
    pytest.param(lambda: xc.fit_temperature([[1.0, 2.0]], [0], bounds=(2.0, 1.0)),
                 ["bounds", "lowest < highest"], id="fit_bounds"),
    pytest.param(lambda: xc.fit_temperature([[1.0, 2.0]], [3]), ["target 3", "not a class"],
                 id="fit_labels"),
    pytest.param(lambda: xc.calibration([[1.0, 2.0]], [0], temperature=0),
                 ["temperature", "positive"], id="calibration_temperature"),
]

LESSONS = [
    pytest.param(lambda: why_not_mse([1.0], 0), ["why_not_mse", "two logits"], id="mse_one_class"),
    pytest.param(lambda: why_not_mse([1.0, 2.0], 2), ["target 2", "0 to 1"], id="mse_target"),
    pytest.param(lambda: why_not_mse([1.0, 2.0], 0, lr=-1), ["learning rate", "positive"],
                 id="mse_lr"),
    pytest.param(lambda: why_not_mse([1.0, 2.0], 0, steps=1000), ["steps", "0 to 500", "1000"],
                 id="mse_steps_many"),
    pytest.param(lambda: why_not_mse([1.0, 2.0], 0, steps=2.5), ["steps", "whole number", "2.5"],
                 id="mse_steps_fraction"),
    pytest.param(lambda: why_not_mse([[1.0, 2.0]], 0), ["why_not_mse", "one example", "(1, 2)"],
                 id="mse_batch"),
    pytest.param(lambda: sigmoid_or_softmax([1.0, 2.0], {5}), ["label 5", "not a class", "0 to 1"],
                 id="sig_label"),
    pytest.param(lambda: sigmoid_or_softmax([1.0, 2.0], "cat"), ["labels", "set", "'cat'"],
                 id="sig_labels_text"),
    pytest.param(lambda: sigmoid_or_softmax([1.0, 2.0], {0.5}), ["labels", "whole-number", "0.5"],
                 id="sig_label_fraction"),
    pytest.param(lambda: sigmoid_or_softmax([1.0, 2.0], ["dog"]), ["labels", "'dog'"],
                 id="sig_label_text"),
    pytest.param(lambda: sigmoid_or_softmax([1.0, 2.0], {0}, pos_weight=[1.0, 2.0, 3.0]),
                 ["pos_weight", "one per class", "(2,)", "(3,)"], id="sig_pos_weight_shape"),
    pytest.param(lambda: sigmoid_or_softmax([1.0, 2.0], {0}, pos_weight=-1),
                 ["pos_weight", "zero or positive"], id="sig_pos_weight_negative"),
    pytest.param(lambda: sigmoid_or_softmax([1.0, 2.0], {0}, pair=(0, 0)),
                 ["pair", "two different classes"], id="sig_pair"),
    pytest.param(lambda: sigmoid_or_softmax([1.0, 2.0], {0}, log_base="3"),
                 ["log base", "'3'"], id="sig_base"),
    pytest.param(lambda: overflow([1.0, 2.0], 0, shift=1e9), ["shift", "30000"],
                 id="overflow_shift_far"),
    pytest.param(lambda: overflow([1.0, 2.0], 0, shift=INF), ["shift", "inf"],
                 id="overflow_shift_inf"),
    pytest.param(lambda: overflow([1.0, 2.0], 0, shift="x"), ["shift", "number", "'x'"],
                 id="overflow_shift_text"),
    pytest.param(lambda: overflow([1.0, 2e5], 0), ["logits", "30000", "65504", "200000"],
                 id="overflow_logit_beyond_float16"),
    pytest.param(lambda: overflow([1.0, 2.0], 3), ["target 3", "not a class"],
                 id="overflow_target"),
    pytest.param(lambda: soft_labels([1.0, 2.0], [0.5, 0.6]), ["target", "add up to 1", "1.1"],
                 id="soft_target_sum"),
    pytest.param(lambda: soft_labels([1.0, 2.0], [0.5, 0.3, 0.2]),
                 ["target", "one probability per class", "(2,)", "(3,)"], id="soft_target_shape"),
    pytest.param(lambda: soft_labels([1.0, 2.0], 7), ["target", "class 0 to 1", "7"],
                 id="soft_target_class"),
    pytest.param(lambda: soft_labels([1.0, 2.0], "fish"), ["target", "class", "'fish'"],
                 id="soft_target_text"),
    pytest.param(lambda: soft_labels([1.0, 2.0], True), ["target", "class", "True"],
                 id="soft_target_bool"),
    pytest.param(lambda: soft_labels([1.0, 2.0], 0, label_smoothing=2),
                 ["label_smoothing", "between 0", "2"], id="soft_smoothing"),
    pytest.param(lambda: soft_labels([1.0, 2.0], 0, temperature=0), ["temperature", "positive"],
                 id="soft_temperature"),
    pytest.param(lambda: soft_labels([1.0, 2.0], 0, calibration_temperature=-1),
                 ["temperature", "positive", "-1"], id="soft_calibration_temperature"),
    pytest.param(lambda: soft_labels([1.0, 2.0], 0, n_bins=0), ["n_bins", "1 to 100"],
                 id="soft_bins"),
    pytest.param(lambda: soft_labels([1.0, 2.0], 0, n_bins="ten"), ["n_bins", "'ten'"],
                 id="soft_bins_text"),
    pytest.param(lambda: why_not_mse([1.0, 2.0], 0, steps=None), ["steps", "None"],
                 id="mse_steps_none"),
    pytest.param(lambda: why_not_mse([1.0, 2.0], 0, steps=float("nan")), ["steps", "nan"],
                 id="mse_steps_nan"),
]


@pytest.mark.parametrize(("call", "words"), ENGINE)
def test_engine_functions_explain_bad_input(call, words):
    assert_mentions(message_of(call), *words)


@pytest.mark.parametrize(("call", "words"), LESSONS)
def test_lesson_functions_explain_bad_input(call, words):
    assert_mentions(message_of(call), *words)


def test_kl_div_accepts_a_target_that_does_not_sum_to_one_as_pytorch_does():
    assert float(xc.kl_div([[0.0, 0.0]], [[0.5, 0.7]], reduction="sum")) == pytest.approx(
        0.5 * (-0.6931471805599453) + 0.7 * (-0.35667494393873245), rel=1e-14)
