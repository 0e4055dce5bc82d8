"""Streamlit pieces every page shares for drawing: input errors and charts.

(A page's inputs, its header and its stage live in :mod:`ui.lesson_state`.)
"""

from __future__ import annotations

import streamlit as st

from ui.text import escape_markdown

CHART_CONFIG = {"displayModeBar": False, "responsive": True}


def input_error(message: str, container=None) -> None:
    """Show a ``ValueError`` from ``xent_core`` next to the input that caused it."""
    (container or st).error(escape_markdown(message), icon=":material/error:")


def show_figure(figure, key: str | None = None, container=None) -> None:
    """Draw a Plotly figure with our class colours (``theme=None``) and no toolbar."""
    (container or st).plotly_chart(figure, theme=None, config=CHART_CONFIG, key=key)
