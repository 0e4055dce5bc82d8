"""Lesson 5 · Why not MSE? The lesson function agrees with the engine, and tells the story:
cross-entropy pushes hardest when the model is confidently wrong, MSE on the probabilities
barely pushes at all, the hinge stops once the margin is met."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import xent_core as xc
from xent_core.lessons import why_not_mse
from xent_core.lessons.why_not_mse import PRESETS
from xent_core.steps import gradient_descent

REL = 1e-12


def engine_readings(x, t):
    """The three losses and their gradients from the engine functions, in nats."""
    p = xc.softmax(x)
    one_hot = np.eye(len(x))[t]
    return {
        "cross_entropy": (float(xc.cross_entropy(x, t)), xc.cross_entropy_grad(x, t)),
        "mse": (float(xc.mse_loss(p, one_hot)),
                xc.softmax_backward(p, xc.mse_loss_grad(p, one_hot))),
        "hinge": (float(xc.multi_margin_loss(x, t)), xc.multi_margin_loss_grad(x, t)),
    }


@pytest.mark.parametrize("preset", list(PRESETS))
def test_values_and_gradients_equal_the_engine_functions(preset):
    logits, target = PRESETS[preset]
    view = why_not_mse(logits, target)
    for name, (loss, grad) in engine_readings(np.asarray(logits), target).items():
        reading = getattr(view, name)
        assert reading.loss == pytest.approx(loss, rel=REL, abs=1e-15), name
        np.testing.assert_allclose(reading.grad, grad, rtol=1e-10, atol=1e-15, err_msg=name)


def test_confidently_wrong_cross_entropy_pushes_thousands_of_times_harder_than_mse():
    view = why_not_mse(*PRESETS["confidently wrong"])
    assert view.probabilities[0] < 2e-4
    assert view.cross_entropy.grad[0] == pytest.approx(view.probabilities[0] - 1.0, rel=REL)
    assert abs(view.cross_entropy.grad[0]) > 1000 * abs(view.mse.grad[0])
    assert view.hinge.grad[0] == pytest.approx(-2 / 3)  # both rivals inside the margin


def test_right_with_a_margin_the_hinge_is_done_but_cross_entropy_still_nudges():
    view = why_not_mse(*PRESETS["right"])
    assert view.hinge.loss == 0.0 and not view.hinge.grad.any()
    assert view.cross_entropy.loss > 0 and view.cross_entropy.grad[0] < 0


def test_the_sweep_shows_the_flat_mse_gradient_on_the_wrong_side():
    view = why_not_mse(*PRESETS["unsure"])
    assert view.sweep_logits[0] < view.logits[0] < view.sweep_logits[-1]
    swept = np.tile(view.logits, (len(view.sweep_logits), 1))
    swept[:, 0] = view.sweep_logits  # the true class is 0; the rivals stay where they are
    np.testing.assert_allclose(view.sweep_probabilities, xc.softmax(swept)[:, 0], rtol=1e-12)
    # d CE / d x_t = p_t - 1 along the sweep: about -1 when very wrong, about 0 when very right.
    np.testing.assert_allclose(view.cross_entropy.sweep_grad, view.sweep_probabilities - 1.0,
                               rtol=1e-9, atol=1e-15)
    assert view.cross_entropy.sweep_grad[0] < -0.99
    assert abs(view.mse.sweep_grad[0]) < 1e-3  # flat where the model is very wrong
    worst_mse = np.argmax(np.abs(view.mse.sweep_grad))
    assert 0.05 < view.sweep_probabilities[worst_mse] < 0.95  # MSE only pushes when unsure
    assert (view.hinge.sweep_loss >= 0).all()
    assert view.hinge.sweep_loss[-1] == 0.0


def test_the_race_starts_at_the_same_point_and_cross_entropy_wins_from_confidently_wrong():
    view = why_not_mse(*PRESETS["confidently wrong"], lr=1.0, steps=40)
    for reading in view.readings:
        assert reading.race_loss.shape == reading.race_target_probability.shape == (41,)
        assert reading.race_loss[0] == pytest.approx(reading.loss, rel=REL)
        assert reading.race_target_probability[0] == pytest.approx(view.probabilities[0])
    assert view.cross_entropy.race_target_probability[-1] > 0.9
    assert view.mse.race_target_probability[-1] < 0.01  # still stuck after 40 steps
    assert np.all(np.diff(view.cross_entropy.race_loss) <= 1e-12)


def test_the_race_follows_plain_gradient_descent_on_cross_entropy():
    logits, target = PRESETS["unsure"]
    view = why_not_mse(logits, target, lr=0.5, steps=5)
    descent = gradient_descent(logits, target, lr=0.5, steps=5)
    np.testing.assert_allclose(view.cross_entropy.race_loss, descent.losses, rtol=1e-12)


@pytest.mark.parametrize("base", ["2", "10"])
def test_only_cross_entropy_changes_with_the_log_base(base):
    nats = why_not_mse(*PRESETS["unsure"])
    other = why_not_mse(*PRESETS["unsure"], log_base=base)
    ln_b = math.log(float(base))
    assert other.cross_entropy.loss == pytest.approx(nats.cross_entropy.loss / ln_b, rel=REL)
    np.testing.assert_allclose(other.cross_entropy.grad, nats.cross_entropy.grad / ln_b)
    np.testing.assert_allclose(other.cross_entropy.race_loss, nats.cross_entropy.race_loss / ln_b)
    assert other.mse.loss == nats.mse.loss and other.hinge.loss == nats.hinge.loss
    assert other.log_base.key == base


def test_the_view_cannot_be_edited_by_a_page():
    view = why_not_mse(*PRESETS["unsure"])
    with pytest.raises(AttributeError):
        view.target = 1  # frozen
    with pytest.raises(ValueError):
        view.cross_entropy.race_target_probability[0] = 0.5  # cached and shared: read-only


@settings(max_examples=30, deadline=None)
@given(hnp.arrays(np.float64, st.integers(2, 6), elements=st.floats(-30.0, 30.0)), st.data())
def test_every_gradient_matches_the_engine_on_random_logits(x, data):
    t = data.draw(st.integers(0, len(x) - 1))
    view = why_not_mse(x, t, steps=0)
    for name, (loss, grad) in engine_readings(x, t).items():
        reading = getattr(view, name)
        assert reading.loss == pytest.approx(loss, rel=1e-9, abs=1e-12), name
        np.testing.assert_allclose(reading.grad, grad, rtol=1e-8, atol=1e-12, err_msg=name)
