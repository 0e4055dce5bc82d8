"""The digit model on the held-out digits: one loss per image, and the loss of the whole set.

The loss of a data set is nothing new: it is the mean of the loss of each example. This
module computes everything the MNIST page shows about the held-out digits, once:

- per image: the logits, the probabilities, the loss ``-ln p[true digit]`` (from
  :func:`~xent_core.losses.cross_entropy` with ``reduction="none"``), the entropy of the
  prediction (from :func:`~xent_core.divergences.entropy`) and the predicted digit;
- for the whole set: the mean loss (``cross_entropy`` with ``reduction="mean"``), the
  accuracy and the confusion matrix;
- three ranked lists worth looking at: the most confidently wrong images (highest loss
  among the mistakes), the most unsure ones (highest entropy) and the most confidently
  right ones (lowest loss among the correct ones).

Every loss and entropy here is in nats (natural log, as PyTorch); convert with
:meth:`xent_core.units.LogBase.from_nats`. Pure NumPy, like the rest of ``xent_core``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from xent_core.activations import softmax
from xent_core.checks import check_class_indices, check_logits
from xent_core.divergences import entropy
from xent_core.losses import cross_entropy
from xent_core.mnist import N_CLASSES, Digits, SoftmaxRegression

N_LISTED = 12  # how many images each ranked list holds
DEFAULT_DIGIT = 8  # the page opens on a correctly classified 8


def _check_labels_and_predictions(labels, predictions, n_classes: int):
    labels = np.asarray(labels)
    y = check_class_indices(labels, n_classes, labels.shape, ignore_index=-100)
    p = check_class_indices(predictions, n_classes, labels.shape, ignore_index=-100)
    if labels.ndim != 1:
        raise ValueError(f"labels must be a vector of shape (N,); got shape {labels.shape}.")
    if (y < 0).any() or (p < 0).any():
        raise ValueError("labels and predictions must be class indices 0 to C - 1.")
    return y, p


def confusion_matrix(labels, predictions, n_classes: int = N_CLASSES) -> np.ndarray:
    """Count how often each true class was predicted as each class.

    Parameters
    ----------
    labels : array_like of int, shape ``(N,)``
        The true class of each example.
    predictions : array_like of int, shape ``(N,)``
        The predicted class of each example.
    n_classes : int, default 10

    Returns
    -------
    ndarray of int64, shape ``(C, C)``
        ``confusion[t, p]`` is the number of examples of true class ``t`` predicted as
        ``p``. The diagonal holds the correct predictions, so ``trace / N`` is the accuracy;
        the whole matrix sums to ``N``.

    Examples
    --------
    >>> confusion_matrix([0, 0, 1], [0, 1, 1], n_classes=2)
    array([[1, 1],
           [0, 1]])
    """
    y, p = _check_labels_and_predictions(labels, predictions, n_classes)
    counts = np.bincount(y * n_classes + p, minlength=n_classes * n_classes)
    return counts.reshape(n_classes, n_classes).astype(np.int64)


def top_confusions(confusion, k: int = 5) -> list[tuple[int, int, int]]:
    """The most frequent mistakes in a confusion matrix.

    Parameters
    ----------
    confusion : array_like of int, shape ``(C, C)``
        As returned by :func:`confusion_matrix`.
    k : int, default 5
        At most this many mistakes are returned.

    Returns
    -------
    list of ``(true, predicted, count)``
        Off-diagonal cells with a count above 0, largest count first (ties: smaller true
        class first, then smaller predicted class).

    Examples
    --------
    >>> top_confusions([[5, 2, 0], [0, 4, 1], [3, 0, 6]], k=2)
    [(2, 0, 3), (0, 1, 2)]
    """
    counts = np.asarray(confusion)
    if counts.ndim != 2 or counts.shape[0] != counts.shape[1]:
        raise ValueError(f"confusion must be a square matrix; got shape {counts.shape}.")
    mistakes = [
        (int(t), int(p), int(counts[t, p]))
        for t in range(counts.shape[0])
        for p in range(counts.shape[1])
        if t != p and counts[t, p] > 0
    ]
    mistakes.sort(key=lambda cell: (-cell[2], cell[0], cell[1]))
    return mistakes[: max(int(k), 0)]


def most_confidently_wrong(losses, labels, predictions, k: int = N_LISTED) -> np.ndarray:
    """The misclassified examples with the highest loss, highest first.

    A wrong prediction made with confidence gives the true class a tiny probability, so its
    loss ``-log p[true]`` is large: these are the examples that dominate the mean loss.

    Parameters
    ----------
    losses : array_like, shape ``(N,)``
        Loss of each example.
    labels, predictions : array_like of int, shape ``(N,)``
    k : int, default 12

    Returns
    -------
    ndarray of int64, shape ``(min(k, number of mistakes),)``
        Indices into the data set, sorted by loss, descending (ties keep data-set order).
    """
    wrong = np.flatnonzero(np.asarray(labels) != np.asarray(predictions))
    order = np.argsort(-np.asarray(losses, dtype=np.float64)[wrong], kind="stable")
    return wrong[order][: max(int(k), 0)].astype(np.int64)


def most_unsure(entropies, k: int = N_LISTED) -> np.ndarray:
    """The examples whose prediction has the highest entropy, highest first.

    Entropy ``H = -sum_c p_c log p_c`` is 0 for a prediction that puts all its probability
    on one class and ``log C`` for one that spreads it evenly, whatever the true class is.

    Parameters
    ----------
    entropies : array_like, shape ``(N,)``
    k : int, default 12

    Returns
    -------
    ndarray of int64, shape ``(min(k, N),)``
        Indices sorted by entropy, descending (ties keep data-set order).
    """
    order = np.argsort(-np.asarray(entropies, dtype=np.float64), kind="stable")
    return order[: max(int(k), 0)].astype(np.int64)


def confidently_right(losses, labels, predictions, k: int = N_LISTED) -> np.ndarray:
    """The correctly classified examples with the lowest loss, lowest first.

    Parameters
    ----------
    losses : array_like, shape ``(N,)``
    labels, predictions : array_like of int, shape ``(N,)``
    k : int, default 12

    Returns
    -------
    ndarray of int64, shape ``(min(k, number correct),)``
        Indices sorted by loss, ascending (ties keep data-set order).
    """
    right = np.flatnonzero(np.asarray(labels) == np.asarray(predictions))
    order = np.argsort(np.asarray(losses, dtype=np.float64)[right], kind="stable")
    return right[order][: max(int(k), 0)].astype(np.int64)


def typical_correct_example(losses, labels, predictions, digit: int = DEFAULT_DIGIT) -> int:
    """A correctly classified example of ``digit`` with a middling loss.

    Among the examples of ``digit`` that the model gets right, this is the one with the
    median loss (the lower of the two middle ones for an even count): neither the easiest
    image nor a lucky near-miss, so its logits show a clear winner and some runners-up.

    Parameters
    ----------
    losses : array_like, shape ``(N,)``
    labels, predictions : array_like of int, shape ``(N,)``
    digit : int, default 8

    Returns
    -------
    int
        An index into the data set.

    Raises
    ------
    ValueError
        If no example of ``digit`` is classified correctly.
    """
    labels, predictions = np.asarray(labels), np.asarray(predictions)
    candidates = np.flatnonzero((labels == digit) & (predictions == digit))
    if candidates.size == 0:
        raise ValueError(f"no example of the digit {digit} is classified correctly.")
    order = np.argsort(np.asarray(losses, dtype=np.float64)[candidates], kind="stable")
    return int(candidates[order[(candidates.size - 1) // 2]])


def loss_histogram(losses, n_bins: int = 30) -> tuple[np.ndarray, np.ndarray]:
    """Count the losses in ``n_bins`` equal-width bins from 0 to the largest loss.

    Parameters
    ----------
    losses : array_like, shape ``(N,)``
        Non-negative losses, in any log base.
    n_bins : int, default 30

    Returns
    -------
    counts : ndarray of int64, shape ``(n_bins,)``
        How many losses fall in each bin; they sum to ``N``.
    edges : ndarray, shape ``(n_bins + 1,)``
        Bin ``i`` covers ``[edges[i], edges[i + 1])`` (the last bin includes its right edge).
    """
    values = np.asarray(losses, dtype=np.float64)
    if values.ndim != 1 or values.size == 0 or not np.isfinite(values).all():
        raise ValueError("losses must be a non-empty vector of finite numbers.")
    if int(n_bins) < 1:
        raise ValueError(f"n_bins must be at least 1; got {n_bins!r}.")
    top = max(float(values.max()), 1e-12)
    counts, edges = np.histogram(values, bins=int(n_bins), range=(0.0, top))
    return counts.astype(np.int64), edges


def mean_by_class(values, labels, n_classes: int = N_CLASSES) -> np.ndarray:
    """The mean of ``values`` over the examples of each true class.

    Parameters
    ----------
    values : array_like, shape ``(N,)``
        E.g. the loss of each example.
    labels : array_like of int, shape ``(N,)``
    n_classes : int, default 10

    Returns
    -------
    ndarray, shape ``(C,)``
        ``mean[c]`` averages the examples whose label is ``c`` (NaN for a class with none).
        On a class-balanced set, the mean of these means is the overall mean.
    """
    values = np.asarray(values, dtype=np.float64)
    y, _ = _check_labels_and_predictions(labels, labels, n_classes)
    sums = np.bincount(y, weights=values, minlength=n_classes)
    counts = np.bincount(y, minlength=n_classes)
    with np.errstate(invalid="ignore", divide="ignore"):
        return sums / counts


@dataclass(frozen=True, eq=False)
class HeldOutReport:
    """How the digit model does on each held-out image and on the whole held-out set.

    Losses and entropies are in nats. ``N`` is the number of held-out images.
    """

    images: np.ndarray  # (N, 28, 28) uint8, 0 = background, 255 = ink
    labels: np.ndarray  # (N,) int64, the true digit
    logits: np.ndarray  # (N, 10) the model's raw scores x W + b
    probabilities: np.ndarray  # (N, 10) softmax of the logits
    losses: np.ndarray  # (N,) -ln p[n, label_n]
    entropies: np.ndarray  # (N,) -sum_c p ln p
    predictions: np.ndarray  # (N,) int64, the digit with the largest logit
    confusion: np.ndarray  # (10, 10) int64, rows = true digit, columns = predicted
    mean_loss: float  # cross_entropy(logits, labels): the loss of the data set
    total_loss: float  # cross_entropy(..., reduction="sum")
    accuracy: float  # fraction of images predicted correctly
    most_confidently_wrong: np.ndarray  # indices, loss descending, all misclassified
    most_unsure: np.ndarray  # indices, entropy descending
    confidently_right: np.ndarray  # indices, loss ascending, all correct
    default_index: int  # a correctly classified 8 with a middling loss

    @property
    def n_samples(self) -> int:
        """Number of held-out images."""
        return int(self.labels.shape[0])

    @property
    def n_correct(self) -> int:
        """Number of correctly classified held-out images: the trace of the confusion matrix."""
        return int(np.trace(self.confusion))

    @property
    def n_wrong(self) -> int:
        """Number of misclassified held-out images."""
        return int(np.count_nonzero(self.labels != self.predictions))

    def indices_of_digit(self, digit: int) -> np.ndarray:
        """Indices of the held-out images whose true label is ``digit``, in data-set order."""
        return np.flatnonzero(self.labels == int(digit))


def report_from_logits(logits, labels, images=None, k: int = N_LISTED) -> HeldOutReport:
    """Per-example and whole-set cross-entropy for a batch of logits and their labels.

    Parameters
    ----------
    logits : array_like, shape ``(N, C)``
        The model's raw scores, one row per example.
    labels : array_like of int, shape ``(N,)``
        The true class of each example.
    images : ndarray, shape ``(N, 28, 28)``, optional
        The images the logits belong to, kept alongside for display.
    k : int, default 12
        Length of each ranked list.

    Returns
    -------
    HeldOutReport
        With ``losses = cross_entropy(logits, labels, reduction="none")``, whose mean is
        ``mean_loss = cross_entropy(logits, labels)``. ``default_index`` is the
        :func:`typical_correct_example` of digit 8 (or, if there is none, example 0).

    Raises
    ------
    ValueError
        If the logits are not a finite ``(N, C)`` matrix or the labels do not match them.
    """
    x = check_logits(logits)
    if x.ndim != 2:
        raise ValueError(f"logits must be a matrix of shape (N, C); got shape {x.shape}.")
    n, n_classes = x.shape
    y = check_class_indices(labels, n_classes, (n,), ignore_index=-100)
    if (y < 0).any():
        raise ValueError("labels must be class indices 0 to C - 1.")
    probabilities = softmax(x)
    losses = cross_entropy(x, y, reduction="none")
    entropies = entropy(probabilities)
    predictions = np.argmax(x, axis=1).astype(np.int64)
    try:
        default_index = typical_correct_example(losses, y, predictions)
    except ValueError:
        default_index = 0
    return HeldOutReport(
        images=np.zeros((n, 0, 0), dtype=np.uint8) if images is None else np.asarray(images),
        labels=y,
        logits=x,
        probabilities=probabilities,
        losses=losses,
        entropies=entropies,
        predictions=predictions,
        confusion=confusion_matrix(y, predictions, n_classes),
        mean_loss=float(cross_entropy(x, y)),
        total_loss=float(cross_entropy(x, y, reduction="sum")),
        accuracy=float(np.mean(predictions == y)),
        most_confidently_wrong=most_confidently_wrong(losses, y, predictions, k),
        most_unsure=most_unsure(entropies, k),
        confidently_right=confidently_right(losses, y, predictions, k),
        default_index=default_index,
    )


def held_out_report(model: SoftmaxRegression, digits: Digits, k: int = N_LISTED) -> HeldOutReport:
    """Run ``model`` on the held-out digits once and compute everything the page shows.

    Parameters
    ----------
    model : SoftmaxRegression
        E.g. :func:`xent_core.mnist.load_model`.
    digits : Digits
        E.g. :func:`xent_core.mnist.load_digits`; only the held-out split is used.
    k : int, default 12
        Length of each ranked list.

    Returns
    -------
    HeldOutReport
        See :func:`report_from_logits`.

    Examples
    --------
    >>> from xent_core.mnist import load_digits, load_model
    >>> report = held_out_report(load_model(), load_digits())
    >>> report.n_samples, int(report.labels[report.default_index])
    (500, 8)
    """
    return report_from_logits(model.logits(digits.test_x), digits.test_y, digits.test_images, k)
