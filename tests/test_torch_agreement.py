"""xent_core gives PyTorch's numbers: every function against a live torch.nn.functional.

Inputs are random and extreme (logits of ±1e4 and ±1e6, huge and small in one row, differences
of 1e-12), and the functions must stay quiet: no RuntimeWarning for finite input. float64 agrees
to 1e-9 relative; float32 input gives float32 results, like PyTorch's, to float32 precision.
The lessons 5-8 engine too: mse_loss, multi_margin_loss and kl_div with their gradients, the
chain rule through softmax, and lesson 7's routes computed in float16, float32 and float64,
which must break (inf, NaN) exactly where PyTorch's break.

Needs PyTorch (a CPU build: ``make torch``). Without it this module is skipped with a loud reason
(tests/torch_helpers.py) and the committed PyTorch answers are still checked
(tests/test_torch_references.py and each lesson's test file); under CI=true a missing PyTorch
fails the run.
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


# ------------------------------------------ lessons 5-8: random, big and tied scores


def _score_cases() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(20250610)
    return {
        "random": rng.normal(0.0, 3.0, size=(7, 5)),
        "big": rng.uniform(-1e4, 1e4, size=(7, 5)),
        "ties": np.round(rng.normal(0.0, 1.0, size=(7, 5))),
    }


SCORES = _score_cases()


# -------------------------------------------------- lesson 5: MSE and the hinge loss


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("name", list(SCORES))
def test_mse_loss_and_gradient_agree_with_torch(name, weighted, reduction):
    x = SCORES[name]
    rng = np.random.default_rng(3)
    target = rng.normal(size=x.shape)
    weight = rng.uniform(0.0, 2.0, size=x.shape) if weighted else None
    tx = torch.tensor(x, requires_grad=True)
    theirs = F.mse_loss(tx, torch.tensor(target), reduction=reduction,
                        weight=None if weight is None else torch.tensor(weight))
    theirs.sum().backward()
    kwargs = dict(reduction=reduction, weight=weight)
    assert_same(quietly(xc.mse_loss, x, target, **kwargs), theirs)
    assert_same(xc.mse_loss_grad(x, target, **kwargs), tx.grad)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("p", [1, 2])
@pytest.mark.parametrize("margin", [1.0, 0.25, 3.0])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("name", list(SCORES))
def test_multi_margin_loss_and_gradient_agree_with_torch(name, weighted, margin, p, reduction):
    x = SCORES[name]
    y = np.random.default_rng(5).integers(0, x.shape[1], size=x.shape[0])
    weight = np.linspace(0.5, 2.0, x.shape[1]) if weighted else None
    tx = torch.tensor(x, requires_grad=True)
    theirs = F.multi_margin_loss(tx, torch.tensor(y), p=p, margin=margin,
                                 weight=None if weight is None else torch.tensor(weight),
                                 reduction=reduction)
    theirs.sum().backward()
    kwargs = dict(p=p, margin=margin, weight=weight, reduction=reduction)
    assert_same(quietly(xc.multi_margin_loss, x, y, **kwargs), theirs)
    assert_same(xc.multi_margin_loss_grad(x, y, **kwargs), tx.grad)


def test_multi_margin_loss_of_one_example_agrees_with_torch():
    x = np.array([3.2, 5.1, -1.7])
    tx = torch.tensor(x, requires_grad=True)
    theirs = F.multi_margin_loss(tx, torch.tensor(0))
    theirs.backward()
    assert_same(xc.multi_margin_loss(x, 0), theirs)
    assert_same(xc.multi_margin_loss_grad(x, 0), tx.grad)


@pytest.mark.parametrize("name", list(SCORES))
def test_mse_on_softmax_gradient_agrees_with_torch_autograd(name):
    x = SCORES[name]
    y = np.random.default_rng(9).integers(0, x.shape[1], size=x.shape[0])
    tx = torch.tensor(x, requires_grad=True)
    one_hot = F.one_hot(torch.tensor(y), x.shape[1]).double()
    F.mse_loss(torch.softmax(tx, dim=-1), one_hot).backward()
    p = xc.softmax(x)
    ours = xc.softmax_backward(p, xc.mse_loss_grad(p, np.eye(x.shape[1])[y]))
    assert_same(ours, tx.grad)


# ------------------------------------------------------------------------ lesson 6: kl_div


def _kl_inputs(seed: int):
    rng = np.random.default_rng(seed)
    log_q = xc.log_softmax(rng.normal(0.0, 4.0, size=(6, 5)))
    p = rng.dirichlet(np.full(5, 0.7), size=6)
    p[0, 1] = 0.0  # a class the target rules out: 0 log 0 = 0
    p[0] /= p[0].sum()
    return log_q, p


@pytest.mark.parametrize("reduction", ["mean", "batchmean", "sum", "none"])
@pytest.mark.parametrize("log_target", [False, True])
def test_kl_div_agrees_with_torch(log_target, reduction):
    log_q, p = _kl_inputs(11)
    with np.errstate(divide="ignore"):
        target = np.log(p) if log_target else p
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # torch's note on 'mean'
        theirs = F.kl_div(torch.tensor(log_q), torch.tensor(target), reduction=reduction,
                          log_target=log_target)
    assert_same(quietly(xc.kl_div, log_q, target, reduction=reduction, log_target=log_target),
                 theirs)


@pytest.mark.parametrize("reduction", ["mean", "batchmean", "sum", "none"])
def test_kl_div_of_one_distribution_agrees_with_torch(reduction):
    log_q = xc.log_softmax([0.5, -1.0, 2.0])
    p = np.array([0.2, 0.3, 0.5])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        theirs = F.kl_div(torch.tensor(log_q), torch.tensor(p), reduction=reduction)
    assert_same(xc.kl_div(log_q, p, reduction=reduction), theirs)


def test_kl_div_gives_nan_where_torch_does_for_zero_target_and_minus_inf_input():
    log_q = np.array([[-np.inf, 0.0]])
    p = np.array([[0.0, 1.0]])
    theirs = F.kl_div(torch.tensor(log_q), torch.tensor(p), reduction="none")
    assert_same(xc.kl_div(log_q, p, reduction="none"), theirs)


# ---------------------------------------------------------- lesson 7: three precisions


DTYPES = {"float16": torch.float16, "float32": torch.float32, "float64": torch.float64}
PRECISION = {"float16": 2e-3, "float32": 2e-6, "float64": 1e-12}


def _precision_logits():
    rng = np.random.default_rng(77)
    scale = np.array([1.0, 8.0, 12.0, 95.0, 720.0])[:, None]
    return np.vstack([rng.normal(0.0, 1.0, size=(5, 4)) * scale,
                      [[0.0, -800.0, 3.0, 1.0], [0.0, -20.0, 1.0, 2.0]]])


@pytest.mark.parametrize("dtype", list(DTYPES))
def test_every_route_breaks_where_torch_breaks_and_agrees_where_it_does_not(dtype):
    x = _precision_logits()
    target = np.array([0, 1, 2, 3, 0, 1, 1])
    tx = torch.tensor(x, dtype=DTYPES[dtype], requires_grad=True)
    routes = {
        "softmax_by_hand": (xc.softmax_by_hand(x, dtype),
                            torch.exp(tx) / torch.exp(tx).sum(-1, keepdim=True)),
        "softmax_max_subtracted": (xc.softmax_max_subtracted(x, dtype), torch.softmax(tx, -1)),
        "softmax_via_logsumexp": (xc.softmax_via_logsumexp(x, dtype), torch.softmax(tx, -1)),
        "logsumexp_by_hand": (xc.logsumexp_by_hand(x, dtype),
                              torch.log(torch.exp(tx).sum(-1))),
        "logsumexp_max_subtracted": (xc.logsumexp_max_subtracted(x, dtype),
                                     torch.logsumexp(tx, -1)),
        "log_of_softmax": (xc.log_of_softmax(x, dtype), torch.log(torch.softmax(tx, -1))),
        "log_softmax_fused": (xc.log_softmax_fused(x, dtype), torch.log_softmax(tx, -1)),
    }
    for name, (ours, theirs) in routes.items():
        assert ours.dtype == np.dtype(dtype), name
        theirs = theirs.detach().to(torch.float64).numpy()
        ours = ours.astype(np.float64)
        np.testing.assert_array_equal(np.isnan(ours), np.isnan(theirs), err_msg=name)
        np.testing.assert_array_equal(np.isinf(ours), np.isinf(theirs), err_msg=name)
        finite = np.isfinite(ours)
        np.testing.assert_allclose(ours[finite], theirs[finite], rtol=PRECISION[dtype],
                                   atol=PRECISION[dtype], err_msg=name)
    rows = torch.arange(x.shape[0])
    (-torch.log(torch.softmax(tx, -1))[rows, torch.tensor(target)]).sum().backward()
    naive = tx.grad.to(torch.float64).numpy()
    np.testing.assert_array_equal(np.isnan(xc.log_of_softmax_grad(x, target, dtype)),
                                  np.isnan(naive))
    tx.grad = None
    (-torch.log_softmax(tx, -1)[rows, torch.tensor(target)]).sum().backward()
    fused = tx.grad.to(torch.float64).numpy()
    ours = xc.log_softmax_fused_grad(x, target, dtype).astype(np.float64)
    assert np.isfinite(ours).all()
    np.testing.assert_allclose(ours, fused, rtol=PRECISION[dtype], atol=PRECISION[dtype])


def test_float64_log_of_softmax_gradient_agrees_with_torch_where_finite():
    x = SCORES["random"]
    target = np.random.default_rng(1).integers(0, x.shape[1], size=x.shape[0])
    tx = torch.tensor(x, requires_grad=True)
    (-torch.log(torch.softmax(tx, -1))[torch.arange(x.shape[0]), torch.tensor(target)]
     ).sum().backward()
    assert_same(xc.log_of_softmax_grad(x, target), tx.grad)
