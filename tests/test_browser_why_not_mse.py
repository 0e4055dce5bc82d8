"""Page 5 in a real browser: the keyboard moves a logit and the three losses follow, the copy
link reopens the same state, and the stage fits the first screen."""

from __future__ import annotations

import pytest
from browser_helpers import assert_no_streamlit_exception, expect_rerun, readme_screenshot
from lesson_browser import (
    STAGE_SIZES,
    assert_moves_show_what_a_fresh_load_shows,
    assert_stage_fits,
    box_message,
    copy_link,
    fresh_page,
    metric_value,
    open_lesson,
    places_shown,
    same_state,
)

from xent_core.lessons import why_not_mse
from xent_core.lessons.why_not_mse import PRESETS

pytestmark = pytest.mark.browser

START = PRESETS["confidently wrong"]


def details_metric(page, label: str) -> str:
    """The value of the metric ``label`` beside the stage's loss (a ui.details element)."""
    metric = page.locator('[data-testid="xent-details"] .xd-metric').filter(has_text=label)
    return metric.locator(".xd-metric-value").inner_text().strip()


def expected(logits, target=0) -> str:
    return f"{why_not_mse(logits, target).cross_entropy.loss:.4f} nats"


def test_the_keyboard_moves_the_true_logit_and_the_loss_follows(streamlit_server, page):
    open_lesson(page, streamlit_server, "why-not-mse")
    assert metric_value(page) == expected(START[0]) == "9.0183 nats"
    cat_slider = page.get_by_role("slider").first
    cat_slider.focus()
    for _ in range(3):
        with expect_rerun(page):
            page.keyboard.press("ArrowRight")
    moved = [-3.97, 5.0, 1.0]
    assert metric_value(page) == expected(moved)
    assert details_metric(page, "MSE on probabilities") == f"{why_not_mse(moved, 0).mse.loss:.4f}"
    assert "x=-3.97" in page.url

    # The exact-value box: type, press Enter, the slider and the loss follow.
    box = page.get_by_role("textbox", name="Logit of cat (exact)")
    with expect_rerun(page):
        box.fill("6")
        box.press("Enter")
    assert metric_value(page) == expected([6.0, 5.0, 1.0])
    assert cat_slider.input_value() == "6"
    assert_no_streamlit_exception(page)


def test_the_copy_link_reopens_the_same_state_in_a_fresh_browser(streamlit_server, page,
                                                                  browser):
    open_lesson(page, streamlit_server, "why-not-mse")
    with expect_rerun(page):
        page.get_by_test_id("stRadio").get_by_text("dog", exact=True).click()
    box = page.get_by_role("textbox", name="Logit of bird (exact)")
    with expect_rerun(page):
        box.fill("2.5")
        box.press("Enter")
    loss = metric_value(page)
    assert loss == f"{why_not_mse([-4.0, 5.0, 2.5], 1).cross_entropy.loss:.4f} nats"
    link = copy_link(page)
    assert same_state(link, page.url), (link, page.url)
    assert link.startswith(streamlit_server)

    with fresh_page(browser, link) as other:
        assert metric_value(other) == loss
        assert not other.get_by_text("Page not found").count()


@pytest.mark.parametrize("size", STAGE_SIZES, ids=lambda s: f"{s['width']}x{s['height']}")
def test_the_stage_fits_the_first_screen(streamlit_server, page, size):
    open_lesson(page, streamlit_server, "why-not-mse")
    assert_stage_fits(page, size)


def test_screenshot_of_the_confidently_wrong_story(streamlit_server, page):
    open_lesson(page, streamlit_server, "why-not-mse", charts=3)
    assert_no_streamlit_exception(page)
    readme_screenshot(page, "why_not_mse")


@pytest.mark.parametrize("typed", ["abc", "1e999"])
def test_a_bad_typed_logit_keeps_the_loss_and_says_why(streamlit_server, page, typed):
    open_lesson(page, streamlit_server, "why-not-mse")
    before = metric_value(page)
    box = page.get_by_role("textbox", name="Logit of dog (exact)")
    with expect_rerun(page):
        box.fill(typed)
        box.press("Enter")
    message = box_message(page, box, "was not used")
    assert "the logit of dog stays 5.000" in message.inner_text()
    assert box.input_value() == typed  # the text stays in the box, beside its message
    assert metric_value(page) == before == "9.0183 nats"
    assert "x=" not in page.url


def test_moves_update_every_place_as_a_fresh_load_of_the_link_draws_it(streamlit_server, page,
                                                                       browser):
    # A move reruns the lesson fragment alone; the three charts, the losses, the table, the
    # race and the PyTorch code are updated in place by its moves element (ui.live).
    open_lesson(page, streamlit_server, "why-not-mse")
    before = places_shown(page)
    page.get_by_role("slider").first.focus()
    for _ in range(4):
        with expect_rerun(page):
            page.keyboard.press("ArrowRight")
    moved = places_shown(page)
    assert {key for key in moved if moved[key] != before[key]} == {
        "mse.fig.sweep", "mse.loss", "mse.details.losses", "mse.details.table", "mse.fig.grad",
        "mse.fig.race", "mse.details.race", "mse.details.code"}
    assert "3.96<" in moved["mse.details.code"]  # x = [-3.96, 5, 1]: 4 steps of 0.01
    assert_moves_show_what_a_fresh_load_shows(page, browser, moved)
