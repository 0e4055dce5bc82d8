"""The class-session store, against SQLite and a throwaway PostgreSQL server.

Every test runs on both databases. PostgreSQL is started by the ``postgres_url`` fixture
(``tests/conftest.py``, ``tests/postgres_server.py``); when it cannot start, the PostgreSQL
half is skipped with a loud reason -- except under CI=true, where that is a failure.
"""

from __future__ import annotations

import csv
import io
import multiprocessing
import threading
from collections import Counter
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, func, inspect, select

from classroom import (
    AnswersClosed,
    Classroom,
    InvalidInput,
    Limits,
    QuestionSpec,
    Student,
    TooManyRequests,
    UnknownSession,
    UnknownStudent,
    WrongTeacherKey,
    create_classroom_engine,
    sqlite_url,
)
from classroom.schema import answers, class_sessions, metadata, students

P_FISH = QuestionSpec("five-classes/p-fish", "number", 0.9003, tolerance=0.05)
ARROW = QuestionSpec("five-classes/fish-arrow", "choice", "up",
                     choices=("up", "down", "it does not move"))
N_STUDENTS = 40


class FakeClock:
    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path) -> str:
    if request.param == "sqlite":
        return sqlite_url(tmp_path / "data" / "classroom.sqlite3")
    url = request.getfixturevalue("postgres_url")
    engine = create_engine(url)
    metadata.drop_all(engine)  # every test starts from an empty database
    engine.dispose()
    return url


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def room(db_url: str, clock: FakeClock) -> Iterator[Classroom]:
    engine = create_classroom_engine(db_url)
    yield Classroom(engine, clock=clock)
    engine.dispose()


def count(room: Classroom, table) -> int:
    with room.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar_one()


# ------------------------------------------------------------------------ the happy path


def test_a_class_guesses_and_the_teacher_sees_every_guess(room: Classroom):
    new = room.start_session("Monday, softmax")
    ada, bo, anon = room.join(new.code, "Ada"), room.join(new.code, "Bo"), room.join(new.code)
    room.ask(new.code, new.teacher_key, P_FISH)
    room.answer(ada, P_FISH.checkpoint_id, 0.9)
    room.answer(bo, P_FISH.checkpoint_id, 0.5)
    room.answer(anon, P_FISH.checkpoint_id, "0.93")  # typed text is read as a number
    results = room.results(new.code, new.teacher_key, P_FISH.checkpoint_id)
    assert sorted(results.numbers) == [0.5, 0.9, 0.93]
    assert (results.n_answered, results.n_students, results.n_close) == (3, 3, 2)
    assert results.share_close == pytest.approx(2 / 3)
    assert anon.display_name == "anonymous" and anon.nickname is None


def test_the_answer_stays_hidden_from_students_until_the_reveal(room: Classroom):
    new = room.start_session()
    room.ask(new.code, new.teacher_key, P_FISH)
    before = room.session_info(new.code).current
    assert before.checkpoint_id == P_FISH.checkpoint_id
    assert before.answer is None and not before.revealed
    room.reveal(new.code, new.teacher_key, P_FISH.checkpoint_id)
    after = room.session_info(new.code).current
    assert after.revealed and after.answer == pytest.approx(0.9003)


def test_a_student_may_change_a_guess_until_the_reveal_and_not_after(room: Classroom):
    new = room.start_session()
    ada = room.join(new.code, "Ada")
    room.ask(new.code, new.teacher_key, ARROW)
    room.answer(ada, ARROW.checkpoint_id, "down")
    room.answer(ada, ARROW.checkpoint_id, "up")
    assert room.my_answer(ada, ARROW.checkpoint_id) == "up"
    room.reveal(new.code, new.teacher_key, ARROW.checkpoint_id)
    with pytest.raises(AnswersClosed, match="revealed"):
        room.answer(ada, ARROW.checkpoint_id, "down")
    results = room.results(new.code, new.teacher_key, ARROW.checkpoint_id)
    assert results.choices == ("up",)
    assert results.choice_counts() == {"up": 1, "down": 0, "it does not move": 0}
    assert count(room, answers) == 1


def test_a_question_not_yet_asked_takes_no_guesses(room: Classroom):
    new = room.start_session()
    ada = room.join(new.code, "Ada")
    with pytest.raises(AnswersClosed, match="not asked"):
        room.answer(ada, P_FISH.checkpoint_id, 0.9)
    assert count(room, answers) == 0


def test_asking_again_makes_a_question_current_and_keeps_its_answers(room: Classroom):
    new = room.start_session()
    ada = room.join(new.code, "Ada")
    room.ask(new.code, new.teacher_key, P_FISH)
    room.answer(ada, P_FISH.checkpoint_id, 0.7)
    room.ask(new.code, new.teacher_key, ARROW)
    assert room.session_info(new.code).current.checkpoint_id == ARROW.checkpoint_id
    room.ask(new.code, new.teacher_key, P_FISH)
    assert room.results(new.code, new.teacher_key, P_FISH.checkpoint_id).numbers == (0.7,)
    assert [q.checkpoint_id for q in room.asked(new.code, new.teacher_key)] == [
        P_FISH.checkpoint_id, ARROW.checkpoint_id]


def test_codes_are_short_unambiguous_and_typed_any_case(room: Classroom):
    new = room.start_session()
    assert len(new.code) == 6
    assert not set(new.code) & set("01ILO")
    sloppy = f" {new.code[:3].lower()}-{new.code[3:].lower()} "
    assert room.join(sloppy, "Ada").code == new.code


def test_nicknames_are_one_per_seat_ignoring_case_but_anyone_may_be_anonymous(room: Classroom):
    new = room.start_session()
    room.join(new.code, "Ada")
    with pytest.raises(InvalidInput, match="already goes by"):
        room.join(new.code, "  ADA ")
    room.join(new.code, None)
    room.join(new.code, "   ")
    assert count(room, students) == 3


# ------------------------------------------------------------------------ export and deletion


def test_csv_export_has_one_row_per_answer_and_defuses_spreadsheet_formulas(room: Classroom):
    new = room.start_session()
    ada = room.join(new.code, "=HYPERLINK(\"x\")")
    bo = room.join(new.code, "Bo, \"the\" great")
    room.ask(new.code, new.teacher_key, P_FISH)
    room.answer(ada, P_FISH.checkpoint_id, 0.91)
    room.answer(bo, P_FISH.checkpoint_id, 0.2)
    rows = list(csv.DictReader(io.StringIO(room.export_csv(new.code, new.teacher_key))))
    assert [r["nickname"] for r in rows] == ["'=HYPERLINK(\"x\")", "Bo, \"the\" great"]
    assert [r["guess"] for r in rows] == ["0.91", "0.2"]
    assert [r["within_tolerance"] for r in rows] == ["yes", "no"]
    assert {r["session"] for r in rows} == {new.code}


def test_the_teacher_deletes_a_session_with_everything_in_it(room: Classroom):
    keep, gone = room.start_session("keep"), room.start_session("gone")
    for new in (keep, gone):
        ada = room.join(new.code, "Ada")
        room.ask(new.code, new.teacher_key, P_FISH)
        room.answer(ada, P_FISH.checkpoint_id, 0.9)
    with pytest.raises(WrongTeacherKey):
        room.delete_session(gone.code, keep.teacher_key)
    room.delete_session(gone.code, gone.teacher_key)
    with pytest.raises(UnknownSession, match="No class has the code"):
        room.session_info(gone.code)
    assert (count(room, class_sessions), count(room, students), count(room, answers)) == (1, 1, 1)


def test_old_sessions_are_purged_and_recent_ones_kept(room: Classroom, clock: FakeClock):
    old = room.start_session("last month")
    clock.now += 30 * 86400
    recent = room.start_session("today")
    assert room.delete_sessions_older_than(7 * 86400) == 1
    with pytest.raises(UnknownSession):
        room.session_info(old.code)
    assert room.session_info(recent.code).title == "today"


# ------------------------------------------------------------------------ restart


def test_a_restart_loses_nothing(db_url: str, clock: FakeClock):
    engine = create_classroom_engine(db_url)
    room = Classroom(engine, clock=clock)
    new = room.start_session()
    seats = [room.join(new.code, f"s{i}") for i in range(5)]
    room.ask(new.code, new.teacher_key, P_FISH)
    for i, seat in enumerate(seats):
        room.answer(seat, P_FISH.checkpoint_id, i / 10)
    engine.dispose()  # the server stops; its connections close

    reopened = Classroom(create_classroom_engine(db_url), clock=clock)
    results = reopened.results(new.code, new.teacher_key, P_FISH.checkpoint_id)
    assert results.numbers == (0.0, 0.1, 0.2, 0.3, 0.4)
    reopened.answer(seats[0], P_FISH.checkpoint_id, 0.9)  # a student's seat survives too
    assert reopened.my_answer(seats[0], P_FISH.checkpoint_id) == 0.9
    reopened.engine.dispose()


def test_sqlite_file_is_created_on_first_use_in_wal_mode(tmp_path):
    path = tmp_path / "nested" / "data" / "classroom.sqlite3"
    engine = create_classroom_engine(sqlite_url(path))
    Classroom(engine)
    assert path.is_file()
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000
    assert set(inspect(engine).get_table_names()) == {
        "class_sessions", "students", "questions", "answers"}
    engine.dispose()


# ------------------------------------------------------------------------ concurrency


def _guess(i: int) -> float:
    return round(0.5 + (i % 9) / 20, 2)


def test_forty_students_answering_at_once_are_each_stored_exactly_once(room: Classroom):
    new = room.start_session()
    room.ask(new.code, new.teacher_key, P_FISH)
    start = threading.Barrier(N_STUDENTS)
    errors: list[BaseException] = []

    def student(i: int) -> None:
        try:
            seat = room.join(new.code, f"student {i}")
            start.wait()
            room.answer(seat, P_FISH.checkpoint_id, 0.1)  # a first guess ...
            room.answer(seat, P_FISH.checkpoint_id, _guess(i))  # ... changed at once
        except BaseException as error:  # reported below, with the thread's index
            errors.append(error)

    threads = [threading.Thread(target=student, args=(i,)) for i in range(N_STUDENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    results = room.results(new.code, new.teacher_key, P_FISH.checkpoint_id)
    assert results.n_answered == results.n_students == N_STUDENTS
    assert Counter(results.numbers) == Counter(_guess(i) for i in range(N_STUDENTS))
    assert count(room, answers) == N_STUDENTS


def _student_process(url: str, code: str, first: int, n: int, go) -> None:
    room = Classroom(create_classroom_engine(url))
    seats = [room.join(code, f"p{first + i}") for i in range(n)]
    go.wait()
    for i, seat in enumerate(seats):
        room.answer(seat, P_FISH.checkpoint_id, _guess(first + i))
    room.engine.dispose()


def test_forty_students_in_eight_processes_share_one_sqlite_file(tmp_path):
    url = sqlite_url(tmp_path / "classroom.sqlite3")
    room = Classroom(create_classroom_engine(url))
    new = room.start_session()
    room.ask(new.code, new.teacher_key, P_FISH)
    context = multiprocessing.get_context("fork")
    go = context.Barrier(8)
    per_process = N_STUDENTS // 8
    processes = [context.Process(target=_student_process,
                                 args=(url, new.code, k * per_process, per_process, go))
                 for k in range(8)]
    for p in processes:
        p.start()
    for p in processes:
        p.join(timeout=120)
    assert [p.exitcode for p in processes] == [0] * 8
    results = room.results(new.code, new.teacher_key, P_FISH.checkpoint_id)
    assert results.n_answered == N_STUDENTS
    assert Counter(results.numbers) == Counter(_guess(i) for i in range(N_STUDENTS))
    room.engine.dispose()


def test_a_reveal_during_a_rush_of_answers_leaves_no_answer_after_it(room: Classroom):
    new = room.start_session()
    room.ask(new.code, new.teacher_key, P_FISH)
    seats = [room.join(new.code, f"s{i}") for i in range(20)]
    stored: list[int] = []

    def student(seat: Student) -> None:
        for _ in range(5):
            try:
                room.answer(seat, P_FISH.checkpoint_id, 0.5)
                stored.append(seat.id)
            except AnswersClosed:
                return

    threads = [threading.Thread(target=student, args=(s,)) for s in seats]
    for t in threads:
        t.start()
    room.reveal(new.code, new.teacher_key, P_FISH.checkpoint_id)
    for t in threads:
        t.join(timeout=60)
    frozen = room.results(new.code, new.teacher_key, P_FISH.checkpoint_id)
    with pytest.raises(AnswersClosed):
        room.answer(seats[0], P_FISH.checkpoint_id, 0.6)
    assert room.results(new.code, new.teacher_key, P_FISH.checkpoint_id) == frozen
    assert frozen.n_answered == len(set(stored))


# ------------------------------------------------------------------------ hostile input


def test_markup_and_sql_looking_nicknames_are_stored_exactly_as_text(room: Classroom):
    new = room.start_session()
    names = ["<b>Ada</b>", "**bold** [x](y)", "';DROP TABLE students;--", "Robert'); --"]
    seats = [room.join(new.code, name) for name in names]
    assert [s.nickname for s in seats] == names
    with room.engine.connect() as connection:
        stored = connection.execute(select(students.c.nickname).order_by(students.c.id))
        assert stored.scalars().all() == names
    assert count(room, class_sessions) == 1  # the tables are all still there


@pytest.mark.parametrize("code, message", [
    ("<script>alert(1)</script>", "6 letters and digits"),
    ("'; DROP TABLE class_sessions; --", "6 letters and digits"),
    ("X" * 10_000, "6 letters and digits"),
    ("", "Type the class code"),
    ("ABCDE0", "6 letters and digits"),  # 0 is not in the alphabet
])
def test_malformed_codes_are_refused_with_a_hint(room: Classroom, code: str, message: str):
    with pytest.raises(InvalidInput, match=message) as caught:
        room.join(code, "Ada")
    assert len(str(caught.value)) < 200  # a 10 kB code is not echoed back
    assert count(room, students) == 0


def test_an_unknown_code_says_so(room: Classroom):
    with pytest.raises(UnknownSession, match="No class has the code ZZZZZZ"):
        room.join("zzzzzz", "Ada")
    assert count(room, students) == 0


def test_ten_kilobyte_inputs_are_refused_and_nothing_is_stored(room: Classroom):
    new = room.start_session()
    huge = "A" * 10_000
    with pytest.raises(InvalidInput, match="at most 24 characters"):
        room.join(new.code, huge)
    with pytest.raises(InvalidInput, match="at most 80 characters"):
        room.start_session(huge)
    with pytest.raises(InvalidInput, match="far too long"):
        room.reveal(new.code, huge, P_FISH.checkpoint_id)
    ada = room.join(new.code, "Ada")
    room.ask(new.code, new.teacher_key, ARROW)
    with pytest.raises(InvalidInput, match="Pick one of the answers"):
        room.answer(ada, ARROW.checkpoint_id, huge)
    assert (count(room, class_sessions), count(room, students), count(room, answers)) == (1, 1, 0)


@pytest.mark.parametrize("guess", ["abc", "1e999", float("nan"), float("inf"), 2e6, None, True])
def test_a_guess_that_is_not_a_sensible_number_is_refused(room: Classroom, guess):
    new = room.start_session()
    ada = room.join(new.code, "Ada")
    room.ask(new.code, new.teacher_key, P_FISH)
    with pytest.raises(InvalidInput):
        room.answer(ada, P_FISH.checkpoint_id, guess)
    assert count(room, answers) == 0


def test_a_guessed_teacher_key_opens_nothing(room: Classroom):
    new = room.start_session()
    ada = room.join(new.code, "Ada")
    room.ask(new.code, new.teacher_key, P_FISH)
    room.answer(ada, P_FISH.checkpoint_id, 0.3)
    for guess in ("password", new.teacher_key[:-1], new.teacher_key.upper(), "' OR '1'='1"):
        with pytest.raises(WrongTeacherKey, match=f"does not open class {new.code}"):
            room.results(new.code, guess, P_FISH.checkpoint_id)
        with pytest.raises(WrongTeacherKey):
            room.reveal(new.code, guess, P_FISH.checkpoint_id)
        with pytest.raises(WrongTeacherKey):
            room.ask(new.code, guess, ARROW)
        with pytest.raises(WrongTeacherKey):
            room.export_csv(new.code, guess)
    assert not room.session_info(new.code).current.revealed
    assert count(room, answers) == 1
    with room.engine.connect() as connection:  # the key itself is never stored
        hashes = connection.execute(select(class_sessions.c.teacher_key_hash)).scalars().all()
    assert new.teacher_key not in hashes and len(hashes[0]) == 64


def test_a_student_cannot_answer_as_another_or_in_another_session(room: Classroom):
    mine, other = room.start_session(), room.start_session()
    ada = room.join(mine.code, "Ada")
    bo = room.join(mine.code, "Bo")
    for new in (mine, other):
        room.ask(new.code, new.teacher_key, P_FISH)
    forged = Student(id=bo.id, code=mine.code, nickname="Bo", key=ada.key)
    with pytest.raises(UnknownStudent, match="join again"):
        room.answer(forged, P_FISH.checkpoint_id, 0.1)
    elsewhere = Student(id=ada.id, code=other.code, nickname="Ada", key=ada.key)
    with pytest.raises(UnknownStudent):
        room.answer(elsewhere, P_FISH.checkpoint_id, 0.1)
    assert count(room, answers) == 0


def test_a_reload_takes_the_same_seat_back_with_its_seat_token(room: Classroom):
    new = room.start_session()
    ada = room.join(new.code, "Ada")
    room.ask(new.code, new.teacher_key, P_FISH)
    room.answer(ada, P_FISH.checkpoint_id, 0.8)
    back = room.rejoin(new.code.lower(), ada.seat)  # codes are typed any case
    assert (back.id, back.code, back.nickname, back.key) == (ada.id, new.code, "Ada", ada.key)
    assert room.my_answer(back, P_FISH.checkpoint_id) == 0.8
    room.answer(back, P_FISH.checkpoint_id, 0.9)  # the same seat: an update, not a new answer
    assert room.results(new.code, new.teacher_key, P_FISH.checkpoint_id).numbers == (0.9,)
    assert count(room, students) == 1


def test_a_forged_or_foreign_seat_token_is_refused(room: Classroom):
    mine, other = room.start_session(), room.start_session()
    ada, bo = room.join(mine.code, "Ada"), room.join(other.code, "Bo")
    for seat in (f"{ada.id}.{bo.key}", f"{bo.id}.{ada.key}", bo.seat):
        with pytest.raises(UnknownStudent, match=f"not in class {mine.code} any more"):
            room.rejoin(mine.code, seat)
    for seat in ("", str(ada.id), f".{ada.key}", f"x{ada.id}.{ada.key}", "1" * 40 + ".k",
                 f"{ada.id}'; DROP TABLE students; --"):
        with pytest.raises(UnknownStudent, match="join again with the code"):
            room.rejoin(mine.code, seat)
    with pytest.raises(InvalidInput, match="far too long"):
        room.rejoin(mine.code, f"{ada.id}." + "k" * 10_000)
    with pytest.raises(UnknownSession):
        room.rejoin("ZZZZZZ", ada.seat)
    assert count(room, students) == 2


# ------------------------------------------------------------------------ rate limits


def test_a_student_gets_thirty_answers_a_minute(room: Classroom, clock: FakeClock):
    new = room.start_session()
    ada = room.join(new.code, "Ada")
    room.ask(new.code, new.teacher_key, P_FISH)
    for i in range(30):
        room.answer(ada, P_FISH.checkpoint_id, i / 100)
    with pytest.raises(TooManyRequests, match="more than 30 answers in a minute"):
        room.answer(ada, P_FISH.checkpoint_id, 0.99)
    assert room.my_answer(ada, P_FISH.checkpoint_id) == 0.29  # the refused one is not stored
    clock.now += 61
    room.answer(ada, P_FISH.checkpoint_id, 0.99)
    assert room.my_answer(ada, P_FISH.checkpoint_id) == 0.99


def test_sessions_per_hour_and_students_per_session_are_bounded(db_url: str, clock: FakeClock):
    engine = create_classroom_engine(db_url)
    room = Classroom(engine, Limits(sessions_per_hour=3, students_per_session=2), clock=clock)
    codes = [room.start_session().code for _ in range(3)]
    with pytest.raises(TooManyRequests, match="last hour"):
        room.start_session()
    room.join(codes[0], "a")
    room.join(codes[0], "b")
    with pytest.raises(TooManyRequests, match="is full"):
        room.join(codes[0], "c")
    clock.now += 3601
    room.start_session()
    engine.dispose()


def test_the_command_line_purges_every_session(tmp_path, monkeypatch, capsys):
    from classroom.__main__ import main

    url = sqlite_url(tmp_path / "classroom.sqlite3")
    monkeypatch.setenv("XENT_CLASSROOM_URL", url)
    room = Classroom(create_classroom_engine(url))
    new = room.start_session()
    assert main(["purge", "--older-than-days", "1"]) == 0
    assert "deleted 0 class session(s)" in capsys.readouterr().out
    assert main(["purge", "--all"]) == 0
    assert "deleted 1 class session(s)" in capsys.readouterr().out
    with pytest.raises(UnknownSession):
        room.session_info(new.code)
    room.engine.dispose()


def test_the_database_url_comes_from_the_environment_then_secrets_then_sqlite(
        monkeypatch, tmp_path):
    from classroom import database_url

    monkeypatch.delenv("XENT_CLASSROOM_URL", raising=False)
    monkeypatch.setenv("XENT_DATA_DIR", str(tmp_path))
    assert database_url() == f"sqlite:///{tmp_path / 'classroom.sqlite3'}"
    assert database_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    monkeypatch.setenv("XENT_CLASSROOM_URL", "postgresql+psycopg://env@h/db")
    assert database_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://env@h/db"


def test_on_sqlite_the_live_views_read_while_another_process_holds_the_write_lock(tmp_path):
    import sqlite3

    path = tmp_path / "classroom.sqlite3"
    room = Classroom(create_classroom_engine(sqlite_url(path)))
    new = room.start_session("reads in WAL mode")
    room.ask(new.code, new.teacher_key, P_FISH)
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # e.g. another app process in the middle of a write
    try:
        assert room.session_info(new.code).title == "reads in WAL mode"
        assert room.results(new.code, new.teacher_key, P_FISH.checkpoint_id).n_answered == 0
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    room.engine.dispose()
