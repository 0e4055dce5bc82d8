"""Arrow keys pressed every 150 ms on a focused slider all land, on that slider (issue 9).

A learner holding or tapping an arrow key on Five classes' fish slider: ten presses, 150 ms
apart, must move the fish's logit by exactly ten steps of 0.01 (2.39 -> 2.49), keep the focus
and the thumb there, and leave every other class's logit alone -- in the slider, the number
box beside it and the link.
"""

from __future__ import annotations

import re
import urllib.parse

import pytest
from browser_helpers import assert_no_streamlit_exception, goto_app, wait_for_streamlit_idle

from xent_core.lessons import FIVE_CLASS_NAMES, FIVE_CLASS_OUTPUTS

pytestmark = pytest.mark.browser

PRESSES = 10
INTERVAL_MS = 150
STEP = 0.01
FISH = FIVE_CLASS_NAMES.index("fish")

# Why steps were once lost (websocket frames captured with Playwright, Streamlit 1.67): each
# logit had two Streamlit widgets, the slider and the exact-value box, both writing the one
# field ``x``; the browser sends every widget's state with each rerun, the box's lagging one
# run behind, and a reply to an older request put the thumb back. The rows of classes are now
# one element (ui/class_rows.py) that sends numbered edits and leaves an input alone while an
# edit of it is unanswered; this test keeps it honest.


def slider_values(page) -> list[float]:
    """The class sliders' values as the page shows them (where each range input stands)."""
    return [float(page.get_by_role("slider", name=re.compile(rf"class {i + 1}\b")).input_value())
            for i in range(len(FIVE_CLASS_OUTPUTS))]


def box_values(page) -> list[float]:
    return [float(page.get_by_label(f"Logit of class {i + 1} (exact value)").input_value())
            for i in range(len(FIVE_CLASS_OUTPUTS))]


def link_logits(page) -> list[float] | None:
    query = urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)
    if "x" not in query:
        return None
    return [float(v) for v in query["x"][0].split(",")]


def test_arrow_keys_every_150_ms_all_land_on_the_focused_slider(streamlit_server, page):
    goto_app(page, streamlit_server)  # a fresh server learns the page paths on its first run
    goto_app(page, f"{streamlit_server}/five-classes")
    assert_no_streamlit_exception(page)
    fish = page.get_by_role("slider", name=re.compile(rf"class {FISH + 1}\b"))
    fish.focus()
    for _ in range(PRESSES):
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(INTERVAL_MS)
    wait_for_streamlit_idle(page, settle_ms=1000)
    page.wait_for_timeout(500)
    wait_for_streamlit_idle(page, settle_ms=500)
    assert_no_streamlit_exception(page)

    expected = list(FIVE_CLASS_OUTPUTS)
    expected[FISH] = round(expected[FISH] + PRESSES * STEP, 2)
    focused = page.evaluate("() => document.activeElement.getAttribute('aria-label')")
    assert focused and f"class {FISH + 1}" in focused, f"focus moved to {focused!r}"
    # A range input stands on its 0.01 grid (building's -0.156 at -0.16); the box is exact.
    assert slider_values(page) == pytest.approx([round(v, 2) for v in expected], abs=1e-9)
    assert box_values(page) == pytest.approx(expected, abs=1e-9)
    assert link_logits(page) == pytest.approx(expected, abs=1e-9)
