"""Entropy, KL divergence and PyTorch's kl_div: SciPy as the independent reference, committed
PyTorch values, hand-derived numbers and the identity H(p, q) = H(p) + KL(p‖q)."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy import special, stats  # the independent reference (requirements-dev.txt)
from torch_helpers import case_ids, check_against_reference, reference_cases

import xent_core as xc

PROPERTY = settings(max_examples=80, deadline=None)
RTOL = 1e-9
BASES = {"e": math.e, "2": 2.0, "10": 10.0}


def quietly(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return fn(*args, **kwargs)


@st.composite
def distributions(draw, n_classes=None, allow_zeros=True):
    """A probability vector of C classes (some exact zeros when allowed)."""
    c = n_classes or draw(st.integers(1, 8))
    low = 0.0 if allow_zeros else 1e-6
    weights = draw(hnp.arrays(np.float64, c, elements=st.floats(low, 1.0)))
    if weights.sum() == 0:
        weights[0] = 1.0
    return weights / weights.sum()


@st.composite
def pairs(draw, allow_zero_q=False):
    p = draw(distributions())
    q = draw(distributions(n_classes=p.size, allow_zeros=allow_zero_q))
    return p, q


# -------------------------------------------------------------------- SciPy references


@PROPERTY
@given(distributions(), st.sampled_from(list(BASES)))
def test_entropy_agrees_with_scipy_stats_entropy(p, base):
    expected = stats.entropy(p, base=BASES[base])
    assert float(quietly(xc.entropy, p, log_base=base)) == pytest.approx(expected, rel=RTOL,
                                                                         abs=1e-15)


@PROPERTY
@given(pairs(allow_zero_q=True))
def test_rel_entr_agrees_with_scipy_special_rel_entr(pq):
    p, q = pq
    np.testing.assert_allclose(quietly(xc.rel_entr, p, q), special.rel_entr(p, q), rtol=RTOL,
                               atol=1e-15)


@PROPERTY
@given(pairs(), st.sampled_from(list(BASES)))
def test_kl_divergence_agrees_with_scipy_stats_entropy_of_two_distributions(pq, base):
    p, q = pq
    expected = stats.entropy(p, q, base=BASES[base])
    ours = float(quietly(xc.kl_divergence, p, q, log_base=base))
    assert ours == pytest.approx(expected, rel=RTOL, abs=1e-14)


def test_kl_divergence_of_a_batch_is_one_number_per_row():
    p = np.array([[0.5, 0.5], [0.9, 0.1]])
    q = np.array([[0.25, 0.75], [0.5, 0.5]])
    np.testing.assert_allclose(xc.kl_divergence(p, q), special.rel_entr(p, q).sum(axis=1),
                               rtol=RTOL)


# ------------------------------------------------------------------- hand-derived values


def test_entropy_of_a_fair_coin_is_one_bit_and_of_a_certain_one_zero():
    np.testing.assert_array_equal(xc.entropy([[0.5, 0.5], [1.0, 0.0]], log_base="2"), [1.0, 0.0])


def test_entropy_of_the_uniform_distribution_is_log_c():
    assert float(xc.entropy(np.full(5, 0.2))) == pytest.approx(math.log(5), rel=1e-15)


def test_kl_of_a_fair_coin_from_a_quarter_three_quarter_coin():
    # KL = 1/2 log2(1/2 / 1/4) + 1/2 log2(1/2 / 3/4) = 1/2 (1 + log2(2/3)) = 0.20751874963942196
    assert float(xc.kl_divergence([0.5, 0.5], [0.25, 0.75], log_base="2")) == pytest.approx(
        0.20751874963942196, rel=1e-14)


def test_kl_is_infinite_when_the_prediction_rules_out_a_possible_class():
    assert float(xc.kl_divergence([0.5, 0.5], [1.0, 0.0])) == math.inf


def test_distribution_cross_entropy_ignores_classes_the_target_rules_out():
    # -(1 * log2 0.5) and the class with p = 0 but q = 0 adds nothing (no NaN).
    assert float(xc.distribution_cross_entropy([1.0, 0.0, 0.0], [0.5, 0.5, 0.0],
                                               log_base="2")) == 1.0


def test_entropy_still_lives_in_teaching_for_old_imports():
    from xent_core.divergences import entropy
    from xent_core.teaching import entropy as old

    assert old is entropy is xc.entropy


# ------------------------------------------------------- PyTorch kl_div (committed values)


KL_DIV_CASES = reference_cases("kl_div")


@pytest.mark.parametrize("case", KL_DIV_CASES, ids=case_ids(KL_DIV_CASES))
def test_kl_div_matches_the_committed_pytorch_values(case):
    check_against_reference(case)  # log_target or not, every reduction, zeros and -inf


KL_INPUT_LOGITS = [[0.5, -1.0, 2.0], [0.0, 0.0, 3.0]]
KL_TARGET = [[0.2, 0.3, 0.5], [0.7, 0.1, 0.2]]


def test_kl_div_batchmean_is_the_mean_kl_per_example():
    log_q = xc.log_softmax(KL_INPUT_LOGITS)
    expected = np.mean(xc.kl_divergence(KL_TARGET, xc.softmax(KL_INPUT_LOGITS)))
    assert float(xc.kl_div(log_q, KL_TARGET, reduction="batchmean")) == pytest.approx(
        expected, rel=1e-13)


def test_kl_div_mean_also_divides_by_the_number_of_classes():
    log_q = xc.log_softmax(KL_INPUT_LOGITS)
    batchmean = float(xc.kl_div(log_q, KL_TARGET, reduction="batchmean"))
    assert float(xc.kl_div(log_q, KL_TARGET)) == pytest.approx(batchmean / 3, rel=1e-14)


# ----------------------------------------------------------------------------- properties


@PROPERTY
@given(pairs(), st.sampled_from(list(BASES)))
def test_kl_is_never_negative_and_zero_for_identical_distributions(pq, base):
    p, q = pq
    assert float(xc.kl_divergence(p, q, log_base=base)) >= -1e-12
    assert float(xc.kl_divergence(p, p, log_base=base)) == pytest.approx(0.0, abs=1e-12)


@PROPERTY
@given(pairs(), st.sampled_from(list(BASES)))
def test_cross_entropy_is_entropy_plus_kl(pq, base):
    p, q = pq
    h = float(xc.entropy(p, log_base=base))
    kl = float(xc.kl_divergence(p, q, log_base=base))
    cross = float(xc.distribution_cross_entropy(p, q, log_base=base))
    assert cross == pytest.approx(h + kl, rel=1e-9, abs=1e-12)


@PROPERTY
@given(hnp.arrays(np.float64, st.integers(2, 7), elements=st.floats(-30.0, 30.0)),
       st.data())
def test_cross_entropy_from_logits_is_entropy_plus_kl_div(logits, data):
    p = data.draw(distributions(n_classes=logits.size))
    ce = float(xc.cross_entropy(logits, p))
    kl = float(xc.kl_div(xc.log_softmax(logits), p, reduction="sum"))
    assert ce == pytest.approx(float(xc.entropy(p)) + kl, rel=1e-9, abs=1e-9)
