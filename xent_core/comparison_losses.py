"""Losses to hold cross-entropy up against: mean squared error and the multiclass hinge loss.

- :func:`mse_loss` is ``mean((input - target)^2)``. Put on the softmax probabilities against a
  one-hot target it is a classifier loss too, and a poor one: when the model is confidently
  wrong its gradient almost vanishes (lesson 5).
- :func:`multi_margin_loss` is the multiclass hinge ("SVM") loss of CS231n: each wrong class
  whose score comes within ``margin`` of the true class's score costs the shortfall. Once
  every wrong class is ``margin`` behind, the loss and its gradient are exactly 0.

Each loss sits next to its gradient (``*_grad``), and :func:`softmax_backward` carries a
gradient with respect to the probabilities back to the logits (the chain rule through
softmax), which is how the MSE-on-softmax gradient reaches the logits. Names, argument order
and defaults follow ``torch.nn.functional``; the class axis is last.
"""

from __future__ import annotations

import numpy as np

from xent_core.checks import (
    as_float_array,
    check_class_indices,
    check_finite,
    check_logits,
    check_reduction,
    check_same_shape,
    check_weight,
)


def _reduce(losses: np.ndarray, reduction: str, count):
    if reduction == "none":
        return losses
    total = np.float64(np.sum(losses))
    return total if reduction == "sum" else np.float64(total / count)


# ------------------------------------------------------------------- mean squared error


def _check_regression_pair(input, target, weight) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x = as_float_array(input, "input")
    y = as_float_array(target, "target")
    if x.size == 0:
        raise ValueError("input is empty; give at least one value.")
    check_finite(x, "input")
    check_finite(y, "target")
    check_same_shape(x, y, "input", "target")
    if weight is None:
        return x, y, None
    w = as_float_array(weight, "weight")
    check_same_shape(x, w, "input", "weight")
    check_finite(w, "weight")
    if (w < 0).any():
        raise ValueError(f"weight must be zero or positive for every entry; got {w.min():g}.")
    return x, y, w


def mse_loss(input, target, reduction: str = "mean", weight=None):
    """Mean squared error: ``(input - target)^2`` elementwise, then reduced.

    Parameters
    ----------
    input : array_like, any shape
        Predictions, e.g. the softmax probabilities ``(N, C)``.
    target : array_like, same shape
        What they should be, e.g. the one-hot rows.
    reduction : {'mean', 'sum', 'none'}, default 'mean'
        ``'mean'`` divides the sum by the number of **elements** (``N × C``), not by ``N``.
    weight : array_like, same shape as ``input``, optional
        A weight per element; ``'mean'`` then divides by the sum of the weights.

    Returns
    -------
    float64 or ndarray (``'none'``: same shape as ``input``)
        ``w (input - target)^2`` elementwise (``w = 1`` without a weight), then reduced.

    Notes
    -----
    On probabilities the squared error is at most 1 per class, so a confidently wrong
    prediction costs at most ``2 / C`` (mean over ``C`` classes): compare ``-log p``, which
    grows without bound. Matches ``torch.nn.functional.mse_loss``.

    Examples
    --------
    >>> round(float(mse_loss([0.9, 0.1], [1.0, 0.0])), 12)  # (0.01 + 0.01) / 2
    0.01
    """
    x, y, w = _check_regression_pair(input, target, weight)
    check_reduction(reduction)
    if w is None:
        return _reduce((x - y) ** 2, reduction, x.size)
    return _reduce(w * (x - y) ** 2, reduction, np.sum(w))


def mse_loss_grad(input, target, reduction: str = "mean", weight=None) -> np.ndarray:
    """Gradient of :func:`mse_loss` with respect to ``input``: ``2 w (input - target) / n``.

    Returns
    -------
    ndarray, same shape as ``input``
        ``n`` is the number of elements (or the sum of the weights) for ``'mean'`` and 1 for
        ``'sum'`` / ``'none'`` (for ``'none'``, the gradient of each element's own loss).

    Examples
    --------
    >>> mse_loss_grad([0.9, 0.1], [1.0, 0.0]).round(6)
    array([-0.1,  0.1])
    """
    x, y, w = _check_regression_pair(input, target, weight)
    check_reduction(reduction)
    grad = 2.0 * (x - y) if w is None else 2.0 * w * (x - y)
    if reduction != "mean":
        return grad
    return grad / (x.size if w is None else np.sum(w))


def softmax_backward(probabilities, grad_probabilities) -> np.ndarray:
    """Carry a gradient with respect to softmax's output back to its logits (the chain rule).

    Parameters
    ----------
    probabilities : array_like, shape ``(C,)`` or ``(N, C)``
        ``p = softmax(x)``.
    grad_probabilities : array_like, same shape
        ``g = d loss / d p``, e.g. :func:`mse_loss_grad` of ``p``.

    Returns
    -------
    ndarray, same shape
        ``d loss / d x_j = p_j (g_j - sum_c p_c g_c)``, row by row.

    Notes
    -----
    Softmax's Jacobian is ``d p_c / d x_j = p_c ([c == j] - p_j)``. The factor ``p_j`` is
    why a loss on the probabilities learns slowly when the true class's ``p`` is near 0: the
    gradient that reaches its logit is multiplied by that small ``p``. Cross-entropy's ``log``
    cancels it (``d(-log p_y)/d p_y = -1 / p_y``), leaving ``p - one_hot``.

    Examples
    --------
    >>> softmax_backward([0.5, 0.5], [-1.0, 0.0])  # d(-p_0)/dx at p = [1/2, 1/2]
    array([-0.25,  0.25])
    """
    p = check_logits(probabilities, "probabilities")
    g = as_float_array(grad_probabilities, "grad_probabilities")
    check_same_shape(p, g, "probabilities", "grad_probabilities")
    check_finite(g, "grad_probabilities")
    return p * (g - np.sum(p * g, axis=-1, keepdims=True))


# ---------------------------------------------------------------- multiclass hinge loss


def _check_margin_arguments(input, target, p, margin, weight):
    x = check_logits(input, "input")
    if p not in (1, 2) or isinstance(p, bool):
        raise ValueError(f"p must be 1 (hinge) or 2 (squared hinge); got {p!r}.")
    try:
        m = float(margin)
    except (TypeError, ValueError):
        raise ValueError(f"margin must be a number; got {margin!r}.") from None
    if not np.isfinite(m):
        raise ValueError(f"margin must be a finite number; got {m:g}.")
    n_classes = x.shape[-1]
    t = check_class_indices(target, n_classes, x.shape[:-1], ignore_index=None)
    return x, t, int(p), m, check_weight(weight, n_classes)


def _margin_shortfalls(x: np.ndarray, t: np.ndarray, m: float) -> np.ndarray:
    """``z_j = margin - x_y + x_j`` for every wrong class ``j`` (0 in the true class's slot)."""
    true_score = np.take_along_axis(x, t[..., None], axis=-1)
    z = m - true_score + x
    np.put_along_axis(z, t[..., None], 0.0, axis=-1)
    return z


def multi_margin_loss(input, target, p: int = 1, margin: float = 1.0, weight=None,
                      reduction: str = "mean"):
    """Multiclass hinge loss (the SVM loss of CS231n), as ``torch.nn.functional.multi_margin_loss``.

    Parameters
    ----------
    input : array_like, shape ``(C,)`` or ``(N, C)``
        Scores (logits).
    target : int or array_like of int, shape ``()`` or ``(N,)``
        The true class of each example, ``0 <= y < C``.
    p : {1, 2}, default 1
        1 for the hinge, 2 for the squared hinge.
    margin : float, default 1.0
        How far ahead of every wrong class the true class's score must be to cost nothing.
    weight : array_like, shape ``(C,)``, optional
        A weight per class, applied by the **true** class of each example.
    reduction : {'mean', 'sum', 'none'}, default 'mean'
        ``'mean'`` averages over the ``N`` examples.

    Returns
    -------
    float64 or ndarray of shape ``()`` / ``(N,)``
        .. math::

            loss_n = \\frac{1}{C} \\sum_{j \\ne y_n}
                     w_{y_n} \\max(0, margin - x_{n y_n} + x_{n j})^p

    Notes
    -----
    PyTorch divides by ``C`` (the number of classes), CS231n's notes do not: multiply by
    ``C`` to get their number. The loss is 0 as soon as the true class wins by ``margin``;
    it never asks for more (cross-entropy always does, a little).

    Examples
    --------
    >>> round(float(multi_margin_loss([3.2, 5.1, -1.7], 0)), 6)  # CS231n's cat: 2.9 / 3
    0.966667
    """
    x, t, p, m, w = _check_margin_arguments(input, target, p, margin, weight)
    check_reduction(reduction)
    z = np.maximum(_margin_shortfalls(x, t, m), 0.0)
    terms = z if p == 1 else z * z
    losses = np.sum(terms, axis=-1) / x.shape[-1]
    if w is not None:
        losses = losses * w[t]
    return _reduce(losses, reduction, losses.size)


def multi_margin_loss_grad(input, target, p: int = 1, margin: float = 1.0, weight=None,
                           reduction: str = "mean") -> np.ndarray:
    """Gradient of :func:`multi_margin_loss` with respect to the scores.

    Returns
    -------
    ndarray, same shape as ``input``
        For each wrong class ``j`` with ``z_j = margin - x_y + x_j > 0``:
        ``d loss / d x_j = w_y p z_j^(p-1) / C``; the true class gets minus their sum;
        every other entry is 0. ``'mean'`` divides by ``N``.

    Notes
    -----
    The gradient is exactly 0 once every wrong class is ``margin`` behind: a hinge-trained
    model stops pushing, where cross-entropy keeps nudging the logits apart. At a kink
    (``z_j = 0``) it takes the gradient of the flat side, as PyTorch does.

    Examples
    --------
    >>> multi_margin_loss_grad([3.2, 5.1, -1.7], 0).round(6)
    array([-0.333333,  0.333333,  0.      ])
    """
    x, t, p, m, w = _check_margin_arguments(input, target, p, margin, weight)
    check_reduction(reduction)
    z = _margin_shortfalls(x, t, m)
    active = z > 0
    grad = np.where(active, 1.0 if p == 1 else 2.0 * z, 0.0) / x.shape[-1]
    if w is not None:
        grad = grad * w[t][..., None]
    np.put_along_axis(grad, t[..., None], -np.sum(grad, axis=-1, keepdims=True), axis=-1)
    if reduction == "mean":
        grad = grad / (x.shape[0] if x.ndim == 2 else 1)
    return grad
