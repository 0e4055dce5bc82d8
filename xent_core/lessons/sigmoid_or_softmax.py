"""Lesson 6 · Sigmoid or softmax? The same scores read as "one class is true" or "any can be".

- softmax + cross-entropy: the classes compete for one unit of probability, so exactly one
  class is true (:func:`~xent_core.cross_entropy`);
- sigmoid per class + binary cross-entropy: each class is its own yes/no question, so any
  number of labels can be true, e.g. an image with a cat *and* a dog
  (:func:`~xent_core.binary_cross_entropy_with_logits`);
- with two classes the two readings meet: ``softmax([z1, z2])[0] = sigmoid(z1 - z2)``;
- ``binary_cross_entropy(sigmoid(x))`` on probabilities against the fused, stable
  ``binary_cross_entropy_with_logits(x)``: the first breaks once ``sigmoid(x)`` rounds to
  exactly 1 (``x`` above about 36.7 in float64) and PyTorch's clamp of the log at -100 takes
  over; and ``pos_weight``, which makes a missed positive label cost more.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from xent_core.activations import log_softmax, sigmoid, softmax
from xent_core.checks import as_float_array, check_finite, check_one_example
from xent_core.losses import binary_cross_entropy, binary_cross_entropy_with_logits
from xent_core.units import LogBase, get_log_base

CLASS_NAMES = ("cat", "dog", "car", "tree")
# (logits, labels): a photo with a cat and a dog in it, one with just a car, one with nothing
# the model knows, and a cat photo with a car score so large that sigmoid rounds it to 1.
PRESETS: dict[str, tuple[tuple[float, ...], tuple[int, ...]]] = {
    "cat and dog": ((2.0, 1.5, -1.0, -2.5), (0, 1)),
    "just a car": ((-1.0, -0.5, 3.0, 0.5), (2,)),
    "nothing there": ((-3.0, -2.0, -2.5, -4.0), ()),
    # A cat photo the model is sure shows a car: the naive BCE breaks on the car's score.
    "car score of 40": ((3.0, -1.0, 40.0, -2.0), (0,)),
}
DEFAULT_PRESET = "cat and dog"
# The naive route's breaking point: 1 + e^-x rounds to 1 once e^-x < eps / 2.
NAIVE_SIGMOID_ROUNDS_TO_ONE = float(-np.log(np.finfo(np.float64).eps / 2.0))
SWEEP_LIMIT = 60.0
SWEEP_POINTS = 241


@dataclass(frozen=True, eq=False)
class SigmoidOrSoftmaxView:
    """Everything lesson 6 shows for one set of scores and a set of true labels.

    Losses are in ``log_base``; BCE values are the mean over the ``C`` classes (PyTorch's
    default ``reduction='mean'``) and ``*_terms`` the per-class values before the mean.
    """

    logits: np.ndarray  # (C,) the scores
    labels: tuple[int, ...]  # the classes that are true (sorted, maybe empty)
    multi_hot: np.ndarray  # (C,) 1.0 for a true class, else 0.0
    # softmax + cross-entropy: one class is true
    softmax_probabilities: np.ndarray  # (C,) sum to 1
    softmax_target: np.ndarray | None  # (C,) multi_hot / k; None when no label is true
    softmax_loss: float | None  # cross_entropy(logits, softmax_target); None with no label
    softmax_grad: np.ndarray | None  # (C,) softmax - softmax_target (in log_base units)
    # sigmoid per class + BCE: any number can be true
    sigmoid_probabilities: np.ndarray  # (C,) each in (0, 1), independent
    sigmoid_sum: float  # sum of the sigmoids: anything from 0 to C
    bce_terms: np.ndarray  # (C,) stable per-class BCE
    bce: float  # binary_cross_entropy_with_logits(logits, multi_hot)
    bce_grad: np.ndarray  # (C,) (sigmoid - multi_hot) / C
    # BCE on probabilities against BCE with logits
    bce_naive_terms: np.ndarray  # (C,) binary_cross_entropy(1 / (1 + exp(-x)), y), per class
    bce_naive: float
    naive_breaks: np.ndarray  # (C,) bool: the naive term is off by > 1e-6 × max(loss, 1)
    # pos_weight
    pos_weight: np.ndarray  # (C,)
    bce_weighted_terms: np.ndarray  # (C,) with pos_weight
    bce_weighted: float
    # two classes: softmax([z_i, z_j])[0] == sigmoid(z_i - z_j)
    pair: tuple[int, int]
    pair_softmax: float  # softmax([z_i, z_j])[0]
    pair_sigmoid: float  # sigmoid(z_i - z_j)
    # the naive route breaking, along a sweep of one score
    sweep_logits: np.ndarray  # (K,) from -60 to 60
    sweep_naive_positive: np.ndarray  # (K,) naive BCE with label 1
    sweep_stable_positive: np.ndarray  # (K,) stable BCE with label 1: -log σ(x)
    sweep_naive_negative: np.ndarray  # (K,) naive BCE with label 0
    sweep_stable_negative: np.ndarray  # (K,) stable BCE with label 0: -log(1 - σ(x))
    naive_breaks_above: float  # ≈ 36.7: beyond it 1 / (1 + e^-x) is exactly 1
    log_base: LogBase

    @property
    def one_true_class(self) -> bool:
        """Exactly one label is true: the case softmax + cross-entropy is made for."""
        return len(self.labels) == 1


def _check_labels(labels, n_classes: int) -> tuple[int, ...]:
    if isinstance(labels, str) or not isinstance(labels, Iterable):
        raise ValueError(
            f"labels must be a set of class indices (e.g. {{0, 1}}, or an empty set); "
            f"got {labels!r}."
        )
    chosen = []
    for label in labels:
        try:
            whole = not isinstance(label, bool) and float(label).is_integer()
        except (TypeError, ValueError):
            whole = False
        if not whole:
            raise ValueError(f"labels must be whole-number class indices; got {label!r}.")
        if not 0 <= int(label) < n_classes:
            raise ValueError(
                f"label {int(label)} is not a class: with {n_classes} classes a label must be "
                f"0 to {n_classes - 1}."
            )
        chosen.append(int(label))
    return tuple(sorted(set(chosen)))


def _check_pair(pair, n_classes: int) -> tuple[int, int]:
    try:
        first, second = pair
    except (TypeError, ValueError):
        raise ValueError(
            f"pair must be two different classes, e.g. (0, 1); got {pair!r}."
        ) from None
    (i,), (j,) = _check_labels([first], n_classes), _check_labels([second], n_classes)
    if i == j:
        raise ValueError(f"pair must be two different classes, e.g. (0, 1); got {pair!r}.")
    return i, j


def _check_pos_weight(pos_weight, n_classes: int) -> np.ndarray:
    w = as_float_array(pos_weight, "pos_weight")
    check_finite(w, "pos_weight")
    if w.shape not in ((), (n_classes,)):
        raise ValueError(
            f"pos_weight must be one number or one per class, shape ({n_classes},); "
            f"got shape {w.shape}."
        )
    if (w < 0).any():
        raise ValueError(f"pos_weight must be zero or positive; got {w.min():g}.")
    return np.broadcast_to(w, (n_classes,)).copy()


def _naive_bce(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``binary_cross_entropy(1 / (1 + exp(-x)), y, reduction='none')``: sigmoid as written."""
    with np.errstate(over="ignore"):
        p = 1.0 / (1.0 + np.exp(-x))
    return binary_cross_entropy(p, y, reduction="none")


@lru_cache(maxsize=1)
def _sweep() -> tuple[np.ndarray, ...]:
    """The sweep's logits and its four BCE curves in nats: the same for every input (cached)."""
    x = np.linspace(-SWEEP_LIMIT, SWEEP_LIMIT, SWEEP_POINTS)
    ones, zeros = np.ones_like(x), np.zeros_like(x)
    curves = (x, _naive_bce(x, ones),
              binary_cross_entropy_with_logits(x, ones, reduction="none"),
              _naive_bce(x, zeros),
              binary_cross_entropy_with_logits(x, zeros, reduction="none"))
    for curve in curves:
        curve.setflags(write=False)
    return curves


def sigmoid_or_softmax(logits, labels, pos_weight=1.0, pair: tuple[int, int] = (0, 1),
                       log_base="e") -> SigmoidOrSoftmaxView:
    """Read the same scores as softmax + cross-entropy and as sigmoids + binary cross-entropy.

    Parameters
    ----------
    logits : array_like, shape ``(C,)`` with ``C ≥ 2``
        One example's scores.
    labels : iterable of int
        The classes that are true: any number of them, 0 to ``C``.
    pos_weight : float or array_like ``(C,)``, default 1.0
        Weight of the positive term of each class's BCE (``> 1`` makes a missed label cost
        more), as in ``binary_cross_entropy_with_logits``.
    pair : (int, int), default (0, 1)
        The two classes of the two-class comparison.
    log_base : {'e', '2', '10'} or LogBase, default 'e'

    Returns
    -------
    SigmoidOrSoftmaxView
        - softmax: ``p = softmax(z)``; the target puts ``1 / k`` on each of the ``k`` true
          labels (one-hot for one label, as PyTorch's probability targets); loss
          ``-sum_c target_c log p_c``; no target and no loss when no label is true;
        - sigmoid: ``s_c = σ(z_c)``; ``BCE_c = -(y_c log s_c + (1 - y_c) log(1 - s_c))``;
          ``bce`` is their mean; ``bce_weighted`` puts ``pos_weight_c`` on ``y_c log s_c``;
        - ``pair_softmax = softmax([z_i, z_j])[0]`` and ``pair_sigmoid = σ(z_i - z_j)``.

    Examples
    --------
    >>> v = sigmoid_or_softmax([2.0, 1.5, -1.0, -2.5], {0, 1})
    >>> round(v.pair_softmax, 6) == round(v.pair_sigmoid, 6), v.one_true_class
    (True, False)
    """
    x = check_one_example(logits, "sigmoid_or_softmax")
    n = x.shape[0]
    if n < 2:
        raise ValueError("sigmoid_or_softmax compares classes; give at least two scores.")
    chosen = _check_labels(labels, n)
    weights = _check_pos_weight(pos_weight, n)
    i, j = _check_pair(pair, n)
    base = get_log_base(log_base)
    per_nat = 1.0 / math.log(base.base)

    y = np.zeros(n)
    y[list(chosen)] = 1.0
    p = softmax(x)
    if chosen:
        target = y / len(chosen)
        softmax_loss = float(-np.sum(target * log_softmax(x)) * per_nat)
        softmax_grad = (p - target) * per_nat
    else:
        target, softmax_loss, softmax_grad = None, None, None

    stable_terms = binary_cross_entropy_with_logits(x, y, reduction="none")
    naive_terms = _naive_bce(x, y)
    weighted_terms = binary_cross_entropy_with_logits(x, y, pos_weight=weights, reduction="none")
    s = sigmoid(x)

    sweep, naive_positive, stable_positive, naive_negative, stable_negative = _sweep()
    pair_logits = x[[i, j]]
    return SigmoidOrSoftmaxView(
        logits=x,
        labels=chosen,
        multi_hot=y,
        softmax_probabilities=p,
        softmax_target=target,
        softmax_loss=softmax_loss,
        softmax_grad=softmax_grad,
        sigmoid_probabilities=s,
        sigmoid_sum=float(np.sum(s)),
        bce_terms=stable_terms * per_nat,
        bce=float(np.mean(stable_terms) * per_nat),
        bce_grad=(s - y) / n * per_nat,
        bce_naive_terms=naive_terms * per_nat,
        bce_naive=float(np.mean(naive_terms) * per_nat),
        naive_breaks=np.abs(naive_terms - stable_terms) > 1e-6 * np.maximum(stable_terms, 1.0),
        pos_weight=weights,
        bce_weighted_terms=weighted_terms * per_nat,
        bce_weighted=float(np.mean(weighted_terms) * per_nat),
        pair=(i, j),
        pair_softmax=float(softmax(pair_logits)[0]),
        pair_sigmoid=float(sigmoid(pair_logits[0] - pair_logits[1])),
        sweep_logits=sweep,
        sweep_naive_positive=naive_positive * per_nat,
        sweep_stable_positive=stable_positive * per_nat,
        sweep_naive_negative=naive_negative * per_nat,
        sweep_stable_negative=stable_negative * per_nat,
        naive_breaks_above=NAIVE_SIGMOID_ROUNDS_TO_ONE,
        log_base=base,
    )
