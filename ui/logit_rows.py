"""What lessons with a fixed list of classes share: a logit row per class, a story picker.

Each class gets a slider (for moving) and an exact-value box (for typing any logit up to
``LOGIT_LIMIT``), all drawn as one element (:mod:`ui.class_rows`); both write the same list
field of the page's :class:`LessonState`. A lesson's other numbers that a move edits
(:class:`NumberField`: a shift, label smoothing, a temperature) are rows of the same element,
so a move sends one element for all of them. The story picker sets several fields at once from
one of the lesson's presets and shows which story (if any) the current inputs still are.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

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
    """A class's row: the slider held to ±``slider_limit``, the box showing the value (or the
    text that was not used, with why), a note when the value is beyond the slider."""
    return number_row(label, name, value, box, -slider_limit, slider_limit)


def number_row(label: str, name: str, value: float, box: str, low: float, high: float,
               **row) -> Row:
    """A number's row: ``name`` in front, the slider held to [``low``, ``high``], the box
    showing the value (or the text that was not used, with why), a note when the value is
    beyond the slider. ``row``: more of :class:`ui.class_rows.Row` (a group's lead, …)."""
    text, message = box_shows(box, value)
    reach = f"±{high:g}" if low == -high else f"range, {low:g} to {high:g}"
    note = (f"{fmt(value, 3)} is beyond the slider's {reach}; the box holds the value."
            if not low <= value <= high else None)
    return Row(name=name, slider_label=f"{label} (slider)", box_label=f"{label} (exact)",
               slider=min(max(float(value), low), high), text=text, error=message,
               note=note, **row)


def apply_number_edit(edit: Edit, value: float, set_value: Callable[[float], None], *,
                      box: str, what: str, low: float, high: float,
                      parse: Callable[[str], float] = parse_logit) -> None:
    """A slider move or a box's text for a number that shows ``value``: ``set_value`` gets
    the slider's value (held to [``low``, ``high``]) or the box's, once ``parse`` takes it."""
    if edit.source == "slider":
        try:
            moved = float(edit.text)
        except ValueError:
            return  # a range input always sends a number; anything else is not a move
        if math.isfinite(moved):
            set_value(min(max(moved, low), high))
    elif edit.source == "box":
        commit_number(box, edit.text, parse, set_value, what=what, value=value, digits=3)


def apply_logit_edit(state: LessonState, name: str, edit: Edit, *, box: str, what: str,
                     slider_limit: float) -> None:
    """A slider move or a box's text for entry ``edit.row`` of the list field ``name``."""
    apply_number_edit(edit, state[name][edit.row],
                      lambda number: set_logit(state, name, edit.row, number),
                      box=box, what=what, low=-slider_limit, high=slider_limit)


@dataclass(frozen=True)
class NumberField:
    """A number field of the lesson drawn as a row of its logits' element (one element for
    everything a move edits: lesson 7's shift c below the classes, lesson 8's label smoothing
    and temperature above them). Its slider runs from ``low`` to ``high`` in steps of
    ``step``; its exact box takes what ``parse`` takes (the parser a link uses)."""

    name: str  # the field of the page's LessonState
    label: str  # the slider's and box's accessible names: "Shift c (slider)", "… (exact)"
    short_name: str  # in the row's first column: "c"
    low: float
    high: float
    step: float
    parse: Callable[[str], float] = parse_logit
    lead: str = ""  # the line above the row: what the number does
    head: tuple[str, ...] = ()  # column heads above the row (after the lead)

    def row(self, state: LessonState) -> Row:
        row = number_row(self.label, self.short_name, state[self.name], self.box(state),
                         self.low, self.high, step=self.step, lead=self.lead, head=self.head)
        return replace(row, low=self.low, high=self.high)  # its slider's own range

    def box(self, state: LessonState) -> str:
        return state.private(f"box.{self.name}")

    def apply(self, state: LessonState, edit: Edit) -> None:
        apply_number_edit(edit, state[self.name],
                          lambda number: state.set(self.name, float(number)),
                          box=self.box(state), what=self.label[0].lower() + self.label[1:],
                          low=self.low, high=self.high, parse=self.parse)


def logit_rows(state: LessonState, name: str, class_names: Sequence[str], *,
               slider_limit: float = 10.0, step: float = 0.01, word: str = "logit",
               before: Sequence[NumberField] = (), after: Sequence[NumberField] = (),
               lead: str = "") -> None:
    """One row per class: its name, a slider (±``slider_limit``, in steps of ``step``) and
    an exact-value box; the rows of the number fields ``before`` and ``after`` the classes'
    in the same element (the classes' rows then start with ``lead`` and their column heads).

    A value typed beyond the slider's range is kept (the box and the lesson use it); the
    slider waits at its end and a note says so.
    """
    values = state[name]
    first, last = len(before), len(before) + len(class_names)

    def box(i: int) -> str:
        return state.private(f"box.{i}")

    def on_edit(edit: Edit) -> None:
        if first <= edit.row < last:
            i = edit.row - first
            apply_logit_edit(state, name, replace(edit, row=i), box=box(i),
                             what=f"{word} of {class_names[i]}", slider_limit=slider_limit)
        elif 0 <= edit.row < first:
            before[edit.row].apply(state, edit)
        elif last <= edit.row < last + len(after):
            after[edit.row - last].apply(state, edit)

    head = ("", f"{word} (slider: −{slider_limit:g} to {slider_limit:g})",
            f"exact (±{LOGIT_LIMIT:,.0f})")
    rows = [logit_row(f"{word.capitalize()} of {class_name}", class_name, value, box(i),
                      slider_limit)
            for i, (class_name, value) in enumerate(zip(class_names, values, strict=True))]
    if before:  # the classes' rows are a group below the fields': their lead and heads
        rows[0] = replace(rows[0], lead=lead, head=head)
    class_rows(state.private("rows"),
               [*(field.row(state) for field in before), *rows,
                *(field.row(state) for field in after)],
               on_edit=on_edit, head=() if before else head,
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
