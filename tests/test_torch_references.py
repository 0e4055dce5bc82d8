"""xent_core gives PyTorch's numbers: checked on every run against committed PyTorch answers.

tests/data/torch_references.json holds fixed, seeded inputs (random, ±1e4, ±1e6, huge and tiny in
one row, float32 copies) and what PyTorch (CPU) returned for every torch-named xent_core function
on them (with the gradients by autograd, and lesson 7's routes in float16, float32 and float64),
written by scripts/make_torch_references.py. These tests need no PyTorch: every reference is
checked on every run (tests/torch_helpers.py: check_against_reference), float64 to 1e-9 relative
and float32 / float16 to their precision, inf and NaN where PyTorch's are, and the result's dtype
must be PyTorch's (float32 in, float32 out). Where PyTorch is installed (``make torch``; CI
always), two more tests check that the file is what the script writes today and that no
torch-named function lacks references made by PyTorch's function of that name.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from torch_helpers import (
    REFERENCE_FILE,
    case_ids,
    check_against_reference,
    reference_cases,
    references,
    require_torch,
)

import xent_core as xc

REPO_ROOT = Path(__file__).resolve().parent.parent
SCRIPT = REPO_ROOT / "scripts" / "make_torch_references.py"
CASES = reference_cases()

# xent_core names that exist in torch but on purpose return something else.
NOT_LIKE_TORCH = {
    "one_hot": "a teaching helper: float64 one-hot rows, where torch returns integers",
}


def load_script():
    spec = importlib.util.spec_from_file_location("make_torch_references", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_xent_core_gives_pytorchs_committed_answer(case):
    check_against_reference(case)


def test_the_references_cover_every_torch_named_function_and_option():
    functions = {case["function"] for case in CASES}
    assert functions >= {
        "softmax", "log_softmax", "logsumexp", "sigmoid", "log_sigmoid", "nll_loss",
        "cross_entropy", "cross_entropy_grad", "binary_cross_entropy",
        "binary_cross_entropy_with_logits", "mse_loss", "mse_loss_grad", "multi_margin_loss",
        "multi_margin_loss_grad", "kl_div", "softmax_by_hand", "softmax_max_subtracted",
        "softmax_via_logsumexp", "logsumexp_by_hand", "logsumexp_max_subtracted",
        "log_of_softmax", "log_softmax_fused", "log_of_softmax_grad", "log_softmax_fused_grad",
    }  # fmt: skip
    names = " ".join(case["name"] for case in CASES)
    for part in ("float32", "pm1e4", "pm1e6", "probabilities", "weight", "ignore", "smoothing",
                 "pos_weight", "/mean", "/sum", "/none", "one_example", "extreme_scalars",
                 "batchmean", "log_target=True", "float16"):
        assert part in names, part
    assert sum(case["function"] == "cross_entropy" for case in CASES) > 300


def test_the_references_name_the_pytorch_that_made_them():
    assert references()["torch_version"].startswith("2.")


def test_the_reference_file_stays_small():
    assert REFERENCE_FILE.stat().st_size < 1_000_000


def test_every_torch_named_function_has_references():
    torch = require_torch()
    torch_names = {name for name in xc.__all__
                   if hasattr(torch.nn.functional, name) or hasattr(torch, name)}
    assert torch_names >= {"softmax", "cross_entropy", "mse_loss", "multi_margin_loss", "kl_div"}
    # A reference counts when PyTorch's function of the same name made it (not a composed route).
    same_name = {case["function"] for case in CASES
                 if case.get("torch", "") in ("", f"F.{case['function']}",
                                              f"torch.{case['function']}")}
    missing = torch_names - same_name - set(NOT_LIKE_TORCH)
    assert not missing, (
        f"xent_core functions named like PyTorch's without committed references: "
        f"{sorted(missing)}. Append cases for them to CASES in scripts/make_torch_references.py "
        f"and run it."
    )


def test_the_committed_references_are_what_the_script_writes_today():
    require_torch()
    script = load_script()
    problems = script.differences(script.build_document(script.CASES), references())
    assert not problems, (
        f"{len(problems)} differences, first: {problems[:5]}. Run "
        f"`.venv/bin/python scripts/make_torch_references.py` and commit the file."
    )
