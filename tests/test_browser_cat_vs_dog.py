"""Page 1, cat vs dog, in a real browser: the spreadsheet edited from the keyboard.

The table is one element (``ui/spreadsheet.py``): an HTML table whose input cells a learner
types into; Enter (or Tab, or leaving the cell) commits the text, and the table keeps the
focus where it was when the page answers.
"""

from __future__ import annotations

import re

import pytest
from browser_helpers import (
    assert_no_streamlit_exception,
    expect_rerun,
    goto_app,
    readme_screenshot,
    wait_for_streamlit_idle,
)
from lesson_browser import (
    assert_moves_show_what_a_fresh_load_shows,
    copy_link,
    places_shown,
    same_state,
)

pytestmark = pytest.mark.browser

SHEET = '[data-testid="xent-sheet"]'

# The y values of the markers of every row, as the chart element was last given them (its
# figure; NumPy arrays arrive as base64 typed arrays {dtype, bdata}), once it has drawn them.
MARKER_Y_JS = """
() => {
  const chart = document.querySelector('[data-testid="xent-chart"]');
  const values = (v) => (v.bdata === undefined ? v : Array.from(new Float64Array(
    Uint8Array.from(atob(v.bdata), (c) => c.charCodeAt(0)).buffer)));
  return JSON.parse(chart.__xent.figure).data
    .filter(t => (t.name || '').startsWith('label'))
    .flatMap(t => values(t.y));
}
"""


def metric_value(page, label: str) -> str:
    """A metric of the section below the stage (ui.details)."""
    metric = page.locator(".xent-details .xd-metric").filter(has_text=label)
    return metric.locator(".xd-metric-value").inner_text().strip()


def wait_for_grid(page) -> None:
    """Until the spreadsheet is drawn (its first row's inputs are there)."""
    page.locator(f"{SHEET} tbody input").first.wait_for(state="visible")


def open_cat_vs_dog(page, server: str, query: str = "") -> None:
    goto_app(page, f"{server}/cat-vs-dog{query}")
    page.locator('[data-testid="xent-chart"] svg.main-svg').first.wait_for(state="visible")
    wait_for_grid(page)
    assert_no_streamlit_exception(page)


def cell(page, row: int, column: str):
    """The input of ``column`` (its title's text, e.g. "P(cat)") in ``row`` (from 1)."""
    return page.locator(SHEET).get_by_role(
        "textbox", name=re.compile(rf"^Row {row}, .*{re.escape(column)}"))


def cell_text(page, row: int, column: str) -> str:
    """The text of a computed cell: ``column`` is its header's text (e.g. "E · one-hot sum")."""
    return page.evaluate("""([row, column]) => {
      const table = document.querySelector('[data-testid="xent-sheet"] table');
      const at = [...table.tHead.rows[0].cells].findIndex(c => c.textContent === column);
      return table.tBodies[0].rows[row - 1].cells[at].textContent;
    }""", [row, column])


def type_into_cell(page, row: int, column: str, text: str) -> None:
    """Click the cell, select what it holds, type ``text`` and press Enter, as a person
    does; waits for the rerun the edit causes."""
    box = cell(page, row, column)
    box.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(text)
    with expect_rerun(page):
        page.keyboard.press("Enter")
    wait_for_streamlit_idle(page)


def test_typing_a_new_p_cat_updates_the_losses_and_the_plot(streamlit_server, page):
    open_cat_vs_dog(page, streamlit_server, "?base=10")
    assert metric_value(page, "Total loss") == "1.6566"  # 0.30 + 0.01 + 1.00 + 0.30 + 0.05
    markers_before = sorted(page.evaluate(MARKER_Y_JS))

    # Row 3 is the dog the model called a cat with P(cat) = 0.9; make it 0.2 instead.
    type_into_cell(page, row=3, column="P(cat)", text="0.2")
    assert_no_streamlit_exception(page)
    assert cell(page, 3, "P(cat)").evaluate("e => e === document.activeElement")
    assert cell_text(page, 3, "E · one-hot sum") == "0.0969"  # −log10(0.8)
    assert cell(page, 3, "P(dog)").input_value() == "0.8"

    # -log10(0.8) = 0.0969 replaces -log10(0.1) = 1: the total drops by 0.9031.
    assert metric_value(page, "Total loss") == "0.7535"
    markers_after = sorted(page.evaluate(MARKER_Y_JS))
    assert markers_after != markers_before
    assert max(markers_after) == pytest.approx(0.30103, abs=1e-4)
    assert "rows=0.5c%2C0.98c%2C0.2d" in page.url or "rows=0.5c,0.98c,0.2d" in page.url


def test_the_log_base_radio_follows_the_arrow_keys(streamlit_server, page):
    open_cat_vs_dog(page, streamlit_server, "?base=10")
    assert metric_value(page, "Total loss") == "1.6566"
    markers_before = sorted(page.evaluate(MARKER_Y_JS))

    # Focus the checked radio of the sidebar's log base and move up one: log10 -> log2.
    sidebar = page.locator('[data-testid="stSidebar"]')
    log10 = sidebar.get_by_role("radio", name="hartleys")
    assert log10.is_checked()
    log10.focus()
    with expect_rerun(page):
        page.keyboard.press("ArrowUp")
    assert_no_streamlit_exception(page)

    assert sidebar.get_by_role("radio", name="bits").is_checked()
    # The same losses in bits: every log10 loss divided by log10(2).
    assert metric_value(page, "Total loss") == "5.5031"
    markers_after = sorted(page.evaluate(MARKER_Y_JS))
    assert max(markers_after) == pytest.approx(max(markers_before) / 0.30103, rel=1e-3)
    assert "base=2" in page.url


def test_a_typed_word_keeps_the_number_and_says_why_beside_the_table(streamlit_server, page):
    open_cat_vs_dog(page, streamlit_server, "?base=10")
    type_into_cell(page, row=2, column="P(cat)", text="abc")
    assert cell(page, 2, "P(cat)").input_value() == "0.98"
    error = page.locator('[data-testid="stAlertContentError"]').filter(has_text="Row 2")
    assert "not a number" in error.inner_text() and "stays 0.98" in error.inner_text()
    assert metric_value(page, "Total loss") == "1.6566"  # nothing changed


def press_enter_on(page, button) -> None:
    """Focus ``button`` and press Enter, as a keyboard user does; waits for the rerun."""
    button.focus()
    with expect_rerun(page):
        page.keyboard.press("Enter")
    wait_for_streamlit_idle(page)


def test_a_row_is_added_and_deleted_with_the_keyboard(streamlit_server, page):
    open_cat_vs_dog(page, streamlit_server, "?base=10")
    add = page.locator(SHEET).get_by_role("button", name="Add a row")
    press_enter_on(page, add)
    assert page.locator(f"{SHEET} tbody tr").count() == 6
    assert add.evaluate("e => e === document.activeElement")  # the focus is given back
    type_into_cell(page, row=6, column="P(cat)", text="0.01")
    assert "Row 6 is the most confident mistake" in page.locator("main").inner_text()
    press_enter_on(page, page.locator(SHEET).get_by_role("button", name="Delete row 1"))
    assert page.locator(f"{SHEET} tbody tr").count() == 5
    # The focus is on the delete button now in row 1's place (the next row moved up).
    assert page.locator(SHEET).get_by_role("button", name="Delete row 1").evaluate(
        "e => e === document.activeElement")
    assert cell(page, 1, "P(cat)").input_value() == "0.98"
    assert "rows=0.98c" in page.url.replace("%2C", ",")


def test_the_page_screenshot_for_the_readme(streamlit_server, page):
    open_cat_vs_dog(page, streamlit_server, "?base=10")
    readme_screenshot(page, "cat_vs_dog")


def test_edits_update_every_place_as_a_fresh_load_of_the_link_draws_it(streamlit_server, page,
                                                                       browser):
    # An edit reruns the lesson fragment alone: the chart, the loss, the two forms, the note on
    # the most confident mistake and the copy link are updated in place by its moves element
    # (ui.live), not drawn again. They must show what the full run of the same link draws.
    open_cat_vs_dog(page, streamlit_server)
    before = places_shown(page)
    type_into_cell(page, row=3, column="P(cat)", text="0.2")
    type_into_cell(page, row=1, column="P(cat)", text="0.05")
    moved = places_shown(page)
    changed = {key for key in moved if moved[key] != before[key]}
    assert changed == {"cat_vs_dog.curve", "cat_vs_dog.loss", "cat_vs_dog.details.forms",
                       "cat_vs_dog.details.mistake"}
    assert "0.05" in moved["cat_vs_dog.details.mistake"]  # row 1 is now the worst mistake
    # The copy link's popover was closed during the moves: opened now, it shows their link.
    assert same_state(copy_link(page), page.url)
    assert "rows=0.05c" in page.url.replace("%2C", ",")
    assert_moves_show_what_a_fresh_load_shows(page, browser, moved)
