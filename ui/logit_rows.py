"""What lessons with a fixed list of classes share: a logit row per class, a story picker.

Each class gets a slider (for moving) and an exact-value box (for typing any logit up to
``LOGIT_LIMIT``), all drawn as one element (:mod:`ui.class_rows`); both write the same list
field of the page's :class:`LessonState`. The story picker sets several fields at once from
one of the lesson's presets and shows which story (if any) the current inputs still are.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

import streamlit as st

from ui.class_rows import Row, class_rows
from ui.edits import Edit
from ui.lesson_state import (
    LessonState,
    box_shows,
    commit_number,
    rerun_if_example_left,
)
from ui.text import fmt
from ui.url_state import LOGIT_LIMIT, parse_float

parse_logit = parse_float(-LOGIT_LIMIT, LOGIT_LIMIT)


def set_logit(state: LessonState, name: str, i: int, value: float) -> None:
    """Entry ``i`` of the list field ``name`` becomes ``value`` (the other entries stay)."""
    logits = list(state[name])
    logits[i] = float(value)
    state.set(name, tuple(logits))


def logit_row(label: str, name: str, value: float, box: str, slider_limit: float) -> Row:
    """A class's row: the slider held to its range, the box showing the value (or the text
    that was not used, with why), a note when the value is beyond the slider."""
    text, message = box_shows(box, value)
    note = (f"{fmt(value, 3)} is beyond the slider's ±{slider_limit:g}; the box holds the "
            "value." if abs(value) > slider_limit else None)
    return Row(name=name, slider_label=f"{label} (slider)", box_label=f"{label} (exact)",
               slider=min(max(float(value), -slider_limit), slider_limit),
               text=text, error=message, note=note)


def apply_number_edit(edit: Edit, value: float, set_value: Callable[[float], None], *,
                      box: str, what: str, slider_limit: float) -> None:
    """A slider move or a box's text for a number that shows ``value``: ``set_value`` gets
    the slider's value (held to ±``slider_limit``) or the box's, once it parses."""
    if edit.source == "slider":
        try:
            moved = float(edit.text)
        except ValueError:
            return  # a range input always sends a number; anything else is not a move
        if math.isfinite(moved):
            set_value(min(max(moved, -slider_limit), slider_limit))
    elif edit.source == "box":
        commit_number(box, edit.text, parse_logit, set_value, what=what, value=value, digits=3)


def apply_logit_edit(state: LessonState, name: str, edit: Edit, *, box: str, what: str,
                     slider_limit: float) -> None:
    """A slider move or a box's text for entry ``edit.row`` of the list field ``name``."""
    apply_number_edit(edit, state[name][edit.row],
                      lambda number: set_logit(state, name, edit.row, number),
                      box=box, what=what, slider_limit=slider_limit)


def logit_rows(state: LessonState, name: str, class_names: Sequence[str], *,
               slider_limit: float = 10.0, step: float = 0.01, word: str = "logit") -> None:
    """One row per class: its name, a slider (±``slider_limit``, in steps of ``step``) and
    an exact-value box.

    A value typed beyond the slider's range is kept (the box and the lesson use it); the
    slider waits at its end and a note says so.
    """
    values = state[name]

    def box(i: int) -> str:
        return state.private(f"box.{i}")

    def on_edit(edit: Edit) -> None:
        if 0 <= edit.row < len(class_names):
            apply_logit_edit(state, name, edit, box=box(edit.row),
                             what=f"{word} of {class_names[edit.row]}",
                             slider_limit=slider_limit)

    rows = [logit_row(f"{word.capitalize()} of {class_name}", class_name, value, box(i),
                      slider_limit)
            for i, (class_name, value) in enumerate(zip(class_names, values, strict=True))]
    _number_rows(state.private("rows"), rows, on_edit, word, slider_limit, step)


def number_row(state: LessonState, name: str, label: str, short_name: str, *,
               slider_limit: float, step: float, says: str) -> None:
    """One row, drawn like a class's, for the number field ``name`` (lesson 7's shift c):
    ``short_name`` in front, a slider (±``slider_limit``) headed by what the number
    ``says``, and an exact-value box."""
    box = state.private(f"box.{name}")

    def on_edit(edit: Edit) -> None:
        if edit.row == 0:
            apply_number_edit(edit, state[name], lambda number: state.set(name, float(number)),
                              box=box, what=label[0].lower() + label[1:],
                              slider_limit=slider_limit)

    _number_rows(state.private(f"rows.{name}"),
                 [logit_row(label, short_name, state[name], box, slider_limit)],
                 on_edit, says, slider_limit, step)


def _number_rows(key: str, rows: Sequence[Row], on_edit: Callable[[Edit], None], says: str,
                 slider_limit: float, step: float) -> None:
    """Rows of numbers, each a slider (±``slider_limit``) and an exact box, under a head
    that says what they are and how far each reaches."""
    class_rows(key, rows, on_edit=on_edit,
               head=["", f"{says} (slider: −{slider_limit:g} to {slider_limit:g})",
                     f"exact (±{LOGIT_LIMIT:,.0f})"],
               low=-slider_limit, high=slider_limit, step=step)


def _story_told(stories: Mapping[str, Mapping[str, object]],
                current: Mapping[str, object]) -> str | None:
    now = dict(current)
    return next((story for story, values in stories.items() if dict(values) == now), None)


def story_picker(state: LessonState, stories: Mapping[str, Mapping[str, object]],
                 current: Callable[[LessonState], Mapping[str, object]], *,
                 label: str = "Story") -> None:
    """A select box of the lesson's stories; picking one sets its fields.

    ``stories`` maps a story's name to the field values it sets; ``current(state)`` gives
    the same fields as they are now, so the box shows the story the inputs still tell
    (empty once the learner has moved away from every story). Drawn by the page's full run:
    a lesson fragment calls :func:`rerun_if_story_changed` so the box follows a move.
    """
    widget = state.private("story")
    st.session_state[widget] = _story_told(stories, current(state))

    def pick() -> None:
        chosen = st.session_state[widget]
        if chosen in stories:  # None: the placeholder
            for field_name, value in stories[chosen].items():
                state.set(field_name, value)

    st.selectbox(label, options=list(stories), key=widget, on_change=pick,
                 placeholder="your own numbers (pick a story to start one)",
                 help="Each story sets the logits and the true class(es) to an example the "
                      "lesson tells. Move anything afterwards.")


def rerun_if_story_changed(state: LessonState, stories: Mapping[str, Mapping[str, object]],
                           current: Callable[[LessonState], Mapping[str, object]]) -> None:
    """In a lesson fragment: the first move off the story the full run's box shows reruns the
    page, so the box says "your own numbers" (:func:`ui.lesson_state.rerun_if_example_left`)."""
    rerun_if_example_left(state, "story", lambda now: _story_told(stories, current(now)))
