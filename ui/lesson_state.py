"""A lesson page's inputs, in one place: session keys, the URL, presets, reset, bad values.

Every page starts with ``state = lesson_state(PAGE, FIELDS, ...)``. A page declares its
inputs as :class:`~ui.url_state.Field` objects (query-parameter name, the lesson's preset, a
parser that rejects bad text with ``ValueError``); then

1. :func:`lesson_state` puts each value into ``st.session_state`` under ``state.key(name)``,
   taken from the URL when it parses, else from what the learner had when they last left the
   page, else the preset. A bad link value becomes a visible note that names it.
2. Widgets are created with ``key=state.key(name)`` and **no** ``value=``; ``state[name]``
   reads a value, ``state.set(name, value)`` changes one (in callbacks).
3. :func:`end_run` (end of ``app.py``) writes every value that differs from its preset into
   the URL, and the same query into the page's *Copy link to this state*, built on the host
   the browser used. A move reruns only the page's :func:`lesson_fragment`, which skips the
   end of ``app.py``, so the fragment does the same when it ends.

Private session keys (drafts, histories: not in the URL) come from ``state.private(name)``;
the reset button clears them with the fields. Every exact number a learner types goes through
:func:`commit_number` (a :func:`number_box`, or a box of :mod:`ui.class_rows`): a value that
is empty, not a number, infinite or out of range never changes anything, and a message next
to the box says why (:func:`box_error`).

Why not Streamlit's own ``bind="query-params"``: it names the parameter after the widget key,
holds one value per widget (our logits are one list behind ten widgets, page 1 is a grid)
and drops a bad value without a word, where the learner must be told which link value was
ignored. ``number_input(required=True)`` keeps the last value when a box is cleared, but it
cannot say why and does not cover ``abc`` or ``1e999``; hence :func:`number_box`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from ui.checkpoint import predict_checkpoints
from ui.text import escape_markdown, fmt, shorten
from ui.url_state import Field, encode_bool, parse_bool, parse_choice
from xent_core import LOG_BASES, LogBase, get_log_base

SHELL = "shell"
LOG_BASE = Field("base", "e", parse_choice(tuple(LOG_BASES)), label="log base")
PRESENT = Field("present", False, parse_bool, encode_bool, label="presenter mode")
SHARED_FIELDS = (LOG_BASE, PRESENT)  # the sidebar's inputs, on every page and in every link

_ACTIVE = "_lesson_state.active"  # the LessonState of the page running now
_LAST = "_lesson_state.last"  # the LessonState of the last full run (for fragment reruns)
_NOTES = "_lesson_state.notes"  # page -> notes about link values that were not used
_SAVED = "_lesson_state.saved"  # page -> {name: value} when the learner last saw it
_BOX_ERRORS = "_lesson_state.box_errors"  # box key -> (message, value it was typed over, text)
TEXT_KEPT = 200  # characters of a rejected text kept to show in its box again
_URL_ONLY = "_lesson_state.url_only"  # {param: value} this browser's address keeps, no link does


def _key(page: str, name: str) -> str:
    return f"{page}.{name}"


def shell_key(name: str) -> str:
    """The session key (and widget ``key=``) of a field every page shares."""
    return _key(SHELL, name)


def _read_param(f: Field):
    if f.name not in st.query_params:
        return None
    return st.query_params.get_all(f.name) if f.multi else st.query_params.get(f.name)


def _notes(page: str) -> list[str]:
    return st.session_state.setdefault(_NOTES, {}).setdefault(page, [])


def _load(page: str, fields: Sequence[Field]) -> None:
    """Fill session state for ``fields`` not there yet: the URL, else saved, else the preset."""
    saved = st.session_state.setdefault(_SAVED, {}).get(page, {})
    for f in fields:
        key = _key(page, f.name)
        if key in st.session_state:
            continue
        value = saved.get(f.name, f.default)
        raw = _read_param(f)
        if raw is not None:
            try:
                value = f.parse(raw)
            except ValueError as error:
                shown = ", ".join(raw) if f.multi else raw
                _notes(page).append(
                    f"The link's value for “{escape_markdown(f.label or f.name)}” "
                    f"(`{escape_markdown(shorten(shown, 40)).replace('`', '')}`) "
                    f"was not used because {escape_markdown(str(error))}; "
                    "showing the lesson's example instead."
                )
        st.session_state[key] = value


# ------------------------------------------------------------------------ the state


@dataclass
class LessonState:
    """The inputs of one page during one run (see the module docstring)."""

    page: str  # the session-key prefix, e.g. "five"
    fields: tuple[Field, ...]
    title: str = ""
    intro: str = ""
    checkpoints: str | None = None  # the lesson whose predict-then-reveal questions it shows
    share_slot: Any = field(default=None, repr=False)  # where the copy link is drawn

    def key(self, name: str) -> str:
        """The session key (and widget ``key=``) of a field."""
        return _key(self.page, name)

    def private(self, name: str) -> str:
        """A session key for state that is not in the URL (cleared by the reset button)."""
        return _key(self.page, f"_{name}")

    def __getitem__(self, name: str):
        return st.session_state[self.key(name)]

    def set(self, name: str, value) -> None:
        st.session_state[self.key(name)] = value

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    @property
    def base(self) -> LogBase:
        """The log base chosen in the sidebar: every loss the core returns is in it."""
        return current_log_base()

    @property
    def is_preset(self) -> bool:
        return all(self[f.name] == f.default for f in self.fields)

    def note(self, text: str) -> None:
        """A note shown under the title until reset (markdown: escape user text first)."""
        _notes(self.page).append(text)

    @property
    def notes(self) -> list[str]:
        return st.session_state.get(_NOTES, {}).get(self.page, [])

    def reset(self) -> None:
        """Every field back to the lesson's preset; private state and notes forgotten."""
        for f in self.fields:
            self.set(f.name, f.default)
        prefix = self.private("")
        for key in [k for k in st.session_state if str(k).startswith(prefix)]:
            del st.session_state[key]
        st.session_state.setdefault(_NOTES, {})[self.page] = []
        st.session_state.get(_BOX_ERRORS, {}).clear()

    def params(self) -> dict[str, Any]:
        """The query parameters of this page's state: every field that differs from its preset."""
        return {**_params(SHELL, SHARED_FIELDS), **_params(self.page, self.fields)}


def lesson_state(page: str, fields: Sequence[Field], *, title: str = "", intro: str = "",
                 checkpoints: str | None = None,
                 check: Callable[[LessonState], None] | None = None) -> LessonState:
    """Call first on a page: load its inputs (URL > last visit > preset) and own the URL.

    ``checkpoints`` names the lesson (its registry ``url_path``) whose predict-then-reveal
    questions the header shows. ``check(state)`` makes values from a link consistent with each
    other (for example as many class names as logits), adding a note for whatever it changes.
    """
    from ui import live  # ui.details -> ui.presenter -> this module

    live.start_run()
    state = LessonState(page, tuple(fields), title, intro, checkpoints)
    st.session_state[_ACTIVE] = state
    st.session_state[_LAST] = state
    _load(page, fields)
    if check is not None:
        check(state)
    return state


# ------------------------------------------------------------------ the shell and the URL


def start_shell() -> None:
    """Load the fields every page shares (the sidebar's log base and presenter mode)."""
    _load(SHELL, SHARED_FIELDS)


def current_log_base() -> LogBase:
    return get_log_base(st.session_state.get(_key(SHELL, LOG_BASE.name), "e"))


def log_base_selector() -> LogBase:
    """The sidebar radio that relabels every loss on every page (nats, bits, Excel's LOG)."""
    st.radio(
        "Log base for losses",
        options=tuple(LOG_BASES),
        format_func=lambda key: f"{LOG_BASES[key].log_name} ({LOG_BASES[key].unit})",
        key=_key(SHELL, LOG_BASE.name),
        help="Cross-entropy is −log p. The base only rescales it: log_b(p) = ln(p) / ln(b). "
        "PyTorch uses ln (nats); the fast.ai spreadsheet used Excel's LOG(), base 10.",
    )
    for note in st.session_state.get(_NOTES, {}).get(SHELL, []):
        st.warning(note, icon=":material/link:")
    return current_log_base()


def keep_in_address(params: dict[str, str] | None) -> None:
    """Query parameters that this browser's own address keeps on every page, so a reload
    finds them (a student's class seat), but that no *Copy link* ever carries: the copy link
    is built from the lesson's inputs alone (:func:`share_url`). ``None`` drops them."""
    if params:
        st.session_state[_URL_ONLY] = {str(k): str(v) for k, v in params.items()}
    else:
        st.session_state.pop(_URL_ONLY, None)


def page_url() -> str:
    """This page's address without its query, on the host the browser used.

    ``st.context.url`` is the address in the learner's browser (a teacher who opened the app
    through the network address gets links on that address); only a run without a browser
    (AppTest, the start-up warm-up) has none and gets the default local address.
    """
    parts = urlsplit(st.context.url or "http://localhost:8501/")
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def share_url(state: LessonState | None) -> str:
    """The full link to this page in its current state."""
    params = state.params() if state is not None else _shell_params()
    query = urlencode(params, doseq=True)
    return f"{page_url()}?{query}" if query else page_url()


def _params(page: str, fields: Sequence[Field]) -> dict[str, Any]:
    """The query parameters of ``fields``: every one that differs from its preset."""
    params: dict[str, Any] = {}
    for f in fields:
        key = _key(page, f.name)
        if key in st.session_state:
            encoded = f.encode(st.session_state[key])
            if encoded != f.encode(f.default):
                params[f.name] = encoded
    return params


def _shell_params() -> dict[str, Any]:
    return _params(SHELL, SHARED_FIELDS)


def _draw_link(state: LessonState) -> None:
    """The copy link: a place (:mod:`ui.live`) that every move updates."""
    from ui.details import code, details  # ui.details -> ui.presenter -> this module

    if state.share_slot is not None:
        details(f"{state.page}.link", code(share_url(state), wrap_lines=True,
                                          label="Link to this state"),
                container=state.share_slot)


def _write(state: LessonState | None, link: bool = True) -> None:
    """The URL and (with ``link``) the copy link, both from the state as it is now; the
    address also keeps this browser's own parameters (:func:`keep_in_address`). A move sets
    the address bar through its moves element (:func:`ui.live.move_address`), a full run
    through ``st.query_params``."""
    from ui import live  # ui.details -> ui.presenter -> this module

    params = state.params() if state is not None else _shell_params()
    params = {**params, **st.session_state.get(_URL_ONLY, {})}
    if state is not None:
        st.session_state.setdefault(_SAVED, {})[state.page] = {
            f.name: state[f.name] for f in state.fields if state.key(f.name) in st.session_state
        }
        if link:
            _draw_link(state)
    if live.move_address(params):
        return
    moved = live.address_moved()  # the address bar may show a move's, not Streamlit's
    if (moved or params != st.query_params.to_dict()
            or any(isinstance(v, list) for v in params.values())):
        st.query_params.from_dict(params)


def end_run() -> None:
    """End of ``app.py``: write the running page's state into the URL and its copy link (a
    place of :mod:`ui.live`, which the page's moves update)."""
    from ui import live  # ui.details -> ui.presenter -> this module

    state = st.session_state.pop(_ACTIVE, None)
    if state is None:
        _write(None)
        return
    with live.collecting(live.Moves(state.page, rerun=False)) as moves:
        _write(state)
    live.draw_later(moves)


def in_fragment_rerun() -> bool:
    """True while only a ``st.fragment`` reruns (the rest of the page keeps its last run)."""
    context = get_script_run_ctx()
    return bool(context is not None and context.fragment_ids_this_run)


def lesson_fragment(draw: Callable[..., None]) -> Callable[..., None]:
    """The page's lesson: everything a move changes, as an ``st.fragment``, so a move reruns
    it alone, not the page's header, its questions or the app's sidebar (which a full run
    draws). Call it where its widgets go (the rows of a stage's controls, say): they are
    drawn in its own container.

    Its charts and details in the full run's places are places of :mod:`ui.live`: drawn by
    the full run, then updated by one element a move. When a move ends, the fragment writes
    the URL and the copy link, as :func:`end_run` does after a full run."""
    from ui import live  # ui.details -> ui.presenter -> this module

    @st.fragment
    @functools.wraps(draw)
    def fragment(*args, **kwargs):
        state = st.session_state[_LAST]
        with live.collecting(live.Moves(state.page, rerun=in_fragment_rerun())) as moves:
            result = draw(*args, **kwargs)
            live.check_places(moves)
            if moves.rerun:
                _write(state)
        live.send(moves, key=f"{state.page}.moves")
        return moves, result

    @functools.wraps(draw)
    def run(*args, **kwargs):
        moves, result = fragment(*args, **kwargs)
        live.draw_later(moves)
        return result

    return run


# -------------------------------------------------------------------- the page's layout


STAGE_KEY = "lesson-stage"  # the stage's container: CSS class st-key-lesson-stage
ACTIONS_KEY = "lesson-actions"  # reset and copy link, side by side even on a phone


def header(state: LessonState) -> None:
    """Title, intro, notes about a bad link, the reset button, the copy link, and the lesson's
    predict-then-reveal questions."""
    st.title(state.title)
    if state.intro:
        st.markdown(state.intro)
    for note in state.notes:
        st.warning(note, icon=":material/link:")
    actions = st.container(key=ACTIONS_KEY)
    reset_col, share_col = actions.columns([1, 3], vertical_alignment="center")
    reset_col.button(
        ":material/restart_alt: Reset to the lesson's example", key=_key(state.page, "reset"),
        on_click=state.reset,
        help="Put every input on this page back to the numbers the lesson used.",
    )
    with share_col.popover(":material/link: Copy link to this state"):
        st.caption("Anyone who opens this link sees exactly these inputs.")
        state.share_slot = st.empty()  # filled by end_run, once the state is final
    if state.checkpoints is not None:
        predict_checkpoints(state.checkpoints)  # predict before looking at the stage below


@dataclass(frozen=True)
class Stage:
    """The first screen of a lesson: what a learner moves, the chart it drives, the loss."""

    page: str
    controls: Any
    charts: Any
    loss: Any

    def show_loss(self, label: str, value: float | None, unit: str, help: str | None = None,
                  digits: int = 4) -> None:
        """The loss as the stage's big number (a place of :mod:`ui.live`); ``None`` shows
        "undefined" (a loss the inputs leave without a value), in the same place."""
        from ui.details import details, metric  # ui.details -> ui.presenter -> this module

        shown = "undefined" if value is None else f"{fmt(value, digits)} {unit}"
        details(f"{self.page}.loss", metric(label, shown, help=help, border=True),
                container=self.loss)


def section(title: str):
    """A section below the stage: its heading, drawn by the full run, and the container
    (returned) that the lesson fragment writes the section's numbers into, so a move resends
    the numbers and not the heading."""
    st.subheader(title)
    return st.container()


def stage(state: LessonState, widths: Sequence[float] = (2.2, 3, 1.6)) -> Stage:
    """The page header, then the stage: controls, main chart(s) and the loss side by side.

    One place for the stage's layout, so every lesson (and its classroom styling) shares it.
    The page draws into the stage's three columns (``with on_stage.controls:``); what it
    draws with plain ``st.`` calls comes after the stage.
    """
    header(state)
    controls, charts, loss = st.container(key=STAGE_KEY).columns(list(widths), gap="medium")
    return Stage(state.page, controls, charts, loss)


# --------------------------------------------------------------------- typed numbers


def commit_number(key: str, text: str, parse: Callable[[str], float],
                  on_commit: Callable[[float], None], *, what: str, value: float,
                  digits: int = 4) -> None:
    """Text a learner committed for a number (a box named ``key`` that stands for ``value``):
    ``on_commit(parse(text))``; or, when the text is empty or ``parse`` rejects it, nothing
    changes and :func:`box_error` says why until the next good edit or until ``value``
    changes another way (a slider, a reset)."""
    errors = st.session_state.setdefault(_BOX_ERRORS, {})
    try:
        if not text.strip():
            raise ValueError("the box is empty")
        number = parse(text)
    except ValueError as error:
        errors[key] = (f"“{shorten(text.strip(), 24)}” was not used because {error}; the "
                       f"{what} stays {fmt(value, digits)}.", value, text[:TEXT_KEPT])
        return
    errors.pop(key, None)
    on_commit(number)


def rerun_if_example_left(state: LessonState, box: str,
                          example_now: Callable[[LessonState], str | None]) -> None:
    """In a lesson fragment: when a move has taken the inputs off the example (or story) that
    the full run's box ``state.private(box)`` shows, rerun the page so the box says the
    numbers are the learner's own. ``example_now`` names the example the inputs match now
    (``None``: none). Only that first move off an example reruns the page; the moves after
    it rerun the fragment alone, even one that lands on an example's numbers again (the box
    names it on the page's next full run: nudging a slider back and forth must not rerun the
    page each time)."""
    shown = st.session_state.get(state.private(box))
    if shown is not None and example_now(state) != shown:
        st.rerun()


def box_shows(key: str, value: float) -> tuple[str, str | None]:
    """What the box named ``key`` for ``value`` shows: (its text, the message beside it).
    The number itself and no message, or the text that was not used and why."""
    error = box_error(key, value)
    return (f"{float(value):.10g}", None) if error is None else (error[1], error[0])


def box_error(key: str, value: float) -> tuple[str, str] | None:
    """(message, text typed) for the box named ``key`` if its last text was not used and
    it still stands for ``value``; a message about an older value is dropped."""
    errors = st.session_state.setdefault(_BOX_ERRORS, {})
    pending = errors.get(key)
    if pending is not None and pending[1] != value:
        errors.pop(key, None)  # the value moved on: the message is about an older one
        pending = None
    return None if pending is None else (pending[0], pending[2])


def number_box(key: str, label: str, value: float, parse: Callable[[str], float],
               on_commit: Callable[[float], None], *, what: str = "value",
               container=None, label_visibility: str = "visible", help: str | None = None,
               digits: int = 4) -> None:
    """A box for an exact number that never changes anything silently.

    ``value`` is the number the box stands for (kept elsewhere: a field, one entry of a list
    of logits). Text the learner commits goes through ``parse`` (the same parser a link uses);
    a parsed number goes to ``on_commit``. Empty text, ``abc``, ``1e999`` or a number out of
    range leaves ``value`` as it was and shows why, next to the box, until the next good edit
    or until ``value`` changes another way (a slider, a reset): :func:`commit_number`.

    (A number with both a slider and a box is a row of :mod:`ui.class_rows`: two Streamlit
    widgets for one number lose arrow-key steps, see the README's "Arrow keys every 150 ms".)
    """
    target = container or st
    text, message = box_shows(key, value)
    if message is None and st.session_state.get(key) != text:
        st.session_state[key] = text  # only when it shows something else

    def commit() -> None:
        commit_number(key, str(st.session_state.get(key) or ""), parse, on_commit, what=what,
                      value=value, digits=digits)

    target.text_input(label, key=key, on_change=commit, label_visibility=label_visibility,
                      help=help)
    if message is not None:
        target.error(escape_markdown(message), icon=":material/error:")
