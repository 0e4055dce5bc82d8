"""The PyTorch batch with the options a PyTorch user meets, plus seeded random logits.

:func:`~xent_core.explain_batch` walks the tutorial's chain with PyTorch's defaults.
:func:`explain_batch_options` runs the same routes with the keyword arguments of
``F.nll_loss`` / ``F.cross_entropy``:

- ``reduction``: ``'mean'`` divides the sum of the row losses by the sum of the rows' weights,
  ``'sum'`` adds them, ``'none'`` returns one loss per row;
- ``weight``: one rescaling factor per class, applied to each row through its target;
- ``ignore_index=-100``: a row whose target is -100 contributes nothing, not even to the mean;
- ``label_smoothing`` (``cross_entropy`` only): the target becomes ``(1 - eps) one_hot + eps / C``.

It also checks a table of logits typed by a learner (:func:`read_logit_cells`,
:func:`read_class_weights`) and draws random batches (:func:`random_logits`,
:func:`random_batch`) from NumPy's seeded ``Generator``, so a seed always gives the same batch.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from xent_core.checks import (
    check_class_indices,
    check_label_smoothing,
    check_logits,
    check_reduction,
    check_weight,
)
from xent_core.losses import cross_entropy, nll_loss
from xent_core.teaching import BatchBreakdown, explain_batch
from xent_core.units import LogBase, get_log_base

IGNORE_INDEX = -100  # PyTorch's default ignore_index
LOGIT_LIMIT = 1e6  # typed logits beyond ±1e6 are mistakes (real models stay within ±100)
RANDOM_DECIMALS = 4  # random logits are rounded as PyTorch prints them


# --------------------------------------------------------------------------- options


@dataclass(frozen=True)
class LossOptions:
    """The keyword arguments of ``F.nll_loss`` and ``F.cross_entropy`` that the page offers.

    ``ignore_index`` is PyTorch's default, -100: a row is ignored by giving it that target.
    """

    reduction: str = "mean"
    weight: tuple[float, ...] | None = None  # one per class; None = every class weighs 1
    label_smoothing: float = 0.0  # cross_entropy only: nll_loss has no such argument

    def __post_init__(self) -> None:
        check_reduction(self.reduction)
        check_label_smoothing(self.label_smoothing)

    @property
    def is_default(self) -> bool:
        """True when every option is PyTorch's default (the tutorial's call)."""
        return self == LossOptions()


@dataclass(frozen=True)
class BatchOptionsBreakdown:
    """Every step of the batch's loss with options, in ``log_base`` where marked, else nats.

    The chain (``softmax → log → pick → reduce → × −1``) is shown in ``log_base``; the four
    PyTorch calls are in nats, as PyTorch prints them. Reduced values are floats, or arrays of
    shape ``(N,)`` for ``reduction='none'``.
    """

    chain: BatchBreakdown  # explain_batch: probabilities, row sums, log_softmax (nats)
    options: LossOptions
    log_base: LogBase
    ignored: np.ndarray  # (N,) bool: target == -100
    row_weight: np.ndarray  # (N,) w[y_n], 0 for ignored rows
    denominator: float  # sum of row_weight: what 'mean' divides by
    log_probabilities: np.ndarray  # (N, C) log_b p  [log_base]
    picked: np.ndarray  # (N,) log_b p[n, y_n]; NaN for ignored rows  [log_base]
    weighted_picked: np.ndarray  # (N,) w[y_n] log_b p[n, y_n]; 0 for ignored rows  [log_base]
    reduced_picked: float | np.ndarray  # weighted_picked reduced; × −1 gives ``loss``  [log_base]
    row_losses: np.ndarray  # (N,) nll_loss(log_softmax, reduction='none')  [log_base]
    smoothed_row_losses: np.ndarray  # (N,) cross_entropy(reduction='none')  [log_base]
    loss: float | np.ndarray  # nll_loss(log_softmax(x)) with the options  [log_base]
    cross_entropy_loss: float | np.ndarray  # cross_entropy(x) with the options  [log_base]
    nll_of_log_of_softmax: float | np.ndarray  # F.nll_loss(torch.log(softmax(x)))  [nats]
    nll_of_log_softmax: float | np.ndarray  # F.nll_loss(F.log_softmax(x))  [nats]
    cross_entropy: float | np.ndarray  # F.cross_entropy(x)  [nats]
    nll_of_probabilities: float | np.ndarray  # the trap: F.nll_loss(softmax(x))  [nats]

    @property
    def routes_agree(self) -> bool:
        """Do the three routes give the same loss (NaN counts as equal to NaN)?"""
        values = [np.asarray(v) for v in (self.nll_of_log_of_softmax, self.nll_of_log_softmax,
                                          self.cross_entropy)]
        return all(np.allclose(values[0], v, rtol=1e-9, atol=1e-12, equal_nan=True)
                   for v in values[1:])

    @property
    def log_of_softmax_overflows(self) -> bool:
        """True when ``log(softmax(x))`` hit ``log(0) = -inf`` on a picked entry."""
        return bool(np.isinf(np.asarray(self.nll_of_log_of_softmax)).any())

    @property
    def all_ignored_or_weightless(self) -> bool:
        """True when 'mean' divides 0 by 0 (every row ignored or weighted 0): the loss is NaN."""
        return self.options.reduction == "mean" and self.denominator == 0


def _as_value(value) -> float | np.ndarray:
    array = np.asarray(value, dtype=np.float64)
    return float(array) if array.ndim == 0 else array


def explain_batch_options(logits, target, options: LossOptions = LossOptions(),
                          log_base="e") -> BatchOptionsBreakdown:
    """The tutorial's three routes to the batch loss, with PyTorch's loss options.

    Parameters
    ----------
    logits : array_like, shape ``(N, C)``
    target : array_like of int, shape ``(N,)``
        Class indices ``0 <= y < C``, or -100 (``ignore_index``) to skip a row.
    options : LossOptions
        ``reduction``, ``weight`` (shape ``(C,)``) and ``label_smoothing``.
    log_base : {'e', '2', '10'} or LogBase, default 'e'
        The base of the chain's logs and losses (the PyTorch calls stay in nats).

    Returns
    -------
    BatchOptionsBreakdown
        With ``w_n = weight[y_n]`` (0 for ignored rows) and ``log p = log_softmax(x)``:
        ``row_losses[n] = -w_n log p[n, y_n]``; ``'mean'`` is
        ``sum_n row_losses[n] / sum_n w_n``, ``'sum'`` is the plain sum, ``'none'`` the row
        losses themselves. ``cross_entropy`` adds label smoothing; ``nll_loss`` cannot.

    Examples
    --------
    >>> b = explain_batch_options([[0.0, 0.0], [2.0, 0.0]], [0, -100],
    ...                           LossOptions(reduction="sum"))
    >>> round(b.cross_entropy, 4), bool(b.ignored[1])  # only row 0 counts: ln 2
    (0.6931, True)
    """
    x = check_logits(logits)
    if x.ndim != 2:
        raise ValueError(f"a batch needs logits of shape (N, C); got {x.shape}.")
    t = check_class_indices(target, x.shape[1], x.shape[:1], ignore_index=IGNORE_INDEX)
    w = check_weight(options.weight, x.shape[1], "class weights")
    base = get_log_base(log_base)
    chain = explain_batch(x, t)

    ignored = t == IGNORE_INDEX
    row_weight = np.where(ignored, 0.0, 1.0 if w is None else w[np.maximum(t, 0)])
    nll_options = {"weight": w, "ignore_index": IGNORE_INDEX}
    ce_options = {**nll_options, "label_smoothing": options.label_smoothing}
    row_nll = nll_loss(chain.log_softmax, t, reduction="none", **nll_options)
    row_ce = cross_entropy(x, t, reduction="none", **ce_options)

    def nll(log_probs) -> float | np.ndarray:
        return _as_value(nll_loss(log_probs, t, reduction=options.reduction, **nll_options))

    loss_nats = nll(chain.log_softmax)
    ce_nats = _as_value(cross_entropy(x, t, reduction=options.reduction, **ce_options))
    row_losses = base.from_nats(row_nll)
    loss = _as_value(base.from_nats(loss_nats))
    return BatchOptionsBreakdown(
        chain=chain,
        options=options,
        log_base=base,
        ignored=ignored,
        row_weight=row_weight,
        denominator=float(np.sum(row_weight)),
        log_probabilities=base.from_nats(chain.log_softmax),
        picked=base.from_nats(chain.picked),
        weighted_picked=0.0 - row_losses,  # 0.0 - keeps ignored rows at 0, not -0
        reduced_picked=_as_value(0.0 - np.asarray(loss)),
        row_losses=row_losses,
        smoothed_row_losses=base.from_nats(row_ce),
        loss=loss,
        cross_entropy_loss=_as_value(base.from_nats(ce_nats)),
        nll_of_log_of_softmax=nll(chain.log_of_softmax),
        nll_of_log_softmax=loss_nats,
        cross_entropy=ce_nats,
        nll_of_probabilities=nll(chain.probabilities),
    )


# ------------------------------------------------------------------ a learner's input


@dataclass(frozen=True)
class CellProblem:
    """One cell of the logit table that is not a usable number."""

    row: int
    column: int
    message: str  # names the cell, for the learner


@dataclass(frozen=True)
class LogitTable:
    """A table of typed logits: the numbers (NaN where a cell is bad) and what is wrong."""

    values: np.ndarray  # (N, C) float64
    problems: tuple[CellProblem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def _quote(text: str, limit: int = 24) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def read_logit_cell(text, row: int, column: int,
                    limit: float = LOGIT_LIMIT) -> tuple[float, str | None]:
    """One typed logit: ``(value, None)`` if usable, else ``(nan, message naming the cell)``."""
    where = f"Example {row}, class {column}"
    if text is None or (isinstance(text, float) and math.isnan(text)) or not str(text).strip():
        return math.nan, f"{where} is empty: type a number (a logit can be any real number)."
    shown = _quote(str(text).strip())
    try:
        value = float(str(text).strip())
    except ValueError:
        return math.nan, f"{where}: “{shown}” is not a number."
    if math.isnan(value):
        return math.nan, f"{where}: NaN is not a number a loss can use; type a real number."
    if math.isinf(value):
        return math.nan, f"{where}: “{shown}” is infinite; a logit must be a finite number."
    if abs(value) > limit:
        return math.nan, (
            f"{where}: {value:g} is too large; keep logits between {-limit:,.0f} and "
            f"{limit:,.0f} (a real model's logits rarely leave ±100)."
        )
    return value, None


def read_logit_cells(cells: Sequence[Sequence[object]],
                     limit: float = LOGIT_LIMIT) -> LogitTable:
    """Check a table of typed logits cell by cell.

    Parameters
    ----------
    cells : sequence of rows, each a sequence of text (or numbers), shape ``(N, C)``
    limit : float, default 1e6
        The largest allowed ``|logit|``.

    Returns
    -------
    LogitTable
        ``values[n, c]`` is the number typed, or NaN where the cell is empty, not a number,
        NaN, infinite or beyond ``±limit``; ``problems`` has one message per bad cell.

    Examples
    --------
    >>> table = read_logit_cells([["1.5", "abc"], ["", "-2"]])
    >>> [p.message.split(":")[0] for p in table.problems]
    ['Example 0, class 1', 'Example 1, class 0 is empty']
    """
    rows = [list(row) for row in cells]
    if not rows or any(len(row) != len(rows[0]) for row in rows) or not rows[0]:
        raise ValueError("the logit table must have at least one row and the same number of "
                         "classes in every row.")
    values = np.full((len(rows), len(rows[0])), np.nan)
    problems = []
    for n, row in enumerate(rows):
        for c, text in enumerate(row):
            values[n, c], message = read_logit_cell(text, n, c, limit)
            if message:
                problems.append(CellProblem(n, c, message))
    return LogitTable(values, tuple(problems))


def read_class_weights(text: str, n_classes: int) -> tuple[float, ...] | None:
    """Class weights typed as ``"1, 2, 1"``: one finite, non-negative number per class.

    Returns ``None`` for empty text (every class weighs 1, PyTorch's default); raises
    ``ValueError`` with a sentence for the learner otherwise.

    Examples
    --------
    >>> read_class_weights("1, 2.5, 0", 3)
    (1.0, 2.5, 0.0)
    """
    text = str(text).strip()
    if not text:
        return None
    parts = [part.strip() for part in text.split(",")]
    if len(parts) != n_classes:
        raise ValueError(
            f"class weights need one number per class: {n_classes} numbers separated by "
            f"commas; got {len(parts)}."
        )
    weights = []
    for c, part in enumerate(parts):
        try:
            value = float(part)
        except ValueError:
            raise ValueError(f"the weight of class {c}, “{_quote(part)}”, is not a number.") \
                from None
        if not math.isfinite(value) or not 0.0 <= value <= LOGIT_LIMIT:
            raise ValueError(
                f"the weight of class {c} must be a finite number from 0 to {LOGIT_LIMIT:,.0f}; "
                f"got {_quote(part)}."
            )
        weights.append(value)
    return tuple(weights)


# ------------------------------------------------------------------------- random batch


def _check_shape(n_examples: int, n_classes: int, seed: int) -> tuple[int, int, int]:
    values = []
    for name, value, low in (("N", n_examples, 1), ("C", n_classes, 1), ("seed", seed, 0)):
        if isinstance(value, bool) or int(value) != value or value < low:
            raise ValueError(f"{name} must be a whole number ≥ {low}; got {value!r}.")
        values.append(int(value))
    return values[0], values[1], values[2]


def random_batch(n_examples: int, n_classes: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A random batch: logits like ``torch.randn((N, C))`` and a random target per row.

    Parameters
    ----------
    n_examples, n_classes : int
        ``N ≥ 1`` rows, ``C ≥ 1`` classes.
    seed : int
        Seeds ``numpy.random.default_rng``: the same seed always gives the same batch.

    Returns
    -------
    logits : ndarray, shape ``(N, C)``
        Standard-normal draws, rounded to 4 decimals as PyTorch prints them (so the table
        and the link show exactly the numbers used).
    targets : ndarray of int64, shape ``(N,)``
        Uniform over ``0 .. C-1``, drawn after the logits from the same generator.

    Examples
    --------
    >>> logits, targets = random_batch(2, 3, seed=0)
    >>> logits.shape, targets.shape
    ((2, 3), (2,))
    """
    n, c, s = _check_shape(n_examples, n_classes, seed)
    rng = np.random.default_rng(s)
    logits = np.round(rng.standard_normal((n, c)), RANDOM_DECIMALS)
    targets = rng.integers(0, c, size=n).astype(np.int64)
    return logits, targets


def random_logits(n_examples: int, n_classes: int, seed: int) -> np.ndarray:
    """Standard-normal logits ``(N, C)`` from a seeded generator (see :func:`random_batch`).

    Examples
    --------
    >>> bool((random_logits(3, 5, seed=1) == random_logits(3, 5, seed=1)).all())
    True
    """
    return random_batch(n_examples, n_classes, seed)[0]

