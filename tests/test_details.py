"""The text below a lesson's stage as one element (ui/details.py): its HTML, built on the server,
shows every learner's text as typed and keeps tables real tables."""

from __future__ import annotations

import pytest
from apptest_helpers import DetailsReader

from ui.details import callout, caption, paragraph, side_by_side, strong, table, text

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


def test_callouts_are_info_or_warning_with_a_hidden_icon():
    read = DetailsReader(callout("warning", "all_inclusive", paragraph("Careful.")))
    assert read.callouts == [("warning", "Careful.")]  # the icon's name is not read out
    assert 'aria-hidden="true"' in callout("info", "zoom_in", "")
    with pytest.raises(ValueError, match="'info' or 'warning'"):
        callout("error", "x", "")


def test_blocks_side_by_side_take_their_widths_and_captions_their_class():
    markup = side_by_side(paragraph("a"), paragraph("b"), widths=(1, 1.4))
    assert "--xd-widths: minmax(0, 1fr) minmax(0, 1.4fr)" in markup
    with pytest.raises(ValueError, match="2 blocks need 2 widths"):
        side_by_side("a", "b", widths=(1,))
    assert caption("x") == '<p class="xd-caption">x</p>'
