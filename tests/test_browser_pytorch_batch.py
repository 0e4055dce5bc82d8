"""The PyTorch batch page in a real browser: it renders, and the keyboard drives it."""

from __future__ import annotations

import re

import pytest
from browser_helpers import (
    assert_no_streamlit_exception,
    expect_rerun,
    goto_app,
    readme_screenshot,
)
from lesson_browser import copy_link, fresh_page, places_text, same_state, switch_to_dark
from lesson_browser import metric_value as stage_loss

import xent_core as xc
from xent_core.lessons import PYTORCH_BATCH_LOGITS, PYTORCH_BATCH_TARGETS

pytestmark = pytest.mark.browser


def metric_value(page, label: str) -> str:
    """A metric below the stage (a route's loss, the trap: ui.details)."""
    metric = page.locator(".xent-details .xd-metric").filter(has_text=label).first
    return metric.locator(".xd-metric-value").inner_text().strip()


def open_batch_page(page, server: str, query: str = "") -> None:
    goto_app(page, f"{server}/pytorch-batch{query}")
    # Streamlit 1.67 may greet a deep link with a "Page not found" dialog before st.navigation
    # has registered the pages (the page itself then runs fine); close it so keys reach us.
    dialog = page.get_by_role("dialog")
    if dialog.count() and "Page not found" in dialog.first.inner_text():
        page.keyboard.press("Escape")
        dialog.first.wait_for(state="hidden", timeout=5_000)


def test_label_smoothing_by_keyboard_changes_only_cross_entropy(streamlit_server, page):
    open_batch_page(page, streamlit_server)
    assert_no_streamlit_exception(page)
    page.get_by_text("Three routes, one number").wait_for(timeout=60_000)
    assert metric_value(page, "cross_entropy on raw logits") == "1.0313 nats"
    # Plotly draws after the page text; wait (up to 60 s when busy) for its four charts.
    page.wait_for_function(
        "() => document.querySelectorAll('.js-plotly-plot').length >= 4", timeout=60_000)

    slider = page.get_by_role("slider").first  # label_smoothing: the page's only slider
    for _ in range(2):  # 0.00 → 0.10, one step (0.05) per key press
        with expect_rerun(page):
            slider.press("ArrowRight")
    assert_no_streamlit_exception(page)
    smoothed = float(xc.cross_entropy(PYTORCH_BATCH_LOGITS, PYTORCH_BATCH_TARGETS,
                                      label_smoothing=0.1))
    assert metric_value(page, "cross_entropy on raw logits") == f"{smoothed:.4f} nats"
    assert metric_value(page, "log_softmax → nll_loss") == "1.0313 nats"
    assert page.get_by_text("only it applies label smoothing").is_visible()
    code = page.locator(".xent-details .xd-code").filter(has_text="import torch").inner_text()
    assert re.search(r"label_smoothing=0\.1\b", code)

    with expect_rerun(page):
        slider.press("ArrowLeft")
    with expect_rerun(page):
        slider.press("ArrowLeft")
    assert metric_value(page, "cross_entropy on raw logits") == "1.0313 nats"
    readme_screenshot(page, "pytorch_batch")


def test_a_logit_typed_into_the_batch_table_changes_every_route(streamlit_server, page):
    open_batch_page(page, streamlit_server)
    page.get_by_text("Three routes, one number").wait_for(timeout=60_000)
    cell = page.get_by_role("textbox", name="Row 1, class 3")  # example 0's logit of class 3
    cell.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("3.5")
    with expect_rerun(page):
        page.keyboard.press("Enter")
    assert_no_streamlit_exception(page)
    changed = [list(row) for row in PYTORCH_BATCH_LOGITS]
    changed[0][3] = 3.5
    expected = float(xc.cross_entropy(changed, PYTORCH_BATCH_TARGETS))
    for label in ("cross_entropy on raw logits", "log_softmax → nll_loss"):
        assert metric_value(page, label) == f"{expected:.4f} nats"
    assert cell.evaluate("e => e === document.activeElement")  # the focus stays in the cell

    # A word is kept as typed, marked, and named under the table; the batch stays.
    with expect_rerun(page):
        cell.fill("abc")
        cell.press("Tab")
    assert cell.get_attribute("aria-invalid") == "true"
    assert page.get_by_text("Example 0, class 3").first.is_visible()
    assert metric_value(page, "cross_entropy on raw logits") == f"{expected:.4f} nats"


def test_the_copy_button_copies_the_pages_pytorch_code(streamlit_server, page):
    """ui.details' code block: its button puts the code, as shown, on the clipboard, with the
    Clipboard API (a secure context: localhost) and with the selection where there is none
    (a class opening the teacher's plain-http link on the local network)."""
    page.context.grant_permissions(["clipboard-read", "clipboard-write"],
                                   origin=streamlit_server)
    open_batch_page(page, streamlit_server)
    page.get_by_text("Three routes, one number").wait_for(timeout=60_000)
    block = page.locator(".xent-details .xd-code").filter(has_text="import torch")
    shown = block.locator("pre").inner_text()
    assert "F.cross_entropy(logits, targets" in shown
    for secure in (True, False):
        page.evaluate("() => navigator.clipboard.writeText('')")
        if not secure:
            page.evaluate("() => Object.defineProperty(window, 'isSecureContext', "
                          "{ get: () => false })")
        button = block.get_by_role("button", name="Copy the code")
        button.click()
        block.get_by_role("button", name="Copied").wait_for(timeout=5_000)
        assert page.evaluate("() => navigator.clipboard.readText()") == shown, secure
        button.wait_for(timeout=5_000)  # "Copied" for a moment, then as before


@pytest.mark.parametrize("query", ["", "?present=1"], ids=["laptop", "presenter"])
def test_moves_of_label_smoothing_show_what_a_fresh_load_of_the_link_shows(
        streamlit_server, page, browser, query):
    """A move of the slider redraws the stage's loss, the table per example, the routes and
    the code in place (ui.live): afterwards every place reads as the same state opened
    afresh, and still does after the theme changes (a place then redraws from its data)."""
    open_batch_page(page, streamlit_server, query)
    before = places_text(page, charts=5)
    slider = page.get_by_role("slider").first  # label_smoothing: the page's only slider
    for key in ("ArrowRight", "ArrowRight", "ArrowRight", "ArrowLeft"):  # 0.15, then 0.10
        with expect_rerun(page):
            slider.press(key)
    assert_no_streamlit_exception(page)
    smoothed = float(xc.cross_entropy(PYTORCH_BATCH_LOGITS, PYTORCH_BATCH_TARGETS,
                                      label_smoothing=0.1))
    assert stage_loss(page) == f"{smoothed:.4f}"  # the stage's loss, moved
    moved = places_text(page, charts=5)
    texts, texts_before = ([text for _, text in shown["details"]] for shown in (moved, before))
    assert texts[0] == texts_before[0].replace("1.0313", f"{smoothed:.4f}")
    changed = [n for n, (a, b) in enumerate(zip(texts_before, texts, strict=True)) if a != b]
    assert len(changed) == 3, changed  # the loss, the table per example, the routes and code
    assert "smoothed loss" in texts[changed[1]]
    assert "label_smoothing=0.1" in texts[changed[2]]
    assert moved["charts"] == before["charts"]  # no chart depends on label_smoothing
    link = copy_link(page)
    assert same_state(link, page.url), (link, page.url)
    assert "ls=0.1" in link and ("present=1" in link) == bool(query)

    with fresh_page(browser, link) as other:
        assert places_text(other, charts=5) == moved

    switch_to_dark(page)
    assert places_text(page, charts=5) == moved
