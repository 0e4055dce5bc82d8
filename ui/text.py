"""Formatting numbers and user text for display.

User text (class names, values from a URL) is shown through :func:`escape_markdown`, so a
name such as ``<b>cat</b>`` or ``**dog**`` appears literally and never as HTML or markdown.
"""

from __future__ import annotations

import math
import re

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=&])")


def escape_markdown(text: str) -> str:
    """Backslash-escape every character Streamlit's markdown would interpret."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


def fmt(value: float, digits: int = 4) -> str:
    """A number for a table cell: fixed decimals, scientific when tiny or huge, ∞ spelled out."""
    value = float(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    if value != 0 and (abs(value) < 10 ** -digits or abs(value) >= 1e6):
        return f"{value:.{digits}e}"
    return f"{value:.{digits}f}"


def shorten(text: str, limit: int = 60) -> str:
    """Cut long user text for a message (a hostile URL may carry megabytes)."""
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
