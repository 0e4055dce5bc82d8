"""Formatting numbers and user text for display.

User text (class names, values from a URL) is shown through :func:`escape_markdown`, so a
name such as ``<b>cat</b>`` or ``**dog**`` appears literally and never as HTML or markdown.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=&])")


def escape_markdown(text: str) -> str:
    """Backslash-escape every character Streamlit's markdown would interpret."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


def markdown_table(columns: dict[str, list[str]], *, left: tuple[str, ...] = (),
                   titles: dict[str, str] | None = None) -> str:
    """A markdown table from columns of cell text, every header and cell escaped (a learner's
    ``<b>`` or ``|`` shows as typed). Columns named in ``left`` align left, the rest (numbers)
    right; ``titles`` shows another header for a column (``""`` for none). Cheaper to send
    and draw than a dataframe, for a small table redrawn on every move.
    """
    titles = titles or {}
    names = list(columns)
    rows = zip(*(columns[name] for name in names), strict=True)
    lines = [
        "| " + " | ".join(escape_markdown(titles.get(name, name)) or " " for name in names) + " |",
        "|" + "|".join(":---" if name in left else "---:" for name in names) + "|",
        *("| " + " | ".join(escape_markdown(cell) for cell in row) + " |" for row in rows),
    ]
    return "\n".join(lines)


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


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A markdown (GitHub) table: ``header`` cells, a rule, then one line per row.

    Cells are shown as given (``**bold**`` and `` `code` `` stay markdown), except that a ``|``
    is escaped and a line break becomes a space, so no cell can split the table.
    Every row must have as many cells as the header.

    >>> print(markdown_table(["", "value"], [["a|b", "1.0"]]))
    |  | value |
    | --- | --- |
    | a\\|b | 1.0 |
    """
    def line(cells: Sequence[str]) -> str:
        shown = (str(c).replace("\n", " ").replace("|", "\\|") for c in cells)
        return "| " + " | ".join(shown) + " |"

    lines = [line(header), "|" + " --- |" * len(header)]
    for row in rows:
        if len(row) != len(header):
            raise ValueError(f"a table row has {len(row)} cells but the header has "
                             f"{len(header)}: {shorten(' | '.join(map(str, row)))}")
        lines.append(line(row))
    return "\n".join(lines)


def shorten(text: str, limit: int = 60) -> str:
    """Cut long user text for a message (a hostile URL may carry megabytes)."""
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
