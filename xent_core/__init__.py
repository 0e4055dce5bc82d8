"""xent_core: the numbers behind Cross-Entropy Lab, in pure NumPy.

Functions named like ``torch.nn.functional``'s behave like them (class axis last, float64):

- activations: :func:`softmax`, :func:`log_softmax`, :func:`logsumexp`, :func:`sigmoid`,
  :func:`log_sigmoid`
- losses: :func:`nll_loss`, :func:`cross_entropy`, :func:`cross_entropy_grad`,
  :func:`binary_cross_entropy`, :func:`binary_cross_entropy_with_logits`
- comparison losses: :func:`mse_loss`, :func:`mse_loss_grad`, :func:`multi_margin_loss`,
  :func:`multi_margin_loss_grad`, :func:`softmax_backward`
- divergences: :func:`entropy`, :func:`distribution_cross_entropy`, :func:`kl_divergence`,
  :func:`rel_entr`, :func:`kl_div`
- precision (float16 / float32 / float64 routes): :func:`softmax_by_hand`,
  :func:`softmax_max_subtracted`, :func:`softmax_via_logsumexp`, :func:`logsumexp_by_hand`,
  :func:`logsumexp_max_subtracted`, :func:`log_of_softmax`, :func:`log_softmax_fused`,
  :func:`log_of_softmax_grad`, :func:`log_softmax_fused_grad`, :func:`exp_overflow_threshold`,
  :func:`probability_underflow_gap`, :data:`EXP_OVERFLOWS_ABOVE`,
  :data:`PROBABILITY_UNDERFLOWS_BELOW`, :data:`FLOAT_DTYPES`
- calibration: :func:`reliability_bins`, :func:`expected_calibration_error`,
  :func:`temperature_nll`, :func:`fit_temperature`, :func:`calibration`
- teaching: :func:`explain`, :func:`explain_batch`, :func:`spreadsheet`,
  :func:`one_hot_cross_entropy`, :func:`index_cross_entropy`, :func:`one_hot`
- log bases: :data:`LOG_BASES`, :func:`get_log_base`

One function per lesson page (every number a page shows, in the chosen log base) lives in
:mod:`xent_core.lessons`, with the lessons' preset numbers.
"""

from xent_core.activations import log_sigmoid, log_softmax, logsumexp, sigmoid, softmax
from xent_core.calibration import (
    Calibration,
    ReliabilityBins,
    calibration,
    expected_calibration_error,
    fit_temperature,
    reliability_bins,
    temperature_nll,
)
from xent_core.comparison_losses import (
    mse_loss,
    mse_loss_grad,
    multi_margin_loss,
    multi_margin_loss_grad,
    softmax_backward,
)
from xent_core.divergences import (
    distribution_cross_entropy,
    entropy,
    kl_div,
    kl_divergence,
    rel_entr,
)
from xent_core.losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    cross_entropy_grad,
    nll_loss,
)
from xent_core.precision import (
    EXP_OVERFLOWS_ABOVE,
    FLOAT_DTYPES,
    PROBABILITY_UNDERFLOWS_BELOW,
    exp_overflow_threshold,
    log_of_softmax,
    log_of_softmax_grad,
    log_softmax_fused,
    log_softmax_fused_grad,
    logsumexp_by_hand,
    logsumexp_max_subtracted,
    probability_underflow_gap,
    softmax_by_hand,
    softmax_max_subtracted,
    softmax_via_logsumexp,
)
from xent_core.teaching import (
    BatchBreakdown,
    Breakdown,
    Spreadsheet,
    explain,
    explain_batch,
    index_cross_entropy,
    one_hot,
    one_hot_cross_entropy,
    spreadsheet,
)
from xent_core.units import LOG_BASES, LogBase, get_log_base

__all__ = [
    "EXP_OVERFLOWS_ABOVE",
    "FLOAT_DTYPES",
    "LOG_BASES",
    "PROBABILITY_UNDERFLOWS_BELOW",
    "BatchBreakdown",
    "Breakdown",
    "Calibration",
    "LogBase",
    "ReliabilityBins",
    "Spreadsheet",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "calibration",
    "cross_entropy",
    "cross_entropy_grad",
    "distribution_cross_entropy",
    "entropy",
    "exp_overflow_threshold",
    "expected_calibration_error",
    "explain",
    "explain_batch",
    "fit_temperature",
    "get_log_base",
    "index_cross_entropy",
    "kl_div",
    "kl_divergence",
    "log_of_softmax",
    "log_of_softmax_grad",
    "log_sigmoid",
    "log_softmax",
    "log_softmax_fused",
    "log_softmax_fused_grad",
    "logsumexp",
    "logsumexp_by_hand",
    "logsumexp_max_subtracted",
    "mse_loss",
    "mse_loss_grad",
    "multi_margin_loss",
    "multi_margin_loss_grad",
    "nll_loss",
    "one_hot",
    "one_hot_cross_entropy",
    "probability_underflow_gap",
    "rel_entr",
    "reliability_bins",
    "sigmoid",
    "softmax",
    "softmax_backward",
    "softmax_by_hand",
    "softmax_max_subtracted",
    "softmax_via_logsumexp",
    "spreadsheet",
    "temperature_nll",
]
