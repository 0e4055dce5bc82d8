"""Every lesson page has the same shape: the registry, the state helper, one core call, no maths.

Read from the page sources (the AppTest and browser tests check what they draw).
"""

from __future__ import annotations

import ast
import shutil
import subprocess
from pathlib import Path

import pytest

import xent_core.lessons as lessons
from ui.lessons import LESSONS

ROOT = Path(__file__).resolve().parents[1]
LESSON_CALLS = {"pages/1_cat_vs_dog.py": "cat_vs_dog", "pages/2_five_classes.py": "five_classes",
                "pages/3_pytorch_batch.py": "pytorch_batch", "pages/4_mnist.py": "mnist_digits",
                "pages/7_overflow.py": "overflow", "pages/8_soft_labels.py": "soft_labels"}
# Besides its lesson call, its view type and the lesson's presets, what a page may take from
# xent_core: names it displays or takes input with, never a computation on results.
INPUT_NAMES = {
    "pages/2_five_classes.py": {"five_class_steps"},  # the step buttons' one core call
    "pages/3_pytorch_batch.py": {"IGNORE_INDEX", "BatchOptionsBreakdown", "LossOptions",
                                 "REDUCTIONS", "random_batch", "read_class_weights",
                                 "read_logit_cells"},  # the options and the typed table
    "pages/4_mnist.py": {"HeldOutReport", "held_out_report", "load_digits", "load_model",
                         "typical_correct_example"},  # the data set and choosing an image
    "pages/7_overflow.py": {"DEFAULT_PRESET", "PRESETS"},  # the lesson module's examples
    "pages/8_soft_labels.py": {"CLASS_NAMES", "CURVE_TEMPERATURES", "DEFAULT_PRESET", "PRESETS",
                               "target_distribution"},  # examples; checking a typed target
}
SHARED_NAMES = {"LogBase"}


def source(file: str) -> str:
    return (ROOT / file).read_text()


def imported_from_xent_core(tree: ast.AST) -> set[str]:
    return {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
            and (node.module or "").startswith("xent_core") for alias in node.names}


def calls_to(tree: ast.AST, name: str) -> int:
    return sum(1 for node in ast.walk(tree) if isinstance(node, ast.Call)
               and isinstance(node.func, ast.Name) and node.func.id == name)


def test_every_lesson_of_the_registry_has_a_core_call():
    assert sorted(LESSON_CALLS) == sorted(lesson.file for lesson in LESSONS)


@pytest.mark.parametrize("file", sorted(LESSON_CALLS))
def test_a_page_reads_inputs_then_makes_one_core_call_then_draws(file):
    tree = ast.parse(source(file))
    assert calls_to(tree, "lesson_state") == 1
    assert calls_to(tree, "stage") == 1
    assert calls_to(tree, LESSON_CALLS[file]) == 1, "one call site of the lesson's function"


@pytest.mark.parametrize("file", sorted(LESSON_CALLS))
def test_a_page_imports_only_its_lesson_call_and_the_names_it_shows(file):
    names = imported_from_xent_core(ast.parse(source(file)))
    view_and_presets = {name for name in lessons.__all__ if name.isupper() or "View" in name}
    allowed = ({LESSON_CALLS[file]} | view_and_presets | SHARED_NAMES
               | INPUT_NAMES.get(file, set()))
    assert names <= allowed, sorted(names - allowed)


@pytest.mark.parametrize("file", sorted(LESSON_CALLS))
def test_a_page_does_no_maths_and_keeps_no_state_plumbing_of_its_own(file):
    text = source(file)
    for forbidden in ("from_nats", "one_hot(", "base.log(", "np.", "import numpy",
                      "def key(", "def get(", "def put(", "query_params", "url_state.value"):
        assert forbidden not in text, forbidden


@pytest.mark.skipif(shutil.which("duplicates") is None, reason="the duplicates tool is not on PATH")
@pytest.mark.parametrize("folder", ["pages", "ui"])
def test_no_state_handling_is_repeated_in_pages_or_ui(folder):
    result = subprocess.run(["duplicates", "--repo", folder], cwd=ROOT, capture_output=True,
                            text=True, timeout=120, check=True)
    assert result.stdout.startswith("no duplicates"), result.stdout
