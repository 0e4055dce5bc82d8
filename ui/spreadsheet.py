"""A small spreadsheet as one element: a table whose input cells a learner types into.

Why not ``st.data_editor``: the data editor takes a pandas DataFrame, which Streamlit turns
into Arrow bytes on every run, and the browser draws it on a canvas (glide-data-grid). On the
cat-vs-dog page that was about a quarter of the server's work per edit, and the grid, driven
at a script's speed, sometimes dropped a typed value. Here the server sends the cells as
plain numbers and text; the browser keeps one HTML table and updates its cells in place, so
an edit keeps the keyboard focus where it was.

Python keeps every rule. The browser sends *what the learner did*: text committed in a cell
(Enter, Tab or leaving it), a choice in a select cell, a row deleted or added, as numbered
edits (:mod:`ui.edits`), so an edit is not lost when another follows before the server has
answered; while a row is being added or deleted the table takes no other edit (the rows'
numbers are about to change). :func:`spreadsheet` hands each new edit, oldest first, to the
page's ``on_edit`` (``edit.source``: the column's key, ``"add"`` or ``"delete"``).

Accessible as a table: column headers (``th scope=col``, with their help as a description),
every input named by its row and column ("Row 3, A · P(cat)"), a delete button per row, and
the computed cells as text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import streamlit as st

from ui.assets import element_js
from ui.edits import Edit, last_applied, pending_edits
from ui.presenter import presenting

HTML = ('<div class="xent-sheet" data-testid="xent-sheet"><div class="xs-scroll"><table>'
        '<caption></caption><thead></thead><tbody></tbody></table></div>'
        '<button type="button" class="xs-add"></button></div>')

JS = element_js("spreadsheet.js")  # ui/spreadsheet.js, loaded once per tab (ui/assets.py)

_sheet = st.components.v2.component("xent.spreadsheet", html=HTML, js=JS,
                                    isolate_styles=False)


@dataclass(frozen=True)
class Column:
    """One column. ``kind``: ``"row"`` (the row's header cell), ``"input"`` (a text box the
    learner types a number into), ``"select"`` (one of ``options``), ``"number"`` (a computed
    number, shown with ``format``: ``"g4"`` four significant digits, ``"fixed4"`` four
    decimals, ``"int"``) or ``"text"``."""

    key: str
    title: str
    kind: str = "number"
    help: str = ""
    format: str = "g4"
    options: tuple[str, ...] = ()
    max_chars: int = 0  # inputs: the most characters a cell takes (0: no limit)


@dataclass(frozen=True)
class SheetRow:
    """One row's cells, in the columns' order: an input's text, a select's choice, a number
    (``None`` for an empty cell) or text. ``disabled`` lists the input columns shown but not
    editable in this row (their cell is then a number); ``invalid`` the input columns whose
    text is not usable (marked, and ``aria-invalid``; the page says why); ``flagged`` draws
    the row in bold with a red mark."""

    cells: tuple
    disabled: tuple[str, ...] = ()
    invalid: tuple[str, ...] = ()
    flagged: bool = False


def spreadsheet(key: str, columns: Sequence[Column], rows: Sequence[SheetRow], *,
                on_edit: Callable[[Edit], None], caption: str,
                deletable: bool = True, add_label: str = "", max_rows: int = 20) -> None:
    """Draw the table as one element named ``key``; each new edit goes to ``on_edit``, oldest
    first, before the rest of the run (as a widget's ``on_change``).

    ``caption`` names the table for screen readers; ``add_label`` is the add-a-row button's
    text (none without it); ``max_rows`` disables that button once the table is full.
    """
    def changed() -> None:
        for edit in pending_edits(key):
            on_edit(edit)

    _sheet(key=key, on_edits_change=changed, data={
        "columns": [vars(column) | {"options": list(column.options)} for column in columns],
        "rows": [{"cells": list(row.cells), "disabled": list(row.disabled),
                  "invalid": list(row.invalid), "flagged": row.flagged} for row in rows],
        "caption": caption, "deletable": deletable, "add_label": add_label,
        "max_rows": max_rows, "applied": last_applied(key), "large": presenting(),
    })
