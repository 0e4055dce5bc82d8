"""Links and inputs that never lie, in a real browser, on every lesson page.

- After an edit (a grid cell on page 1, a slider on page 2, an option on page 3, a logit on
  page 4), *Copy link to this state* equals the address bar, and a fresh browser opened on it
  shows the same loss.
- Opened through another loopback address (127.0.0.2), the copy link is built on that host.
- Moves put their state in the address bar without a history entry each (Back leaves the
  lesson, it does not step through slider positions); a reset after them clears it.
- A fresh server whose first request is a link to a lesson opens it with no "Page not found".
- A cleared, non-numeric, infinite or out-of-range number box leaves the loss as it was and
  says why next to the box.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browser_helpers import (
    assert_no_streamlit_exception,
    expect_rerun,
    goto_app,
    wait_for_streamlit_idle,
)
from conftest import SERVER_PIDS, VIEWPORT, run_server
from lesson_browser import box_message, open_lesson
from test_browser_cat_vs_dog import type_into_cell, wait_for_grid

from xent_core import explain
from xent_core.lessons import FIVE_CLASS_OUTPUTS, FIVE_CLASS_TARGET

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import loadtest

pytestmark = pytest.mark.browser

PAGE_NOT_FOUND = "Page not found"


def stage_loss(page) -> str:
    """The loss on the lesson's stage (the first metric in its container)."""
    value = '.st-key-lesson-stage .xd-metric-value'
    page.wait_for_function(f"() => document.querySelector('{value}')?.innerText.trim()",
                           timeout=60_000)
    return page.locator(value).first.inner_text().strip()


def copy_link(page) -> str:
    """Open *Copy link to this state* and read the link it offers."""
    page.get_by_test_id("stPopoverButton").filter(has_text="Copy link to this state").click()
    link = page.locator('[data-testid="stPopoverBody"] code').first
    link.wait_for(state="visible")
    text = link.inner_text().strip()
    page.keyboard.press("Escape")
    return text


def same_state(link: str, address: str) -> bool:
    """The same page and the same query (the browser may percent-encode commas)."""
    a, b = urlsplit(link), urlsplit(address)
    decode = lambda q: q.replace("%2C", ",").replace("%3B", ";")  # noqa: E731
    return (a.netloc, a.path.rstrip("/"), decode(a.query)) == (
        b.netloc, b.path.rstrip("/"), decode(b.query))


def loss_in_a_fresh_browser(browser, url: str) -> str:
    context = browser.new_context(viewport=VIEWPORT)
    try:
        other = context.new_page()
        goto_app(other, url)
        assert_no_streamlit_exception(other)
        return stage_loss(other)
    finally:
        context.close()


def edit_page_1(page) -> None:
    wait_for_grid(page)
    type_into_cell(page, row=3, column="P(cat)", text="0.2")


def edit_page_2(page) -> None:
    fish_slider = page.get_by_role("slider").nth(3)
    with expect_rerun(page):
        fish_slider.press("ArrowRight")


def edit_page_3(page) -> None:
    page.get_by_text("The options PyTorch users meet").wait_for()
    with expect_rerun(page):
        page.get_by_role("radiogroup", name="reduction").get_by_text("sum", exact=True).click()


def edit_page_4(page) -> None:
    field = page.get_by_label("digit 8", exact=True)
    with expect_rerun(page):
        field.fill("-2")
        field.press("Enter")


EDITS = {"cat-vs-dog": edit_page_1, "five-classes": edit_page_2,
         "pytorch-batch": edit_page_3, "mnist-digits": edit_page_4}


@pytest.mark.parametrize("url_path", list(EDITS))
def test_after_an_edit_the_copy_link_is_the_address_bar_and_opens_the_same_loss(
        streamlit_server, page, browser, url_path):
    goto_app(page, f"{streamlit_server}/{url_path}")
    assert_no_streamlit_exception(page)
    before = stage_loss(page)
    EDITS[url_path](page)
    wait_for_streamlit_idle(page)
    after = stage_loss(page)
    assert after != before, "the edit did not change the loss"
    link = copy_link(page)
    assert "?" in link and same_state(link, page.url), (link, page.url)
    assert loss_in_a_fresh_browser(browser, link) == after


def test_moves_replace_the_address_and_a_reset_after_them_clears_it(streamlit_server, page):
    """A move's address goes into the address bar in place of the current history entry
    (ui/live.py: move_address). The reset button's full run lands on the address Streamlit
    itself last sent (the log base's, picked before the moves) and still writes it."""
    open_lesson(page, streamlit_server, "five-classes", charts=2)
    with expect_rerun(page):  # a full run: Streamlit sends the address ?base=2
        page.locator('[data-testid="stSidebar"]').get_by_text("bits").click()
    page.wait_for_function("() => location.search === '?base=2'")
    entries = page.evaluate("() => history.length")
    fish_slider = page.get_by_role("slider").nth(3)
    fish_slider.focus()
    for _ in range(3):
        with expect_rerun(page):
            fish_slider.press("ArrowRight")
    moved = (*FIVE_CLASS_OUTPUTS[:3], 2.42, FIVE_CLASS_OUTPUTS[4])  # fish: 2.39 + 3 steps
    page.wait_for_function("() => location.search.includes('2.42')")
    assert page.evaluate("() => location.search") == (
        "?base=2&x=" + "%2C".join(f"{v:g}" for v in moved))
    assert page.evaluate("() => history.length") == entries  # no entry per move
    assert stage_loss(page) == f"{explain(moved, FIVE_CLASS_TARGET, log_base='2').loss:.4f} bits"
    with expect_rerun(page):
        page.get_by_role("button", name="Reset to the lesson's example").click()
    page.wait_for_function("() => location.search === '?base=2'")
    loss = explain(FIVE_CLASS_OUTPUTS, FIVE_CLASS_TARGET, log_base="2").loss
    assert stage_loss(page) == f"{loss:.4f} bits"
    assert_no_streamlit_exception(page)


def test_opened_through_127_0_0_2_the_copy_link_uses_that_host(browser):
    with run_server("127.0.0.2") as server:
        assert server.startswith("http://127.0.0.2:")
        context = browser.new_context(viewport=VIEWPORT)
        try:
            page = context.new_page()
            goto_app(page, f"{server}/five-classes?T=2")
            assert_no_streamlit_exception(page)
            assert copy_link(page) == f"{server}/five-classes?T=2"
        finally:
            context.close()


def first_request(browser, server: str, url: str):
    """Open ``url`` as the very first visit to ``server``; return the page (context open)."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    goto_app(page, url)
    page.wait_for_timeout(500)  # a dialog arrives with the first run's messages
    return context, page


def test_a_fresh_servers_first_request_may_be_a_deep_link(browser):
    """Started as ``make run`` starts it, the first student's link opens the lesson cleanly.

    (Without the start-up warm-up, Streamlit 1.67 showed the dialog on such a first request
    in two control runs here, but not in a third on a heavily loaded machine, for a reason
    not yet found; so that control run is not kept as a test.)"""
    with run_server(via_make_run=True) as server:
        context, page = first_request(browser, server, f"{server}/five-classes?x=1,2,3,4,5")
        try:
            assert PAGE_NOT_FOUND not in page.inner_text("body")
            assert page.get_by_role("dialog").count() == 0
            page.get_by_text("Five classes: softmax by hand").first.wait_for(state="visible")
            loss = explain([1, 2, 3, 4, 5], FIVE_CLASS_TARGET).loss
            assert stage_loss(page) == f"{loss:.4f} nats"
            assert_no_streamlit_exception(page)
        finally:
            context.close()


def test_make_runs_server_rests_while_a_learner_reads(browser):
    """Started as ``make run`` starts it, with the repo's file watcher, the server uses next to
    no CPU while a learner reads a lesson. (With watchdog's inotify watch of the whole folder,
    .venv/ included, its queue overflowed again and again: 70-100 % of a core, doing nothing.)
    """
    with run_server(via_make_run=True, watch_files=True) as server:
        context, page = first_request(browser, server, f"{server}/five-classes")
        try:
            page.get_by_text("Five classes: softmax by hand").first.wait_for(state="visible")
            page.wait_for_timeout(1500)  # the page's own requests (plotly.js, charts) settle
            pid = SERVER_PIDS[server]
            start, cpu_start = time.monotonic(), loadtest.cpu_seconds([pid])
            page.wait_for_timeout(4000)
            share = (loadtest.cpu_seconds([pid]) - cpu_start) / (time.monotonic() - start)
            assert share < 0.15, f"the idle server used {share:.0%} of a core"
        finally:
            context.close()


@pytest.mark.parametrize("typed, why", [("", "the box is empty"), ("abc", "is not a number"),
                                        ("1e999", "from -10000 to 10000"),
                                        ("99999", "from -10000 to 10000")])
def test_a_bad_number_box_keeps_the_loss_and_says_why_next_to_it(streamlit_server, page,
                                                                 typed, why):
    goto_app(page, f"{streamlit_server}/five-classes")
    preset = f"{explain(FIVE_CLASS_OUTPUTS, FIVE_CLASS_TARGET).loss:.4f} nats"
    assert stage_loss(page) == preset
    box = page.get_by_label("Logit of class 4 (exact value)")
    with expect_rerun(page):
        box.fill(typed)
        box.press("Enter")
    assert_no_streamlit_exception(page)
    assert stage_loss(page) == preset
    message = box_message(page, box, why)
    assert "stays 2.390" in message.inner_text()
    assert "x=" not in page.url  # the link still holds the lesson's logits
