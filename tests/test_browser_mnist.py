"""Browser test of page 4, "MNIST digits", against a real Streamlit server."""

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

from xent_core import explain
from xent_core.mnist import load_digits, load_model
from xent_core.mnist_report import held_out_report

pytestmark = pytest.mark.browser



def first_metric(page, label_start: str) -> str:
    metric = page.locator('[data-testid="stMetric"]').filter(has_text=label_start).first
    return metric.locator('[data-testid="stMetricValue"]').inner_text().strip()


def number_in(text: str) -> float:
    return float(re.search(r"-?\d+\.\d+", text).group())


def test_typing_a_logit_updates_the_loss_the_bars_and_the_link(streamlit_server, page):
    report = held_out_report(load_model(), load_digits())
    index = report.default_index
    goto_app(page, f"{streamlit_server}/mnist-digits")
    assert_no_streamlit_exception(page)
    page.locator('[data-testid="stMetric"]').filter(has_text="Loss for the true label").wait_for()
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


