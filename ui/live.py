"""Places a move updates in place: drawn by the page's full run, then changed by one element.

A lesson page draws what a move changes in its lesson fragment
(:func:`ui.lesson_state.lesson_fragment`). Each chart and each details element it draws into
a place the full run laid out (a container outside the fragment: a stage column, a section)
is a *place*, named by its key:

* **full run**: the fragment runs inline; its places are drawn right after it returns, by the
  full run itself, so they are not the fragment's and a move leaves them where they are;
* **a move** (the fragment reruns alone): its places are not drawn again. Their new data goes
  into the fragment's one **moves element** (``ui/moves.js``), which hands each place its
  data in the browser (``ui/places.js``); the place redraws itself as if it had been sent.

Why: Streamlit sends every element a fragment draws, and every block around an element it
draws outside its own container, as a message of its own, and the browser's React applies
each one to the page. A move on Why not MSE was 26 messages (11 of them blocks around
places), against the bare-Streamlit floor app's 7; the browser spent most of a key press
applying them. With places a move is the fragment's widgets, its moves element and
Streamlit's fixed messages.

What a place cannot do by moves alone is appear or disappear: a move whose places are not
the ones the full run drew (a chart that gives way to a message) reruns the page
(:func:`check_places`). Streamlit elements the fragment draws outside its own container
(an ``st.info``, a widget) stay the fragment's as before, one block each; in a container
they come before the places drawn there. A place's container is one the full run made,
never one the fragment made (draw there with ``container=None`` inside ``with``).

The copy link is a place too: the full run draws it at its end (``ui.lesson_state.end_run``)
and every move sends its new address, which the moves element also puts in the browser's
address bar (:func:`move_address`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from urllib.parse import urlencode

import streamlit as st

from ui.assets import element_js

HTML = '<div class="xent-moves" hidden></div>'

JS = element_js("moves.js")  # ui/moves.js, loaded once per tab (ui/assets.py)

_moves_element = st.components.v2.component("xent.moves", html=HTML, js=JS,
                                            isolate_styles=False)

_STAMP = "_live.stamp"  # the stamp of the session's last full run of a lesson page
_SHOWN = "_live.shown"  # page -> {key: the data its place shows} (the full run's, a move's)
_DRAWN = "_live.drawn"  # page -> the keys of the places its last full run drew
_ADDRESS_MOVED = "_live.address_moved"  # a move set the address bar since the last full run


@dataclass
class Moves:
    """What one run of a lesson fragment drew into places."""

    page: str
    rerun: bool  # a move: the fragment reruns alone
    places: dict[str, dict] = field(default_factory=dict)  # key -> the place's data
    later: list[Callable[[], None]] = field(default_factory=list)  # full run: their drawing
    address: str | None = None  # a move: the address bar's new query string (move_address)


_running: ContextVar[Moves | None] = ContextVar("xent_moves", default=None)


@contextmanager
def collecting(moves: Moves) -> Iterator[Moves]:
    """While a lesson fragment runs: its places go into ``moves``."""
    token = _running.set(moves)
    try:
        yield moves
    finally:
        _running.reset(token)


def start_run() -> None:
    """A lesson page's full run begins: a new stamp for the places it draws."""
    st.session_state[_STAMP] = time.time_ns()


def _stamp() -> int:
    return st.session_state.get(_STAMP, 0)


def draw_in_place(key: str, data: dict, draw: Callable[[dict], None], container) -> None:
    """Draw an element (``draw(data)``) in ``container``; while places are collected
    (:func:`collecting`: a lesson fragment, the copy link) it is the place ``key``: on a full
    run drawn when :func:`draw_later` is called, with its key and the run's stamp; on a move
    its data goes to the moves element. Anywhere else, and in the fragment's own container
    (``container=None``), it is drawn here and now, as any element."""
    moves = _running.get()
    if container is None:
        draw(data)
        return
    if moves is None:
        with container:
            draw(data)
        return
    moves.places[key] = data
    if moves.rerun:
        return
    # A full run's data always differs from the last one's (its stamp), so the browser draws
    # it even when a move has since shown other data in the place (ui/places.js).
    placed = {**data, "place": key, "drawn": _stamp()}

    def now() -> None:
        with container:
            draw(placed)

    moves.later.append(now)


def check_places(moves: Moves) -> None:
    """On a move: rerun the page when its places are not those the full run drew."""
    drawn = st.session_state.setdefault(_DRAWN, {})
    if not moves.rerun:
        drawn[moves.page] = set(moves.places)
    elif set(moves.places) != drawn.get(moves.page):
        st.rerun()


def move_address(params: dict) -> bool:
    """On a move, the browser's address bar gets the query parameters ``params`` through the
    moves element (``history.replaceState``): True. Elsewhere False, and the caller writes
    ``st.query_params``.

    Why not ``st.query_params`` on a move: its message makes Streamlit's whole app re-render
    in the browser and push a history entry (the Back button stepped through every slider
    position); with it a key press took 0.1–0.2× the floor app's time longer. Streamlit's own
    idea of the address stays the last full run's, and the browser sends that one with each
    rerun, so the next full run writes the query params again (:func:`address_moved`) even
    when they equal it."""
    moves = _running.get()
    if moves is None or not moves.rerun:
        return False
    moves.address = urlencode(params, doseq=True)  # as Streamlit encodes st.query_params
    st.session_state[_ADDRESS_MOVED] = True
    return True


def address_moved() -> bool:
    """Whether a move has set the address bar since the query params were last written (and
    forget it: the caller writes them now)."""
    return bool(st.session_state.pop(_ADDRESS_MOVED, False))


def send(moves: Moves, key: str) -> None:
    """The fragment's moves element, with the places whose data changed and, on a move, the
    address bar's query string (drawn in the fragment's own container, on full runs too, so
    a move updates the element rather than adding one)."""
    shown = st.session_state.setdefault(_SHOWN, {})
    if moves.rerun:
        before = shown.setdefault(moves.page, {})
        changed = {key: {**data, "place": key, "drawn": _stamp()}
                   for key, data in moves.places.items() if before.get(key) != data}
        before.update(moves.places)
    else:
        shown[moves.page] = dict(moves.places)
        changed = {}
    _moves_element(key=key, data={"places": changed, "address": moves.address})


def draw_later(moves: Moves) -> None:
    """A full run, after the lesson fragment returned: draw its places."""
    for now in moves.later:
        now()
