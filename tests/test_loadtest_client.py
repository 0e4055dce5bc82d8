"""The load test's simulated students speak the browser's protocol (scripts/streamlit_client.py).

* Against Chromium: the same move (the fish's logit slider on Five classes, one step right)
  sends the same rerun request -- the same widgets with the same values, the same page hash,
  query string and fragment id -- so a simulated student costs the server what a browser does.
* scripts/loadtest.py end to end on the floor app: students move, see their own values, and the
  server's CPU per move is measured.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from browser_helpers import expect_rerun, goto_app, wait_for_streamlit_idle

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "scripts"))
import loadtest  # noqa: E402
from streamlit_client import StreamlitSession, run_sync, widget_state  # noqa: E402


def rerun_fields(msg) -> dict:
    """The parts of a rerun request the server acts on, comparable across clients."""
    from google.protobuf.json_format import MessageToDict

    state = msg.rerun_script
    widgets = {w.id: MessageToDict(w) for w in state.widget_states.widgets}
    return {
        "widgets": widgets,
        "page_script_hash": state.page_script_hash,
        "query_string": state.query_string,
        "fragment_id": state.fragment_id,
    }


@pytest.mark.browser
def test_a_simulated_student_sends_what_chromium_sends(streamlit_server, page):
    from streamlit.proto.BackMsg_pb2 import BackMsg

    sent: list[bytes] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda frame: sent.append(frame)))
    goto_app(page, streamlit_server)
    goto_app(page, f"{streamlit_server}/five-classes")
    fish_thumb = page.get_by_role("slider", name=re.compile(r"class 4\b"))
    fish_thumb.wait_for(timeout=20_000)
    wait_for_streamlit_idle(page, settle_ms=1000)
    before = len(sent)
    fish_thumb.focus()
    with expect_rerun(page):
        page.keyboard.press("ArrowRight")
    moves = []
    for frame in sent[before:]:
        msg = BackMsg()
        msg.ParseFromString(frame)
        # Fragments with run_every (a class-session box) also send timed auto reruns: not ours.
        if msg.WhichOneof("type") == "rerun_script" and not msg.rerun_script.is_auto_rerun:
            moves.append(msg)
    assert len(moves) == 1, f"one key press should send one rerun request, got {len(moves)}"
    browser_move = rerun_fields(moves[0])

    async def student_move() -> dict:
        session = StreamlitSession(streamlit_server, "five-classes")
        try:
            opened = await session.open()
            assert opened.ok, opened.exceptions
            five = loadtest.SCENARIOS["five"]
            fish = five.find(session)  # the rows of classes; the fish is row 4 (class 4)
            assert fish is not None, "the load test cannot find the fish's slider"
            session.widgets[fish.id].value = five.to_widget(fish, 2.39 + 0.01)
            msg = BackMsg()
            state = msg.rerun_script
            state.widget_states.widgets.extend(
                s for s in (widget_state(w) for w in session.widgets.values()) if s is not None)
            state.page_script_hash = session.page_script_hash
            state.query_string = session.query_string
            state.fragment_id = fish.fragment_id
            result = await session.set_widget(fish, session.widgets[fish.id].value)
            assert result.ok and loadtest.check_own_value(result, fish, 2.40) is None
            return rerun_fields(msg)
        finally:
            await session.close()

    student = run_sync(student_move())
    assert student["page_script_hash"] == browser_move["page_script_hash"]
    assert student["fragment_id"] == browser_move["fragment_id"]
    assert student["query_string"] == browser_move["query_string"]
    only_student = sorted(set(student["widgets"]) - set(browser_move["widgets"]))
    only_browser = sorted(set(browser_move["widgets"]) - set(student["widgets"]))
    assert not only_student and not only_browser, (only_student, only_browser)
    assert student["widgets"] == browser_move["widgets"]


def test_loadtest_runs_students_on_the_floor_app(capsys):
    status = loadtest.main(["--pages", "floor", "--students", "1,3", "--duration", "3",
                            "--interval", "0.3", "0.6", "--timeout", "30",
                            "--one-student-duration", "0"])
    out = capsys.readouterr().out
    assert status == 0, out
    rows = [line for line in out.splitlines() if line.startswith("| floor |")]
    assert len(rows) == 2, out
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        moves, errors, timeouts = int(cells[2]), int(cells[8]), int(cells[9])
        cpu_ms = float(cells[10].removesuffix(" ms").replace(",", ""))
        assert moves >= 2 and errors == 0 and timeouts == 0, row
        assert 0 < cpu_ms < 5_000, row


def test_a_page_showing_another_students_value_is_an_error():
    from streamlit.proto.Element_pb2 import Element
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from streamlit_client import RunResult, Widget

    def run_with(slider_value: float, box_value: float, query: str | None) -> RunResult:
        slider, box = Element(), Element()
        slider.slider.id, slider.slider.set_value = "$$ID-a-five.slider.3", True
        slider.slider.value.append(slider_value)
        box.number_input.id, box.number_input.set_value = "$$ID-b-five.box.3", True
        box.number_input.value = box_value
        return RunResult(status=ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY,
                         elements=[slider, box], query_string=query)

    fish = Widget(id="$$ID-a-five.slider.3", kind="slider", label="fish", value=[0.4])
    assert loadtest.check_own_value(run_with(0.4, 0.4, "x=1,0.4"), fish, 0.4) is None
    # Another student's value in the moved control, or nowhere a sign of ours: errors.
    assert "came back holding [0.6]" in loadtest.check_own_value(
        run_with(0.6, 0.4, None), fish, 0.4)
    unrelated = run_with(0.4, 0.6, "x=1,0.6")
    unrelated.elements = unrelated.elements[1:]
    assert "does not show" in loadtest.check_own_value(unrelated, fish, 0.4)
    assert loadtest.check_own_value(RunResult(), fish, 0.4) == "timeout"
    failed = run_with(0.4, 0.4, None)
    failed.exceptions = ["ValueError: boom"]
    assert "boom" in loadtest.check_own_value(failed, fish, 0.4)


def test_a_move_on_a_row_of_classes_is_numbered_above_every_edit_applied():
    """Five classes' rows are one components-v2 element (ui/class_rows.py): a student's move
    is the state its browser would send, and the page shows the value in the row."""
    from streamlit.proto.Element_pb2 import Element
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from streamlit_client import RunResult, Widget

    def element(fish: float, applied: int) -> Element:
        rows = [{"box_label": f"Logit of class {i + 1} (exact value)", "slider": v,
                 "text": f"{v:.10g}"} for i, v in enumerate([-2.17, -1.63, -2.75, fish, -0.156])]
        drawn = Element()
        drawn.bidi_component.id = "$$ID-rows"
        drawn.bidi_component.json = json.dumps({"rows": rows, "applied": applied})
        return drawn

    rows = Widget(id="$$ID-rows", kind="bidi_component", label="xent.class_rows",
                  value=None, proto=element(2.39, 4).bidi_component)
    state = loadtest.SCENARIOS["five"].to_widget(rows, 0.4)
    assert state == {"edits": {"3:slider": {"row": 3, "source": "slider", "text": "0.4",
                                            "seq": 5}}}
    rows.value = state
    assert loadtest.SCENARIOS["five"].to_widget(rows, -0.4)["edits"]["3:slider"]["seq"] == 6
    shown = RunResult(status=ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY,
                      elements=[element(0.4, 5)])
    assert loadtest.check_own_value(shown, rows, 0.4) is None
    other = RunResult(status=ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY,
                      elements=[element(0.6, 5)])
    assert "does not show" in loadtest.check_own_value(other, rows, 0.4)


def test_a_moves_address_counts_as_the_page_showing_the_value():
    """A move sets the address bar through the page's moves element (ui/live.py), not through
    Streamlit's query string: the value in that address shows the student's own value."""
    from streamlit.proto.Element_pb2 import Element
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from streamlit_client import RunResult, Widget

    def moves(address: str | None) -> Element:
        drawn = Element()
        drawn.bidi_component.component_name = "xent.moves"
        drawn.bidi_component.json = json.dumps({"places": {}, "address": address})
        return drawn

    rows = Widget(id="$$ID-rows", kind="bidi_component", label="xent.class_rows", value=None)
    finished = ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY
    shown = RunResult(status=finished, elements=[moves("x=-2.17%2C-1.63%2C-2.75%2C0.4")])
    assert loadtest.check_own_value(shown, rows, 0.4) is None
    for address in ("x=-2.17%2C0.41", "", None):
        other = RunResult(status=finished, elements=[moves(address)])
        assert "does not show" in loadtest.check_own_value(other, rows, 0.4)


def test_a_select_box_set_to_no_choice_sends_nothing(streamlit_server):
    """Once the logits leave every story, lesson 5's story box shows its placeholder (set to
    None by the page): a browser then sends no value for it, and neither does a student.
    (The client once sent "", which the page read as picking a story named "": every second
    move failed.)"""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    from ui.edits import edit_state

    async def moves() -> list:
        session = StreamlitSession(streamlit_server, "why-not-mse")
        try:
            assert (await session.open()).ok
            results = []
            for text in ("1.25", "1.5", "1.75", "-4"):
                rows = next(w for w in session.widgets.values()
                            if w.kind == "bidi_component" and w.label.endswith("class_rows"))
                applied = json.loads(rows.proto.json)["applied"]
                results.append(await session.set_widget(
                    rows, edit_state(rows.value, 0, "box", text, applied)))
            story = session.find_widget("selectbox", label="Story")
            return results, story
        finally:
            await session.close()

    results, story = run_sync(moves())
    assert [result.exceptions for result in results] == [[], [], [], []]
    assert all(result.ok for result in results)
    assert story.value is None and widget_state(story) is None
    # The first move off the story reruns the page (its story box is drawn by the full run),
    # and that move is answered when the page's run ends; the moves after it rerun the lesson
    # fragment alone, the last one too, back on the story's logits (-4, 0, 1): a nudge back
    # and forth does not rerun the page each time.
    status = ForwardMsg.ScriptFinishedStatus
    assert [result.status for result in results] == [
        status.FINISHED_SUCCESSFULLY, *[status.FINISHED_FRAGMENT_RUN_SUCCESSFULLY] * 3]
    for result, text in zip(results, ("1.25", "1.5", "1.75", "-4"), strict=True):
        rows = next(e.bidi_component for e in result.elements
                    if e.WhichOneof("type") == "bidi_component"
                    and e.bidi_component.component_name.endswith("class_rows"))
        assert json.loads(rows.json)["rows"][0]["text"] == text
