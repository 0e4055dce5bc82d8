"""The lessons 5-8 engine against live PyTorch in float64: mse_loss, multi_margin_loss, kl_div,
the gradients lesson 5 shows, and the float16 / float32 / float64 routes of lesson 7.

Skipped where PyTorch is not installed; the committed values in
tests/torch_references_loss_behaviour.py are checked either way (test_comparison_losses.py,
test_divergences.py, test_precision.py). CI installs a CPU build and runs this file.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import xent_core as xc

torch = pytest.importorskip(
    "torch",
    reason="PyTorch is not installed: the live comparison is skipped (the committed PyTorch "
           "values are still checked; CI installs torch and runs this file)",
)
F = torch.nn.functional

RTOL = 1e-9
ATOL = 1e-12
REDUCTIONS = ["mean", "sum", "none"]


def quietly(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return fn(*args, **kwargs)


def assert_close(ours, theirs, rtol=RTOL, atol=ATOL):
    theirs = theirs.detach().numpy() if torch.is_tensor(theirs) else np.asarray(theirs)
    ours = np.asarray(ours, dtype=np.float64)
    assert ours.shape == theirs.shape
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=atol, equal_nan=True)


def _random_cases():
    rng = np.random.default_rng(20250610)
    return {
        "random": rng.normal(0.0, 3.0, size=(7, 5)),
        "big": rng.uniform(-1e4, 1e4, size=(7, 5)),
        "ties": np.round(rng.normal(0.0, 1.0, size=(7, 5))),
    }


CASES = _random_cases()


# ------------------------------------------------------------------------ MSE and hinge


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("name", list(CASES))
def test_mse_loss_and_gradient_agree_with_torch(name, weighted, reduction):
    x = CASES[name]
    rng = np.random.default_rng(3)
    target = rng.normal(size=x.shape)
    weight = rng.uniform(0.0, 2.0, size=x.shape) if weighted else None
    tx = torch.tensor(x, requires_grad=True)
    theirs = F.mse_loss(tx, torch.tensor(target), reduction=reduction,
                        weight=None if weight is None else torch.tensor(weight))
    theirs.sum().backward()
    kwargs = dict(reduction=reduction, weight=weight)
    assert_close(quietly(xc.mse_loss, x, target, **kwargs), theirs)
    assert_close(xc.mse_loss_grad(x, target, **kwargs), tx.grad)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("p", [1, 2])
@pytest.mark.parametrize("margin", [1.0, 0.25, 3.0])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("name", list(CASES))
def test_multi_margin_loss_and_gradient_agree_with_torch(name, weighted, margin, p, reduction):
    x = CASES[name]
    y = np.random.default_rng(5).integers(0, x.shape[1], size=x.shape[0])
    weight = np.linspace(0.5, 2.0, x.shape[1]) if weighted else None
    tx = torch.tensor(x, requires_grad=True)
    theirs = F.multi_margin_loss(tx, torch.tensor(y), p=p, margin=margin,
                                 weight=None if weight is None else torch.tensor(weight),
                                 reduction=reduction)
    theirs.sum().backward()
    kwargs = dict(p=p, margin=margin, weight=weight, reduction=reduction)
    assert_close(quietly(xc.multi_margin_loss, x, y, **kwargs), theirs)
    assert_close(xc.multi_margin_loss_grad(x, y, **kwargs), tx.grad)


def test_multi_margin_loss_of_one_example_agrees_with_torch():
    x = np.array([3.2, 5.1, -1.7])
    tx = torch.tensor(x, requires_grad=True)
    theirs = F.multi_margin_loss(tx, torch.tensor(0))
    theirs.backward()
    assert_close(xc.multi_margin_loss(x, 0), theirs)
    assert_close(xc.multi_margin_loss_grad(x, 0), tx.grad)


@pytest.mark.parametrize("name", list(CASES))
def test_mse_on_softmax_gradient_agrees_with_torch_autograd(name):
    x = CASES[name]
    y = np.random.default_rng(9).integers(0, x.shape[1], size=x.shape[0])
    tx = torch.tensor(x, requires_grad=True)
    one_hot = F.one_hot(torch.tensor(y), x.shape[1]).double()
    F.mse_loss(torch.softmax(tx, dim=-1), one_hot).backward()
    p = xc.softmax(x)
    ours = xc.softmax_backward(p, xc.mse_loss_grad(p, np.eye(x.shape[1])[y]))
    assert_close(ours, tx.grad)


# ------------------------------------------------------------------------------ kl_div


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
    assert_close(quietly(xc.kl_div, log_q, target, reduction=reduction, log_target=log_target),
                 theirs)


@pytest.mark.parametrize("reduction", ["mean", "batchmean", "sum", "none"])
def test_kl_div_of_one_distribution_agrees_with_torch(reduction):
    log_q = xc.log_softmax([0.5, -1.0, 2.0])
    p = np.array([0.2, 0.3, 0.5])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        theirs = F.kl_div(torch.tensor(log_q), torch.tensor(p), reduction=reduction)
    assert_close(xc.kl_div(log_q, p, reduction=reduction), theirs)


def test_kl_div_gives_nan_where_torch_does_for_zero_target_and_minus_inf_input():
    log_q = np.array([[-np.inf, 0.0]])
    p = np.array([[0.0, 1.0]])
    theirs = F.kl_div(torch.tensor(log_q), torch.tensor(p), reduction="none")
    assert_close(xc.kl_div(log_q, p, reduction="none"), theirs)


# ---------------------------------------------------------- lesson 7: three precisions


DTYPES = {"float16": torch.float16, "float32": torch.float32, "float64": torch.float64}
TOLERANCE = {"float16": 2e-3, "float32": 2e-6, "float64": 1e-12}


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
        np.testing.assert_allclose(ours[finite], theirs[finite], rtol=TOLERANCE[dtype],
                                   atol=TOLERANCE[dtype], err_msg=name)
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
    np.testing.assert_allclose(ours, fused, rtol=TOLERANCE[dtype], atol=TOLERANCE[dtype])


def test_float64_log_of_softmax_gradient_agrees_with_torch_where_finite():
    x = CASES["random"]
    target = np.random.default_rng(1).integers(0, x.shape[1], size=x.shape[0])
    tx = torch.tensor(x, requires_grad=True)
    (-torch.log(torch.softmax(tx, -1))[torch.arange(x.shape[0]), torch.tensor(target)]
     ).sum().backward()
    assert_close(xc.log_of_softmax_grad(x, target), tx.grad)
