"""Softmax in float16, float32 and float64: the route by hand, and the routes that never break.

Every function here takes float64 logits, rounds them to the chosen ``dtype`` and then does
**every** operation in that dtype, as a GPU running half precision would (NumPy's float16 is
real IEEE half precision). Nothing is rescued: where ``exp`` overflows the result holds
``inf``, where ``inf / inf`` happens it holds NaN, where a probability underflows it holds 0,
and no warning is raised. This is what lesson 7 shows side by side.

The routes, for logits ``x`` with ``m = max_j x_j``:

- by hand: ``exp(x) / sum exp(x)``; ``e^x`` overflows once ``x`` passes ``log(largest
  number)``: about 11.09 in float16, 88.72 in float32, 709.78 in float64
  (:data:`EXP_OVERFLOWS_ABOVE`);
- max subtracted: ``exp(x - m) / sum exp(x - m)``: every exponent is ≤ 0, so no overflow;
- log-sum-exp: ``exp(x - logsumexp(x))`` with ``logsumexp(x) = m + log sum exp(x - m)``;
- ``log(softmax(x))`` against ``log_softmax(x) = (x - m) - log sum exp(x - m)``: the first is
  ``-inf`` once a probability underflows to 0 (a class about 745 behind the leader in float64,
  104 in float32, 17 in float16: :data:`PROBABILITY_UNDERFLOWS_BELOW`), and its gradient is
  NaN; the second stays finite.
"""

from __future__ import annotations

import numpy as np

from xent_core.checks import check_class_indices, check_logits

FLOAT_DTYPES = ("float16", "float32", "float64")


def check_dtype(dtype) -> np.dtype:
    """One of float16, float32 or float64 (as a name or a NumPy dtype)."""
    try:
        resolved = np.dtype(dtype)
    except TypeError:
        resolved = None
    if resolved is None or resolved.name not in FLOAT_DTYPES:
        raise ValueError(
            f"dtype must be 'float16', 'float32' or 'float64'; got {dtype!r}."
        )
    return resolved


def exp_overflow_threshold(dtype) -> float:
    """The largest ``x`` whose ``e^x`` the dtype can hold: ``log(finfo(dtype).max)``.

    Examples
    --------
    >>> [round(exp_overflow_threshold(d), 2) for d in ("float16", "float32", "float64")]
    [11.09, 88.72, 709.78]
    """
    return float(np.log(float(np.finfo(check_dtype(dtype)).max)))


def probability_underflow_gap(dtype) -> float:
    """How far a logit can trail the largest before its probability underflows to 0.

    ``-log(smallest_subnormal)``: ``e^(-gap)`` is the smallest positive number of the dtype.
    Beyond about this gap ``softmax`` returns exactly 0 and ``log(softmax)`` returns ``-inf``.

    Examples
    --------
    >>> [round(probability_underflow_gap(d), 1) for d in ("float16", "float32", "float64")]
    [16.6, 103.3, 744.4]
    """
    return float(-np.log(float(np.finfo(check_dtype(dtype)).smallest_subnormal)))


EXP_OVERFLOWS_ABOVE: dict[str, float] = {d: exp_overflow_threshold(d) for d in FLOAT_DTYPES}
PROBABILITY_UNDERFLOWS_BELOW: dict[str, float] = {
    d: -probability_underflow_gap(d) for d in FLOAT_DTYPES
}


def to_dtype(logits, dtype) -> np.ndarray:
    """Checked float64 logits ``(C,)`` or ``(N, C)`` rounded to ``dtype``.

    A logit beyond the dtype's range becomes ``±inf`` (float16 stops at 65504), as a cast
    does in PyTorch.
    """
    x = check_logits(logits)
    with np.errstate(over="ignore"):
        return x.astype(check_dtype(dtype))


def _sum(values: np.ndarray) -> np.ndarray:
    return np.sum(values, axis=-1, keepdims=True, dtype=values.dtype)


# --------------------------------------------------------------------------- the routes


def softmax_by_hand(logits, dtype="float64") -> np.ndarray:
    """``exp(x) / sum_j exp(x_j)`` exactly as written, in ``dtype``.

    Returns
    -------
    ndarray of ``dtype``, same shape as ``logits``
        Right while every ``x < log(max)``; NaN (``inf / inf``) in a row where an ``exp``
        overflowed, and 0 / 0 = NaN where every ``exp`` underflowed.

    Examples
    --------
    >>> softmax_by_hand([12.0, 0.0], "float16")  # e^12 > 65504
    array([nan,  0.], dtype=float16)
    """
    x = to_dtype(logits, dtype)
    with np.errstate(over="ignore", invalid="ignore", under="ignore", divide="ignore"):
        exps = np.exp(x)
        return exps / _sum(exps)


def softmax_max_subtracted(logits, dtype="float64") -> np.ndarray:
    """``exp(x - m) / sum_j exp(x_j - m)`` with ``m = max_j x_j``, in ``dtype``.

    The same value as :func:`softmax_by_hand` (``e^m`` cancels), but every exponent is ≤ 0,
    so ``exp`` lies in ``(0, 1]``, the largest is exactly 1 and the sum is at least 1.

    Examples
    --------
    >>> softmax_max_subtracted([12.0, 0.0], "float16")
    array([1.00e+00, 6.14e-06], dtype=float16)
    """
    x = to_dtype(logits, dtype)
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        exps = np.exp(x - np.max(x, axis=-1, keepdims=True))
        return exps / _sum(exps)


def logsumexp_by_hand(logits, dtype="float64") -> np.ndarray:
    """``log(sum_j exp(x_j))`` as written, in ``dtype``: ``inf`` once an ``exp`` overflows.

    Examples
    --------
    >>> float(logsumexp_by_hand([12.0, 0.0], "float16"))
    inf
    """
    x = to_dtype(logits, dtype)
    with np.errstate(over="ignore", under="ignore", divide="ignore"):
        return np.log(np.sum(np.exp(x), axis=-1, dtype=x.dtype))


def logsumexp_max_subtracted(logits, dtype="float64") -> np.ndarray:
    """``m + log(sum_j exp(x_j - m))``, in ``dtype``: the log-sum-exp trick, never overflows.

    Examples
    --------
    >>> float(logsumexp_max_subtracted([12.0, 0.0], "float16"))
    12.0
    """
    x = to_dtype(logits, dtype)
    largest = np.max(x, axis=-1, keepdims=True)
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        return (largest + np.log(_sum(np.exp(x - largest))))[..., 0]


def softmax_via_logsumexp(logits, dtype="float64") -> np.ndarray:
    """``exp(x - logsumexp(x))``, in ``dtype``: softmax from the log-sum-exp route.

    Never overflows, but in a low precision with large logits it is less exact than
    :func:`softmax_max_subtracted`: ``logsumexp(x)`` is rounded to the dtype's grid near
    ``max(x)`` (a spacing of 0.0078 near 11, of 32 near 60 000 in float16), and ``x - lse``
    carries that error into the exponent. ``x - max`` has no such error.

    Examples
    --------
    >>> softmax_via_logsumexp([12.0, 0.0], "float16")
    array([1.00e+00, 6.14e-06], dtype=float16)
    """
    x = to_dtype(logits, dtype)
    lse = logsumexp_max_subtracted(x, x.dtype)[..., None]
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        return np.exp(x - lse)


def log_of_softmax(logits, dtype="float64") -> np.ndarray:
    """``log(softmax(x))`` in two steps, in ``dtype``: ``-inf`` where a probability underflowed.

    Uses the max-subtracted softmax (as ``torch.log(torch.softmax(x, -1))`` does), so it
    breaks only through the log of a probability that rounded to 0.

    Examples
    --------
    >>> log_of_softmax([0.0, -800.0])
    array([  0., -inf])
    """
    p = softmax_max_subtracted(logits, dtype)
    with np.errstate(divide="ignore"):
        return np.log(p)


def log_softmax_fused(logits, dtype="float64") -> np.ndarray:
    """``log_softmax(x) = (x - m) - log(sum_j exp(x_j - m))`` in one step, in ``dtype``.

    Never takes the log of a probability, so it stays finite (as ``torch.log_softmax``).

    Examples
    --------
    >>> log_softmax_fused([0.0, -800.0])
    array([   0., -800.])
    """
    x = to_dtype(logits, dtype)
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        shifted = x - np.max(x, axis=-1, keepdims=True)
        return shifted - np.log(_sum(np.exp(shifted)))


# ----------------------------------------------------- the gradients of -log p[target]


def _check_target(logits: np.ndarray, target) -> np.ndarray:
    return check_class_indices(target, logits.shape[-1], logits.shape[:-1], ignore_index=None)


def log_of_softmax_grad(logits, target, dtype="float64") -> np.ndarray:
    """Gradient of ``-log(softmax(x))[target]`` as autograd computes it, step by step, in ``dtype``.

    Parameters
    ----------
    logits : array_like, shape ``(C,)`` or ``(N, C)``
    target : int or array_like of int, shape ``()`` or ``(N,)``
    dtype : {'float16', 'float32', 'float64'}

    Returns
    -------
    ndarray of ``dtype``, same shape as ``logits``
        Backward through ``log``: ``g_c = u_c / p_c`` with ``u = -one_hot(y)`` (the
        gradient arriving at ``log p``); then through softmax: ``p_j (g_j - sum_c p_c g_c)``.
        Where any ``p_c`` underflowed to 0, ``g_c`` is ``0 / 0`` or ``-1 / 0``, and the sum
        spreads the NaN to every entry of the row, as in PyTorch.

    Examples
    --------
    >>> log_of_softmax_grad([0.0, -800.0], 1)
    array([nan, nan])
    """
    p = softmax_max_subtracted(logits, dtype)
    y = _check_target(p, target)
    grad_log = np.zeros_like(p)  # d loss / d log p: -1 at the target, 0 elsewhere
    np.put_along_axis(grad_log, y[..., None], p.dtype.type(-1), axis=-1)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        grad_p = grad_log / p  # the backward of log; 0 / 0 = NaN wherever p underflowed
        return p * (grad_p - _sum(p * grad_p))


def log_softmax_fused_grad(logits, target, dtype="float64") -> np.ndarray:
    """Gradient of ``-log_softmax(x)[target]``: ``softmax(x) - one_hot(target)``, in ``dtype``.

    Finite for any finite logits in range: the formula never divides by a probability.

    Examples
    --------
    >>> log_softmax_fused_grad([0.0, -800.0], 1)
    array([ 1., -1.])
    """
    p = softmax_max_subtracted(logits, dtype)
    y = _check_target(p, target)
    grad = p.copy()
    np.put_along_axis(grad, y[..., None],
                      np.take_along_axis(p, y[..., None], axis=-1) - p.dtype.type(1), axis=-1)
    return grad
