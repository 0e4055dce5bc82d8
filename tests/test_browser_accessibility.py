"""axe-core in a real browser: no critical or serious accessibility violation on any page, at a
projector's 1920×1080 and a phone's 390×844.

axe-core is the npm package pinned in package.json (``scripts/test.sh`` runs ``npm ci``); the
test injects ``node_modules/axe-core/axe.min.js`` into each page after Streamlit has drawn it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from browser_helpers import assert_no_streamlit_exception, goto_app, wait_for_streamlit_idle

from ui.lessons import HOME, PAGES

pytestmark = pytest.mark.browser

AXE_JS = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"

# Every page of the registry: the start page (at the app's root), the lessons, the teacher's.
PAGE_PATHS = tuple("" if page is HOME else page.url_path for page in PAGES)
VIEWPORTS = {"1920x1080": {"width": 1920, "height": 1080},
             "390x844": {"width": 390, "height": 844}}
# The dark theme (the browser's dark colour scheme) at the projector's width.
DARK = {"width": 1920, "height": 1080}
BLOCKING = ("critical", "serious")


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE_JS.is_file():
        message = f"{AXE_JS} is missing: run `npm ci` (scripts/test.sh does)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return AXE_JS.read_text()


def axe_violations(page, axe_source: str) -> list[dict]:
    """Run axe-core on the whole document; return its violations (every impact)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source)
    return page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations")


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({len(v['nodes'])} node(s))")
        for node in v["nodes"][:6]:
            target = json.dumps(node["target"])
            summary = node.get("failureSummary", "").replace("\n", " ")[:240]
            lines.append(f"    {target}: {summary}")
    return "\n".join(lines)


def open_page(browser, server: str, path: str, viewport: dict, **context_options):
    context = browser.new_context(viewport=viewport, **context_options)
    page = context.new_page()
    goto_app(page, server)  # a fresh server learns its page paths on the first run
    if path:
        goto_app(page, f"{server}/{path}")
    page.wait_for_timeout(600)  # Plotly and the data grid finish drawing after the run
    wait_for_streamlit_idle(page)
    assert_no_streamlit_exception(page)
    return context, page


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=list(VIEWPORTS))
@pytest.mark.parametrize("path", PAGE_PATHS, ids=[p or "start" for p in PAGE_PATHS])
def test_axe_finds_no_critical_or_serious_violation(streamlit_server, browser, axe_source,
                                                      path, viewport):
    context, page = open_page(browser, streamlit_server, path, VIEWPORTS[viewport])
    try:
        blocking = [v for v in axe_violations(page, axe_source) if v["impact"] in BLOCKING]
        assert not blocking, (f"axe-core on /{path} at {viewport}:\n" + describe(blocking))
    finally:
        context.close()


@pytest.mark.parametrize("path", PAGE_PATHS, ids=[p or "start" for p in PAGE_PATHS])
def test_axe_finds_no_critical_or_serious_violation_in_the_dark_theme(streamlit_server, browser,
                                                                      axe_source, path):
    context, page = open_page(browser, streamlit_server, path, DARK, color_scheme="dark")
    try:
        blocking = [v for v in axe_violations(page, axe_source) if v["impact"] in BLOCKING]
        assert not blocking, (f"axe-core on /{path}, dark theme:\n" + describe(blocking))
    finally:
        context.close()
