"""Charts of lines, markers and grouped or lying bars, drawn as SVG by the chart element
(ui/svg_chart.js), in Chromium: what they show follows the lesson's numbers and a key press,
the legend names each trace, hover labels name the nearest point.

Which figures take this route: tests/test_live_chart.py. Bars per class (Five classes,
MNIST): tests/test_browser_five_classes.py.
"""

from __future__ import annotations

import re

import pytest
from browser_helpers import expect_rerun
from lesson_browser import CHART, open_lesson

pytestmark = pytest.mark.browser

SWEEP_JS = """
(svg) => ({
  guide: +svg.querySelector('line.shape').getAttribute('x1'),
  markers: [...svg.querySelectorAll('circle.point')].map(c => [+c.getAttribute('cx'),
                                                               +c.getAttribute('cy')]),
  legend: [...svg.querySelectorAll('.legendtext')].map(t => t.textContent),
  line: svg.querySelector('path.js-line').getAttribute('d'),
})
"""


def test_the_sweep_of_three_losses_follows_the_true_logit(streamlit_server, page):
    open_lesson(page, streamlit_server, "why-not-mse", charts=1)
    sweep = page.locator(CHART).first.locator("svg.main-svg")
    assert page.locator(f"{CHART} .js-plotly-plot").count() == 0  # no chart left to Plotly
    before = sweep.evaluate(SWEEP_JS)
    assert before["legend"] == ["cross-entropy", "MSE", "hinge"]
    # One marker per loss on the loss panel, one per gradient below, all at the current
    # logit, on the dashed guide line; on the loss panel the losses of the confidently wrong
    # example (cross-entropy 9.02 nats, hinge 5.33, MSE 0.65) from top to bottom.
    assert len(before["markers"]) == 6
    assert all(abs(x - before["guide"]) < 0.6 for x, _ in before["markers"])
    ce, mse, hinge = (y for _, y in before["markers"][:3])
    assert ce < hinge < mse

    page.get_by_role("slider").first.focus()
    for _ in range(2):
        with expect_rerun(page):
            page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "([chart, x]) => +chart.querySelector('line.shape').getAttribute('x1') > x + 0.1",
        arg=[page.locator(CHART).first.element_handle(), before["guide"]], timeout=10_000)
    after = sweep.evaluate(SWEEP_JS)
    assert all(abs(x - after["guide"]) < 0.6 for x, _ in after["markers"])
    assert after["line"] == before["line"]  # the curves stay; only the logit moved
    assert after["markers"][0][1] > ce  # a logit nearer right: a lower cross-entropy

    # Hover over a point of the cross-entropy curve: its label names the loss and its value.
    x, y = (float(v) for v in re.findall(r"[ML]([\d.]+),([\d.]+)", before["line"])[40])
    box = sweep.bounding_box()
    page.mouse.move(box["x"] + x, box["y"] + y)
    tip = page.locator(f"{CHART} .xent-chart-tip").first
    tip.wait_for(state="visible", timeout=5_000)
    assert re.match(r"cross-entropy: \d+\.\d{4} nats\nx = −?\d+\.\d\d, p\(true\) = ",
                    tip.inner_text()), tip.inner_text()


BARS_JS = """
(svg) => ({
  bars: [...svg.querySelectorAll('.bars .point path')].map(p => {
    const box = p.getBBox();
    return {width: box.width, height: box.height, fill: p.getAttribute('fill')};
  }),
  texts: [...svg.querySelectorAll('.bartext text')].map(t => t.textContent),
  legend: [...svg.querySelectorAll('.legendtext')].map(t => t.textContent),
  patterns: [...svg.querySelectorAll('defs pattern')].map(p => p.id),
})
"""


def test_softmax_and_sigmoid_side_by_side_with_hatching_for_sigmoid(streamlit_server, page):
    open_lesson(page, streamlit_server, "sigmoid-or-softmax", charts=1)
    chart = page.locator(CHART).first.locator("svg.main-svg")
    drawn = chart.evaluate(BARS_JS)
    assert drawn["legend"] == ["softmax (all add up to 1)", "sigmoid (each on its own)"]
    softmax, sigmoid = drawn["bars"][:4], drawn["bars"][4:]
    assert len(sigmoid) == 4
    # the lesson's example: softmax shares one unit, sigmoid scores each class on its own
    assert drawn["texts"][:2] == ["0.600", "0.881"]  # cat: softmax, then sigmoid beside it
    values = [float(t) for t in drawn["texts"]]
    per_class = [v for pair in zip(softmax, sigmoid, strict=True) for v in pair]
    for value, bar in zip(values, per_class, strict=True):  # heights in proportion
        assert bar["height"] == pytest.approx(value / values[0] * per_class[0]["height"],
                                              abs=1.0)
    assert all(bar["fill"].startswith("#") for bar in softmax)
    assert {bar["fill"] for bar in sigmoid} == {f"url(#{drawn['patterns'][0]})"}


def test_the_loss_as_entropy_plus_kl_in_one_bar(streamlit_server, page):
    open_lesson(page, streamlit_server, "soft-labels", charts=2)
    chart = page.locator(CHART).nth(1).locator("svg.main-svg")
    drawn = chart.evaluate(BARS_JS)
    entropy, kl = drawn["bars"]
    # label smoothing 0.1 on five classes: H(p) = 0.3897 nats, KL(p‖q) = 0.0424 nats
    assert drawn["texts"] == ["H(p) = 0.3897", "KL(p‖q) = 0.0424"]
    assert entropy["width"] / kl["width"] == pytest.approx(0.3897 / 0.0424, rel=0.03)
    assert entropy["height"] == pytest.approx(kl["height"])
