"""Lesson 5 · Why not MSE? Cross-entropy, MSE on the probabilities and the hinge loss, side by side.

One set of logits and one true class, read by three losses:

- cross-entropy ``-log p_y`` (:func:`~xent_core.cross_entropy`), gradient ``p - one_hot``;
- MSE on the softmax probabilities against the one-hot (:func:`~xent_core.mse_loss`), whose
  gradient reaches the logits through softmax (:func:`~xent_core.softmax_backward`) and is
  multiplied by ``p_y`` on the way: when the model is confidently wrong, ``p_y ≈ 0`` and the
  gradient is almost flat — the model barely learns from its worst mistakes;
- the multiclass hinge (:func:`~xent_core.multi_margin_loss`), which is exactly 0 once the
  true class leads by the margin and then stops pushing.

:func:`why_not_mse` returns the three values and gradients, a sweep of the true class's logit
from very wrong to very right, and a gradient-descent race from the same start.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from xent_core.activations import softmax
from xent_core.checks import check_class_indices, check_one_example, check_whole_number
from xent_core.steps import _check_learning_rate
from xent_core.units import LogBase, get_log_base

CLASS_NAMES = ("cat", "dog", "bird")
# One story per preset: (logits, true class). The true class is the cat in each.
PRESETS: dict[str, tuple[tuple[float, ...], int]] = {
    "confidently wrong": ((-4.0, 5.0, 1.0), 0),  # p(cat) ≈ 1e-4: MSE's gradient is flat here
    "unsure": ((0.3, 0.0, -0.2), 0),
    "right": ((4.0, 0.5, -1.0), 0),
}
DEFAULT_PRESET = "confidently wrong"
DEFAULT_LR = 1.0
DEFAULT_STEPS = 40
MAX_STEPS = 500
SWEEP_HALF_WIDTH = 10.0  # the sweep runs the true logit from 10 below the best rival to 10 above
SWEEP_POINTS = 201
HINGE_MARGIN = 1.0  # PyTorch's default


@dataclass(frozen=True, eq=False)
class LossReading:
    """One loss function read on the lesson's logits, along the sweep and in the race.

    Only cross-entropy is a log, so only its values (and gradients) depend on ``log_base``;
    MSE and the hinge have no log in them.
    """

    name: str  # "cross-entropy", "MSE on probabilities", "multiclass hinge"
    torch_call: str  # the PyTorch line that computes it, e.g. "F.cross_entropy(x, y)"
    loss: float  # at the lesson's logits
    grad: np.ndarray  # (C,) d loss / d logits
    sweep_loss: np.ndarray  # (K,) the loss as the true logit moves along ``sweep_logits``
    sweep_grad: np.ndarray  # (K,) d loss / d (true logit) along the sweep; ≤ 0
    race_loss: np.ndarray  # (steps + 1,) the loss after each gradient step on this loss
    race_target_probability: np.ndarray  # (steps + 1,) p[target] after each step: comparable


@dataclass(frozen=True, eq=False)
class WhyNotMseView:
    """Everything lesson 5 shows for one set of logits and one true class."""

    logits: np.ndarray  # (C,)
    target: int
    probabilities: np.ndarray  # (C,) softmax(logits)
    one_hot: np.ndarray  # (C,) the target MSE compares the probabilities with
    cross_entropy: LossReading
    mse: LossReading
    hinge: LossReading
    sweep_logits: np.ndarray  # (K,) values of logits[target] along the sweep (others fixed)
    sweep_probabilities: np.ndarray  # (K,) p[target] at each sweep point
    lr: float
    steps: int
    log_base: LogBase

    @property
    def readings(self) -> tuple[LossReading, LossReading, LossReading]:
        """The three losses in the lesson's order."""
        return (self.cross_entropy, self.mse, self.hinge)


# -------------------------------------------------------- the three losses, vectorised
# Each takes logits (K, C) and returns (loss (K,), grad (K, C)) for the same target, in nats.
# The engine functions (cross_entropy, mse_loss, multi_margin_loss and their gradients) are
# the reference; these batched forms compute the same values for every row at once, and the
# tests check them against the engine.


def _softmax_rows(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``softmax`` of checked rows, plus the shifted logits and the sum of exps it used."""
    shifted = x - np.max(x, axis=-1, keepdims=True)
    exps = np.exp(shifted)
    total = np.sum(exps, axis=-1, keepdims=True)
    return exps / total, shifted, total


def _ce(x: np.ndarray, t: int) -> tuple[np.ndarray, np.ndarray]:
    grad, shifted, total = _softmax_rows(x)
    loss = np.log(total[:, 0]) - shifted[:, t]
    grad[:, t] -= 1.0
    return loss, grad


def _mse(x: np.ndarray, t: int) -> tuple[np.ndarray, np.ndarray]:
    p = _softmax_rows(x)[0]
    diff = p.copy()
    diff[:, t] -= 1.0
    n = x.shape[-1]
    loss = np.sum(diff * diff, axis=-1) / n
    grad_p = 2.0 * diff / n
    return loss, p * (grad_p - np.sum(p * grad_p, axis=-1, keepdims=True))


def _hinge(x: np.ndarray, t: int) -> tuple[np.ndarray, np.ndarray]:
    n = x.shape[-1]
    z = HINGE_MARGIN - x[:, t:t + 1] + x
    z[:, t] = 0.0
    loss = np.sum(np.maximum(z, 0.0), axis=-1) / n
    grad = (z > 0).astype(np.float64) / n
    grad[:, t] = -np.sum(grad, axis=-1)
    return loss, grad


_LOSSES = (
    ("cross-entropy", "F.cross_entropy(x, y)", _ce),
    ("MSE on probabilities",
     "F.mse_loss(F.softmax(x, dim=-1), F.one_hot(y, C).double())", _mse),
    ("multiclass hinge", "F.multi_margin_loss(x, y)", _hinge),
)


@lru_cache(maxsize=256)
def _race(start: tuple[float, ...], t: int, lr: float, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Gradient descent from ``start`` on each of the three losses.

    Returns losses ``(3, steps + 1)`` and ``p[t]`` ``(3, steps + 1)`` after each step, read-only.
    Cached: a class working through the same presets asks for the same race many times.
    """
    x0 = np.asarray(start)
    path = np.empty((len(_LOSSES), steps + 1, x0.shape[0]))
    losses = np.empty((len(_LOSSES), steps + 1))
    path[:, 0] = x0
    for k in range(steps + 1):
        for i, (_, _, loss_and_grad) in enumerate(_LOSSES):
            loss, grad = loss_and_grad(path[i, k:k + 1], t)
            losses[i, k] = loss[0]
            if k < steps:
                path[i, k + 1] = path[i, k] - lr * grad[0]
    target_probability = _softmax_rows(path.reshape(-1, x0.shape[0]))[0][:, t]
    target_probability = target_probability.reshape(losses.shape)
    losses.setflags(write=False)
    target_probability.setflags(write=False)
    return losses, target_probability


def why_not_mse(logits, target, lr: float = DEFAULT_LR, steps: int = DEFAULT_STEPS,
                log_base="e") -> WhyNotMseView:
    """Cross-entropy, MSE on the probabilities and the multiclass hinge on the same logits.

    Parameters
    ----------
    logits : array_like, shape ``(C,)`` with ``C ≥ 2``
        One example's logits.
    target : int
        The true class, ``0 <= target < C``.
    lr : float, default 1.0
        The learning rate of the race (the same for all three losses).
    steps : int, default 40
        Gradient steps in the race, 0 to 500.
    log_base : {'e', '2', '10'} or LogBase, default 'e'
        The base of cross-entropy's log (values and gradients divide by ``ln b``).

    Returns
    -------
    WhyNotMseView
        For each loss (``cross_entropy``, ``mse``, ``hinge``): the value and the gradient at
        the logits; the sweep of ``logits[target]`` over ``[r - 10, r + 10]`` (``r`` the
        largest other logit; widened to include the current value), with the loss and its
        derivative with respect to ``logits[target]``; and the race: the loss and
        ``p[target]`` after each of ``steps`` steps of ``x ← x − lr · grad`` from the logits.

    Notes
    -----
    - cross-entropy: ``-log p_y``; ``d/dx = p - one_hot``; along the sweep ``p_y - 1``,
      which tends to -1 when the model is confidently wrong: a full-strength push.
    - MSE: ``(1/C) sum_c (p_c - [c = y])^2``; ``d/dx_j = p_j (g_j - sum_c p_c g_c)`` with
      ``g = 2 (p - one_hot) / C``; along the sweep it carries a factor ``p_y``, so it tends
      to 0 when ``p_y ≈ 0``: the flat gradient.
    - hinge: ``(1/C) sum_{j≠y} max(0, 1 - x_y + x_j)``; its derivative along the sweep is
      ``-(number of classes within the margin) / C`` and exactly 0 past the margin.

    Examples
    --------
    >>> v = why_not_mse([-4.0, 5.0, 1.0], 0)
    >>> round(float(v.cross_entropy.grad[0]), 4), round(float(v.mse.grad[0]), 6)  # hard vs barely
    (-0.9999, -0.000159)
    """
    x = check_one_example(logits, "why_not_mse")
    if x.shape[0] < 2:
        raise ValueError("why_not_mse compares classes; give at least two logits.")
    t = int(check_class_indices(target, x.shape[0], (), ignore_index=None))
    rate = _check_learning_rate(lr)
    n_steps = check_whole_number(steps, "steps", 0, MAX_STEPS)
    base = get_log_base(log_base)
    per_nat = 1.0 / math.log(base.base)  # only cross-entropy is a log

    rival = float(np.max(np.delete(x, t)))
    low = min(rival - SWEEP_HALF_WIDTH, x[t] - 1.0)
    high = max(rival + SWEEP_HALF_WIDTH, x[t] + 1.0)
    sweep_x = np.linspace(low, high, SWEEP_POINTS)
    # One batch: row 0 is the lesson's logits, rows 1.. the sweep (true logit replaced).
    batch = np.tile(x, (SWEEP_POINTS + 1, 1))
    batch[1:, t] = sweep_x

    race_losses, race_p = _race(tuple(x.tolist()), t, rate, n_steps)
    readings = []
    for i, (name, call, loss_and_grad) in enumerate(_LOSSES):
        loss, grad = loss_and_grad(batch, t)
        scale = per_nat if i == 0 else 1.0
        readings.append(LossReading(
            name=name,
            torch_call=call,
            loss=float(loss[0] * scale),
            grad=grad[0] * scale,
            sweep_loss=loss[1:] * scale,
            sweep_grad=grad[1:, t] * scale,
            race_loss=race_losses[i] * scale,
            race_target_probability=race_p[i],
        ))
    probabilities = softmax(batch)
    return WhyNotMseView(
        logits=x,
        target=t,
        probabilities=probabilities[0],
        one_hot=np.eye(x.shape[0])[t],
        cross_entropy=readings[0],
        mse=readings[1],
        hinge=readings[2],
        sweep_logits=sweep_x,
        sweep_probabilities=probabilities[1:, t],
        lr=rate,
        steps=n_steps,
        log_base=base,
    )
