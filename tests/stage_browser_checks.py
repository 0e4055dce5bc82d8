"""Browser checks every lesson page shares: the stage on the first screen, the copy link.

(App-specific, so kept out of ``browser_helpers``; used by the browser tests of lessons 7 and 8.)
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from browser_helpers import assert_no_streamlit_exception, goto_app, install_run_tracker

SCREENS = [(1366, 768), (1920, 1080)]
METRIC = '[data-testid="stMetric"]'
CHART = '[data-testid="stPlotlyChart"]'


def open_lesson(page, server: str, path: str, query: str = "") -> None:
    """Open a lesson (after the server's first run, as a class's first student would) and wait
    for its main chart."""
    goto_app(page, server)
    goto_app(page, f"{server}/{path}{query}")
    assert_no_streamlit_exception(page)
    page.locator(f"{CHART} .main-svg").first.wait_for(timeout=20_000)


def stage_loss(page) -> str:
    """The stage's big number (the first metric), e.g. ``0.1270 nats``."""
    return page.locator(METRIC).first.locator('[data-testid="stMetricValue"]').inner_text().strip()


def copy_link(page) -> str:
    """The address in the page's *Copy link to this state* popover."""
    page.get_by_role("button", name="Copy link to this state").click()
    code = page.locator('[data-testid="stPopoverBody"] [data-testid="stCode"]')
    code.wait_for(timeout=10_000)
    link = code.inner_text().strip()
    page.keyboard.press("Escape")
    return link


def same_state(link: str, address: str) -> bool:
    """Two links to the same page with the same query (parameter order aside)."""
    a, b = urlsplit(link), urlsplit(address)
    return (a.netloc, a.path, parse_qs(a.query)) == (b.netloc, b.path, parse_qs(b.query))


def loss_in_fresh_context(browser, link: str) -> str:
    """Open ``link`` in a new browser context (no cookies, no session) and read its loss."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        install_run_tracker(page)
        goto_app(page, link)
        assert_no_streamlit_exception(page)
        page.locator(f"{CHART} .main-svg").first.wait_for(timeout=20_000)
        return stage_loss(page)
    finally:
        context.close()


def stage_boxes_outside(page, width: int, height: int) -> dict[str, dict | None]:
    """The stage's first control, main chart and loss whose box is not within the viewport."""
    stage = page.locator('[class*="st-key-"][class*="-stage"]').first
    parts = {
        "first control": stage.locator('[data-testid="stWidgetLabel"]').first,
        "main chart": stage.locator(CHART).first,
        "loss": stage.locator(METRIC).first,
    }
    outside = {}
    for name, locator in parts.items():
        box = locator.bounding_box()
        if box is None or not (box["x"] >= 0 and box["y"] >= 0
                               and box["x"] + box["width"] <= width
                               and box["y"] + box["height"] <= height):
            outside[name] = box
    return outside
