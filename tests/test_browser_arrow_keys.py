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

# Why steps are lost today (websocket frames captured with Playwright, Streamlit 1.67): each
# logit has two widgets, the slider and the number box, both with an on_change callback that
# writes the one field ``x``, and the page assigns BOTH widgets' session_state from ``x`` on
# every run (sync_row_widgets in pages/2_five_classes.py; after the page refactor: class_rows
# for the slider and ui.lesson_state.number_box for the box, a text box). Two effects:
# 1. The browser sends every widget's state with each rerun, and the box's state lags one run:
#    the request carrying slider=[2.41] carries box=2.39 although the last run set the box to
#    2.40. Streamlit sees the box "changed" (2.40 -> 2.39) and runs on_box after on_slider,
#    so x goes back to 2.39 and the slider comes back with set_value=True, value=[2.39].
# 2. Every run sends the slider with set_value=True (its state is assigned each run), so a
#    reply to an older request puts the thumb back to an older value while keys are pressed.
# The page change that fixes both (tried here; not ours to commit, the page refactor owns it):
# assign the slider's state only when it differs from x, and give the box no state writes at
# all -- value=x and a key that includes x, so it is a fresh widget whenever x changes (2 of 3
# runs then passed on a machine at load average 15; the third lost 2 of 10 steps).
XFAIL_REASON = (
    "steps lost: the Five classes page re-assigns the slider's and the exact-value box's "
    "session_state from x on every run, and the browser's box state lags one run, so the "
    "box's on_change puts the old value back (see the comment above); a page fix"
)


def slider_values(page) -> list[float]:
    """The class sliders' values as the page shows them (thumb value text)."""
    values = []
    for i in range(len(FIVE_CLASS_OUTPUTS)):
        thumb = page.get_by_role("slider", name=re.compile(rf"class {i + 1}\b"))
        values.append(float(thumb.get_attribute("aria-valuetext")
                            or thumb.get_attribute("aria-valuenow")))
    return values


def box_values(page) -> list[float]:
    boxes = page.locator('[data-testid="stNumberInput"] input')
    return [float(boxes.nth(i).input_value()) for i in range(len(FIVE_CLASS_OUTPUTS))]


def link_logits(page) -> list[float] | None:
    query = urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)
    if "x" not in query:
        return None
    return [float(v) for v in query["x"][0].split(",")]


@pytest.mark.xfail(reason=XFAIL_REASON, strict=False)
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
    assert slider_values(page) == pytest.approx(expected, abs=1e-9)
    assert box_values(page) == pytest.approx(expected, abs=1e-9)
    assert link_logits(page) == pytest.approx(expected, abs=1e-9)
