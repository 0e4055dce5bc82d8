"""Import PyTorch for the live comparisons, or say loudly why they do not run.

``make test`` does not install PyTorch (a CPU build is about 190 MB to download, a CUDA build
several GB); ``make torch`` and CI do. Without it the live comparisons are skipped with a reason
that ``pytest -ra`` prints in its summary; the committed references
(tests/data/torch_references.json, checked by tests/test_torch_references.py) still run. Under
CI=true a missing PyTorch is an error, never a skip.
"""

from __future__ import annotations

import importlib.util
import os

import pytest

MISSING = (
    "PyTorch is not installed, so the LIVE comparison with PyTorch is skipped (the committed "
    "PyTorch references are still checked). Install a CPU build with `make torch`."
)


def torch_is_installed() -> bool:
    return importlib.util.find_spec("torch") is not None


def require_torch():
    """Return the ``torch`` module; skip the calling test module without it (fail in CI)."""
    if not torch_is_installed():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true, so the live comparison with PyTorch must run, but PyTorch is "
                        "not installed (.ci/run installs requirements-torch.txt).", pytrace=False)
        pytest.skip(MISSING, allow_module_level=True)
    import torch

    return torch
