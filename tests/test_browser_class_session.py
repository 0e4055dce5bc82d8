"""A class in real browsers: one teacher and three students on one server.

The students join through the teacher's link and send guesses; the teacher's live view
counts them within 3 s (no click); the teacher reveals and every student sees the answer.
"""

from __future__ import annotations

import re
import time

import pytest
from browser_helpers import (
    assert_no_streamlit_exception,
    expect_rerun,
    goto_app,
    install_run_tracker,
    readme_screenshot,
    screenshot,
)
from conftest import VIEWPORT
from playwright.sync_api import expect

from classroom.checkpoints import CHECKPOINTS

pytestmark = pytest.mark.browser

FIRST = CHECKPOINTS[0]  # the teacher page offers the first checkpoint first
GUESSES = {"Ada": "0.3", "<b>Bo</b>": "0.5", "Cy": "0.31"}
LIVE_BUDGET_S = 3.0


def new_page(browser):
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    install_run_tracker(page)
    return context, page


def metric_value(page, label: str) -> str:
    metric = page.get_by_test_id("stMetric").filter(has_text=label)
    return metric.get_by_test_id("stMetricValue").inner_text().strip()


def wait_for(read, expected: str, timeout_s: float, what: str) -> float:
    """Poll ``read()`` until it returns ``expected``; return the seconds it took."""
    start = time.monotonic()
    while (seen := read()) != expected:
        if time.monotonic() - start > timeout_s:
            pytest.fail(f"not within {timeout_s} s: {what} (still {seen!r})")
        time.sleep(0.1)
    return time.monotonic() - start


def test_students_answer_the_teacher_sees_it_live_and_the_reveal_reaches_them(
        streamlit_server, browser):
    contexts = []
    try:
        teacher_context, teacher = new_page(browser)
        contexts.append(teacher_context)
        goto_app(teacher, streamlit_server)  # a fresh server learns its page paths first
        goto_app(teacher, f"{streamlit_server}/teach")
        teacher.get_by_label("Title (optional)").fill("Browser test class")
        with expect_rerun(teacher):
            teacher.get_by_role("button", name="Start a class session").click()
        heading = teacher.get_by_text(re.compile(r"Class code: [A-Z2-9]{6}")).first
        heading.wait_for(state="visible")
        code = re.search(r"[A-Z2-9]{6}$", heading.inner_text().strip()).group(0)
        assert f"?class={code}" in teacher.locator('[data-testid="stCode"]').first.inner_text()
        with expect_rerun(teacher):
            teacher.get_by_role("button", name="Ask the class").click()
        teacher.get_by_text(FIRST.question).first.wait_for(state="visible")
        assert metric_value(teacher, "Answered") == "0 of 0"

        students = []
        for name in GUESSES:
            context, student = new_page(browser)
            contexts.append(context)
            goto_app(student, f"{streamlit_server}/?class={code}")
            expect(student.get_by_label("Class code")).to_have_value(code, timeout=10_000)
            student.get_by_label("Nickname (optional)").fill(name)
            with expect_rerun(student):
                student.get_by_role("button", name="Join").click()
            student.get_by_text(f"You are {name}.").wait_for(state="visible")
            students.append(student)

        for guess, student in zip(GUESSES.values(), students, strict=True):
            sidebar = student.get_by_test_id("stSidebar")
            sidebar.get_by_text("Class question").wait_for(state="visible", timeout=10_000)
            box = sidebar.get_by_label("Your guess")
            box.fill(guess)
            with expect_rerun(student):
                box.press("Enter")  # commits the number (the box refreshes itself too)
            with expect_rerun(student):
                sidebar.get_by_role("button", name="Send my guess").click()
            sidebar.get_by_text(f"Sent: {float(guess):.{FIRST.digits}f}.").wait_for(
                state="visible", timeout=10_000)
            assert_no_streamlit_exception(student)

        took = wait_for(lambda: metric_value(teacher, "Answered"), "3 of 3",
                        LIVE_BUDGET_S, "the teacher's view counts the third answer")
        print(f"teacher saw the third answer {took:.2f} s after it was stored")
        bars = teacher.locator('[data-testid="xent-chart"] .bars .point')
        assert bars.count() >= 2  # 0.3 and 0.31 share a bin, 0.5 has its own
        readme_screenshot(teacher, "teacher-view")

        teacher.get_by_role("button", name="Reveal the answer").click()
        wait_for(lambda: metric_value(teacher, "Within tolerance"), "67%", 5,
                 "the teacher sees the share within tolerance after the reveal")
        answer = f"Answer: {FIRST.true_answer():.{FIRST.digits}f}"
        for guess, student in zip(GUESSES.values(), students, strict=True):
            sidebar = student.get_by_test_id("stSidebar")
            sidebar.get_by_text(answer).wait_for(state="visible", timeout=10_000)
            verdict = FIRST.score(float(guess)).describe(FIRST.digits)
            sidebar.get_by_text(verdict).wait_for(state="visible", timeout=10_000)
            assert_no_streamlit_exception(student)
        # the markup nickname is text on the student's own screen, never bold
        assert students[1].locator('[data-testid="stSidebar"] b').count() == 0

        # a reload keeps Ada's seat: her address holds it, and her guess is still hers
        ada = students[0]
        assert re.search(rf"class={code}&seat=\d+\.[\w-]+", ada.url), ada.url
        ada.reload()
        sidebar = ada.get_by_test_id("stSidebar")
        sidebar.get_by_text("You are Ada.").wait_for(state="visible", timeout=10_000)
        sidebar.get_by_text(answer).wait_for(state="visible", timeout=10_000)
        verdict = FIRST.score(float(GUESSES["Ada"])).describe(FIRST.digits)
        sidebar.get_by_text(verdict).wait_for(state="visible", timeout=10_000)
        assert_no_streamlit_exception(ada)
        assert metric_value(teacher, "Answered") == "3 of 3"  # no second seat for Ada
    except BaseException:
        for i, context in enumerate(contexts):  # every screen, for the failure report
            for j, page in enumerate(context.pages):
                screenshot(page, f"class-session-failure-{i}-{j}")
        raise
    finally:
        for context in contexts:
            context.close()
