"""xent_core: the numbers behind Cross-Entropy Lab, in pure NumPy.

Functions named like ``torch.nn.functional``'s behave like them (class axis last, float64):

- activations: :func:`softmax`, :func:`log_softmax`, :func:`logsumexp`, :func:`sigmoid`,
  :func:`log_sigmoid`
- losses: :func:`nll_loss`, :func:`cross_entropy`, :func:`cross_entropy_grad`,
  :func:`binary_cross_entropy`, :func:`binary_cross_entropy_with_logits`
- teaching: :func:`explain`, :func:`explain_batch`, :func:`spreadsheet`,
  :func:`one_hot_cross_entropy`, :func:`index_cross_entropy`, :func:`one_hot`, :func:`entropy`
- log bases: :data:`LOG_BASES`, :func:`get_log_base`

One function per lesson page (every number a page shows, in the chosen log base) lives in
:mod:`xent_core.lessons`, with the lessons' preset numbers.
"""

from xent_core.activations import log_sigmoid, log_softmax, logsumexp, sigmoid, softmax
from xent_core.losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    cross_entropy_grad,
    nll_loss,
)
from xent_core.teaching import (
    BatchBreakdown,
    Breakdown,
    Spreadsheet,
    entropy,
    explain,
    explain_batch,
    index_cross_entropy,
    one_hot,
    one_hot_cross_entropy,
    spreadsheet,
)
from xent_core.units import LOG_BASES, LogBase, get_log_base

__all__ = [
    "LOG_BASES",
    "BatchBreakdown",
    "Breakdown",
    "LogBase",
    "Spreadsheet",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "cross_entropy_grad",
    "entropy",
    "explain",
    "explain_batch",
    "get_log_base",
    "index_cross_entropy",
    "log_sigmoid",
    "log_softmax",
    "logsumexp",
    "nll_loss",
    "one_hot",
    "one_hot_cross_entropy",
    "sigmoid",
    "softmax",
    "spreadsheet",
]
