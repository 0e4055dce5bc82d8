"""The four tables of a class session (SQLAlchemy Core; the same on SQLite and PostgreSQL).

::

    class_sessions 1─┬─* students 1──* answers
                     └─* questions 1──* answers

Times are UNIX seconds (float), so both databases store and compare them the same way.
One answer per student per question is a unique constraint, so concurrent writes can only
update that row, never duplicate it.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

CODE_LENGTH = 6
NICKNAME_MAX = 24
TITLE_MAX = 80
CHECKPOINT_ID_MAX = 80
CHOICE_MAX = 60
HASH_LENGTH = 64  # hex SHA-256

metadata = MetaData()

class_sessions = Table(
    "class_sessions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("code", String(CODE_LENGTH), nullable=False, unique=True),
    Column("teacher_key_hash", String(HASH_LENGTH), nullable=False),
    Column("title", String(TITLE_MAX), nullable=False, default=""),
    Column("created_at", Float, nullable=False),
    Column("current_checkpoint", String(CHECKPOINT_ID_MAX), nullable=True),
)
Index("ix_class_sessions_created_at", class_sessions.c.created_at)

students = Table(
    "students",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("session_id", Integer, ForeignKey("class_sessions.id", ondelete="CASCADE"),
           nullable=False),
    Column("key_hash", String(HASH_LENGTH), nullable=False),
    # NULL for an anonymous student; otherwise stored exactly as typed (after trimming).
    Column("nickname", String(NICKNAME_MAX), nullable=True),
    # casefolded nickname: two students cannot take the same name in one class (NULLs differ)
    Column("nickname_key", String(NICKNAME_MAX * 3), nullable=True),
    Column("joined_at", Float, nullable=False),
    # rate limit: answers sent in the current one-minute window
    Column("window_start", Float, nullable=False),
    Column("window_count", Integer, nullable=False, default=0),
    UniqueConstraint("session_id", "nickname_key", name="uq_students_nickname"),
)

questions = Table(
    "questions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("session_id", Integer, ForeignKey("class_sessions.id", ondelete="CASCADE"),
           nullable=False),
    Column("checkpoint_id", String(CHECKPOINT_ID_MAX), nullable=False),
    Column("kind", String(10), nullable=False),  # "number" or "choice"
    Column("true_number", Float, nullable=True),
    Column("true_choice", String(CHOICE_MAX), nullable=True),
    Column("choices", Text, nullable=False, default=""),  # one per line, for a choice
    Column("tolerance", Float, nullable=False, default=0.0),
    Column("asked_at", Float, nullable=False),
    Column("revealed_at", Float, nullable=True),
    UniqueConstraint("session_id", "checkpoint_id", name="uq_questions_checkpoint"),
)

answers = Table(
    "answers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("question_id", Integer, ForeignKey("questions.id", ondelete="CASCADE"),
           nullable=False),
    Column("student_id", Integer, ForeignKey("students.id", ondelete="CASCADE"),
           nullable=False),
    Column("number", Float, nullable=True),
    Column("choice", String(CHOICE_MAX), nullable=True),
    Column("answered_at", Float, nullable=False),
    Column("revisions", Integer, nullable=False, default=0),
    UniqueConstraint("question_id", "student_id", name="uq_answers_one_per_student"),
)
