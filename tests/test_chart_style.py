"""The charts' look, checked on the figure builders without a browser: colours that read in
the light and the dark theme, presenter-mode font sizes, colour scales, arrows, download names.
"""

from __future__ import annotations

import json
import re

import numpy as np
import plotly.io as pio
import pytest
from apptest_helpers import plotly_array

from ui import (
    assets,
    batch_figures,
    cat_dog_figures,
    five_class_figures,
    mnist_figures,
    overflow_figures,
    sigmoid_softmax_figures,
    soft_label_figures,
    why_not_mse_figures,
    widgets,
)
from ui.colors import (
    CLASS_COLORS,
    DARK_BACKGROUND,
    INK,
    LIGHT_BACKGROUND,
    MARKER_EDGE,
    NEUTRAL,
    contrast_ratio,
    relative_luminance,
)
from ui.figure_spec import SpecFigure, checked, figure_from_spec, frozen, plain_spec
from ui.figures import (
    PRESENTER_FONT_SIZE,
    class_bars,
    class_bars_spec,
    house_layout,
    present,
    wrap_title,
)
from ui.widgets import (
    CHART_CONFIG,
    chart_config,
    chart_filename,
    figure_title,
    slug,
)
from xent_core import LOG_BASES, explain, get_log_base
from xent_core.lessons import overflow, sigmoid_or_softmax, soft_labels, why_not_mse

BACKGROUNDS = {"light": LIGHT_BACKGROUND, "dark": DARK_BACKGROUND}
NAMES = ("cat", "dog", "fish", "bird", "frog")
LOGITS = [2.0, 1.0, 0.1, -1.0, 0.5]


def five_class_figures_for_test():
    b = explain(np.array(LOGITS), 2, log_base=LOG_BASES["e"])
    step = np.array(LOGITS) - 1.0 * np.asarray(b.grad)
    return [
        five_class_figures.logit_figure(LOGITS, step, b.grad, NAMES, 2, lr=1.0),
        five_class_figures.probability_figure(b.probabilities, NAMES, 2),
        five_class_figures.loss_history_figure([1.2, 0.9, 0.7], LOG_BASES["e"], 2),
    ]


def batch_figures_for_test():
    logits = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3], [1.0, 1.0, 3.0]])
    targets = [0, 1, -100]
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return [
        batch_figures.logits_heatmap(logits, targets),
        batch_figures.probabilities_heatmap(p, targets),
        batch_figures.log_probabilities_heatmap(np.log(p), targets, LOG_BASES["e"]),
        batch_figures.row_loss_bars([0.4, 0.2, 0.0], targets, log_base=LOG_BASES["e"],
                                    title="Loss of each example", mean=0.3),
    ]


def mnist_figures_for_test():
    confusion = np.diag(np.full(10, 50)) + np.eye(10, k=1, dtype=int) * 3
    return [
        mnist_figures.probability_bars(np.full(10, 0.1), 3),
        mnist_figures.loss_histogram_figure([50, 10, 3, 1], [0, 1, 2, 3, 4], mean_loss=0.36,
                                            base=LOG_BASES["e"]),
        mnist_figures.mean_loss_by_digit_figure(np.linspace(0.1, 1, 10), mean_loss=0.36,
                                                base=LOG_BASES["e"]),
        mnist_figures.confusion_figure(confusion),
    ]


def cat_dog_figure_for_test():
    return cat_dog_figures.rows_on_loss_curve(
        LOG_BASES["e"], true_class_values=[0.9, 0.6, 0.999, 0.2], losses=[
            -np.log(0.9), -np.log(0.6), -np.log(0.999), -np.log(0.2)],
        labels=[0, 1, 0, 1], row_numbers=[1, 2, 3, 4], class_names=("cat", "dog"), mistake=3)


def why_not_mse_figures_for_test():
    view = why_not_mse(LOGITS, 2)
    r = view.readings
    return [
        why_not_mse_figures.sweep_figure(
            view.sweep_logits, view.sweep_probabilities, [x.sweep_loss for x in r],
            [x.sweep_grad for x in r], view.logits[2], [x.loss for x in r],
            [x.grad[2] for x in r], true_name="fish", log_base=view.log_base),
        why_not_mse_figures.gradient_figure([x.grad for x in r], NAMES, 2),
        why_not_mse_figures.race_figure([x.race_loss for x in r],
                                        [x.race_target_probability for x in r],
                                        true_name="fish", log_base=view.log_base, lr=1.0),
    ]


def sigmoid_softmax_figures_for_test():
    view = sigmoid_or_softmax(LOGITS, (0, 1))
    return [
        sigmoid_softmax_figures.probabilities_figure(
            view.softmax_probabilities, view.sigmoid_probabilities, NAMES, view.multi_hot),
        sigmoid_softmax_figures.bce_routes_figure(
            view.sweep_logits, view.sweep_naive_positive, view.sweep_stable_positive,
            view.sweep_naive_negative, view.sweep_stable_negative, view.naive_breaks_above,
            log_base=view.log_base),
    ]


def overflow_figure_for_test():
    view = overflow((710.0, 700.0, 3.0), 1, 0.0)  # breaks by hand in every precision
    return overflow_figures.precision_figure(view.routes, NAMES[:3], 1)


def soft_label_figures_for_test():
    view = soft_labels([-2.17, -1.63, -2.75, 2.39, -0.156], 3, 0.1, 2.0, 1.5)
    bins = view.reliability
    return [
        soft_label_figures.target_prediction_figure(view.target, view.probabilities, NAMES,
                                                    temperature=2.0, target_index=3),
        soft_label_figures.decomposition_figure(view.entropy, view.kl_divergence,
                                                view.cross_entropy, unit="nats"),
        soft_label_figures.reliability_figure(bins.centers, bins.accuracy,
                                              bins.mean_confidence, bins.counts,
                                              temperature=1.5),
        soft_label_figures.temperature_curve_figure(
            view.curve_temperatures, view.curve_nll, view.curve_expected_calibration_error,
            view.curve_mean_confidence, accuracy=view.accuracy, temperature=1.5,
            fitted_temperature=view.fitted_temperature, unit="nats"),
    ]


def every_figure():
    return [*five_class_figures_for_test(), *batch_figures_for_test(),
            *mnist_figures_for_test(), cat_dog_figure_for_test(),
            *why_not_mse_figures_for_test(), *sigmoid_softmax_figures_for_test(),
            overflow_figure_for_test(), *soft_label_figures_for_test()]


def lesson_5_to_8_figures():
    return [*why_not_mse_figures_for_test(), *sigmoid_softmax_figures_for_test(),
            overflow_figure_for_test(), *soft_label_figures_for_test()]


def own_spec(figure) -> dict:
    """The figure as a dict without Plotly's default template: what the builders set
    themselves."""
    spec = figure.to_dict()
    spec["layout"].pop("template", None)
    return spec


def colours_in(node, key: str = "") -> list[tuple[str, str]]:
    """Every (key, colour) set anywhere in a figure dict."""
    found = []
    if isinstance(node, dict):
        for k, v in node.items():
            found += colours_in(v, k)
    elif isinstance(node, list | tuple):
        for v in node:
            found += colours_in(v, key)
    elif isinstance(node, str) and re.fullmatch(r"#[0-9A-Fa-f]{6}", node):
        found.append((key, node))
    return found


# ------------------------------------------------------------------------------ theme


@pytest.mark.parametrize("theme", BACKGROUNDS)
def test_every_class_colour_reads_at_3_to_1_on_both_theme_backgrounds(theme):
    for color in CLASS_COLORS:
        assert contrast_ratio(color, BACKGROUNDS[theme]) >= 3.0, (color, theme)
    assert contrast_ratio(NEUTRAL, BACKGROUNDS[theme]) >= 3.0


def test_class_colours_are_ten_distinct_colours_of_the_okabe_ito_family():
    assert len(set(CLASS_COLORS)) == 10
    assert CLASS_COLORS[0] == "#0072B2" and CLASS_COLORS[5] == "#D55E00"  # unchanged hues


def test_contrast_ratio_matches_the_wcag_reference_values():
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)
    assert relative_luminance("#FFFFFF") == pytest.approx(1.0)
    with pytest.raises(ValueError, match="colour like"):
        relative_luminance("red")


def test_ink_is_the_placeholder_the_chart_swaps_for_the_themes_text_colour():
    # The browser side of ui.live_chart swaps every INK in the figure's JSON for the theme's
    # text colour (tests/test_browser_screens.py checks the outline on a dark page); drawn
    # anywhere else (a figure opened outside the app), INK is near-black and reads on white.
    script = assets.script("live_chart.js").decode()  # what the browser runs
    assert f"const INK = '{INK}';" in script
    assert script.count("state.figure.split(INK).join(theme.text)") == 2  # both routes
    assert contrast_ratio(INK, "#FFFFFF") >= 15


def test_no_figure_fixes_a_background_and_all_text_is_in_the_themes_ink():
    """The chart (ui.live_chart) takes the background of the theme the page shows (light or
    dark) and turns INK into that theme's text colour."""
    for figure in every_figure():
        layout = own_spec(figure)["layout"]
        assert "paper_bgcolor" not in layout and "plot_bgcolor" not in layout
        assert layout["font"]["color"] == INK, figure_title(figure)
        for axis in ("xaxis", "yaxis"):
            assert layout[axis]["tickfont"]["color"] == INK, figure_title(figure)
            assert layout[axis]["title"]["font"]["color"] == INK, figure_title(figure)


def test_every_colour_a_figure_sets_reads_on_both_backgrounds():
    allowed_fills = {"colorscale"}  # heat-map scales: the cells carry their own numbers
    for figure in every_figure():
        for key, color in colours_in(own_spec(figure)):
            if key in allowed_fills or color == INK:
                continue
            for theme, background in BACKGROUNDS.items():
                assert contrast_ratio(color, background) >= 3.0, (
                    figure_title(figure), key, color, theme)


def colour_strings_in(node) -> list[str]:
    """Every string in a figure dict that names a colour in a way Plotly understands."""
    if isinstance(node, dict):
        return [c for v in node.values() for c in colour_strings_in(v)]
    if isinstance(node, list | tuple):
        return [c for v in node for c in colour_strings_in(v)]
    if isinstance(node, str) and re.fullmatch(r"#[0-9A-Fa-f]{3,8}|rgba?\(.*\)|black|white",
                                              node):
        return [node]
    return []


def test_lessons_5_to_8_draw_no_light_theme_box_and_write_text_in_ink():
    """Lessons 5-8 once drew white legend boxes and #222 text: a white patch and near-black
    words on a dark page. Their text, outlines and guides are in INK, which the chart theme
    turns into the theme's text grey; nothing but class colours and the neutral grey remains."""
    for figure in lesson_5_to_8_figures():
        spec = own_spec(figure)
        assert "bgcolor" not in spec["layout"].get("legend", {}), figure_title(figure)
        for annotation in spec["layout"].get("annotations", []):
            assert "bgcolor" not in annotation, figure_title(figure)
            if "color" in annotation.get("font", {}):
                assert annotation["font"]["color"] == INK, figure_title(figure)
        axes = [k for k in spec["layout"] if k.startswith(("xaxis", "yaxis"))]
        for axis in axes:  # second axes too: the theme's own tick grey is 3.7:1 on white
            assert spec["layout"][axis]["tickfont"]["color"] == INK, (figure_title(figure), axis)
            assert spec["layout"][axis]["title"]["font"]["color"] == INK
        for trace in spec["data"]:
            colour = trace.get("textfont", {}).get("color", INK)
            assert colour == INK, (figure_title(figure), colour)
        for colour in colour_strings_in(spec):
            assert colour in {INK, NEUTRAL, *CLASS_COLORS}, (figure_title(figure), colour)


def test_axis_labels_are_text_coloured_and_class_colours_only_mark_squares():
    ticks = mnist_figures.digit_ticks()["ticktext"]
    assert ticks[3] == f"<span style='color:{CLASS_COLORS[3]}'>■</span><b>3</b>"
    heatmap = batch_figures_for_test()[0]
    assert heatmap.layout.xaxis.ticktext[1] == (
        f'<span style="color:{CLASS_COLORS[1]}">■</span> <b>1</b>')
    # An ignored example (target -100) is marked in words, not in a grey that fails contrast.
    assert heatmap.layout.yaxis.ticktext[2] == "<i>ex 2 ✗</i>"
    assert MARKER_EDGE.startswith("rgba(")


# ------------------------------------------------------------------------- presenter mode


def font_sizes(node, in_font: bool = False) -> list[float]:
    sizes = []
    if isinstance(node, dict):
        for k, v in node.items():
            if in_font and k == "size":
                sizes += list(v) if isinstance(v, list) else [v]
            else:
                sizes += font_sizes(v, k.endswith("font"))
    elif isinstance(node, list):
        for v in node:
            sizes += font_sizes(v)
    return sizes


def test_presenter_mode_sets_every_chart_font_to_at_least_20_px():
    for figure in every_figure():
        original = figure.to_dict()
        shown = present(original)
        sizes = font_sizes(shown)
        assert sizes and min(sizes) >= PRESENTER_FONT_SIZE, (figure_title(figure), sizes)
        assert shown["layout"]["font"]["size"] >= 20
        assert shown["layout"]["title"]["font"]["size"] >= 24
        assert "<sup>" not in shown["layout"]["title"]["text"]
        assert font_sizes(original) != sizes  # the cached original is left alone
        if "height" in original["layout"]:
            assert shown["layout"]["height"] > original["layout"]["height"]


def test_presenter_mode_keeps_the_numbers_of_the_figure():
    figure = five_class_figures_for_test()[1].to_dict()
    shown = present(figure)
    assert shown["data"][0]["y"] == figure["data"][0]["y"]
    assert shown["data"][0]["text"] == figure["data"][0]["text"]


def test_the_title_room_grows_with_the_lines_of_a_wrapped_title():
    one = house_layout(title="Short")
    two = house_layout(title="Softmax probabilities p, which add up to 1, for every class")
    assert two["title"]["text"].count("<br>") == 1
    assert two["margin"]["t"] > one["margin"]["t"]


# ---------------------------------------------------------------------------- the charts


def test_heat_maps_of_the_batch_show_their_colour_scales():
    for figure in batch_figures_for_test()[:3]:
        heatmap = figure.data[0]
        assert heatmap.showscale is True
        assert heatmap.colorbar.title.text in ("logit", "p", "ln p")
    assert mnist_figures_for_test()[3].data[0].showscale is True  # mistakes in the matrix


def test_gradient_arrows_are_drawn_large_enough_to_read_at_a_glance():
    arrows = five_class_figures_for_test()[0].data[1]
    assert arrows.line.width >= 4
    heads = [s for s in arrows.marker.size if s]
    assert len(heads) == 5 and min(heads) >= 20  # every logit moves in one step


def test_the_histograms_mean_is_named_in_the_title_not_on_its_line():
    figure = mnist_figures_for_test()[1]
    assert "mean 0.360" in figure.layout.title.text
    assert not figure.layout.annotations  # no label to sit on the "this image" line


def test_confusion_matrix_rows_stay_next_to_the_cells():
    figure = mnist_figures_for_test()[3]
    assert figure.layout.xaxis.constrain == "domain"
    assert figure.layout.xaxis.constraintoward == "left"


def test_labels_of_points_near_the_x_axis_go_above_them():
    figure = cat_dog_figure_for_test()
    for trace in figure.data:
        if trace.mode != "markers+text":
            continue
        for y, position, text in zip(trace.y, trace.textposition, trace.text, strict=True):
            if text and y < 0.3:  # row 3 (loss 0.001) sits on the axis
                assert position.startswith("top"), (text, position)


def test_no_figure_draws_a_light_box_behind_its_annotations():
    """An annotation box in a fixed light colour is a white patch on a dark page (page 1's
    "most confident mistake" once was)."""
    for figure in every_figure():
        for annotation in own_spec(figure)["layout"].get("annotations", []):
            assert "bgcolor" not in annotation, (figure_title(figure), annotation["text"])


def test_points_too_close_for_two_labels_share_one():
    """Page 1's rows 5 (P = 0.9) and 2 (P = 0.98) sit side by side near the axis: their labels
    overlapped until they became one, "rows 2, 5"; rows far apart keep their own."""
    p = [0.5, 0.98, 0.1, 0.5, 0.9]  # the lesson's P(true class), row 3 the mistake
    figure = cat_dog_figures.rows_on_loss_curve(
        LOG_BASES["e"], true_class_values=p, losses=[-np.log(v) for v in p],
        labels=[0, 0, 1, 1, 0], row_numbers=[1, 2, 3, 4, 5], class_names=("cat", "dog"),
        mistake=2)
    labels = sorted(text for trace in figure.data if trace.mode == "markers+text"
                    for text in trace.text if text)
    assert labels == ["rows 1, 4", "rows 2, 5"]
    assert figure.layout.annotations[0].text.startswith("row 3:")


def test_titles_wrap_at_word_boundaries_to_fit_a_phone():
    text = wrap_title("Logits x, arrows: one gradient step (lr = 1) for every class here")
    assert all(len(line) <= 42 for line in text.split("<br>"))
    assert text.replace("<br>", " ") == (
        "Logits x, arrows: one gradient step (lr = 1) for every class here")


def test_class_bars_put_the_target_outline_in_ink():
    bars = class_bars([1.0, 2.0], ["a", "b"], title="t", yaxis_title="y", target=1)
    assert bars.data[0].marker.line.color == INK
    assert list(bars.data[0].marker.line.width) == [0, 3]


def test_unvalidated_bar_and_arrow_figures_pass_plotlys_validation():
    """class_bars and the five-class logit figure skip validation on every move; each
    property they write must still be one Plotly knows (checked raises ValueError if not)."""
    bars = class_bars([1.0, -2.0, 0.5], ["a", "<b>b</b>", "c"], title="t", yaxis_title="y",
                      target=1, y_range=[-3, 2])
    arrows = five_class_figures.logit_figure([1.0, -2.0], [0.5, -1.5], [0.5, -0.5],
                                             ["a", "b"], 0, lr=1.0)
    for figure in (bars, arrows):
        assert checked(figure).to_dict() == figure.to_dict()
    assert [trace.type for trace in arrows.data] == ["bar", "scatter"]
    assert list(arrows.data[1].y) == [1.0, 0.5, None, -2.0, -1.5, None]


def sent_json(figure) -> dict:
    """The figure's JSON as ``show_figure`` sends it, with Plotly's typed arrays
    (``{"dtype": "f8", "bdata": ...}``, what validation makes of number lists) as lists."""
    def plain(node):
        if isinstance(node, dict) and "bdata" in node:
            return plotly_array(node)
        if isinstance(node, dict):
            return {k: plain(v) for k, v in node.items()}
        if isinstance(node, list):
            return [plain(v) for v in node]
        return node
    return plain(json.loads(pio.to_json(plain_spec(figure), validate=False)))


def test_every_unvalidated_figure_sends_what_validated_plotly_would_send():
    """Every figure built from a spec (``SpecFigure``) reaches the browser as the same JSON a
    validated ``go.Figure`` of it gives, and nothing changed it after it was built (its
    ``to_dict`` is its spec, so a later ``update_layout`` would be lost)."""
    spec_figures = [f for f in every_figure() if isinstance(f, SpecFigure)]
    assert len(spec_figures) >= 15
    for figure in spec_figures:
        sent = sent_json(figure)
        assert sent == sent_json(checked(figure))
        assert sent == sent_json(figure.figure.to_dict())  # its go.Figure, as built on request
        # No template: the browser themes the chart (ui/live_chart.py).
        assert "template" not in sent["layout"]


def test_a_spec_figure_is_not_copied_when_drawn():
    spec = class_bars_spec([0.2, 0.8], ["a", "b"], title="t", yaxis_title="p")
    figure = figure_from_spec(spec)
    assert figure.to_dict()["data"] is spec["data"]


def test_drawing_a_spec_figure_builds_no_plotly_figure(monkeypatch):
    """show_figure sends the spec: the go.Figure behind a SpecFigure is built only when
    something reads its properties (a test), never on a page's move."""
    sent = {}
    monkeypatch.setattr(widgets, "live_chart", lambda figure_json, **kwargs: sent.update(
        figure=json.loads(figure_json), **kwargs))
    figure = class_bars([0.2, 0.8], ["a", "b"], title="Two <b>bars</b>", yaxis_title="p")
    widgets.show_figure(figure, key="bars")
    assert "figure" not in vars(figure)  # the cached go.Figure was never made
    assert sent["key"] == "bars" and sent["alt"] == "Two bars"
    assert sent["figure"]["data"][0]["y"] == [0.2, 0.8]
    assert figure.data[0].type == "bar"  # reading a property builds it
    assert "figure" in vars(figure)


def test_a_shared_figure_is_encoded_once_and_sends_what_plotly_would(monkeypatch):
    """A cached figure (``frozen``: a go.Figure as its spec) is sent as the same JSON as the
    go.Figure, and encoded only the first time it is drawn."""
    sent = []
    monkeypatch.setattr(widgets, "live_chart", lambda figure_json, **kwargs: sent.append(
        figure_json))
    built = cat_dog_figures.rows_on_loss_curve(
        get_log_base("10"), true_class_values=(0.3, 0.99), losses=(0.52, 0.004),
        labels=(0, 1), row_numbers=(1, 2), class_names=("cat", "dog"), mistake=None)
    shared = frozen(built)
    widgets.show_figure(built, key="a")
    widgets.show_figure(shared, key="b")
    widgets.show_figure(shared, key="c")
    assert json.loads(sent[0]) == json.loads(sent[1])
    assert sent[1] is sent[2]  # the same string: not encoded again


# ------------------------------------------------------------------------ toolbar and names


def test_the_toolbar_shows_on_hover_with_download_as_png():
    config = chart_config("five-classes-softmax")
    assert config["displayModeBar"] == "hover"
    assert config["toImageButtonOptions"] == {"format": "png", "filename": "five-classes-softmax",
                                              "scale": 2}
    assert "toImage" not in CHART_CONFIG["modeBarButtonsToRemove"]
    assert config["displaylogo"] is False


def test_a_download_is_named_after_the_page_and_the_chart():
    figure = five_class_figures_for_test()[1]
    title = figure_title(figure)
    assert title == "Softmax probabilities p (they add up to 1)"
    assert chart_filename(title, "http://10.0.0.5:8501/five-classes") == (
        "five-classes-softmax-probabilities-p-they-add-up")
    assert chart_filename("Logits x", None) == "cross-entropy-lab-logits-x"
    assert slug("<b>Loss</b> over the steps, in nats") == "loss-over-the-steps-in-nats"
    assert figure_title({"layout": {"title": {"text": "a<br>b"}}}) == "a b"


def test_presenter_mode_sets_the_fonts_a_figure_leaves_to_the_theme():
    """A subplot's axes and the legend have no font of their own: the chart theme would draw
    them at 12 px, so presenter mode sets each one to at least 20 px."""
    from plotly.subplots import make_subplots

    figure = make_subplots(rows=1, cols=2)
    figure.add_bar(x=[0, 1], y=[1, 2], name="cross-entropy", row=1, col=1)
    figure.add_bar(x=[0, 1], y=[2, 1], name="MSE", row=1, col=2)
    figure.update_layout(xaxis2={"title": "step"})
    shown = present(figure.to_dict())
    for axis in ("xaxis", "yaxis", "xaxis2", "yaxis2"):
        assert shown["layout"][axis]["tickfont"]["size"] >= 20, axis
        assert shown["layout"][axis]["title"]["font"]["size"] >= 20, axis
    assert shown["layout"]["xaxis2"]["title"]["text"] == "step"
    assert shown["layout"]["legend"]["font"]["size"] >= 20
    assert "legend" not in figure.to_dict()["layout"]  # the original is left alone
