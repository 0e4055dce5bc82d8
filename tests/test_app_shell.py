"""The app shell: home page, the shared log base, URL parsers, text escaping, shared figures."""

import math
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest
from apptest_helpers import edit_row, open_page, plotly_figures, share_link

from ui import url_state
from ui.figures import class_bars, loss_curve
from ui.lessons import LESSONS
from ui.text import escape_markdown, fmt, shorten
from xent_core import explain, get_log_base
from xent_core.lessons import FIVE_CLASS_OUTPUTS


def pipeline(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_home_page_draws_the_pipeline_with_the_slide_numbers():
    at = open_page()
    assert at.title[0].value == "Cross-Entropy Lab"
    steps = pipeline(at)
    # sum of exps 12.14 and fish's probability 0.899 (the slide), loss -ln(0.899) = 0.107
    assert steps["3 · ÷ sum of exps"] == "÷ 12.14"
    assert steps["4 · probabilities p"] == "0.899"
    assert steps["7 · × −1 = loss"] == f"{explain(FIVE_CLASS_OUTPUTS, 3).loss:.3f} nats"
    assert [link.label for link in at.get("page_link")] == [lesson.title for lesson in LESSONS]


def test_switching_the_log_base_relabels_the_home_pipeline_in_bits():
    at = open_page()
    at.sidebar.radio[0].set_value("2").run()
    assert at.query_params["base"] == "2"
    bits = explain(FIVE_CLASS_OUTPUTS, 3, log_base="2").loss
    assert pipeline(at)["7 · × −1 = loss"] == f"{bits:.3f} bits"
    assert "5 · log₂ p" in pipeline(at)
    assert math.isclose(bits, explain(FIVE_CLASS_OUTPUTS, 3).loss / math.log(2))


def test_a_shared_link_with_a_log_base_opens_in_that_base():
    at = open_page(query_params={"base": "10"})
    assert at.sidebar.radio[0].value == "10"
    assert pipeline(at)["7 · × −1 = loss"].endswith("hartleys")


@pytest.mark.parametrize("hostile", ["<script>alert(1)</script>", "nan", "x" * 10_000, ""])
def test_a_hostile_log_base_in_the_url_falls_back_to_ln_with_a_note(hostile):
    at = open_page(query_params={"base": hostile})
    assert not at.exception
    assert at.sidebar.radio[0].value == "e"
    notes = [w.value for w in at.sidebar.warning]
    assert len(notes) == 1 and "log base" in notes[0]
    assert "<script>" not in notes[0]  # escaped: shown as text, never as HTML
    assert "base" not in at.query_params  # the bad value is gone from the URL


def test_the_sidebar_explains_how_to_use_the_app_in_class():
    at = open_page()
    assert any("Copy link to this state" in m.value for m in at.sidebar.markdown)


# ------------------------------------------------------------------------- URL parsers


def test_float_parser_accepts_numbers_in_range_and_rejects_the_rest():
    parse = url_state.parse_float(-10, 10)
    assert parse(" 2.39 ") == 2.39
    for bad in ["nan", "inf", "-inf", "1e308", "abc", "", "11"]:
        with pytest.raises(ValueError):
            parse(bad)


def test_float_list_parser_round_trips_the_slide_outputs():
    parse = url_state.parse_float_list(2, 10, -1e4, 1e4)
    text = url_state.encode_float_list(FIVE_CLASS_OUTPUTS)
    assert text == "-2.17,-1.63,-2.75,2.39,-0.156"
    assert parse(text) == list(FIVE_CLASS_OUTPUTS)
    with pytest.raises(ValueError, match="2 to 10"):
        parse("1")
    with pytest.raises(ValueError, match="2 to 10"):
        parse(",".join(["1"] * 11))
    with pytest.raises(ValueError, match="characters long"):
        parse("1," * 5_000)


def test_int_choice_and_bool_parsers_reject_garbage():
    assert url_state.parse_int(0, 9)("8") == 8
    assert url_state.parse_choice(("e", "2", "10"))("10") == "10"
    assert url_state.parse_bool("1") is True and url_state.parse_bool("false") is False
    for parse, bad in [(url_state.parse_int(0, 9), "10"), (url_state.parse_int(0, 9), "8.5"),
                       (url_state.parse_choice(("e",)), "E"), (url_state.parse_bool, "yes")]:
        with pytest.raises(ValueError):
            parse(bad)


# ------------------------------------------------------------------------ text helpers


def test_markdown_and_html_in_user_text_are_escaped():
    escaped = escape_markdown("<b>**cat**</b> :red[dog]")
    assert "<b>" not in escaped and "**" not in escaped and ":red[" not in escaped
    assert escaped.replace("\\", "") == "<b>**cat**</b> :red[dog]"


def test_numbers_are_formatted_for_tables():
    assert fmt(0.30103, 2) == "0.30"
    assert fmt(5.5653e-09, 4) == "5.5653e-09"
    assert fmt(float("inf")) == "∞" and fmt(float("nan")) == "NaN"
    assert shorten("x" * 100, 10) == "x" * 9 + "…"


# ---------------------------------------------------------------------- shared figures


def test_class_bars_colour_each_class_and_outline_the_target():
    fig = class_bars([0.1, 0.2, 0.7], ["cat", "dog", "fish"], title="p", yaxis_title="p",
                     target=2).to_dict()
    bar = fig["data"][0]
    assert list(bar["y"]) == [0.1, 0.2, 0.7]
    assert len(set(bar["marker"]["color"])) == 3
    assert list(bar["marker"]["line"]["width"]) == [0, 0, 3]


def test_loss_curve_marks_each_row_at_minus_log_p():
    base = get_log_base("10")
    fig = loss_curve(base, p_true=[0.5, 0.1], labels=["row 1", "row 3"])
    np.testing.assert_allclose(fig.data[1].y, [math.log10(2), 1.0])
    assert "hartleys" in fig.layout.yaxis.title.text


def test_home_page_has_no_chart_to_rebuild_on_every_rerun():
    assert plotly_figures(open_page()) == []


@pytest.mark.parametrize("page", [lesson.file for lesson in LESSONS])
def test_every_lesson_opens_inside_the_shell_with_its_log_base_selector(page):
    # AppTest starts each run like a freshly started server, where Streamlit still honours the
    # legacy pages/ folder: a page whose file name matched its url_path would run without
    # app.py (no sidebar, no URL state). This guards the url_path choices in ui/lessons.py.
    at = open_page(page)
    assert at.sidebar.radio[0].key == "shell.base"
    assert at.sidebar.radio[0].value == "e"


def test_the_share_link_holds_the_current_state_of_the_page():
    at = open_page(LESSONS[1].file)
    edit_row(at, "five._rows", 3, "slider", 3.0)
    link = share_link(at)
    assert link.startswith("http://localhost:8501/")  # AppTest has no browser URL
    query = parse_qs(urlsplit(link).query)
    assert query["x"] == ["-2.17,-1.63,-2.75,3,-0.156"]
    assert query["x"] == [at.query_params["x"]]


def test_the_share_link_of_a_lesson_preset_has_no_query():
    at = open_page(LESSONS[1].file)
    assert urlsplit(share_link(at)).query == ""
