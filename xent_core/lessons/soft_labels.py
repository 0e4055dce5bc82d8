"""Lesson 8 · Soft labels, entropy and KL — and is the model calibrated?

Cross-entropy against any target distribution ``p`` splits into two stacked parts:

.. math:: H(p, q) = H(p) + KL(p \\| q)

- ``H(p)``, the target's own entropy: what no prediction can get below. With a one-hot target
  it is 0, so the loss can go to 0; with label smoothing ``ε`` it is not, and the lowest
  reachable loss stays above 0 (at finite logits: the model is no longer pushed to infinity);
- ``KL(p‖q) ≥ 0``: what the prediction ``q`` adds on top, 0 exactly when ``q = p``.

Dividing the logits by a temperature ``T`` softens (``T > 1``) or sharpens the prediction, as
distillation does to make soft targets. The second half asks the same of the real MNIST model
(:mod:`xent_core.mnist`): on its held-out digits, is a confidence of 0.9 right 90 % of the
time? Reliability bins, ECE, NLL and accuracy at a chosen temperature, and the temperature
that minimises the held-out NLL (:func:`~xent_core.fit_temperature`). The MNIST part does
not depend on the lesson's logits, so it is computed once per temperature and cached.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from xent_core.activations import log_softmax, softmax
from xent_core.calibration import (
    DEFAULT_BINS,
    Calibration,
    ReliabilityBins,
    calibration,
    fit_temperature,
)
from xent_core.checks import (
    SUM_TO_ONE_TOLERANCE,
    check_label_smoothing,
    check_one_example,
    check_probabilities,
    check_temperature,
    check_whole_number,
)
from xent_core.divergences import entropy, kl_div
from xent_core.losses import cross_entropy
from xent_core.mnist import load_digits, load_model
from xent_core.units import LogBase, get_log_base

CLASS_NAMES = ("cat", "dog", "plane", "fish", "building")
# (logits, target, label_smoothing, temperature)
PRESETS: dict[str, tuple[tuple[float, ...], int | tuple[float, ...], float, float]] = {
    "one-hot": ((-2.17, -1.63, -2.75, 2.39, -0.156), 3, 0.0, 1.0),
    "label smoothing 0.1": ((-2.17, -1.63, -2.75, 2.39, -0.156), 3, 0.1, 1.0),
    "a soft target": ((-2.17, -1.63, -2.75, 2.39, -0.156), (0.1, 0.1, 0.0, 0.6, 0.2), 0.0, 1.0),
    "distillation, T = 4": ((-2.17, -1.63, -2.75, 2.39, -0.156), 3, 0.0, 4.0),
}
DEFAULT_PRESET = "label smoothing 0.1"
# The held-out NLL and ECE curve: temperatures from 1/4 to 8, evenly spaced in log T.
CURVE_TEMPERATURES = np.geomspace(0.25, 8.0, 61)
CURVE_TEMPERATURES.setflags(write=False)


@dataclass(frozen=True, eq=False)
class SoftLabelsView:
    """Everything lesson 8 shows. Entropies, divergences and losses are in ``log_base``."""

    logits: np.ndarray  # (C,)
    temperature: float  # T: the prediction is softmax(logits / T)
    probabilities: np.ndarray  # (C,) q = softmax(logits / T)
    probabilities_at_1: np.ndarray  # (C,) softmax(logits): to compare with q
    target_index: int | None  # the class, when the target was given as one
    label_smoothing: float  # ε
    target: np.ndarray  # (C,) p: the target after smoothing, (1 − ε) target + ε / C
    cross_entropy: float  # H(p, q) = cross_entropy(logits / T, p)
    entropy: float  # H(p): the bottom of the stacked bar
    kl_divergence: float  # KL(p‖q): the top of the stacked bar
    cross_entropy_terms: np.ndarray  # (C,) −p_c log q_c
    entropy_terms: np.ndarray  # (C,) −p_c log p_c
    kl_terms: np.ndarray  # (C,) p_c log(p_c / q_c): one can be negative, their sum cannot
    prediction_entropy: float  # H(q): how unsure the (tempered) prediction is
    lowest_loss: float  # min over q of H(p, q) = H(p), reached at q = p
    best_logits: np.ndarray  # (C,) log p − max log p: logits that reach it (−inf where p = 0)
    # calibration of the MNIST model on its held-out digits, at calibration_temperature
    calibration_temperature: float
    reliability: ReliabilityBins  # the reliability diagram's bars
    expected_calibration_error: float
    nll: float  # mean −log p[label] over the held-out digits
    accuracy: float  # the same at every temperature
    mean_confidence: float
    n_held_out: int
    fitted_temperature: float  # the T that minimises the held-out NLL
    fitted_nll: float
    fitted_expected_calibration_error: float
    fitted_mean_confidence: float
    nll_at_1: float  # T = 1: the model as trained
    expected_calibration_error_at_1: float
    mean_confidence_at_1: float
    curve_temperatures: np.ndarray  # (K,) temperatures from 1/4 to 8
    curve_nll: np.ndarray  # (K,) held-out NLL at each
    curve_expected_calibration_error: np.ndarray  # (K,)
    curve_mean_confidence: np.ndarray  # (K,) falls as T rises; the accuracy does not move
    log_base: LogBase


# ---------------------------------------------------- the MNIST model, computed once


def _read_only(array: np.ndarray) -> np.ndarray:
    array.setflags(write=False)
    return array


@lru_cache(maxsize=1)
def held_out_logits() -> tuple[np.ndarray, np.ndarray]:
    """The MNIST model's logits ``(N, 10)`` and labels ``(N,)`` on the held-out digits (cached,
    read-only)."""
    digits = load_digits()
    logits = load_model().logits(digits.test_x)
    return _read_only(logits), _read_only(np.asarray(digits.test_y, dtype=np.int64))


@lru_cache(maxsize=512)
def held_out_calibration(temperature: float, n_bins: int = DEFAULT_BINS) -> Calibration:
    """:func:`~xent_core.calibration` of the held-out digits at ``temperature`` (cached; nats)."""
    logits, labels = held_out_logits()
    result = calibration(logits, labels, temperature, n_bins)
    for array in (result.bins.edges, result.bins.counts, result.bins.mean_confidence,
                  result.bins.accuracy):
        _read_only(array)
    return result


@lru_cache(maxsize=1)
def held_out_fitted_temperature() -> float:
    """The temperature that minimises the held-out NLL (cached)."""
    return fit_temperature(*held_out_logits())


@lru_cache(maxsize=8)
def _curve(n_bins: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Held-out NLL (nats), ECE and mean confidence at each of CURVE_TEMPERATURES (cached)."""
    readings = [held_out_calibration(float(t), n_bins) for t in CURVE_TEMPERATURES]
    return (_read_only(np.array([r.nll for r in readings])),
            _read_only(np.array([r.expected_calibration_error for r in readings])),
            _read_only(np.array([r.mean_confidence for r in readings])))


# ------------------------------------------------------------------------- the lesson


def target_distribution(target, n_classes: int, label_smoothing: float = 0.0) -> np.ndarray:
    """The target distribution ``p`` of ``n_classes`` classes, checked, after smoothing.

    .. math:: p = (1 - ε)\\,\\text{target} + ε / C

    Parameters
    ----------
    target : int or array_like ``(C,)``
        A class index (one-hot) or probabilities: each in ``[0, 1]``, summing to 1.
    n_classes : int
        ``C``.
    label_smoothing : float in ``[0, 1]``, default 0
        ``ε``.

    Returns
    -------
    ndarray ``(C,)``
        ``p``. Raises ``ValueError`` with a sentence a learner understands when the target is
        not a class or not a distribution (the page shows it next to the boxes).

    Examples
    --------
    >>> target_distribution(1, 3)
    array([0., 1., 0.])
    >>> target_distribution([0.5, 0.5, 0.0], 3, label_smoothing=0.3)
    array([0.45, 0.45, 0.1 ])
    """
    n = check_whole_number(n_classes, "n_classes", 1, 10_000)
    return _target_distribution(np.zeros(n), target, check_label_smoothing(label_smoothing))[0]


def _target_distribution(x: np.ndarray, target, smoothing: float) -> tuple[np.ndarray, int | None]:
    n = x.shape[0]
    if isinstance(target, str | bytes) or np.ndim(target) == 0:
        try:
            index = None if isinstance(target, bool) else float(target)
        except (TypeError, ValueError):
            index = None
        if index is None or not index.is_integer() or not 0 <= index < n:
            raise ValueError(
                f"target must be a class 0 to {n - 1} or {n} probabilities; got {target!r}."
            )
        p, index = np.eye(n)[int(index)], int(index)
    else:
        p = check_probabilities(target, "target", require_sum_to_one=False)
        if p.shape != x.shape:
            raise ValueError(
                f"target must have one probability per class, shape {x.shape}; "
                f"got shape {p.shape}."
            )
        total = float(p.sum())
        if abs(total - 1.0) > SUM_TO_ONE_TOLERANCE:
            raise ValueError(
                f"target probabilities must add up to 1 over the classes; these add up to "
                f"{total:.6g}."
            )
        index = None
    return (1.0 - smoothing) * p + smoothing / n, index


def soft_labels(logits, target, label_smoothing: float = 0.0, temperature: float = 1.0,
                calibration_temperature: float = 1.0, n_bins: int = DEFAULT_BINS,
                log_base="e") -> SoftLabelsView:
    """Cross-entropy as entropy + KL for any target, and the MNIST model's calibration.

    Parameters
    ----------
    logits : array_like, shape ``(C,)``
        The prediction's logits.
    target : int or array_like ``(C,)``
        A class index (one-hot) or a whole target distribution (non-negative, sums to 1).
    label_smoothing : float in ``[0, 1]``, default 0
        ``ε``: the target becomes ``(1 − ε) target + ε / C``, as in PyTorch's
        ``cross_entropy(..., label_smoothing=ε)``.
    temperature : float > 0, default 1
        ``T``: the prediction is ``q = softmax(logits / T)``.
    calibration_temperature : float > 0, default 1
        The temperature applied to the MNIST model's held-out logits.
    n_bins : int, default 10
        Bins of the reliability diagram.
    log_base : {'e', '2', '10'} or LogBase, default 'e'

    Returns
    -------
    SoftLabelsView
        ``cross_entropy = H(p, q)``, ``entropy = H(p)``, ``kl_divergence = KL(p‖q)`` (so
        ``cross_entropy = entropy + kl_divergence``), their per-class terms, the lowest
        reachable loss ``H(p)`` with the logits that reach it, and the calibration numbers.

    Notes
    -----
    ``cross_entropy`` comes from :func:`~xent_core.cross_entropy` with a probability target
    and ``kl_divergence`` from :func:`~xent_core.kl_div` (``reduction='sum'``) on
    ``log_softmax(logits / T)``: two independent computations whose difference is ``H(p)``
    up to rounding.

    Examples
    --------
    >>> v = soft_labels([-2.17, -1.63, -2.75, 2.39, -0.156], 3, label_smoothing=0.1)
    >>> round(v.entropy + v.kl_divergence, 9) == round(v.cross_entropy, 9)
    True
    >>> round(v.lowest_loss, 4)  # with ε = 0.1 the loss can never reach 0
    0.3897
    """
    x = check_one_example(logits, "soft_labels")
    smoothing = check_label_smoothing(label_smoothing)
    t = check_temperature(temperature)
    t_cal = check_temperature(calibration_temperature)
    bins = check_whole_number(n_bins, "n_bins", 1, 100)
    base = get_log_base(log_base)
    per_nat = 1.0 / math.log(base.base)
    p, index = _target_distribution(x, target, smoothing)

    log_q = log_softmax(x / t)
    q = np.exp(log_q)
    positive = p > 0
    with np.errstate(divide="ignore"):
        log_p = np.log(p)
    entropy_terms = np.where(positive, -p * np.where(positive, log_p, 0.0), 0.0)
    cross_terms = np.where(positive, -p * log_q, 0.0)
    h_p = float(entropy(p))

    cal = held_out_calibration(t_cal, bins)
    fitted_t = held_out_fitted_temperature()
    fitted = held_out_calibration(fitted_t, bins)
    at_1 = held_out_calibration(1.0, bins)
    curve_nll, curve_ece, curve_confidence = _curve(bins)
    return SoftLabelsView(
        logits=x,
        temperature=t,
        probabilities=q,
        probabilities_at_1=softmax(x),
        target_index=index,
        label_smoothing=smoothing,
        target=p,
        cross_entropy=float(cross_entropy(x / t, p)) * per_nat,
        entropy=h_p * per_nat,
        kl_divergence=float(kl_div(log_q, p, reduction="sum")) * per_nat,
        cross_entropy_terms=cross_terms * per_nat,
        entropy_terms=entropy_terms * per_nat,
        kl_terms=(cross_terms - entropy_terms) * per_nat,
        prediction_entropy=float(entropy(q)) * per_nat,
        lowest_loss=h_p * per_nat,
        best_logits=log_p - np.max(log_p),
        calibration_temperature=t_cal,
        reliability=cal.bins,
        expected_calibration_error=cal.expected_calibration_error,
        nll=cal.nll * per_nat,
        accuracy=cal.accuracy,
        mean_confidence=cal.mean_confidence,
        n_held_out=int(cal.bins.counts.sum()),
        fitted_temperature=fitted_t,
        fitted_nll=fitted.nll * per_nat,
        fitted_expected_calibration_error=fitted.expected_calibration_error,
        fitted_mean_confidence=fitted.mean_confidence,
        nll_at_1=at_1.nll * per_nat,
        expected_calibration_error_at_1=at_1.expected_calibration_error,
        mean_confidence_at_1=at_1.mean_confidence,
        curve_temperatures=CURVE_TEMPERATURES,
        curve_nll=curve_nll * per_nat,
        curve_expected_calibration_error=curve_ece,
        curve_mean_confidence=curve_confidence,
        log_base=base,
    )
