"""Losses: nll_loss, cross_entropy (and its gradient), binary cross-entropy.

Names, argument order and semantics follow ``torch.nn.functional``, so a learner who moves
to PyTorch meets no surprises. The class axis is the last axis: logits are ``(C,)`` for one
example (with a scalar target) or ``(N, C)`` for a batch (with a target of shape ``(N,)``).

The forward value and its derivative sit side by side: :func:`cross_entropy` and
:func:`cross_entropy_grad` share one description of the target, so they cannot drift apart.

Results are float64, except for float32 input (logits, log-probabilities or probabilities),
which gives float32 results as PyTorch does; sums over a batch are still accumulated in float64.
"""

from __future__ import annotations

import numpy as np

from xent_core.checks import (
    as_float_array,
    check_class_indices,
    check_finite,
    check_label_smoothing,
    check_logits,
    check_probabilities,
    check_reduction,
    check_same_shape,
    check_weight,
)


def _reduce(losses: np.ndarray, reduction: str, denominator, dtype=np.float64):
    """Apply ``reduction`` to per-example losses; the result has ``dtype`` (the input's).

    Sums are accumulated in float64 even for float32 input, then rounded once to ``dtype``.
    """
    result_type = np.dtype(dtype).type
    if reduction == "none":
        return losses.astype(dtype, copy=False)
    total = np.sum(losses, dtype=np.float64)
    if reduction == "sum":
        return result_type(total)
    if denominator == 0:
        # Every example ignored (or weighted 0): PyTorch returns NaN (0 / 0), even with label
        # smoothing, where the sum can be positive; so do we, without a warning.
        return result_type(np.nan)
    return result_type(total / denominator)


# --------------------------------------------------------------------------- nll_loss


def nll_loss(log_probs, target, weight=None, ignore_index: int = -100,
             reduction: str = "mean"):
    """Negative log-likelihood: minus the log-probability of each example's target class.

    Parameters
    ----------
    log_probs : array_like, shape ``(C,)`` or ``(N, C)``
        Log-probabilities, normally the output of :func:`~xent_core.log_softmax`. ``-inf``
        (the log of a probability of 0) is allowed; NaN and ``+inf`` are not.
    target : int or array_like of int, shape ``()`` or ``(N,)``
        The true class of each example, ``0 <= target < C``, or ``ignore_index``.
    weight : array_like, shape ``(C,)``, optional
        A rescaling weight per class.
    ignore_index : int, default -100
        Examples whose target equals this contribute nothing, not even to the mean.
    reduction : {'mean', 'sum', 'none'}, default 'mean'

    Returns
    -------
    float64 (float32 for float32 input) or ndarray of shape ``()`` / ``(N,)``
        ``loss_n = -w[y_n] * log_probs[n, y_n]`` (0 for ignored examples); ``'sum'`` adds them;
        ``'mean'`` divides the sum by ``sum_n w[y_n]`` over the examples not ignored.

    Notes
    -----
    ``nll_loss`` does **not** take a log or a softmax: it only picks one entry per row and
    negates it. Handing it probabilities instead of log-probabilities gives a wrong, negative
    loss. With every example ignored, ``'mean'`` is 0 / 0 = NaN, as in PyTorch.

    Examples
    --------
    >>> round(float(nll_loss([[-0.1, -2.4], [-1.2, -0.36]], [0, 1])), 6)  # (0.1 + 0.36) / 2
    0.23
    """
    x = as_float_array(log_probs, "log_probs", keep_float32=True)
    if x.ndim not in (1, 2) or x.shape[-1] == 0 or x.size == 0:
        raise ValueError(
            "log_probs must have shape (C,) or (N, C) with at least one class and one "
            f"example; got shape {x.shape}."
        )
    check_finite(x, "log_probs", allow_neg_inf=True)
    check_reduction(reduction)
    n_classes = x.shape[-1]
    t = check_class_indices(target, n_classes, x.shape[:-1], ignore_index)
    w = check_weight(weight, n_classes)

    ignored = t == ignore_index
    safe = np.where(ignored, 0, t)
    picked = np.take_along_axis(x, safe[..., None], axis=-1)[..., 0]
    example_weight = np.where(ignored, 0.0, 1.0 if w is None else w[safe])
    with np.errstate(invalid="ignore"):
        losses = np.where(ignored, 0.0, -example_weight * picked)
    return _reduce(losses, reduction, np.sum(example_weight), x.dtype)


# ----------------------------------------------------------------------- cross_entropy


def _is_probability_target(logits: np.ndarray, target) -> bool:
    return np.ndim(target) > 0 and np.shape(target) == logits.shape


class _Target:
    """The target as coefficients ``a[n, c]`` of ``loss_n = -sum_c a[n, c] log p[n, c]``.

    For class indices ``y`` with weights ``w`` and label smoothing ``eps``:
    ``a[n, c] = (1 - eps) w[y_n] [c == y_n] + (eps / C) w[c]`` (a zero row if ignored).
    For class probabilities ``q``: ``a[n, c] = w[c] ((1 - eps) q[n, c] + eps / C)``.
    The loss and its gradient (``sum_c a[n, c] * p[n] - a[n]``) both read from here.
    """

    def __init__(self, logits, target, weight, ignore_index, label_smoothing):
        self.n_classes = logits.shape[-1]
        self.smoothing = check_label_smoothing(label_smoothing)
        self.weight = check_weight(weight, self.n_classes)
        self.is_probabilities = _is_probability_target(logits, target)
        if self.is_probabilities:
            q = check_probabilities(target, "target (class probabilities)")
            if self.smoothing:
                q = q * (1.0 - self.smoothing) + self.smoothing / self.n_classes
            self.dense = q if self.weight is None else q * self.weight
            # PyTorch divides by the number of examples for probability targets.
            self.denominator = float(np.prod(logits.shape[:-1]))
            self.every_example_counts_once = False
            return
        t = check_class_indices(target, self.n_classes, logits.shape[:-1], ignore_index)
        self.ignored = t == ignore_index
        self.dense = None
        # No weight and nothing ignored: every example's loss counts once, as it is.
        self.every_example_counts_once = self.weight is None and not self.ignored.any()
        if self.every_example_counts_once:
            self.index = t
            self.example_weight = np.ones(t.shape)
            self.denominator = float(t.size)
            return
        self.index = np.where(self.ignored, 0, t)
        w_picked = 1.0 if self.weight is None else self.weight[self.index]
        self.example_weight = np.where(self.ignored, 0.0, w_picked)
        self.denominator = np.sum(self.example_weight)

    def dense_coefficients(self) -> np.ndarray:
        if self.dense is not None:
            return self.dense
        shape = (*self.index.shape, self.n_classes)
        a = np.zeros(shape)
        np.put_along_axis(a, self.index[..., None],
                          ((1.0 - self.smoothing) * self.example_weight)[..., None], axis=-1)
        if self.smoothing:
            per_class = np.ones(self.n_classes) if self.weight is None else self.weight
            a += np.where(self.ignored[..., None], 0.0, self.smoothing / self.n_classes * per_class)
        return a


# Every logit in [-40, 40] keeps each exp between 4e-18 and 2.4e17 and a row's sum far below
# float32's largest number (3.4e38) for any practical number of classes: then exp needs no shift.
EXP_WITHOUT_SHIFT_BOUND = 40.0
# Rows are exponentiated a block at a time, about this many entries, so the exps never fill a
# second full-size array and stay in the CPU's cache until they are summed.
BLOCK_ENTRIES = 1 << 16
# After the shift a row's largest term is exp(0) = 1, so a term below exp(-700) (float32:
# exp(-80)) cannot change the row's sum; but exp of a number that underflows to 0 or to a
# subnormal takes the CPU's slow path (3-16x slower). Shifted logits are clamped here first.
NEGLIGIBLE_SHIFTED_LOGIT = {np.dtype(np.float64): -700.0, np.dtype(np.float32): -80.0}


def _row_log_sum_exp(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``log sum_c exp(x[n, c] - m_n)`` and the shift ``m_n`` for every row of ``x`` ``(N, C)``.

    ``log sum_c exp(x[n, c]) = m_n + (first result)``. The shift is the row's largest logit, so
    no exp overflows, except in a block of rows whose logits all lie within ±40: there the
    shift cannot change a thing (no exp can overflow or underflow), so it is 0 and skipped, as
    finding a short row's maximum costs more than the exp itself. The rows are handled a block
    at a time, so each block is checked, exponentiated and summed while it sits in the CPU's
    cache. The results keep ``x``'s dtype (float32 stays float32).
    """
    n_rows, n_classes = x.shape
    log_sums = np.empty(n_rows, dtype=x.dtype)
    shifts = np.zeros(n_rows, dtype=x.dtype)
    block_rows = max(1, BLOCK_ENTRIES // n_classes)
    exps = np.empty((min(block_rows, n_rows), n_classes), dtype=x.dtype)
    for start in range(0, n_rows, block_rows):
        rows = slice(start, start + block_rows)
        logits = x[rows]
        block = exps[: logits.shape[0]]
        if np.min(logits) < -EXP_WITHOUT_SHIFT_BOUND or np.max(logits) > EXP_WITHOUT_SHIFT_BOUND:
            np.max(logits, axis=1, out=shifts[rows])
            # The gap between two huge logits (1e308 and -1e308) overflows to -inf, whose exp
            # is the correct 0.
            with np.errstate(over="ignore"):
                np.subtract(logits, shifts[rows, None], out=block)
            np.maximum(block, NEGLIGIBLE_SHIFTED_LOGIT[x.dtype], out=block)
            np.exp(block, out=block)
        else:
            np.exp(logits, out=block)
        # einsum sums a short class axis several times faster than np.sum(axis=1).
        np.log(np.einsum("nc->n", block), out=log_sums[rows])
    return log_sums, shifts


def _per_example_cross_entropy(x: np.ndarray, target: _Target) -> np.ndarray:
    """``loss_n = -sum_c a[n, c] log p[n, c]`` with ``log p = x - log sum exp(x)``."""
    if target.dense is None and not target.smoothing:
        # The common case, kept lean for big batches: only the picked entry is needed,
        # loss_n = w[y_n] ((m_n - x[n, y_n]) + log sum_c exp(x[n, c] - m_n)).
        rows = x.reshape(-1, x.shape[-1])
        # x[n, y_n] sits at position n * C + y_n of the flattened logits (one cheap gather).
        positions = np.arange(0, rows.size, rows.shape[1]) + target.index.reshape(-1)
        picked = np.take(rows.reshape(-1), positions)
        log_sums, shifts = _row_log_sum_exp(rows)
        # m_n - x[n, y_n] first: both are large for logits of 1e6, their gap is not.
        losses = (shifts - picked) + log_sums
        # The exact value is never below 0 (x[n, y_n] is one of the summed terms); without the
        # shift, rounding can leave -1e-16, so clamp (a no-op for every other value).
        np.maximum(losses, 0.0, out=losses)
        losses = losses.reshape(x.shape[:-1])
        if target.every_example_counts_once:
            return losses
        return target.example_weight * losses
    largest = np.max(x, axis=-1, keepdims=True)
    with np.errstate(over="ignore"):
        shifted = x - largest
    a = target.dense_coefficients()
    weighted_shifted = np.sum(a * shifted, axis=-1)
    log_normaliser = np.log(np.sum(np.exp(shifted), axis=-1))
    return np.sum(a, axis=-1) * log_normaliser - weighted_shifted


def cross_entropy(logits, target, weight=None, ignore_index: int = -100,
                  reduction: str = "mean", label_smoothing: float = 0.0):
    """Cross-entropy between the softmax of ``logits`` and the target: ``nll_loss(log_softmax(x))``.

    Parameters
    ----------
    logits : array_like, shape ``(C,)`` or ``(N, C)``
        Raw, unnormalised model outputs (finite real numbers). No softmax beforehand: it is
        applied inside.
    target : int, array_like of int ``(N,)``, or array_like of float ``(N, C)``
        Either class indices (a scalar for 1-D logits), each ``0 <= y < C`` or
        ``ignore_index``; or class probabilities with the same shape as ``logits``
        (non-negative, each row summing to 1).
    weight : array_like, shape ``(C,)``, optional
        A rescaling weight per class.
    ignore_index : int, default -100
        Class-index targets equal to this are skipped (not counted in the mean).
    reduction : {'mean', 'sum', 'none'}, default 'mean'
    label_smoothing : float in ``[0, 1]``, default 0
        Mixes the target with the uniform distribution: ``(1 - eps) * target + eps / C``.

    Returns
    -------
    float64 (float32 for float32 input) or ndarray of shape ``()`` / ``(N,)``
        With ``log p = log_softmax(logits)``:

        - class indices:
          ``loss_n = -(1 - eps) w[y_n] log p[n, y_n] - (eps / C) sum_c w[c] log p[n, c]``;
          ``'mean'`` divides the sum by ``sum_n w[y_n]`` over examples not ignored;
        - probabilities: ``loss_n = -sum_c w[c] q'[n, c] log p[n, c]`` with
          ``q' = (1 - eps) q + eps / C``; ``'mean'`` divides by ``N``.

    Notes
    -----
    Computed from ``log p = (x - max) - log sum exp(x - max)``, never from
    ``log(softmax(x))``, so confident predictions (logits of ±1e4) give an exact loss rather
    than ``inf`` or NaN. When every logit lies within ±40 the shift by the row's maximum cannot
    change a thing (no exp overflows or underflows) and is skipped, which makes big batches
    cheaper. float32 logits are exponentiated in float32, as PyTorch does. Matches
    ``torch.nn.functional.cross_entropy``.

    Examples
    --------
    >>> round(float(cross_entropy([-2.17, -1.63, -2.75, 2.39, -0.156], 3)), 4)  # fish
    0.1068
    """
    x = check_logits(logits, keep_float32=True)
    check_reduction(reduction)
    spec = _Target(x, target, weight, ignore_index, label_smoothing)
    return _reduce(_per_example_cross_entropy(x, spec), reduction, spec.denominator, x.dtype)


def cross_entropy_grad(logits, target, weight=None, ignore_index: int = -100,
                       reduction: str = "mean", label_smoothing: float = 0.0) -> np.ndarray:
    """Gradient of :func:`cross_entropy` with respect to the logits.

    Parameters
    ----------
    Same as :func:`cross_entropy`.

    Returns
    -------
    ndarray, same shape as ``logits``
        ``d loss / d logits``. For ``reduction='none'`` row ``n`` is the gradient of
        ``loss_n`` (the rows of the gradient of the sum).

    Notes
    -----
    Writing the target as coefficients ``a[n, c]`` (one-hot × weight, plus smoothing) so that
    ``loss_n = -sum_c a[n, c] log p[n, c]``, and using ``d log p_c / d x_j = [c == j] - p_j``:

    .. math::

        \\frac{\\partial\\, loss_n}{\\partial x_{n j}}
        = \\Big(\\sum_c a_{n c}\\Big) p_{n j} - a_{n j}

    With a plain one-hot target that is the famous ``p - one_hot``. ``'mean'`` divides by the
    same denominator as the loss. When that denominator is 0 (every example ignored) the loss
    is NaN; as in PyTorch, ignored rows then get a zero gradient (rows weighted 0 get NaN).

    Examples
    --------
    >>> cross_entropy_grad([0.0, 0.0], 0)  # p = [0.5, 0.5], one-hot = [1, 0]
    array([-0.5,  0.5])
    """
    x = check_logits(logits, keep_float32=True)
    check_reduction(reduction)
    spec = _Target(x, target, weight, ignore_index, label_smoothing)
    a = spec.dense_coefficients()
    largest = np.max(x, axis=-1, keepdims=True)
    with np.errstate(over="ignore"):
        p = np.exp(x - largest)
    p /= np.sum(p, axis=-1, keepdims=True)
    grad = np.sum(a, axis=-1, keepdims=True) * p - a
    if reduction == "mean":
        if spec.denominator == 0:
            # Only class-index targets get here (every example ignored or weighted 0): the loss
            # is NaN and, as in PyTorch's backward, ignored rows get 0 and the others NaN.
            grad = np.where(spec.ignored[..., None], 0.0, np.full_like(grad, np.nan))
        else:
            grad = grad / spec.denominator
    return grad.astype(x.dtype, copy=False)


# --------------------------------------------------------------- binary cross-entropy


def _check_binary_target(target, like: np.ndarray) -> np.ndarray:
    y = check_probabilities(target, "target", axis=None, require_sum_to_one=False)
    check_same_shape(like, y, "the input", "target")
    return y


def _check_broadcast_weight(weight, shape: tuple[int, ...], name: str) -> np.ndarray | None:
    if weight is None:
        return None
    w = as_float_array(weight, name)
    check_finite(w, name)
    if (w < 0).any():
        raise ValueError(f"{name} must be zero or positive; got {w.min():g}.")
    try:
        fits = np.broadcast_shapes(w.shape, shape) == shape
    except ValueError:
        fits = False
    if not fits:  # as in PyTorch, a weight may not enlarge the loss's shape
        raise ValueError(
            f"{name} of shape {w.shape} does not broadcast to the input's shape {shape}."
        )
    return w


def binary_cross_entropy(probs, target, weight=None, reduction: str = "mean"):
    """Binary cross-entropy between predicted probabilities and targets in ``[0, 1]``.

    Parameters
    ----------
    probs : array_like, any shape
        Predicted probabilities of the positive class, each in ``[0, 1]``.
    target : array_like, same shape
        Target probabilities (usually 0 or 1).
    weight : array_like, optional
        Broadcast to the input's shape; rescales each element's loss.
    reduction : {'mean', 'sum', 'none'}, default 'mean'

    Returns
    -------
    float64 (float32 for float32 input) or ndarray
        ``loss = -w (y log p + (1 - y) log(1 - p))`` elementwise, then reduced (``'mean'``
        averages over all elements).

    Notes
    -----
    As in PyTorch, each log is clamped to be ≥ -100, so a probability of exactly 0 or 1
    gives a large finite loss (100 per element) instead of ``inf``. Prefer
    :func:`binary_cross_entropy_with_logits`, which never needs the clamp.

    Examples
    --------
    >>> round(float(binary_cross_entropy([0.9, 0.2], [1.0, 0.0])), 6)  # (-ln .9 - ln .8) / 2
    0.164252
    """
    p = check_probabilities(probs, "probs", axis=None, require_sum_to_one=False,
                            keep_float32=True)
    y = _check_binary_target(target, p)
    check_reduction(reduction)
    w = _check_broadcast_weight(weight, p.shape, "weight")
    with np.errstate(divide="ignore"):
        log_p = np.maximum(np.log(p), -100.0)
        log_not_p = np.maximum(np.log1p(-p), -100.0)
    losses = -(y * log_p + (1.0 - y) * log_not_p)
    if w is not None:
        losses = losses * w
    return _reduce(losses, reduction, losses.size, p.dtype)


def binary_cross_entropy_with_logits(logits, target, weight=None, pos_weight=None,
                                     reduction: str = "mean"):
    """Sigmoid followed by binary cross-entropy, in one numerically stable step.

    Parameters
    ----------
    logits : array_like, any shape
        Raw scores (finite real numbers); ``sigmoid(logits)`` is the predicted probability.
    target : array_like, same shape
        Targets in ``[0, 1]``.
    weight : array_like, optional
        Broadcast to the input's shape; rescales each element's loss.
    pos_weight : array_like, optional
        Weight of the positive term, broadcast along the last (class) axis.
    reduction : {'mean', 'sum', 'none'}, default 'mean'

    Returns
    -------
    float64 (float32 for float32 input) or ndarray
        ``loss = -w (pos_weight * y * log σ(x) + (1 - y) * log(1 - σ(x)))`` elementwise,
        then reduced.

    Notes
    -----
    Uses ``-log σ(x) = log1p(exp(-|x|)) + max(-x, 0)`` and ``-log(1 - σ(x)) = x - log σ(x)``,
    so the loss is ``(1 - y) x + (1 + (pos_weight - 1) y) (-log σ(x))``: no exp of a positive
    number, no log of 0. Matches ``torch.nn.functional.binary_cross_entropy_with_logits``.

    Examples
    --------
    >>> round(float(binary_cross_entropy_with_logits([0.0], [1.0])), 6)  # -ln(0.5)
    0.693147
    """
    x = as_float_array(logits, "logits", keep_float32=True)
    if x.size == 0:
        raise ValueError("logits is empty; give at least one value.")
    check_finite(x, "logits")
    y = _check_binary_target(target, x)
    check_reduction(reduction)
    w = _check_broadcast_weight(weight, x.shape, "weight")
    pw = _check_broadcast_weight(pos_weight, x.shape, "pos_weight")
    minus_log_sigmoid = np.log1p(np.exp(-np.abs(x))) + np.maximum(-x, 0.0)
    log_weight = 1.0 if pw is None else 1.0 + (pw - 1.0) * y
    losses = (1.0 - y) * x + log_weight * minus_log_sigmoid
    if w is not None:
        losses = losses * w
    return _reduce(np.asarray(losses), reduction, losses.size, x.dtype)
