"""Classroom screens in a real browser: charts follow a dark page, presenter mode is large
enough to project, the chart toolbar downloads a named PNG."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest
from browser_helpers import (
    DEFAULT_TIMEOUT_MS,
    README_SCREENSHOTS,
    assert_no_streamlit_exception,
    goto_app,
    readme_screenshot,
    wait_for_streamlit_idle,
)
from lesson_browser import CONTROLS

from ui.colors import contrast_ratio
from ui.lessons import LESSONS

pytestmark = pytest.mark.browser

# url paths of every lesson page, from the registry (pages added there are checked too)
LESSON_PATHS = tuple(lesson.url_path for lesson in LESSONS)

CHART_COLOURS_JS = """
() => [...document.querySelectorAll('[data-testid="xent-chart"]')].map(chart => {
  const svg = chart.querySelector('svg.main-svg');
  const tick = chart.querySelector('.xtick text, .ytick text');
  const outline = chart.querySelector('.bars .point path');
  const legend = chart.querySelector('.legend rect.bg');
  return {
    background: svg ? getComputedStyle(svg).backgroundColor : null,
    legend: legend ? getComputedStyle(legend).fill : null,
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
    page.locator('[data-testid="xent-chart"] svg.main-svg').first.wait_for(
        state="visible", timeout=DEFAULT_TIMEOUT_MS)  # a loaded machine draws slowly
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
            # a legend box, if any, is transparent or dark (lessons 5-8 once drew white ones)
            assert chart["legend"] is None or is_dark(chart["legend"]), (n, chart)
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
            '[data-testid="xent-chart"] .bars .point path')]
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
  // paragraphs of markdown and of the text a move redraws below the stage (ui/details.py)
  const body = [...main.querySelectorAll('[data-testid="stMarkdownContainer"] p,'
                                         + '[data-testid="xent-details"] p')]
    .filter(visible).filter(el => el.innerText.trim().length > 20);
  const cells = [...main.querySelectorAll('[data-testid="xent-details"] :is(th, td)')]
    .filter(visible).filter(el => el.innerText.trim());
  // the element that draws a metric's number (its innermost element), not its wrapper; the
  // metrics below the stage too (ui/details.py)
  const metrics = [...main.querySelectorAll('[data-testid="stMetricValue"], .xd-metric-value')]
    .filter(visible)
    .map(el => { while (el.firstElementChild) el = el.firstElementChild; return el; });
  const ticks = [...main.querySelectorAll('[data-testid="xent-chart"] .xtick text,'
                                         + '[data-testid="xent-chart"] .ytick text')];
  // every text a chart draws: titles, axis titles, bar and point labels, legends, notes
  const chartText = [...main.querySelectorAll('[data-testid="xent-chart"] svg text')]
    .filter(el => el.textContent.trim() && el.getClientRects().length > 0);
  return {
    body: body.map(size), cells: cells.map(size),
    details: body.filter(el => el.closest('[data-testid="xent-details"]')).length,
    metrics: metrics.map(size), ticks: ticks.map(size),
    chartText: chartText.map(el => [el.textContent.trim().slice(0, 30), size(el)]),
    captions: [...main.querySelectorAll('[data-testid="stCaptionContainer"], .xd-caption')]
      .filter(visible).length,
    sidebarWidth: document.querySelector('[data-testid="stSidebar"]')
      .getBoundingClientRect().width,
  };
}
"""


@pytest.mark.parametrize("path", LESSON_PATHS)
def test_presenter_mode_makes_text_numbers_ticks_and_chart_labels_at_least_20_px(
        streamlit_server, browser, path):
    context, page = open_lesson(browser, streamlit_server, f"{path}?present=1")
    try:
        sizes = page.evaluate(TEXT_SIZES_JS)
        assert sizes["body"] and min(sizes["body"]) >= 20, sizes["body"]
        if path == "five-classes":  # its numbers below the stage are elements of ours
            assert sizes["details"] >= 3, "the text below the stage was not measured"
        if sizes["cells"]:
            assert min(sizes["cells"]) >= 20, sizes["cells"]
        assert sizes["ticks"] and min(sizes["ticks"]) >= 20, sizes["ticks"]
        if sizes["metrics"]:  # the numbers a class reads from the back row: larger still
            assert min(sizes["metrics"]) >= 40, sizes["metrics"]
        small = [(text, px) for text, px in sizes["chartText"] if px < 20]
        assert sizes["chartText"] and not small, f"chart labels under 20 px: {small}"
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
    # A chart Plotly draws, from Plotly's toolbar (the SVG route's own toolbar:
    # tests/test_browser_five_classes.py).
    context, page = open_lesson(browser, streamlit_server, "pytorch-batch")
    try:
        chart = page.locator('[data-testid="xent-chart"]').first  # a heatmap of p
        chart.locator(".js-plotly-plot").wait_for(timeout=60_000)
        chart.hover()
        button = chart.locator('.modebar-btn[data-title^="Download plot"]')
        button.wait_for(state="visible")
        with page.expect_download() as download:
            button.click()
        assert download.value.suggested_filename == "pytorch-batch-p-softmax-x-dim-1.png"
    finally:
        context.close()


# ---------------------------------------------------------------------- the stage, first screen

SCREENS = ({"width": 1366, "height": 768}, {"width": 1920, "height": 1080})
# the stage's first input: whatever a learner moves first (a grid, a slider, a box, a choice)
FIRST_INPUT = ", ".join(['[data-testid="xent-rows"] input', '[data-testid="xent-sheet"]'] + [
    f'[data-testid="{kind}"]' for kind in ("stSlider", "stTextInput",
                                           "stNumberInput", "stButtonGroup", "stRadio",
                                           "stSelectbox")])

STAGE_BOXES_JS = """
(firstInput) => {
  const stage = document.querySelector('[class*="st-key-"][class*="-stage"]');
  if (!stage) return null;
  const box = el => {
    if (!el) return null;
    const r = el.getBoundingClientRect();
    return {x: r.x, y: r.y, right: r.right, bottom: r.bottom, height: r.height};
  };
  return {
    "first input": box(stage.querySelector(firstInput)),
    "main chart": box(stage.querySelector('[data-testid="xent-chart"]')),
    "loss": box(stage.querySelector('[data-testid="stMetric"], .xd-metric')),
  };
}
"""


def settled_stage_boxes(page, timeout_s: float = 30) -> dict:
    """The stage's first input, main chart and loss, once a re-layout has finished: the same
    boxes (Plotly and the grid re-lay out after a resize) in two reads 250 ms apart."""
    wait_for_streamlit_idle(page)
    deadline = time.monotonic() + timeout_s
    last = None
    while True:
        boxes = page.evaluate(STAGE_BOXES_JS, FIRST_INPUT)
        drawn = boxes is not None and all(box and box["height"] > 0 for box in boxes.values())
        if (drawn and boxes == last) or time.monotonic() > deadline:
            return boxes
        last = boxes if drawn else None
        page.wait_for_timeout(250)


@pytest.mark.parametrize("mode", ["laptop", "presenter"])
@pytest.mark.parametrize("path", LESSON_PATHS)
def test_the_stage_lies_within_the_first_screen(streamlit_server, browser, path, mode):
    """At 1366x768 and 1920x1080, presenter mode off and on: the first input, the main chart
    and the loss lie within the first viewport, nothing cut at any edge."""
    query = "?present=1" if mode == "presenter" else ""
    context, page = open_lesson(browser, streamlit_server, f"{path}{query}")
    try:
        outside = {}
        for screen in SCREENS:
            page.set_viewport_size(screen)
            boxes = settled_stage_boxes(page)
            assert boxes is not None, f"/{path} has no stage"
            for name, box in boxes.items():
                if box is None or not (box["x"] >= 0 and box["y"] >= 0
                                       and box["right"] <= screen["width"]
                                       and box["bottom"] <= screen["height"]):
                    outside[f"{name} at {screen['width']}x{screen['height']}"] = box
        assert not outside, f"/{path}{query}: outside the first screen: {outside}"
        assert_no_streamlit_exception(page)
    finally:
        context.close()


# --------------------------------------------------------------------------------- phones

PHONE = {"width": 390, "height": 844}
# Chrome on an Android phone: the app lays a few things out for phones by their User-Agent
PHONE_USER_AGENT = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like "
                    "Gecko) Chrome/131.0.0.0 Mobile Safari/537.36")


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
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True,
                                  user_agent=PHONE_USER_AGENT)
    page = context.new_page()
    goto_app(page, server)
    if path:
        goto_app(page, f"{server}/{path}")
    page.wait_for_timeout(500)
    wait_for_streamlit_idle(page)
    assert_no_streamlit_exception(page)
    return context, page


def test_the_lesson_cards_read_in_the_registry_order_on_a_phone(streamlit_server, browser):
    context, page = open_on_phone(browser, streamlit_server, "")
    try:
        links = page.get_by_test_id("stMain").get_by_test_id("stPageLink")
        tops = {}
        for lesson in LESSONS:
            card = links.filter(has_text=lesson.title)
            assert card.count() == 1, f"{lesson.title}: {card.count()} cards on the home page"
            tops[lesson.title] = card.bounding_box()["y"]
        assert sorted(tops, key=tops.get) == [lesson.title for lesson in LESSONS], tops
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
              '[data-testid="xent-chart"]')].flatMap(chart => {
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


# What a learner moves first on a stage: page 1 starts with a radio and its spreadsheet.
STAGE_CONTROLS = f'{CONTROLS}, [data-testid="stRadio"], [data-testid="xent-sheet"]'
# Bottom edges (page coordinates) of the stage's first control, main chart and loss: the
# stage's three columns are controls, charts and loss, whatever order a phone shows them in.
STAGE_BOTTOMS_JS = """(controlSelector) => {
  const row = document.querySelector('.st-key-lesson-stage > [data-testid="stLayoutWrapper"]'
                                     + ' > [data-testid="stHorizontalBlock"]');
  const [controls, charts, loss] = [...row.children];
  const bottom = (column, selector) => {
    const found = column.querySelector(selector);
    return found ? found.getBoundingClientRect().bottom + window.scrollY : null;
  };
  return {
    'first control': bottom(controls, controlSelector),
    'main chart': bottom(charts, '[data-testid="xent-chart"]'),
    'loss': bottom(loss, '[data-testid="stMetric"], .xd-metric'),
  };
}"""


@pytest.mark.parametrize("path", LESSON_PATHS)
def test_the_stage_lies_within_two_phone_screens(streamlit_server, browser, path):
    context, page = open_on_phone(browser, streamlit_server, path)
    try:
        page.locator('[data-testid="xent-chart"] svg.main-svg').first.wait_for(
            state="visible", timeout=DEFAULT_TIMEOUT_MS)
        page.wait_for_timeout(500)  # Plotly lays out at the phone's width
        bottoms = page.evaluate(STAGE_BOTTOMS_JS, STAGE_CONTROLS)
        for name, bottom in bottoms.items():
            assert bottom is not None, f"{path}: no {name} on the stage"
            assert bottom <= 2 * PHONE["height"], (
                f"{path}: the {name} ends at y {bottom:.0f}, below two phone screens "
                f"({2 * PHONE['height']} px)")
    finally:
        context.close()


def grid_headers(page) -> list[str]:
    """The spreadsheet's column headers, left to right."""
    headers = page.get_by_test_id("xent-sheet").locator("thead th")
    headers.first.wait_for(state="attached", timeout=DEFAULT_TIMEOUT_MS)
    return [header.inner_text().strip() for header in headers.all()]


def test_the_spreadsheet_shows_the_label_and_the_losses_first_on_a_phone(streamlit_server,
                                                                        browser):
    context, page = open_on_phone(browser, streamlit_server, "cat-vs-dog")
    try:
        shown = grid_headers(page)
        assert shown[:4] == ["row", "label", "E · one-hot sum", "F · “if” form"], shown
    finally:
        context.close()


def test_the_spreadsheet_keeps_its_column_order_on_a_wide_screen(streamlit_server, browser):
    context, page = open_lesson(browser, streamlit_server, "cat-vs-dog")
    try:
        shown = grid_headers(page)
        assert shown[:4] == ["row", "label", "A · P(cat)", "B · P(dog)"], shown
    finally:
        context.close()
