"""The start page in a real browser: it renders, its pipeline follows the log base, and its
lesson links lead to the lessons."""

from __future__ import annotations

import pytest
from browser_helpers import (
    assert_no_streamlit_exception,
    expect_rerun,
    goto_app,
    readme_screenshot,
)

pytestmark = pytest.mark.browser

def pipeline_text(page) -> str:
    return " | ".join(page.locator('[data-testid="stMetric"]').all_inner_texts())


def test_app_root_renders_without_exception(streamlit_server, page):
    goto_app(page, streamlit_server)
    assert_no_streamlit_exception(page)
    assert page.title().strip(), "page has no <title>"
    heading = page.locator('[data-testid="stHeading"], h1').first
    heading.wait_for(state="visible", timeout=10_000)
    assert heading.inner_text().strip() == "Cross-Entropy Lab"


def test_the_pipeline_shows_the_slide_numbers_and_follows_the_log_base(streamlit_server, page):
    goto_app(page, streamlit_server)
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=\"stMetric\"]').length >= 8")
    text = pipeline_text(page)
    assert "÷ 12.14" in text and "0.899" in text and "0.107 nats" in text

    # Keyboard only: focus the checked "ln (nats)" radio, then the arrow key picks log₂.
    page.get_by_role("radio", name="ln (nats)").focus()
    with expect_rerun(page):
        page.keyboard.press("ArrowDown")
    assert_no_streamlit_exception(page)
    assert "0.154 bits" in pipeline_text(page)  # 0.1068 nats / ln 2
    assert "base=2" in page.url

    readme_screenshot(page, "home")


def test_a_lesson_link_opens_the_lesson(streamlit_server, page):
    goto_app(page, streamlit_server)
    with expect_rerun(page):
        page.locator('[data-testid="stPageLink"]').filter(has_text="2 · Five classes").click()
    assert_no_streamlit_exception(page)
    page.get_by_text("Five classes: softmax by hand").first.wait_for(state="visible")
    assert page.url.rstrip("/").endswith("five-classes")


def test_copy_link_shows_this_page_with_its_state(streamlit_server, page):
    goto_app(page, f"{streamlit_server}/pytorch-batch?ls=0.2&base=10")
    assert_no_streamlit_exception(page)
    page.get_by_test_id("stPopoverButton").filter(has_text="Copy link to this state").click()
    link = page.locator('[data-testid="stPopoverBody"] code').first
    link.wait_for(state="visible")
    assert link.inner_text().strip() == f"{streamlit_server}/pytorch-batch?base=10&ls=0.2"
