"""Numbered edits: how an element of ours (the rows of classes, the spreadsheet) tells the
server what a learner did, without losing an edit.

The browser numbers each edit and sends, as the element's state, the latest edit of each
input (``"<row>:<source>"``) plus every row added or deleted (``"<source>:<seq>"``) that the
server has not applied yet; the server applies those numbered above the last one it applied,
in order. Streamlit keeps only a component's latest state, so an edit that a faster one
follows before the server has answered is still in that state.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

# Sources that are not one input's latest value but an action each time (kept one per edit).
ACTIONS = ("add", "delete")


@dataclass(frozen=True)
class Edit:
    """What a learner did on row ``row``: ``source`` names the input (the rows of classes:
    ``"slider"``, ``"box"``, ``"name"``, ``"remove"``; the spreadsheet: a column's key, or
    ``"add"`` / ``"delete"``), ``text`` what it sent (a slider's value, a box's text, raw)."""

    row: int
    source: str
    text: str
    seq: int


def edit_name(row: int, source: str, seq: int) -> str:
    """The edit's name in the element's state (see the module docstring)."""
    return f"{source}:{seq}" if source in ACTIONS else f"{row}:{source}"


def read_edits(value) -> list[Edit]:
    """The edits in an element's state (``{"edits": {...}}``), oldest first; anything not
    shaped like an edit (a stale or hand-made request) is skipped, never an error."""
    edits = value.get("edits") if isinstance(value, dict) else None
    found = []
    for edit in edits.values() if isinstance(edits, dict) else ():
        try:
            found.append(Edit(int(edit["row"]), str(edit["source"]), str(edit["text"]),
                              int(edit["seq"])))
        except (KeyError, TypeError, ValueError):
            continue
    return sorted(found, key=lambda e: e.seq)


def edit_state(sent, row: int, source: str, text: str, applied: int) -> dict:
    """The state an element sends for a new edit, as its JavaScript does: the edits ``sent``
    before (its last state) that the server has not ``applied``, and this one, numbered above
    them all. For clients that are not a browser (the load test, AppTest)."""
    earlier = read_edits(sent)
    seq = max([applied, *(edit.seq for edit in earlier)]) + 1
    edits = {edit_name(e.row, e.source, e.seq): vars(e) for e in earlier if e.seq > applied}
    edits[edit_name(row, source, seq)] = {"row": row, "source": source, "text": text,
                                          "seq": seq}
    return {"edits": edits}


def applied_key(key: str) -> str:
    """Where the number of the last edit applied from element ``key`` is kept (not under
    ``key``: a reset of the page's state keeps it, so an old edit is never applied again)."""
    return f"_edits.applied.{key}"


def pending_edits(key: str) -> list[Edit]:
    """The edits element ``key`` sent that this session has not applied yet, oldest first
    (from now on counted as applied)."""
    applied = st.session_state.get(applied_key(key), 0)
    new = [edit for edit in read_edits(st.session_state.get(key)) if edit.seq > applied]
    if new:
        st.session_state[applied_key(key)] = new[-1].seq
    return new


def last_applied(key: str) -> int:
    """The number of the last edit applied from element ``key`` (0: none yet)."""
    return st.session_state.get(applied_key(key), 0)
