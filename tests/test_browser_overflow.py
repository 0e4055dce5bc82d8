"""Lesson 7, "Numbers that overflow", in a real browser: the keyboard on the stage, the copy
link round trip, the stage on the first screen, the README screenshot; the places a move
updates in place (ui.live) show what a fresh load of the same link shows."""

from __future__ import annotations

import pytest
from browser_helpers import (
    assert_no_streamlit_exception,
    expect_rerun,
    readme_screenshot,
)
from lesson_browser import (
    STAGE_SIZES,
    assert_stage_fits,
    copy_link,
    fresh_page,
    loss_in_fresh_context,
    metric_value,
    open_lesson,
    places_text,
    same_state,
    switch_to_dark,
)

from ui.text import fmt
from xent_core.lessons import overflow

pytestmark = pytest.mark.browser

PATH = "numbers-that-overflow"


def loss(logits, target=0, shift=0.0) -> str:
    return f"{fmt(overflow(logits, target, shift).float64.loss_log_softmax, 4)} nats"


def test_the_shift_c_is_a_row_under_the_logits_with_its_own_slider(streamlit_server, page):
    """c's row sits in the logits' element, below a line that says what c does; its slider
    runs ±1000 in steps of 1 (the logits': ±100 in steps of 0.1), and the keyboard moves it
    by one step without touching the logits."""
    open_lesson(page, streamlit_server, PATH)
    rows = page.locator('[data-testid="xent-rows"]')
    assert rows.count() == 1
    lead = rows.locator(".xr-lead")
    assert lead.inner_text() == "Add the same c to every logit: softmax should not notice."
    shift = page.get_by_role("slider", name="Shift c (slider)")
    logit = page.get_by_role("slider", name="Logit of class 0 (slider)")
    assert [shift.get_attribute(a) for a in ("min", "max", "step")] == ["-1000", "1000", "1"]
    assert [logit.get_attribute(a) for a in ("min", "max", "step")] == ["-100", "100", "0.1"]
    assert lead.bounding_box()["y"] > logit.bounding_box()["y"]
    assert shift.bounding_box()["y"] > lead.bounding_box()["y"]
    shift.focus()
    for _ in range(2):
        with expect_rerun(page):
            shift.press("ArrowRight")
    page.wait_for_function("() => window.location.search.includes('c=2')")
    assert metric_value(page) == loss([12.0, 10.0, 3.0], shift=2.0)
    assert page.get_by_label("Shift c (exact)").input_value() == "2"
    assert page.get_by_label("Logit of class 0 (exact)").input_value() == "12"
    assert_no_streamlit_exception(page)


def test_the_keyboard_drags_a_logit_and_types_an_exact_one(streamlit_server, page):
    open_lesson(page, streamlit_server, PATH)
    assert metric_value(page) == loss([12.0, 10.0, 3.0])
    slider = page.get_by_role("slider").first  # x0, on the stage
    slider.focus()
    for _ in range(3):
        with expect_rerun(page):
            slider.press("ArrowRight")
    assert metric_value(page) == loss([12.3, 10.0, 3.0])
    assert "x=12.3%2C10%2C3" in page.url

    box = page.get_by_label("Logit of class 1 (exact)")
    with expect_rerun(page):
        box.fill("800")
        box.press("Enter")
    assert metric_value(page) == loss([12.3, 800.0, 3.0])
    # e^800 is infinite even in float64: the by-hand route is NaN in all three precisions.
    page.get_by_text("float64", exact=False).first.wait_for()
    assert page.locator('[data-testid="xent-details"]').filter(
        has_text="float64: by hand NaN").count() == 1
    with expect_rerun(page):
        box.fill("abc")
        box.press("Enter")
    assert metric_value(page) == loss([12.3, 800.0, 3.0])
    assert page.get_by_text("“abc” was not used because it is not a number").count() == 1
    assert_no_streamlit_exception(page)


def test_the_copy_link_is_the_address_bar_and_opens_the_same_loss(streamlit_server, page,
                                                                   browser):
    open_lesson(page, streamlit_server, PATH)
    shift = page.get_by_label("Shift c (exact)")
    with expect_rerun(page):
        shift.fill("700")
        shift.press("Enter")
    with expect_rerun(page):
        page.get_by_role("radiogroup", name="True class").get_by_text("class 2").click()
    page.wait_for_function("() => window.location.search.includes('c=700')")
    link = copy_link(page)
    assert same_state(link, page.url), (link, page.url)
    assert link.startswith(streamlit_server)
    shown = metric_value(page)
    assert shown == loss([12.0, 10.0, 3.0], 2, 700.0)
    assert loss_in_fresh_context(browser, link) == shown


@pytest.mark.parametrize("query", ["", "?present=1"], ids=["plain", "presenter"])
def test_moves_update_every_place_as_a_fresh_load_of_their_link_draws_it(
        streamlit_server, page, browser, query):
    open_lesson(page, streamlit_server, PATH, query)
    box = page.get_by_label("Logit of class 2 (exact)")
    with expect_rerun(page):  # the first move off the example reruns the page
        box.fill("4")
        box.press("Enter")
    before = places_text(page, charts=1)
    slider = page.get_by_role("slider").first  # x0, on the stage
    for _ in range(2):
        with expect_rerun(page):
            slider.press("ArrowRight")
    for label, typed in (("Logit of class 1 (exact)", "800"), ("Shift c (exact)", "-50")):
        box = page.get_by_label(label)
        with expect_rerun(page):
            box.fill(typed)
            box.press("Enter")
    moved = places_text(page, charts=1)
    assert moved != before
    assert metric_value(page) == loss([12.2, 800.0, 4.0], 0, -50.0)
    assert {large for large, _ in moved["details"]} == {query == "?present=1"}
    text = "\n".join(shown for _, shown in moved["details"])
    assert "float64: by hand NaN" in text  # e^750 is infinite even in float64
    assert "c = -50.000." in text  # shift invariance, in the sections below
    assert len(moved["charts"]) == 1
    link = copy_link(page)
    assert same_state(link, page.url), (link, page.url)
    assert "x=12.2%2C800%2C4" in link and "c=-50" in link
    with fresh_page(browser, link) as fresh:
        assert places_text(fresh, charts=1) == moved
        fresh_loss = metric_value(fresh)
    assert metric_value(page) == fresh_loss

    # A theme switch draws every place again from the data it holds: the last move's.
    switch_to_dark(page)
    assert places_text(page, charts=1) == moved
    assert_no_streamlit_exception(page)


@pytest.mark.parametrize("size", STAGE_SIZES, ids=lambda s: f"{s['width']}x{s['height']}")
def test_the_stage_fits_the_first_screen(streamlit_server, page, size):
    open_lesson(page, streamlit_server, PATH)
    assert_stage_fits(page, size)


def test_screenshot_where_float32_breaks(streamlit_server, page):
    open_lesson(page, streamlit_server, PATH, "?x=90,88,3")
    assert metric_value(page) == loss([90.0, 88.0, 3.0])
    readme_screenshot(page, "overflow")
