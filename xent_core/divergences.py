"""Entropy, cross-entropy between two distributions, and the Kullback–Leibler divergence.

Cross-entropy splits into two parts. For a target distribution ``p`` and a prediction ``q``
over the same ``C`` classes:

.. math:: H(p, q) = -\\sum_c p_c \\log q_c = H(p) + KL(p \\| q)

- :func:`entropy` ``H(p) = -sum_c p_c log p_c`` is what the target itself costs: the lowest
  loss any prediction can reach (0 for a one-hot target, more with soft labels);
- :func:`kl_divergence` ``KL(p‖q) = sum_c p_c log(p_c / q_c) ≥ 0`` is what the prediction adds
  on top: 0 exactly when ``q = p``;
- :func:`rel_entr` is one term ``p log(p / q)`` of that sum (named like ``scipy.special``'s);
- :func:`kl_div` is PyTorch's loss, which takes **log**-probabilities as its input (like
  ``nll_loss``), with its ``reduction`` and ``log_target`` options.

Every function takes the class axis last: ``(C,)`` for one distribution, ``(N, C)`` for a
batch. Entropies and divergences take a ``log_base`` (see :mod:`xent_core.units`); ``kl_div``
works in nats, as PyTorch does.
"""

from __future__ import annotations

import numpy as np

from xent_core.checks import (
    as_float_array,
    check_finite,
    check_probabilities,
    check_same_shape,
)
from xent_core.units import get_log_base

KL_DIV_REDUCTIONS = ("mean", "batchmean", "sum", "none")


def _check_distribution(values, name: str) -> np.ndarray:
    """Probabilities of shape ``(C,)`` or ``(N, C)``: in ``[0, 1]`` (rows need not sum to 1)."""
    p = check_probabilities(values, name, axis=None, require_sum_to_one=False)
    if p.ndim not in (1, 2):
        raise ValueError(
            f"{name} must be a vector of shape (C,) or a matrix of shape (N, C) with one "
            f"row per distribution; got shape {p.shape}."
        )
    return p


def _check_pair(p, q, name_p: str, name_q: str) -> tuple[np.ndarray, np.ndarray]:
    a = _check_distribution(p, name_p)
    b = _check_distribution(q, name_q)
    check_same_shape(a, b, name_p, name_q)
    return a, b


# ----------------------------------------------------------------------------- entropy


def entropy(probabilities, log_base="e") -> np.ndarray:
    """Shannon entropy of each distribution: ``H(p) = -sum_c p_c log p_c`` (``0 log 0 = 0``).

    Parameters
    ----------
    probabilities : array_like, shape ``(C,)`` or ``(N, C)``
        Probabilities in ``[0, 1]``, one distribution per row. Rows are used as given (not
        renormalised), so a row that does not sum to 1 gives the sum of its terms.
    log_base : {'e', '2', '10'} or LogBase, default 'e'
        Nats, bits or hartleys.

    Returns
    -------
    ndarray, shape ``()`` or ``(N,)``
        ``H(p) ≥ 0``: 0 for a one-hot row (no doubt at all), ``log C`` for the uniform one.

    Notes
    -----
    High entropy means an unsure prediction. As a target's entropy it is the loss that no
    prediction can beat: ``H(p, q) = H(p) + KL(p‖q) ≥ H(p)``. Like ``scipy.stats.entropy``
    with ``base=`` (which renormalises its input first; this does not).

    Examples
    --------
    >>> entropy([[0.5, 0.5], [1.0, 0.0]], log_base="2")
    array([1., 0.])
    """
    p = _check_distribution(probabilities, "probabilities")
    logs = get_log_base(log_base).log(p)
    return 0.0 - np.sum(p * np.where(p > 0, logs, 0.0), axis=-1)  # 0.0 - avoids printing -0


def distribution_cross_entropy(target, probabilities, log_base="e") -> np.ndarray:
    """Cross-entropy of a prediction ``q`` against a target ``p``: ``-sum_c p_c log q_c``.

    Parameters
    ----------
    target : array_like, shape ``(C,)`` or ``(N, C)``
        The target distribution ``p`` (one-hot, smoothed, or any probabilities).
    probabilities : array_like, same shape
        The predicted distribution ``q``.
    log_base : {'e', '2', '10'} or LogBase, default 'e'

    Returns
    -------
    ndarray, shape ``()`` or ``(N,)``
        ``H(p, q)``; a class with ``p_c = 0`` adds nothing (even where ``q_c = 0``), a class
        with ``p_c > 0`` and ``q_c = 0`` makes it ``inf``.

    Notes
    -----
    From logits, use :func:`~xent_core.cross_entropy` with a probability target: it works
    from ``log_softmax`` and never meets ``log 0``. This form is for two distributions
    already in hand, such as the lesson's bars.

    Examples
    --------
    >>> float(distribution_cross_entropy([0.5, 0.5], [0.25, 0.75], log_base="2")).__round__(6)
    1.207519
    """
    p, q = _check_pair(target, probabilities, "target", "probabilities")
    logs = get_log_base(log_base).log(q)
    with np.errstate(invalid="ignore"):
        return 0.0 - np.sum(np.where(p > 0, p * logs, 0.0), axis=-1)


# --------------------------------------------------------------------- KL divergence


def rel_entr(target, probabilities) -> np.ndarray:
    """One term of the KL divergence, elementwise: ``p log(p / q)`` in nats.

    Parameters
    ----------
    target, probabilities : array_like, same shape
        ``p`` and ``q``, each entry in ``[0, 1]``.

    Returns
    -------
    ndarray, same shape
        ``p log(p / q)`` where ``p > 0`` and ``q > 0``; 0 where ``p = 0``; ``inf`` where
        ``p > 0`` and ``q = 0``. A single term can be negative (where ``q > p``); their sum
        over the classes cannot.

    Notes
    -----
    The same convention as ``scipy.special.rel_entr``.

    Examples
    --------
    >>> rel_entr([0.5, 0.5, 0.0], [0.25, 0.75, 0.0]).round(6)
    array([ 0.346574, -0.202733,  0.      ])
    """
    p = check_probabilities(target, "target", axis=None, require_sum_to_one=False)
    q = check_probabilities(probabilities, "probabilities", axis=None, require_sum_to_one=False)
    check_same_shape(p, q, "target", "probabilities")
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = p * (np.log(p) - np.log(q))
    return np.where(p > 0, terms, 0.0)


def kl_divergence(target, probabilities, log_base="e") -> np.ndarray:
    """Kullback–Leibler divergence ``KL(p‖q) = sum_c p_c log(p_c / q_c)`` of each row.

    Parameters
    ----------
    target : array_like, shape ``(C,)`` or ``(N, C)``
        The target distribution ``p``.
    probabilities : array_like, same shape
        The prediction ``q``.
    log_base : {'e', '2', '10'} or LogBase, default 'e'

    Returns
    -------
    ndarray, shape ``()`` or ``(N,)``
        ``KL(p‖q) ≥ 0`` for distributions (Gibbs' inequality), 0 exactly when ``q = p``;
        ``inf`` if ``q`` gives 0 to a class that ``p`` does not.

    Notes
    -----
    ``KL(p‖q) = H(p, q) - H(p)``: the part of the cross-entropy that a better prediction
    can remove. It is not symmetric: ``KL(p‖q) ≠ KL(q‖p)`` in general. The sum of
    ``scipy.special.rel_entr(p, q)`` over the classes; ``scipy.stats.entropy(p, q)``.

    Examples
    --------
    >>> round(float(kl_divergence([0.5, 0.5], [0.25, 0.75], log_base="2")), 6)
    0.207519
    """
    p, q = _check_pair(target, probabilities, "target", "probabilities")
    return np.sum(rel_entr(p, q), axis=-1) / np.log(get_log_base(log_base).base)


def kl_div(input, target, reduction: str = "mean", log_target: bool = False):
    """PyTorch's KL-divergence loss: ``target * (log target - input)``, with ``input`` in log space.

    Parameters
    ----------
    input : array_like, any shape (usually ``(N, C)``)
        **Log**-probabilities of the prediction, e.g. :func:`~xent_core.log_softmax` of the
        logits. ``-inf`` (the log of 0) is allowed; NaN and ``+inf`` are not.
    target : array_like, same shape
        Probabilities ``p`` (``log_target=False``), or log-probabilities ``log p``
        (``log_target=True``, where ``-inf`` is allowed).
    reduction : {'mean', 'batchmean', 'sum', 'none'}, default 'mean'
        ``'none'`` keeps every term; ``'sum'`` adds them; ``'mean'`` divides the sum by the
        number of **elements** (``N × C``); ``'batchmean'`` divides it by ``N`` (the first
        dimension), which is the KL divergence per example.
    log_target : bool, default False

    Returns
    -------
    float64 or ndarray (``'none'``: same shape as ``input``)
        Elementwise ``p (log p - input)`` with ``0 log 0 = 0``, or ``e^t (t - input)`` for a
        log target ``t``; then reduced.

    Notes
    -----
    The argument order is the reverse of ``KL(p‖q)``: ``kl_div(log q, p)`` is ``KL(p‖q)``.
    Only ``'batchmean'`` gives the mathematical KL per example; ``'mean'`` also divides by
    ``C`` (PyTorch warns about this). As in PyTorch, a 1-D ``input`` counts its classes as the
    first dimension in ``'batchmean'``, and ``target = 0`` where ``input = -inf`` gives NaN
    (``0 × -inf``). Matches ``torch.nn.functional.kl_div``.

    Examples
    --------
    >>> import numpy as np
    >>> round(float(kl_div(np.log([[0.25, 0.75]]), [[0.5, 0.5]], reduction="batchmean")), 6)
    0.143841
    """
    x = as_float_array(input, "input")
    if x.size == 0:
        raise ValueError("input is empty; give at least one log-probability.")
    check_finite(x, "input", allow_neg_inf=True)
    if reduction not in KL_DIV_REDUCTIONS:
        raise ValueError(
            "reduction must be one of 'mean', 'batchmean', 'sum' or 'none'; "
            f"got {reduction!r}."
        )
    if log_target:
        t = as_float_array(target, "target")
        check_same_shape(x, t, "input", "target")
        check_finite(t, "target", allow_neg_inf=True)
        if (t > 0).any():
            raise ValueError(
                "target must be log-probabilities (every entry ≤ 0) with log_target=True; "
                f"got {t.max():g}. Pass probabilities with log_target=False instead."
            )
        with np.errstate(invalid="ignore"):
            terms = np.exp(t) * (t - x)
    else:
        t = check_probabilities(target, "target", axis=None, require_sum_to_one=False)
        check_same_shape(x, t, "input", "target")
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(t > 0, t * np.log(t), 0.0) - t * x
    if reduction == "none":
        return terms
    total = np.float64(np.sum(terms))
    if reduction == "sum":
        return total
    if reduction == "mean":
        return np.float64(total / terms.size)
    return np.float64(total / (x.shape[0] if x.ndim else 1))
