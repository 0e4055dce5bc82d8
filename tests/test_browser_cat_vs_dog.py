"""Page 1, cat vs dog, in a real browser: the spreadsheet edited from the keyboard.

The table is Streamlit's data editor (a canvas grid): a click selects a cell, the arrow keys
move, typing a number starts editing and Enter commits it, as in a spreadsheet.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_helpers import (
    assert_no_streamlit_exception,
    expect_rerun,
    goto_app,
    wait_for_streamlit_idle,
)

pytestmark = pytest.mark.browser

SCREENSHOT = Path(__file__).resolve().parents[1] / "docs" / "screenshots" / "cat_vs_dog.png"
GRID = '[data-testid="stDataFrame"]'
HEADER_HEIGHT = ROW_HEIGHT = 35  # the data editor's default header and row heights, in px
ROW_NUMBER_X = 50  # inside the "row" column, right of the row-selection checkboxes

# The y values of the markers of every row. Plotly keeps a base64 typed array as
# {dtype, bdata} with the decoded values in _inputArray.
MARKER_Y_JS = """
() => document.querySelector('.js-plotly-plot').data
    .filter(t => (t.name || '').startsWith('label'))
    .flatMap(t => Array.from(t.y._inputArray || t.y))
"""


def metric_value(page, label: str) -> str:
    metric = page.locator('[data-testid="stMetric"]').filter(has_text=label)
    return metric.locator('[data-testid="stMetricValue"]').inner_text().strip()


def open_cat_vs_dog(page, server: str, query: str = "") -> None:
    goto_app(page, server)  # a fresh server learns the page paths on its first run
    goto_app(page, f"{server}/cat-vs-dog{query}")
    page.locator(f"{GRID} canvas").first.wait_for(state="visible")
    page.locator(".js-plotly-plot").first.wait_for(state="visible")
    assert_no_streamlit_exception(page)


def type_into_cell(page, row: int, columns_right_of_row_number: int, text: str) -> None:
    """Select the row-number cell of ``row`` with the mouse; the rest is keyboard, as in a
    spreadsheet: arrows to move, Enter to open the cell, select all, type, Enter to commit."""
    box = page.locator(f"{GRID} canvas").first.bounding_box()
    page.mouse.click(box["x"] + ROW_NUMBER_X, box["y"] + HEADER_HEIGHT + (row - 0.5) * ROW_HEIGHT)
    for _ in range(columns_right_of_row_number):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    cell_editor = page.locator("input.gdg-input")  # the grid's overlay editor
    cell_editor.wait_for(state="visible")
    assert cell_editor.evaluate("e => e === document.activeElement")
    page.keyboard.press("Control+A")
    page.keyboard.type(text)
    with expect_rerun(page):
        page.keyboard.press("Enter")


def test_typing_a_new_p_cat_updates_the_losses_and_the_plot(streamlit_server, page):
    open_cat_vs_dog(page, streamlit_server, "?base=10")
    assert metric_value(page, "Total loss") == "1.6566"  # 0.30 + 0.01 + 1.00 + 0.30 + 0.05
    markers_before = sorted(page.evaluate(MARKER_Y_JS))

    # Row 3 is the dog the model called a cat with P(cat) = 0.9; make it 0.2 instead.
    type_into_cell(page, row=3, columns_right_of_row_number=2, text="0.2")
    wait_for_streamlit_idle(page)
    assert_no_streamlit_exception(page)

    # -log10(0.8) = 0.0969 replaces -log10(0.1) = 1: the total drops by 0.9031.
    assert metric_value(page, "Total loss") == "0.7535"
    markers_after = sorted(page.evaluate(MARKER_Y_JS))
    assert markers_after != markers_before
    assert max(markers_after) == pytest.approx(0.30103, abs=1e-4)
    assert "rows=0.5c%2C0.98c%2C0.2d" in page.url or "rows=0.5c,0.98c,0.2d" in page.url


def test_the_page_screenshot_for_the_readme(streamlit_server, page):
    open_cat_vs_dog(page, streamlit_server, "?base=10")
    # Streamlit scrolls inside its main section: grow the window to the page's height so the
    # full-page screenshot holds all of it.
    height = page.evaluate(
        "() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": 1400, "height": int(height) + 40})
    wait_for_streamlit_idle(page)
    page.wait_for_timeout(500)  # the grid and the chart redraw at the new size
    assert_no_streamlit_exception(page)
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    assert SCREENSHOT.stat().st_size > 50_000
