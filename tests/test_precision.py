"""Softmax in float16, float32 and float64 (lesson 7): where the by-hand route breaks, that the
stable routes do not, that nothing warns, and PyTorch's committed values for every route."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from torch_helpers import case_ids, check_against_reference, reference_cases

import xent_core as xc

PROPERTY = settings(max_examples=60, deadline=None)
DTYPES = ["float16", "float32", "float64"]
# How close a route in that precision gets to the exact (float64) answer.
TOLERANCE = {"float16": 2e-3, "float32": 2e-6, "float64": 1e-12}


def quietly(fn, *args, **kwargs):
    """Call ``fn`` and fail on any warning: the routes must show inf / NaN, never warn."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return fn(*args, **kwargs)


# ------------------------------------------------------------------------- thresholds


def test_exp_overflows_near_11_in_float16_88_in_float32_and_709_in_float64():
    assert xc.EXP_OVERFLOWS_ABOVE["float16"] == pytest.approx(11.0898664, abs=1e-6)
    assert xc.EXP_OVERFLOWS_ABOVE["float32"] == pytest.approx(88.7228391, abs=1e-6)
    assert xc.EXP_OVERFLOWS_ABOVE["float64"] == pytest.approx(709.7827128933840, rel=1e-15)
    for dtype in DTYPES:
        assert xc.exp_overflow_threshold(dtype) == math.log(float(np.finfo(dtype).max))


@pytest.mark.parametrize("dtype", DTYPES)
def test_the_threshold_is_where_exp_really_overflows_in_that_dtype(dtype):
    threshold = xc.exp_overflow_threshold(dtype)
    below = np.asarray(threshold * 0.999, dtype=dtype)
    above = np.asarray(threshold * 1.001, dtype=dtype)
    with np.errstate(over="ignore"):
        assert np.isfinite(np.exp(below))
        assert np.isinf(np.exp(above))


@pytest.mark.parametrize("dtype", DTYPES)
def test_a_class_past_the_underflow_gap_gets_probability_zero(dtype):
    gap = xc.probability_underflow_gap(dtype)
    assert xc.PROBABILITY_UNDERFLOWS_BELOW[dtype] == -gap
    p = quietly(xc.softmax_max_subtracted, [0.0, -(gap + 2.0)], dtype)
    assert p[1] == 0
    p = quietly(xc.softmax_max_subtracted, [0.0, -(gap - 2.0)], dtype)
    assert p[1] > 0


# ------------------------------------------------------- committed PyTorch values


ROUTE_CASES = reference_cases(
    "softmax_by_hand", "softmax_max_subtracted", "softmax_via_logsumexp", "logsumexp_by_hand",
    "logsumexp_max_subtracted", "log_of_softmax", "log_softmax_fused", "log_of_softmax_grad",
    "log_softmax_fused_grad",
)


@pytest.mark.parametrize("case", ROUTE_CASES, ids=case_ids(ROUTE_CASES))
def test_every_route_matches_the_committed_pytorch_values(case):
    # PyTorch ran the same steps in the same dtype: the result keeps that dtype, inf and NaN
    # sit where PyTorch's do, the rest agrees to the dtype's precision.
    check_against_reference(case)


def test_the_lesson_numbers_where_each_precision_breaks():
    # e^12 = 162755 > 65504: inf / inf in float16, fine in float32 and float64.
    assert np.isnan(xc.softmax_by_hand([12.0, 10.0, 3.0], "float16")[0])
    assert np.isfinite(xc.softmax_by_hand([12.0, 10.0, 3.0], "float32")).all()
    # e^90 > 3.4e38: float32 breaks; e^710 > 1.8e308: float64 breaks.
    assert np.isnan(xc.softmax_by_hand([90.0, 88.0, 3.0], "float32")[0])
    assert np.isfinite(xc.softmax_by_hand([90.0, 88.0, 3.0], "float64")).all()
    assert np.isnan(xc.softmax_by_hand([710.0, 700.0, 3.0], "float64")[0])
    # The stable route in float64 gives 1 / (1 + e^-10 + e^-707) for the leader.
    expected = 1.0 / (1.0 + math.exp(-10.0) + math.exp(-707.0))
    assert xc.softmax_max_subtracted([710.0, 700.0, 3.0])[0] == pytest.approx(expected, rel=1e-15)


def test_log_of_softmax_is_minus_inf_with_a_nan_gradient_where_log_softmax_is_finite():
    assert xc.log_of_softmax([0.0, -800.0])[1] == -math.inf
    assert np.isnan(xc.log_of_softmax_grad([0.0, -800.0], 1)).all()
    np.testing.assert_array_equal(xc.log_softmax_fused([0.0, -800.0]), [0.0, -800.0])
    np.testing.assert_array_equal(xc.log_softmax_fused_grad([0.0, -800.0], 1), [1.0, -1.0])


def test_logsumexp_by_hand_overflows_where_the_trick_does_not():
    assert float(xc.logsumexp_by_hand([1000.0, 1000.0])) == math.inf
    assert float(xc.logsumexp_max_subtracted([1000.0, 1000.0])) == pytest.approx(
        1000.0 + math.log(2.0), rel=1e-15)


@pytest.mark.parametrize("dtype", DTYPES)
def test_results_stay_in_the_precision_asked_for(dtype):
    for route in (xc.softmax_by_hand, xc.softmax_max_subtracted, xc.softmax_via_logsumexp,
                  xc.log_of_softmax, xc.log_softmax_fused, xc.logsumexp_by_hand,
                  xc.logsumexp_max_subtracted):
        assert quietly(route, [[1.0, 2.0, 3.0]], dtype).dtype == np.dtype(dtype), route.__name__


# ----------------------------------------------------------------------------- properties


@PROPERTY
@given(st.floats(11.2, 60_000.0), hnp.arrays(np.float64, st.integers(1, 5),
                                             elements=st.floats(-50.0, 11.0)))
def test_float16_by_hand_breaks_above_11_09_while_the_stable_routes_stay_right(top, rest):
    x = np.concatenate([[top], rest])
    x16 = x.astype(np.float16).astype(np.float64)  # what float16 holds
    assume(x16[0] > math.log(65520.0))  # e^x rounds to inf, not to 65504
    by_hand = quietly(xc.softmax_by_hand, x, "float16")
    assert np.isnan(by_hand[0])
    exact = xc.softmax(x16)
    p = quietly(xc.softmax_max_subtracted, x, "float16").astype(np.float64)
    np.testing.assert_allclose(p, exact, atol=2e-3)
    # The log-sum-exp route never breaks either, but x - logsumexp(x) inherits the rounding of
    # a float16 logsumexp (a spacing of 32 near 60 000): finite probabilities, coarser values.
    p = quietly(xc.softmax_via_logsumexp, x, "float16").astype(np.float64)
    assert np.isfinite(p).all() and (p >= 0).all() and (p <= 1).all()
    error_in_exponent = float(np.spacing(np.float16(np.max(np.abs(x16)))))
    np.testing.assert_allclose(p, exact, rtol=2e-3 + 2 * np.expm1(error_in_exponent), atol=2e-3)
    np.testing.assert_allclose(quietly(xc.log_softmax_fused, x, "float16").astype(np.float64),
                               xc.log_softmax(x16), rtol=2e-3, atol=2e-2)


@PROPERTY
@given(st.sampled_from(DTYPES),
       hnp.arrays(np.float64, st.integers(1, 6), elements=st.floats(-8.0, 8.0)))
def test_below_the_threshold_all_routes_agree_with_float64(dtype, x):
    exact = xc.softmax(x.astype(dtype).astype(np.float64))
    for route in (xc.softmax_by_hand, xc.softmax_max_subtracted, xc.softmax_via_logsumexp):
        p = quietly(route, x, dtype).astype(np.float64)
        np.testing.assert_allclose(p, exact, rtol=TOLERANCE[dtype], atol=TOLERANCE[dtype],
                                   err_msg=route.__name__)


@PROPERTY
@given(hnp.arrays(np.float64, st.integers(1, 6), elements=st.integers(-60, 60).map(float)),
       st.integers(-20_000, 20_000).map(float), st.sampled_from(DTYPES))
def test_stable_routes_are_shift_invariant(x, c, dtype):
    # Whole-number logits and shifts below 2048 are exact in float16 too, so any difference
    # would come from the route, not from rounding the inputs.
    assume(float(np.max(np.abs(x + c))) <= (2048 if dtype == "float16" else 1e6))
    for route in (xc.softmax_max_subtracted, xc.log_softmax_fused):
        before = quietly(route, x, dtype)
        after = quietly(route, x + c, dtype)
        np.testing.assert_array_equal(before, after, err_msg=route.__name__)


@PROPERTY
@given(hnp.arrays(np.float64, st.integers(2, 6), elements=st.floats(-50.0, 50.0)),
       st.floats(800.0, 5000.0))
def test_shifting_past_the_float64_threshold_breaks_only_the_by_hand_route(x, c):
    assert np.isfinite(quietly(xc.softmax_by_hand, x)).all()
    assert np.isnan(quietly(xc.softmax_by_hand, x + c)).any()
    np.testing.assert_allclose(quietly(xc.softmax_max_subtracted, x + c), xc.softmax(x),
                               rtol=1e-9, atol=1e-12)
