"""Reliability bins, expected calibration error and temperature scaling: hand-derived bins, SciPy's
bounded minimiser as the reference fit, and the real MNIST model's held-out predictions."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy import optimize  # the independent reference for the fit (requirements-dev.txt)

import xent_core as xc
from xent_core.mnist import load_digits, load_model

PROPERTY = settings(max_examples=40, deadline=None)


@pytest.fixture(scope="module")
def held_out():
    digits = load_digits()
    return load_model().logits(digits.test_x), np.asarray(digits.test_y, dtype=np.int64)


# ------------------------------------------------------------------- hand-derived values


def test_three_predictions_in_five_bins():
    # confidences 0.9 (right), 0.8 (wrong: says class 0, label 1), 0.7 (right)
    # bins of width 0.2: (0.6, 0.8] holds 0.8 and 0.7; (0.8, 1] holds 0.9.
    bins = xc.reliability_bins([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7]], [0, 1, 1], n_bins=5)
    np.testing.assert_allclose(bins.edges, [0.0, 0.2, 0.4, 0.6, 0.8, 1.0])
    np.testing.assert_array_equal(bins.counts, [0, 0, 0, 2, 1])
    np.testing.assert_allclose(bins.mean_confidence[3:], [0.75, 0.9])
    np.testing.assert_allclose(bins.accuracy[3:], [0.5, 1.0])
    assert np.isnan(bins.mean_confidence[:3]).all() and np.isnan(bins.accuracy[:3]).all()
    # ECE = 2/3 |0.5 - 0.75| + 1/3 |1 - 0.9| = 1/6 + 1/30 = 0.2
    assert xc.expected_calibration_error([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7]], [0, 1, 1],
                                         n_bins=5) == pytest.approx(0.2, rel=1e-14)


def test_a_confidence_on_a_bin_edge_goes_to_the_lower_bin():
    bins = xc.reliability_bins([[0.6, 0.4], [1.0, 0.0]], [0, 0], n_bins=5)
    np.testing.assert_array_equal(bins.counts, [0, 0, 1, 0, 1])  # 0.6 in (0.4, 0.6], 1 in last


def test_perfectly_calibrated_bins_have_zero_ece():
    # Four predictions at confidence 0.75, three of them right.
    p = [[0.75, 0.25]] * 4
    assert xc.expected_calibration_error(p, [0, 0, 0, 1]) == pytest.approx(0.0, abs=1e-15)


def test_temperature_nll_divides_the_logits():
    # logits [2, 0] at T = 2 are [1, 0]: -ln(e / (e + 1)) = ln(1 + e^-1)
    assert xc.temperature_nll([[2.0, 0.0]], [0], 2.0) == pytest.approx(
        math.log1p(math.exp(-1.0)), rel=1e-14)


def test_fit_temperature_on_a_worked_example_matches_scipy():
    logits = np.array([[4.0, 0.0], [4.0, 0.0], [0.0, 4.0]])
    labels = np.array([0, 0, 0])
    reference = optimize.minimize_scalar(lambda t: xc.temperature_nll(logits, labels, t),
                                         bounds=(0.05, 20.0), method="bounded",
                                         options={"xatol": 1e-10})
    assert xc.fit_temperature(logits, labels) == pytest.approx(reference.x, rel=1e-5)


def test_fit_temperature_leaves_t_at_1_when_the_temperature_changes_nothing():
    assert xc.fit_temperature([[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]], [0, 2]) == 1.0


def test_fit_temperature_hits_the_lower_bound_when_sharper_is_always_better():
    # Every example right: the NLL keeps falling as T -> 0.
    assert xc.fit_temperature([[3.0, 0.0], [0.0, 2.0]], [0, 1]) == pytest.approx(0.05)


# ------------------------------------------------------------ the real MNIST predictions


def test_fitted_temperature_on_mnist_matches_scipy_and_lowers_the_held_out_nll(held_out):
    logits, labels = held_out
    fitted = xc.fit_temperature(logits, labels)
    reference = optimize.minimize_scalar(lambda t: xc.temperature_nll(logits, labels, t),
                                         bounds=(0.05, 20.0), method="bounded",
                                         options={"xatol": 1e-10})
    assert fitted == pytest.approx(reference.x, rel=1e-5)
    assert xc.temperature_nll(logits, labels, fitted) <= xc.temperature_nll(logits, labels, 1.0)
    assert xc.temperature_nll(logits, labels, fitted) <= reference.fun + 1e-12


def test_temperature_changes_confidence_but_never_accuracy_on_mnist(held_out):
    logits, labels = held_out
    readings = [xc.calibration(logits, labels, t) for t in (0.25, 0.5, 1.0, 2.0, 4.0)]
    accuracy = float(np.mean(np.argmax(logits, axis=1) == labels))
    assert {r.accuracy for r in readings} == {accuracy}
    confidences = [r.mean_confidence for r in readings]
    assert confidences == sorted(confidences, reverse=True)  # hotter is less sure
    assert all(int(r.bins.counts.sum()) == len(labels) for r in readings)


def test_calibration_agrees_with_the_separate_helpers(held_out):
    logits, labels = held_out
    c = xc.calibration(logits, labels, 1.7, n_bins=15)
    p = xc.softmax(logits / 1.7)
    assert c.expected_calibration_error == pytest.approx(
        xc.expected_calibration_error(p, labels, n_bins=15), rel=1e-12)
    assert c.nll == pytest.approx(xc.temperature_nll(logits, labels, 1.7), rel=1e-14)
    np.testing.assert_array_equal(c.bins.counts, xc.reliability_bins(p, labels, 15).counts)


# ----------------------------------------------------------------------------- properties


@st.composite
def logits_and_labels(draw):
    n = draw(st.integers(1, 30))
    c = draw(st.integers(2, 6))
    x = draw(hnp.arrays(np.float64, (n, c), elements=st.floats(-20.0, 20.0)))
    y = np.array(draw(st.lists(st.integers(0, c - 1), min_size=n, max_size=n)))
    return x, y


@PROPERTY
@given(logits_and_labels())
def test_fitted_temperature_never_raises_the_nll(case):
    x, y = case
    fitted = xc.fit_temperature(x, y)
    assert 0.05 <= fitted <= 20.0
    assert xc.temperature_nll(x, y, fitted) <= xc.temperature_nll(x, y, 1.0)


@PROPERTY
@given(logits_and_labels(), st.floats(0.05, 20.0), st.integers(1, 20))
def test_bins_hold_every_prediction_and_ece_lies_between_0_and_1(case, temperature, n_bins):
    x, y = case
    c = xc.calibration(x, y, temperature, n_bins)
    assert int(c.bins.counts.sum()) == len(y)
    assert 0.0 <= c.expected_calibration_error <= 1.0
    filled = c.bins.counts > 0
    assert (c.bins.accuracy[filled] >= 0).all() and (c.bins.accuracy[filled] <= 1).all()
    lower, upper = c.bins.edges[:-1][filled], c.bins.edges[1:][filled]
    assert (c.bins.mean_confidence[filled] >= lower - 1e-12).all()
    assert (c.bins.mean_confidence[filled] <= upper + 1e-12).all()
