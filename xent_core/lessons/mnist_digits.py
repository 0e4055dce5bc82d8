"""Lesson 4, MNIST digits: one held-out image's loss, and the loss of the whole held-out set.

:func:`mnist_digits` returns what page 4 shows for the chosen image, the label it is scored
against and the logits (the model's own, or the learner's edit), next to the whole set's
numbers — every loss and entropy in the chosen log base.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from xent_core.mnist_report import HeldOutReport, loss_histogram, mean_by_class, top_confusions
from xent_core.teaching import Breakdown, explain
from xent_core.units import LogBase, get_log_base

HISTOGRAM_BINS = 30


@dataclass(frozen=True, eq=False)
class MnistView:
    """Every number of page 4, losses and entropies in ``log_base``."""

    index: int  # the held-out image
    true_label: int
    breakdown: Breakdown  # the logits scored against ``label``
    model_logits_used: bool  # False when the learner edited the logits
    true_label_loss: float  # the same logits scored against the true label
    image_loss: float  # the model's own loss on this image (the histogram's marker)
    losses: np.ndarray  # (N,) every held-out image's loss with the model's logits
    entropies: np.ndarray  # (N,) every image's prediction entropy
    mean_loss: float  # the loss of the data set: the mean of ``losses``
    total_loss: float  # their sum
    histogram_counts: np.ndarray  # (bins,) images per loss bin
    histogram_edges: np.ndarray  # (bins + 1,)
    mean_loss_by_digit: np.ndarray  # (10,) mean loss over the images of each true digit
    top_confusions: tuple  # ((true, predicted, count), ...) the five most frequent mistakes
    log_base: LogBase

    @property
    def label(self) -> int:
        return self.breakdown.target

    @property
    def loss(self) -> float:
        return self.breakdown.loss


def mnist_digits(report: HeldOutReport, index: int, label: int, logits=None,
                 log_base="e") -> MnistView:
    """Image ``index`` scored against ``label`` (with ``logits``, or the model's when None).

    Parameters
    ----------
    report : HeldOutReport
        The model on the held-out set (:func:`~xent_core.mnist_report.held_out_report`).
    index : int
    label : int
        The digit the loss is computed for (the true one, or another to compare).
    logits : array_like, shape ``(10,)``, optional
    log_base : {'e', '2', '10'} or LogBase
    """
    base = get_log_base(log_base)
    if not 0 <= int(index) < report.n_samples:
        raise ValueError(f"the image index must be from 0 to {report.n_samples - 1}; "
                         f"got {index}.")
    index = int(index)
    true_label = int(report.labels[index])
    used = report.logits[index] if logits is None else np.asarray(logits, dtype=np.float64)
    breakdown = explain(used, label, log_base=base)
    losses = base.from_nats(report.losses)
    counts, edges = loss_histogram(losses, HISTOGRAM_BINS)
    return MnistView(
        index=index,
        true_label=true_label,
        breakdown=breakdown,
        model_logits_used=logits is None,
        true_label_loss=(breakdown.loss if breakdown.target == true_label
                         else explain(used, true_label, log_base=base).loss),
        image_loss=float(losses[index]),
        losses=losses,
        entropies=base.from_nats(report.entropies),
        mean_loss=float(base.from_nats(report.mean_loss)),
        total_loss=float(base.from_nats(report.total_loss)),
        histogram_counts=counts,
        histogram_edges=edges,
        mean_loss_by_digit=base.from_nats(mean_by_class(report.losses, report.labels)),
        top_confusions=tuple(top_confusions(report.confusion, 5)),
        log_base=base,
    )
