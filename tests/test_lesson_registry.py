"""The lesson registry: one list read by the navigation, the home page, tests and benchmarks."""

from pathlib import Path

import pytest
from streamlit.source_util import page_icon_and_name

from ui.lessons import LESSONS, PAGES, Lesson, legacy_page_name, lesson, url_path_problems

ROOT = Path(__file__).resolve().parents[1]


def test_every_page_file_is_in_the_registry_and_exists():
    assert sorted(p.file for p in PAGES) == sorted(
        f"pages/{f.name}" for f in (ROOT / "pages").glob("*.py"))
    orders = [p.order for p in PAGES]
    assert orders == sorted(set(orders))  # the navigation's order, no ties
    assert [p.order for p in LESSONS] == list(range(1, len(LESSONS) + 1))
    assert lesson("pages/2_five_classes.py").url_path == "five-classes"


def test_no_url_path_collides_with_streamlit_legacy_pages_names_or_each_other():
    assert url_path_problems() == []


@pytest.mark.parametrize("path", ["five_classes", "mnist", "Home", "cat_vs_dog", "_stcore"])
def test_a_colliding_url_path_is_caught(path):
    bad = (*PAGES, Lesson("pages/x.py", "x", ":material/route:", path, "x", 9))
    assert url_path_problems(bad)


def test_a_duplicated_url_path_is_caught():
    bad = (*PAGES, Lesson("pages/x.py", "x", ":material/route:", LESSONS[0].url_path, "x", 9))
    assert any("also" in problem for problem in url_path_problems(bad))


def test_legacy_names_are_the_ones_streamlit_derives():
    for file in (ROOT / "pages").glob("*.py"):
        assert legacy_page_name(file.name) == page_icon_and_name(file)[1]


@pytest.mark.parametrize("reader", ["app.py", "pages/home.py", "scripts/bench_pages.py",
                                    "tests/test_app_shell.py"])
def test_the_navigation_home_page_tests_and_benchmark_read_the_registry(reader):
    text = (ROOT / reader).read_text()
    assert "ui.lessons" in text
    assert "1_cat_vs_dog" not in text  # no second list of page files
