"""Class sessions in a SQL database: a teacher asks, students guess, the teacher reveals.

:class:`Classroom` wraps one SQLAlchemy engine (SQLite file or PostgreSQL, same code).
Every method is one short transaction; nothing is kept in process memory, so several app
processes (or machines) can serve one class.

Safety, in one place:

- **Keys.** The teacher key and each student's key are ``secrets.token_urlsafe`` strings;
  only their SHA-256 is stored, compared with ``hmac.compare_digest``.
- **One answer per student per question.** A unique constraint plus an upsert
  (``INSERT … ON CONFLICT DO UPDATE``) in both dialects: concurrent writes update the one row.
- **No answer after the reveal.** The answer's transaction reads the question row with
  ``FOR SHARE`` (PostgreSQL) or under ``BEGIN IMMEDIATE`` (SQLite), so a reveal waits for
  answers in flight and no answer lands after it. Reads (the teacher's live view, the
  students' polling) take no write lock.
- **Bounds.** Text lengths (see :mod:`classroom.validation`), answers per student per minute,
  students per session, sessions created per hour.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import secrets
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import (
    Connection,
    Engine,
    case,
    create_engine,
    delete,
    event,
    func,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

from classroom import schema
from classroom.errors import (
    AnswersClosed,
    InvalidInput,
    TooManyRequests,
    UnknownSession,
    UnknownStudent,
    WrongTeacherKey,
)
from classroom.schema import answers, class_sessions, questions, students
from classroom.validation import (
    CODE_ALPHABET,
    check_choice_guess,
    check_key,
    check_number_guess,
    nickname_key,
    normalize_code,
    normalize_nickname,
    normalize_title,
)

SQLITE_BUSY_TIMEOUT_MS = 10_000
READ_ONLY = "classroom_read_only"  # execution option: a transaction that only reads


@dataclass(frozen=True)
class Limits:
    """How much one class (or one server) may write. Defaults fit a lecture hall."""

    answers_per_minute: int = 30  # per student, updates included
    students_per_session: int = 500
    sessions_per_hour: int = 60  # new sessions, whole database
    window_seconds: float = 60.0


@dataclass(frozen=True)
class QuestionSpec:
    """A question as the database needs it: which checkpoint, the true answer, the tolerance."""

    checkpoint_id: str
    kind: str  # "number" or "choice"
    answer: float | str
    tolerance: float = 0.0
    choices: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in ("number", "choice"):
            raise InvalidInput(f"A question is a 'number' or a 'choice', not {self.kind!r}.")
        if not self.checkpoint_id or len(self.checkpoint_id) > schema.CHECKPOINT_ID_MAX:
            raise InvalidInput("A question needs a checkpoint id of at most 80 characters.")
        if self.kind == "choice" and self.answer not in self.choices:
            raise InvalidInput("The answer of a choice question must be one of its choices.")
        if any("\n" in c or len(c) > schema.CHOICE_MAX for c in self.choices):
            raise InvalidInput("A choice is one line of at most 60 characters.")


@dataclass(frozen=True)
class NewSession:
    """What the teacher gets once: the code to share and the key to keep."""

    code: str
    teacher_key: str


@dataclass(frozen=True)
class Student:
    """A seat in a class. ``key`` stays in the student's browser session; only its hash is kept."""

    id: int
    code: str
    nickname: str | None
    key: str = field(repr=False)

    @property
    def display_name(self) -> str:
        return self.nickname or "anonymous"

    @property
    def seat(self) -> str:
        """``"<id>.<key>"``: what the student's own browser keeps (in its address) to take
        the seat back after a reload with :meth:`Classroom.rejoin`. Never shown to others."""
        return f"{self.id}.{self.key}"


@dataclass(frozen=True)
class Question:
    """A question as asked in one session. ``answer`` is ``None`` for students until revealed."""

    checkpoint_id: str
    kind: str
    answer: float | str | None
    tolerance: float
    choices: tuple[str, ...]
    asked_at: float
    revealed: bool

    def is_close(self, guess: float | str | None) -> bool | None:
        """Whether ``guess`` is within tolerance of (number) or equal to (choice) the answer."""
        if guess is None or self.answer is None:
            return None
        if self.kind == "number":
            return abs(float(guess) - float(self.answer)) <= self.tolerance + 1e-12
        return guess == self.answer


@dataclass(frozen=True)
class SessionInfo:
    """What anyone with the code may see: no answers, no names."""

    code: str
    title: str
    created_at: float
    current: Question | None  # the answer is hidden until revealed
    n_students: int


@dataclass(frozen=True)
class Results:
    """The class's guesses on one question, for the teacher."""

    question: Question  # answer included
    numbers: tuple[float, ...]  # number guesses, in answer order
    choices: tuple[str, ...]  # choice guesses, in answer order
    n_students: int  # students in the session
    n_answered: int

    @property
    def guesses(self) -> tuple[float, ...] | tuple[str, ...]:
        return self.numbers if self.question.kind == "number" else self.choices

    @property
    def n_close(self) -> int:
        return sum(bool(self.question.is_close(g)) for g in self.guesses)

    @property
    def share_close(self) -> float | None:
        """Share of the answers within tolerance (``None`` before anyone answers)."""
        return self.n_close / self.n_answered if self.n_answered else None

    def choice_counts(self) -> dict[str, int]:
        """How many picked each choice, in the question's order (zeros included)."""
        counts = dict.fromkeys(self.question.choices, 0)
        for c in self.choices:
            counts[c] = counts.get(c, 0) + 1
        return counts


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _key_matches(key: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_key(key), stored_hash)


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(schema.CODE_LENGTH))


def _sqlite_connect(dbapi_connection, _record) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN (pysqlite would start transactions lazily,
    # which turns a read-then-write into a "database is locked" under concurrent writers).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    # A writing transaction takes the write lock at once, so concurrent writers queue on
    # busy_timeout instead of failing half-way; a reading one sees a consistent snapshot.
    read_only = connection.get_execution_options().get(READ_ONLY, False)
    connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def prepare_engine(engine: Engine) -> Engine:
    """Make ``engine`` safe for a class: SQLite gets WAL, a busy timeout and immediate writes.

    Idempotent; call it before the engine's first connection (existing pooled connections
    are dropped so they pick up the settings). The SQLite file's folder is created.
    """
    if engine.dialect.name == "sqlite":
        database = engine.url.database
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        if not event.contains(engine, "connect", _sqlite_connect):
            event.listen(engine, "connect", _sqlite_connect)
            event.listen(engine, "begin", _sqlite_begin)
            engine.dispose()
    return engine


def create_classroom_engine(url: str) -> Engine:
    """A fresh engine for ``url`` (SQLite file or PostgreSQL), prepared for class use."""
    return prepare_engine(create_engine(url, pool_pre_ping=True))


class Classroom:
    """Class sessions stored through one SQLAlchemy engine.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        E.g. ``st.connection("sql", type="sql", url=...).engine`` or
        :func:`create_classroom_engine`. Tables are created on first use.
    limits : Limits
    clock : callable returning UNIX seconds, default ``time.time`` (tests pass a fake).
    """

    def __init__(self, engine: Engine, limits: Limits = Limits(),
                 clock: Callable[[], float] = time.time) -> None:
        self.engine = prepare_engine(engine)
        self.limits = limits
        self.clock = clock
        self._insert = (postgresql.insert if engine.dialect.name == "postgresql"
                        else sqlite.insert)
        self.create_tables()

    # ------------------------------------------------------------------ plumbing
    def create_tables(self) -> None:
        """Create the tables if missing (safe when several processes start at once)."""
        for attempt in range(5):
            try:
                schema.metadata.create_all(self.engine, checkfirst=True)
                return
            except (IntegrityError, OperationalError, ProgrammingError):
                # another process created them between our check and our CREATE
                if attempt == 4:
                    raise
                time.sleep(0.05 * (attempt + 1))

    @contextmanager
    def _transaction(self, read_only: bool = False) -> Iterator[Connection]:
        """One transaction. On SQLite a writer takes the write lock at once (``BEGIN
        IMMEDIATE``); a reader does not, so in WAL mode reads never wait for writers."""
        with self.engine.connect() as connection:
            if read_only:
                connection = connection.execution_options(**{READ_ONLY: True})
            with connection.begin():
                yield connection

    def _session_row(self, connection: Connection, code: str):
        row = connection.execute(
            select(class_sessions).where(class_sessions.c.code == normalize_code(code))
        ).first()
        if row is None:
            raise UnknownSession(
                f"No class has the code {normalize_code(code)}. Check the code on the "
                "teacher's screen (the session may have been deleted)."
            )
        return row

    def _teacher_session(self, connection: Connection, code: str, teacher_key: str):
        key = check_key(teacher_key)
        row = self._session_row(connection, code)
        if not _key_matches(key, row.teacher_key_hash):
            raise WrongTeacherKey(f"That teacher key does not open class {row.code}.")
        return row

    def _student_row(self, connection: Connection, student: Student):
        session = self._session_row(connection, student.code)
        row = connection.execute(
            select(students).where(students.c.id == int(student.id),
                                   students.c.session_id == session.id)
        ).first()
        if row is None or not _key_matches(check_key(student.key, "student key"), row.key_hash):
            raise UnknownStudent(
                f"You are not in class {session.code} any more; join again with the code."
            )
        return session, row

    @staticmethod
    def _question(row, *, with_answer: bool) -> Question:
        revealed = row.revealed_at is not None
        answer = row.true_number if row.kind == "number" else row.true_choice
        return Question(
            checkpoint_id=row.checkpoint_id,
            kind=row.kind,
            answer=answer if (with_answer or revealed) else None,
            tolerance=float(row.tolerance),
            choices=tuple(row.choices.split("\n")) if row.choices else (),
            asked_at=float(row.asked_at),
            revealed=revealed,
        )

    def _question_row(self, connection: Connection, session_id: int, checkpoint_id: str,
                      *, lock: bool = False):
        query = select(questions).where(questions.c.session_id == session_id,
                                        questions.c.checkpoint_id == str(checkpoint_id)[:200])
        if lock:
            query = query.with_for_update(read=True)
        return connection.execute(query).first()

    @staticmethod
    def _count_students(connection: Connection, session_id: int) -> int:
        return connection.execute(
            select(func.count()).select_from(students).where(students.c.session_id == session_id)
        ).scalar_one()

    # ------------------------------------------------------------------ the teacher
    def start_session(self, title: str = "") -> NewSession:
        """Open a new class session: a short code for students and a key for the teacher."""
        title = normalize_title(title)
        now = self.clock()
        teacher_key = secrets.token_urlsafe(18)
        with self._transaction() as connection:
            recent = connection.execute(
                select(func.count()).select_from(class_sessions)
                .where(class_sessions.c.created_at > now - 3600)
            ).scalar_one()
            if recent >= self.limits.sessions_per_hour:
                raise TooManyRequests(
                    "Too many class sessions were started in the last hour; try again later."
                )
        for _ in range(20):  # 31⁶ ≈ 887 million codes: a clash is rare, retry it
            code = _new_code()
            try:
                with self._transaction() as connection:
                    connection.execute(class_sessions.insert().values(
                        code=code, teacher_key_hash=hash_key(teacher_key), title=title,
                        created_at=now, current_checkpoint=None,
                    ))
                return NewSession(code=code, teacher_key=teacher_key)
            except IntegrityError:
                continue
        raise TooManyRequests("Could not find a free class code; try again.")

    def check_teacher(self, code: str, teacher_key: str) -> str:
        """The normalised code if ``teacher_key`` opens it; raises otherwise."""
        with self._transaction(read_only=True) as connection:
            return self._teacher_session(connection, code, teacher_key).code

    def ask(self, code: str, teacher_key: str, spec: QuestionSpec) -> Question:
        """Make ``spec`` the class's current question (asking it again keeps its answers)."""
        if spec.kind == "number":
            true_number, true_choice = check_number_guess(spec.answer), None
        else:
            true_number, true_choice = None, str(spec.answer)
        with self._transaction() as connection:
            session = self._teacher_session(connection, code, teacher_key)
            row = self._question_row(connection, session.id, spec.checkpoint_id)
            if row is None:
                connection.execute(questions.insert().values(
                    session_id=session.id, checkpoint_id=spec.checkpoint_id, kind=spec.kind,
                    true_number=true_number, true_choice=true_choice,
                    tolerance=float(spec.tolerance), choices="\n".join(spec.choices),
                    asked_at=self.clock(), revealed_at=None,
                ))
            connection.execute(
                update(class_sessions).where(class_sessions.c.id == session.id)
                .values(current_checkpoint=spec.checkpoint_id)
            )
            row = self._question_row(connection, session.id, spec.checkpoint_id)
            return self._question(row, with_answer=True)

    def reveal(self, code: str, teacher_key: str, checkpoint_id: str) -> Question:
        """Close the question to guesses and show its answer to the class."""
        with self._transaction() as connection:
            session = self._teacher_session(connection, code, teacher_key)
            row = self._question_row(connection, session.id, checkpoint_id)
            if row is None:
                raise AnswersClosed("This question has not been asked in this session.")
            if row.revealed_at is None:
                connection.execute(update(questions).where(questions.c.id == row.id)
                                   .values(revealed_at=self.clock()))
            row = self._question_row(connection, session.id, checkpoint_id)
            return self._question(row, with_answer=True)

    def results(self, code: str, teacher_key: str, checkpoint_id: str) -> Results:
        """Every guess on one question (teacher only)."""
        with self._transaction(read_only=True) as connection:
            session = self._teacher_session(connection, code, teacher_key)
            row = self._question_row(connection, session.id, checkpoint_id)
            if row is None:
                raise AnswersClosed("This question has not been asked in this session.")
            guesses = connection.execute(
                select(answers.c.number, answers.c.choice)
                .where(answers.c.question_id == row.id).order_by(answers.c.id)
            ).all()
            return Results(
                question=self._question(row, with_answer=True),
                numbers=tuple(float(g.number) for g in guesses if g.number is not None),
                choices=tuple(g.choice for g in guesses if g.choice is not None),
                n_students=self._count_students(connection, session.id),
                n_answered=len(guesses),
            )

    def asked(self, code: str, teacher_key: str) -> list[Question]:
        """The questions asked so far in this session, oldest first (teacher only)."""
        with self._transaction(read_only=True) as connection:
            session = self._teacher_session(connection, code, teacher_key)
            rows = connection.execute(
                select(questions).where(questions.c.session_id == session.id)
                .order_by(questions.c.asked_at, questions.c.id)
            ).all()
            return [self._question(r, with_answer=True) for r in rows]

    def roster(self, code: str, teacher_key: str) -> list[str]:
        """The students' names in joining order ("anonymous" for those without one)."""
        with self._transaction(read_only=True) as connection:
            session = self._teacher_session(connection, code, teacher_key)
            names = connection.execute(
                select(students.c.nickname).where(students.c.session_id == session.id)
                .order_by(students.c.id)
            ).scalars().all()
            return [name or "anonymous" for name in names]

    def export_csv(self, code: str, teacher_key: str) -> str:
        """Every answer of the session as CSV text (one row per student per question)."""
        with self._transaction(read_only=True) as connection:
            session = self._teacher_session(connection, code, teacher_key)
            rows = connection.execute(
                select(questions.c.checkpoint_id, questions.c.kind, questions.c.true_number,
                       questions.c.true_choice, questions.c.tolerance, questions.c.revealed_at,
                       students.c.id.label("student_id"), students.c.nickname,
                       answers.c.number, answers.c.choice, answers.c.answered_at,
                       answers.c.revisions)
                .select_from(answers.join(questions).join(students))
                .where(questions.c.session_id == session.id)
                .order_by(questions.c.asked_at, questions.c.id, answers.c.id)
            ).all()
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["session", "question", "true_answer", "tolerance", "revealed",
                         "student_id", "nickname", "guess", "within_tolerance",
                         "answered_at_utc", "changes"])
        for r in rows:
            number = r.kind == "number"
            question = Question(r.checkpoint_id, r.kind, r.true_number if number
                                else r.true_choice, float(r.tolerance), (), 0.0, True)
            guess = r.number if number else r.choice
            writer.writerow([
                session.code, r.checkpoint_id, question.answer, r.tolerance,
                "yes" if r.revealed_at is not None else "no",
                r.student_id, _spreadsheet_safe(r.nickname or ""),
                guess if number else _spreadsheet_safe(guess),
                "yes" if question.is_close(guess) else "no",
                datetime.fromtimestamp(r.answered_at, UTC).isoformat(timespec="seconds"),
                r.revisions,
            ])
        return out.getvalue()

    def delete_session(self, code: str, teacher_key: str) -> None:
        """Delete the session with every student and answer in it (teacher only)."""
        with self._transaction() as connection:
            session = self._teacher_session(connection, code, teacher_key)
            self._delete_sessions(connection, [session.id])

    def delete_sessions_older_than(self, seconds: float) -> int:
        """Server-side clean-up (no key: for whoever runs the server). Returns how many."""
        with self._transaction() as connection:
            ids = connection.execute(
                select(class_sessions.c.id)
                .where(class_sessions.c.created_at < self.clock() - float(seconds))
            ).scalars().all()
            self._delete_sessions(connection, ids)
            return len(ids)

    @staticmethod
    def _delete_sessions(connection: Connection, session_ids: Sequence[int]) -> None:
        if not session_ids:
            return
        question_ids = select(questions.c.id).where(questions.c.session_id.in_(session_ids))
        connection.execute(delete(answers).where(answers.c.question_id.in_(question_ids)))
        connection.execute(delete(questions).where(questions.c.session_id.in_(session_ids)))
        connection.execute(delete(students).where(students.c.session_id.in_(session_ids)))
        connection.execute(delete(class_sessions).where(class_sessions.c.id.in_(session_ids)))

    # ------------------------------------------------------------------ students
    def session_info(self, code: str) -> SessionInfo:
        """What a student sees of the session: its title and the current question."""
        with self._transaction(read_only=True) as connection:
            session = self._session_row(connection, code)
            current = None
            if session.current_checkpoint is not None:
                row = self._question_row(connection, session.id, session.current_checkpoint)
                current = None if row is None else self._question(row, with_answer=False)
            return SessionInfo(code=session.code, title=session.title,
                               created_at=float(session.created_at), current=current,
                               n_students=self._count_students(connection, session.id))

    def join(self, code: str, nickname: str | None = None) -> Student:
        """Take a seat in the class with a nickname (``None`` or blank: anonymous)."""
        nickname = normalize_nickname(nickname)
        key = secrets.token_urlsafe(18)
        now = self.clock()
        try:
            with self._transaction() as connection:
                session = self._session_row(connection, code)
                if self._count_students(connection, session.id) >= \
                        self.limits.students_per_session:
                    raise TooManyRequests(
                        f"Class {session.code} is full ({self.limits.students_per_session} "
                        "students)."
                    )
                student_id = connection.execute(students.insert().values(
                    session_id=session.id, key_hash=hash_key(key), nickname=nickname,
                    nickname_key=nickname_key(nickname), joined_at=now,
                    window_start=now, window_count=0,
                )).inserted_primary_key[0]
        except IntegrityError:
            raise InvalidInput(
                f"Someone in this class already goes by {nickname!r}; pick another nickname "
                "(after reloading the page, a new one such as your name with a digit)."
            ) from None
        return Student(id=int(student_id), code=session.code, nickname=nickname, key=key)

    def rejoin(self, code: str, seat: str) -> Student:
        """Take a seat back (after a reload) from its :attr:`Student.seat` token.

        Refused with :class:`UnknownStudent` unless the token names a seat of *this* class
        and carries that seat's key (only its hash is stored), as for every answer.
        """
        seat_id, _, key = str(seat).partition(".")
        if not (seat_id.isascii() and seat_id.isdigit() and len(seat_id) <= 12 and key):
            raise UnknownStudent(
                "That link's seat is not one of this class's; join again with the code."
            )
        with self._transaction(read_only=True) as connection:
            session, row = self._student_row(
                connection, Student(id=int(seat_id), code=code, nickname=None, key=key))
            return Student(id=int(row.id), code=session.code, nickname=row.nickname, key=key)

    def answer(self, student: Student, checkpoint_id: str, guess) -> float | str:
        """Store (or change) the student's guess; refused once the question is revealed."""
        now = self.clock()
        with self._transaction() as connection:
            session, seat = self._student_row(connection, student)
            row = self._question_row(connection, session.id, checkpoint_id, lock=True)
            if row is None:
                raise AnswersClosed(
                    "Your teacher has not asked this question in class yet; your guess stays "
                    "on your screen only."
                )
            if row.revealed_at is not None:
                raise AnswersClosed(
                    "The answer has been revealed, so guesses are closed for this question."
                )
            if row.kind == "number":
                number, choice = check_number_guess(guess), None
            else:
                number, choice = None, check_choice_guess(guess, tuple(row.choices.split("\n")))
            self._count_answer(connection, seat.id, now)
            statement = self._insert(answers).values(
                question_id=row.id, student_id=seat.id, number=number, choice=choice,
                answered_at=now, revisions=0,
            )
            connection.execute(statement.on_conflict_do_update(
                index_elements=[answers.c.question_id, answers.c.student_id],
                set_={"number": number, "choice": choice, "answered_at": now,
                      "revisions": answers.c.revisions + 1},
            ))
            return number if row.kind == "number" else choice

    def _count_answer(self, connection: Connection, student_id: int, now: float) -> None:
        window = self.limits.window_seconds
        new_window = students.c.window_start <= now - window
        count = connection.execute(
            update(students).where(students.c.id == student_id).values(
                window_count=case((new_window, 1), else_=students.c.window_count + 1),
                window_start=case((new_window, now), else_=students.c.window_start),
            ).returning(students.c.window_count)
        ).scalar_one()
        if count > self.limits.answers_per_minute:
            raise TooManyRequests(
                f"That is more than {self.limits.answers_per_minute} answers in a minute; "
                "wait a moment and send your guess again."
            )

    def my_answer(self, student: Student, checkpoint_id: str) -> float | str | None:
        """The student's own stored guess (``None`` if none)."""
        with self._transaction(read_only=True) as connection:
            session, seat = self._student_row(connection, student)
            row = self._question_row(connection, session.id, checkpoint_id)
            if row is None:
                return None
            guess = connection.execute(
                select(answers.c.number, answers.c.choice)
                .where(answers.c.question_id == row.id, answers.c.student_id == seat.id)
            ).first()
            if guess is None:
                return None
            return guess.number if row.kind == "number" else guess.choice


def _spreadsheet_safe(text: str | None) -> str:
    """Keep a spreadsheet from running a nickname like ``=HYPERLINK(...)`` as a formula."""
    text = "" if text is None else str(text)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
