"""Classroom storage for "predict, then reveal": class sessions, students, questions, answers.

Pure Python + SQLAlchemy Core (never imports Streamlit). SQLite by default, PostgreSQL with
the same code. The Streamlit glue is in ``ui/classroom_ui.py``; the questions themselves
(checkpoints, answered by ``xent_core``) are in :mod:`classroom.checkpoints`.
"""

from classroom.config import database_url, sqlite_url
from classroom.errors import (
    AnswersClosed,
    ClassroomError,
    InvalidInput,
    TooManyRequests,
    UnknownSession,
    UnknownStudent,
    WrongTeacherKey,
)
from classroom.store import (
    Classroom,
    Limits,
    NewSession,
    Question,
    QuestionSpec,
    Results,
    SessionInfo,
    Student,
    create_classroom_engine,
    prepare_engine,
)

__all__ = [
    "AnswersClosed",
    "Classroom",
    "ClassroomError",
    "InvalidInput",
    "Limits",
    "NewSession",
    "Question",
    "QuestionSpec",
    "Results",
    "SessionInfo",
    "Student",
    "TooManyRequests",
    "UnknownSession",
    "UnknownStudent",
    "WrongTeacherKey",
    "create_classroom_engine",
    "database_url",
    "prepare_engine",
    "sqlite_url",
]
