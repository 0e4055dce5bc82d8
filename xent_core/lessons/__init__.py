"""The lessons: their preset numbers and one function per lesson page.

Each page calls one function here and draws what it returns: a frozen view holding every
number the page shows, every loss already in the chosen log base (``log_base`` is an input,
never a conversion on the page).

- :func:`cat_vs_dog` — the fast.ai spreadsheet (page 1)
- :func:`five_classes` and :func:`five_class_steps` — softmax by hand, gradient steps (page 2)
- :func:`pytorch_batch` — ``softmax([-9, 5, 10])`` and the PyTorch batch (page 3)
- :func:`mnist_digits` — one held-out digit and the whole held-out set (page 4)
- :func:`why_not_mse` — cross-entropy, MSE and the hinge loss on the same logits (page 5)
- :func:`sigmoid_or_softmax` — one class true (softmax) or any number (sigmoids) (page 6)
- :func:`overflow` — float16 / float32 / float64, the by-hand and the stable routes (page 7)
- :func:`soft_labels` — H(p, q) = H(p) + KL(p‖q), label smoothing, calibration (page 8)

The presets (:mod:`xent_core.lessons.presets`) are the numbers the lessons print.
"""

from xent_core.lessons.cat_vs_dog import CatVsDogView, cat_vs_dog
from xent_core.lessons.five_classes import (
    FiveClassSteps,
    FiveClassView,
    five_class_steps,
    five_classes,
)
from xent_core.lessons.mnist_digits import MnistView, mnist_digits
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
from xent_core.lessons.pytorch_batch import (
    SOFTMAX_EXAMPLE_PROBABILITIES,
    BatchView,
    pytorch_batch,
)
from xent_core.lessons.sigmoid_or_softmax import (
    NAIVE_SIGMOID_ROUNDS_TO_ONE,
    SigmoidOrSoftmaxView,
    sigmoid_or_softmax,
)
from xent_core.lessons.soft_labels import SoftLabelsView, soft_labels
from xent_core.lessons.why_not_mse import WhyNotMseView, why_not_mse

__all__ = [
    "CAT_DOG_CLASSES",
    "CAT_DOG_LABELS",
    "CAT_DOG_P_CAT",
    "FIVE_CLASS_NAMES",
    "FIVE_CLASS_OUTPUTS",
    "FIVE_CLASS_TARGET",
    "NAIVE_SIGMOID_ROUNDS_TO_ONE",
    "PYTORCH_BATCH_LOGITS",
    "PYTORCH_BATCH_LOSS",
    "PYTORCH_BATCH_TARGETS",
    "SOFTMAX_EXAMPLE",
    "SOFTMAX_EXAMPLE_PROBABILITIES",
    "BatchView",
    "CatVsDogView",
    "FiveClassSteps",
    "FiveClassView",
    "MnistView",
    "OverflowView",
    "SigmoidOrSoftmaxView",
    "SoftLabelsView",
    "WhyNotMseView",
    "cat_dog_probabilities",
    "cat_dog_targets",
    "cat_vs_dog",
    "five_class_steps",
    "five_classes",
    "mnist_digits",
    "overflow",
    "pytorch_batch",
    "sigmoid_or_softmax",
    "soft_labels",
    "why_not_mse",
]
