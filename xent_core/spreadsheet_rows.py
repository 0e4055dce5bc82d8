"""The cat-vs-dog spreadsheet, row by row: the numbers the page shows around the two loss columns.

:func:`~xent_core.teaching.spreadsheet` computes the two loss columns (the one-hot sum and the
"if" form). This module adds what a table of rows needs around them:

- :func:`two_class_probabilities` builds ``[P(cat), P(dog)]`` rows from ``P(cat)`` alone, since
  with two classes ``P(dog) = 1 - P(cat)``.
- :func:`true_class_activations` looks up each row's entry for its true class (the ``x`` of the
  loss curve ``-log x``).
- :func:`verdicts` says whether each row is right, wrong or unsure (a tie), and
  :func:`most_confident_mistake` finds the row that bets hardest on the wrong class.
- :func:`analyse_rows` puts it all together with the total and mean loss, and how far apart the
  two loss columns are (0, up to rounding).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from xent_core.checks import as_float_array, check_class_indices, check_probabilities
from xent_core.teaching import Spreadsheet, spreadsheet


def two_class_probabilities(p_first) -> np.ndarray:
    """Two-class probability rows ``[p, 1 - p]`` from the first class's probability.

    Parameters
    ----------
    p_first : array_like, shape ``(N,)``
        The probability of the first class (P(cat)) for each row, each in ``[0, 1]``.

    Returns
    -------
    ndarray, shape ``(N, 2)``
        ``[[p_0, 1 - p_0], [p_1, 1 - p_1], ...]``: every row sums to 1.

    Examples
    --------
    >>> two_class_probabilities([0.5, 0.98]).round(2)
    array([[0.5 , 0.5 ],
           [0.98, 0.02]])
    """
    p = check_probabilities(p_first, "P(first class)", axis=None)
    if p.ndim != 1:
        raise ValueError(f"P(first class) must be one number per row, shape (N,); got {p.shape}.")
    return np.column_stack([p, 1.0 - p])


def true_class_activations(probs, target) -> np.ndarray:
    """Each row's entry for its true class: ``probs[n, target[n]]``.

    This is the index lookup of the spreadsheet's "if" form, before the log.

    Parameters
    ----------
    probs : array_like, shape ``(N, C)``
    target : array_like of int, shape ``(N,)``

    Returns
    -------
    ndarray, shape ``(N,)``

    Examples
    --------
    >>> true_class_activations([[0.9, 0.1], [0.3, 0.7]], [1, 1])
    array([0.1, 0.7])
    """
    p = as_float_array(probs, "probabilities")
    if p.ndim != 2:
        raise ValueError(f"probabilities must be a table of shape (N, C); got {p.shape}.")
    t = check_class_indices(target, p.shape[1], p.shape[:1], ignore_index=-100)
    if (t < 0).any():
        raise ValueError("every row needs a label: ignore_index is not allowed here.")
    return p[np.arange(p.shape[0]), t]


RIGHT, WRONG, UNSURE = "right", "wrong", "unsure"


def verdicts(probs, target) -> tuple[str, ...]:
    """Whether each row's largest entry is its true class: ``'right'``, ``'wrong'`` or ``'unsure'``.

    ``'right'`` when the true class gets strictly more than every other class, ``'wrong'`` when
    some other class gets strictly more than the true class, and ``'unsure'`` on a tie for the
    top (such as 0.5 / 0.5).

    Parameters
    ----------
    probs : array_like, shape ``(N, C)``
    target : array_like of int, shape ``(N,)``

    Returns
    -------
    tuple of str, length ``N``

    Examples
    --------
    >>> verdicts([[0.5, 0.5], [0.98, 0.02], [0.9, 0.1]], [0, 0, 1])
    ('unsure', 'right', 'wrong')
    """
    true, best_other = _true_and_best_other(probs, target)
    return tuple(
        RIGHT if t > o else WRONG if o > t else UNSURE
        for t, o in zip(true, best_other, strict=True)
    )


def _true_and_best_other(probs, target) -> tuple[np.ndarray, np.ndarray]:
    """``(p[n, target_n], max over the other classes of p[n, c])`` for each row."""
    p = as_float_array(probs, "probabilities")
    true = true_class_activations(p, target)
    others = p.copy()
    others[np.arange(p.shape[0]), np.asarray(target, dtype=np.int64)] = -np.inf
    return true, others.max(axis=1)


def most_confident_mistake(probs, target) -> int | None:
    """The row that bets hardest on a wrong class, or ``None`` if no row is wrong.

    A row is wrong when some other class gets strictly more than the true class (a tie, such
    as 0.5 / 0.5, is unsure rather than wrong). Among the wrong rows, the most confident one
    gives its true class the least, so it has the largest loss ``-log p[true]``.

    Parameters
    ----------
    probs : array_like, shape ``(N, C)``
    target : array_like of int, shape ``(N,)``

    Returns
    -------
    int or None
        The row index (the first one on a tie).

    Examples
    --------
    >>> most_confident_mistake([[0.5, 0.5], [0.98, 0.02], [0.9, 0.1]], [0, 0, 1])
    2
    >>> most_confident_mistake([[0.9, 0.1]], [0]) is None
    True
    """
    true, best_other = _true_and_best_other(probs, target)
    wrong = best_other > true
    if not wrong.any():
        return None
    return int(np.flatnonzero(wrong)[np.argmin(true[wrong])])


@dataclass(frozen=True)
class RowsAnalysis:
    """The spreadsheet's loss columns and everything the page says about the rows."""

    sheet: Spreadsheet  # the two loss columns, row sums and the "screwy" flag
    true_class_activations: np.ndarray  # (N,) probs[n, target_n]: where each row sits on -log x
    total_loss: float  # sum of the one-hot column
    mean_loss: float  # total / N: what training minimises
    largest_form_gap: float  # max_n |one-hot form - if form|: 0 up to rounding
    verdicts: tuple[str, ...]  # (N,) 'right', 'wrong' or 'unsure' (see :func:`verdicts`)
    confident_mistake: int | None  # the row betting hardest on a wrong class


def analyse_rows(probs, target, log_base="e") -> RowsAnalysis:
    """Both spreadsheet loss columns plus their total, mean and agreement.

    Parameters
    ----------
    probs : array_like, shape ``(N, C)``
        Probabilities, or non-negative raw activations (rows that do not sum to 1 are
        flagged ``sheet.screwy``, not rejected).
    target : array_like of int, shape ``(N,)``
    log_base : {'e', '2', '10'} or LogBase, default 'e'

    Returns
    -------
    RowsAnalysis
        ``total_loss = sum_n loss_n`` and ``mean_loss = total_loss / N`` (``inf`` when a true
        class gets 0); ``largest_form_gap = max_n |one_hot_n - if_n|`` counting two equal
        infinities as agreeing.

    Examples
    --------
    >>> a = analyse_rows([[0.5, 0.5], [0.98, 0.02], [0.9, 0.1]], [0, 0, 1], log_base="10")
    >>> round(a.total_loss, 2), a.largest_form_gap < 1e-12, a.confident_mistake
    (1.31, True, 2)
    """
    sheet = spreadsheet(probs, target, log_base)
    one_hot_form, if_form = sheet.one_hot_losses, sheet.if_form_losses
    with np.errstate(invalid="ignore"):
        gaps = np.where(one_hot_form == if_form, 0.0, np.abs(one_hot_form - if_form))
    total = float(np.sum(one_hot_form))
    return RowsAnalysis(
        sheet=sheet,
        true_class_activations=true_class_activations(probs, target),
        total_loss=total,
        mean_loss=sheet.mean_loss,
        largest_form_gap=float(np.max(gaps)),
        verdicts=verdicts(probs, target),
        confident_mistake=most_confident_mistake(probs, target),
    )


__all__ = [
    "RowsAnalysis",
    "analyse_rows",
    "most_confident_mistake",
    "true_class_activations",
    "two_class_probabilities",
    "verdicts",
]
