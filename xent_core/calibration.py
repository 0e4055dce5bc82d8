"""Is the model calibrated? Reliability bins, expected calibration error, temperature scaling.

A classifier is *calibrated* when, among the predictions it makes with confidence 0.8, about
80 % are right. Softmax outputs need not be: a model trained long on cross-entropy is often
over-confident. The tools here measure that and fix it:

- :func:`reliability_bins`: split the predictions into equal-width bins of confidence
  (the top probability) and compare each bin's mean confidence with its accuracy — the data
  of a reliability diagram;
- :func:`expected_calibration_error`: the bin-weighted mean gap ``|accuracy − confidence|``;
- :func:`fit_temperature`: temperature scaling (Guo et al., 2017). Divide every logit by one
  number ``T`` chosen to minimise the mean negative log-likelihood (the cross-entropy) of a
  held-out set. ``T > 1`` softens over-confident predictions. Dividing by a positive number
  never changes which logit is largest, so the accuracy stays exactly the same.
- :func:`calibration`: everything above for one temperature, in one call.

Pure NumPy: the 1-D minimisation is a golden-section search on ``log T``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from xent_core.activations import softmax
from xent_core.checks import (
    check_class_indices,
    check_logits,
    check_temperature,
    check_whole_number,
)
from xent_core.losses import cross_entropy

DEFAULT_BINS = 10
# Temperatures searched by fit_temperature: from very sharp to very flat.
TEMPERATURE_BOUNDS = (0.05, 20.0)
_GOLDEN = (math.sqrt(5.0) - 1.0) / 2.0  # 0.618..., the golden-section ratio


def _check_n_bins(n_bins) -> int:
    return check_whole_number(n_bins, "n_bins", 1, 1000)


def _check_batch(values, labels, name: str) -> tuple[np.ndarray, np.ndarray]:
    x = check_logits(values, name)
    if x.ndim != 2:
        raise ValueError(
            f"{name} must be a matrix of shape (N, C), one row per example; got shape {x.shape}."
        )
    y = check_class_indices(labels, x.shape[1], x.shape[:1], ignore_index=None)
    return x, y


# ------------------------------------------------------------------ reliability diagram


@dataclass(frozen=True, eq=False)
class ReliabilityBins:
    """Predictions grouped by confidence into ``B`` equal-width bins on ``[0, 1]``."""

    edges: np.ndarray  # (B + 1,) 0, 1/B, ..., 1; bin b holds confidences in (edges[b], edges[b+1]]
    counts: np.ndarray  # (B,) int64, how many predictions fall in each bin
    mean_confidence: np.ndarray  # (B,) mean top probability per bin; NaN for an empty bin
    accuracy: np.ndarray  # (B,) fraction of correct predictions per bin; NaN for an empty bin

    @property
    def centers(self) -> np.ndarray:
        """``(B,)`` the middle of each bin."""
        return (self.edges[:-1] + self.edges[1:]) / 2.0

    @property
    def gaps(self) -> np.ndarray:
        """``(B,)`` accuracy − mean confidence: negative where the model is over-confident."""
        return self.accuracy - self.mean_confidence


def reliability_bins(probabilities, labels, n_bins: int = DEFAULT_BINS) -> ReliabilityBins:
    """Bin the predictions by confidence and measure each bin's accuracy.

    Parameters
    ----------
    probabilities : array_like, shape ``(N, C)``
        Predicted probabilities, one row per example.
    labels : array_like of int, shape ``(N,)``
        The true class of each example.
    n_bins : int, default 10
        Number of equal-width bins on ``[0, 1]``.

    Returns
    -------
    ReliabilityBins
        With ``confidence_n = max_c p[n, c]`` and ``correct_n = [argmax_c p[n, c] == y_n]``,
        bin ``b`` holds the examples with ``b / B < confidence ≤ (b + 1) / B`` (a confidence
        of exactly 0 goes to the first bin), and reports their count, mean confidence and
        accuracy.

    Notes
    -----
    A calibrated model's bins lie on the diagonal: accuracy = confidence.

    Examples
    --------
    >>> bins = reliability_bins([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7]], [0, 1, 1], n_bins=5)
    >>> bins.counts.tolist(), bins.accuracy[3:].tolist()
    ([0, 0, 0, 2, 1], [0.5, 1.0])
    """
    p, y = _check_batch(probabilities, labels, "probabilities")
    if (p < 0).any() or (p > 1).any():
        raise ValueError("probabilities must lie between 0 and 1; apply softmax to logits first.")
    b = _check_n_bins(n_bins)
    confidence = np.max(p, axis=1)
    correct = (np.argmax(p, axis=1) == y).astype(np.float64)
    return _bins(confidence, correct, b)


def _bins(confidence: np.ndarray, correct: np.ndarray, n_bins: int) -> ReliabilityBins:
    index = np.clip(np.ceil(confidence * n_bins).astype(np.int64) - 1, 0, n_bins - 1)
    counts = np.bincount(index, minlength=n_bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_confidence = np.bincount(index, weights=confidence, minlength=n_bins) / counts
        accuracy = np.bincount(index, weights=correct, minlength=n_bins) / counts
    return ReliabilityBins(edges=np.linspace(0.0, 1.0, n_bins + 1), counts=counts,
                           mean_confidence=mean_confidence, accuracy=accuracy)


def _ece(bins: ReliabilityBins) -> float:
    filled = bins.counts > 0
    weights = bins.counts[filled] / np.sum(bins.counts)
    return float(np.sum(weights * np.abs(bins.gaps[filled])))


def expected_calibration_error(probabilities, labels, n_bins: int = DEFAULT_BINS) -> float:
    """Expected calibration error: the bin-weighted mean of ``|accuracy − confidence|``.

    Parameters
    ----------
    probabilities : array_like, shape ``(N, C)``
    labels : array_like of int, shape ``(N,)``
    n_bins : int, default 10

    Returns
    -------
    float
        .. math:: ECE = \\sum_b \\frac{n_b}{N} \\left| acc_b - conf_b \\right|

        over the non-empty bins of :func:`reliability_bins`; 0 for a perfectly calibrated
        model, at most 1.

    Examples
    --------
    >>> round(expected_calibration_error([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7]], [0, 1, 1], 5), 6)
    0.2
    """
    return _ece(reliability_bins(probabilities, labels, n_bins))


# ------------------------------------------------------------------ temperature scaling


def temperature_nll(logits, labels, temperature: float) -> float:
    """Mean negative log-likelihood (cross-entropy, nats) of the logits divided by ``T``.

    ``NLL(T) = cross_entropy(logits / T, labels)``: the quantity :func:`fit_temperature`
    minimises.

    Examples
    --------
    >>> round(temperature_nll([[2.0, 0.0]], [0], 2.0), 6)  # -ln softmax([1, 0])[0]
    0.313262
    """
    x, y = _check_batch(logits, labels, "logits")
    return float(cross_entropy(x / check_temperature(temperature), y))


def fit_temperature(logits, labels, bounds: tuple[float, float] = TEMPERATURE_BOUNDS,
                    tol: float = 1e-7) -> float:
    """The temperature ``T`` that minimises the mean NLL of ``softmax(logits / T)``.

    Parameters
    ----------
    logits : array_like, shape ``(N, C)``
        A held-out set's logits (not the data the model was trained on).
    labels : array_like of int, shape ``(N,)``
    bounds : (float, float), default (0.05, 20)
        The range of temperatures searched.
    tol : float, default 1e-7
        Width of the final interval in ``log T``.

    Returns
    -------
    float
        The minimiser within ``bounds`` (a bound itself if the minimum lies beyond it, e.g.
        when every example is already right with a margin, and sharper is always better).
        Its NLL is never above the NLL at ``T = 1`` (when 1 is within ``bounds``).

    Notes
    -----
    With ``β = 1 / T`` the NLL, ``mean_n(logsumexp(β x_n) − β x_{n, y_n})``, is convex in
    ``β``, so it has a single valley along ``log T`` too, and a golden-section search on
    ``log T`` finds it without derivatives: each step keeps the part of the interval that
    holds the lowest point seen and shrinks it by 0.618. About 50 steps reach ``tol``.

    Examples
    --------
    >>> # over-confident: big logits, but one example in three is wrong
    >>> t = fit_temperature([[4.0, 0.0], [4.0, 0.0], [0.0, 4.0]], [0, 0, 0])
    >>> round(t, 3)
    5.771
    """
    x, y = _check_batch(logits, labels, "logits")
    low, high = (check_temperature(b) for b in bounds)
    if not low < high:
        raise ValueError(f"bounds must be (lowest, highest) with lowest < highest; got {bounds}.")
    if not 0 < tol < 1:
        raise ValueError(f"tol must be a small positive number; got {tol!r}.")

    def nll(log_t: float) -> float:
        return float(cross_entropy(x * math.exp(-log_t), y))

    a, b = math.log(low), math.log(high)
    c, d = b - _GOLDEN * (b - a), a + _GOLDEN * (b - a)
    f_c, f_d = nll(c), nll(d)
    while b - a > tol:
        if f_c <= f_d:  # the lowest point so far is in [a, d]
            b, d, f_d = d, c, f_c
            c = b - _GOLDEN * (b - a)
            f_c = nll(c)
        else:  # in [c, b]
            a, c, f_c = c, d, f_d
            d = a + _GOLDEN * (b - a)
            f_d = nll(d)
    # The best point evaluated, with the two ends and T = 1 as candidates too: the fit never
    # does worse than leaving the logits alone, nor worse than a bound. On a tie (all logits
    # equal, say, where T changes nothing) the temperature closest to 1 wins.
    candidates = [c, d, math.log(low), math.log(high)]
    if low <= 1.0 <= high:
        candidates.append(0.0)
    best = min(candidates, key=lambda log_t: (nll(log_t), abs(log_t)))
    return math.exp(best)


@dataclass(frozen=True, eq=False)
class Calibration:
    """How calibrated ``softmax(logits / T)`` is on a labelled set. Losses in nats."""

    temperature: float
    bins: ReliabilityBins
    expected_calibration_error: float
    nll: float  # mean -ln p[n, y_n]: cross_entropy(logits / T, labels)
    accuracy: float  # fraction with argmax = label; the same for every T
    mean_confidence: float  # mean top probability


def calibration(logits, labels, temperature: float = 1.0,
                n_bins: int = DEFAULT_BINS) -> Calibration:
    """Reliability bins, ECE, NLL, accuracy and mean confidence of ``softmax(logits / T)``.

    Parameters
    ----------
    logits : array_like, shape ``(N, C)``
    labels : array_like of int, shape ``(N,)``
    temperature : float, default 1.0
    n_bins : int, default 10

    Returns
    -------
    Calibration

    Examples
    --------
    >>> c = calibration([[4.0, 0.0], [4.0, 0.0], [0.0, 4.0]], [0, 0, 0])
    >>> round(c.accuracy, 4), round(c.mean_confidence, 4), round(c.expected_calibration_error, 4)
    (0.6667, 0.982, 0.3153)
    """
    x, y = _check_batch(logits, labels, "logits")
    t = check_temperature(temperature)
    b = _check_n_bins(n_bins)
    scaled = x / t
    p = softmax(scaled)
    confidence = np.max(p, axis=1)
    correct = (np.argmax(x, axis=1) == y).astype(np.float64)
    bins = _bins(confidence, correct, b)
    return Calibration(
        temperature=t,
        bins=bins,
        expected_calibration_error=_ece(bins),
        nll=float(cross_entropy(scaled, y)),
        accuracy=float(np.mean(correct)),
        mean_confidence=float(np.mean(confidence)),
    )
