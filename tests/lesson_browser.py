"""Browser checks every lesson stage shares: open a lesson, read its loss, its copy link (also
in a fresh browser), and whether the stage (first control, main chart, loss) lies within the
first screen. App-specific, so kept out of ``browser_helpers``; used by the browser tests of
lessons 5 to 8."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

from browser_helpers import (
    assert_no_streamlit_exception,
    goto_app,
    install_run_tracker,
    wait_for_streamlit_idle,
)

if TYPE_CHECKING:  # playwright is only imported by the fixtures that need it
    from playwright.sync_api import Page

STAGE_SIZES = ({"width": 1366, "height": 768}, {"width": 1920, "height": 1080})
CHART = '[data-testid="xent-chart"]'
# A metric: Streamlit's, or one of ui.details (the stage's loss, drawn in place by moves).
METRIC = '[data-testid="stMetric"], .xd-metric'
METRIC_VALUE = '[data-testid="stMetricValue"], .xd-metric-value'
# what a learner moves first: a slider, a story's buttons, a box or a list of examples
CONTROLS = ('[data-testid="xent-rows"] input, [data-testid="stSlider"], '
            '[data-testid="stButtonGroup"], [data-testid="stTextInput"], '
            '[data-testid="stNumberInput"], [data-testid="stSelectbox"]')


def open_lesson(page, server: str, url_path: str, query: str = "", charts: int = 1) -> None:
    """Open a lesson (after the server's first run, as a class's first student would) and wait
    until its first ``charts`` charts are drawn."""
    goto_app(page, server)  # a fresh server learns the page paths on its first run
    goto_app(page, f"{server}/{url_path}{query}")
    assert_no_streamlit_exception(page)
    page.locator(f"{CHART} .main-svg").nth(charts - 1).wait_for(timeout=60_000)


def box_message(page, box, text: str):
    """The message beside a class row's exact box (ui/class_rows.py) that contains ``text``,
    once shown; the box names it as its description, for a screen reader."""
    message = page.locator('[data-testid="xent-rows"] [role="alert"]').filter(has_text=text)
    message.first.wait_for(state="visible", timeout=30_000)
    assert box.get_attribute("aria-invalid") == "true"
    assert box.get_attribute("aria-describedby") == message.first.get_attribute("id")
    return message.first


def metric_value(page, index: int = 0) -> str:
    """The value of the ``index``-th metric on the page (0: the stage's loss), e.g.
    ``9.0183 nats``."""
    metric = page.locator(METRIC).nth(index)
    return metric.locator(METRIC_VALUE).inner_text().strip()


def copy_link(page) -> str:
    """The address in the page's *Copy link to this state* popover."""
    page.get_by_test_id("stPopoverButton").filter(has_text="Copy link to this state").click()
    link = page.locator('[data-testid="stPopoverBody"] code').first
    link.wait_for(state="visible", timeout=10_000)
    text = link.inner_text().strip()
    page.keyboard.press("Escape")
    return text


def same_state(first: str, second: str) -> bool:
    """Two links to the same page with the same query parameters (in any order)."""
    a, b = urlsplit(first), urlsplit(second)
    return (a.netloc, a.path.rstrip("/"), parse_qs(a.query)) == (
        b.netloc, b.path.rstrip("/"), parse_qs(b.query))


@contextlib.contextmanager
def fresh_page(browser, link: str) -> Iterator[Page]:
    """``link`` opened in a new browser context (no cookies, no session), once its first script
    run has finished and its first chart is drawn; the context is closed afterwards."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        install_run_tracker(page)
        goto_app(page, link)
        assert_no_streamlit_exception(page)
        page.locator(f"{CHART} .main-svg").first.wait_for(timeout=60_000)
        # goto_app can see the app idle before its first run has started (a busy machine);
        # by the first chart that run has started, so this waits for it to end.
        wait_for_streamlit_idle(page)
        yield page
    finally:
        context.close()


# Every place of ui.live on the page (a chart, a details element, the copy link) and the data
# it shows, as JSON: the full run's, or the last move's (ui/places.js), without the full run's
# stamp.
PLACES_JS = """() => Object.fromEntries([...(window.__xentPlaces || new Map())]
  .filter(([, place]) => place.parentElement?.isConnected)
  .map(([key, place]) => {
    const { drawn, place: _, ...data } = place.shown;
    return [key, JSON.stringify(data)];
  }))"""


def places_shown(page) -> dict[str, str]:
    """Each place on the page (:mod:`ui.live`) by key, with the data it shows (JSON)."""
    return page.evaluate(PLACES_JS)


# What every place below the header shows (the copy link's is in its popover), in page order:
# each chart's name and the text of its drawing (titles, ticks, values, legend), and each
# details element's text and whether it is drawn large (presenter mode).
PLACES_TEXT_JS = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  return {
    charts: [...main.querySelectorAll('[data-testid="xent-chart"]')].map((chart) => [
      chart.getAttribute('aria-label'),
      [...chart.querySelectorAll('svg text')].map((t) => t.textContent).join(' ')]),
    details: [...main.querySelectorAll('[data-testid="xent-details"]')]
      .filter((element) => !element.closest('[data-testid="stPopoverBody"]'))
      .map((element) => [element.classList.contains('xd-large'), element.textContent.trim()]),
  };
}"""


# At least ``n`` charts on the page, each drawn (by Plotly or as our own SVG).
CHARTS_DRAWN_JS = """(n) => {
  const main = document.querySelector('[data-testid="stMain"]');
  const charts = [...main.querySelectorAll('[data-testid="xent-chart"]')];
  return charts.length >= n && charts.every((chart) => chart.querySelector('svg'));
}"""


def places_text(page, charts: int = 1) -> dict[str, list]:
    """What the page's charts and details show (``PLACES_TEXT_JS``), once ``charts`` charts
    are drawn and the app is idle: ``{"charts": [[name, text]], "details": [[large, text]]}``."""
    page.wait_for_function(CHARTS_DRAWN_JS, arg=charts, timeout=60_000)
    wait_for_streamlit_idle(page)
    page.wait_for_timeout(300)  # a Plotly chart redraws after its module's promise
    return page.evaluate(PLACES_TEXT_JS)


# The app's background is dark (Streamlit's dark theme).
DARK_PAGE_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  const [r, g, b] = getComputedStyle(app).backgroundColor.match(/\\d+/g).map(Number);
  return r + g + b < 150;
}"""


def switch_to_dark(page) -> None:
    """Switch the browser to a dark colour scheme (Streamlit's theme follows it) and wait
    until the page is dark and its charts have redrawn in the dark theme's colours."""
    page.emulate_media(color_scheme="dark")
    page.wait_for_function(DARK_PAGE_JS, timeout=10_000)
    page.wait_for_timeout(500)


def assert_moves_show_what_a_fresh_load_shows(page, browser, moved: dict[str, str] | None = None,
                                             ignore: tuple[str, ...] = ()) -> None:
    """After moves: every place on ``page`` (its charts, details, loss, copy link, updated in
    place by the moves) shows exactly the data a fresh load of the same address draws.
    ``ignore`` names places that depend on the moves themselves (a history of losses)."""
    moved = places_shown(page) if moved is None else moved
    assert len(moved) >= 3, moved.keys()  # at least a chart, the loss and the copy link
    with fresh_page(browser, page.url) as fresh:
        fresh.wait_for_function(
            f"() => ({PLACES_JS})() && Object.keys(({PLACES_JS})()).length >= {len(moved)}",
            timeout=60_000)
        loaded = places_shown(fresh)
    assert moved.keys() == loaded.keys()
    for key in moved.keys() - set(ignore):
        assert moved[key] == loaded[key], key


def loss_in_fresh_context(browser, link: str) -> str:
    """Open ``link`` in a new browser context (no cookies, no session) and read its loss."""
    with fresh_page(browser, link) as page:
        return metric_value(page)


def stage_boxes(page) -> dict[str, dict | None]:
    """Bounding boxes of the stage's first control, its first chart and its loss."""
    stage = page.locator('[class*="st-key-"][class*="-stage"]').first
    found = {
        "first control": stage.locator(CONTROLS).first,
        "main chart": stage.locator(CHART).first,
        "loss": stage.locator(METRIC).first,
    }
    return {name: locator.bounding_box() for name, locator in found.items()}


def assert_stage_fits(page, size: dict) -> None:
    """At ``size``, the stage's first control, main chart and loss all lie in the first
    viewport (nothing starts above it or ends below it)."""
    page.set_viewport_size(size)
    wait_for_streamlit_idle(page)
    page.wait_for_timeout(500)  # Plotly re-lays out at the new width
    for name, box in stage_boxes(page).items():
        assert box is not None, f"{name} not drawn at {size}"
        assert box["y"] >= 0 and box["y"] + box["height"] <= size["height"], (
            f"{name} at y {box['y']:.0f}-{box['y'] + box['height']:.0f} is outside the first "
            f"screen of {size['width']}x{size['height']}")
        assert box["x"] >= 0 and box["x"] + box["width"] <= size["width"], (name, box, size)
