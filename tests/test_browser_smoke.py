"""Smoke test: the app's start page loads in a real browser without an exception."""

from __future__ import annotations

import pytest
from browser_helpers import assert_no_streamlit_exception, goto_app

pytestmark = pytest.mark.browser


def test_app_root_renders_without_exception(streamlit_server, page):
    goto_app(page, streamlit_server)
    assert_no_streamlit_exception(page)
    assert page.title().strip(), "page has no <title>"
    heading = page.locator('[data-testid="stHeading"], h1').first
    heading.wait_for(state="visible", timeout=10_000)
    assert heading.inner_text().strip(), "page shows no heading"
