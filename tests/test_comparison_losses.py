"""MSE and the multiclass hinge loss: PyTorch's committed numbers, hand-derived values, gradients
against finite differences, and the properties lesson 5 relies on. (The live comparison with
PyTorch, autograd included, is in test_torch_agreement.py.)"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from torch_helpers import case_ids, check_against_reference, reference_cases

import xent_core as xc

PROPERTY = settings(max_examples=60, deadline=None)


# ------------------------------------------------- committed PyTorch values (no torch needed)


MSE_CASES = reference_cases("mse_loss", "mse_loss_grad")
MARGIN_CASES = reference_cases("multi_margin_loss", "multi_margin_loss_grad")


@pytest.mark.parametrize("case", MSE_CASES, ids=case_ids(MSE_CASES))
def test_mse_loss_and_its_gradient_match_the_committed_pytorch_values(case):
    check_against_reference(case)  # plain and weighted, every reduction


@pytest.mark.parametrize("case", MARGIN_CASES, ids=case_ids(MARGIN_CASES))
def test_multi_margin_loss_and_its_gradient_match_the_committed_pytorch_values(case):
    check_against_reference(case)  # p, margin, weight, every reduction, one example


# ------------------------------------------------------------------- hand-derived values


def test_cs231n_cat_example_costs_2_9_before_pytorch_divides_by_3():
    # scores cat 3.2, car 5.1, frog -1.7, true class cat:
    # max(0, 5.1 - 3.2 + 1) + max(0, -1.7 - 3.2 + 1) = 2.9 + 0 = 2.9; PyTorch divides by C = 3.
    assert float(xc.multi_margin_loss([3.2, 5.1, -1.7], 0)) == pytest.approx(2.9 / 3, rel=1e-14)
    # the car image: 1.3 4.9 2.0, true car: max(0, 1.3 - 4.9 + 1) + max(0, 2.0 - 4.9 + 1) = 0
    assert float(xc.multi_margin_loss([1.3, 4.9, 2.0], 1)) == 0.0
    # the frog image: 2.2 2.5 -3.1, true frog: (2.2 + 3.1 + 1) + (2.5 + 3.1 + 1) = 12.9
    assert float(xc.multi_margin_loss([2.2, 2.5, -3.1], 2)) == pytest.approx(12.9 / 3, rel=1e-14)


def test_hinge_gradient_counts_the_classes_inside_the_margin():
    # cat example: only the car is within the margin: +1/3 on car, -1/3 on cat, 0 on frog.
    np.testing.assert_allclose(xc.multi_margin_loss_grad([3.2, 5.1, -1.7], 0),
                               [-1 / 3, 1 / 3, 0.0], rtol=1e-14)
    # frog example: both others inside: each +1/3, the frog -2/3.
    np.testing.assert_allclose(xc.multi_margin_loss_grad([2.2, 2.5, -3.1], 2),
                               [1 / 3, 1 / 3, -2 / 3], rtol=1e-14)


def test_mse_of_a_confidently_wrong_prediction_is_at_most_two_over_c():
    # p = [0, 1, 0] against the one-hot [1, 0, 0]: (1 + 1 + 0) / 3.
    assert float(xc.mse_loss([0.0, 1.0, 0.0], [1.0, 0.0, 0.0])) == pytest.approx(2 / 3)


def test_softmax_backward_on_an_even_pair():
    # p = [1/2, 1/2], g = [-1, 0]: sum p g = -1/2; grad = p (g + 1/2) = [-1/4, 1/4].
    np.testing.assert_allclose(xc.softmax_backward([0.5, 0.5], [-1.0, 0.0]), [-0.25, 0.25])


def test_mse_on_softmax_through_softmax_backward_matches_finite_differences():
    x = np.array([0.3, -1.2, 2.0, 0.5])
    one_hot = np.eye(4)[1]

    def loss(z):
        return float(xc.mse_loss(xc.softmax(z), one_hot))

    p = xc.softmax(x)
    grad = xc.softmax_backward(p, xc.mse_loss_grad(p, one_hot))
    h = 1e-6
    numeric = [(loss(x + h * e) - loss(x - h * e)) / (2 * h) for e in np.eye(4)]
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-10)


# ---------------------------------------------------------------------------- properties


@st.composite
def scores_and_targets(draw):
    n = draw(st.integers(1, 5))
    c = draw(st.integers(2, 6))
    x = draw(hnp.arrays(np.float64, (n, c), elements=st.floats(-1e3, 1e3)))
    y = np.array(draw(st.lists(st.integers(0, c - 1), min_size=n, max_size=n)))
    return x, y


@PROPERTY
@given(scores_and_targets(), st.sampled_from([1, 2]), st.floats(0.0, 5.0))
def test_hinge_is_never_negative_and_its_gradient_rows_sum_to_zero(case, p, margin):
    x, y = case
    losses = xc.multi_margin_loss(x, y, p=p, margin=margin, reduction="none")
    assert (losses >= 0).all()
    grad = xc.multi_margin_loss_grad(x, y, p=p, margin=margin, reduction="none")
    np.testing.assert_allclose(grad.sum(axis=1), 0.0, atol=1e-9 * (1 + np.abs(grad).max()))


@PROPERTY
@given(scores_and_targets())
def test_hinge_is_zero_with_zero_gradient_once_the_true_class_leads_by_the_margin(case):
    x, y = case
    x = x.copy()
    others = x.copy()
    others[np.arange(len(y)), y] = -np.inf
    x[np.arange(len(y)), y] = others.max(axis=1) + 1.5  # 1.5 > margin 1
    assert float(xc.multi_margin_loss(x, y, reduction="sum")) == 0.0
    assert not xc.multi_margin_loss_grad(x, y).any()


@PROPERTY
@given(hnp.arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(1, 5)),
                  elements=st.floats(-1e3, 1e3)),
       hnp.arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(1, 5)),
                  elements=st.floats(-1e3, 1e3)))
def test_mse_is_the_mean_of_the_squared_differences(a, b):
    b = np.resize(b, a.shape)
    assert float(xc.mse_loss(a, b)) == pytest.approx(np.mean((a - b) ** 2), rel=1e-12, abs=1e-300)
    assert float(xc.mse_loss(a, a)) == 0.0
