"""Classroom screens in a real browser: charts follow a dark page, presenter mode is large
enough to project, the chart toolbar downloads a named PNG."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from browser_helpers import (
    README_SCREENSHOTS,
    assert_no_streamlit_exception,
    goto_app,
    readme_screenshot,
    wait_for_streamlit_idle,
)

from ui.colors import contrast_ratio

pytestmark = pytest.mark.browser

# url paths of the lesson pages in app.py
LESSON_PATHS = ("cat-vs-dog", "five-classes", "pytorch-batch", "mnist-digits")

CHART_COLOURS_JS = """
() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].map(chart => {
  const svg = chart.querySelector('svg.main-svg');
  const tick = chart.querySelector('.xtick text, .ytick text');
  const outline = chart.querySelector('.bars .point path');
  return {
    background: svg ? getComputedStyle(svg).backgroundColor : null,
    tick: tick ? getComputedStyle(tick).fill : null,
    tickSize: tick ? parseFloat(getComputedStyle(tick).fontSize) : null,
  };
})
"""

PAGE_BACKGROUND_JS = (
    "() => getComputedStyle(document.querySelector('[data-testid=\"stApp\"]')).backgroundColor")


def rgb_hex(css: str) -> str:
    r, g, b = (int(v) for v in re.findall(r"\d+", css)[:3])
    return f"#{r:02X}{g:02X}{b:02X}"


def is_dark(css: str) -> bool:
    return contrast_ratio(rgb_hex(css), "#000000") < 3.0


def open_lesson(browser, server: str, path: str, **context_options):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, **context_options)
    page = context.new_page()
    goto_app(page, server)  # a fresh server learns its page paths on the first run
    goto_app(page, f"{server}/{path}")
    page.locator('[data-testid="stPlotlyChart"] svg.main-svg').first.wait_for(state="visible",
                                                                      timeout=90_000)
    page.wait_for_timeout(500)
    wait_for_streamlit_idle(page)
    assert_no_streamlit_exception(page)
    return context, page


@pytest.mark.parametrize("path", LESSON_PATHS)
def test_every_chart_is_dark_on_a_dark_page(streamlit_server, browser, path):
    context, page = open_lesson(browser, streamlit_server, path, color_scheme="dark")
    try:
        assert is_dark(page.evaluate(PAGE_BACKGROUND_JS)), "the page did not turn dark"
        charts = page.evaluate(CHART_COLOURS_JS)
        assert charts, "no chart on the page"
        for n, chart in enumerate(charts):
            assert chart["background"] and is_dark(chart["background"]), (n, chart)
            if chart["tick"]:
                ratio = contrast_ratio(rgb_hex(chart["tick"]), rgb_hex(chart["background"]))
                assert ratio >= 4.5, (n, chart, ratio)
    finally:
        context.close()


def test_charts_stay_light_on_a_light_page(streamlit_server, browser):
    context, page = open_lesson(browser, streamlit_server, "five-classes", color_scheme="light")
    try:
        for chart in page.evaluate(CHART_COLOURS_JS):
            assert not is_dark(chart["background"]), chart
            assert contrast_ratio(rgb_hex(chart["tick"]), rgb_hex(chart["background"])) >= 4.5
    finally:
        context.close()


def test_the_true_class_outline_turns_light_on_a_dark_page(streamlit_server, browser):
    context, page = open_lesson(browser, streamlit_server, "five-classes", color_scheme="dark")
    try:
        strokes = page.evaluate("""() => [...document.querySelectorAll(
            '[data-testid="stPlotlyChart"] .bars .point path')]
            .map(p => [getComputedStyle(p).stroke, parseFloat(getComputedStyle(p).strokeWidth)])
            .filter(([stroke, width]) => width >= 2).map(([stroke]) => stroke)""")
        assert strokes, "no outlined bar"
        for stroke in strokes:
            assert not is_dark(stroke), f"outline {stroke} is lost on the dark background"
    finally:
        context.close()


TEXT_SIZES_JS = """
() => {
  const size = el => parseFloat(getComputedStyle(el).fontSize);
  const main = document.querySelector('[data-testid="stMain"]');
  const visible = el => el.getClientRects().length > 0;
  const body = [...main.querySelectorAll('[data-testid="stMarkdownContainer"] p')]
    .filter(visible).filter(el => el.innerText.trim().length > 20);
  const metrics = [...main.querySelectorAll('[data-testid="stMetricValue"] *')]
    .filter(visible).filter(el => el.innerText.trim().length > 0);
  const ticks = [...main.querySelectorAll('[data-testid="stPlotlyChart"] .xtick text,'
                                         + '[data-testid="stPlotlyChart"] .ytick text')];
  return {
    body: body.map(size), metrics: metrics.map(size), ticks: ticks.map(size),
    captions: [...main.querySelectorAll('[data-testid="stCaptionContainer"]')]
      .filter(visible).length,
    sidebarWidth: document.querySelector('[data-testid="stSidebar"]')
      .getBoundingClientRect().width,
  };
}
"""


@pytest.mark.parametrize("path", LESSON_PATHS)
def test_presenter_mode_link_makes_text_numbers_and_ticks_at_least_20_px(streamlit_server,
                                                                        browser, path):
    context, page = open_lesson(browser, streamlit_server, f"{path}?present=1")
    try:
        sizes = page.evaluate(TEXT_SIZES_JS)
        assert sizes["body"] and min(sizes["body"]) >= 20, sizes["body"]
        assert sizes["ticks"] and min(sizes["ticks"]) >= 20, sizes["ticks"]
        if sizes["metrics"]:  # the numbers a class reads from the back row: larger still
            assert min(sizes["metrics"]) >= 40, sizes["metrics"]
        assert sizes["captions"] == 0, "secondary captions should be folded away"
        assert page.get_by_role("switch", name="Presenter mode").is_checked()
        assert page.get_by_test_id("stSidebar").get_attribute("data-collapsed") == "true"
        assert "present=1" in page.url
        if path == "five-classes":
            readme_screenshot(page, "five_classes_presenter")
    finally:
        context.close()


def test_presenter_toggle_collapses_the_sidebar_and_writes_the_link(streamlit_server, browser):
    context, page = open_lesson(browser, streamlit_server, "five-classes")
    try:
        before = page.evaluate(TEXT_SIZES_JS)
        assert min(before["ticks"]) < 20  # the laptop size, so the test below means something
        sidebar = page.get_by_test_id("stSidebar")
        assert sidebar.get_attribute("data-collapsed") == "false"
        toggle = sidebar.get_by_role("switch", name="Presenter mode")
        toggle.focus()  # by keyboard, as a teacher at a lectern might
        page.keyboard.press("Space")
        page.wait_for_timeout(300)
        wait_for_streamlit_idle(page)
        assert "present=1" in page.url
        after = page.evaluate(TEXT_SIZES_JS)
        assert min(after["ticks"]) >= 20 and min(after["body"]) >= 20
        assert sidebar.get_attribute("data-collapsed") == "true", "the sidebar stayed open"
    finally:
        context.close()


def test_a_chart_downloads_as_a_png_named_after_the_chart(streamlit_server, browser):
    context, page = open_lesson(browser, streamlit_server, "five-classes")
    try:
        chart = page.locator('[data-testid="stPlotlyChart"]').nth(1)
        chart.hover()
        button = chart.locator('.modebar-btn[data-title^="Download plot"]')
        button.wait_for(state="visible")
        with page.expect_download() as download:
            button.click()
        assert download.value.suggested_filename == (
            "five-classes-softmax-probabilities-p-they-add-up.png")
    finally:
        context.close()


# --------------------------------------------------------------------------------- phones

PHONE = {"width": 390, "height": 844}


def phone_screenshot(page, name: str) -> Path:
    """The first two phone screens of a page, for the README (``make screenshots`` writes to
    docs/screenshots/, a plain test run to tests/artifacts/)."""
    page.set_viewport_size({"width": PHONE["width"], "height": 2 * PHONE["height"]})
    page.wait_for_timeout(800)  # Plotly re-lays out at the new size
    wait_for_streamlit_idle(page)
    update = os.environ.get("XENT_UPDATE_SCREENSHOTS") == "1"
    directory = README_SCREENSHOTS if update else Path(__file__).parent / "artifacts"
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.png"
    page.screenshot(path=str(path))
    assert path.stat().st_size > 20_000, f"screenshot {path} looks empty"
    return path


def open_on_phone(browser, server: str, path: str):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    goto_app(page, server)
    if path:
        goto_app(page, f"{server}/{path}")
    page.wait_for_timeout(500)
    wait_for_streamlit_idle(page)
    assert_no_streamlit_exception(page)
    return context, page


def test_the_lesson_cards_read_1_2_3_4_on_a_phone(streamlit_server, browser):
    context, page = open_on_phone(browser, streamlit_server, "")
    try:
        links = page.get_by_test_id("stPageLink").filter(has_text=re.compile(r"^\d · "))
        tops = {text.strip()[0]: box["y"] for text, box in zip(
            links.all_inner_texts(), [link.bounding_box() for link in links.all()], strict=True)}
        assert sorted(tops, key=tops.get) == ["1", "2", "3", "4"], tops
    finally:
        context.close()


def test_the_mnist_score_against_strip_shows_every_digit_on_a_phone(streamlit_server, browser):
    context, page = open_on_phone(browser, streamlit_server, "mnist-digits")
    try:
        group = page.get_by_test_id("stButtonGroup").filter(has_text="✓")  # the true label
        buttons = [b for b in group.locator("button").all()
                   if re.fullmatch(r"\d( ✓)?", b.inner_text().strip())]
        assert len(buttons) == 10
        for button in buttons:
            box = button.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (
                button.inner_text(), box)
    finally:
        context.close()


@pytest.mark.parametrize("path", LESSON_PATHS)
def test_no_chart_title_is_cut_on_a_phone(streamlit_server, browser, path):
    context, page = open_on_phone(browser, streamlit_server, path)
    try:
        cut = page.evaluate("""() => [...document.querySelectorAll(
              '[data-testid="stPlotlyChart"]')].flatMap(chart => {
            const svg = chart.querySelector('svg.main-svg');
            if (!svg) return [];
            const right = svg.getBoundingClientRect().right;
            return [...chart.querySelectorAll('.gtitle')]
              .filter(t => t.getBoundingClientRect().right > right + 1)
              .map(t => t.textContent);
        })""")
        assert not cut, f"titles wider than their chart at 390 px: {cut}"
        if path == "five-classes":
            phone_screenshot(page, "five_classes_phone")
    finally:
        context.close()
