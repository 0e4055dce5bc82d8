"""Charts are redrawn in place: one element per chart, named by its key (ui/live_chart.py).

What the browser does with it (theme, toolbar, in-place redraw) is checked in Chromium by
tests/test_browser_screens.py and tests/test_browser_five_classes.py; here, what the server
sends and the plotly.js file it serves.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from apptest_helpers import APP, chart_data, charts, edit_row, open_page, plotly_figures

from ui import live_chart
from ui.colors import INK
from ui.figures import PRESENTER_FONT_SIZE, PRESENTER_TITLE_SIZE

FIVE = "pages/2_five_classes.py"


def test_a_move_sends_new_numbers_to_the_same_chart_elements():
    at = open_page(FIVE)
    before = {chart.proto.id: json.loads(chart_data(chart)["figure"]) for chart in charts(at)}
    edit_row(at, "five._rows", 3, "slider", 3.0)
    after = {chart.proto.id: json.loads(chart_data(chart)["figure"]) for chart in charts(at)}
    assert len(before) == 2 and before.keys() == after.keys(), "a move made new chart elements"
    for chart_id, figure in before.items():
        assert figure["data"] != after[chart_id]["data"], "the chart did not get the move"
    logits = next(iter(after.values()))  # the first chart: the logits
    assert 3.0 in logits["data"][0]["y"]


def test_a_chart_is_sent_without_a_template_with_its_name_and_png_download():
    at = open_page(FIVE)
    first = charts(at)[0]
    data = chart_data(first)
    figure = json.loads(data["figure"])
    assert "template" not in figure["layout"]  # the browser themes it
    assert INK in data["figure"]  # ... and swaps INK for the theme's text colour
    assert data["alt"] == "Logits x, arrows: one gradient step (lr = 1)"
    assert data["config"]["toImageButtonOptions"]["filename"].endswith(
        "logits-x-arrows-one-gradient-step")
    assert data["config"]["displayModeBar"] == "hover"
    assert figure == plotly_figures(at)[0]


def test_presenter_mode_sends_the_scaled_figure_to_the_same_element():
    at = open_page(FIVE)
    chart_id = charts(at)[0].proto.id
    at.sidebar.toggle(key="shell.present").set_value(True).run()
    chart = charts(at)[0]
    assert chart.proto.id == chart_id
    layout = json.loads(chart_data(chart)["figure"])["layout"]
    assert layout["title"]["font"]["size"] == PRESENTER_TITLE_SIZE
    assert layout["xaxis"]["tickfont"]["size"] >= PRESENTER_FONT_SIZE


def test_plotly_js_is_copied_from_the_plotly_package_and_replaced_when_it_differs(
        tmp_path, monkeypatch):
    static = tmp_path / "static"
    monkeypatch.setattr(live_chart, "STATIC_DIR", static)
    monkeypatch.setattr(live_chart, "PLOTLY_JS", static / "plotly.min.js")
    install = live_chart.install_plotly_js.__wrapped__  # not the once-per-process cache
    source = live_chart.PLOTLY_JS_SOURCE.read_bytes()
    assert install().read_bytes() == source
    # world-readable: the container builds it as root and serves it as the app's user
    assert (static / "plotly.min.js").stat().st_mode & 0o777 == 0o644
    (static / "plotly.min.js").write_text("an older plotly.js")
    assert install().read_bytes() == source
    assert sorted(p.name for p in static.iterdir()) == ["plotly.min.js"]  # no partial left


def test_the_app_serves_plotly_js_from_static():
    # app.py copies the file; .streamlit/config.toml turns Streamlit's static serving on.
    config = (live_chart.STATIC_DIR.parent / ".streamlit" / "config.toml").read_text()
    assert "enableStaticServing = true" in config
    assert Path(APP).parent / "static" == live_chart.STATIC_DIR  # static/ next to app.py
    assert "app/static/plotly.min.js" in live_chart.JS


def test_processes_starting_together_each_install_a_whole_copy(tmp_path, monkeypatch):
    # `make classroom` starts one process per core at once; each copies, none fails.
    static = tmp_path / "static"
    monkeypatch.setattr(live_chart, "STATIC_DIR", static)
    monkeypatch.setattr(live_chart, "PLOTLY_JS", static / "plotly.min.js")
    install = live_chart.install_plotly_js.__wrapped__
    with ThreadPoolExecutor(4) as pool:
        done = list(pool.map(lambda _: install(), range(8)))
    assert done == [static / "plotly.min.js"] * 8
    assert (static / "plotly.min.js").read_bytes() == live_chart.PLOTLY_JS_SOURCE.read_bytes()
    assert sorted(p.name for p in static.iterdir()) == ["plotly.min.js"]
