"""Bad input raises ValueError with a sentence a learner can act on.

The app prints these messages next to the input box, so each test checks that the message
names the argument and shows what was given (or what is allowed), not just that it raises.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from bad_input_helpers import assert_mentions, message_of

import xent_core as xc

NAN = float("nan")
INF = float("inf")


# ------------------------------------------------------------------- NaN and infinity


@pytest.mark.parametrize(
    ("call", "words"),
    [
        pytest.param(lambda: xc.softmax([1.0, NAN, 2.0]), ["logits", "NaN", "position 1"],
                     id="softmax_nan"),
        pytest.param(lambda: xc.log_softmax([1.0, 2.0, INF]), ["logits", "infinite", "inf",
                                                               "position 2"],
                     id="log_softmax_inf"),
        pytest.param(lambda: xc.logsumexp([-INF, 0.0]), ["logits", "infinite", "-inf",
                                                         "position 0"],
                     id="logsumexp_minus_inf"),
        pytest.param(lambda: xc.cross_entropy([[1.0, 2.0], [3.0, INF]], [0, 1]),
                     ["logits", "infinite", "row 1, column 1"], id="cross_entropy_inf_2d"),
        pytest.param(lambda: xc.cross_entropy_grad([[NAN, 2.0]], [0]),
                     ["logits", "NaN", "row 0, column 0"], id="grad_nan"),
        pytest.param(lambda: xc.sigmoid([0.0, NAN]), ["x", "NaN", "position 1"],
                     id="sigmoid_nan"),
        pytest.param(lambda: xc.nll_loss([[NAN, 0.0]], [0]), ["log_probs", "NaN"],
                     id="nll_nan"),
        pytest.param(lambda: xc.nll_loss([[INF, 0.0]], [0]), ["log_probs", "infinite"],
                     id="nll_plus_inf"),
        pytest.param(lambda: xc.binary_cross_entropy_with_logits([INF], [1.0]),
                     ["logits", "infinite"], id="bce_logits_inf"),
        pytest.param(lambda: xc.explain([0.0, NAN], 0), ["logits", "NaN", "position 1"],
                     id="explain_nan"),
    ],
)
def test_nan_and_infinite_values_are_named_with_their_position(call, words):
    assert_mentions(message_of(call), *words)


# ------------------------------------------------------------------------------ targets


def test_target_with_the_wrong_number_of_examples_says_both_shapes():
    message = message_of(lambda: xc.cross_entropy([[1.0, 2.0], [3.0, 4.0]], [0, 1, 1]))
    assert_mentions(message, "target", "(2,)", "(3,)")


def test_one_example_needs_a_single_target():
    message = message_of(lambda: xc.cross_entropy([1.0, 2.0, 3.0], [0, 1]))
    assert_mentions(message, "target", "single class index", "(2,)")


@pytest.mark.parametrize("bad", [3, -1, 10])
def test_target_out_of_range_says_the_valid_range(bad):
    message = message_of(lambda: xc.cross_entropy([[1.0, 2.0, 3.0]], [bad]))
    assert_mentions(message, f"target {bad}", "3 classes", "0 to 2", "ignore_index")


def test_target_out_of_range_in_nll_loss_too():
    message = message_of(lambda: xc.nll_loss([[-0.1, -2.4]], [2]))
    assert_mentions(message, "target 2", "0 to 1")


def test_non_whole_float_target_is_rejected():
    message = message_of(lambda: xc.cross_entropy([[1.0, 2.0, 3.0]], [1.5]))
    assert_mentions(message, "target", "whole-number", "1.5", "0 to 2")


def test_whole_number_float_target_is_accepted():
    assert float(xc.cross_entropy([[0.0, 0.0]], [1.0])) == pytest.approx(math.log(2))


def test_text_target_is_rejected():
    assert_mentions(message_of(lambda: xc.cross_entropy([1.0, 2.0], "abc")), "target", "'abc'")


def test_true_false_target_is_rejected():
    assert_mentions(message_of(lambda: xc.cross_entropy([1.0, 2.0], True)), "target",
                    "True/False")


def test_explain_refuses_ignore_index():
    assert_mentions(message_of(lambda: xc.explain([1.0, 2.0], -100)), "target", "ignore_index")


# ------------------------------------------------------------------------------ logits


def test_text_logits_are_rejected():
    assert_mentions(message_of(lambda: xc.softmax("abc")), "logits", "numbers", "'abc'")


def test_a_list_with_text_in_it_is_rejected():
    assert_mentions(message_of(lambda: xc.softmax([1.0, "two"])), "logits", "not a number",
                    "'two'")


def test_empty_logits_are_rejected():
    assert_mentions(message_of(lambda: xc.softmax([])), "logits", "no classes")
    assert_mentions(message_of(lambda: xc.softmax(np.zeros((0, 3)))), "logits", "no examples")


def test_three_dimensional_logits_are_rejected_with_their_shape():
    message = message_of(lambda: xc.cross_entropy(np.zeros((2, 3, 4)), [0, 1]))
    assert_mentions(message, "logits", "(C,)", "(N, C)", "3 dimensions", "(2, 3, 4)")


def test_three_dimensional_log_probs_are_rejected_by_nll_loss():
    message = message_of(lambda: xc.nll_loss(np.zeros((1, 1, 1)), [0]))
    assert_mentions(message, "log_probs", "(N, C)", "(1, 1, 1)")


def test_explain_takes_one_example():
    assert_mentions(message_of(lambda: xc.explain([[1.0, 2.0]], 0)), "explain", "(C,)",
                    "(1, 2)")


# ------------------------------------------------------------------------------ options


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda: xc.cross_entropy([1.0, 2.0], 0, reduction="avg"), id="ce"),
        pytest.param(lambda: xc.cross_entropy_grad([1.0, 2.0], 0, reduction="avg"), id="grad"),
        pytest.param(lambda: xc.nll_loss([-0.1, -2.4], 0, reduction="avg"), id="nll"),
        pytest.param(lambda: xc.binary_cross_entropy([0.5], [1.0], reduction="avg"), id="bce"),
    ],
)
def test_unknown_reduction_lists_the_choices(call):
    assert_mentions(message_of(call), "reduction", "'mean'", "'sum'", "'none'", "'avg'")


@pytest.mark.parametrize(("temperature", "shown"), [(0, "0"), (-1.5, "-1.5"), (NAN, "nan"),
                                                    (INF, "inf")])
def test_temperature_must_be_positive_and_finite(temperature, shown):
    message = message_of(lambda: xc.softmax([1.0, 2.0], temperature=temperature))
    assert_mentions(message, "temperature", "positive", f"got {shown}")


@pytest.mark.parametrize("fn", [xc.log_softmax, xc.softmax])
def test_temperature_must_be_a_number(fn):
    assert_mentions(message_of(lambda: fn([1.0, 2.0], temperature="hot")), "temperature",
                    "'hot'")


@pytest.mark.parametrize(("temperature", "shown"), [(0, "0"), ("hot", "'hot'")])
def test_explain_checks_temperature_before_dividing_by_it(temperature, shown):
    # No divide-by-zero RuntimeWarning (or TypeError) first: just the learner's sentence.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        message = message_of(lambda: xc.explain([1.0, 2.0], 0, temperature=temperature))
    assert_mentions(message, "temperature", f"got {shown}")


@pytest.mark.parametrize(("smoothing", "shown"), [(1.5, "1.5"), (-0.1, "-0.1")])
def test_label_smoothing_must_be_between_0_and_1(smoothing, shown):
    message = message_of(lambda: xc.cross_entropy([1.0, 2.0], 0, label_smoothing=smoothing))
    assert_mentions(message, "label_smoothing", "between 0", "1", shown)


def test_weight_with_the_wrong_shape_says_how_many_classes():
    message = message_of(lambda: xc.cross_entropy([1.0, 2.0], 0, weight=[1.0, 2.0, 3.0]))
    assert_mentions(message, "weight", "one entry per class", "(2,)", "(3,)")


def test_negative_weight_is_rejected_and_shown():
    message = message_of(lambda: xc.cross_entropy([1.0, 2.0], 0, weight=[1.0, -2.0]))
    assert_mentions(message, "weight", "positive", "-2")


def test_negative_weight_in_bce_is_rejected():
    message = message_of(
        lambda: xc.binary_cross_entropy_with_logits([0.2, 0.3], [1.0, 0.0], weight=[-1.0, 1.0])
    )
    assert_mentions(message, "weight", "positive")


def test_pos_weight_that_does_not_broadcast_is_rejected():
    message = message_of(
        lambda: xc.binary_cross_entropy_with_logits([0.2, 0.3], [1.0, 0.0],
                                                    pos_weight=[1.0, 1.0, 1.0])
    )
    assert_mentions(message, "pos_weight", "(3,)", "(2,)")


# ------------------------------------------------------------------ probability targets


def test_negative_probability_target_is_rejected():
    message = message_of(lambda: xc.cross_entropy([[1.0, 2.0]], [[1.5, -0.5]]))
    assert_mentions(message, "target", "probabilities", "negative", "-0.5")


def test_probability_target_must_sum_to_one():
    message = message_of(lambda: xc.cross_entropy([[1.0, 2.0]], [[0.5, 0.6]]))
    assert_mentions(message, "target", "sum to 1", "1.1")


def test_hand_typed_thirds_count_as_summing_to_one():
    q = [[0.333333, 0.333333, 0.333334]]
    assert float(xc.cross_entropy([[0.0, 0.0, 0.0]], q)) == pytest.approx(math.log(3))


# ------------------------------------------------------------------- binary cross-entropy


@pytest.mark.parametrize(("probs", "words"), [([1.2], ["above 1", "1.2"]),
                                              ([-0.2], ["negative", "-0.2"])])
def test_bce_probabilities_must_lie_between_0_and_1(probs, words):
    message = message_of(lambda: xc.binary_cross_entropy(probs, [1.0]))
    assert_mentions(message, "probs", "between 0 and 1", *words)


def test_bce_target_must_lie_between_0_and_1():
    message = message_of(lambda: xc.binary_cross_entropy([0.2], [2.0]))
    assert_mentions(message, "target", "above 1", "2")


def test_bce_shapes_must_match():
    message = message_of(lambda: xc.binary_cross_entropy([0.2, 0.3], [1.0]))
    assert_mentions(message, "target", "same shape", "(2,)", "(1,)")


# ---------------------------------------------------------------- spreadsheet and log base


@pytest.mark.parametrize("base", ["3", "ln", "log2", 3])
def test_unknown_log_base_lists_the_choices(base):
    message = message_of(lambda: xc.get_log_base(base))
    assert_mentions(message, "log base", "'e'", "'2'", "'10'", f"got {base!r}")


def test_spreadsheet_with_unknown_log_base_is_rejected():
    message = message_of(lambda: xc.spreadsheet([[0.5, 0.5]], [0], log_base="ln"))
    assert_mentions(message, "log base", "'ln'")


def test_negative_activation_in_the_spreadsheet_explains_num_error():
    message = message_of(lambda: xc.spreadsheet([[0.5, 0.5], [-1.0, 2.0]], [0, 1]))
    assert_mentions(message, "row 1", "negative", "-1", "softmax")


def test_spreadsheet_labels_must_match_the_rows():
    message = message_of(lambda: xc.one_hot_cross_entropy([[0.5, 0.5]], [[1.0, 0.0, 0.0]]))
    assert_mentions(message, "labels", "same shape", "(1, 2)", "(1, 3)")


# ------------------------------------------------------------- valid edges do not raise


def test_minus_infinity_in_log_probs_is_allowed_and_gives_infinite_loss():
    # log(0) = -inf is a legitimate log-probability: the loss is +inf, not an error.
    loss = xc.nll_loss([[0.0, -INF]], [1])
    assert float(loss) == INF
    assert float(xc.nll_loss([[0.0, -INF]], [0])) == 0.0


def test_ignore_index_target_is_not_out_of_range():
    losses = xc.cross_entropy([[1.0, 2.0], [3.0, 4.0]], [-100, 1], reduction="none")
    assert losses[0] == 0.0
    assert losses[1] > 0


def test_custom_ignore_index_outside_the_classes_is_accepted():
    losses = xc.cross_entropy([[1.0, 2.0], [3.0, 4.0]], [255, 0], ignore_index=255,
                              reduction="none")
    assert losses[0] == 0.0


def test_probabilities_of_exactly_0_and_1_are_valid_in_bce():
    assert float(xc.binary_cross_entropy([0.0, 1.0], [0.0, 1.0])) == 0.0


def test_label_smoothing_of_exactly_0_and_1_is_valid():
    assert float(xc.cross_entropy([0.0, 0.0], 0, label_smoothing=0.0)) == pytest.approx(
        math.log(2))
    assert float(xc.cross_entropy([0.0, 0.0], 0, label_smoothing=1.0)) == pytest.approx(
        math.log(2))


def test_screwy_spreadsheet_rows_are_not_an_error():
    assert xc.spreadsheet([[2.0, 3.0]], [1]).screwy


def test_a_single_class_is_valid():
    assert float(xc.cross_entropy([[5.0]], [0])) == 0.0
