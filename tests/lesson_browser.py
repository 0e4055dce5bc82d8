"""Browser checks every lesson stage shares: open a lesson, read its loss, its copy link, and
whether the stage (first control, main chart, loss) lies within the first screen."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from browser_helpers import assert_no_streamlit_exception, goto_app, wait_for_streamlit_idle

STAGE_SIZES = ({"width": 1366, "height": 768}, {"width": 1920, "height": 1080})


def open_lesson(page, server: str, url_path: str, query: str = "", charts: int = 1) -> None:
    """Open a lesson (after the server's first run) and wait for its first ``charts`` charts."""
    goto_app(page, server)  # a fresh server learns the page paths on its first run
    goto_app(page, f"{server}/{url_path}{query}")
    assert_no_streamlit_exception(page)
    page.locator('[data-testid="stPlotlyChart"]').nth(charts - 1).wait_for(timeout=60_000)


def metric_value(page, index: int = 0) -> str:
    """The value of the ``index``-th metric on the page, e.g. ``9.0183 nats``."""
    metric = page.locator('[data-testid="stMetric"]').nth(index)
    return metric.locator('[data-testid="stMetricValue"]').inner_text().strip()


def copy_link(page) -> str:
    """The text of the page's *Copy link to this state*."""
    page.get_by_test_id("stPopoverButton").filter(has_text="Copy link to this state").click()
    link = page.locator('[data-testid="stPopoverBody"] code').first
    link.wait_for(state="visible")
    text = link.inner_text().strip()
    page.keyboard.press("Escape")
    return text


def same_state(first: str, second: str) -> bool:
    """Two links to the same page with the same query parameters (in any order)."""
    a, b = urlsplit(first), urlsplit(second)
    return (a.netloc, a.path.rstrip("/"), parse_qs(a.query)) == (
        b.netloc, b.path.rstrip("/"), parse_qs(b.query))


def stage_boxes(page) -> dict[str, dict]:
    """Bounding boxes of the stage's first control, its first chart and its loss."""
    stage = page.locator('[class*="st-key-"][class*="-stage"]').first
    found = {
        "first control": stage.locator('[data-testid="stSlider"], [data-testid="stButtonGroup"]'
                                       ', [data-testid="stTextInput"]').first,
        "main chart": stage.locator('[data-testid="stPlotlyChart"]').first,
        "loss": stage.locator('[data-testid="stMetric"]').first,
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
