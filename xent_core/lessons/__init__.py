"""Lesson-level code: the presets the lessons print, and one function per lesson page.

:mod:`xent_core.lessons.presets` holds the numbers the original lessons print. Each lesson
page has its own module with one function that returns everything the page shows:

- :func:`why_not_mse` (lesson 5): cross-entropy, MSE and the hinge loss on the same logits;
- :func:`sigmoid_or_softmax` (lesson 6): one class true (softmax) or any number (sigmoids);
- :func:`overflow` (lesson 7): float16 / float32 / float64, the by-hand and the stable routes;
- :func:`soft_labels` (lesson 8): H(p, q) = H(p) + KL(p‖q), label smoothing, calibration.
"""

from xent_core.lessons.overflow import OverflowView, overflow
from xent_core.lessons.presets import (
    CAT_DOG_CLASSES,
    CAT_DOG_LABELS,
    CAT_DOG_P_CAT,
    FIVE_CLASS_NAMES,
    FIVE_CLASS_OUTPUTS,
    FIVE_CLASS_TARGET,
    PYTORCH_BATCH_LOGITS,
    PYTORCH_BATCH_LOSS,
    PYTORCH_BATCH_TARGETS,
    SOFTMAX_EXAMPLE,
    cat_dog_probabilities,
    cat_dog_targets,
)
from xent_core.lessons.sigmoid_or_softmax import SigmoidOrSoftmaxView, sigmoid_or_softmax
from xent_core.lessons.soft_labels import SoftLabelsView, soft_labels
from xent_core.lessons.why_not_mse import WhyNotMseView, why_not_mse

__all__ = [
    "CAT_DOG_CLASSES",
    "CAT_DOG_LABELS",
    "CAT_DOG_P_CAT",
    "FIVE_CLASS_NAMES",
    "FIVE_CLASS_OUTPUTS",
    "FIVE_CLASS_TARGET",
    "PYTORCH_BATCH_LOGITS",
    "PYTORCH_BATCH_LOSS",
    "PYTORCH_BATCH_TARGETS",
    "SOFTMAX_EXAMPLE",
    "OverflowView",
    "SigmoidOrSoftmaxView",
    "SoftLabelsView",
    "WhyNotMseView",
    "cat_dog_probabilities",
    "cat_dog_targets",
    "overflow",
    "sigmoid_or_softmax",
    "soft_labels",
    "why_not_mse",
]
