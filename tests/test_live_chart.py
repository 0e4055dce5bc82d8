"""Charts are redrawn in place: one element per chart, named by its key (ui/live_chart.py).

What the browser does with it (theme, toolbar, in-place redraw, the SVG route) is checked in
Chromium by tests/test_browser_screens.py and tests/test_browser_five_classes.py; here, what
the server sends, and which route draws which figure. The scripts it loads: test_assets.py.
"""

from __future__ import annotations

import json

from apptest_helpers import chart_data, charts, edit_row, open_page, plotly_figures

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


# ----------------------------------------------------------------- which route draws a chart


def five_class_figures() -> tuple[dict, dict]:
    from ui.five_class_figures import logit_figure, probability_figure
    names = ["cat", "dog", "<b>plane</b>", "fish", "building"]
    logits = [-2.17, -1.63, -2.75, 2.39, -0.156]
    logit = logit_figure(logits, [v + 0.1 for v in logits], [0.1] * 5, names, 3, lr=1.0)
    probability = probability_figure([0.1, 0.1, 0.1, 0.6, 0.1], names, 3)
    return logit.plain, probability.plain


def test_bars_per_class_and_gradient_arrows_are_drawn_as_svg_also_when_presenting():
    from ui.figures import present
    from ui.mnist_figures import log_probability_bars, logit_bars, probability_bars
    from xent_core import LOG_BASES

    mnist = [logit_bars([0.5] * 10, 3), probability_bars([0.1] * 10, 3),
             log_probability_bars([-2.3] * 10, 3, LOG_BASES["e"])]
    for figure in [*five_class_figures(), *(f.plain for f in mnist)]:
        assert live_chart.drawn_as_svg(figure)
        assert live_chart.drawn_as_svg(present(figure))


def changed(figure: dict, where: str, value) -> dict:
    """A deep copy of ``figure`` with the entry at ``where`` (dotted path; a number picks a
    trace) set to ``value``."""
    figure = json.loads(json.dumps(figure))
    *path, last = where.split(".")
    node = figure
    for part in path:
        node = node[int(part)] if part.isdigit() else node.setdefault(part, {})
    node[int(last) if last.isdigit() else last] = value
    return figure


def test_anything_the_svg_route_does_not_draw_goes_to_plotly():
    logit, probability = five_class_figures()
    unlike = [
        changed(probability, "data.0.type", "scatter"),
        changed(probability, "data.0.type", "heatmap"),
        changed(changed(probability, "data.0.orientation", "h"), "data.0.x",
                ["a", "b", "c", "d", "e"]),  # lying down, its values are names
        {"data": [{"type": "bar", "orientation": "h", "x": [0.5], "y": ["a"]},
                  {"type": "bar", "x": ["a"], "y": [0.5]}], "layout": {}},  # both ways
        changed(probability, "data.0.textposition", "auto"),
        changed(probability, "data.0.width", 0.5),
        changed(probability, "data.0.y", {"dtype": "f8", "bdata": "AAAAAAAA8D8="}),  # 1 of 5
        changed(probability, "data.0.y", {"dtype": "f8", "bdata": "AAAA", "shape": "1, 1"}),
        changed(probability, "data.0.y", [0.1, None, 0.1, 0.6, 0.1]),
        changed(probability, "data.0.y", [0.1, float("inf"), 0.1, 0.6, 0.1]),
        changed(changed(probability, "data.0.y", []), "data.0.x", []),
        changed(probability, "data.0.marker.pattern", {"shape": "x"}),
        changed(probability, "data.0.hovertemplate", "%{customdata[0]:,.2f}"),
        changed(probability, "data.0.hovertemplate", "%{marker.color}"),
        changed(probability, "data.0.hovertemplate", "%{y:,.2f}"),
        changed(probability, "layout.barmode", "overlay"),
        changed(probability, "layout.barmode", "relative"),
        changed(probability, "layout.yaxis.type", "log"),  # a log axis needs its ticks given
        changed(probability, "layout.yaxis.dtick", 1),
        changed(probability, "layout.xaxis.ticktext", ["<span style='color:red'>■</span>a"]),
        changed(probability, "layout.xaxis.title.text", "class <i>c</i>"),
        changed(probability, "layout.title.text", "p<sup>2</sup>"),
        changed(probability, "layout.title.x", 0.5),
        changed(probability, "layout.annotations", [{"text": "a note", "x": 1, "y": 1}]),
        changed(probability, "layout.annotations",
                [{"text": "a note", "x": 1, "y": 1, "showarrow": True}]),  # tail: Plotly's
        changed(probability, "layout.annotations",
                [{"text": "<i>a</i> note", "x": 1, "y": 1, "showarrow": False}]),
        changed(probability, "layout.shapes",
                [{"type": "line", "x0": 0, "x1": 1, "y0": 0, "y1": 1, "yref": "y domain"}]),
        changed(probability, "layout.shapes", [{"type": "rect", "x0": 0, "x1": 1, "y0": 0,
                                                "y1": 1}]),
        changed(logit, "data.1.marker.symbol", "circle"),  # turned by angleref, not an arrow
        changed(logit, "data.1.marker.symbol", "line-ew"),
        changed(logit, "data.1.fill", "tozeroy"),
        changed(logit, "data.1.mode", "markers+text"),
        {"data": [], "layout": probability["layout"]},
    ]
    assert live_chart.drawn_as_svg(probability)
    for figure in unlike:
        assert not live_chart.drawn_as_svg(figure), figure


def test_what_the_svg_route_draws_beyond_one_bar_per_class():
    logit, probability = five_class_figures()
    alike = [
        changed(probability, "data.0.marker.pattern", {"shape": "/"}),
        changed(probability, "layout.xaxis.title.text", "class"),
        changed(probability, "layout.xaxis.ticktext", ["a", "<b>b</b>", "c", "d", "e"]),
        changed(probability, "layout.shapes", [{"type": "line", "xref": "x", "yref": "paper",
                                                "x0": 1, "x1": 1, "y0": 0, "y1": 1}]),
        changed(probability, "layout.annotations",
                [{"text": "a<br>note", "x": 1, "y": 0.5, "yref": "paper", "showarrow": False}]),
        changed(logit, "layout.showlegend", True),
        changed(changed(probability, "data.0.customdata", [[1, 0.5]] * 5), "data.0.hovertemplate",
                "row %{customdata[0]}: %{customdata[1]:.4g}"),
        changed(probability, "layout.barmode", "stack"),
        changed(probability, "data.0.textposition", "inside"),
        changed(changed(changed(probability, "data.0.orientation", "h"), "data.0.x",
                        [0.1, 0.1, 0.1, 0.6, 0.1]), "data.0.y", [0, 1, 2, 3, 4]),
    ]
    for figure in alike:
        assert live_chart.drawn_as_svg(figure), figure


def test_pages_send_each_chart_with_the_route_that_draws_it():
    def routes(page: str) -> list[str]:
        return [chart_data(chart)["draw"] for chart in charts(open_page(page))]

    assert routes(FIVE) == ["svg", "svg"]
    # the sweep of the three losses, their gradients, and the race: lines, markers and bars
    assert routes("pages/5_why_not_mse.py") == ["svg", "svg", "svg"]
    # grouped bars with patterns, then four lines with a guide line and a note
    assert routes("pages/6_sigmoid_or_softmax.py") == ["svg", "svg"]
    # grouped bars, H(p) + KL(p‖q) as one bar lying down; the reliability diagram (bars of
    # given widths, line-shaped markers) by Plotly; the temperature curves on a log axis
    assert routes("pages/8_soft_labels.py") == ["svg", "svg", "plotly", "svg"]
    # the rows on the loss curve: a curve, markers with their row numbers, a ring and a note
    # with an arrow; the three precisions' stacked bars, values above, notes over each
    assert routes("pages/1_cat_vs_dog.py") == ["svg"]
    assert routes("pages/7_overflow.py") == ["svg"]
    # heatmaps; bars per example with a dashed mean under a title with <sup>: Plotly's
    assert set(routes("pages/3_pytorch_batch.py")) == {"plotly"}


def test_presenter_mode_keeps_the_svg_route_for_lines_and_grouped_bars():
    at = open_page("pages/6_sigmoid_or_softmax.py")
    at.sidebar.toggle(key="shell.present").set_value(True).run()
    layouts = [json.loads(chart_data(chart)["figure"])["layout"] for chart in charts(at)]
    assert [chart_data(chart)["draw"] for chart in charts(at)] == ["svg", "svg"]
    assert all(layout["font"]["size"] >= PRESENTER_FONT_SIZE for layout in layouts)
    assert layouts[0]["legend"]["font"]["size"] >= PRESENTER_FONT_SIZE
