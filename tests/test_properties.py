"""Properties that hold for every input: the rules of softmax and cross-entropy, checked by
Hypothesis on random logits and targets."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import xent_core as xc

FAST = settings(max_examples=60, deadline=None)
SLOW = settings(max_examples=25, deadline=None)  # finite differences: many loss evaluations

MODERATE = st.floats(-50.0, 50.0, allow_nan=False, allow_infinity=False)
WIDE = st.floats(-1e4, 1e4, allow_nan=False, allow_infinity=False)


def logit_batches(elements=MODERATE, max_rows=6, max_classes=7):
    """(N, C) float64 logits, N ≥ 1, C ≥ 1."""
    return hnp.arrays(
        np.float64,
        st.tuples(st.integers(1, max_rows), st.integers(1, max_classes)),
        elements=elements,
    )


@st.composite
def batches_with_targets(draw, elements=MODERATE, max_rows=6, max_classes=7, min_classes=1):
    n = draw(st.integers(1, max_rows))
    c = draw(st.integers(min_classes, max_classes))
    x = draw(hnp.arrays(np.float64, (n, c), elements=elements))
    t = np.array(draw(st.lists(st.integers(0, c - 1), min_size=n, max_size=n)))
    return x, t


def picked(matrix: np.ndarray, target: np.ndarray) -> np.ndarray:
    return matrix[np.arange(matrix.shape[0]), target]


# ----------------------------------------------------------------------------- softmax


@FAST
@given(logit_batches(WIDE))
def test_softmax_rows_are_probabilities_that_sum_to_one(x):
    p = xc.softmax(x)
    assert p.shape == x.shape
    assert ((p >= 0) & (p <= 1)).all()
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=0, atol=1e-12)


@FAST
@given(logit_batches(), st.floats(-1e3, 1e3))
def test_adding_a_constant_to_every_logit_changes_nothing(x, shift):
    # The shifted logits are rounded to float64, so allow rounding at the scale of |x + shift|.
    atol = 1e-12 * (1.0 + abs(shift) + np.abs(x).max())
    np.testing.assert_allclose(xc.softmax(x + shift), xc.softmax(x), rtol=0, atol=10 * atol)
    np.testing.assert_allclose(xc.log_softmax(x + shift), xc.log_softmax(x), rtol=0,
                               atol=10 * atol)
    t = np.zeros(x.shape[0], dtype=int)
    assert abs(float(xc.cross_entropy(x + shift, t)) - float(xc.cross_entropy(x, t))) <= 10 * atol


@FAST
@given(st.floats(800.0, 1e5), st.integers(2, 6))
def test_log_softmax_stays_finite_where_log_of_softmax_underflows(gap, n_classes):
    x = np.zeros(n_classes)
    x[-1] = -gap  # exp(-gap) is 0 in float64 once gap > ~745
    with np.errstate(divide="ignore"):
        naive = np.log(xc.softmax(x))
    assert naive[-1] == -np.inf
    stable = xc.log_softmax(x)
    assert np.isfinite(stable).all()
    # log p_last = -gap - log(C - 1 + e^-gap) = -gap - log(C - 1)
    assert stable[-1] == np.float64(-gap) - math.log(n_classes - 1)
    assert math.isfinite(float(xc.cross_entropy(x, n_classes - 1)))


@FAST
@given(batches_with_targets(WIDE))
def test_cross_entropy_is_non_negative_and_minus_the_picked_log_probability(batch):
    x, t = batch
    losses = xc.cross_entropy(x, t, reduction="none")
    assert (losses >= 0).all()
    np.testing.assert_allclose(losses, -picked(xc.log_softmax(x), t), rtol=1e-12, atol=1e-12)


@FAST
@given(batches_with_targets(st.floats(-30.0, 30.0)))
def test_three_routes_to_the_loss_agree(batch):
    # Logits within ±30 keep every probability far above float64's underflow, so the
    # spreadsheet's log-of-a-probability route is accurate too.
    x, t = batch
    fused = xc.nll_loss(xc.log_softmax(x), t, reduction="none")
    direct = xc.cross_entropy(x, t, reduction="none")
    p = xc.softmax(x)
    if_form = xc.index_cross_entropy(p, t)
    one_hot_form = xc.one_hot_cross_entropy(p, xc.one_hot(t, x.shape[1]))
    np.testing.assert_allclose(direct, fused, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(if_form, fused, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(one_hot_form, fused, rtol=1e-9, atol=1e-12)
    assert math.isclose(float(xc.cross_entropy(x, t)), float(np.mean(direct)), rel_tol=1e-12,
                        abs_tol=1e-15)


# ------------------------------------------------------------- gradient vs finite differences


@st.composite
def gradient_cases(draw):
    """A batch and every cross_entropy option the gradient has to handle."""
    n = draw(st.integers(1, 4))
    c = draw(st.integers(2, 5))
    x = draw(hnp.arrays(np.float64, (n, c), elements=st.floats(-5.0, 5.0)))
    kwargs = {
        "reduction": draw(st.sampled_from(["mean", "sum", "none"])),
        "label_smoothing": draw(st.sampled_from([0.0, 0.1, 0.5])),
    }
    if draw(st.booleans()):
        kwargs["weight"] = draw(hnp.arrays(np.float64, (c,), elements=st.floats(0.1, 3.0)))
    if draw(st.booleans()):  # class probabilities
        raw = draw(hnp.arrays(np.float64, (n, c), elements=st.floats(0.01, 1.0)))
        target = raw / raw.sum(axis=1, keepdims=True)
    else:
        target = np.array(draw(st.lists(st.integers(0, c - 1), min_size=n, max_size=n)))
        if n > 1 and draw(st.booleans()):
            target[draw(st.integers(0, n - 1))] = -100  # one example ignored
    return x, target, kwargs


def central_differences(f, x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[index] += h
        down[index] -= h
        grad[index] = (f(up) - f(down)) / (2 * h)
    return grad


@SLOW
@given(gradient_cases())
def test_cross_entropy_grad_matches_finite_differences(case):
    x, target, kwargs = case

    def loss(logits):
        # For reduction='none' the gradient is that of the sum of the per-example losses.
        return float(np.sum(xc.cross_entropy(logits, target, **kwargs)))

    analytic = xc.cross_entropy_grad(x, target, **kwargs)
    assert analytic.shape == x.shape
    np.testing.assert_allclose(analytic, central_differences(loss, x), rtol=1e-5, atol=1e-7)


@SLOW
@given(hnp.arrays(np.float64, st.integers(2, 6), elements=st.floats(-5.0, 5.0)), st.data())
def test_cross_entropy_grad_of_one_example_matches_finite_differences(x, data):
    target = data.draw(st.integers(0, x.shape[0] - 1))

    def loss(logits):
        return float(xc.cross_entropy(logits, target))

    analytic = xc.cross_entropy_grad(x, target)
    np.testing.assert_allclose(analytic, central_differences(loss, x), rtol=1e-5, atol=1e-7)
    # and it is p - one_hot
    np.testing.assert_allclose(analytic, xc.softmax(x) - np.eye(x.shape[0])[target], atol=1e-15)


# --------------------------------------------------------------- sigmoid, temperature, lse


@FAST
@given(st.floats(-700.0, 700.0), st.floats(-700.0, 700.0))
def test_two_class_softmax_is_sigmoid_of_the_logit_difference(a, b):
    p = xc.softmax([a, b])
    assert math.isclose(p[0], float(xc.sigmoid(a - b)), rel_tol=1e-12, abs_tol=1e-300)
    assert math.isclose(p[1], float(xc.sigmoid(b - a)), rel_tol=1e-12, abs_tol=1e-300)


@FAST
@given(logit_batches(), st.floats(0.05, 20.0))
def test_temperature_divides_the_logits(x, temperature):
    np.testing.assert_allclose(
        xc.softmax(x, temperature=temperature), xc.softmax(x / temperature), rtol=1e-12,
        atol=1e-300,
    )
    np.testing.assert_allclose(
        xc.log_softmax(x, temperature=temperature), xc.log_softmax(x / temperature),
        rtol=1e-12, atol=1e-10,
    )


@FAST
@given(logit_batches(WIDE))
def test_logsumexp_lies_between_the_max_and_the_max_plus_log_c(x):
    lse = xc.logsumexp(x)
    largest = x.max(axis=1)
    n_classes = x.shape[1]
    assert (lse >= largest).all()
    assert (lse <= largest + math.log(n_classes) + 1e-12 * (1 + np.abs(largest))).all()


# ------------------------------------------------------------------------------ log bases


@FAST
@given(batches_with_targets(st.floats(-30.0, 30.0)))
def test_loss_in_bits_is_the_loss_in_nats_over_ln_2(batch):
    x, t = batch
    p = xc.softmax(x)
    nats = xc.index_cross_entropy(p, t, log_base="e")
    np.testing.assert_allclose(xc.index_cross_entropy(p, t, log_base="2"), nats / math.log(2),
                               rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(xc.index_cross_entropy(p, t, log_base="10"),
                               nats / math.log(10), rtol=1e-12, atol=1e-15)
    one = xc.explain(x[0], int(t[0]), log_base="2")
    assert math.isclose(one.loss, float(xc.cross_entropy(x[0], t[0])) / math.log(2),
                        rel_tol=1e-12, abs_tol=1e-15)
