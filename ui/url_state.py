"""How a page's inputs are written in its URL: :class:`Field` and the parsers and encoders.

Every page's state lives in the URL, so a reload keeps it and a teacher can share it.
A page declares its inputs as :class:`Field` objects (query-parameter name, the lesson's
preset, a parser that rejects bad text with ``ValueError``, an encoder);
:mod:`ui.lesson_state` loads them, binds them to widgets and writes them back. The same
parsers check what a learner types into a number box. Plain functions of text, tested
without Streamlit.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

MAX_PARAM_LENGTH = 2_000  # longer query values are hostile or broken; never parse them

# One limit per kind of input, for the whole app (links and typed values alike).
LOGIT_LIMIT = 1e4  # every logit a learner types or a link carries: |x| ≤ 10 000
ACTIVATION_LIMIT = 1e6  # the cat-vs-dog sheet's raw activations
MIN_CLASSES, MAX_CLASSES = 2, 10


@dataclass(frozen=True)
class Field:
    """One input of a page, as it appears in the URL."""

    name: str  # the query-parameter name
    default: Any  # the lesson's preset
    parse: Callable[[Any], Any]  # URL text (a list of texts if ``multi``) -> value
    encode: Callable[[Any], Any] = str  # value -> URL text (a list of texts if ``multi``)
    multi: bool = False  # stored as a repeated parameter: ?name=a&name=b
    label: str = field(default="", compare=False)  # how the note names it; defaults to name


# ------------------------------------------------------------------------------ parsers


def _text(raw: str) -> str:
    raw = str(raw)
    if len(raw) > MAX_PARAM_LENGTH:
        raise ValueError(f"it is {len(raw):,} characters long")
    return raw.strip()


def _parse_number(convert: Callable[[str], Any], kind: str, low, high) -> Callable[[str], Any]:
    """A parser for one finite ``kind`` ("number", "whole number") in ``[low, high]``."""

    def parse(raw: str):
        try:
            value = convert(_text(raw))
        except ValueError as error:
            if "characters long" in str(error):
                raise
            raise ValueError(f"it is not a {kind}") from None
        if not math.isfinite(value) or not low <= value <= high:
            raise ValueError(f"it must be a {kind} from {low:g} to {high:g}" if kind == "number"
                             else f"it must be a {kind} from {low} to {high}")
        return value

    return parse


def parse_float(low: float, high: float) -> Callable[[str], float]:
    """A parser for one finite number in ``[low, high]``."""
    return _parse_number(float, "number", low, high)


def parse_int(low: int, high: int) -> Callable[[str], int]:
    """A parser for one whole number in ``[low, high]``."""
    return _parse_number(int, "whole number", low, high)


def parse_choice(options: Sequence[str]) -> Callable[[str], str]:
    """A parser that accepts only one of ``options``."""

    def parse(raw: str) -> str:
        text = _text(raw)
        if text not in options:
            raise ValueError("it must be one of " + ", ".join(options))
        return text

    return parse


def parse_float_list(min_len: int, max_len: int, low: float,
                     high: float) -> Callable[[str], list[float]]:
    """A parser for comma-separated finite numbers, e.g. ``-2.17,-1.63,2.39``."""
    one = parse_float(low, high)

    def parse(raw: str) -> list[float]:
        parts = _text(raw).split(",")
        if not min_len <= len(parts) <= max_len:
            raise ValueError(f"it must list {min_len} to {max_len} numbers")
        return [one(part) for part in parts]

    return parse


def encode_float_list(values: Sequence[float]) -> str:
    return ",".join(f"{float(v):.10g}" for v in values)


def encode_float(value: float) -> str:
    return f"{float(value):.10g}"


def parse_bool(raw: str) -> bool:
    text = _text(raw).lower()
    if text not in ("0", "1", "true", "false"):
        raise ValueError("it must be 1 or 0")
    return text in ("1", "true")


def encode_bool(value: bool) -> str:
    return "1" if value else "0"
