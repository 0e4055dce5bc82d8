"""Log bases: the same loss in nats, bits, or the base-10 units of Excel's ``LOG()``.

Cross-entropy is ``-log p``; the base of the log only rescales it, because
``log_b(p) = ln(p) / ln(b)``. PyTorch uses the natural log (nats); information theory often
uses base 2 (bits); the fast.ai spreadsheet used Excel's ``LOG()``, which is base 10.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class LogBase:
    """One choice of log base, with the words the app uses for it."""

    key: str  # "e", "2" or "10": what the URL and the selector store
    base: float
    log_name: str  # how the log is written: ln, log₂, log₁₀
    unit: str  # what one unit of loss is called
    description: str

    def log(self, x) -> np.ndarray:
        """``log_b(x) = ln(x) / ln(b)``, elementwise; ``log_b(0) = -inf`` without a warning."""
        with np.errstate(divide="ignore"):
            return np.log(np.asarray(x, dtype=np.float64)) / math.log(self.base)

    def from_nats(self, value):
        """Convert a loss measured in nats (natural log) into this base's units."""
        return np.asarray(value, dtype=np.float64) / math.log(self.base)


NATURAL = LogBase("e", math.e, "ln", "nats",
                  "natural log, as PyTorch's cross_entropy and nll_loss use")
BINARY = LogBase("2", 2.0, "log₂", "bits", "base 2, as information theory counts bits")
DECIMAL = LogBase("10", 10.0, "log₁₀", "hartleys",
                  "base 10, as Excel's LOG() in the fast.ai spreadsheet")

LOG_BASES: dict[str, LogBase] = {b.key: b for b in (NATURAL, BINARY, DECIMAL)}


def get_log_base(key) -> LogBase:
    """Look up a log base by its key ``"e"``, ``"2"`` or ``"10"``.

    Raises
    ------
    ValueError
        For any other key.
    """
    if isinstance(key, LogBase):
        return key
    try:
        return LOG_BASES[str(key)]
    except KeyError:
        raise ValueError(
            f"log base must be 'e' (nats), '2' (bits) or '10' (Excel's LOG); got {key!r}."
        ) from None
