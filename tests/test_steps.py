"""Gradient steps and exp amplification (xent_core.steps), checked against torch and algebra."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from torch_helpers import require_torch

from xent_core import cross_entropy, softmax
from xent_core.lessons import FIVE_CLASS_OUTPUTS, FIVE_CLASS_TARGET
from xent_core.steps import (
    amplification,
    exp_ratio,
    gradient_descent,
    gradient_step,
    stable_exp,
)

FISH = FIVE_CLASS_TARGET

logit_vectors = st.lists(st.floats(-20, 20), min_size=2, max_size=10)


def torch_step(logits, target, lr, temperature):
    """The same step with autograd: an independent reference."""
    torch = require_torch()
    x = torch.tensor(logits, dtype=torch.float64, requires_grad=True)
    loss = torch.nn.functional.cross_entropy(x[None] / temperature, torch.tensor([target]))
    loss.backward()
    return (x - lr * x.grad).detach().numpy()


@pytest.mark.parametrize("temperature", [1.0, 0.5, 3.0])
def test_a_gradient_step_matches_torch_autograd(temperature):
    stepped = gradient_step(FIVE_CLASS_OUTPUTS, FISH, lr=0.7, temperature=temperature)
    np.testing.assert_allclose(
        stepped, torch_step(FIVE_CLASS_OUTPUTS, FISH, 0.7, temperature), rtol=1e-12, atol=1e-12
    )


def test_a_step_raises_the_true_logit_and_lowers_all_others():
    before = np.asarray(FIVE_CLASS_OUTPUTS)
    after = gradient_step(before, FISH, lr=1.0)
    change = after - before
    assert change[FISH] > 0
    assert (np.delete(change, FISH) < 0).all()
    assert math.isclose(change.sum(), 0.0, abs_tol=1e-12)  # p − one-hot sums to 0


def test_the_true_logit_rises_by_lr_times_one_minus_p():
    p_fish = softmax(FIVE_CLASS_OUTPUTS)[FISH]
    after = gradient_step(FIVE_CLASS_OUTPUTS, FISH, lr=0.5)
    assert math.isclose(after[FISH] - FIVE_CLASS_OUTPUTS[FISH], 0.5 * (1 - p_fish), rel_tol=1e-12)


def test_the_slide_example_loss_falls_with_every_step():
    descent = gradient_descent(FIVE_CLASS_OUTPUTS, FISH, lr=1.0, steps=20)
    assert descent.logits.shape == (21, 5)
    assert math.isclose(descent.losses[0], 0.1068, abs_tol=5e-5)  # the lesson's loss in nats
    assert (np.diff(descent.losses) < 0).all()


def test_descent_records_the_loss_of_each_set_of_logits():
    descent = gradient_descent([0.0, 1.0, -1.0], 2, lr=2.0, steps=3, temperature=0.5)
    for x, loss in zip(descent.logits, descent.losses, strict=True):
        assert math.isclose(loss, float(cross_entropy(x / 0.5, 2)), rel_tol=1e-12)


def test_zero_steps_is_just_the_start():
    descent = gradient_descent([1.0, 2.0], 0, lr=1.0, steps=0)
    np.testing.assert_array_equal(descent.logits, [[1.0, 2.0]])


@settings(max_examples=200, deadline=None)
@given(logits=logit_vectors, data=st.data(), temperature=st.floats(0.2, 5.0))
def test_the_loss_strictly_decreases_for_a_small_learning_rate(logits, data, temperature):
    target = data.draw(st.integers(0, len(logits) - 1))
    before = float(cross_entropy(np.asarray(logits) / temperature, target))
    # The loss's curvature in x is at most 1/(2 T²); a step of lr ≤ T² cannot overshoot.
    after_x = gradient_step(logits, target, lr=0.1 * temperature**2, temperature=temperature)
    after = float(cross_entropy(after_x / temperature, target))
    # Below ~1e-4 the change is lost in float64 rounding (log of 1 + a tiny number).
    if before > 1e-4:
        assert after < before


@pytest.mark.parametrize("lr", [0.0, -1.0, float("nan"), float("inf"), "fast"])
def test_a_learning_rate_that_is_not_positive_and_finite_is_refused(lr):
    with pytest.raises(ValueError, match="learning rate"):
        gradient_step([0.0, 1.0], 0, lr=lr)


def test_a_batch_is_refused_by_gradient_step():
    with pytest.raises(ValueError, match="one example"):
        gradient_step([[0.0, 1.0]], 0, lr=1.0)


def test_negative_step_counts_are_refused():
    with pytest.raises(ValueError, match="steps"):
        gradient_descent([0.0, 1.0], 0, lr=1.0, steps=-1)


# ------------------------------------------------------------------------ amplification


def test_fish_is_12_point_8_times_building_after_exp():
    assert round(exp_ratio(2.39, -0.156), 1) == 12.8


@given(a=st.floats(-150, 150), b=st.floats(-150, 150), temperature=st.floats(0.5, 5.0))
def test_the_ratio_of_exps_is_e_to_the_gap(a, b, temperature):
    expected = math.exp((a - b) / temperature)
    assert math.isclose(exp_ratio(a, b, temperature), expected, rel_tol=1e-9)


def test_a_huge_gap_gives_an_infinite_ratio_without_a_warning():
    with np.errstate(all="raise"):
        assert exp_ratio(1000.0, 0.0) == math.inf
        assert exp_ratio(0.0, 1000.0) == 0.0


def test_the_lesson_compares_fish_with_building():
    amp = amplification(FIVE_CLASS_OUTPUTS)
    assert (amp.top, amp.runner_up) == (FISH, 4)
    assert math.isclose(amp.gap, 2.39 - (-0.156), rel_tol=1e-12)
    p = softmax(FIVE_CLASS_OUTPUTS)
    assert math.isclose(amp.ratio, p[FISH] / p[4], rel_tol=1e-12)


def test_a_higher_temperature_shrinks_the_amplification():
    assert amplification(FIVE_CLASS_OUTPUTS, temperature=2.0).ratio < amplification(
        FIVE_CLASS_OUTPUTS
    ).ratio
    assert math.isclose(amplification(FIVE_CLASS_OUTPUTS, 2.0).scaled_gap, 2.546 / 2, rel_tol=1e-9)


def test_a_tie_for_the_top_gives_a_ratio_of_one():
    amp = amplification([3.0, 1.0, 3.0])
    assert (amp.top, amp.runner_up, amp.ratio) == (0, 2, 1.0)


def test_amplification_needs_two_classes():
    with pytest.raises(ValueError, match="two"):
        amplification([1.0])


def test_the_stable_route_survives_a_logit_of_1000():
    stable = stable_exp([1000.0, 999.0, -1000.0])
    assert stable.largest == 1000.0
    assert np.isfinite(stable.exp).all() and stable.exp.max() == 1.0
    np.testing.assert_allclose(stable.exp / stable.sum_exp, softmax([1000.0, 999.0, -1000.0]),
                               rtol=1e-12)


def test_the_stable_exps_are_the_by_hand_exps_scaled_down_by_e_to_the_max():
    stable = stable_exp(FIVE_CLASS_OUTPUTS, temperature=2.0)
    by_hand = np.exp(np.asarray(FIVE_CLASS_OUTPUTS) / 2.0)
    np.testing.assert_allclose(stable.exp * math.exp(2.39 / 2.0), by_hand, rtol=1e-12)
