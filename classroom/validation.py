"""Checks on everything a person types: class codes, nicknames, titles, keys and guesses.

Each check returns the cleaned value or raises :class:`~classroom.errors.InvalidInput`
with a message that says what to type instead. Text is stored as typed (trimmed); it is
the app's job to show it as plain text, never as markdown or HTML.
"""

from __future__ import annotations

import math
import unicodedata

from classroom.errors import InvalidInput
from classroom.schema import CHOICE_MAX, CODE_LENGTH, NICKNAME_MAX, TITLE_MAX

# No 0/O, 1/I/L: a code read off a projector is typed right the first time.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
KEY_MAX = 128
GUESS_LIMIT = 1e6


def _preview(text: str, limit: int = 20) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def normalize_code(code) -> str:
    """``" k7m-2qp "`` → ``"K7M2QP"``; anything that cannot be a class code is refused."""
    if not isinstance(code, str):
        raise InvalidInput("Type the class code shown on the teacher's screen.")
    cleaned = code.strip().upper().replace("-", "").replace(" ", "")
    if not cleaned:
        raise InvalidInput("Type the class code shown on the teacher's screen.")
    if len(cleaned) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in cleaned):
        raise InvalidInput(
            f"A class code is {CODE_LENGTH} letters and digits, like K7M2QP "
            f"(no 0, 1, I, L or O). {_preview(code)!r} is not one."
        )
    return cleaned


def _has_control_characters(text: str) -> bool:
    return any(unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn") for c in text)


def normalize_nickname(nickname) -> str | None:
    """A trimmed nickname of at most 24 characters, or ``None`` for an anonymous student."""
    if nickname is None:
        return None
    if not isinstance(nickname, str):
        raise InvalidInput("A nickname is a short piece of text.")
    cleaned = " ".join(nickname.split())
    if not cleaned:
        return None
    if len(cleaned) > NICKNAME_MAX:
        raise InvalidInput(
            f"A nickname can be at most {NICKNAME_MAX} characters; this one has {len(cleaned)}."
        )
    if _has_control_characters(cleaned):
        raise InvalidInput("A nickname can only hold visible characters and spaces.")
    return cleaned


def nickname_key(nickname: str | None) -> str | None:
    """The form two nicknames are compared in: ``"Ada"`` and ``" ada "`` are the same seat."""
    return None if nickname is None else unicodedata.normalize("NFKC", nickname).casefold()


def normalize_title(title) -> str:
    """A session title (optional) of at most 80 characters."""
    if title is None:
        return ""
    if not isinstance(title, str):
        raise InvalidInput("A session title is a short piece of text.")
    cleaned = " ".join(title.split())
    if len(cleaned) > TITLE_MAX:
        raise InvalidInput(f"A session title can be at most {TITLE_MAX} characters.")
    if _has_control_characters(cleaned):
        raise InvalidInput("A session title can only hold visible characters and spaces.")
    return cleaned


def check_key(key, what: str = "teacher key") -> str:
    """A key as typed; refuses non-text and absurd lengths before anything is hashed."""
    if not isinstance(key, str) or not key.strip():
        raise InvalidInput(f"Type the {what}.")
    if len(key) > KEY_MAX:
        raise InvalidInput(f"That is not a {what}: it is far too long.")
    return key.strip()


def check_number_guess(value) -> float:
    """A finite number between −1,000,000 and 1,000,000."""
    if isinstance(value, bool) or value is None:
        raise InvalidInput("Type a number as your guess.")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InvalidInput(f"{_preview(value)!r} is not a number; type a number.") from None
    if not math.isfinite(number) or abs(number) > GUESS_LIMIT:
        raise InvalidInput("A guess must be a number between −1,000,000 and 1,000,000.")
    return number


def check_choice_guess(value, choices: tuple[str, ...]) -> str:
    """One of ``choices``, exactly."""
    if not isinstance(value, str) or len(value) > CHOICE_MAX or value not in choices:
        options = ", ".join(repr(c) for c in choices)
        raise InvalidInput(f"Pick one of the answers offered: {options}.")
    return value
