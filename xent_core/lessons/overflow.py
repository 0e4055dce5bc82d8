"""Lesson 7 · Numbers that overflow: softmax by hand and the stable routes, in three precisions.

For one set of logits, in float16, float32 and float64 side by side (every operation done in
that precision, see :mod:`xent_core.precision`):

- softmax by hand (``exp``, sum, divide) against the max-subtracted form and log-sum-exp:
  ``e^x`` overflows above about 11.09 (float16), 88.72 (float32), 709.78 (float64), and the
  by-hand route turns into ``inf / inf = NaN`` while the stable routes stay right;
- ``log(softmax(x))`` against ``log_softmax(x)``: ``-inf`` and a NaN gradient once a
  probability underflows to 0, against a finite loss and gradient;
- shift invariance: adding the same ``c`` to every logit changes no probability — except on
  the by-hand route, which overflows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from xent_core.activations import softmax
from xent_core.checks import as_float_array, check_class_indices, check_one_example
from xent_core.precision import (
    EXP_OVERFLOWS_ABOVE,
    FLOAT_DTYPES,
    PROBABILITY_UNDERFLOWS_BELOW,
    log_of_softmax,
    log_of_softmax_grad,
    log_softmax_fused,
    log_softmax_fused_grad,
    logsumexp_by_hand,
    logsumexp_max_subtracted,
    softmax_by_hand,
    softmax_max_subtracted,
    softmax_via_logsumexp,
    to_dtype,
)
from xent_core.units import LogBase, get_log_base

# (logits, target, shift): where each precision breaks.
PRESETS: dict[str, tuple[tuple[float, ...], int, float]] = {
    "everyday logits": ((2.0, 1.0, 0.1), 0, 0.0),
    "float16 overflows": ((12.0, 10.0, 3.0), 0, 0.0),  # e^12 > 65504
    "float32 overflows": ((90.0, 88.0, 3.0), 0, 0.0),  # e^90 > 3.4e38
    "float64 overflows": ((710.0, 700.0, 3.0), 0, 0.0),  # e^710 > 1.8e308
    "log of 0": ((0.0, -800.0, 5.0), 1, 0.0),  # p[1] = e^-800 underflows even in float64
    "shift by 1000": ((2.0, 1.0, 0.1), 0, 1000.0),
}
DEFAULT_PRESET = "float16 overflows"
# |logit| and |c| up to 30 000 keep logits + c below float16's largest number (65 504), so every
# precision can at least hold the logits; what breaks is exp, not the cast.
LOGIT_LIMIT = 3e4
SHIFT_LIMIT = 3e4


@dataclass(frozen=True, eq=False)
class PrecisionRoutes:
    """Every route of lesson 7 in one precision, on the shifted logits.

    Values are the dtype's own results, shown as float64 (an exact conversion that keeps
    ``inf``, NaN and 0). Logs, losses and their gradients are in ``log_base`` units.
    """

    dtype: str  # "float16", "float32" or "float64"
    overflow_threshold: float  # e^x is inf above this: log(largest number of the dtype)
    underflow_gap: float  # a class this far behind the largest gets probability 0
    logits: np.ndarray  # (C,) the shifted logits as this dtype stores them (rounded)
    largest_logit: float  # max of ``logits``: by hand breaks once it passes overflow_threshold
    # by hand: exp, sum, divide
    exp_by_hand: np.ndarray  # (C,) e^x; inf where it overflows
    sum_exp_by_hand: float
    softmax_by_hand: np.ndarray  # (C,) NaN where inf / inf happened
    # max subtracted
    exp_max_subtracted: np.ndarray  # (C,) e^(x - max), each in [0, 1]
    sum_exp_max_subtracted: float  # in [1, C]
    softmax_max_subtracted: np.ndarray  # (C,)
    # log-sum-exp
    logsumexp_by_hand: float  # log(sum e^x): inf once an exp overflows (in nats)
    logsumexp: float  # max + log(sum e^(x - max)) (in nats)
    softmax_via_logsumexp: np.ndarray  # (C,) e^(x - logsumexp)
    # log(softmax) against log_softmax
    log_of_softmax: np.ndarray  # (C,) -inf where a probability underflowed
    log_softmax: np.ndarray  # (C,) finite
    loss_log_of_softmax: float  # -log(softmax(x))[target]: inf when p[target] underflowed
    loss_log_softmax: float  # -log_softmax(x)[target]
    grad_log_of_softmax: np.ndarray  # (C,) autograd through log and softmax: NaN if broken
    grad_log_softmax: np.ndarray  # (C,) softmax - one_hot
    # shift invariance: max |route(x + c) - route(x)| over the classes (NaN if either broke)
    shift_change_by_hand: float
    shift_change_max_subtracted: float
    shift_change_log_softmax: float

    @property
    def overflow_headroom(self) -> float:
        """How far the largest logit may still rise before ``e^x`` overflows (negative: past it)."""
        return self.overflow_threshold - self.largest_logit

    @property
    def by_hand_breaks(self) -> bool:
        """Some entry of the by-hand softmax is not a finite number."""
        return not bool(np.isfinite(self.softmax_by_hand).all())

    @property
    def log_of_softmax_breaks(self) -> bool:
        """``log(softmax(x))`` holds ``-inf`` (or NaN) somewhere."""
        return not bool(np.isfinite(self.log_of_softmax).all())

    @property
    def stable_is_finite(self) -> bool:
        """The max-subtracted softmax and log_softmax are finite (true unless a logit is
        beyond the dtype's range, e.g. above 65504 in float16)."""
        return bool(np.isfinite(self.softmax_max_subtracted).all()
                    and np.isfinite(self.log_softmax).all())


@dataclass(frozen=True, eq=False)
class OverflowView:
    """Everything lesson 7 shows for one set of logits, a true class and a shift ``c``."""

    logits: np.ndarray  # (C,) as the learner gave them
    target: int
    shift: float  # c, added to every logit
    shifted_logits: np.ndarray  # (C,) logits + c, in float64
    probabilities: np.ndarray  # (C,) float64 softmax of the logits: the right answer
    float16: PrecisionRoutes
    float32: PrecisionRoutes
    float64: PrecisionRoutes
    log_base: LogBase

    @property
    def routes(self) -> tuple[PrecisionRoutes, PrecisionRoutes, PrecisionRoutes]:
        """The three precisions, narrowest first."""
        return (self.float16, self.float32, self.float64)


def _largest_change(before: np.ndarray, after: np.ndarray) -> float:
    if not (np.isfinite(before).all() and np.isfinite(after).all()):
        return float("nan")
    return float(np.max(np.abs(after - before)))


def _routes(pair: np.ndarray, dtype: str, target: int, per_nat: float) -> PrecisionRoutes:
    """All routes for rows ``[x, x + c]`` of ``pair`` (2, C) in one dtype; reported on row 1."""
    targets = np.array([target, target])
    x = to_dtype(pair, dtype)
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        exps = np.exp(x)
        exps_shifted = np.exp(x - np.max(x, axis=-1, keepdims=True))
    by_hand = softmax_by_hand(x, dtype)
    stable = softmax_max_subtracted(x, dtype)
    fused = log_softmax_fused(x, dtype)
    logs = log_of_softmax(x, dtype)
    with np.errstate(over="ignore", invalid="ignore"):
        sums = np.sum(exps, axis=-1, dtype=exps.dtype)
        sums_shifted = np.sum(exps_shifted, axis=-1, dtype=exps.dtype)
    row = 1

    def wide(values) -> np.ndarray:
        return np.asarray(values, dtype=np.float64)

    return PrecisionRoutes(
        dtype=dtype,
        overflow_threshold=EXP_OVERFLOWS_ABOVE[dtype],
        underflow_gap=-PROBABILITY_UNDERFLOWS_BELOW[dtype],
        logits=wide(x[row]),
        largest_logit=float(np.max(x[row])),
        exp_by_hand=wide(exps[row]),
        sum_exp_by_hand=float(sums[row]),
        softmax_by_hand=wide(by_hand[row]),
        exp_max_subtracted=wide(exps_shifted[row]),
        sum_exp_max_subtracted=float(sums_shifted[row]),
        softmax_max_subtracted=wide(stable[row]),
        logsumexp_by_hand=float(logsumexp_by_hand(x[row], dtype)),
        logsumexp=float(logsumexp_max_subtracted(x[row], dtype)),
        softmax_via_logsumexp=wide(softmax_via_logsumexp(x[row], dtype)),
        log_of_softmax=wide(logs[row]) * per_nat,
        log_softmax=wide(fused[row]) * per_nat,
        loss_log_of_softmax=float(-wide(logs[row, target]) * per_nat),
        loss_log_softmax=float(-wide(fused[row, target]) * per_nat),
        grad_log_of_softmax=wide(log_of_softmax_grad(x[row], target, dtype)) * per_nat,
        grad_log_softmax=wide(log_softmax_fused_grad(x, targets, dtype)[row]) * per_nat,
        shift_change_by_hand=_largest_change(wide(by_hand[0]), wide(by_hand[1])),
        shift_change_max_subtracted=_largest_change(wide(stable[0]), wide(stable[1])),
        shift_change_log_softmax=_largest_change(wide(fused[0]), wide(fused[1])) * per_nat,
    )


def _check_shift(shift) -> float:
    if isinstance(shift, str | bytes):
        raise ValueError(f"shift must be a number; got the text {shift!r}.")
    value = as_float_array(shift, "shift")
    if value.shape != () or not np.isfinite(value) or abs(float(value)) > SHIFT_LIMIT:
        raise ValueError(
            f"shift must be one number between {-SHIFT_LIMIT:g} and {SHIFT_LIMIT:g}; "
            f"got {shift!r}."
        )
    return float(value)


def overflow(logits, target, shift: float = 0.0, log_base="e") -> OverflowView:
    """Softmax, log-softmax and their gradients by every route in float16, float32, float64.

    Parameters
    ----------
    logits : array_like, shape ``(C,)``
        One example's logits (float64; each precision rounds them itself).
    target : int
        The true class, ``0 <= target < C``: the loss is ``-log p[target]``.
    shift : float, default 0
        ``c``, added to every logit before anything else (between -30 000 and 30 000; the
        logits themselves too).
    log_base : {'e', '2', '10'} or LogBase, default 'e'
        Base of the log-probabilities, losses and their gradients. ``logsumexp`` stays in
        nats (it is a log of a sum of exponentials of logits, not a loss).

    Returns
    -------
    OverflowView
        One :class:`PrecisionRoutes` per dtype, computed on ``logits + c``; each
        ``shift_change_*`` compares the route on ``logits + c`` with the route on ``logits``.

    Examples
    --------
    >>> v = overflow([12.0, 10.0, 3.0], 0)
    >>> v.float16.by_hand_breaks, v.float32.by_hand_breaks
    (True, False)
    >>> v.float16.softmax_max_subtracted.round(3)  # float16 keeps about 3 digits: 0.8804
    array([0.88 , 0.119, 0.   ])
    """
    x = check_one_example(logits, "overflow")
    if (np.abs(x) > LOGIT_LIMIT).any():
        raise ValueError(
            f"logits must lie between {-LOGIT_LIMIT:g} and {LOGIT_LIMIT:g} here (float16 cannot "
            f"hold numbers beyond 65504); got {x[np.argmax(np.abs(x))]:g}."
        )
    t = int(check_class_indices(target, x.shape[0], (), ignore_index=None))
    c = _check_shift(shift)
    base = get_log_base(log_base)
    per_nat = 1.0 / math.log(base.base)
    pair = np.stack([x, x + c])
    routes = {d: _routes(pair, d, t, per_nat) for d in FLOAT_DTYPES}
    return OverflowView(
        logits=x,
        target=t,
        shift=c,
        shifted_logits=pair[1],
        probabilities=softmax(x),
        float16=routes["float16"],
        float32=routes["float32"],
        float64=routes["float64"],
        log_base=base,
    )
