"""Lesson 2, five classes: softmax by hand, the gradient, and gradient steps you take.

:func:`five_classes` returns every number page 2 shows for one set of logits;
:func:`five_class_steps` takes the steps the buttons ask for and extends the loss history.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from xent_core.steps import Amplification, StableExp, amplification, gradient_descent, stable_exp
from xent_core.teaching import Breakdown, explain
from xent_core.units import LogBase, get_log_base

HISTORY_LENGTH = 200  # losses kept in a history of steps


@dataclass(frozen=True)
class FiveClassView:
    """Every number of page 2, losses in ``log_base``.

    ``breakdown`` is :func:`~xent_core.explain` (logits → exp → sum → p → log p → loss and the
    gradient ``(p − one_hot) / T`` in nats); ``stable`` is the ``exp(x − max)`` column, given
    when the by-hand exps overflow; ``next_logits`` is where one step of size ``lr`` lands.
    """

    breakdown: Breakdown
    stable: StableExp | None
    amplification: Amplification
    lr: float
    next_logits: np.ndarray  # (C,) logits − lr · gradient
    p_target: float  # probability of the true class
    predicted: int  # the model's top class
    history: np.ndarray  # (steps + 1,) losses of the steps taken so far, in log_base; may be empty
    log_base: LogBase

    @property
    def loss(self) -> float:
        return self.breakdown.loss


def five_classes(logits, target: int, temperature: float = 1.0, lr: float = 1.0,
                 log_base="e", history: Sequence[float] = ()) -> FiveClassView:
    """Everything page 2 shows for one example.

    Parameters
    ----------
    logits : array_like, shape ``(C,)``
    target : int
        The true class.
    temperature : float, default 1.0
        Softmax of ``x / T``.
    lr : float, default 1.0
        The step size of the next gradient step, ``x ← x − lr · ∂loss/∂x``.
    log_base : {'e', '2', '10'} or LogBase
    history : sequence of float
        Losses in **nats** of the steps taken so far (from :func:`five_class_steps`).

    Examples
    --------
    >>> v = five_classes([-2.17, -1.63, -2.75, 2.39, -0.156], 3)
    >>> round(v.breakdown.sum_exp, 2), round(v.p_target, 2)
    (12.14, 0.9)
    """
    base = get_log_base(log_base)
    breakdown = explain(logits, target, log_base=base, temperature=temperature)
    if not np.isfinite(lr) or lr <= 0:
        raise ValueError(f"the learning rate must be a positive number; got {lr:g}.")
    return FiveClassView(
        breakdown=breakdown,
        stable=stable_exp(breakdown.logits, temperature) if breakdown.exp_overflows else None,
        amplification=amplification(breakdown.logits, temperature),
        lr=float(lr),
        next_logits=breakdown.logits - lr * breakdown.grad,
        p_target=float(breakdown.probabilities[breakdown.target]),
        predicted=breakdown.predicted,
        history=base.from_nats(np.asarray(history, dtype=np.float64)),
        log_base=base,
    )


@dataclass(frozen=True)
class FiveClassSteps:
    """Where ``count`` gradient steps land, and the loss history (nats) including them."""

    logits: tuple[float, ...]
    history: tuple[float, ...]


def five_class_steps(logits, target: int, temperature: float, lr: float, count: int,
                     history: Sequence[float] = (), limit: float = np.inf) -> FiveClassSteps:
    """Take ``count`` gradient steps; append their losses (nats) to ``history``.

    ``history`` holds the losses of earlier steps from these same logits (empty to start a
    new history, which then begins with the loss before the first step); the longest history
    kept is :data:`HISTORY_LENGTH`. Raises ``ValueError`` when a step would push a logit past
    ``±limit``.

    Examples
    --------
    >>> s = five_class_steps([-2.17, -1.63, -2.75, 2.39, -0.156], 3, 1.0, 1.0, 2)
    >>> len(s.history), s.history[0] > s.history[1] > s.history[2]
    (3, True)
    """
    descent = gradient_descent(logits, target, lr, count, temperature)
    end = descent.logits[-1]
    if np.any(np.abs(end) > limit):
        raise ValueError(f"That step would push a logit past ±{limit:,.0f}, the largest this "
                         "page accepts. Lower the learning rate or reset.")
    losses = [float(v) for v in descent.losses]
    combined = (list(history) or losses[:1]) + losses[1:]
    return FiveClassSteps(logits=tuple(float(v) for v in end),
                          history=tuple(combined[-HISTORY_LENGTH:]))
