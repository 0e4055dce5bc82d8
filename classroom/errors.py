"""What can go wrong in a class session, as messages a student or a teacher can act on.

Every error is a ``ValueError`` subclass, so pages show them next to the input that caused
them, like the numeric core's errors.
"""

from __future__ import annotations


class ClassroomError(ValueError):
    """Base class: the message is written for the person at the keyboard."""


class InvalidInput(ClassroomError):
    """A code, nickname, title or guess that is malformed, too long or out of range."""


class UnknownSession(ClassroomError):
    """No class session has this code (never created, mistyped, or deleted)."""


class WrongTeacherKey(ClassroomError):
    """The teacher key does not open this session."""


class UnknownStudent(ClassroomError):
    """The student's seat is gone (the session was deleted) or its key does not match."""


class AnswersClosed(ClassroomError):
    """The question has been revealed (or was never asked), so guesses are no longer taken."""


class TooManyRequests(ClassroomError):
    """A rate or size limit was reached; try again later."""
