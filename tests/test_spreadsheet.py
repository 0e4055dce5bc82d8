"""The spreadsheet element (ui/spreadsheet.py) and the numbered edits it shares with the rows
of classes (ui/edits.py): what the server makes of what it is sent.

The cat-vs-dog page's own tests drive it through ``apptest_helpers.edit_sheet``
(tests/test_page_cat_vs_dog.py); the keyboard, the focus and the messages are in
tests/test_browser_cat_vs_dog.py.
"""

from __future__ import annotations

import json

from apptest_helpers import edit_sheet, element_of, open_page, sheet_data

from ui.cat_dog_table import PRESET_ROWS
from ui.edits import edit_state, read_edits

CAT_VS_DOG = "pages/1_cat_vs_dog.py"
SHEET = "cat_vs_dog._sheet"


def send_state(at, state: dict):
    """Send ``state`` as the spreadsheet's own state, as a browser would, and run."""
    states = at._tree.get_widget_states()
    widget = states.widgets.add()
    widget.id = element_of(at, SHEET).proto.id
    widget.json_value = json.dumps(state)
    at._run(states)
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_new_edit_is_numbered_above_every_edit_sent_or_applied():
    first = edit_state(None, 2, "a", "0.2", applied=4)
    assert first == {"edits": {"2:a": {"row": 2, "source": "a", "text": "0.2", "seq": 5}}}
    second = edit_state(first, 2, "a", "0.3", applied=4)  # the same cell: its latest text
    assert second["edits"] == {"2:a": {"row": 2, "source": "a", "text": "0.3", "seq": 6}}


def test_added_and_deleted_rows_are_kept_one_per_action_until_applied():
    state = edit_state(None, -1, "add", "", applied=0)
    state = edit_state(state, -1, "add", "", applied=0)
    state = edit_state(state, 0, "delete", "", applied=0)
    assert sorted(state["edits"]) == ["add:1", "add:2", "delete:3"]
    assert [e.source for e in read_edits(state)] == ["add", "add", "delete"]
    later = edit_state(state, 1, "a", "0.7", applied=3)  # the server applied all three
    assert list(later["edits"]) == ["1:a"] and later["edits"]["1:a"]["seq"] == 4


def test_the_edits_a_state_holds_are_applied_once_and_in_order():
    at = open_page(CAT_VS_DOG)
    edit_sheet(at, SHEET, 0, "a", "0.6")
    assert sheet_data(at, SHEET)["applied"] == 1
    # A browser that added a row and typed into it before the answer came sends both, with
    # the edit already applied; that one is not applied again.
    send_state(at, {"edits": {
        "0:a": {"row": 0, "source": "a", "text": "0.6", "seq": 1},
        "add:2": {"row": -1, "source": "add", "text": "", "seq": 2},
        "5:a": {"row": 5, "source": "a", "text": "0.05", "seq": 3},
        "5:label": {"row": 5, "source": "label", "text": "dog", "seq": 4},
    }})
    assert at.query_params["rows"] == "0.6c,0.98c,0.9d,0.5d,0.9c,0.05d"
    assert sheet_data(at, SHEET)["applied"] == 4
    send_state(at, {"edits": {"add:2": {"row": -1, "source": "add", "text": "", "seq": 2}}})
    assert len(sheet_data(at, SHEET)["rows"]) == 6  # nothing new: no second row added


def test_a_hand_made_state_changes_nothing():
    at = open_page(CAT_VS_DOG)
    for state in ({"edits": {"x": {"row": "one", "source": "a", "text": "1", "seq": 9}}},
                  {"edits": [1, 2, 3]}, {"edits": {"0:a": {"row": 0, "seq": 5}}},
                  {"edits": {"9:a": {"row": 9, "source": "a", "text": "0.1", "seq": 7}}},
                  {"edits": {"0:row": {"row": 0, "source": "row", "text": "7", "seq": 8}}}):
        send_state(at, state)
        assert at.session_state["cat_vs_dog.rows"] == PRESET_ROWS


def test_the_table_is_sent_as_plain_numbers_and_text_with_its_columns():
    at = open_page(CAT_VS_DOG, {"base": "e"})
    data = sheet_data(at, SHEET)
    titles = [column["title"] for column in data["columns"]]
    assert titles[:4] == ["row", "label", "A · P(cat)", "B · P(dog)"]
    kinds = {column["key"]: column["kind"] for column in data["columns"]}
    assert (kinds["label"], kinds["a"], kinds["loss_sum"]) == ("select", "input", "number")
    assert [row["flagged"] for row in data["rows"]] == [False, False, True, False, False]
    assert all(row["disabled"] == ["b"] for row in data["rows"])  # P(dog) follows P(cat)
    assert data["add_label"] and data["max_rows"] == 20
