"""A class session in the app: the database connection, and the student's "join a class" box.

The database is reached through Streamlit's own ``st.connection("sql")`` (SQLAlchemy): the URL
is ``$XENT_CLASSROOM_URL``, else ``[connections.sql] url`` in ``.streamlit/secrets.toml``,
else the embedded SQLite file ``data/classroom.sqlite3``. Everything a class shares lives in
that database, never in this process, so several app processes can serve one class.

Students see the teacher's current question in the sidebar, on whatever page they are on;
the box refreshes itself every two seconds (an ``st.fragment``), so a new question and the
reveal arrive without a click. Names are shown with ``st.text``, never as markdown.

A seated student's address keeps ``?class=CODE&seat=<id>.<key>`` (:attr:`Student.seat`), so
a reload takes the same seat back (:meth:`Classroom.rejoin` checks the key against its
stored hash; a forged seat is refused). The seat is kept with
:func:`ui.lesson_state.keep_in_address`: in this browser's address only, never in a
*Copy link* a teacher or student shares.
"""

from __future__ import annotations

import streamlit as st
from sqlalchemy import Engine
from streamlit.errors import StreamlitSecretNotFoundError

from classroom import (
    Classroom,
    ClassroomError,
    Question,
    Student,
    UnknownSession,
    UnknownStudent,
    database_url,
)
from classroom.checkpoints import Checkpoint, get_checkpoint
from ui.checkpoint import predict_toggle
from ui.lesson_state import keep_in_address
from ui.lessons import LESSONS
from ui.text import escape_markdown

STUDENT = "class.student"  # the student's seat (classroom.Student), per browser session
SENT = "class.sent"  # {checkpoint id: guess} sent from this browser
CODE_FROM_LINK = "class.code_from_link"
SEND_ERROR = "class.send_error"  # (checkpoint id, message) of a refused guess
CODE_PARAM = "class"  # ?class=K7M2QP in the teacher's link
SEAT_PARAM = "seat"  # &seat=<Student.seat>: only in the seated student's own address
SEAT_ERROR = "class.seat_error"  # why a seat in the address was not taken back
SEAT_READ = "class.address_read"  # this browser session has read its address once
STUDENT_REFRESH_S = 2.0
# Lesson key (the page's url_path) -> (page file, title), from the lesson registry.
LESSON_PAGES = {lesson.url_path: (lesson.file, lesson.title) for lesson in LESSONS}


def _secrets_url() -> str | None:
    try:
        return st.secrets["connections"]["sql"]["url"]
    except (KeyError, FileNotFoundError, StreamlitSecretNotFoundError):
        return None


@st.cache_resource(show_spinner=False)
def _classroom_for(url: str, _engine: Engine) -> Classroom:
    return Classroom(_engine)  # creates the tables once per server and database


def classroom() -> Classroom:
    """The class-session store, through ``st.connection("sql")``."""
    url = database_url(_secrets_url())
    connection = st.connection("sql", type="sql", url=url, pool_pre_ping=True)
    return _classroom_for(url, connection.engine)


def format_answer(question: Question | Checkpoint, value: float | str | None) -> str:
    """An answer or a guess as the class sees it (a number with the checkpoint's decimals)."""
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    checkpoint = question if isinstance(question, Checkpoint) else \
        get_checkpoint(question.checkpoint_id)
    return f"{value:.{checkpoint.digits}f}"


# -------------------------------------------------------------------- the student's box


def _seat(student: Student, sent: dict | None = None) -> None:
    """Seat the student in this browser session, and keep the seat in its address."""
    st.session_state[STUDENT] = student
    st.session_state[SENT] = {} if sent is None else sent
    keep_in_address({CODE_PARAM: student.code, SEAT_PARAM: student.seat})


def _sent_before(room: Classroom, student: Student) -> dict:
    """The guess this seat already sent for the current question (shown again after a reload)."""
    current = room.session_info(student.code).current
    if current is None:
        return {}
    guess = room.my_answer(student, current.checkpoint_id)
    return {} if guess is None else {current.checkpoint_id: guess}


def remember_code_from_link() -> None:
    """Keep ``?class=CODE`` from the teacher's link (the shell rewrites the URL after a run);
    with ``&seat=`` too (a reload), take that seat back if the class confirms it."""
    # Only a browser session's first run (a reload, a reopened tab) takes the seat back:
    # after "Leave the class" the address still holds it until the end of that run.
    first_run = not st.session_state.get(SEAT_READ)
    st.session_state[SEAT_READ] = True
    code = st.query_params.get(CODE_PARAM)
    if not code or STUDENT in st.session_state:
        return
    st.session_state[CODE_FROM_LINK] = str(code)[:20]
    seat = st.query_params.get(SEAT_PARAM)
    if not seat or not first_run:
        return
    try:
        room = classroom()
        student = room.rejoin(code, seat)
        _seat(student, _sent_before(room, student))
    except ClassroomError as error:
        keep_in_address(None)  # a refused seat leaves the address with the next run
        st.session_state[SEAT_ERROR] = str(error)


def _join() -> None:
    code = st.session_state.get("class.join_code", "")
    nickname = st.session_state.get("class.join_nickname", "")
    try:
        _seat(classroom().join(code, nickname))
        st.session_state.pop("class.join_error", None)
        st.session_state.pop(SEAT_ERROR, None)
    except ClassroomError as error:
        st.session_state["class.join_error"] = str(error)


def _leave() -> None:
    for key in (STUDENT, SENT, CODE_FROM_LINK, SEND_ERROR, SEAT_ERROR):
        st.session_state.pop(key, None)
    keep_in_address(None)


def _send(checkpoint_id: str, widget: str) -> None:
    student: Student = st.session_state[STUDENT]
    try:
        stored = classroom().answer(student, checkpoint_id, st.session_state.get(widget))
        st.session_state.setdefault(SENT, {})[checkpoint_id] = stored
        st.session_state.pop(SEND_ERROR, None)
    except ClassroomError as error:
        st.session_state[SEND_ERROR] = (checkpoint_id, str(error))


def _question_box(student: Student, question: Question) -> None:
    checkpoint = get_checkpoint(question.checkpoint_id)
    st.markdown(f"**Class question** · {escape_markdown(checkpoint.question)}")
    page, title = LESSON_PAGES[checkpoint.lesson]
    st.page_link(page, label=f"Open the lesson: {title}", icon=":material/arrow_forward:")
    sent = st.session_state.get(SENT, {}).get(question.checkpoint_id)
    if question.revealed:
        st.markdown(f"**Answer: {format_answer(question, question.answer)}**")
        if sent is not None:
            score = checkpoint.score(sent)
            (st.success if score.close else st.warning)(
                escape_markdown(score.describe(checkpoint.digits)))
        else:
            st.caption("You did not send a guess for this one.")
        st.caption(checkpoint.why)
        return
    widget = f"class.guess.{question.checkpoint_id}"
    if question.kind == "number":
        st.number_input("Your guess", value=None, step=0.01, format="%.4f", key=widget,
                        placeholder="type a number")
    else:
        st.radio("Your guess", question.choices, index=None, key=widget)
    st.button("Send my guess" if sent is None else "Change my guess", key=f"{widget}.send",
              on_click=_send, args=(question.checkpoint_id, widget), type="primary",
              use_container_width=True)
    error_on, message = st.session_state.get(SEND_ERROR, (None, ""))
    if error_on == question.checkpoint_id:  # an error about an earlier question is stale
        st.error(escape_markdown(message), icon=":material/error:")
    if sent is not None:
        st.caption(f"Sent: {format_answer(question, sent)}. The answer appears here when your "
                   "teacher reveals it.")


@st.fragment(run_every=STUDENT_REFRESH_S)
def _live_class_box() -> None:
    student: Student | None = st.session_state.get(STUDENT)
    if student is None:  # left during a fragment-only rerun: rerun the app, which
        st.rerun()  # draws the join box and takes the seat out of the address
    try:
        info = classroom().session_info(student.code)
    except (UnknownSession, UnknownStudent):
        st.warning("This class session has ended (the teacher deleted it).")
        st.button("Leave the class", on_click=_leave, key="class.leave_ended")
        return
    st.markdown(f"**Class {info.code}**")
    st.text(f"You are {student.display_name}." + (f"  {info.title}" if info.title else ""))
    if info.current is None:
        st.caption("Waiting for your teacher's first question…")
    else:
        _question_box(student, info.current)
    st.button("Leave the class", on_click=_leave, key="class.leave")


def student_box() -> None:
    """The sidebar box: join a class with its code, then answer the teacher's questions."""
    remember_code_from_link()
    from_link = st.session_state.get(CODE_FROM_LINK)
    if STUDENT in st.session_state:
        with st.container(border=True):
            _live_class_box()
        return
    join = st.expander(":material/groups: Join a class", expanded=bool(from_link),
                       key="class.join_open", on_change="rerun")
    if not join.open:  # built only when opened: the box costs other reruns nothing
        return
    with join:
        if SEAT_ERROR in st.session_state:
            st.warning(escape_markdown(st.session_state[SEAT_ERROR]), icon=":material/link_off:")
        with st.form("class.join", border=False):
            st.text_input("Class code", value=from_link or "", max_chars=20,
                          key="class.join_code", placeholder="e.g. K7M2QP")
            st.text_input("Nickname (optional)", max_chars=24, key="class.join_nickname",
                          placeholder="leave empty to stay anonymous")
            st.form_submit_button("Join", on_click=_join, type="primary",
                                  key="class.join_button")
        if "class.join_error" in st.session_state:
            st.error(escape_markdown(st.session_state["class.join_error"]),
                     icon=":material/error:")


def class_sidebar() -> None:
    """Everything class-related in the sidebar: the predict switch and the class box."""
    predict_toggle()
    student_box()
