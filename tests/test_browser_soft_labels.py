"""Lesson 8, "Soft labels, entropy and KL", in a real browser: the keyboard on the stage, the
target editor's message, the fitted temperature, the copy link round trip, after moves the
same charts and numbers as a fresh load of the link (after a theme switch and in presenter mode
too), the stage on the first screen, the README screenshot."""

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
from xent_core.lessons import soft_labels
from xent_core.lessons.soft_labels import PRESETS

pytestmark = pytest.mark.browser

PATH = "soft-labels"
LOGITS = PRESETS["one-hot"][0]

def loss(target=3, smoothing=0.1, temperature=1.0) -> str:
    view = soft_labels(LOGITS, target, smoothing, temperature)
    return f"{fmt(view.cross_entropy, 4)} nats"


def metric(page, label: str) -> str:
    """A metric's value: Streamlit's (calibration) or a details element's (under the loss)."""
    box = page.locator('[data-testid="stMetric"], .xent-details .xd-metric').filter(
        has_text=label).first
    return box.locator('[data-testid="stMetricValue"], .xd-metric-value').inner_text().strip()


def test_the_keyboard_moves_label_smoothing_and_the_loss_follows(streamlit_server, page):
    open_lesson(page, streamlit_server, PATH)
    assert metric_value(page) == loss() == "0.4321 nats"
    slider = page.get_by_role("slider").first  # label smoothing, on the stage
    slider.focus()
    for _ in range(2):
        with expect_rerun(page):
            slider.press("ArrowRight")
    assert metric_value(page) == loss(smoothing=0.12)
    assert "ls=0.12" in page.url
    lowest = soft_labels(LOGITS, 3, 0.12).lowest_loss
    assert metric(page, "Entropy H(p) = lowest reachable loss") == f"{fmt(lowest, 4)} nats"
    assert_no_streamlit_exception(page)


def test_a_target_that_does_not_add_up_says_so_and_keeps_the_loss(streamlit_server, page):
    open_lesson(page, streamlit_server, PATH)
    with expect_rerun(page):
        page.get_by_text("probabilities", exact=True).click()
    box = page.get_by_label("p(cat)")
    with expect_rerun(page):
        box.fill("0.5")
        box.press("Enter")
    page.get_by_text("these add up to 1.5").wait_for()
    assert metric_value(page) == loss()
    fish = page.get_by_label("p(fish)")
    with expect_rerun(page):
        fish.fill("0.5")
        fish.press("Enter")
    assert metric_value(page) == loss(target=(0.5, 0, 0, 0.5, 0))
    assert page.get_by_text("add up to").count() == 0


def test_the_fitted_temperature_keeps_accuracy(streamlit_server, page):
    open_lesson(page, streamlit_server, PATH)
    accuracy = metric(page, "Accuracy")
    view = soft_labels(LOGITS, 3)
    with expect_rerun(page):
        page.get_by_role("button", name="Use the fitted temperature").click()
    fitted = soft_labels(LOGITS, 3, calibration_temperature=round(view.fitted_temperature, 2))
    assert metric(page, "Mean NLL") == fmt(fitted.nll, 4)
    assert metric(page, "Accuracy") == accuracy == "89.4 %"
    assert f"Tc={round(view.fitted_temperature, 2):g}" in page.url


def test_the_copy_link_is_the_address_bar_and_opens_the_same_loss(streamlit_server, page,
                                                                   browser):
    open_lesson(page, streamlit_server, PATH)
    with expect_rerun(page):
        page.get_by_role("radiogroup", name="True class").get_by_text("dog").click()
    temperature = page.get_by_role("slider").nth(1)
    temperature.focus()
    with expect_rerun(page):
        temperature.press("ArrowRight")
    page.wait_for_function("() => window.location.search.includes('T=1.05')")
    link = copy_link(page)
    assert same_state(link, page.url), (link, page.url)
    shown = metric_value(page)
    assert shown == loss(target=1, temperature=1.05)
    assert loss_in_fresh_context(browser, link) == shown


@pytest.mark.parametrize("query", ["", "?present=1"], ids=["laptop", "presenter"])
def test_after_moves_every_chart_and_number_is_what_the_link_opens(streamlit_server, page,
                                                                   browser, query):
    """The stage's sliders and the logits' rows below rerun the lesson alone and update the
    charts and numbers in their places: the page then shows what a fresh load of its link
    shows, and still does after the theme changes (each place redraws what the last move
    sent it, not its first run's data)."""
    open_lesson(page, streamlit_server, PATH + query, charts=2)
    smoothing, temperature = page.get_by_role("slider").nth(0), page.get_by_role("slider").nth(1)
    smoothing.focus()
    for _ in range(3):  # the first move leaves the example (the page reruns), then moves
        with expect_rerun(page):
            smoothing.press("ArrowRight")
    temperature.focus()
    with expect_rerun(page):
        temperature.press("ArrowLeft")
    box = page.get_by_role("textbox", name="Logit of dog (exact)")
    with expect_rerun(page):
        box.fill("2.5")
        box.press("Enter")
    logits = list(LOGITS)
    logits[1] = 2.5
    view = soft_labels(logits, 3, 0.13, 0.95)
    assert metric_value(page) == f"{fmt(view.cross_entropy, 4)} nats"
    assert metric(page, "KL(p‖q)") == f"{fmt(view.kl_divergence, 4)} nats"
    assert_no_streamlit_exception(page)
    moved = places_text(page, charts=4)
    link = copy_link(page)
    assert same_state(link, page.url), (link, page.url)
    with fresh_page(browser, link) as other:
        assert places_text(other, charts=4) == moved
    switch_to_dark(page)
    assert places_text(page, charts=4) == moved


@pytest.mark.parametrize("size", STAGE_SIZES, ids=lambda s: f"{s['width']}x{s['height']}")
def test_the_stage_fits_the_first_screen(streamlit_server, page, size):
    open_lesson(page, streamlit_server, PATH)
    assert_stage_fits(page, size)


def test_screenshot_of_a_soft_target(streamlit_server, page):
    open_lesson(page, streamlit_server, PATH, "?p=0.1,0.1,0,0.6,0.2&ls=0&Tc=0.93")
    page.locator('[data-testid="xent-chart"] .main-svg').nth(3).wait_for()
    readme_screenshot(page, "soft_labels")
