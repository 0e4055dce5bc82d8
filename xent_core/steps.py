"""Gradient steps on one example's logits, and how ``exp`` amplifies gaps between logits.

- :func:`gradient_step` moves the logits one step downhill: ``x ← x − lr · d loss / d x``,
  and :func:`gradient_descent` takes several and records the loss after each.
- :func:`exp_ratio` and :func:`amplification` put a number on the lesson's remark that
  exponentiating makes the biggest logit stand out: a gap of ``a − b`` between two logits
  becomes a factor of ``e^(a − b)`` between their exps, and so between their probabilities.
- :func:`stable_exp` is the stable route written out: ``exp(x − max)`` never overflows.

Every function takes the softmax ``temperature`` the page offers (``x / T`` before ``exp``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from xent_core.activations import _shifted
from xent_core.checks import check_one_example, check_temperature
from xent_core.losses import cross_entropy, cross_entropy_grad


def _check_learning_rate(lr) -> float:
    try:
        value = float(lr)
    except (TypeError, ValueError):
        raise ValueError(f"the learning rate must be a number; got {lr!r}.") from None
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"the learning rate must be a positive finite number; got {value:g}.")
    return value


# --------------------------------------------------------------------------- gradient steps


def gradient_step(logits, target: int, lr: float, temperature: float = 1.0) -> np.ndarray:
    """One step of gradient descent on the logits of one example.

    Parameters
    ----------
    logits : array_like, shape ``(C,)``
        One example's logits.
    target : int
        The true class, ``0 <= target < C``.
    lr : float
        The learning rate, > 0.
    temperature : float, default 1.0
        The softmax temperature ``T`` (the loss is ``cross_entropy(x / T, target)``).

    Returns
    -------
    ndarray, shape ``(C,)``
        ``x − lr · g`` with ``g = (softmax(x / T) − one_hot(target)) / T``.

    Notes
    -----
    ``g`` sums to 0: the true class's logit goes up by ``lr (1 − p_target) / T`` and every
    other logit goes down by ``lr p_c / T``, so confident, correct predictions barely move.
    For a small enough ``lr`` the loss strictly decreases (unless it is already 0).

    Examples
    --------
    >>> gradient_step([0.0, 0.0], target=0, lr=1.0)  # p = [0.5, 0.5]
    array([ 0.5, -0.5])
    """
    x = check_one_example(logits, "gradient_step")
    rate = _check_learning_rate(lr)
    t = check_temperature(temperature)
    return x - rate * cross_entropy_grad(x / t, target) / t


@dataclass(frozen=True)
class Descent:
    """The logits and the loss (in nats) before the first step and after every step."""

    logits: np.ndarray  # (steps + 1, C)
    losses: np.ndarray  # (steps + 1,) cross_entropy(x / T, target) in nats


def gradient_descent(logits, target: int, lr: float, steps: int,
                     temperature: float = 1.0) -> Descent:
    """Take ``steps`` gradient steps and record where each one lands.

    Parameters
    ----------
    logits : array_like, shape ``(C,)``
    target : int
    lr : float
        The learning rate, > 0.
    steps : int
        How many steps, ≥ 0.
    temperature : float, default 1.0

    Returns
    -------
    Descent
        ``logits[k]`` and ``losses[k]`` after ``k`` steps (``k = 0`` is the start).

    Examples
    --------
    >>> d = gradient_descent([-2.17, -1.63, -2.75, 2.39, -0.156], 3, lr=1.0, steps=2)
    >>> bool(d.losses[0] > d.losses[1] > d.losses[2])
    True
    """
    x = check_one_example(logits, "gradient_descent")
    if int(steps) != steps or steps < 0:
        raise ValueError(f"steps must be a whole number ≥ 0; got {steps!r}.")
    t = check_temperature(temperature)
    path = [x]
    for _ in range(int(steps)):
        path.append(gradient_step(path[-1], target, lr, t))
    trajectory = np.stack(path)
    return Descent(logits=trajectory,
                   losses=np.asarray(cross_entropy(trajectory / t, np.full(len(path), target),
                                                   reduction="none")))


# ------------------------------------------------------------------- exp amplifies gaps


def exp_ratio(a: float, b: float, temperature: float = 1.0) -> float:
    """How many times larger ``e^(a / T)`` is than ``e^(b / T)``.

    Parameters
    ----------
    a, b : float
        Two logits.
    temperature : float, default 1.0

    Returns
    -------
    float
        ``e^((a − b) / T)``: only the gap between the logits matters. ``inf`` when the
        ratio is beyond float64 (a gap of more than about 709), never a warning.

    Notes
    -----
    Softmax divides both exps by the same sum, so this is also ``p_a / p_b``.

    Examples
    --------
    >>> round(exp_ratio(2.39, -0.156), 1)  # fish against building in the lesson
    12.8
    """
    t = check_temperature(temperature)
    gap = (float(a) - float(b)) / t
    if not np.isfinite(gap):
        raise ValueError(f"logits must be finite numbers; got {a!r} and {b!r}.")
    with np.errstate(over="ignore", under="ignore"):
        return float(np.exp(gap))


@dataclass(frozen=True)
class Amplification:
    """The largest logit against the runner-up, before and after ``exp``."""

    top: int  # index of the largest logit (the first, on a tie)
    runner_up: int  # index of the second largest
    gap: float  # logits[top] − logits[runner_up], ≥ 0
    scaled_gap: float  # gap / T: the exponent
    ratio: float  # e^(gap / T) = exp[top] / exp[runner_up] = p[top] / p[runner_up]


def amplification(logits, temperature: float = 1.0) -> Amplification:
    """Compare the largest logit with the runner-up: a gap ``d`` becomes a factor ``e^(d / T)``.

    Parameters
    ----------
    logits : array_like, shape ``(C,)`` with ``C ≥ 2``
    temperature : float, default 1.0

    Returns
    -------
    Amplification

    Examples
    --------
    >>> a = amplification([-2.17, -1.63, -2.75, 2.39, -0.156])
    >>> a.top, a.runner_up, round(a.gap, 3), round(a.ratio, 1)
    (3, 4, 2.546, 12.8)
    """
    x = check_one_example(logits, "amplification")
    if x.shape[0] < 2:
        raise ValueError("amplification compares two classes; give at least two logits.")
    t = check_temperature(temperature)
    order = np.argsort(-x, kind="stable")
    top, runner_up = int(order[0]), int(order[1])
    gap = float(x[top] - x[runner_up])
    return Amplification(top=top, runner_up=runner_up, gap=gap, scaled_gap=gap / t,
                         ratio=exp_ratio(x[top], x[runner_up], t))


@dataclass(frozen=True)
class StableExp:
    """The stable route's exps: ``exp((x − max) / T)``, each in ``(0, 1]``, and their sum."""

    largest: float  # max_j x_j, the logit subtracted from all
    exp: np.ndarray  # (C,) exp((x − largest) / T); the largest is exactly 1
    sum_exp: float  # in [1, C]


def stable_exp(logits, temperature: float = 1.0) -> StableExp:
    """``exp((x − max) / T)``: the exps that softmax really uses, which never overflow.

    Dividing them by their sum gives the same probabilities as ``exp(x / T) / sum``
    (the common factor ``e^(max / T)`` cancels), but no ``exp`` ever sees a positive number.

    Parameters
    ----------
    logits : array_like, shape ``(C,)``
    temperature : float, default 1.0

    Returns
    -------
    StableExp

    Examples
    --------
    >>> s = stable_exp([1000.0, 999.0])  # where exp(1000) alone is inf
    >>> s.exp.round(4), round(s.sum_exp, 4)
    (array([1.    , 0.3679]), 1.3679)
    """
    x = check_one_example(logits, "stable_exp")
    t = check_temperature(temperature)
    exps = np.exp(_shifted(x, -1, t))  # the same shift softmax itself uses
    return StableExp(largest=float(np.max(x)), exp=exps, sum_exp=float(np.sum(exps)))
