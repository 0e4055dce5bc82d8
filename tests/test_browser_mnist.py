"""Browser test of page 4, "MNIST digits", against a real Streamlit server: typing a logit
updates the loss, the bars and the link; after moves, every chart and number on the page is
what a fresh load of its link shows (also after a theme switch, and in presenter mode)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest
from browser_helpers import (
    assert_no_streamlit_exception,
    expect_rerun,
    goto_app,
    readme_screenshot,
)
from lesson_browser import (
    METRIC,
    METRIC_VALUE,
    copy_link,
    fresh_page,
    open_lesson,
    places_text,
    same_state,
    switch_to_dark,
)

from xent_core import explain
from xent_core.mnist import load_digits, load_model
from xent_core.mnist_report import held_out_report

pytestmark = pytest.mark.browser

REPORT = held_out_report(load_model(), load_digits())

def first_metric(page, label_start: str) -> str:
    metric = page.locator(METRIC).filter(has_text=label_start).first
    return metric.locator(METRIC_VALUE).inner_text().strip()


def type_logit(page, digit: int, value: str) -> None:
    box = page.get_by_label(f"digit {digit}", exact=True)
    with expect_rerun(page):
        box.fill(value)
        box.press("Enter")


def number_in(text: str) -> float:
    return float(re.search(r"-?\d+\.\d+", text).group())


def test_typing_a_logit_updates_the_loss_the_bars_and_the_link(streamlit_server, page):
    report = held_out_report(load_model(), load_digits())
    index = report.default_index
    goto_app(page, f"{streamlit_server}/mnist-digits")
    assert_no_streamlit_exception(page)
    page.locator(METRIC).filter(has_text="Loss for the true label").first.wait_for()
    before = first_metric(page, "Loss for the true label")
    expected_before = explain(report.logits[index], 8).loss
    assert number_in(before) == pytest.approx(expected_before, abs=1e-4)
    bars_before = page.locator('[data-testid="xent-chart"]').nth(1).inner_text()

    field = page.get_by_label("digit 8", exact=True)
    with expect_rerun(page):
        field.click()
        field.press("ControlOrMeta+a")
        field.press_sequentially("-2")
        field.press("Enter")
    assert_no_streamlit_exception(page)

    edited = report.logits[index].copy()
    edited[8] = -2.0
    after = first_metric(page, "Loss for the true label")
    assert number_in(after) == pytest.approx(explain(edited, 8).loss, abs=1e-4)
    assert after != before
    page.wait_for_function(
        "([n, old]) => document.querySelectorAll('[data-testid=\"xent-chart\"]')[n]"
        ".innerText !== old", arg=[1, bars_before])
    page.wait_for_function("() => window.location.search.includes('x=')")
    query = parse_qs(urlparse(page.url).query)
    assert float(query["x"][0].split(",")[8]) == -2.0

    with expect_rerun(page):
        page.get_by_role("button", name="Back to the model's logits").click()
    assert first_metric(page, "Loss for the true label") == before
    page.locator('[data-testid="xent-chart"] .main-svg').last.wait_for()
    readme_screenshot(page, "mnist")




@pytest.mark.parametrize("query", ["", "?present=1"], ids=["laptop", "presenter"])
def test_after_moves_every_chart_and_number_is_what_the_link_opens(streamlit_server, page,
                                                                   browser, query):
    """Logit edits rerun the lesson alone and update the charts and numbers in their places:
    the page then shows what a fresh load of its link shows, and still does after the theme
    changes (each place redraws what the last move sent it, not its first run's data)."""
    open_lesson(page, streamlit_server, "mnist-digits", query, charts=3)
    back = page.get_by_role("button", name="Back to the model's logits")
    assert back.is_disabled()
    type_logit(page, 3, "1.25")  # the back button turns on
    assert back.is_enabled()
    type_logit(page, 3, "1.75")  # each edit reruns the lesson alone
    type_logit(page, 8, "-2")
    edited = REPORT.logits[REPORT.default_index].copy()
    edited[3], edited[8] = 1.75, -2.0
    loss = f"{explain(edited, 8).loss:.4f} nats"
    assert first_metric(page, "Loss for the true label (8)") == loss
    assert_no_streamlit_exception(page)
    moved = places_text(page, charts=6)
    assert any(loss in text for _, text in moved["details"])
    assert any("Your edited logits." in text for _, text in moved["details"])
    link = copy_link(page)
    assert same_state(link, page.url), (link, page.url)
    with fresh_page(browser, link) as other:
        assert places_text(other, charts=6) == moved
    switch_to_dark(page)
    assert places_text(page, charts=6) == moved
