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

# Why steps were lost (websocket frames captured with Playwright, Streamlit 1.67): each logit
# has two widgets, the slider and the exact-value box, both writing the one field ``x``, and the
# page assigned BOTH widgets' session_state from ``x`` on every run. Two effects:
# 1. The browser sends every widget's state with each rerun, and the box's state lags one run:
#    the request carrying slider=2.41 carried box=2.39 although the last run set the box to
#    2.40. Streamlit saw the box "changed" and ran its on_change after the slider's, so x
#    went back to 2.39.
# 2. Every run sent the slider with set_value=True, so a reply to an older request put the
#    thumb back to an older value while keys were pressed.
# The fix lives in ui.lesson_state: ``twin_slider`` writes a slider's state only when it shows
# something else, and ``number_box(twin=...)`` ignores the box's text in a request where its
# twin slider moved (the slider's move wins; the next run rewrites the box).


def slider_values(page) -> list[float]:
    """The class sliders' values as the page shows them (thumb value text)."""
    values = []
    for i in range(len(FIVE_CLASS_OUTPUTS)):
        thumb = page.get_by_role("slider", name=re.compile(rf"class {i + 1}\b"))
        values.append(float(thumb.get_attribute("aria-valuetext")
                            or thumb.get_attribute("aria-valuenow")))
    return values


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
    assert slider_values(page) == pytest.approx(expected, abs=1e-9)
    assert box_values(page) == pytest.approx(expected, abs=1e-9)
    assert link_logits(page) == pytest.approx(expected, abs=1e-9)
