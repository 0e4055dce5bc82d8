"""Inputs shared by the lessons 5-8 engine tests and scripts/torch_references_loss_behaviour.py.

The script runs PyTorch on exactly these inputs; its printed output is the literal
``REFERENCES`` in tests/torch_references_loss_behaviour.py.
"""

MSE_INPUT = [[0.2, -1.3, 0.7], [1.5, 0.0, -0.4]]
MSE_TARGET = [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]
MSE_WEIGHT = [[1.0, 2.0, 0.5], [0.0, 1.0, 3.0]]

MARGIN_SCORES = [
    [0.1, 0.2, 0.4, 0.8],
    [1.0, -1.0, 0.3, 0.2],
    [-0.5, 2.0, 1.9, 0.0],
    [3.2, 5.1, -1.7, 0.25],  # CS231n's cat image, with a fourth class
]
MARGIN_TARGETS = [3, 0, 1, 0]
MARGIN_CASES = {
    "default": {},
    "squared": {"p": 2},
    "margin_0.7": {"margin": 0.7},
    "weighted": {"weight": [1.0, 2.0, 3.0, 0.5]},
    "squared_weighted_margin_2": {"p": 2, "margin": 2.0, "weight": [0.3, 1.0, 2.5, 1.5]},
}

KL_INPUT_LOGITS = [[0.5, -1.0, 2.0], [0.0, 0.0, 3.0]]
KL_TARGET = [[0.2, 0.3, 0.5], [0.7, 0.1, 0.2]]

PRECISION_LOGITS = [
    [2.0, 1.0, 0.1],
    [12.0, 10.0, 3.0],  # e^12 overflows float16
    [90.0, 88.0, 3.0],  # e^90 overflows float32
    [710.0, 700.0, 3.0],  # e^710 overflows float64
    [0.0, -800.0, 5.0],  # p[1] underflows to 0 in every precision
    [0.0, -20.0, 1.0],  # p[1] underflows in float16 only
]
PRECISION_TARGET = [0, 0, 0, 0, 1, 1]
