"""The rows of classes element (ui/class_rows.py): what the server makes of what it is sent.

The pages' own tests drive it through ``apptest_helpers.edit_row`` (tests/test_page_*.py); the
browser side (keyboard, focus, the message beside the box) is in tests/test_browser_*.py.
"""

from __future__ import annotations

import pytest
from apptest_helpers import edit_row, open_page, rows_data

from ui.edits import Edit, read_edits

FIVE = "pages/2_five_classes.py"
ROWS = "five._rows"


def test_edits_are_read_oldest_first_and_malformed_ones_are_skipped():
    state = {"edits": {
        "3:slider": {"row": 3, "source": "slider", "text": "2.4", "seq": 7},
        "1:box": {"row": "1", "source": "box", "text": "abc", "seq": "5"},
        "bad": {"row": "x", "source": "box", "text": "1", "seq": 9},
        "short": {"row": 2, "seq": 8},
        "not a dict": 4,
    }}
    assert read_edits(state) == [Edit(1, "box", "abc", 5), Edit(3, "slider", "2.4", 7)]
    assert read_edits(None) == read_edits({"edits": [1, 2]}) == read_edits("x") == []


def test_each_edit_is_applied_once_and_in_order():
    at = open_page(FIVE)
    edit_row(at, ROWS, 3, "slider", 3.0)
    # The browser resends every edit it made; one the server applied is not applied again.
    element = next(e for e in at.get("bidi_component") if e.key == ROWS)
    states = at._tree.get_widget_states()
    state = states.widgets.add()
    state.id = element.proto.id
    state.json_value = (
        '{"edits":{"3:slider":{"row":3,"source":"slider","text":"3","seq":1},'
        '"0:box":{"row":0,"source":"box","text":"1.5","seq":2},'
        '"0:slider":{"row":0,"source":"slider","text":"-1","seq":3}}}')
    at._run(states)
    assert not at.exception
    assert at.session_state["five.x"] == (-1.0, -1.63, -2.75, 3.0, -0.156)  # box, then slider
    assert [row["slider"] for row in rows_data(at, ROWS)][:1] == [-1.0]


@pytest.mark.parametrize("text", ["nan", "inf", "abc"])
def test_a_slider_edit_that_is_not_a_number_in_range_changes_nothing(text):
    at = open_page(FIVE)
    edit_row(at, ROWS, 0, "slider", text)
    assert not at.exception
    assert at.session_state["five.x"][0] == -2.17
