"""The numbers the lessons print, kept in one place so the app's presets reproduce them.

- fast.ai lesson 5, cat vs dog: five spreadsheet rows of (P(cat), label).
- fast.ai lesson 5, softmax by hand: the five-class "output" column.
- The PyTorch walkthrough: ``softmax([-9, 5, 10])`` and a 3 × 5 batch with targets [3, 0, 1].
"""

from __future__ import annotations

import numpy as np

# Cat vs dog: P(cat) per row and the true label. P(dog) = 1 - P(cat).
# Losses with log10, to 2 decimals: 0.30, 0.01, 1.00, 0.30, 0.05.
CAT_DOG_CLASSES = ("cat", "dog")
CAT_DOG_P_CAT = (0.5, 0.98, 0.9, 0.5, 0.9)
CAT_DOG_LABELS = ("cat", "cat", "dog", "dog", "cat")

# Softmax by hand: sum of exps 12.14, fish ≈ 0.90.
FIVE_CLASS_NAMES = ("cat", "dog", "plane", "fish", "building")
FIVE_CLASS_OUTPUTS = (-2.17, -1.63, -2.75, 2.39, -0.156)
FIVE_CLASS_TARGET = 3  # fish

# torch.softmax(tensor([[-9, 5, 10]])) = [5.5653e-09, 6.6929e-03, 9.9331e-01]
SOFTMAX_EXAMPLE = (-9.0, 5.0, 10.0)

# The tutorial's torch.randn((3, 5)) output, as printed (4 decimals); nll_loss ≈ 1.0314.
PYTORCH_BATCH_LOGITS = (
    (-0.7514, 1.2616, -0.4232, 1.3868, 1.2298),
    (1.5341, -0.4240, 0.0112, -0.5188, 0.1129),
    (-2.6143, 0.1532, 0.0868, -0.8231, 0.7698),
)
PYTORCH_BATCH_TARGETS = (3, 0, 1)
PYTORCH_BATCH_LOSS = 1.0314


def cat_dog_probabilities() -> np.ndarray:
    """The cat-vs-dog rows as an ``(N, 2)`` table of [P(cat), P(dog)]."""
    p_cat = np.asarray(CAT_DOG_P_CAT)
    return np.column_stack([p_cat, 1.0 - p_cat])


def cat_dog_targets() -> np.ndarray:
    """The cat-vs-dog labels as class indices (cat = 0, dog = 1)."""
    return np.asarray([CAT_DOG_CLASSES.index(label) for label in CAT_DOG_LABELS])
