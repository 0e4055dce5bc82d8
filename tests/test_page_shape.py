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
                "pages/5_why_not_mse.py": "why_not_mse",
                "pages/6_sigmoid_or_softmax.py": "sigmoid_or_softmax",
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
    # the lesson's class names, its stories (presets) and the race's defaults and limit
    "pages/5_why_not_mse.py": {"CLASS_NAMES", "PRESETS", "DEFAULT_PRESET", "DEFAULT_LR",
                               "DEFAULT_STEPS", "MAX_STEPS"},
    "pages/6_sigmoid_or_softmax.py": {"CLASS_NAMES", "PRESETS", "DEFAULT_PRESET"},
    "pages/7_overflow.py": {"PRESETS", "DEFAULT_PRESET"},  # the examples
    # the examples, the calibration slider's range, and the typed target's check (a parser)
    "pages/8_soft_labels.py": {"CLASS_NAMES", "PRESETS", "DEFAULT_PRESET", "CURVE_TEMPERATURES",
                               "target_distribution"},
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


# ------------------------------------------------------------------ repeated code (duplicates)
#
# `duplicates` (an external tool: pairs of places sharing six or more lines) reads a copy of
# the folder in which two kinds of statement are blanked out, line numbers kept:
# * module-level pure data literals -- an assignment whose value is built only of constants,
#   containers of constants and calls with constant arguments, such as the registry's
#   ``Lesson("pages/...", "title", ...)`` entries: data that merely has the same shape, never
#   state handling (a ``Field(...)`` declaration names parsers, so it is not data here);
# * import statements -- the tool passes over import lines, but not the names of a
#   parenthesised ``from x import (...)`` list.
# Everything else is read as it is, so any repeated code in pages/ or ui/ still fails.


def is_pure_data(node: ast.AST) -> bool:
    """A literal made of constants alone: no names, no computation, no parsers."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return all(is_pure_data(element) for element in node.elts)
    if isinstance(node, ast.Dict):
        return all(key is not None and is_pure_data(key) and is_pure_data(value)
                   for key, value in zip(node.keys, node.values, strict=True))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return all(is_pure_data(arg) for arg in node.args) and all(
            keyword.arg is not None and is_pure_data(keyword.value)
            for keyword in node.keywords)
    return False


def lines_to_blank(text: str) -> set[int]:
    """Line numbers (1-based) of import statements, module-level pure data literals, a
    page's ``<lesson>_page()`` function and its ``lesson`` fragment: the page shape every
    lesson follows on purpose (``lesson_state`` → ``stage`` → a ``lesson`` fragment with the
    one core call → draw → ``finish_fragment``, STYLE.md), whose sameness is the point, not
    repeated state handling."""
    tree = ast.parse(text)
    blank: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            blank.update(range(node.lineno, node.end_lineno + 1))
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None \
                and is_pure_data(node.value):
            blank.update(range(node.lineno, node.end_lineno + 1))
        fragment = isinstance(node, ast.FunctionDef) and node.name == "lesson" and any(
            ast.unparse(d).startswith("st.fragment") for d in node.decorator_list)
        if (isinstance(node, ast.FunctionDef) and node.name.endswith("_page")) or fragment:
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            blank.update(range(first, node.end_lineno + 1))
    return blank


def code_to_compare(folder: Path, copy: Path) -> Path:
    """``folder`` copied to ``copy`` with :func:`lines_to_blank` blanked in every .py file."""
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts:
            continue
        target = copy / path.relative_to(folder)
        target.parent.mkdir(parents=True, exist_ok=True)
        text = path.read_text()
        if path.suffix == ".py":
            blank = lines_to_blank(text)
            text = "".join("\n" if number in blank else line for number, line
                           in enumerate(text.splitlines(keepends=True), start=1))
        target.write_text(text)
    return copy


def test_the_comparison_blanks_the_registry_data_but_keeps_state_handling():
    text = source("ui/lessons.py")
    blank = lines_to_blank(text)
    lines = text.splitlines()
    assert any("Lesson(\"pages/2_five_classes.py\"" in lines[n - 1] for n in blank)
    assert not any("def " in lines[n - 1] for n in blank)
    page = source("pages/2_five_classes.py")
    kept = [line for n, line in enumerate(page.splitlines(), start=1)
            if n not in lines_to_blank(page)]
    assert any("Field(" in line for line in kept), "a field declaration is state handling"
    assert any("state.set(" in line for line in kept)
    assert not any("lesson_state(" in line for line in kept), "the page shape is blanked"
    assert not any("finish_fragment()" in line for line in kept), "so is its lesson fragment"
    assert any("def set_logit" in line or "def on_name" in line for line in kept)


@pytest.mark.parametrize("folder", ["pages", "ui"])
def test_no_state_handling_is_repeated_in_pages_or_ui(folder, tmp_path):
    tool = shutil.which("duplicates")
    if tool is None:  # an external tool: its absence must not fail CI, but must be seen
        pytest.skip("!!! DUPLICATES CHECK SKIPPED !!! the `duplicates` tool is not on PATH, so "
                    f"repeated code in {folder}/ was NOT checked")
    copy = code_to_compare(ROOT / folder, tmp_path / folder)
    result = subprocess.run([tool, "--repo", str(copy), "--most", "40", "--seconds", "300"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=400,
                            check=True)
    assert "incomplete:" not in result.stdout, result.stdout
    assert result.stdout.startswith("no duplicates"), result.stdout
