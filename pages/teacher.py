"""Teach with it: run a "predict, then reveal" class session.

Start a session, send students its code or link, ask a checkpoint question, watch the
guesses arrive (the results refresh every second in an ``st.fragment``), then reveal the
answer, which reaches every student's screen. The session's teacher key protects all of
it; everything is stored in the class database (``ui.class_session``).
"""

from __future__ import annotations

import io
from urllib.parse import urlsplit, urlunsplit

import segno
import streamlit as st

from classroom import ClassroomError
from classroom.checkpoints import CHECKPOINTS, get_checkpoint, next_checkpoint
from ui.class_figures import choice_bars, guess_histogram
from ui.class_session import CODE_PARAM, LESSON_PAGES, classroom, format_answer
from ui.text import escape_markdown
from ui.widgets import show_figure

TEACHER = "teacher.session"  # (code, teacher key) of the session this screen runs
ERROR = "teacher.error"
LIVE_REFRESH_S = 1.0
INTRO = (
    "Before you move a slider, ask the class what will happen. Start a session: students join "
    "with its code on their own laptops or phones, send a guess, and see the answer when you "
    "reveal it."
)


def _run(action) -> None:
    """Run a database action; keep its message (a ClassroomError) for the page to show."""
    try:
        action()
        st.session_state.pop(ERROR, None)
    except ClassroomError as error:
        st.session_state[ERROR] = str(error)


def start_session() -> None:
    def action():
        new = classroom().start_session(st.session_state.get("teacher.title", ""))
        st.session_state[TEACHER] = (new.code, new.teacher_key)
    _run(action)


def open_session() -> None:
    def action():
        key = st.session_state.get("teacher.open_key", "")
        code = classroom().check_teacher(st.session_state.get("teacher.open_code", ""), key)
        st.session_state[TEACHER] = (code, key.strip())
    _run(action)


def ask(checkpoint_id: str) -> None:
    code, key = st.session_state[TEACHER]
    _run(lambda: classroom().ask(code, key, get_checkpoint(checkpoint_id).spec()))


def reveal(checkpoint_id: str) -> None:
    code, key = st.session_state[TEACHER]
    _run(lambda: classroom().reveal(code, key, checkpoint_id))


def delete_session() -> None:
    code, key = st.session_state[TEACHER]

    def action():
        classroom().delete_session(code, key)
        st.session_state.pop(TEACHER)
        st.session_state["teacher.deleted"] = code
    _run(action)


def forget_session() -> None:
    st.session_state.pop(TEACHER, None)


def student_link(code: str) -> str:
    """The app's address with ``?class=CODE``: the host the teacher's browser used."""
    parts = urlsplit(st.context.url or "http://localhost:8501/")
    path = parts.path.rsplit("/", 1)[0] + "/"  # drop this page's own path
    return urlunsplit((parts.scheme, parts.netloc, path, f"{CODE_PARAM}={code}", ""))


@st.cache_data(show_spinner=False, max_entries=20)
def qr_png(link: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="png", scale=6, border=2)
    return buffer.getvalue()


def show_error() -> None:
    if ERROR in st.session_state:
        st.error(escape_markdown(st.session_state[ERROR]), icon=":material/error:")


def no_session() -> None:
    if "teacher.deleted" in st.session_state:
        st.success(f"Class {st.session_state.pop('teacher.deleted')} and all its answers "
                   "were deleted.")
    start, reopen = st.columns(2)
    with start, st.form("teacher.start"):
        st.subheader("Start a class session")
        st.text_input("Title (optional)", max_chars=80, key="teacher.title",
                      placeholder="e.g. Tuesday, softmax")
        st.form_submit_button("Start a class session", on_click=start_session, type="primary",
                              key="teacher.start_button")
    with reopen, st.form("teacher.open"):
        st.subheader("Open a session you started")
        st.text_input("Class code", max_chars=20, key="teacher.open_code")
        st.text_input("Teacher key", type="password", max_chars=200, key="teacher.open_key")
        st.form_submit_button("Open", on_click=open_session, key="teacher.open_button")
    show_error()


def session_header(code: str, key: str) -> None:
    link = student_link(code)
    left, right = st.columns([3, 1])
    with left:
        st.markdown(f"## Class code: `{code}`")
        st.markdown("Students open this link (or the app, then **Join a class** in the "
                    "sidebar with the code):")
        st.code(link, language=None)
        with st.popover(":material/key: Teacher key"):
            st.caption("Keep it to reopen this session on another screen. Anyone with it can "
                       "reveal answers, download them and delete the session.")
            st.code(key, language=None)
    right.image(qr_png(link), caption=f"QR code of {link}", width=180)


def question_picker(current: str | None) -> None:
    ids = [c.id for c in CHECKPOINTS]
    default = next_checkpoint(current).id if current else ids[0]
    choice = st.selectbox(
        "Next question to ask" if current else "Question to ask", ids,
        index=ids.index(default), key=f"teacher.pick.{current}",
        format_func=lambda i: f"{LESSON_PAGES[get_checkpoint(i).lesson][1]} — "
                              f"{get_checkpoint(i).question}",
    )
    st.button(":material/campaign: Ask the class", on_click=ask, args=(choice,),
              type="primary")


@st.fragment(run_every=LIVE_REFRESH_S)
def live_results() -> None:
    code, key = st.session_state.get(TEACHER, (None, None))
    if code is None:
        return
    try:
        info = classroom().session_info(code)
        current = info.current
        results = None if current is None else \
            classroom().results(code, key, current.checkpoint_id)
    except ClassroomError as error:
        st.error(escape_markdown(str(error)), icon=":material/error:")
        return
    if results is None:
        st.info(f"{info.n_students} students have joined. Pick a question and ask the class.")
        return
    question = results.question
    checkpoint = get_checkpoint(question.checkpoint_id)
    st.markdown(f"### {escape_markdown(checkpoint.question)}")
    peek = st.session_state.get("teacher.peek", False)
    show_answer = question.revealed or peek
    answered, close, state = st.columns(3)
    answered.metric("Answered", f"{results.n_answered} of {results.n_students}")
    share = results.share_close
    close.metric("Within tolerance" if question.kind == "number" else "Right",
                 "–" if share is None or not show_answer else f"{share:.0%}")
    state.metric("Answer", format_answer(question, question.answer) if show_answer else "hidden")
    answer = question.answer if show_answer else None
    if question.kind == "number":
        figure = guess_histogram(results.numbers, answer, question.tolerance,
                                 answer_text=format_answer(question, answer))
    else:
        figure = choice_bars(results.choice_counts(), answer)
    show_figure(figure, key="teacher.histogram")
    if question.revealed:
        st.success(f"Revealed. Why: {checkpoint.why}", icon=":material/visibility:")
        if st.button(":material/skip_next: Next question", key="teacher.next"):
            ask(next_checkpoint(question.checkpoint_id).id)
            st.rerun()  # the whole page: the question picker follows
    else:
        st.button(":material/visibility: Reveal the answer", key="teacher.reveal",
                  on_click=reveal, args=(question.checkpoint_id,), type="primary")


def session_admin(code: str, key: str) -> None:
    with st.expander("Students, answers and the session"):
        try:
            names = classroom().roster(code, key)
            csv_text = classroom().export_csv(code, key)
        except ClassroomError as error:
            st.error(escape_markdown(str(error)), icon=":material/error:")
            return
        st.caption(f"{len(names)} students joined:")
        st.text(", ".join(names) if names else "nobody yet")
        st.download_button(":material/download: Download every answer (CSV)", data=csv_text,
                           file_name=f"class-{code}-answers.csv", mime="text/csv")
        st.toggle("Show me the answer before the reveal (not for the projector)",
                  key="teacher.peek")
        st.button("Close this session on this screen (keeps its data)",
                  on_click=forget_session)
        sure = st.checkbox(f"Yes, delete class {code} with every answer in it",
                           key="teacher.delete_sure")
        st.button(":material/delete: Delete this session", disabled=not sure,
                  on_click=delete_session)


def teacher_page() -> None:
    st.title("Teach with it: predict, then reveal")
    st.markdown(INTRO)
    if TEACHER not in st.session_state:
        no_session()
        return
    code, key = st.session_state[TEACHER]
    try:
        current = classroom().session_info(code).current
    except ClassroomError as error:  # deleted from another screen
        st.session_state.pop(TEACHER, None)
        st.error(escape_markdown(str(error)), icon=":material/error:")
        return
    session_header(code, key)
    show_error()
    question_picker(current.checkpoint_id if current else None)
    live_results()
    session_admin(code, key)


teacher_page()
