"""Streamlit pieces every page shares: the log-base selector, the page header (reset and
share link), input errors, and chart display. Written once here, used by every page."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from ui import url_state
from ui.text import escape_markdown
from ui.url_state import Field, parse_choice
from xent_core import LOG_BASES, LogBase, get_log_base

LOG_BASE = Field("base", "e", parse_choice(tuple(LOG_BASES)), label="log base")
SHARED_FIELDS = (LOG_BASE,)

CHART_CONFIG = {"displayModeBar": False, "responsive": True}


def log_base_selector() -> LogBase:
    """The sidebar radio that relabels every loss on every page (nats, bits, Excel's LOG)."""
    st.sidebar.radio(
        "Log base for losses",
        options=tuple(LOG_BASES),
        format_func=lambda key: f"{LOG_BASES[key].log_name} ({LOG_BASES[key].unit})",
        key=url_state.shell_key(LOG_BASE.name),
        help="Cross-entropy is −log p. The base only rescales it: log_b(p) = ln(p) / ln(b). "
        "PyTorch uses ln (nats); the fast.ai spreadsheet used Excel's LOG(), base 10.",
    )
    for note in url_state.notes("shell"):
        st.sidebar.warning(note, icon=":material/link:")
    return current_log_base()


def current_log_base() -> LogBase:
    return get_log_base(st.session_state.get(url_state.shell_key(LOG_BASE.name), "e"))


def page_header(page: str, fields: Sequence[Field], title: str, intro: str) -> None:
    """Title, one-line intro, notes about a bad link, and the reset / share controls."""
    st.title(title)
    st.markdown(intro)
    for note in url_state.notes(page):
        st.warning(note, icon=":material/link:")
    reset_col, share_col = st.columns([1, 3], vertical_alignment="center")
    reset_col.button(
        ":material/restart_alt: Reset to the lesson's example",
        key=f"{page}.reset",
        on_click=url_state.reset_page,
        args=(page, fields),
        help="Put every input on this page back to the numbers the lesson used.",
    )
    with share_col.popover(":material/link: Copy link to this state"):
        st.caption("Anyone who opens this link sees exactly these inputs.")
        st.code(url_state.share_url(SHARED_FIELDS), language=None, wrap_lines=True)


def input_error(message: str, container=None) -> None:
    """Show a ``ValueError`` from ``xent_core`` next to the input that caused it."""
    (container or st).error(escape_markdown(message), icon=":material/error:")


def show_figure(figure, key: str | None = None, container=None) -> None:
    """Draw a Plotly figure with our class colours (``theme=None``) and no toolbar."""
    (container or st).plotly_chart(figure, theme=None, config=CHART_CONFIG, key=key)
