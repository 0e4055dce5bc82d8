"""Page 2 in a real browser: it renders, the keyboard moves a logit, and the loss follows; the
places a move updates in place (ui.live) show what a fresh load of the same link shows."""

from __future__ import annotations

import re

import pytest
from browser_helpers import (
    assert_no_streamlit_exception,
    expect_rerun,
    goto_app,
    readme_screenshot,
)
from lesson_browser import (
    copy_link,
    fresh_page,
    metric_value,
    places_text,
    same_state,
    switch_to_dark,
)
from PIL import Image

from xent_core import explain
from xent_core.lessons import FIVE_CLASS_OUTPUTS, FIVE_CLASS_TARGET

pytestmark = pytest.mark.browser


def shown_loss(page) -> str:
    """The stage's loss (a metric of ui.details), e.g. ``0.1068 nats``."""
    return metric_value(page)


def open_five_classes(page, server: str, query: str = "") -> None:
    goto_app(page, f"{server}/five-classes{query}")
    assert_no_streamlit_exception(page)
    page.get_by_text("Softmax by hand", exact=False).first.wait_for(timeout=10_000)
    page.locator('[data-testid="xent-chart"]').nth(1).wait_for(timeout=30_000)


def test_the_keyboard_moves_a_logit_and_the_loss_follows(streamlit_server, page):
    open_five_classes(page, streamlit_server)
    preset = explain(FIVE_CLASS_OUTPUTS, FIVE_CLASS_TARGET)
    assert shown_loss(page) == f"{preset.loss:.4f} nats"

    # Fish's slider (the 4th) up by three keyboard steps of 0.01: 2.39 -> 2.42.
    fish_slider = page.get_by_role("slider").nth(3)
    for _ in range(3):
        with expect_rerun(page):
            fish_slider.press("ArrowRight")
    moved = [*FIVE_CLASS_OUTPUTS]
    moved[3] = 2.42
    assert shown_loss(page) == f"{explain(moved, FIVE_CLASS_TARGET).loss:.4f} nats"
    # The number box follows the slider, and the link holds the new value.
    fish_box = page.get_by_label("Logit of class 4 (exact value)")
    assert fish_box.input_value() == "2.42"
    assert re.search(r"x=[^&]*2\.42", page.url)
    assert_no_streamlit_exception(page)

    # Typing in the number box moves the slider and the loss too.
    with expect_rerun(page):
        fish_box.fill("1000")
        fish_box.press("Enter")
    page.get_by_text("The by-hand route overflows", exact=False).wait_for(timeout=10_000)
    moved[3] = 1000.0
    assert shown_loss(page) == f"{explain(moved, FIVE_CLASS_TARGET).loss:.4f} nats"
    assert_no_streamlit_exception(page)


@pytest.mark.parametrize("query", ["", "?present=1"], ids=["plain", "presenter"])
def test_moves_update_every_place_as_a_fresh_load_of_their_link_draws_it(
        streamlit_server, page, browser, query):
    open_five_classes(page, streamlit_server, query)
    before = places_text(page, charts=2)
    fish_slider = page.get_by_role("slider").nth(3)
    for _ in range(2):  # fish 2.39 -> 2.41
        with expect_rerun(page):
            fish_slider.press("ArrowRight")
    for label, typed in (("Logit of class 1 (exact value)", "5"),  # cat above fish
                         ("Logit of class 5 (exact value)", "1000")):  # exp(1000) overflows
        box = page.get_by_label(label)
        with expect_rerun(page):
            box.fill(typed)
            box.press("Enter")
    moved = places_text(page, charts=2)
    assert moved != before
    logits = [5.0, -1.63, -2.75, 2.41, 1000.0]
    assert shown_loss(page) == f"{explain(logits, FIVE_CLASS_TARGET).loss:.4f} nats"
    assert {large for large, _ in moved["details"]} == {query == "?present=1"}
    text = "\n".join(shown for _, shown in moved["details"])
    assert "The top class is building: wrong." in text  # the stage's verdict
    assert "The by-hand route overflows." in text  # the callout in the table's place
    assert "Take a step to watch the loss fall from" in text
    assert len(moved["charts"]) == 2 and "building" in moved["charts"][0][1]
    link = copy_link(page)
    assert same_state(link, page.url), (link, page.url)
    with fresh_page(browser, link) as fresh:
        fresh.locator('[data-testid="xent-chart"] .main-svg').nth(1).wait_for()
        assert places_text(fresh, charts=2) == moved
        fresh_loss = metric_value(fresh)
    assert shown_loss(page) == fresh_loss

    # A theme switch draws every place again from the data it holds: the last move's.
    switch_to_dark(page)
    assert places_text(page, charts=2) == moved
    assert_no_streamlit_exception(page)


def test_screenshot_of_the_lesson_example_after_ten_steps(streamlit_server, page):
    open_five_classes(page, streamlit_server)
    with expect_rerun(page):
        page.get_by_role("button", name="Take 10 steps").click()
    page.locator('[data-testid="xent-chart"]').nth(2).wait_for(timeout=10_000)
    assert "10 step(s) so far" in page.inner_text("body")
    assert_no_streamlit_exception(page)
    readme_screenshot(page, "five_classes")


BARS_JS = """
(chart) => [...chart.querySelectorAll('.bars .point path')].map(path => {
  const height = /v(-?[\\d.]+)/.exec(path.getAttribute('d'));
  return { height: Math.abs(parseFloat(height[1])), fill: path.getAttribute('fill'),
           stroke: path.getAttribute('stroke-width') };
})
"""


def test_the_charts_are_svg_with_the_lessons_numbers_hover_png_and_full_screen(
        streamlit_server, page, tmp_path):
    open_five_classes(page, streamlit_server)
    preset = explain(FIVE_CLASS_OUTPUTS, FIVE_CLASS_TARGET)
    chart = page.locator('[data-testid="xent-chart"]').nth(1)  # the probabilities
    # drawn: its script (static/live_chart.js, loaded once per tab) has run, naming it too
    chart.locator("svg.main-svg").wait_for(timeout=30_000)
    assert chart.get_attribute("aria-label").startswith("Softmax probabilities p")
    bars = chart.locator("svg.main-svg").evaluate(BARS_JS)
    assert len(bars) == 5
    tallest = max(bar["height"] for bar in bars)
    top = max(preset.probabilities)
    for bar, p in zip(bars, preset.probabilities, strict=True):  # heights in proportion to p
        assert bar["height"] / tallest == pytest.approx(p / top, abs=0.01)
    assert [bar["stroke"] for bar in bars].count("3") == 1 and bars[3]["stroke"] == "3"
    assert chart.locator(".xtick text").all_text_contents() == [
        "cat", "dog", "plane", "fish", "building"]
    assert chart.locator(".bartext text").all_text_contents() == [
        f"{p:.3f}" for p in preset.probabilities]
    # a screen reader hears the chart's name (the figure's), then every bar's value
    assert chart.get_by_role("img").get_attribute("aria-label") == ", ".join(
        f"{name}: {p:.3f}" for name, p in zip(
            ["cat", "dog", "plane", "fish", "building"], preset.probabilities, strict=True))

    # Hovering a bar names its class and gives the probability to 4 decimals.
    chart.locator(".bars .point").nth(3).hover()
    tip = chart.locator(".xent-chart-tip")
    tip.wait_for(state="visible")
    assert tip.inner_text() == f"fish: {preset.probabilities[3]:.4f}"

    # A move redraws the same chart with the new numbers.
    with expect_rerun(page):
        page.get_by_role("slider").nth(3).press("ArrowRight")
    moved = [*FIVE_CLASS_OUTPUTS]
    moved[3] = round(moved[3] + 0.01, 2)
    after = explain(moved, FIVE_CLASS_TARGET).probabilities
    page.wait_for_function(
        "(text) => document.querySelectorAll('[data-testid=\"xent-chart\"]')[1]"
        ".querySelectorAll('.bartext text')[3].textContent === text", arg=f"{after[3]:.3f}")

    # The toolbar: a PNG of the chart at twice its size, named after the page and chart.
    chart.hover()
    with page.expect_download() as download:
        chart.get_by_role("button", name="Download plot as PNG").click()
    assert download.value.suggested_filename == (
        "five-classes-softmax-probabilities-p-they-add-up.png")
    saved = tmp_path / "chart.png"
    download.value.save_as(saved)
    width = float(chart.locator("svg.main-svg").get_attribute("width"))
    with Image.open(saved) as image:
        assert image.format == "PNG" and image.width == pytest.approx(2 * width, abs=2)

    chart.get_by_role("button", name="Full screen").click()
    page.wait_for_function("() => document.fullscreenElement"
                           " && document.fullscreenElement.dataset.testid === 'xent-chart'")
    page.evaluate("() => document.exitFullscreen()")
    assert_no_streamlit_exception(page)
