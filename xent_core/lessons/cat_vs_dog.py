"""Lesson 1, cat vs dog: the fast.ai spreadsheet, every column of it.

:func:`cat_vs_dog` returns what page 1 shows for the rows a learner typed: the one-hot label
columns, each activation's log, the two loss columns, their total and mean, verdicts and the
most confident mistake — every loss in the chosen log base.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from xent_core.spreadsheet_rows import RowsAnalysis, analyse_rows
from xent_core.teaching import one_hot
from xent_core.units import LogBase, get_log_base


@dataclass(frozen=True)
class CatVsDogView:
    """Every number of page 1 for ``N`` scored rows (two classes, cat = 0, dog = 1)."""

    analysis: RowsAnalysis  # loss columns, row sums, total, mean, verdicts, confident mistake
    activations: np.ndarray  # (N, 2) [A, B] per row: P(cat), P(dog) or raw activations
    targets: np.ndarray  # (N,) 0 for cat, 1 for dog
    one_hot: np.ndarray  # (N, 2) columns C and D: the label written one-hot
    log_activations: np.ndarray  # (N, 2) log_b A, log_b B
    negative_loss_rows: tuple[int, ...]  # rows (0-based) whose loss is below 0 ("screwy")
    log_base: LogBase

    @property
    def formula_row(self) -> int:
        """The row whose formulas the page writes out: the most confident mistake, else 0."""
        mistake = self.analysis.confident_mistake
        return 0 if mistake is None else mistake


def cat_vs_dog(activations, targets, log_base="e") -> CatVsDogView:
    """The spreadsheet for these rows.

    Parameters
    ----------
    activations : array_like, shape ``(N, 2)``
        ``[P(cat), P(dog)]`` per row, or non-negative raw activations (rows that do not sum
        to 1 are the lesson's "screwy" case, not an error).
    targets : array_like of int, shape ``(N,)``
    log_base : {'e', '2', '10'} or LogBase

    Examples
    --------
    >>> v = cat_vs_dog([[0.5, 0.5], [0.98, 0.02], [0.9, 0.1]], [0, 0, 1], log_base="10")
    >>> v.analysis.sheet.one_hot_losses.round(2).tolist(), v.one_hot[2].tolist()
    ([0.3, 0.01, 1.0], [0.0, 1.0])
    """
    base = get_log_base(log_base)
    analysis = analyse_rows(activations, targets, base)
    p = np.asarray(activations, dtype=np.float64)
    t = np.asarray(targets, dtype=np.int64)
    return CatVsDogView(
        analysis=analysis,
        activations=p,
        targets=t,
        one_hot=one_hot(t, 2),
        log_activations=base.log(p),
        negative_loss_rows=tuple(int(i) for i in np.flatnonzero(analysis.sheet.one_hot_losses < 0)),
        log_base=base,
    )
