"""Formatting numbers and user text for display.

User text (class names, values from a URL) is shown through :func:`escape_markdown`, so a
name such as ``<b>cat</b>`` or ``**dog**`` appears literally and never as HTML or markdown.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterable, Sequence

_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")  # a | that no backslash escapes
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


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[str]], *,
                   left: Collection[int] | None = None) -> str:
    """A markdown (GitHub) table: ``header`` cells, a rule, then one line per row.

    Cells are shown as given (``**bold**`` and `` `code` `` stay markdown), except that a ``|``
    is escaped and a line break becomes a space, so no cell can split the table. Every row
    must have as many cells as the header. With ``left`` (column numbers), those columns align
    left and the others (numbers) right. A markdown table is cheaper to send and draw than a
    dataframe, for a small table redrawn on every move.

    >>> print(markdown_table(["", "value"], [["a|b", "1.0"]]))
    |  | value |
    | --- | --- |
    | a\\|b | 1.0 |
    """
    def line(cells: Sequence[str]) -> str:
        shown = (_UNESCAPED_PIPE.sub(r"\\|", str(c).replace("\n", " ")) for c in cells)
        return "| " + " | ".join(shown) + " |"

    if left is None:
        rule = "|" + " --- |" * len(header)
    else:
        rule = "|" + "|".join(":---" if i in left else "---:" for i in range(len(header))) + "|"
    lines = [line(header), rule]
    for row in rows:
        if len(row) != len(header):
            raise ValueError(f"a table row has {len(row)} cells but the header has "
                             f"{len(header)}: {shorten(' | '.join(map(str, row)))}")
        lines.append(line(row))
    return "\n".join(lines)


def columns_table(columns: dict[str, list[str]], *, left: tuple[str, ...] = (),
                  titles: dict[str, str] | None = None) -> str:
    """:func:`markdown_table` from columns of plain text, every header and cell escaped (a
    learner's ``<b>`` or ``|`` shows as typed). Columns named in ``left`` align left, the rest
    right; ``titles`` shows another header for a column (``""`` for none)."""
    titles = titles or {}
    names = list(columns)
    header = [escape_markdown(titles.get(name, name)) for name in names]
    rows = [[escape_markdown(cell) for cell in row]
            for row in zip(*(columns[name] for name in names), strict=True)]
    return markdown_table(header, rows, left={i for i, name in enumerate(names) if name in left})


def shorten(text: str, limit: int = 60) -> str:
    """Cut long user text for a message (a hostile URL may carry megabytes)."""
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
