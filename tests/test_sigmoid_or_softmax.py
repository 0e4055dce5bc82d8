"""Lesson 6 · Sigmoid or softmax? One set of scores read both ways; the two-class identity; BCE on
probabilities against BCE with logits, and pos_weight."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import xent_core as xc
from xent_core.lessons import sigmoid_or_softmax
from xent_core.lessons.sigmoid_or_softmax import NAIVE_SIGMOID_ROUNDS_TO_ONE, PRESETS

REL = 1e-12


def test_cat_and_dog_both_true_read_both_ways():
    logits, labels = PRESETS["cat and dog"]
    view = sigmoid_or_softmax(logits, labels)
    assert view.labels == (0, 1) and not view.one_true_class
    np.testing.assert_array_equal(view.multi_hot, [1.0, 1.0, 0.0, 0.0])
    np.testing.assert_allclose(view.softmax_target, [0.5, 0.5, 0.0, 0.0])
    assert view.softmax_loss == pytest.approx(
        float(xc.cross_entropy(logits, view.softmax_target)), rel=REL)
    np.testing.assert_allclose(view.softmax_probabilities, xc.softmax(logits), rtol=REL)
    assert view.softmax_probabilities.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(view.sigmoid_probabilities, xc.sigmoid(logits), rtol=REL)
    assert view.sigmoid_sum > 1.0  # two yes-answers: the sigmoids need not sum to 1
    assert view.bce == pytest.approx(
        float(xc.binary_cross_entropy_with_logits(logits, view.multi_hot)), rel=REL)
    np.testing.assert_allclose(view.bce_grad, (xc.sigmoid(logits) - view.multi_hot) / 4)


def test_one_true_class_is_plain_cross_entropy():
    logits, labels = PRESETS["just a car"]
    view = sigmoid_or_softmax(logits, labels)
    assert view.one_true_class
    assert view.softmax_loss == pytest.approx(float(xc.cross_entropy(logits, 2)), rel=REL)
    np.testing.assert_allclose(view.softmax_grad, xc.cross_entropy_grad(logits, 2), rtol=REL)


def test_no_label_has_no_softmax_loss_but_a_bce():
    view = sigmoid_or_softmax(*PRESETS["nothing there"])
    assert view.labels == () and view.softmax_loss is None and view.softmax_target is None
    # every class says "no": BCE = mean of -log(1 - sigmoid(z)) = mean softplus(z)
    expected = np.mean(np.log1p(np.exp(np.asarray(PRESETS["nothing there"][0]))))
    assert view.bce == pytest.approx(expected, rel=REL)


def test_two_class_softmax_is_the_sigmoid_of_the_difference_hand_values():
    # z = [ln 3, 0]: softmax gives 3/4 and sigmoid(ln 3) = 1 / (1 + 1/3) = 3/4.
    view = sigmoid_or_softmax([math.log(3.0), 0.0, 5.0], {0})
    assert view.pair_softmax == pytest.approx(0.75, rel=1e-15)
    assert view.pair_sigmoid == pytest.approx(0.75, rel=1e-15)


@settings(max_examples=60, deadline=None)
@given(st.floats(-700.0, 700.0), st.floats(-700.0, 700.0))
def test_two_class_softmax_equals_sigmoid_of_the_difference(z1, z2):
    view = sigmoid_or_softmax([z1, z2], {0})
    assert view.pair_softmax == pytest.approx(view.pair_sigmoid, rel=1e-12, abs=1e-300)
    assert float(xc.softmax([z1, z2])[0]) == pytest.approx(float(xc.sigmoid(z1 - z2)),
                                                            rel=1e-12, abs=1e-300)


def test_the_naive_bce_breaks_once_sigmoid_rounds_to_one():
    assert pytest.approx(36.7368005696771, rel=1e-12) == NAIVE_SIGMOID_ROUNDS_TO_ONE
    view = sigmoid_or_softmax([40.0, 2.0, -3.0], set())
    # class 0 says "yes" with score 40 but the label is "no": the true loss is about 40,
    # the naive route hits log(1 - 1) and PyTorch's clamp gives 100.
    assert view.bce_terms[0] == pytest.approx(40.0, rel=1e-12)
    assert view.bce_naive_terms[0] == 100.0
    np.testing.assert_array_equal(view.naive_breaks, [True, False, False])
    np.testing.assert_allclose(view.bce_naive_terms[1:], view.bce_terms[1:], rtol=1e-9)


def test_the_sweep_shows_where_the_naive_route_leaves_the_stable_one():
    view = sigmoid_or_softmax([0.0, 0.0], {0})
    x = view.sweep_logits
    np.testing.assert_allclose(view.sweep_stable_negative, x + np.log1p(np.exp(-x)), rtol=1e-12)
    beyond = x > NAIVE_SIGMOID_ROUNDS_TO_ONE
    assert (view.sweep_naive_negative[beyond] == 100.0).all()
    safe = np.abs(x) < 20
    np.testing.assert_allclose(view.sweep_naive_negative[safe], view.sweep_stable_negative[safe],
                               rtol=1e-6)
    np.testing.assert_allclose(view.sweep_naive_positive[safe], view.sweep_stable_positive[safe],
                               rtol=1e-6)


def test_pos_weight_scales_only_the_positive_term():
    logits = [0.5, -1.0, 2.0]
    view = sigmoid_or_softmax(logits, {0, 2}, pos_weight=[3.0, 2.0, 1.0])
    # class 0 is positive: 3 × -log σ(0.5); class 1 negative: unchanged; class 2: weight 1.
    np.testing.assert_allclose(view.bce_weighted_terms,
                               [3.0 * view.bce_terms[0], view.bce_terms[1], view.bce_terms[2]],
                               rtol=1e-12)
    assert view.bce_weighted == pytest.approx(float(xc.binary_cross_entropy_with_logits(
        logits, [1.0, 0.0, 1.0], pos_weight=[3.0, 2.0, 1.0])), rel=REL)


@pytest.mark.parametrize("base", ["2", "10"])
def test_every_loss_is_in_the_chosen_log_base(base):
    nats = sigmoid_or_softmax(*PRESETS["cat and dog"])
    other = sigmoid_or_softmax(*PRESETS["cat and dog"], log_base=base)
    ln_b = math.log(float(base))
    for name in ("softmax_loss", "bce", "bce_naive", "bce_weighted"):
        assert getattr(other, name) == pytest.approx(getattr(nats, name) / ln_b, rel=REL), name
    np.testing.assert_allclose(other.sweep_stable_positive, nats.sweep_stable_positive / ln_b)


def test_torch_agrees_with_both_readings():
    torch = pytest.importorskip(
        "torch", reason="PyTorch is not installed: the live comparison of lesson 6 is skipped")
    logits, labels = PRESETS["cat and dog"]
    view = sigmoid_or_softmax(logits, labels, pos_weight=2.0)
    z = torch.tensor([logits], dtype=torch.float64)
    y = torch.tensor(view.multi_hot[None, :])
    F = torch.nn.functional
    assert view.bce == pytest.approx(F.binary_cross_entropy_with_logits(z, y).item(), rel=1e-12)
    assert view.bce_weighted == pytest.approx(F.binary_cross_entropy_with_logits(
        z, y, pos_weight=torch.full((4,), 2.0, dtype=torch.float64)).item(), rel=1e-12)
    assert view.softmax_loss == pytest.approx(
        F.cross_entropy(z, torch.tensor(view.softmax_target[None, :])).item(), rel=1e-12)


def test_a_car_score_of_40_breaks_the_naive_bce_on_the_car_only():
    # sigmoid(40) rounds to exactly 1, so BCE(sigmoid(40), 0) = -log(1 - 1) hits PyTorch's clamp
    # at -100, while binary_cross_entropy_with_logits gives softplus(40) = 40 + log1p(e^-40).
    view = sigmoid_or_softmax(*PRESETS["car score of 40"])
    assert view.labels == (0,)
    np.testing.assert_array_equal(view.naive_breaks, [False, False, True, False])
    assert view.bce_naive_terms[2] == pytest.approx(100.0, rel=REL)
    assert view.bce_terms[2] == pytest.approx(40.0 + math.log1p(math.exp(-40.0)), rel=REL)
    assert view.bce_naive > view.bce + 14  # (100 - 40) / 4 classes
