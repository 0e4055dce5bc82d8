"""static/: plotly.js and our elements' scripts, loaded once per tab (ui/assets.py)."""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from apptest_helpers import APP, charts, details_elements, element_of, open_page

from ui import assets, class_rows, details, live, live_chart, spreadsheet

EVERYTHING = ["class_rows.js", "details.js", "elements.css", "live_chart.js", "moves.js",
              "plotly.min.js", "spreadsheet.js"]


@pytest.fixture
def static(tmp_path, monkeypatch) -> Path:
    """An empty static/ for ui.assets to fill (the tests call install_static.__wrapped__,
    without its once-per-process cache)."""
    folder = tmp_path / "static"
    monkeypatch.setattr(assets, "STATIC_DIR", folder)
    monkeypatch.setattr(assets, "PLOTLY_JS", folder / "plotly.min.js")
    return folder


def test_plotly_and_the_scripts_are_copied_and_replaced_when_they_differ(static):
    install = assets.install_static.__wrapped__  # not the once-per-process cache
    install()
    assert sorted(p.name for p in static.iterdir()) == EVERYTHING  # no partial copy left
    assert (static / "plotly.min.js").read_bytes() == assets.PLOTLY_JS_SOURCE.read_bytes()
    for name in assets.ELEMENT_SCRIPTS:
        assert (static / name).read_bytes() == assets.script(name)
        # world-readable: the container builds them as root and serves them as the app's user
        assert (static / name).stat().st_mode & 0o777 == 0o644
    assert (static / "elements.css").read_bytes() == assets.stylesheet()
    (static / "plotly.min.js").write_text("an older plotly.js")
    (static / "live_chart.js").write_text("an older chart")
    (static / "elements.css").write_text(".an-older { stylesheet: 1 }")
    install()
    assert (static / "elements.css").read_bytes() == assets.stylesheet()
    assert (static / "plotly.min.js").read_bytes() == assets.PLOTLY_JS_SOURCE.read_bytes()
    assert (static / "live_chart.js").read_bytes() == assets.script("live_chart.js")
    assert sorted(p.name for p in static.iterdir()) == EVERYTHING


def test_processes_starting_together_each_install_whole_copies(static):
    # `make classroom` starts one process per core at once; each copies, none fails.
    install = assets.install_static.__wrapped__
    with ThreadPoolExecutor(4) as pool:
        done = list(pool.map(lambda _: install(), range(8)))
    assert all(paths == done[0] for paths in done)
    assert sorted(p.name for p in static.iterdir()) == EVERYTHING
    assert (static / "plotly.min.js").read_bytes() == assets.PLOTLY_JS_SOURCE.read_bytes()


def test_the_app_serves_static_next_to_app_py():
    # app.py installs the files; .streamlit/config.toml turns Streamlit's static serving on.
    config = (assets.STATIC_DIR.parent / ".streamlit" / "config.toml").read_text()
    assert "enableStaticServing = true" in config
    assert Path(APP).parent / "static" == assets.STATIC_DIR
    assert b"app/static/plotly.min.js" in assets.script("live_chart.js")


def test_an_element_sends_a_loader_named_by_its_scripts_hash(tmp_path, monkeypatch):
    for element, name in ((live_chart, "live_chart.js"), (class_rows, "class_rows.js"),
                          (spreadsheet, "spreadsheet.js"), (details, "details.js"),
                          (live, "moves.js")):
        version = hashlib.sha256(assets.script(name)).hexdigest()[:12]
        assert assets.element_js(name) == element.JS
        assert f"'app/static/{name}?v={version}'" in element.JS
    # a changed script is a new URL, so no browser draws with an old copy it cached
    for part in ("places.js", "svg_chart.js", *assets.ELEMENT_STYLES):
        (tmp_path / part).write_bytes((assets.UI_DIR / part).read_bytes())
    monkeypatch.setattr(assets, "UI_DIR", tmp_path)
    (tmp_path / "live_chart.js").write_text("export default function () {}")
    assert assets.element_js("live_chart.js") != live_chart.JS
    with pytest.raises(ValueError, match="not one of the elements' scripts"):
        assets.element_js("../app.py")


def test_every_element_adds_the_one_stylesheet_named_by_its_hash():
    version = hashlib.sha256(assets.stylesheet()).hexdigest()[:12]
    for element in (live_chart, class_rows, spreadsheet, details, live):
        assert f"'app/static/elements.css?v={version}'" in element.JS
    sheet = assets.stylesheet().decode()
    for part, rule in (("live_chart.css", ".xent-chart {"), ("class_rows.css", ".xent-rows"),
                       ("spreadsheet.css", ".xent-sheet"), ("details.css", ".xent-details {"),
                       ("moves.css", ":has(.xent-moves)")):
        assert (assets.UI_DIR / part).read_text() in sheet and rule in sheet, part


def test_the_chart_element_loads_the_svg_drawing_before_its_own_script():
    joined = assets.script("live_chart.js")
    drawing = (assets.UI_DIR / "svg_chart.js").read_bytes()
    places = (assets.UI_DIR / "places.js").read_bytes()
    assert joined.startswith(places + b"\n" + drawing)
    assert joined.endswith((assets.UI_DIR / "live_chart.js").read_bytes())
    assert b"function svgChart(" in drawing and b"svgChart(" in (
        assets.UI_DIR / "live_chart.js").read_bytes()


def test_the_chart_and_the_details_are_places_a_move_updates():
    # Both draw through inPlace (ui/places.js), which the moves element's data redraws.
    places = (assets.UI_DIR / "places.js").read_bytes()
    assert b"function inPlace(" in places and b"window.__xentPlaces" in places
    for name in ("live_chart.js", "details.js"):
        joined = assets.script(name)
        assert joined.startswith(places) and b"inPlace(component, draw" in joined, name
    assert b"window.__xentPlaces" in assets.script("moves.js")


def test_the_rows_and_the_spreadsheet_share_the_numbered_edits_script():
    shared = (assets.UI_DIR / "edits.js").read_bytes()
    for name in ("class_rows.js", "spreadsheet.js"):
        joined = assets.script(name)
        assert joined.startswith(shared) and joined.endswith((assets.UI_DIR / name).read_bytes())
        assert b"showValue(" in (assets.UI_DIR / name).read_bytes()  # and use it
        assert b"function showValue" not in (assets.UI_DIR / name).read_bytes()


def test_a_move_sends_each_element_without_its_code():
    at = open_page("pages/2_five_classes.py")
    sent = [*charts(at), element_of(at, "five._rows"), *details_elements(at),
            element_of(at, "five.moves")]
    for element in sent:
        assert len(element.proto.js_content) < 1000, element.proto.component_name
        assert element.proto.css_content == "", element.proto.component_name  # elements.css
    assert len(live_chart.JS) < 1000 and len(assets.script("live_chart.js")) > 10_000
