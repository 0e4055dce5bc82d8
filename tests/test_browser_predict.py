"""Predict, then reveal in a real browser: while a guess is missing the lesson below the
questions is blurred (it shows the answers); the last guess uncovers it without a reload."""

from __future__ import annotations

import pytest
from browser_helpers import assert_no_streamlit_exception, expect_rerun
from lesson_browser import open_lesson

from classroom.checkpoints import for_lesson

pytestmark = pytest.mark.browser

QUESTIONS = "Predict, then reveal"


# Is the stage blurred (the blur is on the stage or on the layout wrapper around it)?
STAGE_BLURRED_JS = """() => {
  for (let e = document.querySelector('.st-key-lesson-stage'); e; e = e.parentElement) {
    if (getComputedStyle(e).filter.includes('blur')) return true;
  }
  return false;
}"""


def stage_blurred(page) -> bool:
    return page.evaluate(STAGE_BLURRED_JS)


def test_the_lesson_stays_blurred_until_every_guess_is_locked_in(streamlit_server, page):
    open_lesson(page, streamlit_server, "pytorch-batch")
    assert not stage_blurred(page)
    with expect_rerun(page):
        page.get_by_text(QUESTIONS).click()
    page.get_by_text("Lock in my guess and reveal").first.wait_for(timeout=60_000)
    assert stage_blurred(page)

    checkpoints = for_lesson("pytorch-batch")
    for number, checkpoint in enumerate(checkpoints, start=1):
        card = page.locator(f'[class*="st-key-predict-{checkpoint.id.replace("/", "-")}-card"]')
        if checkpoint.kind == "choice":
            card.get_by_text(checkpoint.choices[0], exact=True).click()
        else:
            card.get_by_role("spinbutton").fill("0.5")
        with expect_rerun(page):
            card.get_by_role("button", name="Lock in my guess and reveal").click()
        card.get_by_text("Answer:").wait_for(timeout=60_000)
        if number < len(checkpoints):
            assert stage_blurred(page), f"uncovered after {number} of {len(checkpoints)} guesses"
    page.wait_for_function(f"() => !({STAGE_BLURRED_JS})()", timeout=60_000)
    assert_no_streamlit_exception(page)
