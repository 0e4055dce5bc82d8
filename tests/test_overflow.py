"""Lesson 7 · Numbers that overflow: the lesson view holds each precision's routes as the engine
computes them, breaks exactly where the lesson says, and shows shift invariance."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import xent_core as xc
from xent_core.lessons import overflow
from xent_core.lessons.overflow import PRESETS


def quietly(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return fn(*args, **kwargs)


def view_of(preset: str, **kwargs):
    logits, target, shift = PRESETS[preset]
    return quietly(overflow, logits, target, shift, **kwargs)


@pytest.mark.parametrize(("preset", "broken"), [
    ("everyday logits", set()),
    ("float16 overflows", {"float16"}),
    ("float32 overflows", {"float16", "float32"}),
    ("float64 overflows", {"float16", "float32", "float64"}),
])
def test_each_preset_breaks_the_by_hand_route_in_the_precisions_it_names(preset, broken):
    view = view_of(preset)
    assert {r.dtype for r in view.routes if r.by_hand_breaks} == broken
    for routes in view.routes:
        assert routes.stable_is_finite
        np.testing.assert_allclose(routes.softmax_max_subtracted, view.probabilities,
                                   atol=2e-3 if routes.dtype == "float16" else 1e-6)


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_the_view_holds_the_engine_routes_of_its_precision(dtype):
    view = view_of("float16 overflows")
    routes = getattr(view, dtype)
    x = view.shifted_logits
    pairs = {
        "softmax_by_hand": xc.softmax_by_hand(x, dtype),
        "softmax_max_subtracted": xc.softmax_max_subtracted(x, dtype),
        "softmax_via_logsumexp": xc.softmax_via_logsumexp(x, dtype),
        "log_softmax": xc.log_softmax_fused(x, dtype),
        "log_of_softmax": xc.log_of_softmax(x, dtype),
        "grad_log_softmax": xc.log_softmax_fused_grad(x, view.target, dtype),
        "grad_log_of_softmax": xc.log_of_softmax_grad(x, view.target, dtype),
    }
    for name, expected in pairs.items():
        np.testing.assert_array_equal(getattr(routes, name), expected.astype(np.float64),
                                      err_msg=name)
    assert routes.logsumexp == float(xc.logsumexp_max_subtracted(x, dtype))
    assert routes.overflow_threshold == xc.EXP_OVERFLOWS_ABOVE[dtype]
    np.testing.assert_array_equal(routes.logits, x.astype(dtype).astype(np.float64))


def test_float16_shows_inf_exps_and_nan_probabilities_with_the_stable_route_still_right():
    f16 = view_of("float16 overflows").float16
    assert f16.largest_logit == 12.0
    assert f16.overflow_headroom == pytest.approx(math.log(65504.0) - 12.0, rel=1e-12)
    # e^12 = 162755 is beyond 65504; e^10 = 22026 still fits (float16 holds it as 22032).
    assert f16.exp_by_hand[0] == math.inf and f16.exp_by_hand[1] == 22032.0
    assert f16.sum_exp_by_hand == math.inf and f16.logsumexp_by_hand == math.inf
    # inf / inf = NaN for the leader, 22032 / inf = 0 for the runner-up: nothing sums to 1.
    assert np.isnan(f16.softmax_by_hand[0]) and f16.softmax_by_hand[1] == 0.0
    assert f16.exp_max_subtracted[0] == 1.0
    assert 1.0 <= f16.sum_exp_max_subtracted <= 3.0
    assert f16.logsumexp == pytest.approx(12.0 + math.log1p(math.exp(-2) + math.exp(-9)),
                                          abs=1e-2)


def test_log_of_zero_gives_minus_inf_loss_and_nan_gradient_but_log_softmax_stays_exact():
    view = view_of("log of 0")
    for routes in view.routes:
        assert routes.log_of_softmax_breaks
        assert routes.loss_log_of_softmax == math.inf
        assert np.isnan(routes.grad_log_of_softmax).all()
        assert np.isfinite(routes.grad_log_softmax).all()
    # float64: -log_softmax([0, -800, 5])[1] = 805 + log(1 + e^-5 + e^-805)
    assert view.float64.loss_log_softmax == pytest.approx(805.0 + math.log1p(math.exp(-5.0)),
                                                          rel=1e-15)


def test_shift_changes_nothing_on_the_stable_routes_and_breaks_the_by_hand_one():
    view = view_of("shift by 1000")
    np.testing.assert_allclose(view.shifted_logits, np.asarray(view.logits) + 1000.0)
    for routes in view.routes:
        assert routes.by_hand_breaks
        assert math.isnan(routes.shift_change_by_hand)
    assert view.float64.shift_change_max_subtracted < 1e-12
    assert view.float64.shift_change_log_softmax < 1e-12
    # float16 rounds 1002 to a multiple of 0.5: the logits themselves change, a little.
    assert view.float16.shift_change_max_subtracted < 0.1


def test_no_shift_means_no_change():
    view = view_of("everyday logits")
    for routes in view.routes:
        assert routes.shift_change_by_hand == 0.0
        assert routes.shift_change_max_subtracted == 0.0
        assert routes.shift_change_log_softmax == 0.0


@pytest.mark.parametrize("base", ["2", "10"])
def test_logs_and_losses_come_in_the_chosen_base(base):
    nats = view_of("log of 0")
    other = view_of("log of 0", log_base=base)
    ln_b = math.log(float(base))
    for a, b in zip(nats.routes, other.routes, strict=True):
        assert b.loss_log_softmax == pytest.approx(a.loss_log_softmax / ln_b, rel=1e-12)
        np.testing.assert_allclose(b.log_softmax, a.log_softmax / ln_b, rtol=1e-12)
        np.testing.assert_allclose(b.grad_log_softmax, a.grad_log_softmax / ln_b, rtol=1e-12)
        assert b.logsumexp == a.logsumexp  # a log-sum-exp of logits, not a loss: stays in nats
