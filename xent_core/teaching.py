"""Teaching helpers: the cross-entropy pipeline broken into the steps the lessons show.

- :func:`explain` walks one example through logits → exp → sum → probabilities → log →
  pick the target → negate, plus the gradient.
- :func:`explain_batch` does the PyTorch walkthrough on a batch: softmax → log → nll_loss,
  the log_softmax route and the cross_entropy route, which all agree.
- :func:`one_hot_cross_entropy` and :func:`index_cross_entropy` are the fast.ai spreadsheet's
  two columns: ``-sum_i y_i log p_i`` and "take the log of the true class's activation".
  :func:`spreadsheet` puts them side by side and flags rows that do not sum to 1.

Every loss reported for display takes a ``log_base`` (see :mod:`xent_core.units`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from xent_core.activations import log_softmax, softmax
from xent_core.checks import (
    SUM_TO_ONE_TOLERANCE,
    as_float_array,
    check_class_indices,
    check_finite,
    check_logits,
    check_one_example,
    check_same_shape,
    check_temperature,
)
from xent_core.divergences import entropy  # noqa: F401  (re-exported: it used to live here)
from xent_core.losses import cross_entropy, cross_entropy_grad, nll_loss
from xent_core.units import LogBase, get_log_base

# --------------------------------------------------------------------------- one example


@dataclass(frozen=True)
class Breakdown:
    """Every intermediate value of cross-entropy for one example with ``C`` classes."""

    logits: np.ndarray  # (C,) the raw model outputs
    target: int  # index of the true class
    exp: np.ndarray  # (C,) e^{logit}; inf where it overflows (logit > ~709)
    sum_exp: float  # sum of exp; inf if any exp overflowed
    exp_overflows: bool  # True when the by-hand route breaks and only the stable one works
    probabilities: np.ndarray  # (C,) softmax, from the stable route
    log_probabilities: np.ndarray  # (C,) log p in ``log_base``
    picked_log_probability: float  # log p[target] in ``log_base``
    loss: float  # -log p[target] in ``log_base``
    grad: np.ndarray  # (C,) d loss / d logits in nats: p - one_hot(target)
    log_base: LogBase

    @property
    def predicted(self) -> int:
        """The class with the highest probability (ties go to the first)."""
        return int(np.argmax(self.probabilities))


def explain(logits, target, log_base="e", temperature: float = 1.0) -> Breakdown:
    """Break cross-entropy for one example into the steps of the lesson table.

    Parameters
    ----------
    logits : array_like, shape ``(C,)``
        One example's raw outputs.
    target : int
        The true class, ``0 <= target < C``.
    log_base : {'e', '2', '10'} or LogBase, default 'e'
        The base of the logs in ``log_probabilities``, ``picked_log_probability`` and ``loss``.
    temperature : float, default 1.0
        Divides the logits before the softmax (the gradient is then with respect to the
        original logits: ``(p - one_hot) / T``).

    Returns
    -------
    Breakdown
        ``exp_i = e^{x_i}``, ``sum_exp = sum_i exp_i``, ``p_i = exp_i / sum_exp`` (computed
        stably), ``log_b p_i``, ``loss = -log_b p[target]`` and ``grad = p - one_hot``.

    Examples
    --------
    >>> b = explain([-2.17, -1.63, -2.75, 2.39, -0.156], target=3)
    >>> round(b.sum_exp, 2), round(float(b.probabilities[3]), 2)
    (12.14, 0.9)
    """
    x = check_one_example(logits, "explain")
    t = int(check_class_indices(target, x.shape[0], (), ignore_index=-100))
    if t < 0:
        raise ValueError("target must be a class index for explain; ignore_index is not allowed.")
    base = get_log_base(log_base)
    temperature = check_temperature(temperature)  # before dividing by it
    with np.errstate(over="ignore"):
        exps = np.exp(x / temperature if temperature != 1.0 else x)
    probabilities = softmax(x, temperature=temperature)
    log_probabilities = base.from_nats(log_softmax(x, temperature=temperature))
    loss_nats = cross_entropy(x / temperature, t)
    return Breakdown(
        logits=x,
        target=t,
        exp=exps,
        sum_exp=float(np.sum(exps)),
        exp_overflows=not bool(np.isfinite(exps).all() and np.isfinite(np.sum(exps))),
        probabilities=probabilities,
        log_probabilities=log_probabilities,
        picked_log_probability=float(log_probabilities[t]),
        loss=float(base.from_nats(loss_nats)),
        grad=cross_entropy_grad(x / temperature, t) / temperature,
        log_base=base,
    )


# ------------------------------------------------------------------------------- a batch


@dataclass(frozen=True)
class BatchBreakdown:
    """The PyTorch walkthrough for a batch: three routes to the same loss (in nats)."""

    logits: np.ndarray  # (N, C)
    target: np.ndarray  # (N,)
    probabilities: np.ndarray  # (N, C) softmax(logits)
    row_sums: np.ndarray  # (N,) each 1
    log_of_softmax: np.ndarray  # (N, C) log(softmax(logits)): the two-step route
    log_softmax: np.ndarray  # (N, C) log_softmax(logits): the one-step, stable route
    picked: np.ndarray  # (N,) log p[n, target_n]; NaN where the target is ignore_index
    nll_of_log_softmax: float  # nll_loss(log(softmax(x)), target)
    nll_of_log_softmax_fused: float  # nll_loss(log_softmax(x), target)
    cross_entropy: float  # cross_entropy(x, target)
    nll_of_probabilities: float  # the trap: nll_loss(softmax(x), target), wrong and negative


def explain_batch(logits, target) -> BatchBreakdown:
    """Run the PyTorch tutorial's chain on a batch and return every step.

    Parameters
    ----------
    logits : array_like, shape ``(N, C)``
    target : array_like of int, shape ``(N,)``

    Returns
    -------
    BatchBreakdown
        ``softmax → log → nll_loss``, ``log_softmax → nll_loss`` and ``cross_entropy``, which
        agree, plus ``nll_loss(softmax(x))``, which does not (it skips the log).

    Examples
    --------
    >>> b = explain_batch([[0.0, 0.0], [2.0, 0.0]], [0, 0])
    >>> round(b.cross_entropy, 4) == round(b.nll_of_log_softmax, 4)
    True
    """
    x = check_logits(logits)
    if x.ndim != 2:
        raise ValueError(f"explain_batch takes a batch: logits of shape (N, C); got {x.shape}.")
    t = check_class_indices(target, x.shape[1], x.shape[:1], ignore_index=-100)
    probabilities = softmax(x)
    with np.errstate(divide="ignore"):
        log_of_softmax = np.log(probabilities)
    fused = log_softmax(x)
    return BatchBreakdown(
        logits=x,
        target=t,
        probabilities=probabilities,
        row_sums=probabilities.sum(axis=1),
        log_of_softmax=log_of_softmax,
        log_softmax=fused,
        # An ignored row (target -100) has no target entry to pick: NaN, not fused[n, -100].
        picked=np.where(t >= 0, fused[np.arange(x.shape[0]), np.maximum(t, 0)], np.nan),
        nll_of_log_softmax=float(nll_loss(log_of_softmax, t)),
        nll_of_log_softmax_fused=float(nll_loss(fused, t)),
        cross_entropy=float(cross_entropy(x, t)),
        nll_of_probabilities=float(nll_loss(probabilities, t)),
    )


# ----------------------------------------------------------------- the spreadsheet forms


def one_hot(target, num_classes: int) -> np.ndarray:
    """One-hot rows: ``one_hot[n, c] = 1`` if ``c == target[n]`` else 0 (float64).

    Like ``torch.nn.functional.one_hot`` (which returns integers).

    Examples
    --------
    >>> one_hot([1, 0], 2)
    array([[0., 1.],
           [1., 0.]])
    """
    if int(num_classes) < 1:
        raise ValueError(f"num_classes must be at least 1; got {num_classes}.")
    t = np.asarray(target)
    t = check_class_indices(t, int(num_classes), t.shape, ignore_index=-100)
    if (t < 0).any():
        raise ValueError("one_hot needs a class for every example; ignore_index is not allowed.")
    return np.eye(int(num_classes))[t]


def _check_activations(probs) -> np.ndarray:
    p = as_float_array(probs, "probabilities")
    if p.ndim != 2 or p.size == 0:
        raise ValueError(
            f"probabilities must be a table of shape (N, C), one row per example; "
            f"got shape {p.shape}."
        )
    check_finite(p, "probabilities")
    if (p < 0).any():
        row = int(np.argwhere(p < 0)[0][0])
        raise ValueError(
            f"row {row} has a negative activation ({p.min():g}): its log is undefined "
            "(Excel shows #NUM!). Apply softmax to turn activations into probabilities."
        )
    return p


def one_hot_cross_entropy(probs, labels, log_base="e") -> np.ndarray:
    """The spreadsheet's sum form: ``loss_n = -sum_c y[n, c] log p[n, c]``, per row.

    Parameters
    ----------
    probs : array_like, shape ``(N, C)``
        Probabilities (or raw non-negative activations: rows need not sum to 1 here).
    labels : array_like, shape ``(N, C)``
        One-hot labels (or any non-negative label weights).
    log_base : {'e', '2', '10'}, default 'e'

    Returns
    -------
    ndarray, shape ``(N,)``
        Terms with ``y = 0`` count as 0 even where ``p = 0`` (as the spreadsheet's
        multiplication by 0 intends); a true class with ``p = 0`` gives ``inf``.

    Examples
    --------
    >>> one_hot_cross_entropy([[0.98, 0.02]], [[1, 0]], log_base="10").round(4)
    array([0.0088])
    """
    p = _check_activations(probs)
    y = as_float_array(labels, "labels")
    check_same_shape(p, y, "probabilities", "labels")
    check_finite(y, "labels")
    if (y < 0).any():
        raise ValueError("labels must be 0 or 1 (one-hot); got a negative value.")
    logs = get_log_base(log_base).log(p)
    return 0.0 - np.sum(y * np.where(y > 0, logs, 0.0), axis=1)


def index_cross_entropy(probs, target, log_base="e") -> np.ndarray:
    """The spreadsheet's "if" form: look up the true class's probability and take ``-log``.

    ``loss_n = -log p[n, target_n]``. A one-hot row times the logs is a matrix product that
    picks one entry, so this equals :func:`one_hot_cross_entropy` with one-hot labels.

    Parameters
    ----------
    probs : array_like, shape ``(N, C)``
    target : array_like of int, shape ``(N,)``
    log_base : {'e', '2', '10'}, default 'e'

    Returns
    -------
    ndarray, shape ``(N,)``

    Examples
    --------
    >>> index_cross_entropy([[0.9, 0.1]], [1], log_base="10").round(2)  # confident and wrong
    array([1.])
    """
    p = _check_activations(probs)
    t = check_class_indices(target, p.shape[1], p.shape[:1], ignore_index=-100)
    if (t < 0).any():
        raise ValueError("every row needs a label: ignore_index is not allowed here.")
    return -get_log_base(log_base).log(p[np.arange(p.shape[0]), t])


@dataclass(frozen=True)
class Spreadsheet:
    """The spreadsheet's loss columns, with the flags the page needs to explain them."""

    one_hot_losses: np.ndarray  # (N,) -sum_c y log p
    if_form_losses: np.ndarray  # (N,) -log p[target]
    mean_loss: float  # mean of one_hot_losses
    row_sums: np.ndarray  # (N,) sum of each row's activations
    rows_sum_to_one: np.ndarray  # (N,) bool
    screwy: bool  # some row does not sum to 1, so the losses mean nothing
    log_base: LogBase


def spreadsheet(probs, target, log_base="e") -> Spreadsheet:
    """Both spreadsheet forms side by side, flagging rows that do not sum to 1.

    Rows that do not sum to 1 are **not** an error: the lesson shows those "screwy" losses on
    purpose (a row of [2, 3] gives a negative loss). ``screwy`` tells the page to explain why
    and to offer :func:`~xent_core.softmax`.

    Parameters
    ----------
    probs : array_like, shape ``(N, C)``
        Probabilities, or non-negative raw activations.
    target : array_like of int, shape ``(N,)``
    log_base : {'e', '2', '10'}, default 'e'

    Examples
    --------
    >>> s = spreadsheet([[0.5, 0.5], [0.98, 0.02], [0.9, 0.1]], [0, 0, 1], log_base="10")
    >>> s.one_hot_losses.round(2), s.screwy
    (array([0.3 , 0.01, 1.  ]), False)
    """
    p = _check_activations(probs)
    base = get_log_base(log_base)
    labels = one_hot(target, p.shape[1])
    check_same_shape(p, labels, "probabilities", "one-hot labels")
    one_hot_losses = one_hot_cross_entropy(p, labels, base)
    row_sums = p.sum(axis=1)
    sums_to_one = np.abs(row_sums - 1.0) <= SUM_TO_ONE_TOLERANCE
    return Spreadsheet(
        one_hot_losses=one_hot_losses,
        if_form_losses=index_cross_entropy(p, np.argmax(labels, axis=1), base),
        mean_loss=float(np.mean(one_hot_losses)),
        row_sums=row_sums,
        rows_sum_to_one=sums_to_one,
        screwy=not bool(sums_to_one.all()),
        log_base=base,
    )

