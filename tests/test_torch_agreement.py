"""xent_core gives PyTorch's numbers: every function against a live torch.nn.functional.

Inputs are random and extreme (logits of ±1e4 and ±1e6, huge and small in one row, differences
of 1e-12), and the functions must stay quiet: no RuntimeWarning for finite input. float64 agrees
to 1e-9 relative; float32 input gives float32 results, like PyTorch's, to float32 precision.

Needs PyTorch (a CPU build: ``make torch``). Without it this module is skipped with a loud reason
and tests/test_torch_references.py still checks the committed PyTorch answers; under CI=true a
missing PyTorch fails the run.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from torch_helpers import require_torch

import xent_core as xc

torch = require_torch()
F = torch.nn.functional

RTOL = 1e-9
ATOL = 1e-12
REDUCTIONS = ["mean", "sum", "none"]


def _logit_cases() -> dict[str, np.ndarray]:
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
    }


LOGITS = _logit_cases()
LOGIT_IDS = list(LOGITS)


def quietly(fn, *args, **kwargs):
    """Call ``fn`` and fail on any warning (RuntimeWarning from overflow, 0/0, log(0)...)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return fn(*args, **kwargs)


def as_numpy(value) -> np.ndarray:
    return value.detach().numpy() if torch.is_tensor(value) else np.asarray(value)


def assert_same(ours, theirs, rtol=RTOL, atol=ATOL):
    theirs = as_numpy(theirs)
    ours = np.asarray(ours)
    assert ours.shape == theirs.shape
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=atol, equal_nan=True)


def targets_for(x: np.ndarray, seed: int = 7) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, x.shape[-1], size=x.shape[0])


def probability_targets_for(x: np.ndarray, seed: int = 8) -> np.ndarray:
    return np.random.default_rng(seed).dirichlet(np.ones(x.shape[-1]), size=x.shape[0])


# --------------------------------------------------------------------------- activations


@pytest.mark.parametrize("name", LOGIT_IDS)
def test_softmax_agrees_with_torch(name):
    x = LOGITS[name]
    assert_same(quietly(xc.softmax, x), torch.softmax(torch.tensor(x), dim=-1))
    assert_same(quietly(xc.softmax, x[0]), torch.softmax(torch.tensor(x[0]), dim=-1))


@pytest.mark.parametrize("name", LOGIT_IDS)
def test_log_softmax_agrees_with_torch(name):
    x = LOGITS[name]
    assert_same(quietly(xc.log_softmax, x), torch.log_softmax(torch.tensor(x), dim=-1))
    assert_same(quietly(xc.log_softmax, x[0]), torch.log_softmax(torch.tensor(x[0]), dim=-1))


@pytest.mark.parametrize("name", LOGIT_IDS)
def test_logsumexp_agrees_with_torch(name):
    x = LOGITS[name]
    assert_same(quietly(xc.logsumexp, x), torch.logsumexp(torch.tensor(x), dim=-1))
    assert_same(quietly(xc.logsumexp, x[0]), torch.logsumexp(torch.tensor(x[0]), dim=-1))


@pytest.mark.parametrize("name", LOGIT_IDS)
def test_sigmoid_agrees_with_torch(name):
    x = LOGITS[name]
    assert_same(quietly(xc.sigmoid, x), torch.sigmoid(torch.tensor(x)))


@pytest.mark.parametrize("name", LOGIT_IDS)
def test_log_sigmoid_agrees_with_torch(name):
    x = LOGITS[name]
    assert_same(quietly(xc.log_sigmoid, x), F.logsigmoid(torch.tensor(x)))


def test_sigmoid_of_extreme_scalars_agrees_with_torch():
    x = np.array([-1e6, -745.0, -709.0, -40.0, -1e-12, 0.0, 1e-12, 40.0, 709.0, 745.0, 1e6])
    assert_same(quietly(xc.sigmoid, x), torch.sigmoid(torch.tensor(x)))
    assert_same(quietly(xc.log_sigmoid, x), F.logsigmoid(torch.tensor(x)))


# ----------------------------------------------------------- cross_entropy configurations

WEIGHT = np.array([0.5, 2.0, 1.0, 0.0, 3.0, 1.5])


def _config(x: np.ndarray, kind: str):
    """(target, kwargs) for one configuration of cross_entropy / nll_loss on logits ``x``."""
    t = targets_for(x)
    if kind == "plain":
        return t, {}
    if kind == "weight":
        return t, {"weight": WEIGHT}
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
        return t, {"weight": WEIGHT, "label_smoothing": 0.35}
    if kind == "all_ignored_smoothed":
        return np.full_like(t, -100), {"weight": WEIGHT, "label_smoothing": 0.1}
    if kind == "probabilities":
        return probability_targets_for(x), {}
    if kind == "probabilities_weight_smoothing":
        return probability_targets_for(x), {"weight": WEIGHT, "label_smoothing": 0.3}
    if kind == "one_hot_probabilities":
        return np.eye(x.shape[-1])[t], {}
    raise AssertionError(kind)


CONFIGS = [
    "plain", "weight", "some_ignored", "custom_ignore_index", "all_ignored", "label_smoothing",
    "everything", "all_ignored_smoothed", "probabilities", "probabilities_weight_smoothing",
    "one_hot_probabilities",
]  # fmt: skip


def torch_kwargs(kwargs: dict) -> dict:
    return {k: torch.tensor(v) if k == "weight" else v for k, v in kwargs.items()}


def torch_loss_and_grad(x: np.ndarray, target, kwargs: dict, reduction: str):
    logits = torch.tensor(x, requires_grad=True)
    loss = F.cross_entropy(logits, torch.tensor(target), reduction=reduction,
                           **torch_kwargs(kwargs))
    loss.sum().backward()  # for reduction='none', the gradient of the sum of the losses
    return loss.detach().numpy(), logits.grad.numpy()


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("kind", CONFIGS)
@pytest.mark.parametrize("name", LOGIT_IDS)
def test_cross_entropy_and_its_gradient_agree_with_torch(name, kind, reduction):
    x = LOGITS[name]
    target, kwargs = _config(x, kind)
    expected_loss, expected_grad = torch_loss_and_grad(x, target, kwargs, reduction)
    loss = quietly(xc.cross_entropy, x, target, reduction=reduction, **kwargs)
    grad = quietly(xc.cross_entropy_grad, x, target, reduction=reduction, **kwargs)
    assert_same(loss, expected_loss)
    assert_same(grad, expected_grad)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("kind", ["all_ignored", "all_ignored_smoothed"])
def test_every_example_ignored_gives_nan_mean_and_zero_gradient_like_torch(kind, reduction):
    x = LOGITS["random"]
    target, kwargs = _config(x, kind)
    loss = quietly(xc.cross_entropy, x, target, reduction=reduction, **kwargs)
    grad = quietly(xc.cross_entropy_grad, x, target, reduction=reduction, **kwargs)
    if reduction == "mean":
        assert np.isnan(loss)
    else:
        assert np.all(loss == 0.0)
    np.testing.assert_array_equal(grad, np.zeros_like(x))


@pytest.mark.parametrize("label_smoothing", [0.0, 0.4])
def test_zero_total_weight_gives_nan_like_torch(label_smoothing):
    # Every target has weight 0: the mean is 0 / 0 even with smoothing, as in torch.
    x = LOGITS["random"][:3]
    target = np.array([3, 3, 3])  # WEIGHT[3] == 0
    kwargs = {"weight": WEIGHT, "label_smoothing": label_smoothing}
    expected_loss, expected_grad = torch_loss_and_grad(x, target, kwargs, "mean")
    assert np.isnan(expected_loss)
    assert_same(quietly(xc.cross_entropy, x, target, **kwargs), expected_loss)
    assert_same(quietly(xc.cross_entropy_grad, x, target, **kwargs), expected_grad)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("kind", ["plain", "weight", "label_smoothing", "everything"])
@pytest.mark.parametrize("name", LOGIT_IDS)
def test_one_example_with_a_scalar_target_agrees_with_torch(name, kind, reduction):
    x = LOGITS[name][1]
    target, kwargs = _config(LOGITS[name], kind)
    scalar = target[1]  # -100 (ignored) for "everything"
    expected_loss, expected_grad = torch_loss_and_grad(x, scalar, kwargs, reduction)
    loss = quietly(xc.cross_entropy, x, int(scalar), reduction=reduction, **kwargs)
    grad = quietly(xc.cross_entropy_grad, x, int(scalar), reduction=reduction, **kwargs)
    assert_same(loss, expected_loss)
    assert_same(grad, expected_grad)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", LOGIT_IDS)
def test_one_example_with_a_probability_target_agrees_with_torch(name, reduction):
    x = LOGITS[name][0]
    q = probability_targets_for(LOGITS[name])[0]
    kwargs = {"weight": WEIGHT, "label_smoothing": 0.1}
    expected_loss, expected_grad = torch_loss_and_grad(x, q, kwargs, reduction)
    assert_same(quietly(xc.cross_entropy, x, q, reduction=reduction, **kwargs), expected_loss)
    assert_same(quietly(xc.cross_entropy_grad, x, q, reduction=reduction, **kwargs),
                expected_grad)


# ------------------------------------------------------------------------------ nll_loss


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("kind", ["plain", "weight", "some_ignored", "custom_ignore_index",
                                  "all_ignored"])
@pytest.mark.parametrize("name", LOGIT_IDS)
def test_nll_loss_of_log_softmax_agrees_with_torch(name, kind, reduction):
    x = LOGITS[name]
    target, kwargs = _config(x, kind)
    log_probs = torch.log_softmax(torch.tensor(x), dim=-1)
    expected = F.nll_loss(log_probs, torch.tensor(target), reduction=reduction,
                          **torch_kwargs(kwargs))
    ours = quietly(xc.nll_loss, log_probs.numpy(), target, reduction=reduction, **kwargs)
    assert_same(ours, expected)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_nll_loss_of_minus_infinity_is_infinite_like_torch(reduction):
    log_probs = np.array([[0.0, -np.inf, -np.inf], [-0.5, -1.0, -np.inf]])
    target = np.array([1, 0])
    expected = F.nll_loss(torch.tensor(log_probs), torch.tensor(target), reduction=reduction)
    ours = quietly(xc.nll_loss, log_probs, target, reduction=reduction)
    assert_same(ours, expected)
    assert np.isinf(ours).any()


# ------------------------------------------------------------------ binary cross-entropy

BCE_PROBS = np.array([0.0, 1.0, 0.0, 1.0, 0.5, 1e-300, 1.0 - 1e-16, 0.3, 0.999, 1e-12])
BCE_TARGETS = np.array([1.0, 0.0, 0.0, 1.0, 1.0, 1.0, 0.0, 0.3, 0.0, 0.75])


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_binary_cross_entropy_agrees_with_torch_including_the_minus_100_clamp(weighted,
                                                                            reduction):
    weight = np.linspace(0.0, 2.0, BCE_PROBS.size) if weighted else None
    expected = F.binary_cross_entropy(
        torch.tensor(BCE_PROBS), torch.tensor(BCE_TARGETS),
        weight=None if weight is None else torch.tensor(weight), reduction=reduction,
    )
    ours = quietly(xc.binary_cross_entropy, BCE_PROBS, BCE_TARGETS, weight=weight,
                   reduction=reduction)
    assert_same(ours, expected)


def test_binary_cross_entropy_of_certain_and_wrong_is_100_like_torch():
    ours = quietly(xc.binary_cross_entropy, [0.0, 1.0], [1.0, 0.0], reduction="none")
    np.testing.assert_array_equal(ours, [100.0, 100.0])


def test_binary_cross_entropy_on_random_batches_agrees_with_torch():
    rng = np.random.default_rng(11)
    p = rng.random((5, 4))
    y = (rng.random((5, 4)) > 0.5).astype(float)
    w = rng.random(4)  # broadcast along rows
    expected = F.binary_cross_entropy(torch.tensor(p), torch.tensor(y), weight=torch.tensor(w))
    assert_same(quietly(xc.binary_cross_entropy, p, y, weight=w), expected)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("options", ["plain", "weight", "pos_weight", "both"])
@pytest.mark.parametrize("name", LOGIT_IDS)
def test_binary_cross_entropy_with_logits_agrees_with_torch(name, options, reduction):
    x = LOGITS[name]
    rng = np.random.default_rng(12)
    y = np.where(rng.random(x.shape) < 0.2, rng.random(x.shape), rng.random(x.shape) > 0.5)
    y = y.astype(float)
    weight = rng.random(x.shape) * 2 if options in ("weight", "both") else None
    pos_weight = np.linspace(0.5, 3.0, x.shape[-1]) if options in ("pos_weight", "both") else None
    expected = F.binary_cross_entropy_with_logits(
        torch.tensor(x), torch.tensor(y),
        weight=None if weight is None else torch.tensor(weight),
        pos_weight=None if pos_weight is None else torch.tensor(pos_weight),
        reduction=reduction,
    )
    ours = quietly(xc.binary_cross_entropy_with_logits, x, y, weight=weight,
                   pos_weight=pos_weight, reduction=reduction)
    assert_same(ours, expected)


# ------------------------------------------------------- big batches, float32 like torch

FLOAT32 = {"rtol": 2e-5, "atol": 1e-5}


@pytest.mark.parametrize("scale", [3.0, 300.0], ids=["within_40_no_shift", "beyond_40_shifted"])
@pytest.mark.parametrize("shape", [(20_000, 10), (300, 1000)], ids=["narrow", "wide"])
def test_big_float64_batches_agree_with_torch_across_blocks(shape, scale):
    # Several blocks of rows (and a partial last one), with and without the row-max shift.
    rng = np.random.default_rng(5)
    x = rng.normal(0.0, scale, size=shape)
    y = rng.integers(0, shape[1], size=shape[0])
    for reduction in REDUCTIONS:
        expected = F.cross_entropy(torch.from_numpy(x), torch.from_numpy(y), reduction=reduction)
        assert_same(quietly(xc.cross_entropy, x, y, reduction=reduction), expected)


@pytest.mark.parametrize("shape", [(20_000, 10), (300, 1000)], ids=["narrow", "wide"])
def test_float32_logits_give_float32_losses_like_torch(shape):
    rng = np.random.default_rng(6)
    x = rng.normal(0.0, 3.0, size=shape).astype(np.float32)
    y = rng.integers(0, shape[1], size=shape[0])
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    for reduction in REDUCTIONS:
        ours = quietly(xc.cross_entropy, x, y, reduction=reduction)
        expected = F.cross_entropy(xt, yt, reduction=reduction)
        assert np.asarray(ours).dtype == np.float32 == as_numpy(expected).dtype
        assert_same(ours, expected, **FLOAT32)
    # The mean is accumulated in float64: as close to the exact (float64) loss as float32 allows.
    exact = float(F.cross_entropy(xt.double(), yt))
    assert float(xc.cross_entropy(x, y)) == pytest.approx(exact, rel=1e-6)


@pytest.mark.parametrize("name", ["random", "pm1e4", "tiny_differences"])
def test_every_function_keeps_float32_like_torch(name):
    x = LOGITS[name].astype(np.float32)
    xt = torch.from_numpy(x)
    t = targets_for(x)
    pairs = [
        (xc.softmax(x), torch.softmax(xt, dim=-1)),
        (xc.log_softmax(x), torch.log_softmax(xt, dim=-1)),
        (xc.logsumexp(x), torch.logsumexp(xt, dim=-1)),
        (xc.sigmoid(x), torch.sigmoid(xt)),
        (xc.log_sigmoid(x), F.logsigmoid(xt)),
        (xc.cross_entropy_grad(x, t), torch.func.grad(
            lambda v: F.cross_entropy(v, torch.from_numpy(t)))(xt)),
        (xc.nll_loss(x, t), F.nll_loss(xt, torch.from_numpy(t))),
        (xc.binary_cross_entropy_with_logits(x, np.zeros_like(x)),
         F.binary_cross_entropy_with_logits(xt, torch.zeros_like(xt))),
    ]
    for ours, expected in pairs:
        assert np.asarray(ours).dtype == np.float32
        assert_same(ours, expected, **FLOAT32)


def test_float64_stays_the_default_for_lists_and_other_dtypes():
    assert xc.softmax([1.0, 2.0]).dtype == np.float64
    assert xc.softmax(np.array([1, 2], dtype=np.int32)).dtype == np.float64
    assert xc.softmax(np.array([1, 2], dtype=np.float16)).dtype == np.float64
    assert type(xc.cross_entropy([[1.0, 2.0]], [0])) is np.float64
