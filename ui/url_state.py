"""Every page's state lives in the URL, so a reload keeps it and a teacher can share it.

A page declares its inputs as :class:`Field` objects (query-parameter name, the lesson's
preset, a parser that rejects bad text with ``ValueError``, an encoder). Then:

1. :func:`start_page` (top of the page) puts each value into ``st.session_state`` under
   :func:`widget_key`, taken from the URL when it parses, else from what the learner had
   when they last left the page, else the preset. A bad URL value becomes a visible note.
2. Widgets are created with ``key=widget_key(page, name)`` and **no** ``value=``: their value
   is the one in session state.
3. :func:`write_url` (end of ``app.py``) writes every value that differs from its preset back
   into the URL.

Parsers are plain functions of text, tested without Streamlit.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import streamlit as st

from ui.text import escape_markdown, shorten

MAX_PARAM_LENGTH = 2_000  # longer query values are hostile or broken; never parse them


@dataclass(frozen=True)
class Field:
    """One input of a page, as it appears in the URL."""

    name: str  # the query-parameter name
    default: Any  # the lesson's preset
    parse: Callable[[Any], Any]  # URL text (a list of texts if ``multi``) -> value
    encode: Callable[[Any], Any] = str  # value -> URL text (a list of texts if ``multi``)
    multi: bool = False  # stored as a repeated parameter: ?name=a&name=b
    label: str = field(default="", compare=False)  # how the note names it; defaults to name


def widget_key(page: str, name: str) -> str:
    """The session-state key of a field: also the ``key=`` of its widget."""
    return f"{page}.{name}"


# ------------------------------------------------------------------------------ parsers


def _text(raw: str) -> str:
    raw = str(raw)
    if len(raw) > MAX_PARAM_LENGTH:
        raise ValueError(f"it is {len(raw):,} characters long")
    return raw.strip()


def parse_float(low: float, high: float) -> Callable[[str], float]:
    """A parser for one finite number in ``[low, high]``."""

    def parse(raw: str) -> float:
        text = _text(raw)
        try:
            value = float(text)
        except ValueError:
            raise ValueError("it is not a number") from None
        if not math.isfinite(value) or not low <= value <= high:
            raise ValueError(f"it must be a number from {low:g} to {high:g}")
        return value

    return parse


def parse_int(low: int, high: int) -> Callable[[str], int]:
    """A parser for one whole number in ``[low, high]``."""

    def parse(raw: str) -> int:
        text = _text(raw)
        try:
            value = int(text)
        except ValueError:
            raise ValueError("it is not a whole number") from None
        if not low <= value <= high:
            raise ValueError(f"it must be a whole number from {low} to {high}")
        return value

    return parse


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


# ----------------------------------------------------------------------- page lifecycle

_SHELL = "shell"
_ACTIVE = "_url_state.active"  # (page, fields) of the page running now
_NOTES = "_url_state.notes"  # page -> notes about URL values that fell back to the preset
_SAVED = "_url_state.saved"  # page -> {name: value} when the learner last saw it


def _read_param(f: Field):
    if f.name not in st.query_params:
        return None
    return st.query_params.get_all(f.name) if f.multi else st.query_params.get(f.name)


def load_fields(page: str, fields: Sequence[Field]) -> None:
    """Fill session state for ``fields`` that are not there yet (URL > saved > preset)."""
    saved = st.session_state.setdefault(_SAVED, {}).get(page, {})
    notes = st.session_state.setdefault(_NOTES, {}).setdefault(page, [])
    for f in fields:
        key = widget_key(page, f.name)
        if key in st.session_state:
            continue
        value = saved.get(f.name, f.default)
        raw = _read_param(f)
        if raw is not None:
            try:
                value = f.parse(raw)
            except ValueError as error:
                shown = ", ".join(raw) if f.multi else raw
                notes.append(
                    f"The link's value for “{escape_markdown(f.label or f.name)}” "
                    f"(`{escape_markdown(shorten(shown, 40)).replace('`', '')}`) "
                    f"was not used because {escape_markdown(str(error))}; "
                    "showing the lesson's example instead."
                )
        st.session_state[key] = value


def start_shell(shared: Sequence[Field]) -> None:
    """Load the fields every page shares (the sidebar's log base)."""
    load_fields(_SHELL, shared)


def shell_value(name: str):
    return st.session_state[widget_key(_SHELL, name)]


def shell_key(name: str) -> str:
    return widget_key(_SHELL, name)


def start_page(page: str, fields: Sequence[Field]) -> None:
    """Call first thing on a page: loads its fields and remembers them for :func:`write_url`."""
    st.session_state[_ACTIVE] = (page, tuple(fields))
    load_fields(page, fields)


def value(page: str, name: str):
    return st.session_state[widget_key(page, name)]


def reset_page(page: str, fields: Sequence[Field]) -> None:
    """Put every field back to the lesson's preset (use as a button's ``on_click``)."""
    for f in fields:
        st.session_state[widget_key(page, f.name)] = f.default
    st.session_state.setdefault(_NOTES, {})[page] = []


def add_note(page: str, text: str) -> None:
    """Add a note shown at the top of ``page`` until it is reset (markdown: escape user text)."""
    st.session_state.setdefault(_NOTES, {}).setdefault(page, []).append(text)


def notes(page: str) -> list[str]:
    """Messages about URL values that fell back to the preset (markdown, already escaped)."""
    return st.session_state.get(_NOTES, {}).get(page, [])


def current_params(shared: Sequence[Field] = ()) -> dict[str, Any]:
    """The query parameters for the running page: every field that differs from its preset."""
    params: dict[str, Any] = {}
    groups = [(_SHELL, shared)]
    if _ACTIVE in st.session_state:
        groups.append(st.session_state[_ACTIVE])
    for page, fields in groups:
        for f in fields:
            key = widget_key(page, f.name)
            if key not in st.session_state:
                continue
            encoded = f.encode(st.session_state[key])
            if encoded != f.encode(f.default):
                params[f.name] = encoded
    return params


def write_url(shared: Sequence[Field] = ()) -> None:
    """Write the running page's state into the URL and remember it for a later visit."""
    params = current_params(shared)
    if _ACTIVE in st.session_state:
        page, fields = st.session_state[_ACTIVE]
        st.session_state.setdefault(_SAVED, {})[page] = {
            f.name: st.session_state[widget_key(page, f.name)]
            for f in fields
            if widget_key(page, f.name) in st.session_state
        }
    if params != st.query_params.to_dict() or any(isinstance(v, list) for v in params.values()):
        st.query_params.from_dict(params)


def share_url(shared: Sequence[Field] = ()) -> str:
    """The full link to this page in its current state."""
    base = st.context.url or "http://localhost:8501/"
    query = urlencode(current_params(shared), doseq=True)
    return f"{base}?{query}" if query else base


def end_run(shared: Sequence[Field] = ()) -> None:
    """Forget which page was active (a page that does not call :func:`start_page` owns no URL)."""
    write_url(shared)
    st.session_state.pop(_ACTIVE, None)
