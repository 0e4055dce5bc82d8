"""ui.live on the server: what a full run and a move of a lesson fragment send for its places.

AppTest runs whole scripts, so these scripts play the lesson fragment's part themselves (a
full run, then moves: ``ui.live.Moves(rerun=True)``), as ``ui.lesson_state.lesson_fragment``
does. The browser side (ui/places.js, ui/moves.js) is checked by each lesson's browser test
(``assert_moves_show_what_a_fresh_load_shows`` in tests/lesson_browser.py).
"""

from __future__ import annotations

import json

import pytest
from streamlit.runtime.state.query_params_proxy import QueryParamsProxy
from streamlit.testing.v1 import AppTest


def lesson_like() -> None:
    """A page with two places in a container of the full run, a third on demand, and the
    fragment's moves element; ``move`` in session state makes the run a move."""
    import streamlit as st
    from streamlit.runtime.scriptrunner_utils.exceptions import RerunException

    from ui import live
    from ui.details import details, paragraph

    move = st.session_state.get("move", False)
    if not move:
        live.start_run()
    place = st.container()
    moves = live.Moves("demo", rerun=move)
    with live.collecting(moves):
        details("demo.a", paragraph(st.session_state.get("a", "one")), container=place)
        details("demo.b", paragraph("always the same"), container=place)
        if st.session_state.get("third"):
            details("demo.c", paragraph("a third place"), container=place)
        details("demo.own", paragraph("in the fragment's own container"))
        try:
            live.check_places(moves)
        except RerunException:
            st.session_state["reran"] = True
    live.send(moves, key="demo.moves")
    live.draw_later(moves)


def outside_a_fragment() -> None:
    """Elements drawn with a container where no places are collected (a page without a lesson
    fragment, the full run around one): drawn there and then, as any element."""
    import streamlit as st

    from ui.details import details, paragraph

    first, second = st.container(), st.container()
    details("plain.b", paragraph("in the second container"), container=second)
    details("plain.a", paragraph("in the first container"), container=first)


def test_outside_a_fragment_an_element_is_drawn_in_its_container_and_is_no_place():
    at = AppTest.from_function(outside_a_fragment)
    drawn = run(at)
    assert list(drawn) == ["plain.a", "plain.b"]  # page order: each in its own container
    assert drawn["plain.a"] == {"html": "<p>in the first container</p>", "large": False}


def address_like() -> None:
    """A page's URL written as a lesson page writes it (``ui.lesson_state``): at the end of a
    full run, or by a move of its fragment; ``move`` in session state makes the run a move."""
    import streamlit as st

    from ui import live
    from ui.lesson_state import _write

    moves = live.Moves("demo", rerun=st.session_state.get("move", False))
    with live.collecting(moves):
        _write(None)  # the sidebar's fields only: the log base
    live.send(moves, key="demo.moves")


def elements(at: AppTest) -> dict[str, dict]:
    """Our elements on the page by key, with the data each was sent."""
    return {element.key: json.loads(element.proto.json) for element in at.get("bidi_component")}


def run(at: AppTest, **state) -> dict[str, dict]:
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return elements(at)


def test_a_full_run_draws_its_places_after_the_fragment_with_the_runs_stamp():
    at = AppTest.from_function(lesson_like)
    drawn = run(at)
    # Drawn by the full run in their container (page order), each named and stamped.
    assert list(drawn) == ["demo.a", "demo.b", "demo.own", "demo.moves"]
    assert drawn["demo.a"]["place"] == "demo.a" and "one" in drawn["demo.a"]["html"]
    assert drawn["demo.a"]["drawn"] == drawn["demo.b"]["drawn"] > 0
    # The fragment's own element is drawn as any element, on every run: not a place.
    assert drawn["demo.own"] == {"html": "<p>in the fragment's own container</p>",
                                 "large": False}
    assert drawn["demo.moves"] == {"places": {}, "address": None}
    # The next full run has a new stamp: the browser draws its data over any move's.
    again = run(at)
    assert again["demo.a"]["drawn"] > drawn["demo.a"]["drawn"]


def test_a_move_sends_only_the_places_it_changed_in_the_moves_element():
    at = AppTest.from_function(lesson_like)
    full = run(at)
    moved = run(at, move=True, a="two")
    # The places are not drawn again: their elements are gone from this run's page...
    assert list(moved) == ["demo.own", "demo.moves"]
    # ...and the moves element carries the one place whose data changed, with the stamp of
    # the full run it follows (so the browser keeps it over that run's data).
    places = moved["demo.moves"]["places"]
    assert list(places) == ["demo.a"]
    assert "two" in places["demo.a"]["html"] and "one" not in places["demo.a"]["html"]
    assert places["demo.a"]["drawn"] == full["demo.a"]["drawn"]
    assert places["demo.a"]["place"] == "demo.a"
    # A move that changes nothing sends nothing; one back to the full run's text sends it.
    assert run(at)["demo.moves"]["places"] == {}
    assert list(run(at, a="one")["demo.moves"]["places"]) == ["demo.a"]
    assert "reran" not in at.session_state


def test_a_move_whose_places_are_not_the_full_runs_reruns_the_page():
    at = AppTest.from_function(lesson_like)
    run(at)
    run(at, move=True, third=True)
    assert at.session_state["reran"]


@pytest.fixture
def url_writes(monkeypatch) -> list[dict]:
    """Every ``st.query_params.from_dict`` call (each sends the browser the address)."""
    writes = []
    from_dict = QueryParamsProxy.from_dict

    def recorded(self, params):
        writes.append(dict(params))
        return from_dict(self, params)

    monkeypatch.setattr(QueryParamsProxy, "from_dict", recorded)
    return writes


def test_a_move_sets_the_address_bar_through_the_moves_element(url_writes):
    """A move leaves Streamlit's query params alone (their message re-renders the whole app
    in the browser and adds a history entry) and sends the address in the moves element."""
    at = AppTest.from_function(address_like)
    assert run(at, **{"shell.base": "e"})["demo.moves"]["address"] is None
    assert url_writes == [] and dict(at.query_params) == {}
    moved = run(at, move=True, **{"shell.base": "2"})
    assert moved["demo.moves"]["address"] == "base=2"
    assert url_writes == [] and dict(at.query_params) == {}
    assert run(at, **{"shell.base": "10"})["demo.moves"]["address"] == "base=10"
    assert run(at, **{"shell.base": "e"})["demo.moves"]["address"] == ""


def test_the_full_run_after_a_move_writes_the_url_even_when_streamlit_has_it(url_writes):
    """Streamlit still holds the last full run's address (the browser sends it back with each
    rerun), so after a move the next full run writes its own, even an equal one: the address
    bar may show the move's."""
    at = AppTest.from_function(address_like)
    run(at, **{"shell.base": "e"})
    run(at, move=True, **{"shell.base": "2"})
    run(at, move=False, **{"shell.base": "e"})  # e.g. the reset button: back to the preset
    assert url_writes == [{}]
    run(at)  # nothing moved since: nothing to write
    assert url_writes == [{}]
    run(at, move=True, **{"shell.base": "10"})
    run(at, move=False)
    assert url_writes == [{}, {"base": "10"}] and dict(at.query_params) == {"base": "10"}
