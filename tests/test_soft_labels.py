"""Lesson 8 · Soft labels, entropy and KL, and calibration: H(p, q) = H(p) + KL(p‖q) with the
learner's own numbers, the loss floor of label smoothing, and the MNIST model's calibration."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy import stats  # independent reference (requirements-dev.txt)

import xent_core as xc
from xent_core.lessons import soft_labels
from xent_core.lessons.soft_labels import PRESETS, held_out_logits, target_distribution
from xent_core.mnist import load_digits, load_model
from xent_core.mnist_report import held_out_report

FISH = PRESETS["one-hot"][0]


def view_of(preset: str, **kwargs):
    logits, target, smoothing, temperature = PRESETS[preset]
    return soft_labels(logits, target, label_smoothing=smoothing, temperature=temperature,
                       **kwargs)


def test_one_hot_target_has_zero_entropy_so_cross_entropy_is_all_kl():
    view = view_of("one-hot")
    assert view.entropy == 0.0 and view.lowest_loss == 0.0
    assert view.cross_entropy == pytest.approx(float(xc.cross_entropy(FISH, 3)), rel=1e-12)
    assert view.kl_divergence == pytest.approx(view.cross_entropy, rel=1e-12)
    assert view.best_logits[3] == 0.0 and np.isneginf(np.delete(view.best_logits, 3)).all()


def test_label_smoothing_puts_a_floor_under_the_loss():
    # eps = 0.1, C = 5: target [0.02, 0.02, 0.02, 0.92, 0.02]
    view = view_of("label smoothing 0.1")
    np.testing.assert_allclose(view.target, [0.02, 0.02, 0.02, 0.92, 0.02], rtol=1e-15)
    floor = -(0.92 * math.log(0.92) + 4 * 0.02 * math.log(0.02))  # 0.38967...
    assert view.lowest_loss == pytest.approx(floor, rel=1e-12)
    assert view.entropy == pytest.approx(floor, rel=1e-12)
    # the best logits are finite: the true class leads by ln(0.92 / 0.02) = ln 46, no further
    assert view.best_logits[3] == 0.0
    np.testing.assert_allclose(np.delete(view.best_logits, 3), -math.log(46.0), rtol=1e-12)
    assert view.cross_entropy == pytest.approx(
        float(xc.cross_entropy(FISH, 3, label_smoothing=0.1)), rel=1e-12)
    # ... and those logits reach the floor exactly
    best = soft_labels(view.best_logits, 3, label_smoothing=0.1)
    assert best.cross_entropy == pytest.approx(floor, rel=1e-12)
    assert best.kl_divergence == pytest.approx(0.0, abs=1e-12)


def test_a_soft_target_agrees_with_scipy():
    view = view_of("a soft target")
    p = np.asarray(PRESETS["a soft target"][1])
    q = xc.softmax(FISH)
    assert view.entropy == pytest.approx(stats.entropy(p), rel=1e-12)
    assert view.kl_divergence == pytest.approx(stats.entropy(p, q), rel=1e-9)
    assert view.target_index is None
    assert view.kl_terms[2] == 0.0  # a class the target rules out adds nothing


def test_temperature_softens_the_prediction_like_distillation():
    hot = view_of("distillation, T = 4")
    cold = view_of("one-hot")
    np.testing.assert_allclose(hot.probabilities, xc.softmax(np.asarray(FISH) / 4.0), rtol=1e-12)
    np.testing.assert_allclose(hot.probabilities_at_1, cold.probabilities, rtol=1e-15)
    assert hot.prediction_entropy > cold.prediction_entropy
    assert hot.probabilities[3] < cold.probabilities[3]


@settings(max_examples=50, deadline=None)
@given(hnp.arrays(np.float64, 5, elements=st.floats(-20.0, 20.0)),
       hnp.arrays(np.float64, 5, elements=st.floats(0.0, 1.0)),
       st.floats(0.0, 1.0), st.floats(0.1, 10.0), st.sampled_from(["e", "2", "10"]))
def test_cross_entropy_is_entropy_plus_kl_for_any_target(logits, weights, eps, t, base):
    weights[0] += 1e-3  # not all zero
    target = weights / weights.sum()
    view = soft_labels(logits, target, label_smoothing=eps, temperature=t, log_base=base)
    assert view.cross_entropy == pytest.approx(view.entropy + view.kl_divergence, rel=1e-9,
                                               abs=1e-9)
    assert view.kl_divergence >= -1e-12
    assert view.cross_entropy >= view.lowest_loss - 1e-9
    np.testing.assert_allclose(view.cross_entropy_terms.sum(), view.cross_entropy, rtol=1e-9,
                               atol=1e-9)
    np.testing.assert_allclose(view.kl_terms.sum(), view.kl_divergence, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("base", ["2", "10"])
def test_entropies_and_losses_come_in_the_chosen_base(base):
    nats = view_of("label smoothing 0.1")
    other = view_of("label smoothing 0.1", log_base=base)
    ln_b = math.log(float(base))
    for name in ("cross_entropy", "entropy", "kl_divergence", "lowest_loss", "nll",
                 "fitted_nll", "nll_at_1"):
        assert getattr(other, name) == pytest.approx(getattr(nats, name) / ln_b, rel=1e-12), name
    assert other.expected_calibration_error == nats.expected_calibration_error  # not a log


# ------------------------------------------------------------------- MNIST calibration


def test_the_cached_predictions_are_the_mnist_page_held_out_report():
    report = held_out_report(load_model(), load_digits())
    logits, labels = held_out_logits()
    np.testing.assert_array_equal(logits, report.logits)
    np.testing.assert_array_equal(labels, report.labels)


def test_calibration_numbers_are_the_engine_on_the_held_out_digits():
    logits, labels = held_out_logits()
    view = view_of("one-hot", calibration_temperature=1.5)
    reading = xc.calibration(logits, labels, 1.5)
    assert view.n_held_out == len(labels) == 500
    assert view.nll == pytest.approx(reading.nll, rel=1e-14)
    assert view.expected_calibration_error == pytest.approx(reading.expected_calibration_error)
    np.testing.assert_array_equal(view.reliability.counts, reading.bins.counts)
    assert view.accuracy == pytest.approx(float(np.mean(np.argmax(logits, 1) == labels)))
    assert view.fitted_temperature == pytest.approx(xc.fit_temperature(logits, labels))


def test_the_fitted_temperature_lowers_nll_and_keeps_accuracy():
    view = view_of("one-hot")
    assert view.fitted_nll <= view.nll_at_1
    assert view.fitted_nll == pytest.approx(min(view.curve_nll.min(), view.fitted_nll))
    fitted = view_of("one-hot", calibration_temperature=view.fitted_temperature)
    assert fitted.accuracy == view.accuracy
    assert fitted.nll == pytest.approx(view.fitted_nll, rel=1e-14)


def test_the_curve_covers_a_quarter_to_eight_and_the_nll_has_one_valley():
    view = view_of("one-hot")
    assert view.curve_temperatures[0] == pytest.approx(0.25)
    assert view.curve_temperatures[-1] == pytest.approx(8.0)
    assert (np.diff(view.curve_mean_confidence) < 0).all()  # hotter is less sure
    lowest = int(np.argmin(view.curve_nll))
    assert (np.diff(view.curve_nll[:lowest + 1]) <= 0).all()
    assert (np.diff(view.curve_nll[lowest:]) >= 0).all()


def test_cached_mnist_arrays_are_read_only():
    view = view_of("one-hot")
    with pytest.raises(ValueError):
        view.reliability.counts[0] = 1
    with pytest.raises(ValueError):
        held_out_logits()[0][0, 0] = 0.0


def test_target_distribution_is_the_target_the_lesson_scores_against():
    """What the page checks a typed target with is what soft_labels uses."""
    assert target_distribution(3, 5).tolist() == [0, 0, 0, 1, 0]
    smoothed = target_distribution((0.1, 0.1, 0.0, 0.6, 0.2), 5, label_smoothing=0.1)
    assert smoothed == pytest.approx([0.11, 0.11, 0.02, 0.56, 0.2])
    view = soft_labels(PRESETS["a soft target"][0], (0.1, 0.1, 0.0, 0.6, 0.2),
                       label_smoothing=0.1)
    assert view.target == pytest.approx(smoothed)
    assert smoothed.sum() == pytest.approx(1.0)


@pytest.mark.parametrize(("target", "message"), [
    ((0.5, 0.6, 0.0), "must add up to 1 over the classes; these add up to 1.1"),
    ((0.2, 0.2, 0.2), "these add up to 0.6"),
    ((-0.5, 1.0, 0.5), "negative value"),
    ((1.5, 0.0, 0.0), "above 1"),
    ((0.5, 0.5), "one probability per class, shape (3,)"),
    (3, "a class 0 to 2 or 3 probabilities"),
    ("cat", "a class 0 to 2 or 3 probabilities"),
])
def test_a_target_that_is_not_a_distribution_is_rejected_with_a_sentence(target, message):
    with pytest.raises(ValueError) as error:
        target_distribution(target, 3)
    assert message in str(error.value)
    with pytest.raises(ValueError):
        soft_labels([0.0, 1.0, 2.0], target)
