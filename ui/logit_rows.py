"""Widgets shared by lessons with a fixed list of classes: a logit row per class, a story picker.

Each class gets a slider (for moving) and an exact-value box (for typing any logit up to
``LOGIT_LIMIT``); both write the same list field of the page's :class:`LessonState` and are
refreshed from it before they are drawn, so they never disagree. The story picker sets
several fields at once from one of the lesson's presets and shows which story (if any) the
current inputs still are.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import partial

import streamlit as st

from ui.lesson_state import LessonState, number_box, twin_slider
from ui.text import fmt
from ui.url_state import LOGIT_LIMIT, parse_float

parse_logit = parse_float(-LOGIT_LIMIT, LOGIT_LIMIT)


def set_logit(state: LessonState, name: str, i: int, value: float) -> None:
    """Entry ``i`` of the list field ``name`` becomes ``value`` (the other entries stay)."""
    logits = list(state[name])
    logits[i] = float(value)
    state.set(name, tuple(logits))


def _from_slider(state: LessonState, name: str, i: int, widget: str) -> None:
    set_logit(state, name, i, st.session_state[widget])


def logit_rows(state: LessonState, name: str, class_names: Sequence[str], *,
               slider_limit: float = 10.0, word: str = "logit") -> None:
    """One row per class: its name, a slider (±``slider_limit``) and an exact-value box.

    A value typed beyond the slider's range is kept (the box and the lesson use it); the
    slider waits at its end and a caption says so.
    """
    values = state[name]
    widths = [1.1, 4.0, 1.7]
    head = st.columns(widths)
    head[1].caption(f"{word} (slider: −{slider_limit:g} to {slider_limit:g})")
    head[2].caption(f"exact (±{LOGIT_LIMIT:,.0f})")
    for i, (class_name, value) in enumerate(zip(class_names, values, strict=True)):
        slider = state.private(f"slider.{i}")
        shown = min(max(float(value), -slider_limit), slider_limit)
        twin_slider(slider, shown)
        name_col, slider_col, box_col = st.columns(widths, vertical_alignment="center")
        name_col.markdown(f"**{class_name}**")
        slider_col.slider(
            f"{word.capitalize()} of {class_name} (slider)", -slider_limit, slider_limit,
            step=0.01, format="%.2f", key=slider, label_visibility="collapsed",
            on_change=_from_slider, args=(state, name, i, slider),
        )
        number_box(state.private(f"box.{i}"), f"{word.capitalize()} of {class_name} (exact)",
                   value, parse_logit, partial(set_logit, state, name, i),
                   what=f"{word} of {class_name}", container=box_col,
                   label_visibility="collapsed", digits=3, twin=(slider, shown))
        if abs(value) > slider_limit:
            slider_col.caption(f"{fmt(value, 3)} is beyond the slider's ±{slider_limit:g}; "
                               "the box holds the value.")


def story_picker(state: LessonState, stories: Mapping[str, Mapping[str, object]],
                 current: Callable[[LessonState], Mapping[str, object]], *,
                 label: str = "Story") -> None:
    """A select box of the lesson's stories; picking one sets its fields.

    ``stories`` maps a story's name to the field values it sets; ``current(state)`` gives
    the same fields as they are now, so the box shows the story the inputs still tell
    (empty once the learner has moved away from every story).
    """
    widget = state.private("story")
    now = dict(current(state))
    st.session_state[widget] = next(
        (story for story, values in stories.items() if dict(values) == now), None)

    def pick() -> None:
        chosen = st.session_state[widget]
        if chosen is not None:
            for field_name, value in stories[chosen].items():
                state.set(field_name, value)

    st.selectbox(label, options=list(stories), key=widget, on_change=pick,
                 placeholder="your own numbers (pick a story to start one)",
                 help="Each story sets the logits and the true class(es) to an example the "
                      "lesson tells. Move anything afterwards.")
