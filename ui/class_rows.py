"""A lesson's classes as one element: per class its name, a logit slider and an exact box.

Why one element: drawn with Streamlit's own widgets, a move resends every class's slider and
box (two widgets a class, each re-registered, serialised and sent by the server and drawn
again by the browser); here a move sends one element, which updates its rows in place, and
keeps the keyboard focus where it was.

Python keeps every rule. The browser sends *what the learner did* (a slider moved to a
value, text committed in a box with Enter or by leaving it, a class renamed or removed), and
:func:`class_rows` hands each edit to the page's callbacks: a box's text goes through the
same parser a link uses (:func:`ui.lesson_state.commit_number`), so an empty box, ``abc``,
``1e999`` or a number out of range changes nothing and the message says why, beside the box.

The browser keeps each row's latest edit, numbered, and sends them all with every edit; the
server applies those it has not applied yet, in order (:mod:`ui.edits`). So an edit is not
lost when a faster one follows before the server has answered.

Accessible as the widgets it replaces: a native range input (arrow keys move it by its step,
Home / End to its ends), text boxes with labels, messages in ``role="alert"`` tied to their
box by ``aria-describedby``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import streamlit as st

from ui.assets import element_js
from ui.edits import Edit, last_applied, pending_edits
from ui.presenter import presenting

HTML = '<div class="xent-rows" data-testid="xent-rows"><div class="xr-head"></div>' \
       '<div class="xr-body"></div></div>'

JS = element_js("class_rows.js")  # ui/class_rows.js, loaded once per tab (ui/assets.py)

_rows = st.components.v2.component("xent.class_rows", html=HTML, js=JS,
                                   isolate_styles=False)


@dataclass(frozen=True)
class Row:
    """One class as the element draws it."""

    name: str  # the class's name
    box_label: str  # the exact box's accessible name, e.g. "Logit of fish (exact)"
    text: str  # what the exact box shows: the value, or text that was not used
    slider_label: str = ""  # the slider's, e.g. "Logit of fish (slider)" (rows with sliders)
    slider: float = 0.0  # where the slider sits (the value, held to the slider's range)
    error: str | None = None  # why that text was not used
    note: str | None = None  # a line under the row (e.g. "beyond the slider's range")
    name_text: str = ""  # editable names: what the name box shows
    name_error: str | None = None  # ... and why that name was not taken
    removable: bool = False
    remove_help: str = ""
    # a row of another quantity in the same element (lesson 7's shift c, lesson 8's ε and T):
    # its slider's own range and step (None: the element's), and above the row a line that
    # says what it is (``lead``) and column heads (``head``), as the element's at its top
    low: float | None = None
    high: float | None = None
    step: float | None = None
    lead: str = ""
    head: tuple[str, ...] = ()


def class_rows(key: str, rows: Sequence[Row], *, on_edit: Callable[[Edit], None],
               head: Sequence[str] = (), sliders: bool = True, low: float = -10.0,
               high: float = 10.0, step: float = 0.01, editable_names: bool = False,
               removable: bool = False, name_length: int = 40,
               columns: str = "minmax(4rem, 1.1fr) 4fr minmax(5.5rem, 1.7fr)",
               cells: int = 0) -> None:
    """Draw the rows as one element named ``key``; each new edit goes to ``on_edit``
    (before the rest of the run, as a widget's ``on_change``).

    ``low``, ``high`` and ``step`` are the sliders' unless a row sets its own; ``head`` heads
    the columns at the top, a row's ``lead`` and ``head`` start a group of rows below.
    ``columns`` lays out a row (CSS grid columns: name, slider, box, remove button);
    ``sliders=False`` leaves the sliders out; ``cells=n`` sets the rows side by side, ``n``
    to a line, each its name over its box.
    """
    def changed() -> None:
        for edit in pending_edits(key):
            on_edit(edit)

    _rows(key=key, on_edits_change=changed, data={
        "rows": [vars(row) for row in rows], "head": list(head), "low": low, "high": high,
        "step": step, "sliders": sliders, "cells": cells,
        "editable_names": editable_names, "removable": removable,
        "name_length": name_length, "columns": columns,
        "applied": last_applied(key), "large": presenting(),
    })
