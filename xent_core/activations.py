"""Activations: softmax, log_softmax, logsumexp and sigmoid.

The class axis is the last axis: logits have shape ``(C,)`` for one example or ``(N, C)``
for a batch of ``N`` examples. Every function here subtracts the largest logit before
calling ``exp`` (the log-sum-exp trick), so logits of ±1e4 or beyond never overflow.

Inputs are computed in float64, except a float32 array, which stays float32 and gives a
float32 result, as a float32 tensor does in PyTorch.
"""

from __future__ import annotations

import numpy as np

from xent_core.checks import as_float_array, check_finite, check_logits, check_temperature


def _shifted(logits: np.ndarray, axis: int, temperature: float) -> np.ndarray:
    """``(logits - max) / temperature``: every entry ≤ 0 and the largest exactly 0."""
    largest = np.max(logits, axis=axis, keepdims=True)
    # The gap between two huge logits (1e308 and -1e308) overflows to -inf, which exp maps
    # to the correct 0; silence the warning that would otherwise be raised.
    with np.errstate(over="ignore"):
        shifted = logits - largest
        if temperature != 1.0:
            shifted /= temperature
    return shifted


def logsumexp(logits, axis: int = -1) -> np.ndarray:
    """Log of the sum of exponentials, computed without overflow.

    Parameters
    ----------
    logits : array_like, shape ``(C,)`` or ``(N, C)``
        Finite real numbers.
    axis : int, default -1
        The class axis to sum over.

    Returns
    -------
    ndarray, shape ``()`` or ``(N,)``
        ``log(sum_j exp(logits_j))``.

    Notes
    -----
    With ``m = max_j x_j``:

    .. math:: \\log \\sum_j e^{x_j} = m + \\log \\sum_j e^{x_j - m}

    Every ``x_j - m`` is ≤ 0, so ``exp`` never overflows, and the largest term is
    ``e^0 = 1``, so the sum is at least 1 and its log never underflows.

    Examples
    --------
    >>> float(logsumexp([1000.0, 1000.0]))  # log(2 e^1000), where exp(1000) alone is inf
    1000.6931471805599
    """
    x = check_logits(logits, keep_float32=True)
    largest = np.max(x, axis=axis)
    shifted = _shifted(x, axis, 1.0)
    return largest + np.log(np.sum(np.exp(shifted), axis=axis))


def softmax(logits, axis: int = -1, temperature: float = 1.0) -> np.ndarray:
    """Turn logits into probabilities that are positive and sum to 1 along ``axis``.

    Parameters
    ----------
    logits : array_like, shape ``(C,)`` or ``(N, C)``
        Raw model outputs (finite real numbers).
    axis : int, default -1
        The class axis.
    temperature : float, default 1.0
        Divides the logits before the softmax. Above 1 flattens the probabilities towards
        uniform; below 1 sharpens them towards the largest logit. Must be > 0.

    Returns
    -------
    ndarray, same shape as ``logits``
        ``p_i = exp(x_i / T) / sum_j exp(x_j / T)``.

    Notes
    -----
    Computed as ``exp((x_i - m) / T) / sum_j exp((x_j - m) / T)`` with ``m = max_j x_j``:
    the same value, with no overflow. Like ``torch.softmax(x, dim=-1)`` (with ``x / T``).

    Examples
    --------
    >>> softmax([-9.0, 5.0, 10.0]).round(4)
    array([0.    , 0.0067, 0.9933])
    """
    x = check_logits(logits, keep_float32=True)
    exps = np.exp(_shifted(x, axis, check_temperature(temperature)))
    exps /= np.sum(exps, axis=axis, keepdims=True)
    return exps


def log_softmax(logits, axis: int = -1, temperature: float = 1.0) -> np.ndarray:
    """Log of the softmax, computed directly so it stays finite.

    Parameters
    ----------
    logits : array_like, shape ``(C,)`` or ``(N, C)``
        Raw model outputs (finite real numbers).
    axis : int, default -1
        The class axis.
    temperature : float, default 1.0
        Divides the logits first, as in :func:`softmax`.

    Returns
    -------
    ndarray, same shape as ``logits``
        ``log p_i = x_i / T - logsumexp(x / T)``; every entry ≤ 0.

    Notes
    -----
    ``np.log(softmax(x))`` underflows to ``-inf`` once a probability drops below about
    1e-308 (for example ``softmax([0, -800])``); ``log_softmax`` returns the exact
    ``-800`` instead. This is why PyTorch recommends ``log_softmax`` followed by
    ``nll_loss`` (which is what ``cross_entropy`` does).

    Examples
    --------
    >>> log_softmax([0.0, -800.0])
    array([   0., -800.])
    """
    x = check_logits(logits, keep_float32=True)
    shifted = _shifted(x, axis, check_temperature(temperature))
    shifted -= np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))
    return shifted


def sigmoid(x) -> np.ndarray:
    """The logistic function ``1 / (1 + exp(-x))``, elementwise and without overflow.

    Parameters
    ----------
    x : array_like
        Finite real numbers, any shape.

    Returns
    -------
    ndarray, same shape as ``x``
        Values in ``[0, 1]``.

    Notes
    -----
    For ``x ≥ 0`` it uses ``1 / (1 + e^{-x})``; for ``x < 0`` the equal form
    ``e^{x} / (1 + e^{x})``, so ``exp`` only ever sees a non-positive number. A two-class
    softmax is a sigmoid of the logit difference: ``softmax([a, b])[0] == sigmoid(a - b)``.

    Examples
    --------
    >>> sigmoid([0.0, 1000.0, -1000.0])
    array([0.5, 1. , 0. ])
    """
    values = as_float_array(x, "x", keep_float32=True)
    check_finite(values, "x")
    small = np.exp(-np.abs(values))  # in (0, 1]
    return np.where(values >= 0, 1.0 / (1.0 + small), small / (1.0 + small))


def log_sigmoid(x) -> np.ndarray:
    """``log(sigmoid(x)) = -log(1 + exp(-x))``, elementwise and without overflow.

    Notes
    -----
    ``log σ(x) = min(x, 0) - log1p(exp(-|x|))``. Used by
    :func:`~xent_core.losses.binary_cross_entropy_with_logits`; like
    ``torch.nn.functional.logsigmoid``.

    Examples
    --------
    >>> log_sigmoid([0.0, -1000.0]).round(6).tolist()
    [-0.693147, -1000.0]
    """
    values = as_float_array(x, "x", keep_float32=True)
    check_finite(values, "x")
    return np.minimum(values, 0.0) - np.log1p(np.exp(-np.abs(values)))
