"""Every ``Examples`` section in the numeric core runs and prints what it says (doctest).

Docstrings are read by learners next to the app; an example that no longer holds would teach
a wrong number.
"""

from __future__ import annotations

import doctest
import importlib
import warnings

import pytest

MODULES = [
    "xent_core.calibration",
    "xent_core.comparison_losses",
    "xent_core.divergences",
    "xent_core.lessons.overflow",
    "xent_core.lessons.sigmoid_or_softmax",
    "xent_core.lessons.soft_labels",
    "xent_core.lessons.why_not_mse",
    "xent_core.precision",
    "xent_core.teaching",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run_and_hold(name):
    module = importlib.import_module(name)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.attempted > 0, f"{name} has no examples"
    assert result.failed == 0, f"{result.failed} example(s) in {name} do not hold"
