"""Lesson 3, the PyTorch batch: ``softmax([-9, 5, 10])``, then a batch through PyTorch's routes.

:func:`pytorch_batch` returns what page 3 shows: the tutorial's first example (softmax of one
row of logits), and for the batch every step of ``softmax → log → nll_loss`` with PyTorch's
options, the three routes to one loss, the trap — losses in the chosen log base, and the
PyTorch routes also in nats, as PyTorch prints them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from xent_core.activations import softmax
from xent_core.batch_options import BatchOptionsBreakdown, LossOptions, explain_batch_options
from xent_core.checks import check_one_example
from xent_core.units import LogBase, get_log_base

# torch.softmax(torch.tensor([-9., 5., 10.]), dim=0) as the tutorial prints it (4 significant
# figures); the full values are softmax(SOFTMAX_EXAMPLE).
SOFTMAX_EXAMPLE_PROBABILITIES = (5.5653e-09, 6.6929e-03, 9.9331e-01)


@dataclass(frozen=True)
class BatchView:
    """Every number of page 3 (``[nats]`` marks values PyTorch prints, in nats)."""

    example_logits: np.ndarray  # (K,) the first example's logits, [-9, 5, 10] in the lesson
    example_probabilities: np.ndarray  # (K,) softmax of them
    batch: BatchOptionsBreakdown  # the chain with options: losses in log_base (see its fields)
    p_target: np.ndarray  # (N,) p[n, target_n]; NaN for ignored rows
    routes_nats: tuple  # [nats] nll(log(softmax)), nll(log_softmax), cross_entropy
    routes: tuple  # the same three in log_base
    is_lesson_batch: bool  # the tutorial's batch with PyTorch's default options
    log_base: LogBase

    @property
    def loss(self):
        return self.batch.loss


def pytorch_batch(example_logits, logits, targets, options: LossOptions | None = None,
                  log_base="e", lesson_batch=None) -> BatchView:
    """The first example's softmax, and the batch's loss by every route.

    Parameters
    ----------
    example_logits : array_like, shape ``(K,)``
        One row of logits for the opening ``softmax`` example.
    logits : array_like, shape ``(N, C)``
    targets : array_like of int, shape ``(N,)``; ``-100`` ignores a row
    options : LossOptions, optional (PyTorch's defaults)
        ``reduction``, ``weight`` and ``label_smoothing`` as PyTorch takes them.
    log_base : {'e', '2', '10'} or LogBase
    lesson_batch : (logits, targets) or None
        The tutorial's batch, to say whether these are its numbers.

    Examples
    --------
    >>> v = pytorch_batch([-9.0, 5.0, 10.0], [[0.0, 1.0]], [1])
    >>> [f"{p:.4e}" for p in v.example_probabilities]
    ['5.5653e-09', '6.6929e-03', '9.9331e-01']
    """
    base = get_log_base(log_base)
    example = check_one_example(example_logits, "the softmax example")
    options = LossOptions() if options is None else options
    batch = explain_batch_options(logits, targets, options, base)
    chain = batch.chain
    rows = np.arange(len(chain.target))
    p_target = np.where(batch.ignored, np.nan,
                        chain.probabilities[rows, np.maximum(chain.target, 0)])
    routes_nats = (batch.nll_of_log_of_softmax, batch.nll_of_log_softmax, batch.cross_entropy)
    routes = tuple(_in_base(v, base) for v in routes_nats)
    is_lesson = (lesson_batch is not None and options.is_default
                 and np.array_equal(chain.logits, np.asarray(lesson_batch[0], dtype=float))
                 and np.array_equal(chain.target, np.asarray(lesson_batch[1])))
    return BatchView(
        example_logits=example,
        example_probabilities=softmax(example),
        batch=batch,
        p_target=p_target,
        routes_nats=routes_nats,
        routes=routes,
        is_lesson_batch=bool(is_lesson),
        log_base=base,
    )


def _in_base(nats, base: LogBase):
    value = base.from_nats(nats)
    return float(value) if np.ndim(value) == 0 else value
