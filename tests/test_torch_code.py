"""ui.torch_code: the generated PyTorch script runs and prints exactly xent_core's numbers."""

from __future__ import annotations

import ast
import contextlib
import io

import numpy as np
import pytest

from ui.torch_code import torch_code
from xent_core import lessons
from xent_core.batch_options import IGNORE_INDEX, LossOptions, explain_batch_options

torch = pytest.importorskip("torch")

LOGITS = lessons.PYTORCH_BATCH_LOGITS
TARGETS = lessons.PYTORCH_BATCH_TARGETS
LOSSES = {
    "loss_softmax_log": "nll_of_log_of_softmax",
    "loss_log_softmax": "nll_of_log_softmax",
    "loss_cross_entropy": "cross_entropy",
    "loss_trap": "nll_of_probabilities",
}


def run(code: str) -> tuple[dict, str]:
    """Execute the generated script; return its variables and what it printed."""
    namespace: dict = {}
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, "<torch_code>", "exec"), namespace)  # our own generated code
    return namespace, printed.getvalue()


CASES = [
    pytest.param(LOGITS, TARGETS, LossOptions(), id="tutorial"),
    pytest.param(LOGITS, TARGETS, LossOptions(reduction="sum"), id="sum"),
    pytest.param(LOGITS, TARGETS, LossOptions(reduction="none"), id="none"),
    pytest.param(LOGITS, TARGETS, LossOptions(weight=(1.0, 2.0, 0.5, 3.0, 1.0)), id="weights"),
    pytest.param(LOGITS, TARGETS, LossOptions(label_smoothing=0.15), id="smoothing"),
    pytest.param(LOGITS, (3, IGNORE_INDEX, 1), LossOptions(), id="ignore"),
    pytest.param([[0.1 + 0.2, -1e-7, 123456.789012345]], [2],
                 LossOptions(reduction="none", weight=(0.3, 1.0, 2.0), label_smoothing=0.05),
                 id="awkward-floats-and-everything"),
]


@pytest.mark.parametrize(("logits", "targets", "options"), CASES)
def test_generated_code_computes_the_same_losses_as_xent_core(logits, targets, options):
    namespace, _ = run(torch_code(logits, targets, options))
    expected = explain_batch_options(logits, targets, options)
    for variable, field in LOSSES.items():
        np.testing.assert_allclose(namespace[variable].numpy(), getattr(expected, field),
                                   rtol=1e-12, atol=1e-14, err_msg=variable)


@pytest.mark.parametrize(("logits", "targets", "options"), CASES)
def test_generated_code_rebuilds_every_digit_of_the_logits(logits, targets, options):
    namespace, _ = run(torch_code(logits, targets, options))
    assert namespace["logits"].dtype == torch.float64
    np.testing.assert_array_equal(namespace["logits"].numpy(), np.asarray(logits, dtype=float))
    np.testing.assert_array_equal(namespace["targets"].numpy(), np.asarray(targets))


def test_the_tutorial_script_prints_1_0313_three_times_and_a_negative_trap():
    _, printed = run(torch_code(LOGITS, TARGETS))
    lines = printed.splitlines()
    assert lines[0] == "tensor([1.0000, 1.0000, 1.0000], dtype=torch.float64)"
    assert lines[1:4] == [
        "softmax -> log -> nll_loss: tensor(1.0313, dtype=torch.float64)",
        "log_softmax -> nll_loss:    tensor(1.0313, dtype=torch.float64)",
        "cross_entropy on logits:    tensor(1.0313, dtype=torch.float64)",
    ]
    assert lines[4] == "nll_loss on probabilities (wrong): tensor(-0.3821, dtype=torch.float64)"


def test_default_options_add_no_keyword_arguments():
    code = torch_code(LOGITS, TARGETS)
    assert "F.cross_entropy(logits, targets)" in code
    assert "F.nll_loss(log_probs, targets)" in code
    assert "options" not in code and "weight" not in code


def test_non_default_options_are_spelled_out_and_smoothing_goes_to_cross_entropy_only():
    options = LossOptions(reduction="sum", weight=(1.0, 2.0, 1.0, 1.0, 1.0),
                          label_smoothing=0.1)
    code = torch_code(LOGITS, (3, IGNORE_INDEX, 1), options)
    assert "weight = torch.tensor([1.0, 2.0, 1.0, 1.0, 1.0], dtype=torch.float64)" in code
    assert 'options = dict(weight=weight, ignore_index=-100, reduction="sum")' in code
    assert "F.cross_entropy(logits, targets, **options, label_smoothing=0.1)" in code
    assert "F.nll_loss(log_probs, targets, **options)" in code
    assert code.count("label_smoothing=") == 1


def test_generated_code_is_valid_python_with_short_lines():
    logits = np.random.default_rng(0).standard_normal((12, 10))  # 17-digit reprs
    targets = [*range(10), IGNORE_INDEX, 0]
    options = LossOptions(reduction="none", weight=(1.0,) * 10, label_smoothing=0.2)
    code = torch_code(logits, targets, options)
    ast.parse(code)
    longest = max(code.splitlines(), key=len)
    assert len(longest) <= 100, longest
    namespace, _ = run(code)
    np.testing.assert_array_equal(namespace["logits"].numpy(), logits)
