"""Predict, then reveal: the checkpoint cards a lesson page shows (one call per page).

``predict_checkpoints(lesson)`` draws the lesson's checkpoints (``classroom.checkpoints``)
in order. Each card hides its answer: the learner types or picks a guess, and only then
sees the value the core computes, how far the guess was, and a one-line why. Each card is
an ``st.fragment``, so guessing reruns the card, not the lesson. A sidebar toggle turns the
cards off for free exploration. A closed expander builds no cards, so the questions cost a
lesson's rerun nothing until they are opened.

While the questions are open and a guess is still missing, the stage and the rest of the
lesson below are blurred: they show the very numbers the questions ask about. Locking in the
last guess (or folding the questions away) uncovers them; *guess again* covers them again.
"""

from __future__ import annotations

import streamlit as st

from classroom import InvalidInput
from classroom.checkpoints import Checkpoint, Score, for_lesson, get_checkpoint
from ui.text import escape_markdown

PREDICT_ON = "predict.on"

# The stage (``ui.lesson_state.STAGE_KEY``) and everything after it in the main column; the
# stage's container may sit in a layout wrapper of its own.
COVER_CSS = """
[data-testid="stMain"] [data-testid="stVerticalBlock"] > .st-key-lesson-stage,
[data-testid="stMain"] [data-testid="stVerticalBlock"] > .st-key-lesson-stage ~ *,
[data-testid="stMain"] [data-testid="stVerticalBlock"] > :has(> .st-key-lesson-stage),
[data-testid="stMain"] [data-testid="stVerticalBlock"] > :has(> .st-key-lesson-stage) ~ * {
  filter: blur(7px);
}
"""
COVER_NOTE = ("The lesson below stays blurred until every guess is locked in: it shows the "
              "answers. Fold these questions away to explore freely.")


def open_key(lesson: str) -> str:
    """Session key of the lesson's expander (``True`` while open)."""
    return f"predict.{lesson}.open"


def _key(checkpoint_id: str, part: str) -> str:
    return f"predict.{checkpoint_id}.{part}"


def cover_key(lesson: str) -> str:
    """Session key: is the lesson below its questions covered (drawn by the last full run)?"""
    return f"predict.{lesson}.covered"


def guesses_missing(lesson: str) -> bool:
    """Does any of the lesson's checkpoints still wait for a guess?"""
    return any(_key(c.id, "score") not in st.session_state for c in for_lesson(lesson))


def predict_toggle() -> bool:
    """The sidebar switch; on by default."""
    return st.toggle("Predict before you see", value=True, key=PREDICT_ON,
                     help="Show the predict-then-reveal questions on each lesson page. "
                          "Turn off to explore freely.")


def _lock_in(checkpoint_id: str) -> None:
    checkpoint = get_checkpoint(checkpoint_id)
    try:
        score = checkpoint.score(st.session_state.get(_key(checkpoint_id, "guess")))
    except InvalidInput as error:
        st.session_state[_key(checkpoint_id, "error")] = str(error)
        return
    st.session_state.pop(_key(checkpoint_id, "error"), None)
    st.session_state[_key(checkpoint_id, "score")] = score


def _guess_again(checkpoint_id: str) -> None:
    for part in ("score", "guess", "error"):
        st.session_state.pop(_key(checkpoint_id, part), None)


def _reveal(checkpoint: Checkpoint, score: Score) -> None:
    answer = score.answer if checkpoint.kind == "choice" else \
        f"{score.answer:.{checkpoint.digits}f}"
    st.markdown(f"**Answer: {escape_markdown(answer)}**")
    (st.success if score.close else st.warning)(
        escape_markdown(score.describe(checkpoint.digits)),
        icon=":material/check_circle:" if score.close else ":material/info:")
    st.caption(f"Why: {checkpoint.why}")
    st.button("Hide the answer and guess again", key=_key(checkpoint.id, "again"),
              on_click=_guess_again, args=(checkpoint.id,), type="tertiary")


@st.fragment
def checkpoint_card(checkpoint_id: str, number: int) -> None:
    """One checkpoint: the question, a guess, then the reveal."""
    checkpoint = get_checkpoint(checkpoint_id)
    if st.session_state.get(cover_key(checkpoint.lesson)) != guesses_missing(checkpoint.lesson):
        st.rerun()  # the last guess locked in, or one taken back: cover or uncover the lesson
    with st.container(border=True, key=_key(checkpoint_id, "card")):
        st.markdown(f"**Predict {number}.** {escape_markdown(checkpoint.question)}")
        score = st.session_state.get(_key(checkpoint_id, "score"))
        if score is not None:
            _reveal(checkpoint, score)
            return
        guess = _key(checkpoint_id, "guess")
        with st.form(_key(checkpoint_id, "form"), border=False):
            if checkpoint.kind == "number":
                st.number_input("Your guess", value=None, step=0.01, format="%.4f", key=guess,
                                placeholder="type a number")
            else:
                st.radio("Your guess", checkpoint.choices, index=None, key=guess,
                         horizontal=True)
            st.form_submit_button("Lock in my guess and reveal", on_click=_lock_in,
                                  args=(checkpoint_id,), key=_key(checkpoint_id, "submit"))
        if _key(checkpoint_id, "error") in st.session_state:
            st.error(escape_markdown(st.session_state[_key(checkpoint_id, "error")]),
                     icon=":material/error:")


def predict_checkpoints(lesson: str) -> None:
    """The lesson's predict-then-reveal questions, folded under one expander."""
    if not st.session_state.get(PREDICT_ON, True):
        return
    checkpoints = for_lesson(lesson)
    # The cards are built only while the expander is open: a closed one costs a rerun nothing.
    questions = st.expander(
        f":material/quiz: Predict, then reveal: {len(checkpoints)} questions on this lesson's "
        "example (guess before you look below)", key=open_key(lesson), on_change="rerun")
    if not questions.open:
        return
    covered = guesses_missing(lesson)
    st.session_state[cover_key(lesson)] = covered
    with questions:
        if covered:
            st.html(f"<style>{COVER_CSS}</style>")
            st.caption(COVER_NOTE)
        for number, checkpoint in enumerate(checkpoints, start=1):
            checkpoint_card(checkpoint.id, number)
