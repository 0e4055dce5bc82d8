"""Write PyTorch's answers for every torch-named xent_core function to a committed file.

``tests/data/torch_references.json`` holds fixed, seeded inputs and what PyTorch (CPU) returns
for them: every function named like a PyTorch one (softmax ... cross_entropy, mse_loss,
multi_margin_loss, kl_div), the gradients xent_core computes (by autograd) and lesson 7's
softmax routes in float16, float32 and float64. ``tests/test_torch_references.py`` checks
xent_core against every value in it on every run, with no PyTorch installed (through
``check_against_reference`` in tests/torch_helpers.py, which a lesson's test file can also use
for its own functions' cases); where PyTorch is installed (CI installs it) it also checks that
the file is still what this script writes and that no torch-named function lacks cases. So
``make test`` on a laptop needs no PyTorch, and the agreement stays as strong as a live
comparison. This is the one list of PyTorch references: add to it, do not start another.

Usage, from the repo root, with a CPU build of PyTorch (``make torch``)::

    make references                                            # rewrite the file, or:
    .venv/bin/python scripts/make_torch_references.py          # rewrite the file
    .venv/bin/python scripts/make_torch_references.py --check  # exit 1 if it is out of date

Adding cases
------------
Append ``Case`` entries to ``CASES`` (the one list; its sections follow "the cases" below),
then run the script (``make references``) and commit the JSON. A case names the xent_core
function, its positional arguments and its keyword options. The PyTorch side is, by default,
``torch.nn.functional.<same name>`` called with the same arguments, arrays turned into tensors:
the same name, argument order and meaning is what xent_core promises. So a new function named
like PyTorch's needs nothing else::

    CASES += [Case(f"mse_loss/float64/random/{r}", "mse_loss", (x, y), {"reduction": r})
              for r in REDUCTIONS]

Only when PyTorch spells it differently say so:

- ``torch="torch.logsumexp"`` or ``torch="F.logsigmoid"``: another PyTorch function;
- ``torch_kwargs={"dim": -1}``: keywords only PyTorch needs;
- ``torch="grad:F.mse_loss"``: the gradient of ``sum(F.mse_loss(...))`` with respect to the
  first argument, by autograd (for ``mse_loss_grad``, ``cross_entropy_grad``...);
- ``torch="in_dtype:<steps>"``: one of the step-by-step routes in ``IN_DTYPE`` (lesson 7's
  ``softmax_by_hand`` is ``"exp(x) / sum(exp(x))"``), run on ``args[0]`` rounded to the dtype
  that the last argument names; ``"grad:in_dtype:<steps>"`` for its gradient;
- ``tolerance={"rtol": ..., "atol": ...}``: a tighter agreement than the result dtype's
  ``TOLERANCES`` (float64 1e-9 relative; float32 and float16 a few units in the last digit).

Name a case ``<function>/<dtype>/<input>/<options>/<reduction>``; names must be unique. inf and
NaN are compared by position, so a case can pin down where a route breaks. Keep inputs small (a
few rows): the file must stay well under 1 MB (a test checks). Give float32 cases float32 arrays
throughout (PyTorch wants weights and probability targets in the input's dtype). With PyTorch
installed, a test fails for any xent_core function named like a PyTorch one that has no cases
here.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent
REFERENCE_FILE = REPO_ROOT / "tests" / "data" / "torch_references.json"

# Agreement asked of xent_core (and of a rerun of PyTorch) per result dtype: float64 to 1e-9
# relative, float32 and float16 to what their arithmetic allows (a few units in the last digit).
# A case can ask for a tighter one (``Case.tolerance``). inf and NaN must sit where PyTorch's do.
TOLERANCES = {
    "float64": {"rtol": 1e-9, "atol": 1e-12},
    "float32": {"rtol": 2e-5, "atol": 1e-5},
    "float16": {"rtol": 2e-3, "atol": 2e-3},
}
REDUCTIONS = ("mean", "sum", "none")


@dataclass(frozen=True)
class Case:
    """One call: ``xent_core.<function>(*args, **kwargs)`` against PyTorch's answer.

    ``args`` and ``kwargs`` hold NumPy arrays, Python numbers and strings. ``torch`` names the
    PyTorch route: empty for ``F.<function>``, ``"torch.<name>"`` or ``"F.<name>"`` for another
    name, ``"grad:<route>"`` for the gradient of the summed output with respect to ``args[0]``,
    ``"in_dtype:<steps>"`` for one of the lesson 7 routes in ``IN_DTYPE`` (the last argument
    names the dtype PyTorch computes in). ``torch_kwargs`` are keywords only PyTorch takes
    (``dim=-1``). ``tolerance`` (``rtol``, ``atol``) replaces the result dtype's ``TOLERANCES``.
    """

    name: str
    function: str
    args: tuple
    kwargs: dict = field(default_factory=dict)
    torch: str = ""
    torch_kwargs: dict = field(default_factory=dict)
    tolerance: dict = field(default_factory=dict)


# ------------------------------------------------------------------------------ inputs


def logit_sets() -> dict[str, np.ndarray]:
    """Random and extreme logits (float64, shape (N, 6)); the same sets the live test uses."""
    rng = np.random.default_rng(20240521)
    return {
        "random": rng.normal(0.0, 3.0, size=(8, 6)),
        "pm1e4": rng.uniform(-1e4, 1e4, size=(8, 6)),
        "pm1e6": rng.uniform(-1e6, 1e6, size=(8, 6)),
        "huge_and_small_in_one_row": np.array([
            [1e6, -1e6, 0.0, 1e-8, -3.0, 1e6 - 1.0],
            [-1e4, 1e4, 1e4, -1e-3, 7.0, 0.0],
            [1e-300, -1e-300, 5e-324, 0.0, 1.0, -1.0],
            [-1e6, -1e6 + 0.5, -1e6 + 1.0, -1e6, -1e6 - 30.0, -1e6 + 2.0],
            [1e4, -1e4, 1e4 - 1e-9, -1e4 + 1e-9, 0.5, -0.5],
        ]),
        "tiny_differences": 1.0 + rng.normal(0.0, 1e-12, size=(8, 6)),
        "all_equal": np.full((3, 6), 123.456),
        # Around ±40, where cross_entropy switches between exp(x) and exp(x - max).
        "edge_of_the_no_shift_band": np.array([
            [40.0, -40.0, 39.5, 0.0, -39.99, 12.0],
            [40.001, 39.0, -3.0, 0.5, 1.0, 2.0],
            [-40.001, -40.0, -39.0, -40.5, -45.0, -41.0],
            [-40.0, -40.0, -40.0, -40.0, -40.0, -40.0],
        ]),
        # One class far ahead: losses from 1e-16 to 1e-3, where rounding shows first.
        "confident": np.array([
            [38.0, -20.0, 0.0, 1.0, 2.0, 3.0],
            [0.0, 0.0, 0.0, 0.0, 0.0, 35.0],
            [10.0, -10.0, 5.0, -5.0, 39.9, 0.0],
            [7.0, 0.0, 0.0, 0.0, 0.0, 0.0],
        ]),
    }


LOGITS = logit_sets()
# float32 copies of every set but the one that only float64 can hold (5e-324, 1e-300).
LOGITS32 = {name: x.astype(np.float32) for name, x in LOGITS.items()
            if name != "huge_and_small_in_one_row"}
WEIGHT = np.array([0.5, 2.0, 1.0, 0.0, 3.0, 1.5])


def targets_for(x: np.ndarray, seed: int = 7) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, x.shape[-1], size=x.shape[0])


def probability_targets_for(x: np.ndarray, seed: int = 8) -> np.ndarray:
    q = np.random.default_rng(seed).dirichlet(np.ones(x.shape[-1]), size=x.shape[0])
    return q.astype(x.dtype)


def cross_entropy_config(x: np.ndarray, kind: str) -> tuple[Any, dict]:
    """(target, options) for one configuration of cross_entropy / nll_loss on logits ``x``."""
    t = targets_for(x)
    weight = WEIGHT.astype(x.dtype)
    if kind == "plain":
        return t, {}
    if kind == "weight":
        return t, {"weight": weight}
    if kind == "some_ignored":
        t = t.copy()
        t[::3] = -100
        return t, {}
    if kind == "custom_ignore_index":
        return t, {"ignore_index": int(t[0])}  # every example of that class is skipped
    if kind == "all_ignored":
        return np.full_like(t, -100), {}
    if kind == "label_smoothing":
        return t, {"label_smoothing": 0.2}
    if kind == "everything":
        t = t.copy()
        t[1] = -100
        return t, {"weight": weight, "label_smoothing": 0.35}
    if kind == "all_ignored_smoothed":
        return np.full_like(t, -100), {"weight": weight, "label_smoothing": 0.1}
    if kind == "probabilities":
        return probability_targets_for(x), {}
    if kind == "probabilities_weight_smoothing":
        return probability_targets_for(x), {"weight": weight, "label_smoothing": 0.3}
    if kind == "one_hot_probabilities":
        return np.eye(x.shape[-1], dtype=x.dtype)[t], {}
    raise ValueError(f"unknown configuration {kind!r}")


CONFIGS = (
    "plain", "weight", "some_ignored", "custom_ignore_index", "all_ignored", "label_smoothing",
    "everything", "all_ignored_smoothed", "probabilities", "probabilities_weight_smoothing",
    "one_hot_probabilities",
)  # fmt: skip


# ------------------------------------------------------------------------- the cases

CASES: list[Case] = []

# Activations: every logit set, a batch and its first row alone, float64 and float32.
for dtype_name, sets in (("float64", LOGITS), ("float32", LOGITS32)):
    for set_name, x in sets.items():
        for batch_name, value in (("batch", x), ("row", x[0])):
            tag = f"{dtype_name}/{set_name}/{batch_name}"
            CASES += [
                Case(f"softmax/{tag}", "softmax", (value,), torch_kwargs={"dim": -1}),
                Case(f"log_softmax/{tag}", "log_softmax", (value,), torch_kwargs={"dim": -1}),
                Case(f"logsumexp/{tag}", "logsumexp", (value,), torch="torch.logsumexp",
                     torch_kwargs={"dim": -1}),
            ]
        CASES += [
            Case(f"sigmoid/{dtype_name}/{set_name}", "sigmoid", (x,), torch="torch.sigmoid"),
            Case(f"log_sigmoid/{dtype_name}/{set_name}", "log_sigmoid", (x,),
                 torch="F.logsigmoid"),
        ]

EXTREME_SCALARS = np.array([-1e6, -745.0, -709.0, -40.0, -1e-12, 0.0, 1e-12, 40.0, 709.0, 745.0,
                            1e6])
CASES += [
    Case("sigmoid/float64/extreme_scalars", "sigmoid", (EXTREME_SCALARS,), torch="torch.sigmoid"),
    Case("log_sigmoid/float64/extreme_scalars", "log_sigmoid", (EXTREME_SCALARS,),
         torch="F.logsigmoid"),
]

# cross_entropy and its gradient (by autograd): every configuration and reduction.
for dtype_name, sets in (("float64", LOGITS), ("float32", LOGITS32)):
    for set_name, x in sets.items():
        for kind in CONFIGS:
            target, options = cross_entropy_config(x, kind)
            for reduction in REDUCTIONS:
                tag = f"{dtype_name}/{set_name}/{kind}/{reduction}"
                kwargs = {**options, "reduction": reduction}
                CASES += [
                    Case(f"cross_entropy/{tag}", "cross_entropy", (x, target), kwargs),
                    Case(f"cross_entropy_grad/{tag}", "cross_entropy_grad", (x, target), kwargs,
                         torch="grad:F.cross_entropy"),
                ]

# One example: 1-D logits with a scalar class index or a probability vector.
for set_name, x in LOGITS.items():
    for kind in ("plain", "weight", "label_smoothing", "everything"):
        target, options = cross_entropy_config(x, kind)
        for reduction in REDUCTIONS:
            kwargs = {**options, "reduction": reduction}
            tag = f"float64/{set_name}/one_example/{kind}/{reduction}"
            CASES += [
                Case(f"cross_entropy/{tag}", "cross_entropy", (x[1], int(target[1])), kwargs),
                Case(f"cross_entropy_grad/{tag}", "cross_entropy_grad", (x[1], int(target[1])),
                     kwargs, torch="grad:F.cross_entropy"),
            ]
    q = probability_targets_for(x)[0]
    for reduction in REDUCTIONS:
        kwargs = {"weight": WEIGHT, "label_smoothing": 0.1, "reduction": reduction}
        tag = f"float64/{set_name}/one_example/probabilities/{reduction}"
        CASES += [
            Case(f"cross_entropy/{tag}", "cross_entropy", (x[0], q), kwargs),
            Case(f"cross_entropy_grad/{tag}", "cross_entropy_grad", (x[0], q), kwargs,
                 torch="grad:F.cross_entropy"),
        ]

# Every target weighted 0: the mean is 0 / 0 = NaN, even with smoothing.
for smoothing in (0.0, 0.4):
    kwargs = {"weight": WEIGHT, "label_smoothing": smoothing}
    x, target = LOGITS["random"][:3], np.array([3, 3, 3])  # WEIGHT[3] == 0
    CASES += [
        Case(f"cross_entropy/float64/zero_total_weight/smoothing{smoothing}", "cross_entropy",
             (x, target), kwargs),
        Case(f"cross_entropy_grad/float64/zero_total_weight/smoothing{smoothing}",
             "cross_entropy_grad", (x, target), kwargs, torch="grad:F.cross_entropy"),
    ]

# nll_loss of PyTorch's own log_softmax (so both sides read the same log-probabilities).
for dtype_name, sets in (("float64", LOGITS), ("float32", LOGITS32)):
    for set_name, x in sets.items():
        shifted = x - x.max(axis=-1, keepdims=True)
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
        for kind in ("plain", "weight", "some_ignored", "custom_ignore_index", "all_ignored"):
            target, options = cross_entropy_config(x, kind)
            for reduction in REDUCTIONS:
                CASES.append(Case(f"nll_loss/{dtype_name}/{set_name}/{kind}/{reduction}",
                                  "nll_loss", (log_probs, target),
                                  {**options, "reduction": reduction}))
MINUS_INF_LOG_PROBS = np.array([[0.0, -np.inf, -np.inf], [-0.5, -1.0, -np.inf]])
CASES += [Case(f"nll_loss/float64/minus_infinity/{r}", "nll_loss",
               (MINUS_INF_LOG_PROBS, np.array([1, 0])), {"reduction": r}) for r in REDUCTIONS]

# Binary cross-entropy on probabilities, including PyTorch's clamp of each log at -100.
BCE_PROBS = np.array([0.0, 1.0, 0.0, 1.0, 0.5, 1e-300, 1.0 - 1e-16, 0.3, 0.999, 1e-12])
BCE_TARGETS = np.array([1.0, 0.0, 0.0, 1.0, 1.0, 1.0, 0.0, 0.3, 0.0, 0.75])
BCE_WEIGHT = np.linspace(0.0, 2.0, BCE_PROBS.size)
_rng = np.random.default_rng(11)
BATCH_PROBS, BATCH_TARGETS = _rng.random((5, 4)), (_rng.random((5, 4)) > 0.5).astype(float)
BATCH_ROW_WEIGHT = _rng.random(4)  # broadcast along rows
for reduction in REDUCTIONS:
    CASES += [
        Case(f"binary_cross_entropy/float64/clamped/{reduction}", "binary_cross_entropy",
             (BCE_PROBS, BCE_TARGETS), {"reduction": reduction}),
        Case(f"binary_cross_entropy/float64/clamped_weighted/{reduction}",
             "binary_cross_entropy", (BCE_PROBS, BCE_TARGETS),
             {"weight": BCE_WEIGHT, "reduction": reduction}),
        Case(f"binary_cross_entropy/float64/batch_row_weight/{reduction}",
             "binary_cross_entropy", (BATCH_PROBS, BATCH_TARGETS),
             {"weight": BATCH_ROW_WEIGHT, "reduction": reduction}),
        Case(f"binary_cross_entropy/float32/batch_row_weight/{reduction}",
             "binary_cross_entropy",
             (BATCH_PROBS.astype(np.float32), BATCH_TARGETS.astype(np.float32)),
             {"weight": BATCH_ROW_WEIGHT.astype(np.float32), "reduction": reduction}),
    ]

# Binary cross-entropy with logits: soft and hard targets, weight, pos_weight, both.
for dtype_name, sets in (("float64", LOGITS), ("float32", LOGITS32)):
    for set_name, x in sets.items():
        rng = np.random.default_rng(12)
        y = np.where(rng.random(x.shape) < 0.2, rng.random(x.shape), rng.random(x.shape) > 0.5)
        y = y.astype(x.dtype)
        weight = (rng.random(x.shape) * 2).astype(x.dtype)
        pos_weight = np.linspace(0.5, 3.0, x.shape[-1]).astype(x.dtype)
        for options_name, options in (("plain", {}), ("weight", {"weight": weight}),
                                      ("pos_weight", {"pos_weight": pos_weight}),
                                      ("both", {"weight": weight, "pos_weight": pos_weight})):
            for reduction in REDUCTIONS:
                CASES.append(Case(
                    f"binary_cross_entropy_with_logits/{dtype_name}/{set_name}/{options_name}/"
                    f"{reduction}",
                    "binary_cross_entropy_with_logits", (x, y), {**options, "reduction": reduction},
                ))

# mse_loss and its gradient (by autograd): a small hand-checkable pair, with and without
# PyTorch's elementwise weight (the mean then divides by the sum of the weights).
MSE_INPUT = np.array([[0.2, -1.3, 0.7], [1.5, 0.0, -0.4]])
MSE_TARGET = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
MSE_WEIGHT = np.array([[1.0, 2.0, 0.5], [0.0, 1.0, 3.0]])
for options_name, options in (("plain", {}), ("weight", {"weight": MSE_WEIGHT})):
    for reduction in REDUCTIONS:
        kwargs = {**options, "reduction": reduction}
        CASES += [
            Case(f"mse_loss/float64/{options_name}/{reduction}", "mse_loss",
                 (MSE_INPUT, MSE_TARGET), kwargs),
            Case(f"mse_loss_grad/float64/{options_name}/{reduction}", "mse_loss_grad",
                 (MSE_INPUT, MSE_TARGET), kwargs, torch="grad:F.mse_loss"),
        ]

# multi_margin_loss (CS231n's hinge) and its gradient: p, margin, weight, every reduction.
MARGIN_SCORES = np.array([
    [0.1, 0.2, 0.4, 0.8],
    [1.0, -1.0, 0.3, 0.2],
    [-0.5, 2.0, 1.9, 0.0],
    [3.2, 5.1, -1.7, 0.25],  # CS231n's cat image, with a fourth class
])
MARGIN_TARGETS = np.array([3, 0, 1, 0])
MARGIN_OPTIONS = {
    "default": {},
    "squared": {"p": 2},
    "margin_0.7": {"margin": 0.7},
    "weight": {"weight": np.array([1.0, 2.0, 3.0, 0.5])},
    "squared_weight_margin_2": {"p": 2, "margin": 2.0, "weight": np.array([0.3, 1.0, 2.5, 1.5])},
}
for options_name, options in MARGIN_OPTIONS.items():
    for reduction in REDUCTIONS:
        kwargs = {**options, "reduction": reduction}
        CASES += [
            Case(f"multi_margin_loss/float64/{options_name}/{reduction}", "multi_margin_loss",
                 (MARGIN_SCORES, MARGIN_TARGETS), kwargs),
            Case(f"multi_margin_loss_grad/float64/{options_name}/{reduction}",
                 "multi_margin_loss_grad", (MARGIN_SCORES, MARGIN_TARGETS), kwargs,
                 torch="grad:F.multi_margin_loss"),
        ]
CAT_SCORES = np.array([3.2, 5.1, -1.7])  # one example: CS231n's cat, a scalar target
CASES += [
    Case("multi_margin_loss/float64/one_example", "multi_margin_loss", (CAT_SCORES, 0)),
    Case("multi_margin_loss_grad/float64/one_example", "multi_margin_loss_grad", (CAT_SCORES, 0),
         torch="grad:F.multi_margin_loss"),
]


# kl_div on log-probabilities (as log_softmax gives them), probabilities or log-probabilities as
# the target, every reduction ('mean' divides by N × C, 'batchmean' by N). atol 1e-15: the
# terms are small.
def log_softmax_of(x: np.ndarray) -> np.ndarray:
    shifted = x - x.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


KL_TOLERANCE = {"rtol": 1e-9, "atol": 1e-15}
KL_REDUCTIONS = ("mean", "batchmean", "sum", "none")
_rng = np.random.default_rng(11)
KL_RULED_OUT = _rng.dirichlet(np.full(5, 0.7), size=6)
KL_RULED_OUT[0, 1] = 0.0  # a class the target rules out: 0 log 0 = 0 (and log p = -inf)
KL_RULED_OUT[0] /= KL_RULED_OUT[0].sum()
KL_INPUTS = {  # name: (log q, p)
    "small": (log_softmax_of(np.array([[0.5, -1.0, 2.0], [0.0, 0.0, 3.0]])),
              np.array([[0.2, 0.3, 0.5], [0.7, 0.1, 0.2]])),
    "a_zero_in_the_target": (log_softmax_of(_rng.normal(0.0, 4.0, size=(6, 5))), KL_RULED_OUT),
    "one_distribution": (log_softmax_of(np.array([0.5, -1.0, 2.0])), np.array([0.2, 0.3, 0.5])),
}
for set_name, (log_q, p) in KL_INPUTS.items():
    for log_target in (False, True):
        with np.errstate(divide="ignore"):
            target = np.log(p) if log_target else p
        for reduction in KL_REDUCTIONS:
            CASES.append(Case(f"kl_div/float64/{set_name}/log_target={log_target}/{reduction}",
                              "kl_div", (log_q, target),
                              {"reduction": reduction, "log_target": log_target},
                              tolerance=KL_TOLERANCE))
# log q = -inf where p = 0: 0 * (log 0 - (-inf)) is NaN in PyTorch, and in xent_core.
CASES.append(Case("kl_div/float64/minus_infinity_input/none", "kl_div",
                  (np.array([[-np.inf, 0.0]]), np.array([[0.0, 1.0]])), {"reduction": "none"},
                  tolerance=KL_TOLERANCE))

# Lesson 7: softmax and log-softmax routes computed in float16, float32 and float64, by hand
# and stably, and the gradient of -log p[target] through log(softmax) and through log_softmax.
# PyTorch runs the same steps on the logits rounded to that dtype; where a route overflows or
# underflows, the inf, NaN and 0 must be where PyTorch's are.
PRECISION_LOGITS = {
    "lesson": np.array([
        [2.0, 1.0, 0.1],
        [12.0, 10.0, 3.0],  # e^12 overflows float16
        [90.0, 88.0, 3.0],  # e^90 overflows float32
        [710.0, 700.0, 3.0],  # e^710 overflows float64
        [0.0, -800.0, 5.0],  # p[1] underflows to 0 in every precision
        [0.0, -20.0, 1.0],  # p[1] underflows in float16 only
    ]),
    "random_scales": np.vstack([
        np.random.default_rng(77).normal(0.0, 1.0, size=(5, 4))
        * np.array([1.0, 8.0, 12.0, 95.0, 720.0])[:, None],
        [[0.0, -800.0, 3.0, 1.0], [0.0, -20.0, 1.0, 2.0]],
    ]),
}
PRECISION_TARGETS = {"lesson": np.array([0, 0, 0, 0, 1, 1]),
                     "random_scales": np.array([0, 1, 2, 3, 0, 1, 1])}
PRECISION_ROUTES = {  # xent_core function: the same steps in PyTorch (keys of IN_DTYPE)
    "softmax_by_hand": "exp(x) / sum(exp(x))",
    "softmax_max_subtracted": "softmax(x)",
    "softmax_via_logsumexp": "exp(x - logsumexp(x))",
    "logsumexp_by_hand": "log(sum(exp(x)))",
    "logsumexp_max_subtracted": "logsumexp(x)",
    "log_of_softmax": "log(softmax(x))",
    "log_softmax_fused": "log_softmax(x)",
    "log_of_softmax_grad": "-sum(log(softmax(x))[target])",
    "log_softmax_fused_grad": "-sum(log_softmax(x)[target])",
}
# How close a route in that precision gets to PyTorch's in the same precision.
PRECISION_TOLERANCES = {"float16": {"rtol": 2e-3, "atol": 2e-3},
                        "float32": {"rtol": 2e-6, "atol": 2e-6},
                        "float64": {"rtol": 1e-12, "atol": 1e-12}}
for set_name, x in PRECISION_LOGITS.items():
    for dtype_name, tolerance in PRECISION_TOLERANCES.items():
        for function, steps in PRECISION_ROUTES.items():
            is_grad = function.endswith("_grad")
            args = (x, PRECISION_TARGETS[set_name], dtype_name) if is_grad else (x, dtype_name)
            CASES.append(Case(f"{function}/{dtype_name}/{set_name}", function, args,
                              torch=f"{'grad:' if is_grad else ''}in_dtype:{steps}",
                              tolerance=tolerance))


# ----------------------------------------------------------------- running PyTorch


def _to_torch(torch, value):
    if isinstance(value, np.ndarray):
        return torch.from_numpy(value.copy())
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return torch.tensor(value)
    return value


def _picked(t, values, target):
    """``values[i, target[i]]`` for every row ``i``."""
    return values[t.arange(values.shape[0]), target]


# The lesson 7 routes, step by step in PyTorch, on logits already in the dtype asked for.
IN_DTYPE = {
    "exp(x) / sum(exp(x))": lambda t, x: t.exp(x) / t.exp(x).sum(-1, keepdim=True),
    "softmax(x)": lambda t, x: t.softmax(x, dim=-1),
    "exp(x - logsumexp(x))": lambda t, x: t.exp(x - t.logsumexp(x, dim=-1, keepdim=True)),
    "log(sum(exp(x)))": lambda t, x: t.log(t.exp(x).sum(-1)),
    "logsumexp(x)": lambda t, x: t.logsumexp(x, dim=-1),
    "log(softmax(x))": lambda t, x: t.log(t.softmax(x, dim=-1)),
    "log_softmax(x)": lambda t, x: t.log_softmax(x, dim=-1),
    "-sum(log(softmax(x))[target])":
        lambda t, x, target: -_picked(t, t.log(t.softmax(x, dim=-1)), target).sum(),
    "-sum(log_softmax(x)[target])":
        lambda t, x, target: -_picked(t, t.log_softmax(x, dim=-1), target).sum(),
}


def torch_answer(case: Case) -> np.ndarray:
    """What PyTorch returns for ``case``, as a NumPy array in PyTorch's result dtype."""
    import torch

    route = case.torch or f"F.{case.function}"
    want_grad = route.startswith("grad:")
    route = route.removeprefix("grad:")
    args = [_to_torch(torch, a) for a in case.args]
    if route.startswith("in_dtype:"):
        # xent_core takes float64 logits and a dtype name; PyTorch computes in that dtype.
        steps = IN_DTYPE[route.removeprefix("in_dtype:")]
        *args, dtype = args
        args[0] = args[0].to(getattr(torch, dtype))

        def fn(*tensors):
            return steps(torch, *tensors)
    else:
        module_name, _, function_name = route.partition(".")
        module = {"F": torch.nn.functional, "torch": torch}[module_name]
        fn = getattr(module, function_name)
    if want_grad:
        args[0].requires_grad_(True)
    kwargs = {k: torch.from_numpy(v.copy()) if isinstance(v, np.ndarray) else v
              for k, v in case.kwargs.items()}
    with warnings.catch_warnings():  # kl_div's 'mean' warns that it also divides by C
        warnings.simplefilter("ignore", UserWarning)
        result = fn(*args, **kwargs, **case.torch_kwargs)
    if want_grad:
        result.sum().backward()  # for reduction='none', the gradient of the summed losses
        result = args[0].grad
    return result.detach().numpy().copy()


# ------------------------------------------------------------ the file, compact JSON


def _array_json(a: np.ndarray) -> dict:
    values = a.ravel().tolist()
    if a.dtype in (np.float32, np.float16):
        # The shortest decimals that read back as the same float (0.1, not 0.100000001...).
        short = [float(str(v)) for v in a.ravel()]
        if np.array_equal(np.array(short, dtype=a.dtype), a.ravel(), equal_nan=True):
            values = short
    return {"dtype": str(a.dtype), "shape": list(a.shape), "values": values}


def _array_from_json(entry: dict) -> np.ndarray:
    return np.array(entry["values"], dtype=entry["dtype"]).reshape(entry["shape"])


def _array_id(a: np.ndarray) -> str:
    digest = hashlib.sha256(f"{a.dtype}{a.shape}".encode() + a.tobytes()).hexdigest()
    return digest[:12]


def build_document(cases: list[Case]) -> dict:
    """The JSON document: arrays stored once by content id, cases pointing at them."""
    import torch

    names = [c.name for c in cases]
    if len(set(names)) != len(names):
        duplicates = sorted({n for n in names if names.count(n) > 1})
        raise ValueError(f"case names must be unique: {duplicates[:5]}")
    arrays: dict[str, dict] = {}

    def encode(value):
        if isinstance(value, np.ndarray):
            key = _array_id(value)
            arrays[key] = _array_json(value)
            return {"array": key}
        if isinstance(value, np.generic):
            return value.item()
        return value

    encoded = []
    for case in cases:
        entry = {"name": case.name, "function": case.function,
                 "args": [encode(a) for a in case.args]}
        # Defaults are left out to keep the file small: no options, the F.<function> route.
        if case.kwargs:
            entry["kwargs"] = {k: encode(v) for k, v in case.kwargs.items()}
        if case.torch:
            entry["torch"] = case.torch
        if case.torch_kwargs:
            entry["torch_kwargs"] = case.torch_kwargs
        if case.tolerance:
            entry["tolerance"] = case.tolerance
        entry["expected"] = encode(torch_answer(case))
        encoded.append(entry)
    return {
        "about": "PyTorch's answers for xent_core's torch-named functions. Written by "
                 "scripts/make_torch_references.py; do not edit by hand.",
        "torch_version": torch.__version__,
        "tolerances": TOLERANCES,
        "cases": encoded,
        "arrays": dict(sorted(arrays.items())),
    }


def dumps(document: dict) -> str:
    """One case or array per line: small, deterministic, and readable in a diff."""
    lines = ["{"]
    for key in ("about", "torch_version", "tolerances"):
        lines.append(f"{json.dumps(key)}: {json.dumps(document[key])},")
    lines.append('"cases": [')
    lines.append(",\n".join(json.dumps(c) for c in document["cases"]))
    lines.append("],")
    lines.append('"arrays": {')
    lines.append(",\n".join(f"{json.dumps(k)}: {json.dumps(v)}"
                            for k, v in document["arrays"].items()))
    lines.append("}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def load(path: Path = REFERENCE_FILE) -> dict:
    return json.loads(path.read_text())


def decode(document: dict, value):
    """A stored argument or result back as NumPy (arrays) or plain Python (numbers, strings)."""
    if isinstance(value, dict) and set(value) == {"array"}:
        return _array_from_json(document["arrays"][value["array"]])
    return value


def differences(fresh: dict, committed: dict) -> list[str]:
    """Why ``committed`` is not what the script writes now (empty when it is up to date).

    Inputs and case lists must match exactly; PyTorch's results within the tolerances (a
    different CPU can change PyTorch's last bits).
    """
    problems = []
    fresh_cases = {c["name"]: c for c in fresh["cases"]}
    old_cases = {c["name"]: c for c in committed["cases"]}
    for name in sorted(set(fresh_cases) ^ set(old_cases)):
        problems.append(f"{name}: {'new' if name in fresh_cases else 'no longer'} in the script")
    for name in sorted(set(fresh_cases) & set(old_cases)):
        new, old = fresh_cases[name], old_cases[name]
        for part in ("function", "torch", "torch_kwargs", "tolerance", "args", "kwargs"):
            if new.get(part) != old.get(part):
                problems.append(f"{name}: {part} changed")
        a, b = decode(fresh, new["expected"]), decode(committed, old["expected"])
        if a.dtype != b.dtype or a.shape != b.shape:
            problems.append(f"{name}: PyTorch now returns {a.dtype}{a.shape}, "
                            f"the file has {b.dtype}{b.shape}")
        elif not np.allclose(a, b, equal_nan=True, **TOLERANCES[str(a.dtype)]):
            problems.append(f"{name}: PyTorch's answer changed")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 if the committed file is out of date")
    args = parser.parse_args(argv)
    try:
        import torch
    except ImportError:
        print("PyTorch is not installed: run `make torch` (a CPU build) first.", file=sys.stderr)
        return 2
    torch.set_num_threads(1)
    document = build_document(CASES)
    text = dumps(document)
    if args.check:
        problems = differences(document, load())
        for problem in problems[:20]:
            print(problem)
        if problems:
            print(f"{REFERENCE_FILE.relative_to(REPO_ROOT)} is out of date ({len(problems)} "
                  f"differences): rerun scripts/make_torch_references.py")
            return 1
        print(f"{REFERENCE_FILE.relative_to(REPO_ROOT)} is up to date ({len(CASES)} cases)")
        return 0
    REFERENCE_FILE.parent.mkdir(parents=True, exist_ok=True)
    REFERENCE_FILE.write_text(text)
    size = REFERENCE_FILE.stat().st_size
    print(f"wrote {REFERENCE_FILE.relative_to(REPO_ROOT)}: {len(CASES)} cases, "
          f"{len(document['arrays'])} arrays, {size / 1024:.0f} kB (torch {torch.__version__})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
