"""The text below a lesson's stage as one element (ui/details.py): its HTML, built on the server,
shows every learner's text as typed and keeps tables real tables."""

from __future__ import annotations

import pytest
from apptest_helpers import DetailsReader

from ui.details import (
    box,
    callout,
    caption,
    code,
    heading,
    inline,
    markdown,
    metric,
    metrics,
    paragraph,
    side_by_side,
    strong,
    table,
    text,
)
from ui.text import escape_markdown

HOSTILE = "<b>|*x*</b> & <script>"


def test_learner_text_is_escaped_in_text_bold_cells_and_headers():
    markup = (paragraph(f"{text(HOSTILE)} {strong(HOSTILE)}")
              + table({HOSTILE: [HOSTILE], "1": ["2"]}, label=HOSTILE, left=(HOSTILE,)))
    assert "<b>" not in markup and "<script>" not in markup
    read = DetailsReader(markup)
    assert read.bold == [HOSTILE]
    assert read.tables == [[[HOSTILE, "1"], [HOSTILE, "2"]]]
    assert "".join(read.text).startswith(f"{HOSTILE} {HOSTILE}\n")
    assert f'aria-label="{text(HOSTILE)}"' in markup


def test_a_table_has_column_and_row_headers_and_aligns_numbers_right():
    markup = table({"mark": ["✔", ""], "class": ["cat", "sum"], "p": ["0.9", "1.0"]},
                   label="t", left=("mark", "class"), titles={"mark": ""}, row_header="class")
    assert markup.count('<th scope="col"') == 3
    assert '<th scope="col"><span class="xd-hidden">mark</span></th>' in markup  # unseen
    assert '<th scope="row">cat</th>' in markup and '<th scope="row">sum</th>' in markup
    assert '<th scope="col" class="xd-number">p</th>' in markup
    assert '<td class="xd-number">0.9</td>' in markup and "<td>✔</td>" in markup
    with pytest.raises(ValueError, match="as many cells"):
        table({"a": ["1"], "b": []}, label="t")


def test_a_tables_markdown_columns_show_bold_and_code_and_the_others_stay_plain():
    markup = table({"loss": ["**by hand**: e^x"], "PyTorch": ["`F.cross_entropy(x, y)`"],
                    "value": ["**1**"]}, label="t", left=("loss", "PyTorch"),
                   row_header="loss", markdown=("loss", "PyTorch"))
    assert '<th scope="row"><strong>by hand</strong>: e^x</th>' in markup
    assert "<td><code>F.cross_entropy(x, y)</code></td>" in markup
    assert '<td class="xd-number">**1**</td>' in markup  # not a markdown column: as typed
    read = DetailsReader(markup)
    assert read.tables == [[["loss", "PyTorch", "value"],
                            ["by hand: e^x", "F.cross_entropy(x, y)", "**1**"]]]
    assert read.bold == ["by hand"]


def test_markdown_cells_keep_a_learners_escaped_text_as_typed_and_never_draw_html():
    markup = table({"class": ["fish", "**sum**"], "H": ["0.1", "**0.4321** = H(p, q)"],
                    "code": [escape_markdown(HOSTILE), "1"]},
                   label="t", left=("class",), row_header="class",
                   markdown=("class", "H", "code"))
    read = DetailsReader(markup)
    assert read.tables == [[["class", "H", "code"], ["fish", "0.1", HOSTILE],
                            ["sum", "0.4321 = H(p, q)", "1"]]]
    assert read.bold == ["sum", "0.4321"]
    assert '<th scope="row"><strong>sum</strong></th>' in markup
    assert "<b>" not in markup and "<script>" not in markup


def test_callouts_are_streamlits_four_kinds_with_a_hidden_icon():
    read = DetailsReader(callout("warning", "all_inclusive", paragraph("Careful."))
                         + callout("success", "check_circle", paragraph("Fine.")))
    assert read.callouts == [("warning", "Careful."), ("success", "Fine.")]  # icons not read
    assert 'aria-hidden="true"' in callout("info", "zoom_in", "")
    assert 'class="xd-callout xd-error"' in callout("error", "error", "")
    with pytest.raises(ValueError, match="info, warning, success, error"):
        callout("danger", "x", "")


def test_blocks_side_by_side_take_their_widths_and_captions_their_class():
    markup = side_by_side(paragraph("a"), paragraph("b"), widths=(1, 1.4))
    assert "--xd-widths: minmax(0, 1fr) minmax(0, 1.4fr)" in markup
    with pytest.raises(ValueError, match="2 blocks need 2 widths"):
        side_by_side("a", "b", widths=(1,))
    assert caption("x") == '<p class="xd-caption">x</p>'
    assert caption(inline("printed `tensor(1.0314)`")) == (
        '<p class="xd-caption">printed <code>tensor(1.0314)</code></p>')


def test_side_by_side_takes_streamlits_gaps_and_centres_and_a_box_is_bordered():
    assert "--xd-gap" not in side_by_side("a", "b", widths=(1, 1))  # "large", the default
    small = side_by_side("a", "b", widths=(1, 2), gap="small", center=True)
    assert 'class="xd-columns xd-center"' in small and "--xd-gap: 1rem" in small
    with pytest.raises(ValueError, match="small, medium, large"):
        side_by_side("a", "b", widths=(1, 1), gap="huge")
    assert box(paragraph("a"), paragraph("b")) == (
        '<div class="xd-box xd-bordered"><p>a</p><p>b</p></div>')


@pytest.mark.parametrize(("source", "expected"), [
    ("**Row 3** is *the* `log_p[target]`", "<p><strong>Row 3</strong> is <em>the</em> "
                                          "<code>log_p[target]</code></p>"),
    ("a _soft_ label, not snake_case_name or 2 * 3 * 4", "<p>a <em>soft</em> label, not "
                                                         "snake_case_name or 2 * 3 * 4</p>"),
    ("**bold with `code` and *italic* in it**", "<p><strong>bold with <code>code</code> and "
                                                "<em>italic</em> in it</strong></p>"),
    ("one\ntwo\n\nthree", "<p>one two</p><p>three</p>"),
    ("- first\n- **second**", "<ul><li>first</li><li><strong>second</strong></li></ul>"),
    ("1. first\n2. second", "<ol><li>first</li><li>second</li></ol>"),
    ("[the docs](https://pytorch.org/docs)", '<p><a href="https://pytorch.org/docs" '
     'target="_blank" rel="noopener noreferrer">the docs</a></p>'),
    (":material/warning: Careful", '<p><span class="xd-icon" aria-hidden="true" '
                                   'translate="no">warning</span> Careful</p>'),
    ("x < 1 & y > 2", "<p>x &lt; 1 &amp; y &gt; 2</p>"),
    ("[a link](javascript:alert(1))", "<p>[a link](javascript:alert(1))</p>"),
    ("by hand :red[**NaN**], :grey[a\\]b]", '<p>by hand <span class="xd-red-text"><strong>'
     'NaN</strong></span>, <span class="xd-gray-text">a]b</span></p>'),
    (":pink[x] :red[]", "<p>:pink[x] :red[]</p>"),
])
def test_markdown_draws_the_subset_the_pages_write(source, expected):
    assert markdown(source) == expected


@pytest.mark.parametrize("typed", [HOSTILE, "**fish**", "_x_", "`rm`", "[a](https://b.c)",
                                   ":material/warning:", "a\\b", "x*y*z", ":red[x]"])
def test_learner_text_escaped_for_markdown_shows_as_typed(typed):
    """ui.text.escape_markdown, the pages' way to put a learner's text into markdown, keeps it
    literal here too (as in st.markdown)."""
    read = DetailsReader(markdown(f"Class **{escape_markdown(typed)}** is wrong"))
    assert "".join(read.text) == f"Class {typed} is wrong\n"
    assert read.bold == [typed]
    assert "<b>" not in markdown(escape_markdown(typed))


def test_metrics_read_back_with_their_help_behind_a_button():
    markup = metrics(metric("Mean loss (nats)", "0.4170", help="The mean of column E."),
                     metric(HOSTILE, "1 < 2", border=True))
    read = DetailsReader(markup)
    assert read.metrics == [("Mean loss (nats)", "0.4170"), (HOSTILE, "1 < 2")]
    assert "--xd-count: 2" in markup and markup.count("xd-bordered") == 1
    assert '<button type="button" class="xd-help" aria-label="The mean of column E."' in markup
    assert "".join(read.text) == f"Mean loss (nats) 0.4170\n{HOSTILE} 1 < 2\n"
    assert "<script>" not in markup


def test_code_colours_python_keywords_strings_numbers_and_comments_and_copies():
    source = 'import torch\nloss = F.cross_entropy(x, "mean")  # 2.5 < 3\n'
    markup = code(source, language="python")
    read = DetailsReader(markup)
    assert read.code == [source]  # the text, unchanged, is what the button copies
    assert '<span class="xd-kw">import</span>' in markup
    assert '<span class="xd-str">&quot;mean&quot;</span>' in markup
    assert '<span class="xd-com"># 2.5 &lt; 3</span>' in markup
    assert 'class="xd-copy"' in markup and 'aria-label="Copy the code"' in markup
    # not Python (a spreadsheet formula): shown as typed, uncoloured; broken Python too
    for plain, language in (("E2: =-(C2*LN(A2))", None), ("tensor([0.1, (", "python")):
        assert DetailsReader(code(plain, language=language)).code == [plain]
        assert "xd-num" not in code(plain, language=language)
    with pytest.raises(ValueError, match="'python' or not at all"):
        code("x", language="rust")


def test_a_heading_is_an_h3_of_plain_text():
    assert heading("Two <ways>") == "<h3>Two &lt;ways&gt;</h3>"
    assert DetailsReader(heading("Two ways")).headings == ["Two ways"]
