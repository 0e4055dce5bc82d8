"""PyTorch in the tests: the committed PyTorch references, and the live comparisons.

Committed references: ``tests/data/torch_references.json``, written by
scripts/make_torch_references.py, holds fixed inputs and what PyTorch (CPU) returned for every
torch-named xent_core function (and the lesson 7 routes). ``reference_cases`` reads them and
``check_against_reference`` checks xent_core against one: no PyTorch needed, so they run
everywhere. tests/test_torch_references.py checks every case; a lesson's test file can check its
own functions' cases next to its other tests.

Live comparisons: ``make test`` does not install PyTorch (a CPU build is about 190 MB to
download, a CUDA build several GB); ``make torch`` and CI do. ``require_torch`` skips the live
comparisons without it, with a reason that ``pytest -ra`` prints in its summary; the committed
references still run. Under CI=true a missing PyTorch is an error, never a skip.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import os
import warnings
from pathlib import Path

import numpy as np
import pytest

import xent_core as xc

REFERENCE_FILE = Path(__file__).resolve().parent / "data" / "torch_references.json"

MISSING = (
    "PyTorch is not installed, so the LIVE comparison with PyTorch is skipped (the committed "
    "PyTorch references are still checked). Install a CPU build with `make torch`."
)


# ------------------------------------------------------------------ committed references


@functools.cache
def references() -> dict:
    """The whole committed file: ``cases``, ``arrays``, ``tolerances``, ``torch_version``."""
    return json.loads(REFERENCE_FILE.read_text())


def reference_cases(*functions: str) -> list[dict]:
    """The committed cases of the xent_core functions named (every case when none is named)."""
    cases = references()["cases"]
    if not functions:
        return cases
    chosen = [case for case in cases if case["function"] in functions]
    missing = set(functions) - {case["function"] for case in chosen}
    assert not missing, f"no committed PyTorch references for {sorted(missing)}"
    return chosen


def case_ids(cases: list[dict]) -> list[str]:
    return [case["name"] for case in cases]


def decode(value):
    """A stored argument or result as NumPy (arrays) or plain Python (numbers, strings)."""
    if isinstance(value, dict) and set(value) == {"array"}:
        entry = references()["arrays"][value["array"]]
        return np.array(entry["values"], dtype=entry["dtype"]).reshape(entry["shape"])
    return value


def quietly(fn, *args, **kwargs):
    """Call ``fn`` and fail on any warning (RuntimeWarning from overflow, 0/0, log(0)...)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return fn(*args, **kwargs)


def check_against_reference(case: dict) -> None:
    """xent_core's answer for ``case`` is PyTorch's committed one.

    The call must not warn; the result has PyTorch's dtype and shape, inf and NaN where
    PyTorch's are, and every other value within the case's tolerance (by default the result
    dtype's: float64 1e-9 relative, float32 and float16 to their own precision).
    """
    args = [decode(a) for a in case["args"]]
    kwargs = {name: decode(v) for name, v in case.get("kwargs", {}).items()}
    expected = decode(case["expected"])
    ours = np.asarray(quietly(getattr(xc, case["function"]), *args, **kwargs))
    assert (ours.dtype, ours.shape) == (expected.dtype, expected.shape)
    tolerance = case.get("tolerance") or references()["tolerances"][str(expected.dtype)]
    np.testing.assert_allclose(ours.astype(np.float64), expected.astype(np.float64),
                               equal_nan=True, **tolerance)


# --------------------------------------------------------------------- live comparisons


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
