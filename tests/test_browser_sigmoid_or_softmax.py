"""Page 6 in a real browser: the keyboard moves a score and both losses follow, the copy link
reopens the same state (labels included), a move redraws every chart and number in its place
as a fresh load of its link draws them (also after a theme switch), and the stage fits the
first screen."""

from __future__ import annotations

import pytest
from browser_helpers import (
    assert_no_streamlit_exception,
    expect_rerun,
    readme_screenshot,
    streamlit_state,
)
from lesson_browser import (
    STAGE_SIZES,
    assert_stage_fits,
    box_message,
    copy_link,
    fresh_page,
    metric_value,
    open_lesson,
    places_text,
    same_state,
    switch_to_dark,
)

from xent_core.lessons import sigmoid_or_softmax
from xent_core.lessons.sigmoid_or_softmax import PRESETS

pytestmark = pytest.mark.browser

START = PRESETS["cat and dog"]


def losses(scores, labels) -> tuple[str, str]:
    view = sigmoid_or_softmax(scores, labels)
    return f"{view.softmax_loss:.4f} nats", f"{view.bce:.4f} nats"


def test_the_keyboard_moves_a_score_and_both_losses_follow(streamlit_server, page):
    open_lesson(page, streamlit_server, "sigmoid-or-softmax")
    assert (metric_value(page), metric_value(page, 1)) == losses(*START)
    dog_slider = page.get_by_role("slider").nth(1)
    dog_slider.focus()
    for _ in range(2):
        with expect_rerun(page):
            page.keyboard.press("ArrowLeft")
    moved = [2.0, 1.48, -1.0, -2.5]
    assert (metric_value(page), metric_value(page, 1)) == losses(moved, START[1])
    assert "x=2%2C1.48" in page.url
    assert_no_streamlit_exception(page)


def test_the_copy_link_reopens_the_same_labels_and_scores(streamlit_server, page, browser):
    open_lesson(page, streamlit_server, "sigmoid-or-softmax")
    box = page.get_by_role("textbox", name="Score of tree (exact)")
    with expect_rerun(page):
        box.fill("3")
        box.press("Enter")
    # Remove "dog" from the true labels: the tag's × button.
    with expect_rerun(page):
        page.get_by_test_id("stMultiSelect").get_by_label("Remove dog").click()
    scores = [2.0, 1.5, -1.0, 3.0]
    assert (metric_value(page), metric_value(page, 1)) == losses(scores, (0,))
    link = copy_link(page)
    assert same_state(link, page.url), (link, page.url)
    assert "labels=cat" in link

    with fresh_page(browser, link) as other:
        assert (metric_value(other), metric_value(other, 1)) == losses(scores, (0,))


# Every chart and details element below the header (the copy link's is in its popover).
# A move reruns the lesson fragment alone: Streamlit's fixed messages, the score rows and the
# one moves element (8 today); a run of the whole page sends about 80.
MOST_MESSAGES_A_MOVE = 12


def test_moves_redraw_every_place_as_a_fresh_load_of_their_link(streamlit_server, page,
                                                                browser):
    open_lesson(page, streamlit_server, "sigmoid-or-softmax", charts=2)
    start = places_text(page, charts=2)
    assert (len(start["charts"]), len(start["details"])) == (2, 10)
    with expect_rerun(page):  # a run of the page: the labels, and off the story
        page.get_by_test_id("stMultiSelect").get_by_label("Remove dog").click()
    page.get_by_role("slider").nth(1).focus()  # dog's score
    for _ in range(3):
        received = streamlit_state(page)["ws"]["received"]
        with expect_rerun(page):
            page.keyboard.press("ArrowLeft")
        assert streamlit_state(page)["ws"]["received"] - received <= MOST_MESSAGES_A_MOVE
    box = page.get_by_role("textbox", name="Score of tree (exact)")
    received = streamlit_state(page)["ws"]["received"]
    with expect_rerun(page):
        box.fill("3")
        box.press("Enter")
    assert streamlit_state(page)["ws"]["received"] - received <= MOST_MESSAGES_A_MOVE
    scores = [2.0, 1.47, -1.0, 3.0]
    assert (metric_value(page), metric_value(page, 1)) == losses(scores, (0,))
    moved = places_text(page, charts=2)
    # every place has moved but the chart of the two BCE routes (only the log base moves it)
    assert [now == before for now, before in zip(moved["charts"], start["charts"],
                                                 strict=True)] == [False, True]
    assert not any(now == before for now, before in zip(moved["details"], start["details"],
                                                        strict=True))
    code = moved["details"][-1][1]
    assert "x = torch.tensor([2, 1.47, -1, 3], dtype=torch.float64)" in code

    link = copy_link(page)
    assert same_state(link, page.url) and "x=2%2C1.47%2C-1%2C3" in link, link
    with fresh_page(browser, link) as other:
        assert places_text(other, charts=2) == moved

    switch_to_dark(page)
    assert places_text(page, charts=2) == moved  # the last move, not the full run
    assert_no_streamlit_exception(page)


@pytest.mark.parametrize("size", STAGE_SIZES, ids=lambda s: f"{s['width']}x{s['height']}")
def test_the_stage_fits_the_first_screen(streamlit_server, page, size):
    open_lesson(page, streamlit_server, "sigmoid-or-softmax")
    assert_stage_fits(page, size)


def test_screenshot_of_a_cat_and_a_dog(streamlit_server, page):
    open_lesson(page, streamlit_server, "sigmoid-or-softmax", charts=2)
    readme_screenshot(page, "sigmoid_or_softmax")


def test_a_cleared_score_box_keeps_both_losses_and_says_why(streamlit_server, page):
    open_lesson(page, streamlit_server, "sigmoid-or-softmax")
    before = (metric_value(page), metric_value(page, 1))
    box = page.get_by_role("textbox", name="Score of cat (exact)")
    with expect_rerun(page):
        box.fill("")
        box.press("Tab")
    message = box_message(page, box, "the box is empty")
    assert "the score of cat stays 2.000" in message.inner_text()
    assert (metric_value(page), metric_value(page, 1)) == before == losses(*START)
