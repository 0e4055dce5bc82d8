"""Lessons 5-8 at the edges of the app's inputs (logits up to ±1e4, tiny and huge learning rates
and temperatures): every view comes back without an exception or a warning, with finite numbers
wherever the lesson does not set out to show inf or NaN."""

from __future__ import annotations

import warnings

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from xent_core.lessons import overflow, sigmoid_or_softmax, soft_labels, why_not_mse

EDGES = settings(max_examples=40, deadline=None)
LOGITS = hnp.arrays(np.float64, st.integers(2, 6), elements=st.floats(-1e4, 1e4))


def quietly(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return fn(*args, **kwargs)


def all_finite(*arrays) -> bool:
    return all(np.isfinite(np.asarray(a, dtype=np.float64)).all() for a in arrays)


@EDGES
@given(LOGITS, st.data(), st.floats(1e-3, 100.0), st.integers(0, 60),
       st.sampled_from(["e", "2", "10"]))
def test_why_not_mse_is_finite_and_quiet(x, data, lr, steps, base):
    t = data.draw(st.integers(0, len(x) - 1))
    view = quietly(why_not_mse, x, t, lr=lr, steps=steps, log_base=base)
    for r in view.readings:
        assert all_finite(r.loss, r.grad, r.sweep_loss, r.sweep_grad, r.race_loss,
                          r.race_target_probability), r.name
        assert r.race_loss.shape == (steps + 1,)
    assert all_finite(view.probabilities, view.sweep_logits, view.sweep_probabilities)


@EDGES
@given(LOGITS, st.sets(st.integers(0, 5)), st.floats(0.0, 50.0))
def test_sigmoid_or_softmax_is_finite_and_quiet(x, labels, pos_weight):
    labels = {label for label in labels if label < len(x)}
    view = quietly(sigmoid_or_softmax, x, labels, pos_weight=pos_weight)
    assert all_finite(view.softmax_probabilities, view.sigmoid_probabilities, view.bce_terms,
                      view.bce_naive_terms, view.bce_weighted_terms, view.bce_grad)
    assert view.softmax_loss is None or np.isfinite(view.softmax_loss)


@EDGES
@given(hnp.arrays(np.float64, st.integers(1, 6), elements=st.floats(-3e4, 3e4)),
       st.floats(-3e4, 3e4), st.data())
def test_overflow_is_quiet_and_its_stable_float64_routes_are_finite(x, shift, data):
    t = data.draw(st.integers(0, len(x) - 1))
    view = quietly(overflow, x, t, shift)
    assert view.float64.stable_is_finite
    assert all_finite(view.float64.softmax_max_subtracted, view.float64.softmax_via_logsumexp,
                      view.float64.log_softmax, view.float64.grad_log_softmax)
    np.testing.assert_allclose(view.float64.softmax_max_subtracted.sum(), 1.0, rtol=1e-12)


@EDGES
@given(LOGITS, st.data(), st.floats(0.0, 1.0), st.floats(0.01, 100.0), st.floats(0.05, 20.0))
def test_soft_labels_is_finite_and_quiet(x, data, eps, temperature, calibration_temperature):
    t = data.draw(st.integers(0, len(x) - 1))
    view = quietly(soft_labels, x, t, label_smoothing=eps, temperature=temperature,
                   calibration_temperature=calibration_temperature)
    assert all_finite(view.cross_entropy, view.entropy, view.kl_divergence, view.probabilities,
                      view.cross_entropy_terms, view.kl_terms, view.nll,
                      view.expected_calibration_error)
